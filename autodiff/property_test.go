package autodiff

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// expr is a randomly composed differentiable function of a vector x of
// size n that returns a vector of size n, with its formula for messages.
type expr struct {
	s string
	f Func
}

// exprGen composes random smooth expressions. Its constants are fixed when
// an expression is made, so the expression is one function.
type exprGen struct {
	r *rand.Rand
	n int
}

func (g *exprGen) constVec() *Tensor { return Vector(randIn(g.r, g.n, -1, 1, 0)...) }

func (g *exprGen) constMat(m, n int) *Tensor { return New([]int{m, n}, randIn(g.r, m*n, -1, 1, 0)) }

// gen returns a random expression of at most the given depth.
func (g *exprGen) gen(depth int) expr {
	if depth == 0 || g.r.IntN(5) == 0 {
		if g.r.IntN(4) == 0 {
			c := g.constVec()
			return expr{"(x+c)", func(x *Tensor) *Tensor { return Add(x, c) }}
		}
		return expr{"x", func(x *Tensor) *Tensor { return x }}
	}
	one := Scalar(1)
	if g.r.IntN(2) == 0 {
		e := g.gen(depth - 1)
		u := []struct {
			name string
			op   func(*Tensor) *Tensor
		}{
			{"sin", Sin}, {"cos", Cos}, {"tanh", Tanh}, {"σ", Sigmoid}, {"−", Neg},
			{"exp(0.3·)", func(t *Tensor) *Tensor { return Exp(Mul(Scalar(0.3), t)) }},
			{"log(1+²)", func(t *Tensor) *Tensor { return Log(Add(one, Mul(t, t))) }},
			{"√(1+²)", func(t *Tensor) *Tensor { return Sqrt(Add(Pow(t, Scalar(2)), one)) }},
			{"³", func(t *Tensor) *Tensor { return Pow(t, Scalar(3)) }},
			{"A·", nil}, {"ᵀᵀ", func(t *Tensor) *Tensor { return Reshape(Transpose(Reshape(t, 1, g.n)), g.n) }},
			{"sum·", func(t *Tensor) *Tensor { return Mul(Sum(t), t) }},
		}[g.r.IntN(12)]
		op := u.op
		if op == nil {
			A := g.constMat(g.n, g.n)
			op = func(t *Tensor) *Tensor { return MatMul(A, t) }
		}
		return expr{u.name + "(" + e.s + ")", func(x *Tensor) *Tensor { return op(e.f(x)) }}
	}
	a, b := g.gen(depth-1), g.gen(depth-1)
	bin := []struct {
		name string
		op   func(p, q *Tensor) *Tensor
	}{
		{"+", Add}, {"−", Sub}, {"⊙", Mul},
		{"/(1+q²)", func(p, q *Tensor) *Tensor { return Div(p, Add(one, Mul(q, q))) }},
		{"⟨,⟩·", func(p, q *Tensor) *Tensor { return Mul(Dot(p, q), p) }},
		{"‖‖²·", func(p, q *Tensor) *Tensor { return Mul(Norm2Sq(q), p) }},
	}[g.r.IntN(6)]
	return expr{"(" + a.s + " " + bin.name + " " + b.s + ")", func(x *Tensor) *Tensor { return bin.op(a.f(x), b.f(x)) }}
}

// scalar turns an expression into a scalar one, randomly by Sum, a dot
// product with a constant, or the squared norm.
func (g *exprGen) scalar(e expr) expr {
	switch g.r.IntN(3) {
	case 0:
		return expr{"sum" + e.s, func(x *Tensor) *Tensor { return Sum(e.f(x)) }}
	case 1:
		c := g.constVec()
		return expr{"⟨c," + e.s + "⟩", func(x *Tensor) *Tensor { return Dot(c, e.f(x)) }}
	}
	return expr{"‖" + e.s + "‖²", func(x *Tensor) *Tensor { return Norm2Sq(e.f(x)) }}
}

// relClose reports whether a and b agree within tol relative to the
// largest magnitude in the pair of slices (at least 1).
func relClose(a, b []float64, tol float64) (int, bool) {
	scale := 1.0
	for i := range a {
		scale = math.Max(scale, math.Max(math.Abs(a[i]), math.Abs(b[i])))
	}
	for i := range a {
		if !(math.Abs(a[i]-b[i]) <= tol*scale) {
			return i, false
		}
	}
	return -1, true
}

func checkClose(t *testing.T, what string, e expr, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s for %s: %d values, want %d", what, e.s, len(got), len(want))
		return
	}
	if i, ok := relClose(got, want, tol); !ok {
		t.Errorf("%s for %s: [%d] = %.15g, want %.15g\ngot  %v\nwant %v", what, e.s, i, got[i], want[i], got, want)
	}
}

