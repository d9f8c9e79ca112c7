package autodiff_test

import (
	"fmt"
	"strings"

	ad "github.com/gradbook/gradbook/autodiff"
)

// The book's tangent: u = 3x² − 4x has f′(1) = 2, which the difference
// quotients 2.3, 2.03, … approach.
func ExampleDerivative() {
	f := func(x *ad.Tensor) *ad.Tensor {
		return ad.Sub(ad.Mul(ad.Scalar(3), ad.Pow(x, ad.Scalar(2))), ad.Mul(ad.Scalar(4), x))
	}
	for _, h := range []float64{1e-1, 1e-2, 1e-3} {
		q := (f(ad.Scalar(1+h)).Item() - f(ad.Scalar(1)).Item()) / h
		fmt.Printf("h=%.0e: %.5f\n", h, q)
	}
	fmt.Printf("f'(1) = %.5f\n", ad.Derivative(f, 1))
	// Output:
	// h=1e-01: 2.30000
	// h=1e-02: 2.03000
	// h=1e-03: 2.00300
	// f'(1) = 2.00000
}

// A Func is any function built from the package's operations; closures
// capture constants.
func ExampleFunc() {
	A := ad.Matrix([]float64{2, 0}, []float64{0, 3})
	var f ad.Func = func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Tanh(ad.MatMul(A, x))) }
	fmt.Println(ad.Grad(f, ad.Vector(0, 0)))
	// Output: [2 3]
}

// The slide's gradient: ∇(x₁² + 2x₂²) at (1, 1) is (2, 4).
func ExampleGrad() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Dot(ad.Vector(1, 2), ad.Mul(x, x)) }
	fmt.Println(ad.Grad(f, ad.Vector(1, 1)))
	// Output: [2 4]
}

// The lecture's Example 1: z = (⟨x,w⟩ − y)² has ∂z/∂w = 2(⟨x,w⟩ − y)xᵀ.
func ExampleValueAndGrad() {
	x, y := ad.Vector(1, 2, 3), ad.Scalar(0.5)
	z := func(w *ad.Tensor) *ad.Tensor { return ad.Pow(ad.Sub(ad.Dot(x, w), y), ad.Scalar(2)) }
	v, g := ad.ValueAndGrad(z, ad.Vector(0.2, -0.4, 0.7))
	fmt.Println(v, g)
	// Output: 1 [2 4 6]
}

// The book's non-scalar backward: y = x⊙x with y.backward(ones(4)) computes
// vᵀ∂y/∂x = [0 2 4 6].
func ExampleVJP() {
	x := ad.Arange(0, 4, 1)
	y, vj := ad.VJP(func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) }, x, ad.Ones(4))
	fmt.Println(y, vj)
	// Output: [0 1 4 9] [0 2 4 6]
}

// Forward mode: J·v for A x along v is A v, without forming J.
func ExampleJVP() {
	A := ad.Matrix([]float64{1, 2, 3}, []float64{4, 5, 6})
	f := func(x *ad.Tensor) *ad.Tensor { return ad.MatMul(A, x) }
	y, jv := ad.JVP(f, ad.Vector(1, 1, 1), ad.Vector(1, 0, -1))
	fmt.Println(y, jv)
	// Output: [6 15] [-2 -2]
}

// The Jacobian of Ax is A (numerator layout, the slides), Aᵀ in the
// denominator layout (the book's ∇ₓAx = Aᵀ), and A in the framework layout
// (PyTorch's shape(y) ++ shape(x)). Forward and reverse mode agree.
func ExampleJacobian() {
	A := ad.Matrix([]float64{1, 2, 3}, []float64{4, 5, 6})
	f := func(x *ad.Tensor) *ad.Tensor { return ad.MatMul(A, x) }
	x := ad.Vector(1, 0, -1)
	fmt.Println(ad.Jacobian(f, x))
	fmt.Println(ad.Jacobian(f, x, ad.Denominator))
	fmt.Println(ad.Jacobian(f, x, ad.Framework, ad.Forward))
	fmt.Println(ad.Jacobian(f, x, ad.Reverse).LaTeX())
	// Output:
	// [[1 2 3]
	//  [4 5 6]]
	// [[1 4]
	//  [2 5]
	//  [3 6]]
	// [[1 2 3]
	//  [4 5 6]]
	// $\frac{\partial y}{\partial x} = \begin{bmatrix}1 & 2 & 3\\ 4 & 5 & 6\end{bmatrix}\quad\text{(numerator layout, (2,3))}$
}

// A scalar by a matrix X (n,k): numerator (k,n), denominator and framework
// (n,k). The book's ∇_X ‖X‖²_F = 2X is the denominator layout.
func ExampleLayout() {
	X := ad.Matrix([]float64{1, 2}, []float64{3, 4}, []float64{5, 6})
	for _, l := range []ad.Layout{ad.Numerator, ad.Denominator, ad.Framework} {
		d := ad.Jacobian(ad.Norm2Sq, X, l)
		fmt.Println(l, d.Shape(), d.Data())
	}
	// Output:
	// numerator [2 3] [2 6 10 4 8 12]
	// denominator [3 2] [2 4 6 8 10 12]
	// framework [3 2] [2 4 6 8 10 12]
}

func ExampleLayout_String() {
	fmt.Println(ad.Numerator.String(), ad.Denominator.String(), ad.Framework.String())
	// Output: numerator denominator framework
}

