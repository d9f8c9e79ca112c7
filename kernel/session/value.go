package session

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"

	"github.com/traefik/yaegi/interp"

	"github.com/gradbook/gradbook/kernel/display"
)

// richMethods are the methods probed on a value whose type a cell
// declared (compiled types are asserted host-side instead), with the
// MIME type each one gives.
var richMethods = []struct{ method, mime string }{
	{"HTML", display.MIMEHTML},
	{"Markdown", display.MIMEMarkdown},
	{"LaTeX", display.MIMELaTeX},
	{"SVG", display.MIMESVG},
	{"PNG", display.MIMEPNG},
}

// bundle returns the MIME bundle of v, the value bound to the cell
// variable name: the rich types the value offers and text/plain, from
// String() when the type has one (interpreted or compiled). Compiled
// types (autodiff's, image.Image, *plot.Plot) render host-side, as
// display.Render does; a type declared in a cell is probed by method
// name (YAEGI.md: "Rich values from types declared in cells"). It
// returns nil for an invalid value (the expression nil).
func (s *Session) bundle(ctx context.Context, v reflect.Value, name string) map[string]any {
	if !v.IsValid() {
		return nil
	}
	var x any
	if v.CanInterface() {
		x = v.Interface()
	}
	data := display.Render(x)
	if compiledType(v.Type()) {
		return data
	}
	probe := func(method string) (reflect.Value, bool) {
		r, err := s.in.EvalWithContext(ctx, "{}\n"+name+"."+method+"()")
		var p interp.Panic
		if errors.As(err, &p) && compilePanic(err) == "" {
			s.errf.flush()
			s.errf.takeFrames()
			fmt.Fprintf(s.errf.w, "warning: the value's %s method panicked (%v), so it is not shown that way\n", method, p.Value)
		}
		return r, err == nil && r.IsValid()
	}
	if r, ok := probe("String"); ok && r.Kind() == reflect.String {
		data[display.MIMEText] = r.String()
	}
	if r, ok := probe("MimeBundle"); ok && r.CanInterface() {
		if m, ok := r.Interface().(map[string]any); ok {
			for k, c := range m {
				if b, ok := c.([]byte); ok && k != display.MIMEJSON {
					c = base64.StdEncoding.EncodeToString(b)
				}
				data[k] = c
			}
		}
	}
	for _, rm := range richMethods {
		if _, done := data[rm.mime]; done {
			continue
		}
		r, ok := probe(rm.method)
		if !ok {
			continue
		}
		switch {
		case r.Kind() == reflect.String:
			data[rm.mime] = r.String()
		case r.Kind() == reflect.Slice && r.Type().Elem().Kind() == reflect.Uint8:
			data[rm.mime] = base64.StdEncoding.EncodeToString(r.Bytes())
		}
	}
	return data
}

// compiledType reports whether t is a named type of a compiled package,
// whose methods the host sees directly (no probing needed).
func compiledType(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() != "" && t.Name() != ""
}
