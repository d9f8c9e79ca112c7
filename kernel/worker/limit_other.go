//go:build !linux

package worker

import "runtime/debug"

// Limit sets the Go runtime's soft memory limit to three quarters of
// bytes; only Linux also caps the address space. bytes <= 0 sets no limit.
func Limit(bytes int64) error {
	if bytes > 0 {
		debug.SetMemoryLimit(bytes / 4 * 3)
	}
	return nil
}
