package session

import (
	"reflect"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// After each cell the session lets go of what yaegi would keep alive for
// good, through fields it does not export:
//
//   - Two indexes for its debugger, which the session does not use:
//     Interpreter.roots, the syntax tree of everything it ever parsed,
//     and scope.child, every scope ever opened in a package (one per func
//     compiled, holding the func's symbols and nodes). Each run of a
//     lesson's cell kept about 100 KB alive through them, the worker grew
//     without bound, and every collection scanned it all. Nothing else
//     reads them: name lookup walks from a scope to its parent, not to its
//     children. Both are emptied.
//   - The global frame's slots that no symbol names: the temporaries of
//     top-level statements (a call's result, an operation's value) and the
//     slot of a variable that a := of another type replaced. Each kept its
//     value alive: every value shown after one of another type, the first
//     value of every top-level :=. No code reads them again (top-level
//     statements run once; funcs keep their own frames), so each gets a
//     new zero value. A new value, not SetZero: a temporary may alias live
//     data (g[0] is the element of g itself).
//
// The fields are found by name once; if this version of yaegi lacks one,
// nothing is touched.
var (
	interpType    = reflect.TypeFor[interp.Interpreter]()
	rootsField    = fieldOf(interpType, "roots", reflect.Slice)
	scopesField   = fieldOf(interpType, "scopes", reflect.Map)
	frameField    = fieldOf(interpType, "frame", reflect.Pointer)
	universeField = fieldOf(interpType, "universe", reflect.Pointer)
	scopeType     = pointee(universeField)
	childField    = fieldOf(scopeType, "child", reflect.Slice)
	symField      = fieldOf(scopeType, "sym", reflect.Map)
	dataField     = fieldOf(pointee(frameField), "data", reflect.Slice)
	indexOK       = symField.ok && symField.typ.Elem().Kind() == reflect.Pointer &&
		fieldOf(symField.typ.Elem().Elem(), "index", reflect.Int).ok
	forgetOK = rootsField.ok && scopesField.ok && scopesField.typ.Elem() == universeField.typ &&
		childField.ok && indexOK && dataField.ok && dataField.typ.Elem() == reflect.TypeFor[reflect.Value]()
)

// structField is a field of a struct type, when ok.
type structField struct {
	index []int
	typ   reflect.Type
	ok    bool
}

// fieldOf is the field name of struct type t, if it has that kind.
func fieldOf(t reflect.Type, name string, kind reflect.Kind) structField {
	if t == nil || t.Kind() != reflect.Struct {
		return structField{}
	}
	f, ok := t.FieldByName(name)
	if !ok || f.Type.Kind() != kind {
		return structField{}
	}
	return structField{f.Index, f.Type, true}
}

// pointee is the struct type a pointer field points to, or nil.
func pointee(f structField) reflect.Type {
	if !f.ok {
		return nil
	}
	return f.typ.Elem()
}

// slice is the slice field f of the addressable struct v, writable
// (reflect forbids changing an unexported field).
func slice[E any](v reflect.Value, f structField) *[]E {
	return (*[]E)(unsafe.Pointer(v.FieldByIndex(f.index).UnsafeAddr()))
}

// emptyPointers sets a slice of pointers to length 0, dropping its
// references; a slice of pointers to any type has the layout of
// []unsafe.Pointer.
func emptyPointers(s *[]unsafe.Pointer) {
	clear(*s)
	*s = (*s)[:0]
}

// forgetCompiled lets go of what yaegi keeps (see above). It must not
// run while the interpreter compiles: it runs between cells, under s.mu.
func (s *Session) forgetCompiled() {
	if !forgetOK {
		return
	}
	in := reflect.ValueOf(s.in).Elem()
	emptyPointers(slice[unsafe.Pointer](in, rootsField))
	frame := in.FieldByIndex(frameField.index)
	var data []reflect.Value
	if !frame.IsNil() {
		data = *slice[reflect.Value](frame.Elem(), dataField)
	}
	named := make([]bool, len(data))
	mark := func(scope reflect.Value) {
		for it := scope.Elem().FieldByIndex(symField.index).MapRange(); it.Next(); {
			if sym := it.Value(); !sym.IsNil() {
				if i := int(sym.Elem().FieldByName("index").Int()); i >= 0 && i < len(named) {
					named[i] = true
				}
			}
		}
	}
	if u := in.FieldByIndex(universeField.index); !u.IsNil() {
		mark(u)
	}
	for it := in.FieldByIndex(scopesField.index).MapRange(); it.Next(); {
		if scope := it.Value(); !scope.IsNil() {
			emptyPointers(slice[unsafe.Pointer](scope.Elem(), childField))
			mark(scope)
		}
	}
	for i, v := range data {
		if !named[i] && v.IsValid() && !v.IsZero() {
			data[i] = reflect.New(v.Type()).Elem()
		}
	}
}
