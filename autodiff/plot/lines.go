package plot

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	ad "github.com/gradbook/gradbook/autodiff"
)

// ErrNotScalar is returned when a function that must map a number to a number
// returns a tensor of another size.
var ErrNotScalar = errors.New("plot: function does not return a scalar")

// ErrBadInput is returned for inputs a plot cannot be drawn from: too few x
// values, a series of the wrong length, an empty window.
var ErrBadInput = errors.New("plot: bad input")

// Series is one curve of a line plot: its legend label and its y values, one
// for each x.
type Series struct {
	Label string
	Y     []float64
}

// Lines plots curves over the same x values in the lecture's style (d2l's
// plot): 3.5×2.5 in, a grid, the line formats of LineStyles in order, and a
// legend of the series labels (series with an empty label get no entry).
// Points where y is NaN or infinite are left out and break the curve. It
// returns an error wrapping ErrBadInput when xs has fewer than two values or
// a series has not one y per x.
func Lines(xs []float64, series ...Series) (*Figure, error) {
	if len(xs) < 2 {
		return nil, fmt.Errorf("%w: %d x values, need at least 2", ErrBadInput, len(xs))
	}
	fig := newFigure()
	p := fig.Plot
	p.X.Label.Text = "x"
	p.Legend.Top, p.Legend.Left = true, true
	labels := 0
	for i, s := range series {
		if len(s.Y) != len(xs) {
			return nil, fmt.Errorf("%w: series %q has %d values for %d x values", ErrBadInput, s.Label, len(s.Y), len(xs))
		}
		if err := addCurve(p, xs, s.Y, LineStyles[i%len(LineStyles)], s.Label); err != nil {
			return nil, err
		}
		if s.Label != "" {
			labels++
		}
	}
	// Margins as matplotlib's (5%), and room at the top for the legend so
	// that it does not cover the curves.
	dy := p.Y.Max - p.Y.Min
	p.Y.Min -= 0.05 * dy
	p.Y.Max += (0.05 + legendRoom*float64(labels)) * dy
	return fig, nil
}

// legendRoom is the part of the y range added above the curves per legend
// entry.
const legendRoom = 0.12

// values returns the data of a vector of x values, or an error wrapping
// ErrBadInput when xs is nil or not a vector of at least two values.
func values(xs *ad.Tensor) ([]float64, error) {
	if xs == nil || xs.Rank() != 1 || xs.Size() < 2 {
		return nil, fmt.Errorf("%w: x values must be a vector of at least 2 numbers (e.g. ad.Arange(0, 3, 0.1))", ErrBadInput)
	}
	return xs.Data(), nil
}

// eval returns f(x) for a number x, or an error wrapping ErrNotScalar when f
// does not return a one-element tensor.
func eval(f func(*ad.Tensor) *ad.Tensor, x float64) (float64, error) {
	y := f(ad.Scalar(x))
	if y == nil || y.Size() != 1 {
		shape := "nil"
		if y != nil {
			shape = fmt.Sprint(y.Shape())
		}
		return 0, fmt.Errorf("%w: f(%g) has shape %s", ErrNotScalar, x, shape)
	}
	return y.Item(), nil
}

// evalAll returns f at every x.
func evalAll(f func(*ad.Tensor) *ad.Tensor, xs []float64) ([]float64, error) {
	ys := make([]float64, len(xs))
	for i, x := range xs {
		y, err := eval(f, x)
		if err != nil {
			return nil, err
		}
		ys[i] = y
	}
	return ys, nil
}

// num formats v for a label: the shortest form that reads back as v, with
// values within 1e-9 of an integer printed as that integer.
func num(v float64) string {
	if r := math.Round(v); math.Abs(v-r) < 1e-9 {
		v = r
	}
	if v == 0 {
		v = 0 // no "-0"
	}
	s := strconv.FormatFloat(v, 'g', 6, 64)
	return strings.Replace(s, "e-0", "e-", 1)
}
