package plot_test

import (
	"fmt"
	"math"
	"strings"

	ad "github.com/gradbook/gradbook/autodiff"
	"github.com/gradbook/gradbook/autodiff/plot"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The book's tangent: u = f(x) = 3x² − 4x has slope f′(1) = 2 at x = 1.
func ExampleTangentLine() {
	f := func(x *ad.Tensor) *ad.Tensor {
		return ad.Sub(ad.Mul(ad.Scalar(3), ad.Mul(x, x)), ad.Mul(ad.Scalar(4), x))
	}
	line, err := plot.TangentLine(f, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(line)
	fmt.Printf("slope %.12f, intercept %.12f\n", line.Slope, line.Intercept)
	// Output:
	// y = 2x - 3
	// slope 2.000000000000, intercept -3.000000000000
}

// The figure of calculus.md: x = arange(0, 3, 0.1), f and its tangent at 1.
func ExampleTangent() {
	f := func(x *ad.Tensor) *ad.Tensor {
		return ad.Sub(ad.Mul(ad.Scalar(3), ad.Mul(x, x)), ad.Mul(ad.Scalar(4), x))
	}
	fig, line, err := plot.Tangent(f, 1, ad.Arange(0, 3, 0.1))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(line)
	fmt.Printf("%.1f×%.1f in\n", fig.Width/vg.Inch, fig.Height/vg.Inch)
	fmt.Println(strings.Contains(fig.SVG(), "Tangent line (x=1)"))
	// Output:
	// y = 2x - 3
	// 3.5×2.5 in
	// true
}

func ExampleLine_String() {
	fmt.Println(plot.Line{Slope: 4, Intercept: -4})
	fmt.Println(plot.Line{Slope: -1, Intercept: 0.5})
	// Output:
	// y = 4x - 4
	// y = -x + 0.5
}

func ExampleLine_At() {
	line := plot.Line{Slope: 2, Intercept: -3}
	fmt.Println(line.At(0), line.At(1), line.At(3))
	// Output: -3 -1 3
}

// The book's exercise: plot sin and its derivative, computed by autodiff.
func ExampleWithDerivative() {
	_, d, err := plot.WithDerivative(ad.Sin, ad.Vector(0, math.Pi/3, math.Pi/2, math.Pi))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range d {
		fmt.Printf("%.4f ", v)
	}
	fmt.Println()
	// Output: 1.0000 0.5000 0.0000 -1.0000
}

// The slide's picture: the gradient of x₁² + 2x₂² at (1, 1) is (2, 4),
// perpendicular to the ellipse x₁² + 2x₂² = 3 through that point.
func ExampleGradientField() {
	f := func(x *ad.Tensor) *ad.Tensor {
		return ad.Sum(ad.Mul(ad.Vector(1, 2), ad.Mul(x, x)))
	}
	win := plot.Window{XMin: -2, XMax: 2, YMin: -2, YMax: 2}
	_, arrows, err := plot.GradientField(f, win, [2]float64{1, 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	a := arrows[0]
	fmt.Println(a)
	fmt.Println("on the level", a.Level)
	// The ellipse's tangent at (1, 1) is along (−2, 1).
	fmt.Println("gradient · (−2, 1) =", a.Grad[0]*-2+a.Grad[1]*1)
	// Output:
	// ∇f(1, 1) = (2, 4)
	// on the level 3
	// gradient · (−2, 1) = 0
}

func ExampleArrow_LevelDirection() {
	a := plot.Arrow{At: [2]float64{1, 1}, Grad: [2]float64{2, 4}, Level: 3}
	d := a.LevelDirection()
	fmt.Printf("(%.4f, %.4f)\n", d[0], d[1])
	// Output: (-0.8944, 0.4472)
}

func ExampleArrow_String() {
	fmt.Println(plot.Arrow{At: [2]float64{-1.5, 0.5}, Grad: [2]float64{-3, 2}})
	// Output: ∇f(-1.5, 0.5) = (-3, 2)
}

// Arrows draws gradient arrows on any gonum plot.
func ExampleArrows() {
	p := gplot.New()
	arrows := &plot.Arrows{
		Arrows:    []plot.Arrow{{At: [2]float64{1, 1}, Grad: [2]float64{2, 4}}},
		Scale:     0.25,
		LineStyle: draw.LineStyle{Color: plot.LineStyles[3].Color, Width: vg.Points(1)},
		Head:      vg.Points(6),
	}
	p.Add(arrows)
	fmt.Println(arrows.DataRange())
	fmt.Println(p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	// Output:
	// 1 1.5 1 2
	// 1 1.5 1 2
}

// The V of finite differences: shrinking h helps while truncation error
// dominates, then round-off error takes over and the estimates get worse.
func ExampleFDError() {
	hs := []float64{1e-2, 1e-4, 1e-8, 1e-12}
	_, errs, err := plot.FDError(ad.Sin, 1, hs)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range errs[:2] {
		fmt.Printf("h=%.0e forward %.1e central %.1e\n", e.H, e.Forward, e.Central)
	}
	fmt.Println("forward best at h=1e-8:", errs[2].Forward < errs[1].Forward && errs[2].Forward < errs[3].Forward)
	fmt.Println("central worse at h=1e-12 than at 1e-4:", errs[3].Central > errs[1].Central)
	// Output:
	// h=1e-02 forward 4.2e-03 central 9.0e-06
	// h=1e-04 forward 4.2e-05 central 9.0e-10
	// forward best at h=1e-8: true
	// central worse at h=1e-12 than at 1e-4: true
}

// Lines is d2l's plot: several curves over the same x values.
func ExampleLines() {
	x := []float64{0, 1, 2, 3}
	fig, err := plot.Lines(x,
		plot.Series{Label: "x²", Y: []float64{0, 1, 4, 9}},
		plot.Series{Label: "2x", Y: []float64{0, 2, 4, 6}})
	if err != nil {
		fmt.Println(err)
		return
	}
	svg := fig.SVG()
	fmt.Println(strings.Contains(svg, ">x²<"), strings.Contains(svg, ">2x<"))
	// Output: true true
}

// A figure renders the plot as it is when SVG, PNG or Render is called, so a
// notebook can change it after a helper returned it.
func ExampleFigure() {
	fig, _, err := plot.WithDerivative(ad.Tanh, ad.Arange(-3, 3, 0.1), "tanh x", "1 - tanh² x")
	if err != nil {
		fmt.Println(err)
		return
	}
	fig.Plot.Title.Text = "tanh and its derivative"
	fig.Width = 5 * vg.Inch
	fmt.Println(strings.Contains(fig.SVG(), "tanh and its derivative"))
	pdf, err := fig.Render("pdf")
	fmt.Println(strings.HasPrefix(string(pdf), "%PDF"), err)
	// Output:
	// true
	// true <nil>
}
