package autodiff

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// TestBerkeleyNotebook covers the MXNet notebook of §1c: x as the 4×1
// matrix [[0],[1],[2],[3]], y = 2xᵀx = 28 with gradient 4x, and head
// gradients: y.backward(head) chains a later stage's VJP by hand.
func TestBerkeleyNotebook(t *testing.T) {
	t.Parallel()
	x := Matrix([]float64{0}, []float64{1}, []float64{2}, []float64{3}).RequiresGrad()
	y := Mul(s(2), MatMul(Transpose(x), x)) // (1,1)
	checkShape(t, "y", y.Shape(), []int{1, 1})
	if !near(y.Item(), 28, tol) {
		t.Errorf("y = %g, want 28", y.Item())
	}
	y.Backward()
	checkShape(t, "x.grad", x.Grad().Shape(), []int{4, 1})
	checkSlice(t, "x.grad = 4x", x.Grad().Data(), []float64{0, 4, 8, 12}, tol)

	// Head gradients: z = g(f(x)) with f(x) = x⊙x, g(u) = Σ sin u. The
	// gradient of g at u = f(x) is the head passed back through f.
	xs := Vector(0.5, -1, 2)
	f := func(x *Tensor) *Tensor { return Mul(x, x) }
	g := func(u *Tensor) *Tensor { return Sum(Sin(u)) }
	head := Grad(g, f(xs))
	_, chained := VJP(f, xs, head)
	whole := Grad(func(x *Tensor) *Tensor { return g(f(x)) }, xs)
	checkSlice(t, "VJP(f, x, ∇g) = ∇(g∘f)", chained.Data(), whole.Data(), tol)
	for i, v := range xs.Data() {
		if want := math.Cos(v*v) * 2 * v; !near(whole.Data()[i], want, tol) {
			t.Errorf("∇(g∘f)[%d] = %g, want %g", i, whole.Data()[i], want)
		}
	}
}

// TestDenominatorRules adds the one rule of the book's list (calculus.md)
// that TestLayouts does not check: ∇ₓ xᵀA = A.
func TestDenominatorRules(t *testing.T) {
	t.Parallel()
	A := Matrix([]float64{1, 2}, []float64{3, 4}, []float64{5, 6}) // (3,2)
	x := Vector(0.5, -1, 2)
	for _, m := range []Mode{Forward, Reverse} {
		g := Jacobian(func(x *Tensor) *Tensor { return MatMul(x, A) }, x, Denominator, m)
		checkShape(t, "∇ₓxᵀA", g.Shape(), []int{3, 2})
		checkSlice(t, "∇ₓxᵀA = A "+m.String(), g.Data(), A.Data(), tol)
		num := Jacobian(func(x *Tensor) *Tensor { return MatMul(x, A) }, x, Numerator, m)
		checkSlice(t, "∂xᵀA/∂x = Aᵀ "+m.String(), num.Data(), Transpose(A).Data(), tol)
	}
	// The book's chain rule ∇ₓy = A∇ᵤy for u = Aᵀx with A ∈ ℝ^{n×m}, here
	// with y = Σ sin u.
	y := func(x *Tensor) *Tensor { return Sum(Sin(MatMul(Transpose(A), x))) }
	u := MatMul(Transpose(A), x)
	checkSlice(t, "∇ₓy = A∇ᵤy", Grad(y, x).Data(), MatMul(A, Cos(u)).Data(), tol)
}

// TestB2B3Correctness checks the closed forms of the benchmark workloads
// (LECTURE.md §3) at a size small enough for a test: dx = Wᵀ(1−tanh²),
// dW = (1−tanh²)xᵀ; J of tanh(Ax) = (1−tanh²)⊙A in both modes and in tall
// and wide shapes; the Hessian of xᵀBx + Σ sin x is B + Bᵀ − diag(sin x).
func TestB2B3Correctness(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(2, 3))
	rnd := func(shape ...int) *Tensor { return New(shape, randIn(r, sizeOf(shape), -1, 1, 0)) }
	W, x := rnd(7, 5), rnd(5)
	h := Tanh(MatMul(W, x))
	dh := Sub(s(1), Mul(h, h))
	dx := Grad(func(x *Tensor) *Tensor { return Sum(Tanh(MatMul(W, x))) }, x)
	checkSlice(t, "dx = Wᵀ(1−tanh²)", dx.Data(), MatMul(Transpose(W), dh).Data(), tol)
	dW := Grad(func(W *Tensor) *Tensor { return Sum(Tanh(MatMul(W, x))) }, W)
	checkSlice(t, "dW = (1−tanh²)xᵀ", dW.Data(), MatMul(Reshape(dh, 7, 1), Reshape(x, 1, 5)).Data(), tol)
	X := rnd(5, 4)
	H := Tanh(MatMul(W, X))
	dWX := Grad(func(W *Tensor) *Tensor { return Sum(Tanh(MatMul(W, X))) }, W)
	checkSlice(t, "GEMM dW = (1−tanh²)Xᵀ", dWX.Data(), MatMul(Sub(s(1), Mul(H, H)), Transpose(X)).Data(), tol)

	for _, dims := range [][2]int{{6, 6}, {8, 3}, {3, 8}} {
		A, v := rnd(dims[0], dims[1]), rnd(dims[1])
		th := Tanh(MatMul(A, v))
		want := make([]float64, dims[0]*dims[1])
		for i := 0; i < dims[0]; i++ {
			for j := 0; j < dims[1]; j++ {
				want[i*dims[1]+j] = (1 - th.At(i)*th.At(i)) * A.At(i, j)
			}
		}
		for _, m := range []Mode{Forward, Reverse} {
			j := Jacobian(func(x *Tensor) *Tensor { return Tanh(MatMul(A, x)) }, v, m)
			checkSlice(t, "J of tanh(Ax) "+m.String(), j.Data(), want, tol)
		}
	}

	B, xh := rnd(6, 6), rnd(6)
	hess := Hessian(func(x *Tensor) *Tensor { return Add(Dot(x, MatMul(B, x)), Sum(Sin(x))) }, xh)
	want := Add(B, Transpose(B)).Data()
	for i, v := range xh.Data() {
		want[i*6+i] -= math.Sin(v)
	}
	checkSlice(t, "Hessian = B + Bᵀ − diag(sin x)", hess.Data(), want, tol)
}

