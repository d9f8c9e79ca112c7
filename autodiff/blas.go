package autodiff

import (
	gemmpkg "github.com/gradbook/gradbook/autodiff/internal/gemm"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// gemm computes c = alpha·op(a)·op(b) + beta·c for row-major a, b, c with
// op(a) m×k and op(b) k×n: matrix·vector products through gonum's Dgemv,
// the others through internal/gemm (an assembly kernel where the CPU has
// one, else gonum's Dgemm). Degenerate sizes are handled here because BLAS
// rejects leading dimensions of 0.
func gemm(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				row[j] *= beta
			}
		}
		return
	}
	impl := blas64.Implementation()
	switch {
	case n == 1 && !tb && ldc == 1 && !ta && ldb == 1:
		// matrix·vector: c (m) = a (m×k) · b (k).
		gemmpkg.Dgemv(m, k, alpha, a, lda, b, beta, c)
		return
	case n == 1 && !tb && ldc == 1:
		// matrix·vector: c (m) = op(a) (m×k) · b (k).
		t, rows, cols := blas.NoTrans, m, k
		if ta {
			t, rows, cols = blas.Trans, k, m
		}
		impl.Dgemv(t, rows, cols, alpha, a, lda, b, ldb, beta, c, 1)
		return
	case m == 1 && !ta:
		// vector·matrix: cᵀ (n) = op(b)ᵀ · a (k).
		t, rows, cols := blas.Trans, k, n
		if tb {
			t, rows, cols = blas.NoTrans, n, k
		}
		impl.Dgemv(t, rows, cols, alpha, b, ldb, a, 1, beta, c, 1)
		return
	}
	gemmpkg.Dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// ger computes a += alpha·x·yᵀ for the row-major m×n matrix a.
func ger(m, n int, alpha float64, x, y, a []float64) {
	if m == 0 || n == 0 {
		return
	}
	blas64.Implementation().Dger(m, n, alpha, x, 1, y, 1, a, n)
}

// dot returns Σ xᵢyᵢ.
func dot(x, y []float64) float64 {
	if len(x) < 16 {
		s := 0.0
		for i, v := range x {
			s += v * y[i]
		}
		return s
	}
	return blas64.Implementation().Ddot(len(x), x, 1, y, 1)
}

// axpy computes y += alpha·x.
func axpy(alpha float64, x, y []float64) {
	if len(x) < 16 {
		for i, v := range x {
			y[i] += alpha * v
		}
		return
	}
	blas64.Implementation().Daxpy(len(x), alpha, x, 1, y, 1)
}
