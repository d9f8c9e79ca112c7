package worker

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
)

func newTestOut(t *testing.T, w *jupytertest.LogBuffer) (*OutBuffer, []byte) {
	t.Helper()
	f, mem, err := NewSharedOut()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close(); Unmap(mem) })
	return NewOutBuffer(mem, w), mem
}

func TestOutBufferHoldsUntilFlush(t *testing.T) {
	var w jupytertest.LogBuffer
	b, mem := newTestOut(t, &w)
	b.Write([]byte("one\n"))
	b.WriteString("two\n")
	if w.String() != "" {
		t.Fatalf("written before a flush: %q", w.String())
	}
	// A worker that died now left its output in the shared mapping.
	if got := string(Pending(mem)); got != "one\ntwo\n" {
		t.Fatalf("Pending = %q", got)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if w.String() != "one\ntwo\n" {
		t.Fatalf("after Flush: %q", w.String())
	}
	if p := Pending(mem); p != nil {
		t.Fatalf("Pending after Flush = %q", p)
	}
}

func TestOutBufferFlushesByItself(t *testing.T) {
	var w jupytertest.LogBuffer
	b, _ := newTestOut(t, &w)
	b.Write([]byte("soon\n"))
	// Poll for up to 10 s. After a stall of the whole process (a loaded
	// machine) this goroutine's sleep and the flush timer expire together
	// and either may run first, so the deadline is checked only after one
	// more look, given a moment for the flush.
	deadline := time.Now().Add(10 * time.Second)
	for w.String() != "soon\n" {
		if time.Now().After(deadline) {
			time.Sleep(100 * time.Millisecond)
			if got := w.String(); got != "soon\n" {
				t.Fatalf("not flushed 10 s after the write: %q", got)
			}
			break
		}
		time.Sleep(FlushInterval)
	}
}

func TestOutBufferFullAndLarge(t *testing.T) {
	var w jupytertest.LogBuffer
	b, mem := newTestOut(t, &w)
	line := strings.Repeat("x", 999) + "\n"
	var want strings.Builder
	for range 1000 { // 1 MB through a 256 KiB buffer
		b.WriteString(line)
		want.WriteString(line)
	}
	huge := strings.Repeat("y", OutBufferSize+1) // larger than the buffer
	b.WriteString(huge)
	want.WriteString(huge)
	b.WriteString("tail\n")
	want.WriteString("tail\n")
	if got := w.String() + string(Pending(mem)); got != want.String() {
		t.Fatalf("written + pending: %d bytes, want %d (in order)", len(got), want.Len())
	}
	b.Flush()
	if w.String() != want.String() {
		t.Fatalf("after Flush: %d bytes, want %d", len(w.String()), want.Len())
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return f.n, errors.New("pipe gone")
	}
	return len(p), nil
}

func TestOutBufferWriteError(t *testing.T) {
	f, mem, err := NewSharedOut()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { f.Close(); Unmap(mem) }()
	b := NewOutBuffer(mem, &failWriter{n: 3})
	b.WriteString("abcdef")
	if err := b.Flush(); err == nil {
		t.Fatal("no error from a failing writer")
	}
	if p := Pending(mem); p != nil {
		t.Fatalf("Pending after a failed flush = %q, want nothing", p)
	}
}

func TestPendingRejectsGarbage(t *testing.T) {
	mem := make([]byte, outHeader+8)
	mem[8] = 200 // end past the data
	if p := Pending(mem); p != nil {
		t.Fatalf("Pending = %q", p)
	}
	if p := Pending(nil); p != nil {
		t.Fatalf("Pending(nil) = %q", p)
	}
}
