package worker

import (
	"fmt"
	"runtime/debug"
	"syscall"
)

// Limit caps the calling process's memory: RLIMIT_AS (virtual address
// space) at bytes, and the Go runtime's soft memory limit at three
// quarters of that, so the garbage collector works hard before an
// allocation fails. An allocation beyond the cap ends the process with
// "fatal error: runtime: out of memory". bytes <= 0 sets no limit.
func Limit(bytes int64) error {
	if bytes <= 0 {
		return nil
	}
	lim := syscall.Rlimit{Cur: uint64(bytes), Max: uint64(bytes)}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &old); err == nil && old.Max < lim.Max {
		lim.Cur, lim.Max = old.Max, old.Max
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &lim); err != nil {
		return fmt.Errorf("worker: set address space limit to %d bytes: %w", bytes, err)
	}
	debug.SetMemoryLimit(bytes / 4 * 3)
	return nil
}
