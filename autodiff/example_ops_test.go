package autodiff_test

import (
	"fmt"
	"math"

	ad "github.com/gradbook/gradbook/autodiff"
)

// show prints a value and its derivative at x = 0.8 in forward and reverse
// mode.
func show(name string, f ad.Func) {
	x := 0.8
	fmt.Printf("%s(0.8) = %.6f, derivative %.6f (reverse %.6f)\n", name, f(ad.Scalar(x)).Item(),
		ad.Derivative(f, x), ad.Grad(f, ad.Scalar(x)).Item())
}

// A one-element operand is broadcast: x + 1.
func ExampleAdd() {
	x := ad.Vector(1, 2, 3)
	fmt.Println(ad.Add(x, ad.Scalar(1)))
	fmt.Println(ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Add(x, x)) }, x))
	// Output:
	// [2 3 4]
	// [2 2 2]
}

func ExampleSub() {
	a, b := ad.Vector(5, 7), ad.Vector(1, 2)
	fmt.Println(ad.Sub(a, b))
	fmt.Println(ad.Grad(func(b *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Sub(a, b)) }, b))
	// Output:
	// [4 5]
	// [-1 -1]
}

// The autograd chapter: y = 2·x·x for x = arange(4) is 28, and its gradient
// is 4x.
func ExampleMul() {
	x := ad.Arange(0, 4, 1)
	y := func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(ad.Mul(ad.Scalar(2), x), x)) }
	fmt.Println(y(x), ad.Grad(y, x))
	// Output: 28 [0 4 8 12]
}

// ∂(a/b)/∂b = −a/b².
func ExampleDiv() {
	f := func(b *ad.Tensor) *ad.Tensor { return ad.Div(ad.Scalar(3), b) }
	fmt.Printf("%.4f %.4f\n", f(ad.Scalar(2)).Item(), ad.Derivative(f, 2))
	// Output: 1.5000 -0.7500
}

// The scalar rule d/dx xⁿ = n xⁿ⁻¹, and the exponent as the variable.
func ExamplePow() {
	show("x⁵", func(x *ad.Tensor) *ad.Tensor { return ad.Pow(x, ad.Scalar(5)) })
	show("2ˣ", func(x *ad.Tensor) *ad.Tensor { return ad.Pow(ad.Scalar(2), x) })
	// Output:
	// x⁵(0.8) = 0.327680, derivative 2.048000 (reverse 2.048000)
	// 2ˣ(0.8) = 1.741101, derivative 1.206839 (reverse 1.206839)
}

// The derivative of a maximum goes to the larger operand; a tie splits it.
func ExampleMax() {
	a := ad.Vector(1, 5, 3)
	f := func(a *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Max(a, ad.Scalar(3))) }
	fmt.Println(ad.Max(a, ad.Scalar(3)))
	g := ad.Grad(f, a)
	fmt.Println(g.Data())
	fmt.Println(g.Kinks()[0])
	// Output:
	// [3 5 3]
	// [0 1 0.5]
	// kink: Max tie at element 2, a = b = 3: any split (t, 1−t) with t ∈ [0, 1], used t = 0.5
}

// The second-price auction of the autograd chapter: the price is the
// second-highest bid, and the winner's own bid does not move it.
func ExampleMin() {
	price := func(b *ad.Tensor) *ad.Tensor {
		p, q, r := b.Index(0), b.Index(1), b.Index(2)
		return ad.Max(ad.Max(ad.Min(p, q), ad.Min(p, r)), ad.Min(q, r))
	}
	bids := ad.Vector(3, 2, 1)
	fmt.Println(price(bids), ad.Grad(price, bids))
	// Output: 2 [0 1 0]
}

func ExampleNeg() {
	fmt.Println(ad.Neg(ad.Vector(1, -2)), ad.Derivative(ad.Neg, 3))
	// Output: [-1 2] -1
}

func ExampleExp() {
	show("exp", ad.Exp)
	// Output: exp(0.8) = 2.225541, derivative 2.225541 (reverse 2.225541)
}

func ExampleLog() {
	show("log", ad.Log)
	// Output: log(0.8) = -0.223144, derivative 1.250000 (reverse 1.250000)
}

// The book's exercise: plot sin and its derivative, cos.
func ExampleSin() {
	show("sin", ad.Sin)
	fmt.Printf("cos(0.8) = %.6f\n", math.Cos(0.8))
	// Output:
	// sin(0.8) = 0.717356, derivative 0.696707 (reverse 0.696707)
	// cos(0.8) = 0.696707
}

