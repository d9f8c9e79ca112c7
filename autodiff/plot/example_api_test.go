package plot_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	ad "github.com/gradbook/gradbook/autodiff"
	"github.com/gradbook/gradbook/autodiff/plot"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// An Arrow holds the exact gradient at a point of a contour plot.
func ExampleArrow() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Sum(ad.Mul(ad.Vector(1, 2), ad.Mul(x, x))) }
	_, arrows, err := plot.GradientField(f, plot.Window{XMin: -2, XMax: 2, YMin: -2, YMax: 2}, [2]float64{1, 1}, [2]float64{-1, 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range arrows {
		fmt.Println(a.At, a.Grad, a.Level)
	}
	// Output:
	// [1 1] [2 4] 3
	// [-1 0.5] [-2 2] 1.5
}

// The data range of arrows covers their tails and their (scaled) heads.
func ExampleArrows_DataRange() {
	as := &plot.Arrows{Arrows: []plot.Arrow{{At: [2]float64{1, 1}, Grad: [2]float64{2, 4}}, {At: [2]float64{-1, 0}, Grad: [2]float64{-2, 0}}}, Scale: 0.5}
	fmt.Println(as.DataRange())
	// Output: -2 2 0 3
}

// Plot draws the arrows on a canvas; gonum calls it when the plot is drawn.
func ExampleArrows_Plot() {
	p := gplot.New()
	as := &plot.Arrows{
		Arrows:    []plot.Arrow{{At: [2]float64{0, 0}, Grad: [2]float64{1, 1}}},
		Scale:     1,
		LineStyle: draw.LineStyle{Color: plot.LineStyles[0].Color, Width: vg.Points(1)},
		Head:      vg.Points(5),
	}
	c := vgsvg.New(2*vg.Inch, 2*vg.Inch)
	as.Plot(draw.New(c), p)
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Count(buf.String(), "<path") >= 2)
	// Output: true
}

// A Window is a rectangle of the plane; an empty one is an error that wraps
// ErrBadInput.
func ExampleWindow() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Norm2Sq(x) }
	_, _, err := plot.GradientField(f, plot.Window{XMin: 1, XMax: 1, YMin: 0, YMax: 1})
	fmt.Println(errors.Is(err, plot.ErrBadInput))
	// Output: true
}

// f must return one number; otherwise the error wraps ErrNotScalar.
func ExampleGradientField_notScalar() {
	_, _, err := plot.GradientField(ad.Sin, plot.Window{XMin: -1, XMax: 1, YMin: -1, YMax: 1})
	fmt.Println(errors.Is(err, plot.ErrNotScalar))
	// Output: true
}

// Line is y = Slope·x + Intercept: the exercise's tangent to x³ − 1/x at 1.
func ExampleLine() {
	f := func(x *ad.Tensor) *ad.Tensor { return ad.Sub(ad.Pow(x, ad.Scalar(3)), ad.Div(ad.Scalar(1), x)) }
	l, err := plot.TangentLine(f, 1)
	fmt.Println(l, l.Slope, l.Intercept, err)
	// Output: y = 4x - 4 4 -4 <nil>
}

// The curves of a figure take the lecture's line formats in order.
func ExampleLineStyles() {
	for _, s := range plot.LineStyles {
		r, g, b, _ := s.Color.RGBA()
		fmt.Printf("#%02x%02x%02x dashes %d\n", r>>8, g>>8, b>>8, len(s.Dashes))
	}
	// Output:
	// #1f77b4 dashes 0
	// #bf00bf dashes 2
	// #008000 dashes 4
	// #ff0000 dashes 2
}

// A Series is one labelled curve of Lines; its length must match the x
// values.
func ExampleSeries() {
	_, err := plot.Lines([]float64{0, 1, 2}, plot.Series{Label: "short", Y: []float64{0, 1}})
	fmt.Println(errors.Is(err, plot.ErrBadInput))
	// Output: true
}

// StepError is one row of the finite-difference error table; FDError with
// nil steps uses DefaultSteps.
func ExampleStepError() {
	_, errs, err := plot.FDError(ad.Exp, 0, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(errs) == len(plot.DefaultSteps), errs[0].H)
	fmt.Printf("forward %.3f central %.5f\n", errs[0].Forward, errs[0].Central)
	// Output:
	// true 0.1
	// forward 0.052 central 0.00167
}

// Figures have the lecture's size, 3.5×2.5 in, unless changed.
func ExampleFigure_SVG() {
	fig, err := plot.Lines([]float64{0, 1}, plot.Series{Label: "y", Y: []float64{0, 1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fig.Width == plot.DefaultWidth, fig.Height == plot.DefaultHeight)
	fmt.Println(strings.Contains(fig.SVG(), `width="252pt" height="180pt"`))
	// Output:
	// true true
	// true
}

// A figure says in one line what it shows, for text-only displays.
func ExampleFigure_String() {
	f := func(x *ad.Tensor) *ad.Tensor {
		return ad.Sub(ad.Mul(ad.Scalar(3), ad.Mul(x, x)), ad.Mul(ad.Scalar(4), x))
	}
	fig, _, err := plot.Tangent(f, 1, ad.Arange(0, 3, 0.1))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fig)
	// Output:
	// figure, x from 0 to 2.9, f(x) from -3.832 to 18.45 (3.5×2.5 in)
}

func ExampleFigure_PNG() {
	fig, _, err := plot.WithDerivative(ad.Sin, ad.Arange(0, 3, 0.5))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.HasPrefix(fig.PNG(), []byte("\x89PNG")))
	// Output: true
}

func ExampleFigure_Render() {
	fig, _, err := plot.WithDerivative(ad.Sin, ad.Arange(0, 3, 0.5))
	if err != nil {
		fmt.Println(err)
		return
	}
	tex, err := fig.Render("tex")
	fmt.Println(bytes.Contains(tex, []byte(`\begin{pgfpicture}`)), err)
	_, err = fig.Render("bmp")
	fmt.Println(err != nil)
	// Output:
	// true <nil>
	// true
}
