package autodiff

import (
	"errors"
	"math"
	"testing"
)

const tol = 1e-12

// near reports whether a and b agree within tol, relative to their size
// when they are large.
func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func checkSlice(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values %v, want %d values %v", what, len(got), got, len(want), want)
	}
	for i := range got {
		if !near(got[i], want[i], tol) {
			t.Errorf("%s[%d] = %.15g, want %.15g", what, i, got[i], want[i])
		}
	}
}

func checkShape(t *testing.T, what string, got, want []int) {
	t.Helper()
	if !sameShape(got, want) {
		t.Errorf("%s: shape %v, want %v", what, got, want)
	}
}

func s(v float64) *Tensor { return Scalar(v) }

// micrograd's README example, with Go operations.
func microgradG(a, b *Tensor) *Tensor {
	c := Add(a, b)
	d := Add(Mul(a, b), Pow(b, s(3)))
	c = Add(c, Add(c, s(1)))
	c = Add(c, Add(Add(s(1), c), Neg(a)))
	d = Add(d, Add(Mul(d, s(2)), ReLU(Add(b, a))))
	d = Add(d, Add(Mul(s(3), d), ReLU(Sub(b, a))))
	e := Sub(c, d)
	f := Pow(e, s(2))
	g := Div(f, s(2))
	return Add(g, Div(s(10), f))
}

func TestMicrogradFixture(t *testing.T) {
	t.Parallel()
	a := Scalar(-4).RequiresGrad()
	b := Scalar(2).RequiresGrad()
	g := microgradG(a, b)
	g.Backward()
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"g", g.Item(), 24.7041},
		{"dg/da", a.Grad().Item(), 138.8338},
		{"dg/db", b.Grad().Item(), 645.5773},
	} {
		if math.Abs(c.got-c.want) > 5e-5 {
			t.Errorf("%s = %.6f, want %.4f", c.name, c.got, c.want)
		}
	}
}

// backpropByHand is the appendix example f(u,v) = (u+v)².
func backpropByHand(p *Tensor) *Tensor {
	w, x, y, z := Reshape(Slice(p, 0, 1)), Reshape(Slice(p, 1, 2)), Reshape(Slice(p, 2, 3)), Reshape(Slice(p, 3, 4))
	a := Pow(Add(Add(Add(w, x), y), z), s(2))
	b := Pow(Sub(Sub(Add(w, x), y), z), s(2))
	u := Pow(Add(a, b), s(2))
	v := Pow(Sub(a, b), s(2))
	return Pow(Add(u, v), s(2))
}

func TestBackpropByHand(t *testing.T) {
	t.Parallel()
	x := Vector(-1, 0, -2, 1)
	for _, mode := range []Mode{Forward, Reverse} {
		t.Run(mode.String(), func(t *testing.T) {
			if f := backpropByHand(x).Item(); !near(f, 1024, tol) {
				t.Errorf("f = %g, want 1024", f)
			}
			j := Jacobian(backpropByHand, x, mode)
			checkSlice(t, "∂f/∂(w,x,y,z)", j.Data(), []float64{-4096, -4096, -4096, -4096}, tol)
		})
	}
	checkSlice(t, "Grad", Grad(backpropByHand, x).Data(), []float64{-4096, -4096, -4096, -4096}, tol)
	checkSlice(t, "input untouched", x.Data(), []float64{-1, 0, -2, 1}, 0)
}

