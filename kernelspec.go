// Package gradbook is the root of the gradbook module: a Jupyter kernel
// for Go cells (kernel/...) and the autodiff library it teaches with
// (autodiff). This package only carries the files that live at the top of
// the repository and that the binary needs.
package gradbook

import (
	"embed"
	"io/fs"
)

// KernelSpec is the kernelspec template, the top-level kernel.json. Its
// argv holds the placeholder "{gradbook}", which `gradbook install`
// replaces with the absolute path of the binary, and Jupyter's own
// "{connection_file}".
//
//go:embed kernel.json
var KernelSpec []byte

//go:embed autodiff/*.go autodiff/plot/*.go kernel/display/*.go
var sources embed.FS

// Sources returns the Go source of the packages preloaded into notebook
// cells, keyed by import path, so that inspection (shift-tab) can show
// their doc comments from a binary installed anywhere.
func Sources() map[string]fs.FS {
	m := map[string]fs.FS{}
	for dir, path := range map[string]string{
		"autodiff":       "github.com/gradbook/gradbook/autodiff",
		"autodiff/plot":  "github.com/gradbook/gradbook/autodiff/plot",
		"kernel/display": "github.com/gradbook/gradbook/kernel/display",
	} {
		sub, err := fs.Sub(sources, dir)
		if err == nil {
			m[path] = sub
		}
	}
	return m
}
