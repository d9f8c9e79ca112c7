package autodiff_test

import (
	"fmt"
	"strings"

	ad "github.com/gradbook/gradbook/autodiff"
)

// example1 traces the lecture's Example 1, z = (⟨x,w⟩ − y)², in w, with the
// steps a = ⟨x,w⟩, b = a − y, z = b² named as on the slide.
func example1() *ad.Tape {
	x, y := ad.Vector(1, 2, 3).Named("x"), ad.Scalar(0.5).Named("y")
	z := func(w *ad.Tensor) *ad.Tensor {
		a := ad.Dot(x, w).Named("a")
		b := ad.Sub(a, y).Named("b")
		return ad.Pow(b, ad.Scalar(2)).Named("z")
	}
	return ad.Trace(z, ad.Vector(0.2, -0.4, 0.7).Named("w")).DimName(3, "n")
}

// The lecture's reverse walk-through: the forward pass stores a, b and z;
// the backward pass computes ∂z/∂b = 2b, then ∂z/∂a = ∂z/∂b · ∂b/∂a, then
// ∂z/∂w = ∂z/∂a · ∂a/∂w with ∂a/∂w = xᵀ (not the slide's misprinted wᵀ).
func ExampleTrace() {
	fmt.Print(example1())
	// Output:
	// forward pass
	// #  name  op     computed as       shape  value
	// 0  w     input  w (the variable)  (n,1)  [0.2 -0.4 0.7]
	// 1  a     Dot    a = ⟨x, w⟩        (1,)   1.5
	// 2  b     Sub    b = a − y         (1,)   1
	// 3  z     Pow    z = b²            (1,)   1
	//
	// backward pass
	// #  adjoint of  adjoint  local rule  chain rule
	// 3  z           1        ∂z/∂z = 1   ∂z/∂z = 1
	// 2  b           2        ∂z/∂b = 2b  ∂z/∂b = 2b
	// 1  a           2        ∂b/∂a = 1   ∂z/∂a = ∂z/∂b · ∂b/∂a
	// 0  w           [2 4 6]  ∂a/∂w = xᵀ  ∂z/∂w = ∂z/∂a · ∂a/∂w
	//
	// constants: x (n,1) = [1 2 3], y (1,) = 0.5
	// gradient: ∇f = [2 4 6]
	// chain rule:
	// ∂z/∂w = 2b · 1 · xᵀ
	// (1,n) = (1,)(1,)(1,n)
}

// The rows are data too.
func ExampleTape() {
	tp := example1()
	for _, r := range tp.Forward {
		fmt.Println(r.Index, r.Name, "=", r.Expr, r.Inputs)
	}
	for _, r := range tp.Backward {
		fmt.Println(r.Index, r.Name, r.Adjoint, r.Rules)
	}
	fmt.Println(tp.Output, tp.Grad, tp.Err)
	// Output:
	// 0 w = input []
	// 1 a = ⟨x, w⟩ [x w]
	// 2 b = a − y [a y]
	// 3 z = b² [b 2]
	// 3 z 1 [∂z/∂z = 1]
	// 2 b 2 [∂z/∂b = 2b]
	// 1 a 2 [∂b/∂a = 1]
	// 0 w [2 4 6] [∂a/∂w = xᵀ]
	// 1 [2 4 6] <nil>
}

func ExampleForwardRow() {
	r := example1().Forward[1]
	fmt.Printf("#%d %s = %s: op %s, shape %v, value %v\n", r.Index, r.Name, r.Expr, r.Op, r.Shape, r.Value)
	// Output: #1 a = ⟨x, w⟩: op Dot, shape [], value 1.5
}

func ExampleBackwardRow() {
	r := example1().Backward[2]
	fmt.Printf("#%d %s: adjoint %v, from %s, local rule %s\n", r.Index, r.Name, r.Adjoint, r.Chain, r.Rules[0])
	// Output: #1 a: adjoint 2, from ∂z/∂a = ∂z/∂b · ∂b/∂a, local rule ∂b/∂a = 1
}

// The symbolic chain rule of Example 1, with the shape of every factor, as
// on the slide: (1,n) = (1,)(1,)(1,n).
func ExampleTape_ChainRule() {
	fmt.Println(example1().ChainRule())
	// Output:
	// ∂z/∂w = 2b · 1 · xᵀ
	// (1,n) = (1,)(1,)(1,n)
}

// The lecture's Example 2, z = ‖Xw − y‖²: ∂z/∂w = 2bᵀ · I · X.
func ExampleTape_ChainRule_example2() {
	X := ad.Matrix([]float64{1, 2}, []float64{3, 4}, []float64{5, 6}).Named("X")
	y := ad.Vector(1, 0, -1).Named("y")
	z := func(w *ad.Tensor) *ad.Tensor {
		a := ad.MatMul(X, w).Named("a")
		b := ad.Sub(a, y).Named("b")
		return ad.Norm2Sq(b).Named("z")
	}
	tp := ad.Trace(z, ad.Vector(0.5, -0.25).Named("w")).DimName(3, "m").DimName(2, "n")
	fmt.Println(tp.ChainRule())
	// Output:
	// ∂z/∂w = 2bᵀ · I · X
	// (1,n) = (1,m)(m,m)(m,n)
}

// A value used twice contributes along both paths.
func ExampleTape_ChainRule_reuse() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Mul(ad.Sin(x).Named("u"), x).Named("y") }
	fmt.Println(ad.Trace(f, ad.Scalar(0.7)).ChainRule())
	// Output:
	// ∂y/∂x = x · cos(x) + u
	// (1,) = (1,)(1,) + (1,)
}

