package autodiff_test

import (
	"errors"
	"fmt"

	ad "github.com/gradbook/gradbook/autodiff"
)

// The autograd chapter: x = arange(4), y = 2xᵀx = 28, y.backward() gives
// x.grad = 4x.
func ExampleTensor_Backward() {
	x := ad.Arange(0, 4, 1).RequiresGrad()
	y := ad.Mul(ad.Scalar(2), ad.Dot(x, x))
	y.Backward()
	fmt.Println(y, x.Grad())
	// Output: 28 [0 4 8 12]
}

func ExampleTensor_RequiresGrad() {
	x := ad.Vector(1, 2).RequiresGrad()
	c := ad.Vector(3, 4) // a constant: no gradient
	y := ad.Dot(x, c)
	fmt.Println(x.IsRecorded(), c.IsRecorded(), y.IsRecorded())
	y.Backward()
	fmt.Println(x.Grad(), c.Grad())
	// Output:
	// true false true
	// [3 4] <nil: no gradient yet, call Backward first>
}

func ExampleTensor_IsRecorded() {
	x := ad.Scalar(2).RequiresGrad()
	fmt.Println(ad.Sin(x).IsRecorded(), ad.Sin(ad.Scalar(2)).IsRecorded(), ad.Sin(x.Detach()).IsRecorded())
	// Output: true false false
}

// Gradients add up across Backward calls, as in PyTorch; the book calls
// x.grad.zero_() before x.sum().backward().
func ExampleTensor_Grad() {
	x := ad.Arange(0, 4, 1).RequiresGrad()
	ad.Sum(x).Backward()
	ad.Sum(x).Backward()
	fmt.Println(x.Grad())
	// Output: [2 2 2 2]
}

func ExampleTensor_ZeroGrad() {
	x := ad.Arange(0, 4, 1).RequiresGrad()
	ad.Mul(ad.Scalar(2), ad.Dot(x, x)).Backward()
	fmt.Println(x.Grad())
	x.ZeroGrad()
	ad.Sum(x).Backward()
	fmt.Println(x.Grad())
	// Output:
	// [0 4 8 12]
	// [1 1 1 1]
}

// The autograd chapter's detach: u = (x·x).detach(), z = u·x gives
// ∂z/∂x = u, not 3x².
func ExampleTensor_Detach() {
	x := ad.Arange(0, 4, 1).RequiresGrad()
	u := ad.Mul(x, x).Detach()
	z := ad.Mul(u, x)
	ad.Sum(z).Backward()
	fmt.Println(u, x.Grad())
	// Output: [0 1 4 9] [0 1 4 9]
}

// Misuse of reverse mode is an error that says what to do, testable with
// errors.Is.
func ExampleTensor_TryBackward() {
	x := ad.Arange(0, 4, 1).RequiresGrad()
	y := ad.Mul(x, x)
	err := y.TryBackward() // y is a vector
	fmt.Println(errors.Is(err, ad.ErrNotScalar))

	s := ad.Sum(y)
	fmt.Println(s.TryBackward())
	err = s.TryBackward() // the graph was freed by the first Backward
	fmt.Println(errors.Is(err, ad.ErrFreed))

	err = ad.Sum(ad.Vector(1, 2)).TryBackward() // nothing requires grad
	fmt.Println(errors.Is(err, ad.ErrNoGraph))
	// Output:
	// true
	// <nil>
	// true
	// true
}

// The error for a non-scalar output explains the vector–Jacobian product.
func ExampleTensor_TryBackward_message() {
	x := ad.Vector(1, 2).RequiresGrad()
	fmt.Println(ad.Mul(x, x).TryBackward())
	// Output:
	// autodiff: Backward from a non-scalar: Backward needs a scalar output, and this one has shape (2,1).
	// The derivative of a vector or matrix output is a Jacobian, not a gradient: reverse mode computes one vector–Jacobian product vᵀJ per pass. Use Sum(y).Backward() for v = 1 (PyTorch's y.backward(ones)), VJP(f, x, v) for another v, or Jacobian(f, x) for all of J
}