func TestAutogradChapter(t *testing.T) {
	t.Parallel()
	x := Arange(0, 4, 1).RequiresGrad()
	y := Mul(s(2), Dot(x, x))
	if !near(y.Item(), 28, tol) {
		t.Fatalf("y = %g, want 28", y.Item())
	}
	y.Backward()
	checkSlice(t, "x.grad", x.Grad().Data(), []float64{0, 4, 8, 12}, tol)

	x.ZeroGrad()
	Sum(x).Backward()
	checkSlice(t, "after ZeroGrad, grad of sum", x.Grad().Data(), []float64{1, 1, 1, 1}, tol)

	// Non-scalar output: y.backward(gradient=ones(4)) is a VJP.
	_, vj := VJP(func(x *Tensor) *Tensor { return Mul(x, x) }, x, Ones(4))
	checkSlice(t, "VJP of x*x with ones", vj.Data(), []float64{0, 2, 4, 6}, tol)

	// Detach: u = (x*x).detach(); z = u*x gives ∂z/∂x = u.
	x.ZeroGrad()
	u := Mul(x, x).Detach()
	Sum(Mul(u, x)).Backward()
	checkSlice(t, "detach", x.Grad().Data(), u.Data(), tol)

	// Berkeley notebook: non-scalar backward is the same as y.sum().backward().
	xs := Arange(0, 4, 1)
	_, v1 := VJP(func(x *Tensor) *Tensor { return Mul(x, x) }, xs, Ones(4))
	g2 := Grad(func(x *Tensor) *Tensor { return Sum(Mul(x, x)) }, xs)
	checkSlice(t, "VJP(ones) = grad of sum", v1.Data(), g2.Data(), tol)
}

// controlFlow is the book's f(a): double b until ‖b‖ ≥ 1000, then a sign test.
func controlFlow(a *Tensor) *Tensor {
	b := Mul(a, s(2))
	for math.Sqrt(Norm2Sq(b).Item()) < 1000 {
		b = Mul(b, s(2))
	}
	var c *Tensor
	if Sum(b).Item() > 0 {
		c = b
	} else {
		c = Mul(s(100), b)
	}
	return c
}

func TestControlFlow(t *testing.T) {
	t.Parallel()
	for _, a0 := range []float64{0.7, -1.3, 123.0} {
		a := Scalar(a0).RequiresGrad()
		d := controlFlow(a)
		d.Backward()
		if want := d.Item() / a0; !near(a.Grad().Item(), want, tol) {
			t.Errorf("a=%g: grad %g, want f(a)/a = %g", a0, a.Grad().Item(), want)
		}
	}
	// Vector a (the exercise): the Jacobian is diagonal with f(a)/a.
	a := Vector(0.5, 1.5)
	j := Jacobian(controlFlow, a)
	fa := controlFlow(a).Data()
	checkSlice(t, "vector control flow", j.Data(), []float64{fa[0] / 0.5, 0, 0, fa[1] / 1.5}, tol)
}

func TestSecondPriceAuction(t *testing.T) {
	t.Parallel()
	// The second-highest of three bids: the largest pairwise minimum.
	second := func(b *Tensor) *Tensor {
		p, q, r := Reshape(Slice(b, 0, 1)), Reshape(Slice(b, 1, 2)), Reshape(Slice(b, 2, 3))
		return Max(Max(Min(p, q), Min(p, r)), Min(q, r))
	}
	g := Grad(second, Vector(3, 2, 1))
	checkSlice(t, "∂price/∂bids", g.Data(), []float64{0, 1, 0}, tol)
}

