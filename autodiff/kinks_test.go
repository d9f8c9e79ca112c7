package autodiff

import (
	"math"
	"strings"
	"testing"
)

// TestSubderivativeTable checks §1a.2: ∂|x| and ∂max(x,0) on both sides of
// the kink and the sets at it.
func TestSubderivativeTable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		f        Func
		x        float64
		want     Interval
		notInSet bool // the default subgradient of the parts misses the set of the whole
	}{
		{"|x| at x>0", Abs, 1.5, Interval{1, 1}, false},
		{"|x| at x<0", Abs, -0.5, Interval{-1, -1}, false},
		{"|x| at 0", Abs, 0, Interval{-1, 1}, false},
		{"max(x,0) at x>0", ReLU, 2, Interval{1, 1}, false},
		{"max(x,0) at x<0", ReLU, -2, Interval{0, 0}, false},
		{"max(x,0) at 0", ReLU, 0, Interval{0, 1}, false},
		{"Max(x,0) at 0", func(x *Tensor) *Tensor { return Max(x, Scalar(0)) }, 0, Interval{0, 1}, false},
		{"relu(x)−relu(−x) ≡ x at 0", func(x *Tensor) *Tensor { return Sub(ReLU(x), ReLU(Neg(x))) }, 0, Interval{1, 1}, true},
		{"−|x| at 0", func(x *Tensor) *Tensor { return Neg(Abs(x)) }, 0, Interval{-1, 1}, false},
		{"|x|+x at 0", func(x *Tensor) *Tensor { return Add(Abs(x), x) }, 0, Interval{0, 2}, false},
		{"smooth sin at 1", Sin, 1, Interval{math.Cos(1), math.Cos(1)}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Subdifferential(c.f, c.x)
			if !near(got.Lo, c.want.Lo, tol) || !near(got.Hi, c.want.Hi, tol) {
				t.Errorf("Subdifferential = %v, want %v", got, c.want)
			}
			// The default derivative is always an element of the set.
			if d := Derivative(c.f, c.x); got.Contains(d) == c.notInSet {
				t.Errorf("Derivative %g in %v: %v, want %v", d, got, got.Contains(d), !c.notInSet)
			}
		})
	}
}

