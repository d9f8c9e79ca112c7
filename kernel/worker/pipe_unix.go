//go:build unix

package worker

import (
	"os"
	"syscall"
)

// pipeFile is os.NewFile for a pipe the worker inherited, set
// non-blocking first so that the runtime polls it: a read then parks the
// goroutine and frees its thread's P. Read in blocking mode, fd 3 held
// the P in read(2) while the goroutine it had just handed a request to
// waited for another thread to steal it, about 30 µs a cell.
func pipeFile(fd int, name string) *os.File {
	_ = syscall.SetNonblock(fd, true) // a bad fd makes os.NewFile return nil
	return os.NewFile(uintptr(fd), name)
}
