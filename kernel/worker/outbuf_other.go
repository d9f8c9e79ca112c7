//go:build !unix

package worker

import (
	"errors"
	"os"
)

var errNoSharedOut = errors.New("worker: no shared stdout buffer on this system")

// NewSharedOut reports that this system has no shared stdout buffer: the
// worker then writes stdout unbuffered.
func NewSharedOut() (*os.File, []byte, error) { return nil, nil, errNoSharedOut }

// MapOut is not available on this system.
func MapOut(f *os.File) ([]byte, error) { return nil, errNoSharedOut }

// Unmap does nothing on this system.
func Unmap(mem []byte) error { return nil }
