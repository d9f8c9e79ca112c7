package autodiff

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// quadSin is x₁² + 2x₂² + sin(x₁x₂), whose Hessian is not constant.
func quadSin(x *Tensor) *Tensor {
	a, b := x.Index(0), x.Index(1)
	return Add(Add(Mul(a, a), Mul(Scalar(2), Mul(b, b))), Sin(Mul(a, b)))
}

// TestJacobianOfGrad checks that the Jacobian of a gradient is the
// Hessian, forward over reverse, in Auto and Forward mode, and that JVP
// of a gradient is a Hessian–vector product.
func TestJacobianOfGrad(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 5 {
		x := Vector(r.NormFloat64(), r.NormFloat64())
		grad := func(x *Tensor) *Tensor { return Grad(quadSin, x) }
		want := Hessian(quadSin, x)
		checkSlice(t, "Jacobian(Grad) (Auto)", Jacobian(grad, x).Data(), want.Data(), 1e-12)
		checkSlice(t, "Jacobian(Grad, Forward)", Jacobian(grad, x, Forward).Data(), want.Data(), 1e-12)
		v := Vector(r.NormFloat64(), r.NormFloat64())
		_, hv := JVP(grad, x, v)
		checkSlice(t, "JVP(Grad) = H·v", hv.Data(), MatMul(want, v).Data(), 1e-12)
	}
	// The lecture's fixture: ∇(x₁² + 2x₂²) has Jacobian diag(2, 4).
	f := func(x *Tensor) *Tensor {
		return Add(Mul(x.Index(0), x.Index(0)), Mul(Scalar(2), Mul(x.Index(1), x.Index(1))))
	}
	checkSlice(t, "Jacobian of ∇(x₁²+2x₂²)", Jacobian(func(x *Tensor) *Tensor { return Grad(f, x) }, Vector(1, 1)).Data(),
		[]float64{2, 0, 0, 4}, 0)
}

// panicMessage runs call and returns the string it panicked with, or "".
func panicMessage(call func()) (msg string) {
	defer func() { msg, _ = recover().(string) }()
	call()
	return ""
}

// TestNestedReverseRefused checks that reverse mode refuses, clearly,
// to differentiate a function that returns a gradient of its input,
// rather than returning zeros.
func TestNestedReverseRefused(t *testing.T) {
	grad := func(x *Tensor) *Tensor { return Grad(quadSin, x) }
	for name, call := range map[string]func(){
		"Jacobian Reverse": func() { Jacobian(grad, Vector(1, 2), Reverse) },
		"VJP":              func() { VJP(grad, Vector(1, 2), Vector(1, 0)) },
		"Grad of VJP": func() {
			Jacobian(func(x *Tensor) *Tensor { _, uj := VJP(quadSin, x, Scalar(1)); return uj }, Vector(1, 2), Reverse)
		},
	} {
		if msg := panicMessage(call); !strings.Contains(msg, "reverse mode cannot differentiate") || !strings.Contains(msg, "ad.Forward") {
			t.Errorf("%s: panic %q, want the nested-reverse message", name, msg)
		}
	}
	// Inside forward mode only Grad nests.
	for name, call := range map[string]func(){
		"JVP in JVP": func() {
			JVP(func(x *Tensor) *Tensor { _, jv := JVP(quadSin, x, Vector(1, 0)); return jv }, Vector(1, 2), Vector(0, 1))
		},
		"VJP in Jacobian Forward": func() {
			Jacobian(func(x *Tensor) *Tensor { _, uj := VJP(quadSin, x, Scalar(1)); return uj }, Vector(1, 2), Forward)
		},
	} {
		if msg := panicMessage(call); !strings.Contains(msg, "inside a forward-mode transform") {
			t.Errorf("%s: panic %q, want the nested-forward message", name, msg)
		}
	}
	// A gradient of a leaf that requires grad is still an ordinary value.
	w := Vector(1, 2).RequiresGrad()
	checkSlice(t, "Grad at a leaf", Grad(quadSin, w).Data(), Grad(quadSin, Vector(1, 2)).Data(), 0)
}

// TestRowDerivativeRendering checks that a derivative the lecture writes
// as the row (1,n) is drawn as a row, and the column (n,1) as a column.
func TestRowDerivativeRendering(t *testing.T) {
	f := func(x *Tensor) *Tensor { return Norm2Sq(x) }
	row := Jacobian(f, Vector(1, 2, 3)) // numerator: (1,3)
	if l := row.LaTeX(); !strings.Contains(l, `2 & 4 & 6`) || !strings.Contains(l, "(1,3)") {
		t.Errorf("numerator ∂y/∂x of a scalar: %s, want the row 2 & 4 & 6 labelled (1,3)", l)
	}
	if h := row.HTML(); !strings.Contains(h, "<tr><td>2</td><td>4</td><td>6</td></tr>") {
		t.Errorf("numerator HTML: %s, want one row", h)
	}
	col := Jacobian(f, Vector(1, 2, 3), Denominator) // (3,1)
	if l := col.LaTeX(); !strings.Contains(l, `2\\ 4\\ 6`) || !strings.Contains(l, "(3,1)") {
		t.Errorf("denominator ∂y/∂x of a scalar: %s, want the column 2\\\\ 4\\\\ 6 labelled (3,1)", l)
	}
	g := func(x *Tensor) *Tensor { return Mul(Vector(1, 2, 3), x) } // vector by scalar
	if l := Jacobian(g, Scalar(2), Denominator).LaTeX(); !strings.Contains(l, `1 & 2 & 3`) || !strings.Contains(l, "(1,3)") {
		t.Errorf("denominator ∂y/∂x of a vector by a scalar: %s, want the row (1,3)", l)
	}
	if l := Vector(1, 2).LaTeX(); !strings.Contains(l, `1\\ 2`) {
		t.Errorf("a vector: %s, want a column", l)
	}
}

// TestKinkNoticeInLaTeX checks that a tensor computed at a kink says so
// in the LaTeX a notebook displays, not only in its text.
func TestKinkNoticeInLaTeX(t *testing.T) {
	g := Grad(func(x *Tensor) *Tensor { return Sum(ReLU(x)) }, Vector(-1, 0, 2))
	if len(g.Kinks()) == 0 {
		t.Fatal("no kink recorded at ReLU(0)")
	}
	latex := g.MimeBundle()["text/latex"].(string)
	if !strings.Contains(latex, latexText(g.Kinks()[0].String())) {
		t.Errorf("text/latex %q does not carry the notice %q", latex, g.Kinks()[0].String())
	}
	if strings.Count(latex, "$") != 2 {
		t.Errorf("text/latex %q is not one formula", latex)
	}
}
