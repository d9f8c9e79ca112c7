package session

import (
	"context"
	"fmt"
	"runtime"
	"testing"
)

// frameCells are statements (not definitions, nor a cell's value,
// which still take a slot or two: see step.body) a notebook runs over and over. yaegi gave
// each one evaluated at top level new slots in its global frame, which
// every later evaluation copied: cell time and garbage grew with the
// number of cells run before.
var frameCells = []string{
	"_ = 0",
	"for k := 0; k < 2; k++ { n += k }",
	"if n > 0 { n = 0 }",
	"n = n + 1",
	"n++",
	"_ = fmt.Sprint(n)",
	"fmt.Sprint(n)\nn = 0",
	"fmt.Fprint(io.Discard, n)",
}

// bytesPerCell is the heap allocated by one Execute of code, averaged
// over runs.
func bytesPerCell(t testing.TB, s *Session, code string, runs int) uint64 {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for range runs {
		if r := s.Execute(context.Background(), code); r.Err != nil {
			t.Fatalf("%s: %v", code, r.Err)
		}
	}
	runtime.ReadMemStats(&m1)
	return (m1.TotalAlloc - m0.TotalAlloc) / uint64(runs)
}

// TestFrameStaysFlat runs each cell 2,000 times: what one run
// allocates at the end must be what it allocated at the start (within
// 25%), not grow with the frame (it was 3 to 10 times more).
func TestFrameStaysFlat(t *testing.T) {
	for _, code := range frameCells {
		t.Run(code, func(t *testing.T) {
			s, err := New(Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if r := s.Execute(context.Background(), "import \"io\"\nn := 0"); r.Err != nil {
				t.Fatal(r.Err)
			}
			bytesPerCell(t, s, code, 20) // warm up
			first := bytesPerCell(t, s, code, 100)
			bytesPerCell(t, s, code, 1800)
			last := bytesPerCell(t, s, code, 100)
			if float64(last) > 1.25*float64(first) {
				t.Errorf("a run allocated %d bytes after 2,000 runs, %d at first: the interpreter's frame grows", last, first)
			}
		})
	}
}

// BenchmarkTrivialCell times a trivial cell after 0, 1,000 and 5,000
// cells: flat, since the frame no longer grows.
func BenchmarkTrivialCell(b *testing.B) {
	for _, after := range []int{0, 1000, 5000} {
		b.Run(fmt.Sprintf("after=%d", after), func(b *testing.B) {
			s := newPreloadSession(b)
			for range after {
				s.Execute(context.Background(), "_ = 0")
			}
			b.ReportAllocs()
			for b.Loop() {
				if r := s.Execute(context.Background(), "_ = 0"); r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		})
	}
}