func ExampleCos() {
	show("cos", ad.Cos)
	// Output: cos(0.8) = 0.696707, derivative -0.717356 (reverse -0.717356)
}

func ExampleTanh() {
	show("tanh", ad.Tanh)
	// Output: tanh(0.8) = 0.664037, derivative 0.559055 (reverse 0.559055)
}

func ExampleSigmoid() {
	show("σ", ad.Sigmoid)
	// Output: σ(0.8) = 0.689974, derivative 0.213910 (reverse 0.213910)
}

// √x has derivative 1/(2√x), which is +Inf at 0.
func ExampleSqrt() {
	show("√", ad.Sqrt)
	fmt.Println(ad.Derivative(ad.Sqrt, 0))
	// Output:
	// √(0.8) = 0.894427, derivative 0.559017 (reverse 0.559017)
	// +Inf
}

// |x| at 0: the default subgradient is 0 (as PyTorch); the subdifferential
// is [−1, 1].
func ExampleAbs() {
	x := ad.Vector(-2, 0, 3)
	g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Abs(x)) }, x)
	fmt.Println(ad.Abs(x), g.Data())
	fmt.Println(ad.Subdifferential(ad.Abs, 0))
	// Output:
	// [2 0 3] [-1 0 1]
	// [-1, 1]
}

// ReLU at 0: the default subgradient is 0 (as PyTorch's relu); the
// subdifferential is [0, 1].
func ExampleReLU() {
	x := ad.Vector(-1, 0, 2)
	g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.ReLU(x)) }, x)
	fmt.Println(ad.ReLU(x), g.Data())
	fmt.Println(ad.Subdifferential(ad.ReLU, 0))
	// Output:
	// [0 0 2] [0 0 1]
	// [0, 1]
}

// ∂sum(x)/∂x = 1ᵀ: the book's x.sum().backward() gives ones.
func ExampleSum() {
	x := ad.Arange(0, 4, 1)
	fmt.Println(ad.Sum(x), ad.Grad(ad.Sum, x))
	// Output: 6 [1 1 1 1]
}

// ∂‖x‖²/∂x = 2xᵀ.
func ExampleNorm2Sq() {
	x := ad.Vector(1, -2, 3)
	fmt.Println(ad.Norm2Sq(x), ad.Grad(ad.Norm2Sq, x))
	// Output: 14 [2 -4 6]
}

// ∂⟨x,w⟩/∂w = xᵀ.
func ExampleDot() {
	x := ad.Vector(1, 2, 3)
	f := func(w *ad.Tensor) *ad.Tensor { return ad.Dot(x, w) }
	fmt.Println(f(ad.Vector(0.2, -0.4, 0.7)), ad.Jacobian(f, ad.Vector(0.2, -0.4, 0.7)))
	// Output: 1.5 [1 2 3]
}

// Matrix·vector and matrix·matrix. The Jacobian of Ax is A (the slide's
// fixture, A 2×3).
func ExampleMatMul() {
	A := ad.Matrix([]float64{1, 2, 3}, []float64{4, 5, 6})
	x := ad.Vector(1, 0, -1)
	fmt.Println(ad.MatMul(A, x))
	fmt.Println(ad.MatMul(A, ad.Transpose(A)))
	fmt.Println(ad.Jacobian(func(x *ad.Tensor) *ad.Tensor { return ad.MatMul(A, x) }, x))
	// Output:
	// [-2 -2]
	// [[14 32]
	//  [32 77]]
	// [[1 2 3]
	//  [4 5 6]]
}

// A vector (n,1) transposes to the row (1,n).
func ExampleTranspose() {
	fmt.Println(ad.Transpose(ad.Matrix([]float64{1, 2, 3}, []float64{4, 5, 6})))
	r := ad.Transpose(ad.Vector(1, 2, 3))
	fmt.Println(r, ad.FormatShape(r.Shape()))
	// Output:
	// [[1 4]
	//  [2 5]
	//  [3 6]]
	// [[1 2 3]] (1,3)
}

// One dimension may be −1 and is inferred.
func ExampleReshape() {
	fmt.Println(ad.Reshape(ad.Arange(0, 6, 1), 2, -1))
	// Output:
	// [[0 1 2]
	//  [3 4 5]]
}

