package autodiff_test

import (
	"fmt"

	ad "github.com/gradbook/gradbook/autodiff"
)

// The default policy is PyTorch's; another element of the subdifferential
// can be chosen per op.
func ExampleKink() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Abs(x) }
	fmt.Println(ad.DefaultKink)
	fmt.Println(ad.Derivative(f, 0), ad.Derivative(f, 0, ad.Kink{Abs: 1, Max: 0.5}))
	// Output:
	// Kink{Abs: 0, ReLU: 0, Max: 0.5}
	// 0 1
}

func ExampleKink_String() {
	fmt.Println(ad.Kink{Abs: -1, ReLU: 1, Max: 0})
	// Output: Kink{Abs: -1, ReLU: 1, Max: 0}
}

// A derivative that used a subgradient carries a notice.
func ExampleTensor_Kinks() {
	g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.ReLU(x)) }, ad.Vector(-1, 0, 2))
	for _, k := range g.Kinks() {
		fmt.Println(k)
	}
	fmt.Println(len(ad.Grad(ad.Sum, ad.Vector(1, 2)).Kinks()))
	// Output:
	// kink: ReLU at element 1, x = 0: ∂max(x,0) = [0, 1], used 0
	// 0
}

func ExampleKinkHit() {
	g := ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Abs(x)) }, ad.Vector(3, 0), ad.Kink{Abs: -0.3, Max: 0.5})
	h := g.Kinks()[0]
	fmt.Println(h.Op, h.Index, h.At, h.Set, h.Used, h.Set.Contains(h.Used))
	// Output: Abs 1 0 [-1, 1] -0.3 true
}

func ExampleKinkHit_String() {
	fmt.Println(ad.KinkHit{Op: "Abs", Index: 0, Set: ad.Interval{Lo: -1, Hi: 1}, Used: 0.5})
	// Output: kink: Abs at element 0, x = 0: ∂|x| = [-1, 1], used 0.5
}

// relu(x) − relu(−x) is x, so its derivative at 0 is 1; every framework's
// default subgradient gives 0 there. Subdifferential computes the one-sided
// derivatives exactly and finds {1}.
func ExampleSubdifferential() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Sub(ad.ReLU(x), ad.ReLU(ad.Neg(x))) }
	fmt.Println(ad.Derivative(f, 0), ad.Subdifferential(f, 0))
	fmt.Println(ad.Subdifferential(ad.Abs, 0), ad.Subdifferential(ad.Abs, 2))
	// Output:
	// 0 {1}
	// [-1, 1] {1}
}

func ExampleInterval() {
	iv := ad.Subdifferential(ad.ReLU, 0)
	fmt.Println(iv.Lo, iv.Hi)
	// Output: 0 1
}

func ExampleInterval_String() {
	fmt.Println(ad.Interval{Lo: -1, Hi: 1}, ad.Interval{Lo: 2, Hi: 2})
	// Output: [-1, 1] {2}
}

// The slide's two candidate lines through |x| at 0, slopes −0.3 and 0.5,
// are both subgradients; slope 2 is not.
func ExampleInterval_Contains() {
	iv := ad.Subdifferential(ad.Abs, 0)
	fmt.Println(iv.Contains(-0.3), iv.Contains(0.5), iv.Contains(2))
	// Output: true true false
}