func TestLectureExamples(t *testing.T) {
	t.Parallel()
	t.Run("tangent 3x²-4x", func(t *testing.T) {
		f := func(x *Tensor) *Tensor { return Sub(Mul(s(3), Pow(x, s(2))), Mul(s(4), x)) }
		if d := Derivative(f, 1); !near(d, 2, tol) {
			t.Errorf("f'(1) = %g, want 2", d)
		}
		for i, h := range []float64{1e-1, 1e-2, 1e-3, 1e-4, 1e-5} {
			q := (f(s(1+h)).Item() - f(s(1)).Item()) / h
			if want := 2 + 3*h; math.Abs(q-want) > 1e-9 {
				t.Errorf("h=1e-%d: quotient %.6f, want %.6f", i+1, q, want)
			}
		}
		ex := func(x *Tensor) *Tensor { return Sub(Pow(x, s(3)), Div(s(1), x)) }
		if d := Derivative(ex, 1); !near(d, 4, tol) {
			t.Errorf("(x³−1/x)'(1) = %g, want 4 (tangent y = 4x−4)", d)
		}
	})
	t.Run("gradient x1²+2x2²", func(t *testing.T) {
		f := func(x *Tensor) *Tensor { return Dot(Vector(1, 2), Mul(x, x)) }
		checkSlice(t, "grad", Grad(f, Vector(1, 1)).Data(), []float64{2, 4}, tol)
		checkSlice(t, "Hessian", Hessian(f, Vector(1, 1)).Data(), []float64{2, 0, 0, 4}, tol)
	})
	t.Run("Jacobian of Ax", func(t *testing.T) {
		A := Matrix([]float64{1, 2, 3}, []float64{4, 5, 6})
		for _, mode := range []Mode{Forward, Reverse} {
			j := Jacobian(func(x *Tensor) *Tensor { return MatMul(A, x) }, Vector(0.3, -1, 2), mode)
			checkShape(t, "J", j.Shape(), []int{2, 3})
			checkSlice(t, "J = A "+mode.String(), j.Data(), A.Data(), tol)
		}
	})
	t.Run("Example 1", func(t *testing.T) {
		x, y := Vector(1, 2, 3), Scalar(0.5)
		w := Vector(0.2, -0.4, 0.7)
		z := func(w *Tensor) *Tensor { return Pow(Sub(Dot(x, w), y), s(2)) }
		b := 1*0.2 - 2*0.4 + 3*0.7 - 0.5
		want := []float64{2 * b * 1, 2 * b * 2, 2 * b * 3}
		checkSlice(t, "∂z/∂w = 2(⟨x,w⟩−y)xᵀ", Jacobian(z, w).Data(), want, tol)
	})
	t.Run("Example 2", func(t *testing.T) {
		X := Matrix([]float64{1, 2}, []float64{3, 4}, []float64{5, 6})
		y := Vector(1, 0, -1)
		w := Vector(0.5, -0.25)
		z := func(w *Tensor) *Tensor { return Norm2Sq(Sub(MatMul(X, w), y)) }
		r := Sub(MatMul(X, w), y)
		want := MatMul(Mul(s(2), r), X) // 2 bᵀ X, a row
		j := Jacobian(z, w)
		checkSlice(t, "∂z/∂w = 2(Xw−y)ᵀX", j.Data(), want.Data(), tol)
		if got := DerivShape(nil, []int{2}, Numerator); got != "(1,2)" {
			t.Errorf("numerator shape %s, want (1,2)", got)
		}
	})
	t.Run("log(x²)sin x + 1/x", func(t *testing.T) {
		f := func(x *Tensor) *Tensor { return Add(Mul(Log(Pow(x, s(2))), Sin(x)), Pow(x, s(-1))) }
		x0 := 1.7
		want := 2/x0*math.Sin(x0) + math.Log(x0*x0)*math.Cos(x0) - 1/(x0*x0)
		if d := Derivative(f, x0); !near(d, want, tol) {
			t.Errorf("forward: %g, want %g", d, want)
		}
		if g := Grad(f, s(x0)).Item(); !near(g, want, tol) {
			t.Errorf("reverse: %g, want %g", g, want)
		}
	})
	t.Run("plot sin and its derivative", func(t *testing.T) {
		xs := Arange(-3, 3, 0.5)
		_, jv := JVP(Sin, xs, Ones(xs.Size()))
		for i, x := range xs.Data() {
			if !near(jv.Data()[i], math.Cos(x), tol) {
				t.Errorf("sin'(%g) = %g, want cos = %g", x, jv.Data()[i], math.Cos(x))
			}
		}
	})
}

// TestScalarRules covers the scalar derivative table of §1a.1.
func TestScalarRules(t *testing.T) {
	t.Parallel()
	x0 := 0.8
	cases := []struct {
		name string
		f    Func
		want float64
	}{
		{"a", func(x *Tensor) *Tensor { return Add(Mul(x, s(0)), s(3)) }, 0},
		{"x^n", func(x *Tensor) *Tensor { return Pow(x, s(5)) }, 5 * math.Pow(x0, 4)},
		{"exp", Exp, math.Exp(x0)},
		{"log", Log, 1 / x0},
		{"sin", Sin, math.Cos(x0)},
		{"cos", Cos, -math.Sin(x0)},
		{"tanh", Tanh, 1 - math.Tanh(x0)*math.Tanh(x0)},
		{"sigmoid", Sigmoid, math.Exp(-x0) / ((1 + math.Exp(-x0)) * (1 + math.Exp(-x0)))},
		{"sqrt", Sqrt, 0.5 / math.Sqrt(x0)},
		{"sum rule", func(x *Tensor) *Tensor { return Add(Sin(x), Exp(x)) }, math.Cos(x0) + math.Exp(x0)},
		{"product rule", func(x *Tensor) *Tensor { return Mul(Sin(x), Exp(x)) }, math.Cos(x0)*math.Exp(x0) + math.Sin(x0)*math.Exp(x0)},
		{"chain rule", func(x *Tensor) *Tensor { return Sin(Mul(x, x)) }, math.Cos(x0*x0) * 2 * x0},
		{"quotient", func(x *Tensor) *Tensor { return Div(Sin(x), x) }, (math.Cos(x0)*x0 - math.Sin(x0)) / (x0 * x0)},
		{"x^y in y", func(y *Tensor) *Tensor { return Pow(s(2), y) }, math.Pow(2, x0) * math.Ln2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if d := Derivative(c.f, x0); !near(d, c.want, tol) {
				t.Errorf("forward %g, want %g", d, c.want)
			}
			if g := Grad(c.f, s(x0)).Item(); !near(g, c.want, tol) {
				t.Errorf("reverse %g, want %g", g, c.want)
			}
		})
	}
}