// TestPropertiesRandomExpressions checks, on randomly composed expressions
// at random points, that
//
//   - Grad agrees with CheckGrad's central differences;
//   - forward and reverse Jacobians are equal;
//   - JVP(f, x, v) = J·v and VJP(f, x, u) = uᵀJ;
//   - the Hessian is symmetric and equals the Jacobian of the gradient
//     (the gradient differentiated by central differences);
//   - Trace finds the same gradient and renders;
//   - x is not modified.
func TestPropertiesRandomExpressions(t *testing.T) {
	t.Parallel()
	const n, cases = 3, 150
	g := &exprGen{r: rand.New(rand.NewPCG(157, 2019)), n: n}
	var all strings.Builder // every formula, to check the generator's coverage
	for k := 0; k < cases; k++ {
		e := g.gen(4)
		s := g.scalar(e)
		all.WriteString(s.s + "\n")
		x := Vector(randIn(g.r, n, -1, 1, 0)...)
		x0 := x.Data()
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			// Grad vs central differences.
			gc := CheckGrad(s.f, x)
			if !gc.OK(1e-6) {
				t.Errorf("Grad vs central differences for %s: %v\nAD %v\nFD %v", s.s, gc, gc.Analytic, gc.Numeric)
			}
			checkClose(t, "Grad vs CheckGrad.Analytic", s, Grad(s.f, x).Data(), gc.Analytic.Data(), 1e-14)

			// Trace: the same gradient, the adjoint of the output is 1, and
			// every rendering works.
			tp := Trace(s.f, x)
			checkClose(t, "Trace gradient", s, tp.Grad.Data(), gc.Analytic.Data(), 1e-14)
			if len(tp.Backward) == 0 || tp.Backward[0].Adjoint.Item() != 1 || tp.Err != nil {
				t.Errorf("Trace of %s: backward rows %v, err %v", s.s, tp.Backward, tp.Err)
			}
			for name, r := range map[string]string{"ChainRule": tp.ChainRule(), "String": tp.String(),
				"Markdown": tp.Markdown(), "LaTeX": tp.LaTeX(), "DOT": tp.DOT()} {
				if !strings.Contains(r, "∂") && !strings.Contains(r, `\partial`) && name != "DOT" {
					t.Errorf("Trace of %s: %s has no derivative in it:\n%s", s.s, name, r)
				}
			}

			// Forward vs reverse Jacobians of the vector expression.
			jf := Jacobian(e.f, x, Forward)
			jr := Jacobian(e.f, x, Reverse)
			checkClose(t, "forward vs reverse Jacobian", e, jf.Data(), jr.Data(), 1e-12)
			J := mat.NewDense(n, n, jr.Data())

			// JVP = J v, VJP = uᵀ J.
			v, u := g.constVec(), g.constVec()
			y, jv := JVP(e.f, x, v)
			var want mat.VecDense
			want.MulVec(J, mat.NewVecDense(n, v.Data()))
			checkClose(t, "JVP vs J·v", e, jv.Data(), want.RawVector().Data, 1e-12)
			checkClose(t, "JVP's value vs f(x)", e, y.Data(), e.f(x).Data(), 0)
			_, uj := VJP(e.f, x, u)
			want.MulVec(J.T(), mat.NewVecDense(n, u.Data()))
			checkClose(t, "VJP vs uᵀJ", e, uj.Data(), want.RawVector().Data, 1e-12)

			// Hessian: symmetric, and the Jacobian of the gradient.
			H := Hessian(s.f, x)
			h := H.Data()
			for i := 0; i < n; i++ {
				for j := 0; j < i; j++ {
					if _, ok := relClose([]float64{h[i*n+j]}, []float64{h[j*n+i]}, 1e-12); !ok {
						t.Errorf("Hessian of %s not symmetric: H[%d,%d] = %.15g, H[%d,%d] = %.15g", s.s, i, j, h[i*n+j], j, i, h[j*n+i])
					}
				}
			}
			jg := mat.NewDense(n, n, nil)
			fd.Jacobian(jg, func(dst, p []float64) { copy(dst, Grad(s.f, Vector(p...)).Data()) }, x.Data(),
				&fd.JacobianSettings{Formula: fd.Central})
			checkClose(t, "Hessian vs Jacobian of Grad", s, h, jg.RawMatrix().Data, 1e-6)

			checkSlice(t, "x after all transforms", x.Data(), x0, 0)
		})
	}
	// The expressions used every kind of node the generator has.
	for _, op := range []string{"sin", "cos", "tanh", "σ", "exp", "log", "√", "³", "A·", "ᵀᵀ", "sum·", " + ", " − ", "⊙",
		"/(1+q²)", "⟨,⟩·", "‖‖²·", "⟨c,", "‖", "(x+c)"} {
		if !strings.Contains(all.String(), op) {
			t.Errorf("no random expression uses %q", op)
		}
	}
	if testing.Verbose() {
		t.Log(all.String())
	}
}
