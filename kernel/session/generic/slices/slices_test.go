package slices_test

import (
	"cmp"
	"math"
	"math/rand/v2"
	std "slices"
	"testing"

	"github.com/gradbook/gradbook/kernel/session/generic/slices"
)

// The functions agree with the standard library's on random inputs.
func TestAgainstStandardLibrary(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		n := r.IntN(12)
		a := make([]int, n)
		for i := range a {
			a[i] = r.IntN(6)
		}
		b := std.Clone(a)
		if trial%3 == 0 && n > 0 {
			b[r.IntN(n)]++
		}
		v := r.IntN(6)
		check := func(name string, got, want any) {
			t.Helper()
			if !std.Equal([]any{got}, []any{want}) {
				t.Fatalf("%s(%v, %v): got %v, want %v", name, a, b, got, want)
			}
		}
		check("Equal", slices.Equal(a, b), std.Equal(a, b))
		check("Compare", slices.Compare(a, b), std.Compare(a, b))
		check("Index", slices.Index(a, v), std.Index(a, v))
		check("Contains", slices.Contains(a, v), std.Contains(a, v))
		check("IsSorted", slices.IsSorted(a), std.IsSorted(a))
		if !std.Equal(slices.Compact(std.Clone(a)), std.Compact(std.Clone(a))) {
			t.Fatalf("Compact(%v)", a)
		}
		if !std.Equal(slices.DeleteFunc(std.Clone(a), func(x int) bool { return x == v }),
			std.DeleteFunc(std.Clone(a), func(x int) bool { return x == v })) {
			t.Fatalf("DeleteFunc(%v, %d)", a, v)
		}
		got, want := std.Clone(a), std.Clone(a)
		slices.Sort(got)
		std.Sort(want)
		if !std.Equal(got, want) {
			t.Fatalf("Sort(%v) = %v, want %v", a, got, want)
		}
		i1, f1 := slices.BinarySearch(got, v)
		i2, f2 := std.BinarySearch(want, v)
		check("BinarySearch", [2]any{i1, f1}, [2]any{i2, f2})
		if n > 0 {
			check("Max", slices.Max(a), std.Max(a))
			check("Min", slices.Min(a), std.Min(a))
			i, j := r.IntN(n+1), r.IntN(n+1)
			i, j = min(i, j), max(i, j)
			if !std.Equal(slices.Delete(std.Clone(a), i, j), std.Delete(std.Clone(a), i, j)) {
				t.Fatalf("Delete(%v, %d, %d)", a, i, j)
			}
			if !std.Equal(slices.Insert(std.Clone(a), i, 7, 8), std.Insert(std.Clone(a), i, 7, 8)) {
				t.Fatalf("Insert(%v, %d)", a, i)
			}
			if !std.Equal(slices.Replace(std.Clone(a), i, j, 9), std.Replace(std.Clone(a), i, j, 9)) {
				t.Fatalf("Replace(%v, %d, %d)", a, i, j)
			}
		}
		rev, wantRev := std.Clone(a), std.Clone(a)
		slices.Reverse(rev)
		std.Reverse(wantRev)
		if !std.Equal(rev, wantRev) {
			t.Fatalf("Reverse(%v)", a)
		}
		if !std.Equal(slices.Concat(a, b), std.Concat(a, b)) || !std.Equal(slices.Repeat(a, 3), std.Repeat(a, 3)) {
			t.Fatalf("Concat/Repeat(%v, %v)", a, b)
		}
		if !std.Equal(slices.Collect(slices.Values(a)), std.Collect(std.Values(a))) ||
			!std.Equal(slices.Sorted(slices.Values(a)), std.Sorted(std.Values(a))) {
			t.Fatalf("Collect/Sorted(%v)", a)
		}
		var chunks, wantChunks [][]int
		if n > 0 {
			slices.Chunk(a, 3)(func(c []int) bool { chunks = append(chunks, c); return true })
			for c := range std.Chunk(a, 3) {
				wantChunks = append(wantChunks, c)
			}
		}
		if !std.EqualFunc(chunks, wantChunks, std.Equal[[]int]) {
			t.Fatalf("Chunk(%v, 3) = %v, want %v", a, chunks, wantChunks)
		}
	}
}

// Sort puts NaNs first and Max and Min return a NaN, as the standard
// library does.
func TestNaN(t *testing.T) {
	s := []float64{3, math.NaN(), 1}
	slices.Sort(s)
	if !math.IsNaN(s[0]) || s[1] != 1 || s[2] != 3 {
		t.Errorf("Sort = %v, want [NaN 1 3]", s)
	}
	if !math.IsNaN(slices.Max([]float64{1, math.NaN(), 2})) || !math.IsNaN(slices.Min([]float64{1, math.NaN()})) {
		t.Error("Max or Min dropped a NaN")
	}
}

func TestStableAndFuncs(t *testing.T) {
	type p struct{ k, v int }
	ps := []p{{2, 0}, {1, 1}, {2, 2}, {1, 3}}
	slices.SortStableFunc(ps, func(a, b p) int { return cmp.Compare(a.k, b.k) })
	if want := []p{{1, 1}, {1, 3}, {2, 0}, {2, 2}}; !std.Equal(ps, want) {
		t.Errorf("SortStableFunc = %v, want %v", ps, want)
	}
	byK := func(a, b p) int { return cmp.Compare(a.k, b.k) }
	if got := slices.MaxFunc(ps, byK); got != (p{2, 0}) {
		t.Errorf("MaxFunc = %v, want the first greatest {2 0}", got)
	}
	if got := slices.MinFunc(ps, byK); got != (p{1, 1}) {
		t.Errorf("MinFunc = %v, want the first least {1 1}", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("Max of an empty slice did not panic")
		}
	}()
	slices.Max([]int{})
}
