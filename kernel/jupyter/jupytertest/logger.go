package jupytertest

import (
	"bytes"
	"io"
	"log"
	"sync"
)

// discardLogger silences zmq4's own connection logging in tests.
var discardLogger = log.New(io.Discard, "", 0)

// LogBuffer collects log output (a kernel's, say) written from many
// goroutines; it is safe for concurrent use.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