// TestVectorRules covers the scalar-by-vector and Jacobian tables of §1a.
func TestVectorRules(t *testing.T) {
	t.Parallel()
	x0 := Vector(0.5, -1.2, 2)
	A := Matrix([]float64{1, 2, 3}, []float64{0, -1, 4})
	B := Matrix([]float64{2, 0}, []float64{1, 1}, []float64{-3, 5})
	u := func(x *Tensor) *Tensor { return Sin(x) }
	v := func(x *Tensor) *Tensor { return Mul(x, x) }
	su := Sum(u(x0)).Item()
	cases := []struct {
		name string
		f    Func
		want *Tensor
	}{
		{"a → 0ᵀ", func(x *Tensor) *Tensor { return Add(Sum(Mul(x, s(0))), s(7)) }, Vector(0, 0, 0)},
		{"sum(x) → 1ᵀ", Sum, Vector(1, 1, 1)},
		{"‖x‖² → 2xᵀ", Norm2Sq, Mul(s(2), x0)},
		{"a·u → a ∂u/∂x", func(x *Tensor) *Tensor { return Mul(s(3), Sum(u(x))) }, Mul(s(3), Cos(x0))},
		{"u+v", func(x *Tensor) *Tensor { return Add(Sum(u(x)), Sum(v(x))) }, Add(Cos(x0), Mul(s(2), x0))},
		{"uv", func(x *Tensor) *Tensor { return Mul(Sum(u(x)), Sum(v(x))) },
			Add(Mul(Cos(x0), Sum(v(x0))), Mul(Mul(s(2), x0), s(su)))},
		{"⟨u,v⟩", func(x *Tensor) *Tensor { return Dot(u(x), v(x)) },
			Add(Mul(v(x0), Cos(x0)), Mul(u(x0), Mul(s(2), x0)))},
		{"x → I", func(x *Tensor) *Tensor { return x }, Eye(3)},
		{"a (vector) → 0", func(x *Tensor) *Tensor { return Add(Mul(x, s(0)), Vector(1, 2, 3)) }, Zeros(3, 3)},
		{"Ax → A", func(x *Tensor) *Tensor { return MatMul(A, x) }, A},
		{"xᵀB → Bᵀ", func(x *Tensor) *Tensor { return MatMul(x, B) }, Transpose(B)},
		{"a·u → a ∂u/∂x (vector)", func(x *Tensor) *Tensor { return Mul(s(3), u(x)) }, diag(Mul(s(3), Cos(x0)))},
		{"Au → A ∂u/∂x", func(x *Tensor) *Tensor { return MatMul(A, u(x)) }, MatMul(A, diag(Cos(x0)))},
		{"u+v (vector)", func(x *Tensor) *Tensor { return Add(u(x), v(x)) }, diag(Add(Cos(x0), Mul(s(2), x0)))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, m := range []Mode{Forward, Reverse} {
				got := Jacobian(c.f, x0, m)
				checkShape(t, c.name, got.Shape(), c.want.Shape())
				checkSlice(t, c.name+" "+m.String(), got.Data(), c.want.Data(), tol)
			}
		})
	}
}

