// Package symbols holds the yaegi symbol tables of the compiled packages
// preloaded into notebook cells. The tables are generated: to preload
// another package, add one go:generate line below and run go generate.
// TestGeneratedUpToDate fails when a generated file is stale.
package symbols

import "reflect"

// Symbols maps an import path (with the package name: "path/name") to the
// package's exported symbols, in the form interp.Use expects.
var Symbols = map[string]map[string]reflect.Value{}

// Preloaded packages, one line each (display.SetSink belongs to the host,
// so cells cannot replace the kernel's sink).
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -exclude=^SetSink$ github.com/gradbook/gradbook/kernel/display