// The adjoint of a slice is scattered back into the sliced tensor.
func ExampleSlice() {
	x := ad.Vector(1, 2, 3, 4)
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Norm2Sq(ad.Slice(x, 1, 3)) }
	fmt.Println(ad.Slice(x, 1, 3), ad.Grad(f, x))
	// Output: [2 3] [0 4 6 0]
}

func ExampleIndex() {
	A := ad.Matrix([]float64{1, 2}, []float64{3, 4})
	fmt.Println(ad.Index(A, 1), ad.Index(ad.Vector(5, 6), 0).Shape())
	// Output: [3 4] []
}

// The methods read left to right: x.Mul(w).Sum() is Sum(Mul(x, w)).
func ExampleTensor_Mul() {
	x, w := ad.Vector(1, 2, 3), ad.Vector(0.2, -0.4, 0.7)
	fmt.Printf("%.2f\n", x.Mul(w).Sum().Item())
	// Output: 1.50
}

func ExampleTensor_Add() {
	fmt.Println(ad.Vector(1, 2).Add(ad.Vector(10, 20)))
	// Output: [11 22]
}

func ExampleTensor_Sub() {
	fmt.Println(ad.Vector(1, 2).Sub(ad.Scalar(1)))
	// Output: [0 1]
}

func ExampleTensor_Div() {
	fmt.Println(ad.Vector(1, 2).Div(ad.Scalar(4)))
	// Output: [0.25 0.5]
}

func ExampleTensor_Pow() {
	fmt.Println(ad.Vector(1, 2, 3).Pow(ad.Scalar(2)))
	// Output: [1 4 9]
}

func ExampleTensor_Max() {
	fmt.Println(ad.Vector(-1, 2).Max(ad.Scalar(0)))
	// Output: [0 2]
}

func ExampleTensor_Neg() {
	fmt.Println(ad.Vector(1, -2).Neg())
	// Output: [-1 2]
}

func ExampleTensor_Exp() {
	fmt.Println(ad.Vector(0, 1).Exp())
	// Output: [1 2.71828]
}

func ExampleTensor_Log() {
	fmt.Println(ad.Vector(1, math.E).Log())
	// Output: [0 1]
}

func ExampleTensor_Sin() {
	fmt.Println(ad.Vector(0, math.Pi/2).Sin())
	// Output: [0 1]
}

func ExampleTensor_Cos() {
	fmt.Println(ad.Vector(0, math.Pi).Cos())
	// Output: [1 -1]
}

func ExampleTensor_Tanh() {
	fmt.Println(ad.Vector(0, 1).Tanh())
	// Output: [0 0.761594]
}

func ExampleTensor_Sigmoid() {
	fmt.Println(ad.Vector(0, 2).Sigmoid())
	// Output: [0.5 0.880797]
}

func ExampleTensor_Sqrt() {
	fmt.Println(ad.Vector(4, 9).Sqrt())
	// Output: [2 3]
}

func ExampleTensor_Abs() {
	fmt.Println(ad.Vector(-1.5, 2).Abs())
	// Output: [1.5 2]
}

func ExampleTensor_ReLU() {
	fmt.Println(ad.Vector(-1.5, 2).ReLU())
	// Output: [0 2]
}

func ExampleTensor_Sum() {
	fmt.Println(ad.Matrix([]float64{1, 2}, []float64{3, 4}).Sum())
	// Output: 10
}

func ExampleTensor_Dot() {
	fmt.Println(ad.Vector(1, 2, 3).Dot(ad.Vector(4, 5, 6)))
	// Output: 32
}

func ExampleTensor_MatMul() {
	fmt.Println(ad.Matrix([]float64{1, 2}, []float64{3, 4}).MatMul(ad.Vector(1, 1)))
	// Output: [3 7]
}

func ExampleTensor_T() {
	fmt.Println(ad.Matrix([]float64{1, 2}, []float64{3, 4}).T())
	// Output:
	// [[1 3]
	//  [2 4]]
}

func ExampleTensor_Reshape() {
	fmt.Println(ad.Vector(1, 2, 3, 4).Reshape(2, 2))
	// Output:
	// [[1 2]
	//  [3 4]]
}

func ExampleTensor_Norm2Sq() {
	fmt.Println(ad.Vector(3, 4).Norm2Sq())
	// Output: 25
}

func ExampleTensor_Slice() {
	fmt.Println(ad.Vector(1, 2, 3, 4).Slice(2, 4))
	// Output: [3 4]
}

func ExampleTensor_Index() {
	fmt.Println(ad.Vector(1, 2, 3).Index(2))
	// Output: 3
}
