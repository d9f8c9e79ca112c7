package session

import (
	"context"
	"runtime"
	"testing"
)

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// heapGrowth runs code n times in s after a first run, and returns how
// much the live heap grew per run.
func heapGrowth(t *testing.T, s *Session, code string, n int) int64 {
	t.Helper()
	run := func() {
		if r := s.Execute(context.Background(), code); r.Err != nil {
			t.Fatalf("%s: %v", code, r.Err)
		}
	}
	run()
	before := liveHeap()
	for range n {
		run()
	}
	after := liveHeap()
	runtime.KeepAlive(s)
	return (int64(after) - int64(before)) / int64(n)
}

// TestRerunFreesOldValues runs cells that make a 1 MB slice 30 times:
// the old slices are freed (yaegi's := made a new variable each time and
// kept every old value, 1 MB per run).
func TestRerunFreesOldValues(t *testing.T) {
	s := newPreloadSession(t)
	for _, code := range []string{
		"big := make([]float64, 1<<17)",
		"var big2 = make([]float64, 1<<17)",
		"big3, n3 := make([]float64, 1<<17), 3\nlen(big3) + n3",
	} {
		if g := heapGrowth(t, s, code, 30); g > 128<<10 {
			t.Errorf("%q: the live heap grew %d KB per run; the slice is 1024 KB", code, g>>10)
		}
	}
}

// TestCellsDoNotAccumulateSyntax runs a cell like a lesson's (a func, a
// loop, a closure passed to compiled code, a value) 200 times: the live
// heap stays about flat (yaegi's debugger indexes kept about 125 KB per
// run; see forgetCompiled).
func TestCellsDoNotAccumulateSyntax(t *testing.T) {
	s := newPreloadSession(t)
	const cell = `func f(x float64) float64 { return 3*x*x - 4*x }
for _, h := range []float64{0.1, 0.01, 0.001} {
	q := (f(1+h) - f(1)) / h
	_ = fmt.Sprintf("h=%.5f  quotient=%.5f", h, q)
}
g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Norm2Sq(x) }, ad.Vector(1, 2))
g`
	if g := heapGrowth(t, s, cell, 200); g > 30<<10 {
		t.Errorf("the live heap grew %d KB per run of the cell", g>>10)
	}
}

// growthOver runs the cells in s and returns how much the live heap grew.
func growthOver(t *testing.T, s *Session, cells ...string) int64 {
	t.Helper()
	before := liveHeap()
	for _, code := range cells {
		if r := s.Execute(context.Background(), code); r.Err != nil {
			t.Fatalf("%s: %v", code, r.Err)
		}
	}
	after := liveHeap()
	runtime.KeepAlive(s)
	return int64(after) - int64(before)
}

// TestShownValuesAreNotKept shows a 1 MB slice as a cell's value ten
// times, after a value of another type: none is kept alive once shown
// (all ten were). The first is bound with a top-level := whose
// temporary yaegi keeps in its global frame (see forgetCompiled);
// the others are assigned to lastVar (see reuseLast), which is zeroed
// once the value is shown.
func TestShownValuesAreNotKept(t *testing.T) {
	s := newPreloadSession(t)
	growthOver(t, s, "len(make([]float64, 1<<10))")
	cells := make([]string, 10)
	for i := range cells {
		cells[i] = "make([]float64, 1<<17)"
	}
	if g := growthOver(t, s, cells...); g > 512<<10 {
		t.Errorf("the live heap grew %d KB: a shown 1024 KB slice is still held", g>>10)
	}
}

// TestRedefinedTypeFreesOldValue gives a variable holding 1 MB a value
// of another type: the old value is freed (yaegi kept the old variable's
// slot).
func TestRedefinedTypeFreesOldValue(t *testing.T) {
	s := newPreloadSession(t)
	growthOver(t, s, "v := 0")
	if g := growthOver(t, s, "v := make([]float64, 1<<17)", `v := "small"`); g > 512<<10 {
		t.Errorf("the live heap grew %d KB: the replaced 1024 KB slice is still held", g>>10)
	}
}
