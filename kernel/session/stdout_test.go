package session

import (
	"bytes"
	"context"
	"sync"
	"testing"
)

// flushBuffer is a writer that, like the worker's OutBuffer, holds what
// it is given until Flush.
type flushBuffer struct {
	mu      sync.Mutex
	held    bytes.Buffer
	out     bytes.Buffer
	flushes int
}

func (f *flushBuffer) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.held.Write(p)
}

func (f *flushBuffer) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.held.WriteTo(&f.out)
	f.flushes++
	return nil
}

func (f *flushBuffer) all() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.String() + f.held.String()
}

// TestBufferedStdoutKeepsOrder checks that, with a buffering Stdout,
// fmt.Println and writes to os.Stdout go through the same writer, in
// order, and that os.Stdout keeps the methods cells call on it.
func TestBufferedStdoutKeepsOrder(t *testing.T) {
	out := &flushBuffer{}
	s, err := New(Options{Stdout: out})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	code := `import ("os"; "io"; "encoding/json")
fmt.Println("1 Println")
fmt.Fprintln(os.Stdout, "2 Fprintln(os.Stdout)")
os.Stdout.WriteString("3 WriteString\n")
os.Stdout.Write([]byte("4 Write\n"))
io.WriteString(os.Stdout, "5 io.WriteString\n")
json.NewEncoder(os.Stdout).Encode(6)
fmt.Printf("%d Printf\n", 7)
_ = os.Stdout.Sync()
fmt.Print("8 ", os.Stdout.Name(), "\n")`
	res := s.Execute(context.Background(), code)
	if res.Err != nil {
		t.Fatalf("cell failed: %s: %s", res.Err.Name, res.Err.Value)
	}
	want := "1 Println\n2 Fprintln(os.Stdout)\n3 WriteString\n4 Write\n5 io.WriteString\n6\n7 Printf\n8 /dev/stdout\n"
	if got := out.all(); got != want {
		t.Fatalf("stdout\n%s\nwant\n%s", got, want)
	}
	if out.flushes == 0 {
		t.Errorf("os.Stdout.Sync did not flush")
	}
}
