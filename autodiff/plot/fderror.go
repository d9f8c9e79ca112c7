package plot

import (
	"fmt"
	"math"
	"slices"

	ad "github.com/gradbook/gradbook/autodiff"
	"gonum.org/v1/gonum/diff/fd"
	gplot "gonum.org/v1/plot"
)

// StepError is how far the finite-difference estimates of f′(x0) with step
// H are from the autodiff value: the absolute errors of the forward
// difference (f(x0+h) − f(x0))/h and of the central difference
// (f(x0+h) − f(x0−h))/2h, both from gonum's diff/fd.
type StepError struct {
	H                float64
	Forward, Central float64
}

// DefaultSteps are the steps FDError uses when given none: 10⁻¹ down to
// 10⁻¹⁵, two per decade.
var DefaultSteps = func() []float64 {
	hs := make([]float64, 29)
	for i := range hs {
		hs[i] = math.Pow(10, -1-float64(i)/2)
	}
	return hs
}()

// FDError plots, on log-log axes, the error of the forward and the central
// difference estimates of f′(x0) against the step h, taking the autodiff
// derivative ad.Derivative(f, x0) as the truth (LECTURE.md §4, "gradcheck
// as a lesson"). The curves form a V: for large h the truncation error
// (∝ h for forward, ∝ h² for central) dominates, for small h the round-off
// error (∝ ε/h) does; the bottom of the V is the best step (about 1e-8 for
// forward, 1e-5 for central in float64). hs nil means DefaultSteps. Errors
// that are exactly zero cannot be drawn on a log axis and break the curve.
// The error wraps ErrNotScalar when f does not map a number to a number,
// and ErrBadInput when a step is not positive.
func FDError(f func(*ad.Tensor) *ad.Tensor, x0 float64, hs []float64) (*Figure, []StepError, error) {
	if hs == nil {
		hs = DefaultSteps
	}
	if len(hs) < 2 {
		return nil, nil, fmt.Errorf("%w: %d steps, need at least 2", ErrBadInput, len(hs))
	}
	if _, err := eval(f, x0); err != nil {
		return nil, nil, err
	}
	exact := ad.Derivative(f, x0)
	f1 := func(x float64) float64 { return f(ad.Scalar(x)).Item() }
	errs := make([]StepError, len(hs))
	fw := make([]float64, len(hs))
	ce := make([]float64, len(hs))
	for i, h := range hs {
		if !(h > 0) {
			return nil, nil, fmt.Errorf("%w: step %g is not positive", ErrBadInput, h)
		}
		e := StepError{
			H:       h,
			Forward: math.Abs(fd.Derivative(f1, x0, &fd.Settings{Formula: fd.Forward, Step: h}) - exact),
			Central: math.Abs(fd.Derivative(f1, x0, &fd.Settings{Formula: fd.Central, Step: h}) - exact),
		}
		errs[i] = e
		fw[i], ce[i] = positive(e.Forward), positive(e.Central)
	}
	fig, err := Lines(hs,
		Series{Label: "forward difference", Y: fw},
		Series{Label: "central difference", Y: ce})
	if err != nil {
		return nil, nil, err
	}
	p := fig.Plot
	p.X.Label.Text, p.Y.Label.Text = "step h", "|error| vs autodiff"
	// Lines set linear margins; on log axes they go by factors instead.
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range hs {
		for _, v := range []float64{fw[i], ce[i]} {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	p.X.Min, p.X.Max = slices.Min(hs), slices.Max(hs)
	p.Y.Min, p.Y.Max = lo/2, hi*math.Pow(hi/lo, 2*legendRoom)
	p.X.Scale, p.Y.Scale = gplot.LogScale{}, gplot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = decadeTicks{}, decadeTicks{}
	return fig, errs, nil
}

// positive returns v, or NaN when v is not positive and so has no place on
// a log axis.
func positive(v float64) float64 {
	if v > 0 {
		return v
	}
	return math.NaN()
}