func ExampleTape_ChainRuleOf() {
	tp := example1()
	fmt.Println(tp.ChainRuleOf("a"))
	fmt.Println(tp.ChainRuleOf("c"))
	// Output:
	// ∂z/∂a = 2b · 1
	// (1,) = (1,)(1,)
	// no value named "c" on the tape; the names are w, a, b, z
}

// Without DimName the shapes have their sizes.
func ExampleTape_DimName() {
	x := ad.Vector(1, 2, 3).Named("x")
	f := func(w *ad.Tensor) *ad.Tensor { return ad.Dot(x, w).Named("a") }
	tp := ad.Trace(f, ad.Vector(0.2, -0.4, 0.7).Named("w"))
	fmt.Println(tp.ChainRule())
	fmt.Println(tp.DimName(3, "n").ChainRule())
	// Output:
	// ∂a/∂w = xᵀ
	// (1,3) = (1,3)
	// ∂a/∂w = xᵀ
	// (1,n) = (1,n)
}

func ExampleTape_Markdown() {
	md := example1().Markdown()
	fmt.Println(strings.Join(strings.Split(md, "\n")[:8], "\n"))
	// Output:
	// **forward pass**
	//
	// | # | name | op | computed as | shape | value |
	// |---|---|---|---|---|---|
	// | 0 | w | input | w (the variable) | (n,1) | [0.2 -0.4 0.7] |
	// | 1 | a | Dot | a = ⟨x, w⟩ | (1,) | 1.5 |
	// | 2 | b | Sub | b = a − y | (1,) | 1 |
	// | 3 | z | Pow | z = b² | (1,) | 1 |
}

func ExampleTape_HTML() {
	h := example1().HTML()
	fmt.Println(strings.Count(h, "<table"), strings.Contains(h, "<td>∂z/∂b = 2b</td>"), strings.Contains(h, "<svg"))
	// Output: 2 true true
}

func ExampleTape_LaTeX() {
	fmt.Println(example1().LaTeX())
	// Output:
	// $$\begin{aligned}
	// w &= \begin{bmatrix}0.2\\ -0.4\\ 0.7\end{bmatrix} \\
	// a &= \langle x, w\rangle  = 1.5 \\
	// b &= a - y = 1 \\
	// z &= b^{2} = 1 \\[6pt]
	// \frac{\partial z}{\partial b} &= 2b = 2 \\
	// \frac{\partial z}{\partial a} &= \frac{\partial z}{\partial b} \cdot  \frac{\partial b}{\partial a}\quad(\frac{\partial b}{\partial a} = 1) = 2 \\
	// \frac{\partial z}{\partial w} &= \frac{\partial z}{\partial a} \cdot  \frac{\partial a}{\partial w}\quad(\frac{\partial a}{\partial w} = x^{\top}) = \begin{bmatrix}2\\ 4\\ 6\end{bmatrix} \\[6pt]
	// \underbrace{\frac{\partial z}{\partial w}}_{(1,n)} &= \underbrace{2b}_{(1,)}\cdot \underbrace{1}_{(1,)}\cdot \underbrace{x^{\top}}_{(1,n)}
	// \end{aligned}$$
}

// The graph in Graphviz's language: each edge carries the local derivative
// the reverse pass multiplies by.
func ExampleTape_DOT() {
	for _, l := range strings.Split(example1().DOT(), "\n") {
		if strings.Contains(l, "->") {
			fmt.Println(strings.TrimSpace(l))
		}
	}
	// Output:
	// c0 -> n1 [style=dashed];
	// n0 -> n1 [label="xᵀ"];
	// n1 -> n2 [label="1"];
	// c1 -> n2 [style=dashed];
	// n2 -> n3 [label="2b"];
	// c2_3_1 -> n3 [style=dashed];
}

// The graph laid out by Graphviz, as SVG.
func ExampleTape_SVG() {
	svg := example1().SVG()
	fmt.Println(strings.HasPrefix(svg, "<svg"), strings.Count(svg, `class="node"`), strings.Count(svg, `class="edge"`))
	// Output: true 7 6
}

// What the notebook shows.
func ExampleTape_MimeBundle() {
	b := example1().MimeBundle()
	for _, k := range []string{"text/html", "image/svg+xml", "text/markdown", "text/latex", "text/plain"} {
		_, ok := b[k].(string)
		fmt.Println(k, ok)
	}
	// Output:
	// text/html true
	// image/svg+xml true
	// text/markdown true
	// text/latex true
	// text/plain true
}

func ExampleTape_String() {
	tp := ad.Trace(ad.Sin, ad.Vector(0, 1))
	fmt.Print(tp.String())
	// Output:
	// forward pass
	// #  name  op     computed as       shape  value
	// 0  x     input  x (the variable)  (2,1)  [0 1]
	// 1  v1    Sin    v1 = sin(x)       (2,1)  [0 0.841471]
	//
	// autodiff: Backward from a non-scalar: Trace needs a scalar output, and this one has shape (2,1).
	// The derivative of a vector or matrix output is a Jacobian, not a gradient: reverse mode computes one vector–Jacobian product vᵀJ per pass. Use Sum(y).Backward() for v = 1 (PyTorch's y.backward(ones)), VJP(f, x, v) for another v, or Jacobian(f, x) for all of J
}
