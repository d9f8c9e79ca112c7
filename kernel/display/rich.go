package display

import (
	"encoding/base64"
	"image"
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

// Bundle returns the rich MIME types v offers through the interfaces of
// this package, or image.Image (rendered as PNG). It returns nil when v
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
	if len(out) == 0 {
		return nil
	}
	return out
}
