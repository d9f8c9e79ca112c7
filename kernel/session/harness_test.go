package session

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// capture drains the read end of a pipe into a buffer, so that a cell
// writing more than the pipe holds never blocks.
type capture struct {
	w    *os.File
	mu   sync.Mutex
	buf  bytes.Buffer
	cond *sync.Cond
	done chan struct{}
	n    int // sync markers written
}

func newCapture(t *testing.T) *capture {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &capture{w: w, done: make(chan struct{})}
	c.cond = sync.NewCond(&c.mu)
	go func() {
		defer close(c.done)
		b := make([]byte, 32<<10)
		for {
			n, err := r.Read(b)
			c.mu.Lock()
			c.buf.Write(b[:n])
			c.cond.Broadcast()
			c.mu.Unlock()
			if err != nil {
				r.Close()
				return
			}
		}
	}()
	return c
}

// take returns what was written since the last take: it writes a marker
// through the pipe and waits for it, so nothing written before is lost.
func (c *capture) take() string {
	c.mu.Lock()
	c.n++
	mark := fmt.Sprintf("\x00sync%d\x00", c.n)
	c.mu.Unlock()
	io.WriteString(c.w, mark)
	c.mu.Lock()
	defer c.mu.Unlock()
	for !bytes.Contains(c.buf.Bytes(), []byte(mark)) {
		c.cond.Wait()
	}
	s := c.buf.String()
	i := strings.Index(s, mark)
	c.buf.Reset()
	c.buf.WriteString(s[i+len(mark):])
	return s[:i]
}

func (c *capture) close() {
	c.w.Close()
	<-c.done
}

// harness is a Session whose stdout and stderr are captured per cell.
type harness struct {
	t        *testing.T
	s        *Session
	out, err *capture
}

// newHarness returns a fresh Session; opts.Stdout and Stderr are replaced.
func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	h := &harness{t: t, out: newCapture(t), err: newCapture(t)}
	opts.Stdout, opts.Stderr = h.out.w, h.err.w
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h.s = s
	t.Cleanup(func() {
		s.Close()
		h.out.close()
		h.err.close()
	})
	return h
}

// cell is what one Execute gave.
type cell struct {
	stdout, stderr string
	res            Result
}

// text returns the value shown for the cell ("" when none).
func (c cell) text() string {
	if c.res.Data == nil {
		return ""
	}
	s, _ := c.res.Data["text/plain"].(string)
	return s
}

// exec runs code with a generous timeout (no test cell should take long).
func (h *harness) exec(code string) cell {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return h.execCtx(ctx, code)
}

func (h *harness) execCtx(ctx context.Context, code string) cell {
	res := h.s.Execute(ctx, code)
	return cell{stdout: h.out.take(), stderr: h.err.take(), res: res}
}

// ok runs code, fails the test on an error, and returns the cell.
func (h *harness) ok(code string) cell {
	h.t.Helper()
	c := h.exec(code)
	if c.res.Err != nil {
		h.t.Fatalf("cell %q: unexpected error %v\n%s", code, c.res.Err, strings.Join(c.res.Err.Traceback, "\n"))
	}
	return c
}

// fails runs code and checks it fails with the error name.
func (h *harness) fails(code, name string) cell {
	h.t.Helper()
	c := h.exec(code)
	if c.res.Err == nil {
		h.t.Fatalf("cell %q: succeeded (stdout %q, value %q), want %s", code, c.stdout, c.text(), name)
	}
	if c.res.Err.Name != name {
		h.t.Fatalf("cell %q: error %v, want %s", code, c.res.Err, name)
	}
	return c
}

// value runs code and checks the value shown.
func (h *harness) value(code, want string) {
	h.t.Helper()
	if got := h.ok(code).text(); got != want {
		h.t.Fatalf("cell %q: value %q, want %q", code, got, want)
	}
}
