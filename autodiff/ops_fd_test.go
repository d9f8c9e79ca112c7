package autodiff

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// split cuts the vector x into tensors of the given shapes, in order, with
// Slice and Reshape, so that one variable feeds several operands.
func split(x *Tensor, shapes ...[]int) []*Tensor {
	var out []*Tensor
	lo := 0
	for _, s := range shapes {
		n := sizeOf(s)
		out = append(out, Reshape(Slice(x, lo, lo+n), s...))
		lo += n
	}
	return out
}

// randIn returns n values uniform in [lo, hi), away from 0 by at least gap
// when gap > 0 (to stay off kinks and poles).
func randIn(r *rand.Rand, n int, lo, hi, gap float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		for {
			v[i] = lo + (hi-lo)*r.Float64()
			if math.Abs(v[i]) >= gap {
				break
			}
		}
	}
	return v
}

// checkAgainstFD checks the Jacobian of f at x in both modes against
// central differences, and that x was not modified.
func checkAgainstFD(t *testing.T, f Func, x *Tensor, tol float64) {
	t.Helper()
	before := x.Data()
	gc := CheckGrad(f, x)
	if !gc.OK(tol) {
		t.Errorf("reverse mode vs central differences: %v\nAD %v\nFD %v", gc, gc.Analytic, gc.Numeric)
	}
	fw := Jacobian(f, x, Framework, Forward)
	num := gc.Numeric.Data()
	for i, v := range fw.Data() {
		if !near(v, num[i], tol) {
			t.Errorf("forward mode [%d] = %.12g, central difference %.12g", i, v, num[i])
		}
	}
	checkSlice(t, "x after differentiation", x.Data(), before, 0)
}

// TestOpsAgainstFiniteDifferences differentiates every operation on random
// inputs in forward and reverse mode and compares with gonum's central
// differences.
func TestOpsAgainstFiniteDifferences(t *testing.T) {
	t.Parallel()
	v3, v4, m23, m32, m33, sc := []int{3}, []int{4}, []int{2, 3}, []int{3, 2}, []int{3, 3}, []int(nil)
	unary := func(op func(*Tensor) *Tensor) func([]*Tensor) *Tensor {
		return func(a []*Tensor) *Tensor { return op(a[0]) }
	}
	binary := func(op func(a, b *Tensor) *Tensor) func([]*Tensor) *Tensor {
		return func(a []*Tensor) *Tensor { return op(a[0], a[1]) }
	}
	cases := []struct {
		name   string
		shapes [][]int
		lo, hi float64
		gap    float64 // keep inputs this far from 0
		f      func([]*Tensor) *Tensor
	}{
		{"Add", [][]int{v3, v3}, -2, 2, 0, binary(Add)},
		{"Add broadcast", [][]int{sc, v3}, -2, 2, 0, binary(Add)},
		{"Sub", [][]int{v3, v3}, -2, 2, 0, binary(Sub)},
		{"Sub broadcast", [][]int{v3, sc}, -2, 2, 0, binary(Sub)},
		{"Mul", [][]int{m23, m23}, -2, 2, 0, binary(Mul)},
		{"Mul broadcast", [][]int{sc, m23}, -2, 2, 0, binary(Mul)},
		{"Div", [][]int{v3, v3}, -2, 2, 0.3, binary(Div)},
		{"Div broadcast", [][]int{v3, sc}, -2, 2, 0.3, binary(Div)},
		{"Pow", [][]int{v3, v3}, 0.3, 2, 0, binary(Pow)},
		{"Pow integer exponent", [][]int{v3}, -2, 2, 0, func(a []*Tensor) *Tensor { return Pow(a[0], Scalar(3)) }},
		{"Pow square", [][]int{v3}, -2, 2, 0, func(a []*Tensor) *Tensor { return Pow(a[0], Scalar(2)) }},
		{"Pow base constant", [][]int{v3}, -2, 2, 0, func(a []*Tensor) *Tensor { return Pow(Scalar(1.7), a[0]) }},
		{"Max", [][]int{v4, v4}, -2, 2, 0, func(a []*Tensor) *Tensor { return Max(a[0], Add(a[1], Vector(0.5, -0.5, 0.5, -0.5))) }},
		{"Min", [][]int{v4, v4}, -2, 2, 0, func(a []*Tensor) *Tensor { return Min(a[0], Add(a[1], Vector(0.5, -0.5, 0.5, -0.5))) }},
		{"Neg", [][]int{v3}, -2, 2, 0, unary(Neg)},
		{"Exp", [][]int{v3}, -2, 2, 0, unary(Exp)},
		{"Log", [][]int{v3}, 0.2, 3, 0, unary(Log)},
		{"Sin", [][]int{v3}, -3, 3, 0, unary(Sin)},
		{"Cos", [][]int{v3}, -3, 3, 0, unary(Cos)},
		{"Tanh", [][]int{v3}, -2, 2, 0, unary(Tanh)},
		{"Sigmoid", [][]int{v3}, -4, 4, 0, unary(Sigmoid)},
		{"Sqrt", [][]int{v3}, 0.2, 3, 0, unary(Sqrt)},
		{"Abs", [][]int{v4}, -2, 2, 0.05, unary(Abs)},
		{"ReLU", [][]int{v4}, -2, 2, 0.05, unary(ReLU)},
		{"Sum", [][]int{m23}, -2, 2, 0, unary(Sum)},
		{"Norm2Sq", [][]int{m23}, -2, 2, 0, unary(Norm2Sq)},
		{"Dot", [][]int{v4, v4}, -2, 2, 0, binary(Dot)},
		{"MatMul matrix·matrix", [][]int{m23, m32}, -2, 2, 0, binary(MatMul)},
		{"MatMul matrix·vector", [][]int{m23, v3}, -2, 2, 0, binary(MatMul)},
		{"MatMul vector·matrix", [][]int{v3, m32}, -2, 2, 0, binary(MatMul)},
		{"MatMul square", [][]int{m33, m33}, -2, 2, 0, binary(MatMul)},
		{"Transpose matrix", [][]int{m23}, -2, 2, 0, unary(Transpose)},
		{"Transpose vector", [][]int{v3}, -2, 2, 0, unary(Transpose)},
		{"Transpose rank 3", [][]int{{2, 3, 2}}, -2, 2, 0, unary(Transpose)},
		{"Reshape", [][]int{m23}, -2, 2, 0, func(a []*Tensor) *Tensor { return Reshape(a[0], 3, -1) }},
		{"Slice", [][]int{{4, 2}}, -2, 2, 0, func(a []*Tensor) *Tensor { return Slice(a[0], 1, 3) }},
		{"Index", [][]int{m32}, -2, 2, 0, func(a []*Tensor) *Tensor { return Index(a[0], 2) }},
		{"Checkpoint", [][]int{v3}, -2, 2, 0, func(a []*Tensor) *Tensor {
			return Checkpoint(func(x *Tensor) *Tensor { return Mul(Sin(x), Exp(x)) })(a[0])
		}},
	}
	r := rand.New(rand.NewPCG(3, 1))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := 0
			for _, s := range c.shapes {
				n += sizeOf(s)
			}
			for trial := 0; trial < 5; trial++ {
				x := Vector(randIn(r, n, c.lo, c.hi, c.gap)...)
				f := func(x *Tensor) *Tensor { return c.f(split(x, c.shapes...)) }
				t.Run(fmt.Sprint(trial), func(t *testing.T) { checkAgainstFD(t, f, x, 1e-7) })
			}
		})
	}
}
