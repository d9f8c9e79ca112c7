package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// withGemv runs f with the matrix·vector kernels on (the CPU's) or off
// (the fallback).
func withGemv(on bool, f func()) {
	d, ga, gs := dot4, geradd4, gerset4
	if !on {
		dot4, geradd4, gerset4 = nil, nil, nil
	}
	defer func() { dot4, geradd4, gerset4 = d, ga, gs }()
	f()
}

func gemvModes() []bool {
	if dot4 == nil {
		return []bool{false}
	}
	return []bool{true, false}
}

// gemvSizes has 0, 1, sizes around the kernels' multiples of 4 and 8, and
// larger ones.
var gemvSizes = []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 33, 100, 257}

// forGemvShapes calls f for every m×n of gemvSizes, with the kernels on
// and off (each a subtest).
func forGemvShapes(t *testing.T, f func(t *testing.T, m, n int)) {
	for _, on := range gemvModes() {
		t.Run(fmt.Sprintf("kernel=%v", on), func(t *testing.T) {
			withGemv(on, func() {
				for _, m := range gemvSizes {
					for _, n := range gemvSizes {
						f(t, m, n)
					}
				}
			})
		})
	}
}

func closeTo(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*(1+math.Abs(want))
}

func TestDgemv(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 13))
	forGemvShapes(t, func(t *testing.T, m, n int) {
		for _, ab := range [][2]float64{{1, 0}, {1, 1}, {-0.5, 2}, {0, 0.5}} {
			alpha, beta := ab[0], ab[1]
			lda := max(1, n) + r.IntN(3)
			a := randSlice(r, m*lda)
			x := randSlice(r, n)
			y := randSlice(r, m)
			if beta == 0 {
				for i := range y {
					y[i] = math.NaN()
				}
			}
			want := make([]float64, m)
			for i := range want {
				s := 0.0
				for j := 0; j < n; j++ {
					s += a[i*lda+j] * x[j]
				}
				want[i] = alpha * s
				if beta != 0 {
					want[i] += beta * y[i]
				}
			}
			Dgemv(m, n, alpha, a, lda, x, beta, y)
			for i := range want {
				if !closeTo(y[i], want[i], 1e-13*float64(n+1)) {
					t.Fatalf("m=%d n=%d lda=%d alpha=%g beta=%g: y[%d] = %g, want %g", m, n, lda, alpha, beta, i, y[i], want[i])
				}
			}
		}
	})
}

func TestGerGemvT(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 15))
	forGemvShapes(t, func(t *testing.T, m, n int) {
		for _, add := range []bool{true, false} {
			lda, ldda := max(1, n)+r.IntN(3), max(1, n)+r.IntN(3)
			a, x, g := randSlice(r, m*lda), randSlice(r, n), randSlice(r, m)
			da, dx := randSlice(r, m*ldda), randSlice(r, n)
			if !add {
				for i := range da {
					da[i] = math.NaN()
				}
			}
			wantDA := append([]float64(nil), da...)
			wantDX := append([]float64(nil), dx...)
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					if add {
						wantDA[i*ldda+j] += g[i] * x[j]
					} else {
						wantDA[i*ldda+j] = g[i] * x[j]
					}
					wantDX[j] += g[i] * a[i*lda+j]
				}
			}
			aOld := append([]float64(nil), a...)
			GerGemvT(m, n, g, x, a, lda, da, ldda, dx, add)
			for i := range da {
				got, w := da[i], wantDA[i]
				if math.IsNaN(w) && math.IsNaN(got) {
					continue // padding left alone
				}
				if !closeTo(got, w, 1e-14) {
					t.Fatalf("m=%d n=%d add=%v: dA[%d] = %g, want %g", m, n, add, i, got, w)
				}
			}
			for j := range dx {
				if !closeTo(dx[j], wantDX[j], 1e-13*float64(m+1)) {
					t.Fatalf("m=%d n=%d add=%v: dx[%d] = %g, want %g", m, n, add, j, dx[j], wantDX[j])
				}
			}
			for i := range a {
				if a[i] != aOld[i] {
					t.Fatalf("A modified")
				}
			}
		}
	})
}

// BenchmarkGemv runs the kernels and the fallback on an A that stays in
// cache (m = 100) and one that does not (m = 1000).
func BenchmarkGemv(b *testing.B) {
	r := rand.New(rand.NewPCG(16, 17))
	for _, m := range []int{100, 1000} {
		const n = 1000
		a, x, g := randSlice(r, m*n), randSlice(r, n), randSlice(r, m)
		y, da, dx := make([]float64, m), randSlice(r, m*n), make([]float64, n)
		for _, on := range gemvModes() {
			b.Run(fmt.Sprintf("Dgemv/m=%d/kernel=%v", m, on), func(b *testing.B) {
				withGemv(on, func() {
					for b.Loop() {
						Dgemv(m, n, 1, a, n, x, 0, y)
					}
				})
			})
			for _, add := range []bool{true, false} {
				b.Run(fmt.Sprintf("GerGemvT/m=%d/add=%v/kernel=%v", m, add, on), func(b *testing.B) {
					withGemv(on, func() {
						for b.Loop() {
							GerGemvT(m, n, g, x, a, n, da, n, dx, add)
						}
					})
				})
			}
		}
	}
}
