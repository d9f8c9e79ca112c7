package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// These tests replace the package's active kernel and threshold, so they
// do not run in parallel.

// naive computes C = alpha·op(A)·op(B) + beta·C by the definition.
func naive(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for p := 0; p < k; p++ {
				var av, bv float64
				if ta {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if tb {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}

func randSlice(r *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = r.NormFloat64()
	}
	return s
}

// withKernel runs f with kern as the active kernel (nil: the fallback) and
// the size threshold at thresh.
func withKernel(kern *kernel, thresh int, f func()) {
	oldK, oldT := active, minFlops
	active, minFlops = kern, thresh
	defer func() { active, minFlops = oldK, oldT }()
	f()
}

// candidates returns the kernels to test: every one this CPU runs, and the
// gonum fallback (nil).
func candidates() []*kernel { return append(kernels(), nil) }

func kernelName(k *kernel) string {
	if k == nil {
		return "gonum"
	}
	return k.name
}

// testCase runs one product through Dgemm and the definition and compares.
func testCase(t *testing.T, r *rand.Rand, ta, tb bool, m, n, k int, alpha, beta float64, pad int) {
	t.Helper()
	ar, ac, br, bc := shapes(ta, tb, m, n, k)
	lda, ldb, ldc := max(1, ac)+pad, max(1, bc)+pad, max(1, n)+pad
	a := randSlice(r, max(0, ar*lda))
	b := randSlice(r, max(0, br*ldb))
	c := randSlice(r, m*ldc)
	if beta == 0 {
		// C's old values must not leak in, not even NaN.
		for i := range c {
			c[i] = math.NaN()
		}
	}
	want := append([]float64(nil), c...)
	aOld, bOld := append([]float64(nil), a...), append([]float64(nil), b...)
	naive(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	Dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	tol := 1e-12 * float64(k+1)
	for i := 0; i < m; i++ {
		for j := 0; j < ldc; j++ {
			got, w := c[i*ldc+j], want[i*ldc+j]
			if j >= n {
				// Padding between rows is not touched.
				if !(got == w || math.IsNaN(got) && math.IsNaN(w)) {
					t.Fatalf("ta=%v tb=%v m=%d n=%d k=%d alpha=%g beta=%g pad=%d: padding C[%d,%d] changed to %g", ta, tb, m, n, k, alpha, beta, pad, i, j, got)
				}
				continue
			}
			if math.Abs(got-w) > tol*(1+math.Abs(w)) || math.IsNaN(got) {
				t.Fatalf("ta=%v tb=%v m=%d n=%d k=%d alpha=%g beta=%g pad=%d: C[%d,%d] = %g, want %g", ta, tb, m, n, k, alpha, beta, pad, i, j, got, w)
			}
		}
	}
	for i := range a {
		if a[i] != aOld[i] {
			t.Fatalf("A modified at %d", i)
		}
	}
	for i := range b {
		if b[i] != bOld[i] {
			t.Fatalf("B modified at %d", i)
		}
	}
}

// TestDgemmSmall tries every size up to 13 (0, 1, odd, below and above
// every tile size) in every transpose, with the kernels forced on.
func TestDgemmSmall(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, kern := range candidates() {
		t.Run(kernelName(kern), func(t *testing.T) {
			withKernel(kern, 0, func() {
				for m := 0; m <= 13; m++ {
					for n := 0; n <= 17; n++ {
						for _, k := range []int{0, 1, 2, 3, 5, 8} {
							for tr := 0; tr < 4; tr++ {
								testCase(t, r, tr&1 != 0, tr&2 != 0, m, n, k, 1, 1, 0)
							}
						}
					}
				}
			})
		})
	}
}

// TestDgemmRandom tries random sizes, including ones that cross the cache
// blocks (kc, mc) and are not multiples of any tile, with random alpha,
// beta and leading dimensions.
func TestDgemmRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	sizes := []int{0, 1, 2, 5, 7, 11, 12, 13, 16, 17, 31, 33, 63, 97, 191, 193, 255, 257, 300, 515}
	alphas := []float64{1, -1, 0, 0.5, 2.25}
	betas := []float64{0, 1, -1, 0.5, 3}
	for _, kern := range candidates() {
		t.Run(kernelName(kern), func(t *testing.T) {
			withKernel(kern, 0, func() {
				n := 150
				if testing.Short() {
					n = 40
				}
				for it := 0; it < n; it++ {
					m := sizes[r.IntN(len(sizes))]
					nn := sizes[r.IntN(len(sizes))]
					k := sizes[r.IntN(len(sizes))]
					if m*nn*k > 3e6 {
						k = 1 + r.IntN(20)
					}
					pad := 0
					if r.IntN(2) == 0 {
						pad = 1 + r.IntN(5)
					}
					testCase(t, r, r.IntN(2) == 0, r.IntN(2) == 0, m, nn, k,
						alphas[r.IntN(len(alphas))], betas[r.IntN(len(betas))], pad)
				}
			})
		})
	}
}

// TestDgemmLarge checks a product that crosses every block boundary (two
// kc slices, several mc blocks, partial tiles) in each transpose, and that
// the parallel split gives the same result.
func TestDgemmLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large product: skipped with -short")
	}
	r := rand.New(rand.NewPCG(4, 5))
	for _, kern := range candidates() {
		for tr := 0; tr < 4; tr++ {
			t.Run(fmt.Sprintf("%s/ta=%v,tb=%v", kernelName(kern), tr&1 != 0, tr&2 != 0), func(t *testing.T) {
				withKernel(kern, 0, func() {
					testCase(t, r, tr&1 != 0, tr&2 != 0, 2*mc+37, 61, kc+19, 1.5, 0.5, 3)
				})
			})
		}
	}
	// Parallel: big enough for several workers (m ≥ 2·mc, m·n·k ≥ 2²⁴).
	if kernels() == nil {
		return
	}
	procs := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(procs)
	withKernel(kernels()[0], 0, func() {
		testCase(t, r, false, true, 4*mc+5, 130, 300, 1, 1, 0)
	})
}

