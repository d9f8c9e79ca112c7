// Package symbols holds the yaegi symbol tables of the compiled packages
// that notebook cells can use: autodiff, its plot helpers, display, and
// the gonum packages a plot or a matrix cell needs. The tables are
// generated: to add a package, or after its exported API changed, edit
// the go:generate lines below and run
//
//	go generate ./kernel/symbols
//
// TestGeneratedUpToDate fails when a generated file is stale.
//
// Which of these packages cells get without an import line (and under
// which names) is the session's business: see session.Preloaded.
package symbols

import "reflect"

// Symbols maps an import path (with the package name: "path/name") to the
// package's exported symbols, in the form interp.Use expects.
var Symbols = map[string]map[string]reflect.Value{}

// The gradbook packages (display.SetSink belongs to the host, so cells
// cannot replace the kernel's sink).
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -exclude=^SetSink$ github.com/gradbook/gradbook/kernel/display
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gradbook/gradbook/autodiff github.com/gradbook/gradbook/autodiff/plot

// gonum: plotting (YAEGI.md §4: plot, SVG in memory and interpreted
// plotter.XYer types work) and dense linear algebra with statistics.
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract gonum.org/v1/plot gonum.org/v1/plot/plotter gonum.org/v1/plot/vg gonum.org/v1/plot/vg/draw gonum.org/v1/plot/vg/vgsvg gonum.org/v1/plot/plotutil gonum.org/v1/plot/font
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract gonum.org/v1/gonum/mat gonum.org/v1/gonum/floats gonum.org/v1/gonum/stat
