package display

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// MimeBundler is a value that renders itself as a MIME bundle
// (MIME type → content). It takes precedence over the single-type
// interfaces below.
type MimeBundler interface{ MimeBundle() map[string]any }

// HTMLer is a value that renders itself as HTML.
type HTMLer interface{ HTML() string }

// Markdowner is a value that renders itself as Markdown.
type Markdowner interface{ Markdown() string }

// LaTeXer is a value that renders itself as LaTeX.
type LaTeXer interface{ LaTeX() string }

// SVGer is a value that renders itself as an SVG document.
type SVGer interface{ SVG() string }

// PNGer is a value that renders itself as PNG bytes.
type PNGer interface{ PNG() []byte }

// PlotWidth and PlotHeight are the size a gonum *plot.Plot value is
// drawn at.
const (
	PlotWidth  = 5 * vg.Inch
	PlotHeight = 3.5 * vg.Inch
)

// Bundle returns the rich MIME types v offers through the interfaces of
// this package, image.Image (rendered as PNG) or gonum's *plot.Plot
// (rendered as SVG, PlotWidth × PlotHeight). It returns nil when v
// offers none. text/plain is not included: the caller knows how to print
// v. Binary content is base64-encoded.
func Bundle(v any) map[string]any {
	out := map[string]any{}
	if m, ok := v.(MimeBundler); ok {
		for k, c := range m.MimeBundle() {
			if b, ok := c.([]byte); ok && k != MIMEJSON {
				c = base64.StdEncoding.EncodeToString(b)
			}
			out[k] = c
		}
	}
	add := func(k string, c any) {
		if _, ok := out[k]; !ok {
			out[k] = c
		}
	}
	if h, ok := v.(HTMLer); ok {
		add(MIMEHTML, h.HTML())
	}
	if m, ok := v.(Markdowner); ok {
		add(MIMEMarkdown, m.Markdown())
	}
	if l, ok := v.(LaTeXer); ok {
		add(MIMELaTeX, l.LaTeX())
	}
	if s, ok := v.(SVGer); ok {
		add(MIMESVG, s.SVG())
	}
	if p, ok := v.(PNGer); ok {
		add(MIMEPNG, base64.StdEncoding.EncodeToString(p.PNG()))
	}
	if img, ok := v.(image.Image); ok {
		if _, done := out[MIMEPNG]; !done {
			if b, err := EncodePNG(img); err == nil {
				out[MIMEPNG] = base64.StdEncoding.EncodeToString(b)
			}
		}
	}
	if p, ok := v.(*plot.Plot); ok && p != nil {
		if svg, err := plotSVG(p); err == nil {
			add(MIMESVG, svg)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func plotSVG(p *plot.Plot) (string, error) {
	wt, err := p.WriterTo(PlotWidth, PlotHeight, "svg")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Render returns the whole MIME bundle of v: Bundle's rich types and
// text/plain, the Plain form of v.
func Render(v any) map[string]any {
	b := Bundle(v)
	if b == nil {
		b = map[string]any{}
	}
	b[MIMEText] = Plain(v, b)
	return b
}

// Plain is the text/plain form of v, whose rich bundle is b: v's String
// method or fmt's %v, except for a value drawn as an image (SVG, PNG,
// JPEG) that has no String method: a dump of its fields or pixels would
// bury the output, so it prints as <type> (with the size of an image).
func Plain(v any, b map[string]any) string {
	if _, ok := v.(fmt.Stringer); ok {
		return fmt.Sprintf("%v", v)
	}
	_, svg := b[MIMESVG]
	_, png := b[MIMEPNG]
	_, jpeg := b[MIMEJPEG]
	if !svg && !png && !jpeg {
		return fmt.Sprintf("%v", v)
	}
	if img, ok := v.(image.Image); ok {
		r := img.Bounds()
		return fmt.Sprintf("<%T %d×%d>", v, r.Dx(), r.Dy())
	}
	return fmt.Sprintf("<%T>", v)
}
