package session

import (
	"reflect"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// yaegi keeps two indexes for its debugger, which the session does not
// use, and never lets go of either: Interpreter.roots, the syntax tree of
// everything it ever parsed, and scope.child, every scope ever opened in
// a package (one per func compiled, holding the func's symbols and
// nodes). Each run of a lesson's cell kept about 100 KB alive through
// them, so a long session grew without bound until the worker's memory
// limit ended it, and every garbage collection scanned it all (the
// 5–20 ms collections behind the kernel's slowest round trips). Nothing
// else reads them: name lookup walks from a scope to its parent, not to
// its children. So after each cell the session empties both.
//
// The fields are found by name once; if this version of yaegi lacks one,
// it is left alone.
var (
	rootsField            = sliceField(reflect.TypeFor[interp.Interpreter](), "roots")
	scopesField, scopesOK = reflect.TypeFor[interp.Interpreter]().FieldByName("scopes")
	childField            = func() field {
		if !scopesOK || scopesField.Type.Kind() != reflect.Map || scopesField.Type.Elem().Kind() != reflect.Pointer {
			return field{}
		}
		return sliceField(scopesField.Type.Elem().Elem(), "child")
	}()
)

// field is a slice of pointers at offset in a struct, when ok.
type field struct {
	offset uintptr
	ok     bool
}

func sliceField(t reflect.Type, name string) field {
	f, ok := t.FieldByName(name)
	if !ok || f.Type.Kind() != reflect.Slice || f.Type.Elem().Kind() != reflect.Pointer {
		return field{}
	}
	return field{f.Offset, true}
}

// empty sets the slice of pointers at f in the struct at p to length 0,
// dropping its references.
func (f field) empty(p unsafe.Pointer) {
	if !f.ok || p == nil {
		return
	}
	// A slice of pointers to any type has the layout of []unsafe.Pointer.
	s := (*[]unsafe.Pointer)(unsafe.Add(p, f.offset))
	clear(*s)
	*s = (*s)[:0]
}

// forgetSyntax empties the debugger's indexes (see above). It must not
// run while the interpreter compiles: it runs between cells, under s.mu.
func (s *Session) forgetSyntax() {
	rootsField.empty(unsafe.Pointer(s.in))
	if !childField.ok {
		return
	}
	scopes := reflect.ValueOf(s.in).Elem().FieldByIndex(scopesField.Index)
	for it := scopes.MapRange(); it.Next(); {
		childField.empty(it.Value().UnsafePointer())
	}
}
