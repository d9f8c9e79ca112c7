//go:build !unix

package worker

import "os"

// pipeFile is os.NewFile for a pipe the worker inherited.
func pipeFile(fd int, name string) *os.File { return os.NewFile(uintptr(fd), name) }
