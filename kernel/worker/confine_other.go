//go:build !linux

package worker

import "errors"

// ErrNoConfine says that this system cannot confine the worker's file
// access.
var ErrNoConfine = errors.New("worker: file access cannot be confined here")

// Confine is not available on this system: it returns ErrNoConfine.
func Confine(dir string) error { return ErrNoConfine }