// A Jacobian or Hessian result remembers its layout.
func ExampleTensor_Layout() {
	j := ad.Jacobian(ad.Sin, ad.Vector(1, 2), ad.Framework)
	l, ok := j.Layout()
	fmt.Println(l, ok)
	_, ok = ad.Vector(1, 2).Layout()
	fmt.Println(ok)
	// Output:
	// framework true
	// false
}

// Forward mode costs one tangent per input, reverse mode one adjoint per
// output: a tall Jacobian favours forward, a wide one reverse. The numbers
// agree.
func ExampleMode() {
	A := ad.Matrix([]float64{1, 2}, []float64{3, 4}, []float64{5, 6})
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Tanh(ad.MatMul(A, x)) }
	x := ad.Vector(0.1, -0.2)
	fwd := ad.Jacobian(f, x, ad.Forward)
	rev := ad.Jacobian(f, x, ad.Reverse)
	same := true
	for i, v := range fwd.Data() {
		d := v - rev.Data()[i]
		same = same && d < 1e-15 && d > -1e-15
	}
	fmt.Println(fwd.Shape(), same)
	// Output: [3 2] true
}

func ExampleMode_String() {
	fmt.Println(ad.Auto, ad.Forward, ad.Reverse)
	// Output: auto forward reverse
}

// Options combine: a layout, a mode and a kink policy.
func ExampleOption() {
	opts := []ad.Option{ad.Denominator, ad.Forward, ad.Kink{Abs: 1, ReLU: 0, Max: 0.5}}
	fmt.Println(ad.Jacobian(ad.Abs, ad.Vector(0, -2), opts...).Data())
	// Output: [1 0 0 -1]
}

// The slide's Hessian: x₁² + 2x₂² has Hessian diag(2, 4), exactly.
func ExampleHessian() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Dot(ad.Vector(1, 2), ad.Mul(x, x)) }
	H := ad.Hessian(f, ad.Vector(1, 1))
	fmt.Println(H)
	fmt.Println(H.LaTeX())
	// Output:
	// [[2 0]
	//  [0 4]]
	// $\nabla^2 f = \begin{bmatrix}2 & 0\\ 0 & 4\end{bmatrix}\quad\text{(Hessian, (2,2))}$
}

// DerivShape is the shape table of the lecture.
func ExampleDerivShape() {
	x, v, X := []int(nil), []int{4}, []int{4, 2}
	for _, y := range [][]int{nil, {3}, {3, 5}} {
		fmt.Println(ad.DerivShape(y, x, ad.Numerator), ad.DerivShape(y, v, ad.Numerator), ad.DerivShape(y, X, ad.Numerator))
	}
	fmt.Println(ad.DerivShape(nil, v, ad.Denominator), ad.DerivShape(nil, v, ad.Framework))
	// Output:
	// (1,) (1,4) (2,4)
	// (3,1) (3,4) (3,2,4)
	// (3,5) (3,5,4) (3,5,2,4)
	// (4,1) (4,)
}

// ExplainShape says in one line why a derivative has its shape.
func ExampleExplainShape() {
	y, X := ad.Zeros(3, 5), ad.Zeros(4, 2)
	for _, part := range strings.Split(ad.ExplainShape(y, X), "; ") {
		fmt.Println(part)
	}
	// Output:
	// ∂y/∂x for y (3,5) and x (4,2): numerator (3,5,2,4) = shape(y) then shape(x) reversed (one row per y element, x transposed, as the lecture)
	// denominator (4,2,5,3) = its transpose (the book: a gradient has x's shape)
	// framework (3,5,4,2) = shape(y) then shape(x) (PyTorch, JAX)
}

// CheckGrad compares with gonum's central differences.
func ExampleCheckGrad() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(ad.Sin(x), ad.Exp(x))) }
	gc := ad.CheckGrad(f, ad.Vector(0.5, -1, 2))
	fmt.Println(gc.OK(1e-8), gc.MaxAbs < 1e-8, gc.MaxRel < 1e-8)
	// Output: true true true
}

// Disagreement shows up as a large error. Here AD is right, but |x| has its
// kink within one step h of x₁ = 10⁻⁷, so the central difference there is
// wrong: a failed check means "look closer", not always "AD is wrong".
func ExampleGradCheck() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Abs(x)) }
	gc := ad.CheckGrad(f, ad.Vector(1e-7, 2))
	fmt.Println(gc.Analytic, gc.OK(1e-6))
	// Output: [1 1] false
}

func ExampleGradCheck_OK() {
	gc := ad.CheckGrad(ad.Norm2Sq, ad.Vector(1, 2))
	fmt.Println(gc.OK(1e-8))
	// Output: true
}

func ExampleGradCheck_String() {
	gc := ad.CheckGrad(ad.Norm2Sq, ad.Vector(1, 2))
	fmt.Println(strings.HasPrefix(gc.String(), "gradcheck: max abs error "), strings.HasSuffix(gc.String(), "h = 6e-06, 2 entries)"))
	// Output: true true
}

func ExampleGradCheck_Markdown() {
	md := ad.CheckGrad(ad.Norm2Sq, ad.Vector(1, 2)).Markdown()
	fmt.Println(strings.Split(md, "\n")[0])
	fmt.Println(strings.HasPrefix(strings.Split(md, "\n")[2], "| 0 | 2 | 2"))
	// Output:
	// | entry | AD | central difference | abs error | rel error |
	// true
}

func ExampleGradCheck_HTML() {
	h := ad.CheckGrad(ad.Norm2Sq, ad.Vector(1, 2)).HTML()
	fmt.Println(strings.HasPrefix(h, `<table class="gradbook-gradcheck">`), strings.Count(h, "<tr>"))
	// Output: true 3
}