// TestCheckpointSqrtN checks the lecture's rematerialization: a chain of n
// operations in √n checkpointed segments stores O(√n) values instead of
// O(n), and gives the same gradient, also in second order (Hessian).
func TestCheckpointSqrtN(t *testing.T) {
	t.Parallel()
	const n, seg = 10_000, 100 // 50 steps of 2 nodes per segment, 100 segments
	c := s(1.0001)
	plain := Scalar(0.5).RequiresGrad()
	yp := checkpointedChain(plain, c, n, 0)
	ck := Scalar(0.5).RequiresGrad()
	yc := checkpointedChain(ck, c, n, seg)
	sp, sc := yp.TapeStats(), yc.TapeStats()
	if sp.Floats != n+1 || sc.Floats != n/seg+1 {
		t.Errorf("stored floats: plain %d (want %d), checkpointed %d (want %d)", sp.Floats, n+1, sc.Floats, n/seg+1)
	}
	yp.Backward()
	yc.Backward()
	if !near(plain.Grad().Item(), ck.Grad().Item(), 1e-13) || !near(ck.Grad().Item(), 8.13132e-05, 1e-10) {
		t.Errorf("dy/dy0: plain %.10g, checkpointed %.10g, want 8.13132e-05", plain.Grad().Item(), ck.Grad().Item())
	}
	// Second order through checkpoints: d²/dx² of a checkpointed sin(x²).
	seg2 := Checkpoint(func(x *Tensor) *Tensor { return Sin(Mul(x, x)) })
	x0 := 0.7
	h := Hessian(func(x *Tensor) *Tensor { return seg2(x) }, Scalar(x0)).Item()
	if want := 2*math.Cos(x0*x0) - 4*x0*x0*math.Sin(x0*x0); !near(h, want, tol) {
		t.Errorf("Hessian through Checkpoint = %g, want %g", h, want)
	}
}

// TestForwardMemoryFlat measures the heap still alive at the end of the
// B1 chain: forward mode (JVP) keeps nothing that grows with the length of
// the chain; reverse mode keeps its tape. It cannot run in parallel: it
// measures the live heap of the process.
func TestForwardMemoryFlat(t *testing.T) {
	live := func(n int, reverse bool) uint64 {
		c := s(1.0001)
		var base, end uint64
		f := func(y *Tensor) *Tensor {
			y = chain(y, c, n)
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			end = m.HeapAlloc
			return y
		}
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		base = m.HeapAlloc
		if reverse {
			x := Scalar(0.5).RequiresGrad()
			f(x).Backward()
		} else {
			JVP(f, Scalar(0.5), Scalar(1))
		}
		if end < base {
			return 0
		}
		return end - base
	}
	fSmall, fLarge := live(1_000, false), live(200_000, false)
	rLarge := live(200_000, true)
	t.Logf("live heap at the end of the chain: JVP %d B (n=1e3), %d B (n=2e5); reverse %d B (n=2e5)", fSmall, fLarge, rLarge)
	// Forward mode: flat. A tape of 2e5 nodes holds at least 2e5·8 bytes.
	if fLarge > 64<<10 {
		t.Errorf("JVP keeps %d bytes alive at n = 2e5 (%d at n = 1e3): its memory grows with the chain", fLarge, fSmall)
	}
	if rLarge < 200_000*8 {
		t.Errorf("reverse mode keeps only %d bytes for 2e5 nodes: the measurement does not see the tape", rLarge)
	}
}

// TestShapeMismatchVectorMatrix checks that a vector [n] and an n×1
// matrix, which both print as (n,1), are told apart in the error.
func TestShapeMismatchVectorMatrix(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "one is a vector (Shape() [4])") || !strings.Contains(msg, "(Shape() [4 1])") {
			t.Errorf("panic %q does not tell the vector from the matrix", msg)
		}
	}()
	Sub(Vector(1, 2, 3, 4), New([]int{4, 1}, []float64{1, 2, 3, 4}))
}
