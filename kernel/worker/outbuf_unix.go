//go:build unix

package worker

import (
	"fmt"
	"os"
	"syscall"
)

// NewSharedOut creates the shared stdout buffer for a worker: an
// unlinked file of OutBufferSize bytes in /dev/shm (or the temporary
// directory), mapped shared. The supervisor passes the file to the worker
// as fd 5 and keeps the mapping to read Pending after the worker died;
// it unmaps it with Unmap.
func NewSharedOut() (*os.File, []byte, error) {
	dir := "/dev/shm"
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "gradbook-stdout-")
	if err != nil {
		return nil, nil, fmt.Errorf("worker: stdout buffer: %w", err)
	}
	os.Remove(f.Name())
	if err := f.Truncate(OutBufferSize); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("worker: stdout buffer: %w", err)
	}
	mem, err := MapOut(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, mem, nil
}

// MapOut maps the shared stdout buffer f (OutBufferSize bytes) read-write.
func MapOut(f *os.File) ([]byte, error) {
	mem, err := syscall.Mmap(int(f.Fd()), 0, OutBufferSize, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("worker: map stdout buffer: %w", err)
	}
	return mem, nil
}

// Unmap releases a mapping from NewSharedOut or MapOut.
func Unmap(mem []byte) error { return syscall.Munmap(mem) }
