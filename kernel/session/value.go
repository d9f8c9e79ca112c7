package session

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

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
	if x != nil && compiledType(reflect.TypeOf(x)) {
		return display.Render(x)
	}
	// A type declared in a cell: its methods are probed in the
	// interpreter below.
	embeds := embedsMethods(v.Type())
	text := ""
	if embeds {
		text = plainOf(v, 0)
	} else {
		text = fmt.Sprintf("%v", x)
	}
	data := map[string]any{display.MIMEText: text}
	if k := v.Kind(); (k == reflect.Pointer || k == reflect.Interface) && v.IsNil() {
		return data // a nil pointer's methods would only panic: shown as <nil>
	}
	probe := func(method string) (reflect.Value, bool) {
		if !embeds && !s.declaresMethod(method) {
			return reflect.Value{}, false // no cell type has it: save an Eval
		}
		r, err := s.eval(ctx, "{}\n"+name+"."+method+"()")
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
				data[k] = display.EncodeBinary(k, c)
			}
			if len(m) > 0 {
				return data // a MimeBundle is the type's whole say (display.Bundle)
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
			data[rm.mime] = display.EncodeBinary(rm.mime, r.Bytes())
		}
	}
	return data
}

// release renders v, the value bound to the cell variable name, then
// zeroes name so the session does not keep the value alive.
func (s *Session) release(ctx context.Context, v reflect.Value, name string) map[string]any {
	data := s.bundle(ctx, v, name)
	s.evalStep(context.Background(), bodyStep(nil, name+" = "+zeroFunc+"("+name+")"))
	return data
}

// declaresMethod reports whether a cell declared a method of this name,
// on any type.
func (s *Session) declaresMethod(method string) bool {
	for name, d := range s.decls {
		if d.kind == "method" && strings.HasSuffix(name, "."+method) {
			return true
		}
	}
	return false
}

// compiledType reports whether t is a named type of a compiled package,
// whose methods the host sees directly (no probing needed).
func compiledType(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() != "" && t.Name() != ""
}

// embedsMethods reports whether t is (or points to, or holds) a struct
// type built by yaegi with an embedded field that has methods. Any
// interface conversion of such a value in compiled code (fmt's check for
// a String method, a type assertion) kills the process: "fatal error:
// runtime: type offset base pointer out of range".
func embedsMethods(t reflect.Type) bool { return embeds(t, map[reflect.Type]bool{}) }

func embeds(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return embeds(t.Elem(), seen)
	case reflect.Map:
		return embeds(t.Key(), seen) || embeds(t.Elem(), seen)
	case reflect.Struct:
		if t.Name() != "" {
			return false
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous && (f.Type.NumMethod() > 0 || reflect.PointerTo(f.Type).NumMethod() > 0) || embeds(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// plainOf prints v as fmt's %v would, without converting a value of a
// struct type built by yaegi to an interface (see embedsMethods): values
// of compiled named types are printed by fmt, the rest field by field.
func plainOf(v reflect.Value, depth int) string {
	if !v.IsValid() {
		return "<nil>"
	}
	if depth > 6 {
		return "…"
	}
	t := v.Type()
	if compiledType(t) && v.CanInterface() {
		return fmt.Sprintf("%v", v.Interface())
	}
	list := func(open, close string, n int, elem func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = elem(i)
		}
		return open + strings.Join(parts, " ") + close
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return "<nil>"
		}
		if e := v.Elem(); e.Kind() == reflect.Struct && depth == 0 {
			return "&" + plainOf(e, depth+1)
		}
		return fmt.Sprintf("%#x", v.Pointer())
	case reflect.Interface:
		return plainOf(v.Elem(), depth)
	case reflect.Struct:
		return list("{", "}", v.NumField(), func(i int) string { return plainOf(v.Field(i), depth+1) })
	case reflect.Slice, reflect.Array:
		return list("[", "]", v.Len(), func(i int) string { return plainOf(v.Index(i), depth+1) })
	case reflect.Map:
		keys := v.MapKeys()
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = plainOf(k, depth+1) + ":" + plainOf(v.MapIndex(k), depth+1)
		}
		sort.Strings(parts)
		return "map[" + strings.Join(parts, " ") + "]"
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, t.Bits())
	case reflect.Complex64, reflect.Complex128:
		return fmt.Sprint(v.Complex())
	case reflect.String:
		return v.String()
	}
	return fmt.Sprintf("%#x", v.Pointer()) // func, chan, unsafe pointer
}
