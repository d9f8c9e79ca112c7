package display

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"reflect"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// MimeBundler is a value that renders itself as a MIME bundle
// (MIME type → content). When it returns a non-empty bundle, that is
// the whole bundle: the single-type interfaces below are not consulted.
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
// offers none, and for a nil pointer. A method that panics offers
// nothing: a broken HTML method must not take the kernel down. text/plain
// is not included: the caller knows how to print v. Binary content is
// base64-encoded.
func Bundle(v any) map[string]any {
	if rv := reflect.ValueOf(v); !rv.IsValid() || rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil
	}
	out := map[string]any{}
	if m, ok := v.(MimeBundler); ok {
		// A MimeBundle is the type's whole say: its other methods
		// (HTML, LaTeX, …) are not added, so a front end shows what
		// the type chose.
		if b, ok := try(func() (any, bool) { return m.MimeBundle(), true }); ok {
			for k, c := range b.(map[string]any) {
				out[k] = EncodeBinary(k, c)
			}
			if len(out) > 0 {
				return out
			}
		}
	}
	for _, r := range renderers {
		if _, done := out[r.mime]; done {
			continue
		}
		if c, ok := try(func() (any, bool) { return r.render(v) }); ok {
			out[r.mime] = EncodeBinary(r.mime, c)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// renderers are the single-type ways a value renders, in order of
// precedence within a MIME type.
var renderers = []struct {
	mime   string
	render func(v any) (content any, ok bool)
}{
	{MIMEHTML, func(v any) (any, bool) { h, ok := v.(HTMLer); return call(ok, h.HTML) }},
	{MIMEMarkdown, func(v any) (any, bool) { m, ok := v.(Markdowner); return call(ok, m.Markdown) }},
	{MIMELaTeX, func(v any) (any, bool) { l, ok := v.(LaTeXer); return call(ok, l.LaTeX) }},
	{MIMESVG, func(v any) (any, bool) { s, ok := v.(SVGer); return call(ok, s.SVG) }},
	{MIMEPNG, func(v any) (any, bool) {
		p, ok := v.(PNGer)
		if !ok {
			return nil, false
		}
		return p.PNG(), true
	}},
	{MIMEPNG, func(v any) (any, bool) {
		img, ok := v.(image.Image)
		if !ok {
			return nil, false
		}
		b, err := EncodePNG(img)
		return b, err == nil
	}},
	{MIMESVG, func(v any) (any, bool) {
		p, ok := v.(*plot.Plot)
		if !ok {
			return nil, false
		}
		svg, err := plotSVG(p)
		return svg, err == nil
	}},
}

// call calls a string method when the value has it.
func call(ok bool, method func() string) (any, bool) {
	if !ok {
		return nil, false
	}
	return method(), true
}

// try runs render, turning a panic into "nothing offered".
func try(render func() (any, bool)) (content any, ok bool) {
	defer func() {
		if recover() != nil {
			content, ok = nil, false
		}
	}()
	return render()
}

// EncodeBinary returns content as a MIME bundle carries it: []byte
// content (an image) base64-encoded, as Jupyter expects, and anything
// else, JSON's []byte included, as it is.
func EncodeBinary(mime string, c any) any {
	if b, ok := c.([]byte); ok && mime != MIMEJSON {
		return base64.StdEncoding.EncodeToString(b)
	}
	return c
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