func diag(v *Tensor) *Tensor {
	n := v.Size()
	d := Zeros(n, n)
	for i, x := range v.data {
		d.data[i*n+i] = x
	}
	return d
}

// TestShapeTable checks the lecture's table of derivative shapes (§1a.7).
func TestShapeTable(t *testing.T) {
	t.Parallel()
	const m, l, n, k = 2, 3, 4, 5
	xs := map[string][]int{"x (1,)": nil, "x (n,1)": {n}, "X (n,k)": {n, k}}
	ys := map[string][]int{"y (1,)": nil, "y (m,1)": {m}, "Y (m,l)": {m, l}}
	want := map[[2]string]string{
		{"y (1,)", "x (1,)"}: "(1,)", {"y (1,)", "x (n,1)"}: "(1,4)", {"y (1,)", "X (n,k)"}: "(5,4)",
		{"y (m,1)", "x (1,)"}: "(2,1)", {"y (m,1)", "x (n,1)"}: "(2,4)", {"y (m,1)", "X (n,k)"}: "(2,5,4)",
		{"Y (m,l)", "x (1,)"}: "(2,3)", {"Y (m,l)", "x (n,1)"}: "(2,3,4)", {"Y (m,l)", "X (n,k)"}: "(2,3,5,4)",
	}
	for key, w := range want {
		t.Run(key[0]+" by "+key[1], func(t *testing.T) {
			yShape, xShape := ys[key[0]], xs[key[1]]
			if got := DerivShape(yShape, xShape, Numerator); got != w {
				t.Errorf("DerivShape = %s, want %s", got, w)
			}
			// The computed Jacobian has these dimensions.
			x := Ones(xShape...)
			f := func(x *Tensor) *Tensor {
				return Mul(Sum(Mul(x, x)), Ones(yShape...))
			}
			j := Jacobian(f, x)
			checkShape(t, "Jacobian", j.Shape(), derivDims(yShape, xShape, Numerator))
		})
	}
}

func TestLayouts(t *testing.T) {
	t.Parallel()
	// f(X) = A X for X (2,3): check every entry in every layout.
	A := Matrix([]float64{1, 2}, []float64{3, 4}, []float64{5, 6}, []float64{7, 8}) // (4,2)
	X := Matrix([]float64{0.1, 0.2, 0.3}, []float64{0.4, 0.5, 0.6})                 // (2,3)
	f := func(X *Tensor) *Tensor { return Sin(MatMul(A, X)) }                       // Y (4,3)
	_ = f(X)
	num := Jacobian(f, X)
	den := Jacobian(f, X, Denominator)
	fw := Jacobian(f, X, Framework, Forward)
	checkShape(t, "numerator", num.Shape(), []int{4, 3, 3, 2})
	checkShape(t, "denominator", den.Shape(), []int{2, 3, 3, 4})
	checkShape(t, "framework", fw.Shape(), []int{4, 3, 2, 3})
	for i := 0; i < 4; i++ {
		for j := 0; j < 3; j++ {
			for p := 0; p < 2; p++ {
				for q := 0; q < 3; q++ {
					// ∂Y[i,j]/∂X[p,q] = cos(AX)[i,j] A[i,p] δ(j,q)
					want := 0.0
					if j == q {
						want = math.Cos(MatMul(A, X).At(i, j)) * A.At(i, p)
					}
					if g := num.At(i, j, q, p); !near(g, want, tol) {
						t.Errorf("numerator[%d,%d,%d,%d] = %g, want %g", i, j, q, p, g, want)
					}
					if g := den.At(p, q, j, i); !near(g, want, tol) {
						t.Errorf("denominator[%d,%d,%d,%d] = %g, want %g", p, q, j, i, g, want)
					}
					if g := fw.At(i, j, p, q); !near(g, want, tol) {
						t.Errorf("framework[%d,%d,%d,%d] = %g, want %g", i, j, p, q, g, want)
					}
				}
			}
		}
	}
	if l, ok := den.Layout(); !ok || l != Denominator {
		t.Errorf("Layout() = %v, %v; want denominator, true", l, ok)
	}
	// The book's denominator gradient rules.
	x := Vector(1, -2, 0.5)
	B := Matrix([]float64{1, 2, 3}, []float64{4, 5, 6}, []float64{7, 8, 10})
	g := Jacobian(func(x *Tensor) *Tensor { return MatMul(B, x) }, x, Denominator)
	checkSlice(t, "∇ₓAx = Aᵀ", g.Data(), Transpose(B).Data(), tol)
	g = Grad(func(x *Tensor) *Tensor { return Dot(x, MatMul(B, x)) }, x)
	checkSlice(t, "∇ₓxᵀAx = (A+Aᵀ)x", g.Data(), MatMul(Add(B, Transpose(B)), x).Data(), tol)
	Xm := Matrix([]float64{1, 2}, []float64{3, -4})
	checkSlice(t, "∇_X‖X‖²_F = 2X", Grad(Norm2Sq, Xm).Data(), []float64{2, 4, 6, -8}, tol)
}