// TestDgemmZerosAndInfinities checks that a product gives gonum's result
// wherever gonum skips the zeros of op(A): with an infinity in B (where
// gonum's 0·∞ is 0), and for a sparse op(A).
func TestDgemmZerosAndInfinities(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 19))
	const m, n, k = 40, 30, 50
	for tr := 0; tr < 4; tr++ {
		ta, tb := tr&1 != 0, tr&2 != 0
		ar, ac, br, bc := shapes(ta, tb, m, n, k)
		for _, sparse := range []bool{false, true} {
			a := randSlice(r, ar*ac)
			for i := range a {
				if sparse && i%(ac+1) != 0 || !sparse && r.IntN(2) == 0 {
					a[i] = 0
				}
			}
			b := randSlice(r, br*bc)
			if !sparse {
				b[r.IntN(len(b))] = math.Inf(1)
				b[r.IntN(len(b))] = math.NaN()
			}
			want := make([]float64, m*n)
			withKernel(nil, 0, func() { Dgemm(ta, tb, m, n, k, 1, a, ac, b, bc, 0, want, n) })
			for _, kern := range kernels() {
				got := make([]float64, m*n)
				withKernel(kern, 0, func() { Dgemm(ta, tb, m, n, k, 1, a, ac, b, bc, 0, got, n) })
				for i := range got {
					same := got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])
					if !same && (!tb || ta || !closeTo(got[i], want[i], 1e-12)) {
						t.Fatalf("%s ta=%v tb=%v sparse=%v: C[%d] = %g, gonum %g", kern.name, ta, tb, sparse, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestThreshold checks that small products go to the fallback and large
// ones to the kernel, by what Kernel reports and by the results.
func TestThreshold(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 7))
	testCase(t, r, false, false, 4, 4, 4, 1, 0, 0) // below minFlops
	testCase(t, r, true, false, 40, 40, 40, 1, 0, 0)
	if kernels() == nil && Kernel() != "gonum" {
		t.Errorf("Kernel() = %q with no kernel", Kernel())
	}
	withKernel(nil, 0, func() {
		if Kernel() != "gonum" {
			t.Errorf("Kernel() = %q, want gonum", Kernel())
		}
	})
}

// TestPanics checks that bad arguments panic as gonum's Dgemm does.
func TestPanics(t *testing.T) {
	a := make([]float64, 6)
	for _, tc := range []struct {
		desc string
		f    func()
	}{
		{"negative m", func() { Dgemm(false, false, -1, 2, 2, 1, a, 2, a, 2, 0, a, 2) }},
		{"short lda", func() { Dgemm(false, false, 2, 2, 3, 1, a, 2, a, 2, 0, a, 2) }},
		{"short ldb", func() { Dgemm(false, true, 2, 2, 3, 1, a, 3, a, 2, 0, a, 2) }},
		{"short ldc", func() { Dgemm(false, false, 2, 3, 2, 1, a, 2, a, 3, 0, a, 2) }},
		{"short C", func() { Dgemm(false, false, 3, 3, 2, 1, a, 2, a, 3, 0, a, 3) }},
		{"short A", func() { Dgemm(true, false, 4, 1, 2, 1, a, 4, a, 1, 0, a, 1) }},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			tc.f()
		})
	}
}