// TestKinkPolicies checks §2's table: the defaults (PyTorch's abs′(0) = 0,
// relu′(0) = 0, a max tie split ½/½), the equivalent-formula surprises, the
// option that picks another subgradient, and the notices.
func TestKinkPolicies(t *testing.T) {
	t.Parallel()
	zero := Scalar(0)
	maxTie := func(p *Tensor) *Tensor { return Max(Index(p, 0), Index(p, 1)) }
	for _, mode := range []Mode{Forward, Reverse} {
		t.Run(mode.String(), func(t *testing.T) {
			j := func(f Func, x *Tensor, opts ...Option) []float64 {
				return Jacobian(f, x, append(opts, mode)...).Data()
			}
			checkSlice(t, "abs′(0)", j(Abs, zero), []float64{0}, 0)
			checkSlice(t, "relu′(0)", j(ReLU, zero), []float64{0}, 0)
			checkSlice(t, "max(x,0)′(0)", j(func(x *Tensor) *Tensor { return Max(x, Scalar(0)) }, zero), []float64{0.5}, 0)
			checkSlice(t, "max tie", j(maxTie, Vector(2, 2)), []float64{0.5, 0.5}, 0)
			checkSlice(t, "relu(x)−relu(−x) at 0", j(func(x *Tensor) *Tensor { return Sub(ReLU(x), ReLU(Neg(x))) }, zero), []float64{0}, 0)
			checkSlice(t, "max(x,0)+min(x,0) at 0", j(func(x *Tensor) *Tensor { return Add(Max(x, Scalar(0)), Min(x, Scalar(0))) }, zero), []float64{1}, 0)
			pol := Kink{Abs: 1, ReLU: 1, Max: 0.25}
			checkSlice(t, "abs′(0) with Abs: 1", j(Abs, zero, pol), []float64{1}, 0)
			checkSlice(t, "relu′(0) with ReLU: 1", j(ReLU, zero, pol), []float64{1}, 0)
			checkSlice(t, "max tie with Max: 0.25", j(maxTie, Vector(2, 2), pol), []float64{0.25, 0.75}, 0)
			// Away from the kink the policy does not matter.
			checkSlice(t, "abs′(−3) with a policy", j(Abs, Scalar(-3), pol), []float64{-1}, 0)
		})
	}
	if d := Derivative(Sqrt, 0); !math.IsInf(d, 1) {
		t.Errorf("sqrt′(0) = %g, want +Inf", d)
	}
	// A zero factor is a structural zero (0·∞ = 0) in both modes: PyTorch's
	// NaN for sqrt(x²)′(0) becomes 0, and the Jacobian of √x at (0, 1) has
	// exact zeros off the diagonal.
	sq := func(x *Tensor) *Tensor { return Sqrt(Mul(x, x)) }
	if d, g := Derivative(sq, 0), Grad(sq, Scalar(0)).Item(); d != 0 || g != 0 {
		t.Errorf("sqrt(x²)′(0) = %g forward, %g reverse; want 0", d, g)
	}
	for _, m := range []Mode{Forward, Reverse} {
		j := Jacobian(Sqrt, Vector(0, 1), m).Data()
		if !math.IsInf(j[0], 1) || j[1] != 0 || j[2] != 0 || j[3] != 0.5 {
			t.Errorf("%v Jacobian of √x at (0, 1) = %v, want [+Inf 0 0 0.5]", m, j)
		}
	}
	// Every transform reports the kink it hit.
	f := func(x *Tensor) *Tensor { return Sum(Abs(x)) }
	x := Vector(0, 1)
	_, jv := JVP(f, x, Vector(1, 1))
	_, uj := VJP(f, x, Scalar(1))
	for name, r := range map[string]*Tensor{
		"Grad": Grad(f, x), "Jacobian forward": Jacobian(f, x, Forward), "Jacobian reverse": Jacobian(f, x, Reverse),
		"JVP": jv, "VJP": uj, "Hessian": Hessian(f, x),
	} {
		ks := r.Kinks()
		if len(ks) != 1 || ks[0].Op != "Abs" || ks[0].Index != 0 || ks[0].Set != (Interval{-1, 1}) || ks[0].Used != 0 {
			t.Errorf("%s: kinks %v, want one Abs notice at element 0", name, ks)
		}
		if !strings.Contains(r.String(), "kink: Abs at element 0") {
			t.Errorf("%s: String does not show the notice: %s", name, r)
		}
	}
	if ks := Grad(f, Vector(1, 2)).Kinks(); ks != nil {
		t.Errorf("notices without a kink: %v", ks)
	}
	// A value outside the subdifferential is refused.
	for _, bad := range []Kink{{Abs: 2}, {ReLU: -0.5}, {Max: 1.5}, {Abs: math.NaN()}} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "not a subgradient") {
					t.Errorf("%v: recovered %v, want a panic saying it is not a subgradient", bad, r)
				}
			}()
			Grad(f, x, bad)
		}()
	}
}

// TestCheckGradAtKink checks that a gradient check at a kink says why
// AD and central differences disagree there.
func TestCheckGradAtKink(t *testing.T) {
	gc := CheckGrad(func(x *Tensor) *Tensor { return Sum(ReLU(x)) }, Vector(0, 1))
	if gc.OK(1e-6) {
		t.Fatalf("AD (0) and central differences (0.5) agree at ReLU's kink: %v", gc)
	}
	if s := gc.String(); !strings.Contains(s, "x is at a kink (ReLU at element 0") || !strings.Contains(s, "need not agree") {
		t.Errorf("String() = %q, want the kink explained", s)
	}
	if s := CheckGrad(func(x *Tensor) *Tensor { return Sum(ReLU(x)) }, Vector(2, 1)).String(); strings.Contains(s, "kink") {
		t.Errorf("away from kinks, String() = %q mentions one", s)
	}
}
