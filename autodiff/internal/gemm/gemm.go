// Package gemm multiplies row-major float64 matrices,
//
//	C = alpha·op(A)·op(B) + beta·C,   op(X) = X or Xᵀ,
//
// with a register-blocked assembly micro-kernel where the CPU has one
// (amd64 with AVX2 and FMA, or AVX-512), and with gonum's pure-Go Dgemm
// everywhere else and for products too small to repay the packing.
//
// # Structure
//
// The loops are the classic GotoBLAS/BLIS ones. For each panel of nc
// columns of C and each slice of kc terms of the inner dimension, op(B)'s
// kc×nc panel is copied ("packed") into a contiguous buffer as column
// strips of nr: strip j holds, for p = 0…kc-1, the nr values
// op(B)[p, j·nr : j·nr+nr]. For each block of mc rows, op(A)'s mc×kc block
// is packed, scaled by alpha, as row strips of mr: strip i holds, for each
// p, the mr values op(A)[i·mr : i·mr+mr, p]. Then each mr×nr tile of C gets
//
//	C[tile] += Σ_p Ã[:, p] · B̃[p, :]
//
// from the micro-kernel, which keeps the whole tile in vector registers
// (mr rows of nr/w registers, w = 4 doubles a ymm register, 8 a zmm one):
// each step p loads row p of the B̃ strip (nr/w registers) and broadcasts
// column p of the Ã strip one value at a time, mr·nr/w fused
// multiply-adds on nr/w + mr loads (6×8 AVX2: 12 on 8; 12×16 AVX-512: 24
// on 14). The B̃ strip (kc·nr values)
// stays in L1 while the A block's strips stream from L2; the packed panel
// of B stays in L2/L3. Packing also resolves the transposes and leading
// dimensions, so one kernel serves all four cases; tiles cut off at the
// right or bottom edge are padded with zeros when packed, computed into a
// scratch tile and only their valid part is added to C. beta is applied
// to C once, before the products are added.
//
// Large products are split by rows of C across up to GOMAXPROCS
// goroutines, each with its own packing buffers.
package gemm