func BenchmarkDgemm(b *testing.B) {
	r := rand.New(rand.NewPCG(8, 9))
	const m, n, k = 1000, 256, 1000
	a := randSlice(r, m*k)
	bb := randSlice(r, k*n)
	c := make([]float64, m*n)
	for _, kern := range candidates() {
		for tr := 0; tr < 4; tr++ {
			ta, tb := tr&1 != 0, tr&2 != 0
			lda, ldb := k, n
			if ta {
				lda = m
			}
			if tb {
				ldb = k
			}
			b.Run(fmt.Sprintf("%s/ta=%v,tb=%v", kernelName(kern), ta, tb), func(b *testing.B) {
				withKernel(kern, minFlops, func() {
					for b.Loop() {
						Dgemm(ta, tb, m, n, k, 1, a, lda, bb, ldb, 0, c, n)
					}
				})
				b.ReportMetric(2*m*n*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkSmall compares the kernels with gonum on the small products
// that decide minFlops.
func BenchmarkSmall(b *testing.B) {
	r := rand.New(rand.NewPCG(10, 11))
	for _, d := range [][3]int{{4, 4, 4}, {8, 8, 8}, {16, 16, 16}, {1, 200, 200}, {200, 1, 200}, {200, 200, 6}} {
		m, n, k := d[0], d[1], d[2]
		a, bb, c := randSlice(r, m*k), randSlice(r, k*n), make([]float64, m*n)
		for _, kern := range candidates() {
			b.Run(fmt.Sprintf("%dx%dx%d/%s", m, n, k, kernelName(kern)), func(b *testing.B) {
				withKernel(kern, 0, func() {
					for b.Loop() {
						Dgemm(false, false, m, n, k, 1, a, k, bb, n, 1, c, n)
					}
				})
			})
		}
	}
}

func TestNonzeros(t *testing.T) {
	for _, tc := range []struct {
		x    []float64
		want int
	}{
		{nil, 0},
		{[]float64{0}, 0},
		{[]float64{math.Copysign(0, -1), 0, 0}, 0},
		{[]float64{1, 0, -2, math.Inf(1), math.NaN()}, 4},
		{[]float64{5e-324, 0}, 1},
	} {
		if got := nonzeros(tc.x); got != tc.want {
			t.Errorf("nonzeros(%v) = %d, want %d", tc.x, got, tc.want)
		}
	}
}