// The appendix's backprop by hand: f(u,v) = (u+v)², u = (a+b)², v = (a−b)²,
// a = (w+x+y+z)², b = (w+x−y−z)² at (−1, 0, −2, 1) gives f = 1024 and every
// partial derivative −4096.
func ExampleTensor_Backward_byHand() {
	w, x := ad.Scalar(-1).RequiresGrad(), ad.Scalar(0).RequiresGrad()
	y, z := ad.Scalar(-2).RequiresGrad(), ad.Scalar(1).RequiresGrad()
	two := ad.Scalar(2)
	a := ad.Pow(w.Add(x).Add(y).Add(z), two)
	b := ad.Pow(w.Add(x).Sub(y).Sub(z), two)
	u := ad.Pow(a.Add(b), two)
	v := ad.Pow(a.Sub(b), two)
	f := ad.Pow(u.Add(v), two)
	f.Backward()
	fmt.Println(f, w.Grad(), x.Grad(), y.Grad(), z.Grad())
	// Output: 1024 -4096 -4096 -4096 -4096
}

// micrograd's README example as a regression test.
func ExampleTensor_Backward_micrograd() {
	s := ad.Scalar
	a, b := s(-4).RequiresGrad(), s(2).RequiresGrad()
	c := a.Add(b)
	d := a.Mul(b).Add(b.Pow(s(3)))
	c = c.Add(c.Add(s(1)))
	c = c.Add(s(1).Add(c).Sub(a))
	d = d.Add(d.Mul(s(2)).Add(b.Add(a).ReLU()))
	d = d.Add(s(3).Mul(d).Add(b.Sub(a).ReLU()))
	e := c.Sub(d)
	f := e.Pow(s(2))
	g := f.Div(s(2)).Add(s(10).Div(f))
	g.Backward()
	fmt.Printf("g = %.4f, dg/da = %.4f, dg/db = %.4f\n", g.Item(), a.Grad().Item(), b.Grad().Item())
	// Output: g = 24.7041, dg/da = 138.8338, dg/db = 645.5773
}

// The rematerialization of the lecture: a chain of 64 sin(c·y) steps cut
// into 8 checkpointed segments stores 8 values instead of 128 and gives the
// same derivative.
func ExampleCheckpoint() {
	c := ad.Scalar(1.0001)
	step := func(y *ad.Tensor) *ad.Tensor { return ad.Sin(ad.Mul(c, y)) }
	segment := func(y *ad.Tensor) *ad.Tensor {
		for i := 0; i < 8; i++ {
			y = step(y)
		}
		return y
	}
	plain := func(y *ad.Tensor) *ad.Tensor {
		for i := 0; i < 8; i++ {
			y = segment(y)
		}
		return y
	}
	seg := ad.Checkpoint(segment)
	ckpt := func(y *ad.Tensor) *ad.Tensor {
		for i := 0; i < 8; i++ {
			y = seg(y)
		}
		return y
	}
	for _, f := range []ad.Func{plain, ckpt} {
		y0 := ad.Scalar(0.5).RequiresGrad()
		y := f(y0)
		st := y.TapeStats()
		y.Backward()
		fmt.Printf("%d nodes, %d floats stored, dy/dy0 = %.10f\n", st.Nodes, st.Floats, y0.Grad().Item())
	}
	// Output:
	// 129 nodes, 129 floats stored, dy/dy0 = 0.0585302042
	// 9 nodes, 9 floats stored, dy/dy0 = 0.0585302042
}

// TapeStats counts what reverse mode keeps for Backward: O(n) in the number
// of operations.
func ExampleTensor_TapeStats() {
	x := ad.Vector(1, 2, 3).RequiresGrad()
	y := ad.Sum(ad.Sin(ad.Mul(x, x)))
	fmt.Printf("%+v\n", y.TapeStats())
	y.Backward()
	fmt.Printf("%+v\n", y.TapeStats()) // freed
	// Output:
	// {Nodes:4 Floats:10}
	// {Nodes:0 Floats:0}
}

// TapeStats is the size of the graph behind a tensor.
func ExampleTapeStats() {
	y := ad.Scalar(0.5).RequiresGrad()
	for i := 0; i < 1000; i++ {
		y = ad.Sin(y)
	}
	fmt.Println(y.TapeStats().Nodes)
	// Output: 1001
}
