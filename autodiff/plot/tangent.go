package plot

import (
	"fmt"
	"math"

	ad "github.com/gradbook/gradbook/autodiff"
)

// Line is the straight line y = Slope·x + Intercept.
type Line struct {
	Slope, Intercept float64
}

// At returns the line's y at x.
func (l Line) At(x float64) float64 { return l.Slope*x + l.Intercept }

// String returns the equation the way the lecture writes it, "y = 2x - 3",
// with coefficients within 1e-9 of an integer printed as integers.
func (l Line) String() string {
	var s string
	switch m := num(l.Slope); m {
	case "0":
	case "1":
		s = "x"
	case "-1":
		s = "-x"
	default:
		s = m + "x"
	}
	b := num(l.Intercept)
	switch {
	case s == "":
		s = b
	case b == "0":
	case b[0] == '-':
		s += " - " + b[1:]
	default:
		s += " + " + b
	}
	return "y = " + s
}

// TangentLine returns the tangent to the graph of f at x0,
//
//	y = f(x0) + f′(x0)·(x − x0),
//
// with the slope f′(x0) computed by autodiff (ad.Derivative), not by a
// difference quotient. For f(x) = 3x² − 4x at 1 it is y = 2x − 3. The error
// wraps ErrNotScalar when f does not map a number to a number, and says so
// when f(x0) or f′(x0) is not finite.
func TangentLine(f func(*ad.Tensor) *ad.Tensor, x0 float64) (Line, error) {
	y0, err := eval(f, x0)
	if err != nil {
		return Line{}, err
	}
	d := ad.Derivative(f, x0)
	if math.IsNaN(y0+d) || math.IsInf(y0+d, 0) {
		return Line{}, fmt.Errorf("plot: no tangent at x=%g: f=%g, f'=%g", x0, y0, d)
	}
	return Line{Slope: d, Intercept: y0 - d*x0}, nil
}

// Tangent plots f over xs together with its tangent line at x0 (the
// lecture's calculus.md figure): f solid blue with legend "f(x)", the tangent
// dashed magenta with legend "Tangent line (x=1)" for x0 = 1. The line is
// TangentLine(f, x0), which is also returned. xs must be a vector of at least
// two numbers, such as ad.Arange(0, 3, 0.1); points where f is not finite
// (1/x at 0) are left out of the curve.
func Tangent(f func(*ad.Tensor) *ad.Tensor, x0 float64, xs *ad.Tensor) (*Figure, Line, error) {
	x, err := values(xs)
	if err != nil {
		return nil, Line{}, err
	}
	line, err := TangentLine(f, x0)
	if err != nil {
		return nil, Line{}, err
	}
	y, err := evalAll(f, x)
	if err != nil {
		return nil, Line{}, err
	}
	t := make([]float64, len(x))
	for i, xi := range x {
		t[i] = line.At(xi)
	}
	fig, err := Lines(x,
		Series{Label: "f(x)", Y: y},
		Series{Label: fmt.Sprintf("Tangent line (x=%s)", num(x0)), Y: t})
	if err != nil {
		return nil, Line{}, err
	}
	fig.Plot.Y.Label.Text = "f(x)"
	return fig, line, nil
}

// WithDerivative plots f and its derivative f′ over xs on one axis, f′
// computed by autodiff at every x (the book's exercise "plot sin and its
// derivative"). It returns the figure and the derivative at every x. The
// legend reads "f(x)" and "f'(x)" unless labels gives other texts (the first
// for f, the second for f′).
func WithDerivative(f func(*ad.Tensor) *ad.Tensor, xs *ad.Tensor, labels ...string) (*Figure, []float64, error) {
	x, err := values(xs)
	if err != nil {
		return nil, nil, err
	}
	y, err := evalAll(f, x)
	if err != nil {
		return nil, nil, err
	}
	d := make([]float64, len(x))
	for i, xi := range x {
		d[i] = ad.Derivative(f, xi)
	}
	name := []string{"f(x)", "f'(x)"}
	copy(name, labels)
	fig, err := Lines(x, Series{Label: name[0], Y: y}, Series{Label: name[1], Y: d})
	if err != nil {
		return nil, nil, err
	}
	return fig, d, nil
}
