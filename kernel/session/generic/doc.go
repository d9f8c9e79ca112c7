// Package generic holds the Go source of the generic standard packages
// that cells use through the interpreter: slices and maps.
//
// yaegi cannot load generic functions as compiled code, and the copies
// of slices and maps it bundles lack Sort, Max, Min and most others,
// and fail on the rest with "undefined type for E" (their S ~[]E
// constraints). The packages here have the API of Go 1.26's slices and
// maps written in the subset of generics yaegi runs: type parameters
// over []E and map[K]V rather than ~[]E, no variadic generic parameters
// except where tested, and iterators as plain func(yield func(…) bool)
// values (iter.Seq is not available). The session compiles their source
// into every interpreter (Sources); here they are also ordinary Go
// packages, so that their tests run them natively against the standard
// library.
package generic

import (
	_ "embed"
	"go/ast"
	"go/parser"
	"go/token"
	"sync"
)

//go:embed slices/slices.go
var slicesSource string

//go:embed maps/maps.go
var mapsSource string

// Sources are the packages' source files, in the order they must be
// compiled: maps uses nothing of slices, slices nothing of maps.
var Sources = []string{slicesSource, mapsSource}

// Names returns the exported functions of package pkg ("slices" or
// "maps") in its source here, or nil for another package.
func Names(pkg string) []string { return names()[pkg] }

// names parses the sources once, on the first completion that asks.
var names = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for pkg, src := range map[string]string{"slices": slicesSource, "maps": mapsSource} {
		f, err := parser.ParseFile(token.NewFileSet(), pkg+".go", src, parser.SkipObjectResolution)
		if err != nil {
			panic("generic: " + err.Error()) // the source is compiled and tested
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.IsExported() {
				out[pkg] = append(out[pkg], fd.Name.Name)
			}
		}
	}
	return out
})
