// Package gradbook is the root of the gradbook module: a Jupyter kernel
// for Go cells (kernel/...) and the autodiff library it teaches with
// (autodiff). This package only carries the files that live at the top of
// the repository and that the binary needs.
package gradbook

import _ "embed"

// KernelSpec is the kernelspec template, the top-level kernel.json. Its
// argv holds the placeholder "{gradbook}", which `gradbook install`
// replaces with the absolute path of the binary, and Jupyter's own
// "{connection_file}".
//
//go:embed kernel.json
var KernelSpec []byte
