package session

import (
	"reflect"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// yaegi evaluates top-level statements with their temporaries (a call's
// result, an operation's value) in slots of its global frame, next to
// the global variables, and never clears them; nor the slot of a
// variable that a := of another type replaced. Each kept its value alive
// for good: every value a cell showed after one of another type, and the
// first value of every top-level :=. After each cell the session gives
// every slot of the global frame that no symbol of the universe or of a
// package names a new zero value (a variable's, or a constant's when yaegi gives it
// one): no code reads the others again, since top-level statements run
// once and funcs keep their own frames.
//
// The fields are found by name once; if this version of yaegi lacks one,
// nothing is touched.
var (
	frameField    = fieldByName(reflect.TypeFor[interp.Interpreter](), "frame", reflect.Pointer)
	universeField = fieldByName(reflect.TypeFor[interp.Interpreter](), "universe", reflect.Pointer)
	dataField     = elemField(frameField, "data", reflect.Slice)
	symField      = elemField(universeField, "sym", reflect.Map)
	tempsOK       = frameField.ok && universeField.ok && dataField.ok && symField.ok && scopesOK &&
		dataField.typ.Elem() == reflect.TypeFor[reflect.Value]() && indexOK()
)

// structField is a field of a struct type: its index and type.
type structField struct {
	index []int
	typ   reflect.Type
	ok    bool
}

func fieldByName(t reflect.Type, name string, kind reflect.Kind) structField {
	f, ok := t.FieldByName(name)
	if !ok || f.Type.Kind() != kind {
		return structField{}
	}
	return structField{f.Index, f.Type, true}
}

// elemField is field name of the struct that pointer field p points to.
func elemField(p structField, name string, kind reflect.Kind) structField {
	if !p.ok || p.typ.Elem().Kind() != reflect.Struct {
		return structField{}
	}
	return fieldByName(p.typ.Elem(), name, kind)
}

// indexOK reports whether a symbol (the element of scope.sym) has an int
// index.
func indexOK() bool {
	sym := symField.typ.Elem()
	if sym.Kind() != reflect.Pointer || sym.Elem().Kind() != reflect.Struct {
		return false
	}
	f, ok := sym.Elem().FieldByName("index")
	return ok && f.Type.Kind() == reflect.Int
}

// forgetTemporaries empties the global frame's slots that no symbol
// names (see above). It runs between cells, under s.mu.
func (s *Session) forgetTemporaries() {
	if !tempsOK {
		return
	}
	in := reflect.ValueOf(s.in).Elem()
	frame := in.FieldByIndex(frameField.index)
	if frame.IsNil() {
		return
	}
	// The slice is read through unsafe: reflect forbids changing an
	// unexported field, and its elements are the frame's own values.
	data := *(*[]reflect.Value)(unsafe.Pointer(frame.Elem().FieldByIndex(dataField.index).UnsafeAddr()))
	named := make([]bool, len(data))
	mark := func(scope reflect.Value) {
		if scope.IsNil() {
			return
		}
		for it := scope.Elem().FieldByIndex(symField.index).MapRange(); it.Next(); {
			if sym := it.Value(); !sym.IsNil() {
				if i := int(sym.Elem().FieldByName("index").Int()); i >= 0 && i < len(named) {
					named[i] = true
				}
			}
		}
	}
	mark(in.FieldByIndex(universeField.index))
	for it := in.FieldByIndex(scopesField.Index).MapRange(); it.Next(); {
		mark(it.Value())
	}
	for i, v := range data {
		if !named[i] && v.IsValid() && !v.IsZero() {
			// A new zero value, not SetZero: a temporary may alias
			// live data (g[0] is the element of g itself).
			data[i] = reflect.New(v.Type()).Elem()
		}
	}
}
