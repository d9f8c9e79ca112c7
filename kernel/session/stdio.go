package session

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sync"
	"time"
)

// stderrFilter is the interpreter's stderr: a pipe whose reader forwards
// everything to the cell's stderr except yaegi's panic frames
// ("L:C: panic: main.f(...)"), which it keeps for the traceback.
type stderrFilter struct {
	w, r *os.File
	out  io.Writer

	mu     sync.Mutex
	frames []string
	nmark  int
	marks  map[int]chan struct{}
	done   chan struct{}
}

var panicFrame = regexp.MustCompile(`^(?:_\.go:)?(\d+):(\d+): panic: (.*)$`)

const syncMark = "\x00gradbook-sync:"

// maxFrames bounds the traceback kept from a deep recursion.
const maxFrames = 50

func newStderrFilter(out io.Writer) (*stderrFilter, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("session: stderr pipe: %w", err)
	}
	f := &stderrFilter{w: w, r: r, out: out, marks: map[int]chan struct{}{}, done: make(chan struct{})}
	go f.loop()
	return f, nil
}

func (f *stderrFilter) loop() {
	defer close(f.done)
	br := bufio.NewReaderSize(f.r, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			f.handle(line)
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

func (f *stderrFilter) handle(line []byte) {
	if i := bytes.Index(line, []byte(syncMark)); i >= 0 {
		if i > 0 {
			f.out.Write(line[:i])
		}
		var n int
		fmt.Sscanf(string(line[i+len(syncMark):]), "%d", &n)
		f.mu.Lock()
		if c := f.marks[n]; c != nil {
			close(c)
			delete(f.marks, n)
		}
		f.mu.Unlock()
		return
	}
	if m := panicFrame.FindSubmatch(bytes.TrimRight(line, "\n")); m != nil {
		f.mu.Lock()
		if len(f.frames) < maxFrames {
			f.frames = append(f.frames, string(m[0]))
		} else if len(f.frames) == maxFrames {
			f.frames = append(f.frames, "…")
		}
		f.mu.Unlock()
		return
	}
	f.out.Write(line)
}

// flush waits (at most a second) until everything written to the pipe
// so far has been forwarded.
func (f *stderrFilter) flush() {
	f.mu.Lock()
	f.nmark++
	n := f.nmark
	c := make(chan struct{})
	f.marks[n] = c
	f.mu.Unlock()
	fmt.Fprintf(f.w, "%s%d\n", syncMark, n)
	select {
	case <-c:
	case <-time.After(time.Second):
	}
}

// takeFrames returns and forgets the panic frames seen since the last call.
func (f *stderrFilter) takeFrames() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	fr := f.frames
	f.frames = nil
	return fr
}

func (f *stderrFilter) close() {
	f.w.Close()
	<-f.done
	f.r.Close()
}

// inputReader is the cells' stdin. It remembers the first error other
// than io.EOF so that Execute can fail the cell with a clear message
// when input was read but none could be given.
type inputReader struct {
	mu  sync.Mutex
	r   *bufio.Reader
	err error
}

func (in *inputReader) Read(p []byte) (int, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	n, err := in.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && in.err == nil {
		in.err = err
	}
	return n, err
}

// takeErr returns and forgets the recorded read error.
func (in *inputReader) takeErr() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	err := in.err
	in.err = nil
	return err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// stdoutFile is os.Stdout in cells when the session's stdout is not a
// file (the worker's buffer): it writes where fmt.Println writes, so the
// two keep their order, and has the writing methods of *os.File that
// cells use on os.Stdout.
type stdoutFile struct{ w io.Writer }

// Write writes p to the cell's stdout.
func (f *stdoutFile) Write(p []byte) (int, error) { return f.w.Write(p) }

// WriteString writes s to the cell's stdout.
func (f *stdoutFile) WriteString(s string) (int, error) { return io.WriteString(f.w, s) }

// Sync flushes what is buffered.
func (f *stdoutFile) Sync() error {
	if fl, ok := f.w.(interface{ Flush() error }); ok {
		return fl.Flush()
	}
	return nil
}

// Close does nothing: a cell cannot close the notebook's output.
func (f *stdoutFile) Close() error { return nil }

// Name is os.Stdout's name.
func (f *stdoutFile) Name() string { return "/dev/stdout" }

// Fd is os.Stdout's file descriptor; writes to it bypass the buffer.
func (f *stdoutFile) Fd() uintptr { return os.Stdout.Fd() }
