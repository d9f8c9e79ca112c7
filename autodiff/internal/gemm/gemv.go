package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Matrix·vector products read each element of A once, so once A is
// larger than the caches they run at the speed of memory whatever the
// code (for 1000×1000, gonum's Dgemv and these kernels take the same
// time here). The kernels here (dot4, geradd4, gerset4, where the CPU has
// them) work on four rows at a time and are faster while A is in cache
// (1.3 to 1.8× gonum for a 100×1000 A); GerGemvT also saves the read of dA
// when it is new. The columns past the kernels' multiple of 8 (or 4) and
// the rows past the multiple of 4 are done in Go.
//
// The kernels are nil where the CPU has none; tests set them to nil to
// run the fallback. Their contracts are those of the AVX2 versions in
// gemv_amd64.s.
var (
	// dot4 sets dst[r] = Σ_{j<n} a[r·lda+j]·x[j], r = 0…3, n a positive
	// multiple of 8.
	dot4 func(n int, a *float64, lda int, x *float64, dst *float64)
	// geradd4 adds g4[r]·x[:n] to row r of da and Σ_r g4[r]·(row r of a)
	// to dx[:n], r = 0…3, n a positive multiple of 4.
	geradd4 func(n int, g4 *float64, x, a *float64, lda int, da *float64, ldda int, dx *float64)
	// gerset4 is geradd4 setting the rows of da instead of adding to them.
	gerset4 func(n int, g4 *float64, x, a *float64, lda int, da *float64, ldda int, dx *float64)
)

// Dgemv computes y = alpha·A·x + beta·y for the row-major m×n matrix A
// (lda ≥ n). With beta = 0, y need not hold numbers beforehand. It panics
// if a slice is too short or lda < n.
func Dgemv(m, n int, alpha float64, a []float64, lda int, x []float64, beta float64, y []float64) {
	checkMat("A", m, n, a, lda)
	if len(x) < n || len(y) < m {
		panic("gemm: short vector")
	}
	if m == 0 {
		return
	}
	if dot4 == nil || n < 8 || m < 4 || n == 0 {
		if n == 0 || alpha == 0 {
			scale(1, m, beta, y, m)
			return
		}
		blas64.Implementation().Dgemv(blas.NoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1)
		return
	}
	set := func(i int, s float64) {
		if beta == 0 {
			y[i] = alpha * s
		} else {
			y[i] = alpha*s + beta*y[i]
		}
	}
	n8 := n &^ 7
	var d [4]float64
	i := 0
	for ; i+4 <= m; i += 4 {
		dot4(n8, &a[i*lda], lda, &x[0], &d[0])
		for r, s := range d {
			row := a[(i+r)*lda : (i+r)*lda+n]
			for j := n8; j < n; j++ {
				s += row[j] * x[j]
			}
			set(i+r, s)
		}
	}
	for ; i < m; i++ {
		s := 0.0
		for j, v := range a[i*lda : i*lda+n] {
			s += v * x[j]
		}
		set(i, s)
	}
}

// GerGemvT computes, in one sweep over the rows of the m×n matrix A,
//
//	dA += g·xᵀ   (dA = g·xᵀ when add is false),   dx += Aᵀ·g,
//
// the two adjoints of y = A·x for the adjoint g of y. A and dA are
// row-major with leading dimensions lda, ldda ≥ n; with add false, dA
// need not hold numbers beforehand. dA must not overlap A, x or dx. It
// panics if a slice is too short or a leading dimension less than n.
func GerGemvT(m, n int, g, x, a []float64, lda int, da []float64, ldda int, dx []float64, add bool) {
	checkMat("A", m, n, a, lda)
	checkMat("dA", m, n, da, ldda)
	if len(g) < m || len(x) < n || len(dx) < n {
		panic("gemm: short vector")
	}
	if m == 0 || n == 0 {
		return
	}
	if geradd4 == nil || n < 4 || m < 4 {
		impl := blas64.Implementation()
		if add {
			impl.Dger(m, n, 1, g, 1, x, 1, da, ldda)
		} else {
			for i := 0; i < m; i++ {
				outer(da[i*ldda:i*ldda+n], g[i], x, false)
			}
		}
		impl.Dgemv(blas.Trans, m, n, 1, a, lda, g, 1, 1, dx, 1)
		return
	}
	kern := geradd4
	if !add {
		kern = gerset4
	}
	n4 := n &^ 3
	i := 0
	for ; i+4 <= m; i += 4 {
		kern(n4, &g[i], &x[0], &a[i*lda], lda, &da[i*ldda], ldda, &dx[0])
		if n4 < n {
			for r := i; r < i+4; r++ {
				gerRow(g[r], x[n4:n], a[r*lda+n4:r*lda+n], da[r*ldda+n4:r*ldda+n], dx[n4:n], add)
			}
		}
	}
	for ; i < m; i++ {
		gerRow(g[i], x[:n], a[i*lda:i*lda+n], da[i*ldda:i*ldda+n], dx[:n], add)
	}
}

// gerRow does one row of GerGemvT: daRow (+)= gi·x, dx += gi·aRow.
func gerRow(gi float64, x, aRow, daRow, dx []float64, add bool) {
	outer(daRow, gi, x, add)
	for j, v := range aRow {
		dx[j] += gi * v
	}
}

// outer computes dst (+)= gi·x.
func outer(dst []float64, gi float64, x []float64, add bool) {
	x = x[:len(dst)]
	if add {
		for j, v := range x {
			dst[j] += gi * v
		}
		return
	}
	for j, v := range x {
		dst[j] = gi * v
	}
}

// checkMat panics unless a holds an m×n row-major matrix with leading
// dimension ld.
func checkMat(name string, m, n int, a []float64, ld int) {
	switch {
	case m < 0 || n < 0:
		panic("gemm: negative dimension")
	case ld < max(1, n):
		panic("gemm: bad leading dimension of " + name)
	case m > 0 && n > 0 && len(a) < (m-1)*ld+n:
		panic("gemm: short " + name)
	}
}
