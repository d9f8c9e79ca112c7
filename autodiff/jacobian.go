package autodiff

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Func is a differentiable function of one tensor, built from this
// package's operations. Closures may capture other tensors as constants.
type Func func(*Tensor) *Tensor

// Option configures a transform: a Layout, a Mode or a Kink.
type Option interface {
	apply(*config)
}

type config struct {
	layout Layout
	mode   Mode
	kink   Kink
}

func newConfig(opts []Option) config {
	c := config{layout: Numerator, mode: Auto, kink: DefaultKink}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

// Layout is the arrangement of the axes of a derivative ∂y/∂x.
type Layout int

// The layouts of Jacobian: Numerator (the default), Denominator and
// Framework.
const (
	// Numerator is the lecture's layout (the "Jacobian formulation"):
	// shape(y) ++ reverse(shape(x)). R^n→R^m gives m×n, a scalar by a
	// vector a row (1,n), a scalar by an n×k matrix k×n.
	Numerator Layout = iota
	// Denominator is the transpose convention of the d2l book (the "Hessian
	// formulation"): shape(x) ++ reverse(shape(y)), all axes of the
	// numerator layout reversed. A gradient has the shape of x.
	Denominator
	// Framework is PyTorch's and JAX's shape(y) ++ shape(x).
	Framework
)

func (l Layout) apply(c *config) { c.layout = l }

// String returns "numerator", "denominator" or "framework".
func (l Layout) String() string {
	switch l {
	case Numerator:
		return "numerator"
	case Denominator:
		return "denominator"
	case Framework:
		return "framework"
	}
	return "Layout(" + strconv.Itoa(int(l)) + ")"
}

// Mode chooses how a Jacobian is accumulated: the numbers are the same, the
// cost is not.
type Mode int

// The modes of Jacobian: Auto (the default), Forward and Reverse.
const (
	// Auto picks Forward when x has fewer elements than y, else Reverse.
	Auto Mode = iota
	// Forward brackets the chain rule from the input end: one tangent per
	// input element (n JVPs, here propagated together).
	Forward
	// Reverse brackets it from the output end: one adjoint per output
	// element (m VJPs, here propagated together over one recorded graph).
	Reverse
)

func (m Mode) apply(c *config) { c.mode = m }

// String returns "auto", "forward" or "reverse".
func (m Mode) String() string {
	switch m {
	case Forward:
		return "forward"
	case Reverse:
		return "reverse"
	}
	return "auto"
}

// jacInfo is what a Jacobian result remembers about itself.
type jacInfo struct {
	layout Layout
	mode   Mode
	yShape []int
	xShape []int
	what   string // "Jacobian" or "Hessian"
}

// Layout returns the layout of a Jacobian or Hessian result and true, or
// false for any other tensor.
func (t *Tensor) Layout() (Layout, bool) {
	if t.meta == nil || t.meta.jac == nil {
		return Numerator, false
	}
	return t.meta.jac.layout, true
}

// Derivative returns f′(x) for a function of one scalar variable, computed
// exactly in forward mode. f must return a one-element tensor, or Derivative
// panics. Options: Kink.
func Derivative(f Func, x float64, opts ...Option) float64 {
	_, jv := JVP(f, Scalar(x), Scalar(1), opts...)
	if len(jv.data) != 1 {
		panic(fmt.Sprintf("autodiff: Derivative needs a scalar function, f returned shape %s; use Jacobian", FormatShape(jv.shape)))
	}
	return jv.data[0]
}

// Grad returns the gradient of the scalar function f at x, with x's shape
// (the denominator-layout gradient ∇f; its numerator-layout derivative is
// the transpose). It uses one reverse pass and leaves x untouched. It panics
// with an error wrapping ErrNotScalar if f(x) has more than one element.
//
// Grad nests inside forward mode: Jacobian(func(x *Tensor) *Tensor {
// return Grad(f, x) }, x) is the Hessian of f (forward over reverse, which
// Jacobian picks for such an f), and JVP of it a Hessian–vector product.
// Reverse mode cannot differentiate a gradient; it panics saying so.
// Options: Kink.
func Grad(f Func, x *Tensor, opts ...Option) *Tensor {
	cfg := newConfig(opts)
	if x.fwd != nil {
		return gradForward("Grad", f, x, cfg)
	}
	xx := x.clone()
	xx.req = true
	y := f(xx)
	nestedCheck("Grad", y)
	tp, id, err := y.graph("Grad")
	if errors.Is(err, ErrNoGraph) {
		return newTensor(xx.shape)
	}
	if err != nil {
		panic(err)
	}
	kinks := tp.kinks
	b := tp.reverse(id, []float64{1}, 1, &cfg.kink, true)
	b.release()
	tp.free()
	g := xx.Grad()
	if g == nil {
		g = newTensor(xx.shape)
	}
	g.tape, g.id = nil, -1
	if x.IsRecorded() {
		g.ensureMeta().nested = "Grad"
	}
	return withKinks(g, kinks, cfg.kink)
}

// gradForward is Grad for an x that carries forward-mode tangents (Grad
// inside Jacobian with Forward, JVP or Derivative): the reverse sweep runs
// as tensor operations, so the gradient carries the tangents of its own
// derivative (forward over reverse, as Hessian does). Jacobian(func(x)
// { return Grad(f, x) }, x, Forward) is then the Hessian of f, and Hessian
// itself is this with one tangent per element of x. what names the caller
// in the error for a non-scalar f.
func gradForward(what string, f Func, x *Tensor, cfg config) *Tensor {
	xx := x.clone()
	xx.fwd = x.fwd
	xx.req = true
	y := f(xx)
	if len(y.data) != 1 {
		panic(fmt.Errorf("%w: %s needs a scalar function, f returned shape %s", ErrNotScalar, what, FormatShape(y.shape)))
	}
	tp, id := y.resolve()
	if tp == nil {
		return newTensor(xx.shape)
	}
	grads := tp.gradOps(id, Ones(y.shape...), &cfg.kink)
	_, xi := xx.resolve()
	g := newTensor(xx.shape)
	if xi >= 0 && grads[xi] != nil {
		g = grads[xi]
	}
	tp.free()
	g.tape, g.id = nil, -1
	return g
}

// nestedCheck panics when y, the value of a function being differentiated
// in reverse mode by the transform what, is itself the result of a
// reverse-mode transform of the recorded input: its derivative would come
// out as zero.
func nestedCheck(what string, y *Tensor) {
	if y.meta == nil || y.meta.nested == "" {
		return
	}
	how := "use ad.Jacobian(f, x, ad.Forward), which runs Grad forward over reverse, or ad.Hessian for the " +
		"derivatives of a gradient"
	if y.meta.nested != "Grad" {
		how = "write uᵀJ as ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(u, f(x))) }, x) and " +
			"differentiate that with ad.Jacobian(…, ad.Forward)"
	}
	panic(fmt.Sprintf("autodiff: %s: f returns the result of ad.%s on the input being differentiated; reverse mode "+
		"cannot differentiate through it (it would give 0): %s", what, y.meta.nested, how))
}

// forwardNestCheck panics when x carries the tangents of an outer
// forward-mode transform (Jacobian with Forward, JVP, Derivative, Hessian)
// and the transform what cannot pass them on: its result would have
// derivative zero. Only Grad nests inside forward mode.
func forwardNestCheck(what string, x *Tensor) {
	if x.fwd == nil {
		return
	}
	panic(fmt.Sprintf("autodiff: %s inside a forward-mode transform (Jacobian with ad.Forward, JVP, Derivative, Hessian) "+
		"is not supported: its result would not carry the outer derivative (it would give 0); only ad.Grad nests "+
		"there (forward over reverse)", what))
}

// ValueAndGrad returns f(x) and Grad(f, x) from one forward and one reverse
// pass.
func ValueAndGrad(f Func, x *Tensor, opts ...Option) (y, grad *Tensor) {
	var val *Tensor
	g := Grad(func(t *Tensor) *Tensor {
		val = f(t)
		return val
	}, x, opts...)
	return val.clone(), g
}

// VJP evaluates f at x in reverse mode and returns y = f(x) and the
// vector–Jacobian product uᵀJ, with x's shape. u must have as many elements
// as y, or VJP panics. For a scalar f and u = 1 this is the gradient.
// Options: Kink.
func VJP(f Func, x, u *Tensor, opts ...Option) (y, uj *Tensor) {
	forwardNestCheck("VJP", x)
	cfg := newConfig(opts)
	xx := x.clone()
	xx.req = true
	out := f(xx)
	nestedCheck("VJP", out)
	if len(u.data) != len(out.data) {
		panic(fmt.Sprintf("autodiff: VJP: u has shape %s, f(x) has shape %s", FormatShape(u.shape), FormatShape(out.shape)))
	}
	y = out.clone()
	uj = newTensor(xx.shape)
	if x.IsRecorded() {
		uj.ensureMeta().nested = "VJP"
	}
	tp, id := out.resolve()
	if tp == nil && out.req {
		tp = &tape{}
		id = tp.ref(out)
	}
	if tp == nil {
		return y, uj
	}
	b := tp.reverse(id, u.data, 1, &cfg.kink, false)
	if _, xi := xx.resolve(); xi >= 0 && b.touched[xi] {
		copy(uj.data, b.adj(xi))
	}
	b.release()
	return y, withKinks(uj, tp.kinks, cfg.kink)
}

// Jacobian returns the derivative of f at x with every partial derivative
// ∂yᵢ/∂xⱼ, arranged in the Numerator layout unless a Layout option says
// otherwise:
//
//	Numerator   shape(y) ++ reverse(shape(x))   R^n→R^m gives m×n
//	Denominator shape(x) ++ reverse(shape(y))   its transpose
//	Framework   shape(y) ++ shape(x)             as PyTorch and JAX
//
// A Mode option chooses Forward (n tangents) or Reverse (m adjoints); Auto
// picks the cheaper. The result remembers its layout (see Tensor.Layout);
// its LaTeX rendering states it. x is not modified. Options: Layout, Mode,
// Kink.
func Jacobian(f Func, x *Tensor, opts ...Option) *Tensor {
	forwardNestCheck("Jacobian", x)
	cfg := newConfig(opts)
	n := len(x.data)
	var y *Tensor
	var flat []float64 // m×n, framework order with x flattened
	var hits []KinkHit
	mode := cfg.mode
	if mode == Auto {
		// Decide on the output size, which needs one evaluation.
		m := len(f(x.Detach()).data)
		mode = Reverse
		if n < m {
			mode = Forward
		}
	}
	if mode == Reverse {
		xx := x.clone()
		xx.req = true
		y = f(xx)
		if y.meta != nil && y.meta.nested != "" && cfg.mode == Auto {
			// f returns a gradient of its input (Grad inside Jacobian:
			// a Hessian): only forward mode differentiates it.
			mode = Forward
		} else {
			nestedCheck("Jacobian", y)
			m := len(y.data)
			flat = make([]float64, m*n)
			tp, id := y.resolve()
			if tp == nil && y.req {
				tp = &tape{}
				id = tp.ref(y)
			}
			if tp != nil {
				seed := make([]float64, m*m)
				for i := 0; i < m; i++ {
					seed[i*m+i] = 1
				}
				b := tp.reverse(id, seed, m, &cfg.kink, false)
				if _, xi := xx.resolve(); xi >= 0 && b.touched[xi] {
					copy(flat, b.adj(xi))
				}
				b.release()
				hits = tp.kinks
			}
		}
	}
	if mode == Forward {
		tan := make([]float64, n*n)
		for i := 0; i < n; i++ {
			tan[i*n+i] = 1
		}
		xx, ctx := seedForward(x, tan, n, cfg.kink)
		y = f(xx)
		m := len(y.data)
		flat = make([]float64, m*n)
		if y.fwd != nil {
			// Row d of the tangents is ∂y/∂x_d: a column of J.
			for d := 0; d < n; d++ {
				for i := 0; i < m; i++ {
					flat[i*n+d] = y.fwd.tan[d*m+i]
				}
			}
		}
		hits = ctx.hits
	}
	res := arrange(flat, y.shape, x.shape, cfg.layout)
	res.ensureMeta().jac = &jacInfo{layout: cfg.layout, mode: mode, yShape: y.Shape(), xShape: x.Shape(), what: "Jacobian"}
	return withKinks(res, hits, cfg.kink)
}

// arrange turns a framework-order derivative (shape ys ++ xs) into the
// requested layout.
func arrange(flat []float64, ys, xs []int, l Layout) *Tensor {
	fw := append(append([]int{}, ys...), xs...)
	switch l {
	case Framework:
		t := newTensor(fw)
		copy(t.data, flat)
		return t
	}
	num := append(append([]int{}, ys...), reversed(xs)...)
	t := newTensor(num)
	n := sizeOf(xs)
	if len(xs) < 2 {
		copy(t.data, flat)
	} else {
		for i := 0; i*n < len(flat); i++ {
			permuteRev(t.data[i*n:i*n+n], flat[i*n:i*n+n], xs)
		}
	}
	if l == Numerator || len(num) < 2 {
		return t
	}
	d := newTensor(reversed(num))
	permuteRev(d.data, t.data, num)
	return d
}

// derivDims returns the dimensions of ∂y/∂x in a layout.
func derivDims(ys, xs []int, l Layout) []int {
	switch l {
	case Denominator:
		return append(append([]int{}, xs...), reversed(ys)...)
	case Framework:
		return append(append([]int{}, ys...), xs...)
	}
	return append(append([]int{}, ys...), reversed(xs)...)
}

// DerivShape writes the shape of ∂y/∂x, for y of shape ys and x of shape xs,
// the way the lecture does in the given layout: a scalar by a vector is the
// row (1,n) in the numerator layout and the column (n,1) in the denominator
// layout; the Framework layout is written as PyTorch prints it, (n,).
func DerivShape(ys, xs []int, l Layout) string {
	dims := derivDims(ys, xs, l)
	if l == Framework {
		parts := make([]string, len(dims))
		for i, d := range dims {
			parts[i] = strconv.Itoa(d)
		}
		if len(dims) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ",") + ")"
	}
	if len(dims) == 1 {
		row := (l == Numerator && len(ys) == 0) || (l == Denominator && len(xs) == 0)
		if row {
			return "(1," + strconv.Itoa(dims[0]) + ")"
		}
	}
	return FormatShape(dims)
}

// ExplainShape returns one line that says why ∂y/∂x has its shape in each
// layout, for the tensors y and x (only their shapes matter).
func ExplainShape(y, x *Tensor) string {
	ys, xs := y.shape, x.shape
	return fmt.Sprintf("∂y/∂x for y %s and x %s: numerator %s = shape(y) then shape(x) reversed (one row per y "+
		"element, x transposed, as the lecture); denominator %s = its transpose (the book: a gradient has x's "+
		"shape); framework %s = shape(y) then shape(x) (PyTorch, JAX)",
		FormatShape(ys), FormatShape(xs), DerivShape(ys, xs, Numerator), DerivShape(ys, xs, Denominator),
		DerivShape(ys, xs, Framework))
}