import (
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Cache blocking. kc·nr doubles of B̃ (one strip, 16 KiB for kc = 256,
// nr = 8) sit in L1 while an mc×kc block of Ã (mc·kc·8 bytes, 384 KiB)
// sits in L2.
const (
	kc = 256
	mc = 192 // a multiple of every kernel's mr
	nc = 4096
)

// kernel is a micro-kernel and its tile shape: fn adds to the mr×nr tile at
// c (row stride ldc, in elements) the product of the packed strips a
// (k·mr values) and b (k·nr values); k ≥ 1.
type kernel struct {
	mr, nr int
	fn     func(k int, a, b, c *float64, ldc int)
	name   string
}

// active is the micro-kernel in use, nil where the CPU has none; tests
// replace it to exercise each kernel and the fallback.
var active = bestKernel()

// minFlops is the size of product, m·n·k, below which gonum's Dgemm is
// used: packing costs more than it saves there (measured: the kernels win
// from 8×8×8 on). Tests lower it.
var minFlops = 8 * 8 * 8

// Kernel names the micro-kernel in use ("avx2", "avx512"), or "gonum" when
// every product goes to gonum's Dgemm.
func Kernel() string {
	if active == nil {
		return "gonum"
	}
	return active.name
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C for row-major A, B, C,
// with op(A) m×k and op(B) k×n: A is m×k (lda ≥ k), or k×m (lda ≥ m) when
// ta is set, B is k×n (ldb ≥ n), or n×k (ldb ≥ k) when tb is set, and C is
// m×n (ldc ≥ n). With beta = 0, C need not hold numbers beforehand. It
// panics on a negative size, a short leading dimension or a short slice,
// as gonum's Dgemm does.
func Dgemm(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	check(ta, tb, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	kern := active
	// A single row (vector·matrix) is faster in gonum, which needs no
	// packing for it.
	if kern == nil || m*n*k < minFlops || m == 1 || k == 0 || alpha == 0 || gonumSkips(ta, tb, m, n, k, a, lda, b, ldb) {
		generic(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	scale(m, n, beta, c, ldc)
	workers := min(runtime.GOMAXPROCS(0), m/mc, m*n*k/(1<<24))
	if workers <= 1 {
		run(kern, ta, tb, 0, m, n, k, alpha, a, lda, b, ldb, c, ldc)
		return
	}
	// Split the rows of C into one band per worker, a multiple of mr each.
	var wg sync.WaitGroup
	band := (m/workers + kern.mr - 1) / kern.mr * kern.mr
	for lo := 0; lo < m; lo += band {
		hi := min(lo+band, m)
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(kern, ta, tb, lo, hi, n, k, alpha, a, lda, b, ldb, c, ldc)
		}()
	}
	wg.Wait()
}

// generic is gonum's Dgemm (it handles k = 0 and alpha = 0 itself, and
// never reads C when beta = 0).
func generic(ta, tb bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if k == 0 || alpha == 0 {
		// BLAS rejects leading dimensions of 0 that k = 0 allows here.
		scale(m, n, beta, c, ldc)
		return
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if ta {
		tA = blas.Trans
	}
	if tb {
		tB = blas.Trans
	}
	blas64.Implementation().Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gonumSkips reports whether the product should go to gonum because gonum
// skips the zero elements of op(A), which it does unless only B is
// transposed, and the kernels do not: when op(A) is sparse (at most one
// element in maxDensity nonzero, as the seed rows of a Jacobian are)
// gonum is faster, and when B holds an infinity or NaN, skipping changes
// the result (gonum's 0·∞ is a structural 0, the kernels' is NaN), which
// must not depend on the path taken.
func gonumSkips(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int) bool {
	if tb && !ta {
		return false
	}
	ar, ac, br, bc := shapes(ta, tb, m, n, k)
	limit := m * k / maxDensity
	for i := 0; i < ar && limit >= 0; i++ {
		limit -= nonzeros(a[i*lda : i*lda+ac])
	}
	if limit >= 0 {
		return true
	}
	for i := 0; i < br; i++ {
		for _, v := range b[i*ldb : i*ldb+bc] {
			if v-v != 0 { // ±Inf or NaN
				return true
			}
		}
	}
	return false
}

// nonzeros returns the number of elements of x other than ±0, without a
// branch an element: the top bit of b | -b is set unless b = 0.
func nonzeros(x []float64) int {
	var n0, n1 uint64
	i := 0
	for ; i+2 <= len(x); i += 2 {
		b0, b1 := math.Float64bits(x[i])<<1, math.Float64bits(x[i+1])<<1
		n0 += (b0 | -b0) >> 63
		n1 += (b1 | -b1) >> 63
	}
	if i < len(x) {
		b := math.Float64bits(x[i]) << 1
		n0 += (b | -b) >> 63
	}
	return int(n0 + n1)
}

// maxDensity: gonum's Dgemm is faster than the kernels when fewer than
// one element of op(A) in maxDensity is nonzero (it runs at a sixth to a
// ninth of their speed on dense matrices, skipping the zeros).
const maxDensity = 10

// scale computes C = beta·C, setting C to zero when beta = 0.
func scale(m, n int, beta float64, c []float64, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// buffers holds one worker's packing buffers.
type buffers struct {
	a, b []float64
	tile []float64
}

var pool sync.Pool

// run adds alpha·op(A)[lo:hi, :]·op(B) to rows lo…hi-1 of C.
func run(kern *kernel, ta, tb bool, lo, hi, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	mr, nr := kern.mr, kern.nr
	buf, _ := pool.Get().(*buffers)
	if buf == nil {
		buf = &buffers{}
	}
	nbMax := (min(nc, n) + nr - 1) / nr * nr
	kbMax := min(kc, k)
	if need := kbMax * nbMax; cap(buf.b) < need {
		buf.b = make([]float64, need)
	}
	if need := kbMax * mc; cap(buf.a) < need {
		buf.a = make([]float64, need)
	}
	if need := mr * nr; cap(buf.tile) < need {
		buf.tile = make([]float64, need)
	}
	bp, ap, tile := buf.b, buf.a, buf.tile[:mr*nr]
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			packB(bp, nr, tb, b, ldb, pc, jc, kb, nb)
			for ic := lo; ic < hi; ic += mc {
				mb := min(mc, hi-ic)
				packA(ap, mr, ta, a, lda, ic, pc, mb, kb, alpha)
				macro(kern, mb, nb, kb, ap, bp, c[ic*ldc+jc:], ldc, tile)
			}
		}
	}
	pool.Put(buf)
}

// macro adds Ã·B̃ (mb×kb times kb×nb, packed) to the mb×nb block of C
// starting at c[0], one mr×nr tile at a time.
func macro(kern *kernel, mb, nb, kb int, ap, bp, c []float64, ldc int, tile []float64) {
	mr, nr := kern.mr, kern.nr
	for jr := 0; jr < nb; jr += nr {
		bs := &bp[jr*kb]
		w := min(nr, nb-jr)
		for ir := 0; ir < mb; ir += mr {
			as := &ap[ir*kb]
			h := min(mr, mb-ir)
			if h == mr && w == nr {
				kern.fn(kb, as, bs, &c[ir*ldc+jr], ldc)
				continue
			}
			// An edge tile: compute the padded tile, add its valid part.
			clear(tile)
			kern.fn(kb, as, bs, &tile[0], nr)
			for i := 0; i < h; i++ {
				row := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+w]
				for j, v := range tile[i*nr : i*nr+w] {
					row[j] += v
				}
			}
		}
	}
}

// packB copies op(B)[pc:pc+kb, jc:jc+nb] into strips of nr columns, each
// kb×nr and row-major, the last one padded with zeros.
func packB(dst []float64, nr int, tb bool, b []float64, ldb, pc, jc, kb, nb int) {
	for j0 := 0; j0 < nb; j0 += nr {
		w := min(nr, nb-j0)
		s := dst[j0*kb : j0*kb+kb*nr]
		if !tb {
			// op(B)[p, j] = b[p·ldb + j]: copy row pieces.
			for p := 0; p < kb; p++ {
				src := b[(pc+p)*ldb+jc+j0:]
				d := s[p*nr : p*nr+nr]
				copy(d[:w], src[:w])
				clear(d[w:])
			}
			continue
		}
		// op(B)[p, j] = b[j·ldb + p]: read each column of op(B) as a row of b.
		if w < nr {
			clear(s)
		}
		for j := 0; j < w; j++ {
			src := b[(jc+j0+j)*ldb+pc:]
			src = src[:kb]
			for p, v := range src {
				s[p*nr+j] = v
			}
		}
	}
}

// packA copies alpha·op(A)[ic:ic+mb, pc:pc+kb] into strips of mr rows,
// each stored column by column (kb columns of mr), the last one padded
// with zeros.
func packA(dst []float64, mr int, ta bool, a []float64, lda, ic, pc, mb, kb int, alpha float64) {
	for i0 := 0; i0 < mb; i0 += mr {
		h := min(mr, mb-i0)
		s := dst[i0*kb : i0*kb+kb*mr]
		if ta {
			// op(A)[i, p] = a[p·lda + i]: copy row pieces of a.
			for p := 0; p < kb; p++ {
				src := a[(pc+p)*lda+ic+i0:]
				src = src[:h]
				d := s[p*mr : p*mr+mr]
				for i, v := range src {
					d[i] = alpha * v
				}
				clear(d[h:])
			}
			continue
		}
		// op(A)[i, p] = a[i·lda + p]: each row of a becomes a column.
		if h < mr {
			clear(s)
		}
		for i := 0; i < h; i++ {
			src := a[(ic+i0+i)*lda+pc:]
			src = src[:kb]
			for p, v := range src {
				s[p*mr+i] = alpha * v
			}
		}
	}
}

// check panics on arguments gonum's Dgemm would reject.
func check(ta, tb bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("gemm: negative dimension")
	}
	ar, ac, br, bc := shapes(ta, tb, m, n, k)
	switch {
	case lda < max(1, ac):
		panic("gemm: bad lda")
	case ldb < max(1, bc):
		panic("gemm: bad ldb")
	case ldc < max(1, n):
		panic("gemm: bad ldc")
	}
	if m == 0 || n == 0 {
		return
	}
	switch {
	case ar > 0 && ac > 0 && len(a) < (ar-1)*lda+ac:
		panic("gemm: short A")
	case br > 0 && bc > 0 && len(b) < (br-1)*ldb+bc:
		panic("gemm: short B")
	case len(c) < (m-1)*ldc+n:
		panic("gemm: short C")
	}
}

// bestKernel returns the first kernel of kernels(), or nil.
func bestKernel() *kernel {
	if ks := kernels(); len(ks) > 0 {
		return ks[0]
	}
	return nil
}

// shapes returns the stored shapes of A (ar×ac) and B (br×bc) for the
// product of op(A) m×k and op(B) k×n.
func shapes(ta, tb bool, m, n, k int) (ar, ac, br, bc int) {
	ar, ac, br, bc = m, k, k, n
	if ta {
		ar, ac = k, m
	}
	if tb {
		br, bc = n, k
	}
	return ar, ac, br, bc
}