func TestBackwardErrors(t *testing.T) {
	t.Parallel()
	x := Vector(1, 2).RequiresGrad()
	y := Mul(x, x)
	if err := y.TryBackward(); !errors.Is(err, ErrNotScalar) {
		t.Errorf("non-scalar Backward: %v, want ErrNotScalar", err)
	}
	z := Sum(y)
	if err := z.TryBackward(); err != nil {
		t.Fatalf("first Backward: %v", err)
	}
	if err := z.TryBackward(); !errors.Is(err, ErrFreed) {
		t.Errorf("second Backward: %v, want ErrFreed", err)
	}
	w := Sum(Mul(y, s(2)))
	if err := w.TryBackward(); !errors.Is(err, ErrFreed) {
		t.Errorf("Backward through a freed graph: %v, want ErrFreed", err)
	}
	if err := Sum(Vector(1, 2)).TryBackward(); !errors.Is(err, ErrNoGraph) {
		t.Errorf("Backward without inputs: %v, want ErrNoGraph", err)
	}
	// The leaf can start a new graph; gradients accumulate until ZeroGrad.
	Sum(Mul(x, x)).Backward()
	checkSlice(t, "accumulated", x.Grad().Data(), []float64{4, 8}, tol)
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Error("Backward from a vector did not panic")
			} else if err, ok := r.(error); !ok || !errors.Is(err, ErrNotScalar) {
				t.Errorf("panic %v, want ErrNotScalar", r)
			}
		}()
		Mul(x, x).Backward()
	}()
}

func TestAccumulationWhenReused(t *testing.T) {
	t.Parallel()
	// micrograd#2: b = a + a must give db/da = 2.
	a := Scalar(3).RequiresGrad()
	Add(a, a).Backward()
	if g := a.Grad().Item(); !near(g, 2, tol) {
		t.Errorf("d(a+a)/da = %g, want 2", g)
	}
	// Merging two graphs built from separate inputs.
	p := Scalar(2).RequiresGrad()
	q := Scalar(5).RequiresGrad()
	pp := Mul(p, p)
	qq := Mul(q, q)
	Mul(pp, qq).Backward()
	if !near(p.Grad().Item(), 2*2*25, tol) || !near(q.Grad().Item(), 4*2*5, tol) {
		t.Errorf("grads %g, %g; want 100, 40", p.Grad().Item(), q.Grad().Item())
	}
}

func TestB1Correctness(t *testing.T) {
	t.Parallel()
	const c = 1.0001
	y0 := Scalar(0.5).RequiresGrad()
	y := chain(y0, s(c), 10000)
	y.Backward()
	// Closed form: the product of c·cos(c·y_k).
	v, want := 0.5, 1.0
	for i := 0; i < 5000; i++ {
		want *= c * math.Cos(c*v)
		v = math.Sin(c * v)
	}
	if !near(y.Item(), v, tol) {
		t.Errorf("y = %g, want %g", y.Item(), v)
	}
	if g := y0.Grad().Item(); !near(g, want, 1e-10) || math.Abs(g-8.13132e-05) > 5e-10 {
		t.Errorf("dy/dy0 = %.6g, want %.6g (8.13132e-05)", g, want)
	}
}

// chain builds y ← sin(c·y) with n nodes (n/2 steps).
func chain(y, c *Tensor, n int) *Tensor {
	for i := 0; i < n/2; i++ {
		y = Sin(Mul(c, y))
	}
	return y
}
