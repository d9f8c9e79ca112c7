package plot_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	ad "github.com/gradbook/gradbook/autodiff"
	"github.com/gradbook/gradbook/autodiff/plot"
)

const tol = 1e-12

// Test functions written with autodiff's operations.
var (
	// f(x) = 3x² − 4x, the book's tangent example.
	quadratic = func(x *ad.Tensor) *ad.Tensor {
		return ad.Sub(ad.Mul(ad.Scalar(3), ad.Mul(x, x)), ad.Mul(ad.Scalar(4), x))
	}
	// f(x) = x³ − 1/x, the book's exercise.
	cubicInv = func(x *ad.Tensor) *ad.Tensor {
		return ad.Sub(ad.Mul(x, ad.Mul(x, x)), ad.Div(ad.Scalar(1), x))
	}
	// f(x) = x², the slide's tangent picture.
	square = func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) }
	// f(x) = x₁² + 2x₂², the slide's gradient picture.
	ellipse = func(x *ad.Tensor) *ad.Tensor {
		return ad.Sum(ad.Mul(ad.Vector(1, 2), ad.Mul(x, x)))
	}
	// A function that does not return a scalar.
	vectorValued = func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, ad.Vector(1, 2)) }
)

// svgDoc is what the tests read from an SVG document.
type svgDoc struct {
	paths []svgPath
	texts []string
}

type svgPath struct{ d, style string }

// parseSVG parses an SVG document as XML and collects its paths and texts.
func parseSVG(t *testing.T, s string) svgDoc {
	t.Helper()
	var doc svgDoc
	dec := xml.NewDecoder(strings.NewReader(s))
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse as XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "path":
				var p svgPath
				for _, a := range el.Attr {
					switch a.Name.Local {
					case "d":
						p.d = a.Value
					case "style":
						p.style = a.Value
					}
				}
				doc.paths = append(doc.paths, p)
			case "text":
				inText = true
			}
		case xml.EndElement:
			inText = inText && el.Name.Local != "text"
		case xml.CharData:
			if inText {
				doc.texts = append(doc.texts, string(el))
			}
		}
	}
	if len(doc.paths) == 0 {
		t.Fatal("SVG has no path")
	}
	return doc
}

// count returns the number of paths whose style contains s.
func (d svgDoc) count(s string) int {
	n := 0
	for _, p := range d.paths {
		if strings.Contains(p.style, s) {
			n++
		}
	}
	return n
}

// hasText reports whether some text element reads s.
func (d svgDoc) hasText(s string) bool {
	for _, x := range d.texts {
		if strings.TrimSpace(x) == s {
			return true
		}
	}
	return false
}

const (
	blueStroke    = "stroke:#1F77B4"
	magentaStroke = "stroke:#BF00BF"
	redStroke     = "stroke:#FF0000"
	redFill       = "fill:#FF0000"
)

func TestTangentLine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name             string
		f                func(*ad.Tensor) *ad.Tensor
		x0               float64
		slope, intercept float64
		eq               string
	}{
		{"3x²-4x at 1 (calculus.md)", quadratic, 1, 2, -3, "y = 2x - 3"},
		{"x³-1/x at 1 (exercise)", cubicInv, 1, 4, -4, "y = 4x - 4"},
		{"x² at 1 (slide)", square, 1, 2, -1, "y = 2x - 1"},
		{"3x²-4x at 2/3 (minimum)", quadratic, 2.0 / 3, 0, -4.0 / 3, "y = -1.33333"},
		{"sin at 0", ad.Sin, 0, 1, 0, "y = x"},
		{"cos at pi", ad.Cos, math.Pi, 0, -1, "y = -1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			line, err := plot.TangentLine(c.f, c.x0)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(line.Slope-c.slope) > tol || math.Abs(line.Intercept-c.intercept) > tol {
				t.Errorf("tangent = %v (slope %.17g, intercept %.17g), want slope %g, intercept %g",
					line, line.Slope, line.Intercept, c.slope, c.intercept)
			}
			if got := line.String(); got != c.eq {
				t.Errorf("String() = %q, want %q", got, c.eq)
			}
			// The tangent touches the graph at x0.
			y0 := c.f(ad.Scalar(c.x0)).Item()
			if math.Abs(line.At(c.x0)-y0) > tol {
				t.Errorf("At(x0) = %g, f(x0) = %g", line.At(c.x0), y0)
			}
		})
	}
}

func TestLineString(t *testing.T) {
	t.Parallel()
	cases := []struct {
		line plot.Line
		want string
	}{
		{plot.Line{Slope: 2, Intercept: -3}, "y = 2x - 3"},
		{plot.Line{Slope: -1, Intercept: 1}, "y = -x + 1"},
		{plot.Line{Slope: 0.5, Intercept: 0}, "y = 0.5x"},
		{plot.Line{Slope: 0, Intercept: 0}, "y = 0"},
		{plot.Line{Slope: 2 + 1e-13, Intercept: -3 - 1e-13}, "y = 2x - 3"},
		{plot.Line{Slope: 1e-20, Intercept: 2.5}, "y = 2.5"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			if got := c.line.String(); got != c.want {
				t.Errorf("%#v.String() = %q, want %q", c.line, got, c.want)
			}
		})
	}
}

func TestTangentFigure(t *testing.T) {
	t.Parallel()
	xs := ad.Arange(0, 3, 0.1)
	fig, line, err := plot.Tangent(quadratic, 1, xs)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(line.Slope-2) > tol || math.Abs(line.Intercept+3) > tol {
		t.Errorf("line = %v, want y = 2x - 3", line)
	}
	if fig.Width != plot.DefaultWidth || fig.Height != plot.DefaultHeight {
		t.Errorf("figure is %v×%v, want 3.5×2.5 in", fig.Width, fig.Height)
	}
	doc := parseSVG(t, fig.SVG())
	// Each curve is drawn once, and once more as its legend thumbnail.
	if n := doc.count(blueStroke); n != 2 {
		t.Errorf("%d blue paths (f and its legend), want 2", n)
	}
	if n := doc.count(magentaStroke + ";stroke-width:1.5;stroke-dasharray"); n != 2 {
		t.Errorf("%d dashed magenta paths (tangent and its legend), want 2", n)
	}
	for _, s := range []string{"f(x)", "Tangent line (x=1)", "x"} {
		if !doc.hasText(s) {
			t.Errorf("no text %q in %q", s, doc.texts)
		}
	}
	// The curve has one vertex per x: 30 points of arange(0, 3, 0.1).
	for _, p := range doc.paths {
		if strings.Contains(p.style, blueStroke) && strings.Count(p.d, "L") > 1 {
			if n := strings.Count(p.d, "L") + 1; n != 30 {
				t.Errorf("f is drawn with %d points, want 30", n)
			}
		}
	}
	if xs.Size() != 30 || xs.Data()[0] != 0 {
		t.Errorf("Tangent modified its x values: %v", xs.Data())
	}
}

func TestTangentSkipsPoles(t *testing.T) {
	t.Parallel()
	// x³ − 1/x is −Inf at 0: the curve starts at 0.1 instead of failing.
	fig, line, err := plot.Tangent(cubicInv, 1, ad.Arange(0, 3, 0.1))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(line.Slope-4) > tol || math.Abs(line.Intercept+4) > tol {
		t.Errorf("line = %v, want y = 4x - 4", line)
	}
	doc := parseSVG(t, fig.SVG())
	for _, p := range doc.paths {
		if strings.Contains(p.style, blueStroke) && strings.Count(p.d, "L") > 1 {
			if n := strings.Count(p.d, "L") + 1; n != 29 {
				t.Errorf("f is drawn with %d points, want 29 (x=0 left out)", n)
			}
		}
	}
}

func TestWithDerivative(t *testing.T) {
	t.Parallel()
	xs := ad.Arange(-6, 6, 0.25)
	fig, d, err := plot.WithDerivative(ad.Sin, xs)
	if err != nil {
		t.Fatal(err)
	}
	x := xs.Data()
	if len(d) != len(x) {
		t.Fatalf("%d derivatives for %d x values", len(d), len(x))
	}
	for i := range x {
		if math.Abs(d[i]-math.Cos(x[i])) > tol {
			t.Errorf("sin'(%g) = %.17g, want cos = %.17g", x[i], d[i], math.Cos(x[i]))
		}
	}
	doc := parseSVG(t, fig.SVG())
	if doc.count(blueStroke) != 2 || doc.count(magentaStroke) != 2 {
		t.Errorf("want 2 curves and 2 legend thumbnails, got %d blue and %d magenta paths",
			doc.count(blueStroke), doc.count(magentaStroke))
	}
	for _, s := range []string{"f(x)", "f'(x)"} {
		if !doc.hasText(s) {
			t.Errorf("no legend text %q in %q", s, doc.texts)
		}
	}

	fig, _, err = plot.WithDerivative(ad.Sin, xs, "sin x", "d sin x / dx")
	if err != nil {
		t.Fatal(err)
	}
	doc = parseSVG(t, fig.SVG())
	if !doc.hasText("sin x") || !doc.hasText("d sin x / dx") {
		t.Errorf("labels not used: %q", doc.texts)
	}
}

// levelPoint returns x₂ > 0 with f(x₁, x₂) = level, by bisection on
// [lo, hi], where f − level changes sign.
func levelPoint(f func(*ad.Tensor) *ad.Tensor, x1, level, lo, hi float64) float64 {
	g := func(x2 float64) float64 { return f(ad.Vector(x1, x2)).Item() - level }
	for range 200 {
		mid := (lo + hi) / 2
		if (g(mid) > 0) == (g(hi) > 0) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return (lo + hi) / 2
}

func TestGradientField(t *testing.T) {
	t.Parallel()
	square := plot.Window{XMin: -2, XMax: 2, YMin: -2, YMax: 2}
	wide := plot.Window{XMin: -4, XMax: 4, YMin: -1.5, YMax: 1.5}
	cases := []struct {
		win  plot.Window
		at   [2]float64
		grad [2]float64
	}{
		{square, [2]float64{1, 1}, [2]float64{2, 4}},
		{square, [2]float64{0.5, 0.8}, [2]float64{1, 3.2}},
		{square, [2]float64{-1.5, 0.5}, [2]float64{-3, 2}},
		{wide, [2]float64{1, 1}, [2]float64{2, 4}},
		{wide, [2]float64{-3, -0.2}, [2]float64{-6, -0.8}},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%v/%g,%g", c.win, c.at[0], c.at[1])
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fig, arrows, err := plot.GradientField(ellipse, c.win, c.at)
			if err != nil {
				t.Fatal(err)
			}
			if len(arrows) != 1 {
				t.Fatalf("%d arrows, want 1", len(arrows))
			}
			a := arrows[0]
			if math.Abs(a.Grad[0]-c.grad[0]) > tol || math.Abs(a.Grad[1]-c.grad[1]) > tol {
				t.Errorf("gradient at %v = %v, want %v", c.at, a.Grad, c.grad)
			}
			level := c.at[0]*c.at[0] + 2*c.at[1]*c.at[1]
			if math.Abs(a.Level-level) > tol {
				t.Errorf("level = %g, want %g", a.Level, level)
			}

			// The level set through the point, found without the gradient:
			// two points on it either side of x₁, by bisection on x₂.
			const h = 1e-5
			sign := math.Copysign(1, c.at[1])
			lo, hi := 0.0, 3*sign
			p := [2]float64{c.at[0] - h, levelPoint(ellipse, c.at[0]-h, level, lo, hi)}
			q := [2]float64{c.at[0] + h, levelPoint(ellipse, c.at[0]+h, level, lo, hi)}
			tx, ty := q[0]-p[0], q[1]-p[1]
			n := math.Hypot(tx, ty)
			tx, ty = tx/n, ty/n
			g := math.Hypot(a.Grad[0], a.Grad[1])
			if dot := (a.Grad[0]*tx + a.Grad[1]*ty) / g; math.Abs(dot) > 1e-8 {
				t.Errorf("gradient·tangent = %g, want 0 (perpendicular to the level set)", dot)
			}
			dir := a.LevelDirection()
			if cross := dir[0]*ty - dir[1]*tx; math.Abs(cross) > 1e-8 {
				t.Errorf("LevelDirection %v is not along the level set %v", dir, [2]float64{tx, ty})
			}

			// The drawn arrow points along the gradient on the page: the
			// figure has equal axis scales.
			doc := parseSVG(t, fig.SVG())
			if n := doc.count(redFill); n != 1 {
				t.Errorf("%d arrow heads, want 1", n)
			}
			var shaft []float64
			for _, p := range doc.paths {
				if strings.Contains(p.style, redStroke) {
					shaft = numbers(p.d)
				}
			}
			if len(shaft) != 4 {
				t.Fatalf("arrow shaft path has %d coordinates, want 4", len(shaft))
			}
			got := math.Atan2(shaft[3]-shaft[1], shaft[2]-shaft[0])
			want := math.Atan2(c.grad[1], c.grad[0])
			if math.Abs(got-want) > 0.02 {
				t.Errorf("arrow drawn at angle %.3f rad, gradient at %.3f", got, want)
			}
		})
	}
}

// numbers returns the numbers of an SVG path's d attribute.
func numbers(d string) []float64 {
	f := strings.FieldsFunc(d, func(r rune) bool { return r == 'M' || r == 'L' || r == ',' || r == ' ' || r == 'Z' })
	var v []float64
	for _, s := range f {
		x, err := strconv.ParseFloat(s, 64)
		if err == nil {
			v = append(v, x)
		}
	}
	return v
}

func TestGradientFieldAxes(t *testing.T) {
	t.Parallel()
	fig, arrows, err := plot.GradientField(ellipse, plot.Window{XMin: -2, XMax: 2, YMin: -2, YMax: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(arrows) != 0 {
		t.Errorf("%d arrows, want none", len(arrows))
	}
	doc := parseSVG(t, fig.SVG())
	if doc.count(redStroke) != 0 {
		t.Error("an arrow was drawn without a point")
	}
	for _, s := range []string{"x₁", "x₂"} {
		if !doc.hasText(s) {
			t.Errorf("no axis label %q in %q", s, doc.texts)
		}
	}
}

func TestFDError(t *testing.T) {
	t.Parallel()
	fig, errs, err := plot.FDError(ad.Sin, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != len(plot.DefaultSteps) {
		t.Fatalf("%d points, want %d", len(errs), len(plot.DefaultSteps))
	}
	// At h = 0.1 truncation dominates: forward ≈ h/2·|f''| = 0.05·sin 1,
	// central ≈ h²/6·|f'''| = cos 1/600.
	if e := errs[0]; math.Abs(e.Forward-0.05*math.Sin(1)) > 0.005 || math.Abs(e.Central-math.Cos(1)/600) > 1e-4 {
		t.Errorf("errors at h=0.1: %+v", e)
	}
	// The V: the error falls, bottoms out, and rises again as h shrinks.
	best := func(e func(plot.StepError) float64) (h, v float64) {
		v = math.Inf(1)
		for _, s := range errs {
			if e(s) < v {
				h, v = s.H, e(s)
			}
		}
		return h, v
	}
	hf, vf := best(func(s plot.StepError) float64 { return s.Forward })
	hc, vc := best(func(s plot.StepError) float64 { return s.Central })
	if hf < 1e-10 || hf > 1e-6 || vf > 1e-6 {
		t.Errorf("forward difference best at h=%g with error %g, want near 1e-8", hf, vf)
	}
	if hc < 1e-8 || hc > 1e-3 || vc > 1e-8 || vc >= vf {
		t.Errorf("central difference best at h=%g with error %g, want near 1e-5 and below forward's", hc, vc)
	}
	last := errs[len(errs)-1]
	if last.Forward < 100*vf || last.Central < 100*vc {
		t.Errorf("at h=1e-15 round-off should dominate: %+v", last)
	}
	doc := parseSVG(t, fig.SVG())
	for _, s := range []string{"forward difference", "central difference", "1e-9"} {
		if !doc.hasText(s) {
			t.Errorf("no text %q in %q", s, doc.texts)
		}
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	xs := ad.Arange(0, 3, 0.1)
	win := plot.Window{XMin: -1, XMax: 1, YMin: -1, YMax: 1}
	cases := []struct {
		name string
		err  error
		call func() error
	}{
		{"tangent of a vector function", plot.ErrNotScalar, func() error {
			_, _, err := plot.Tangent(vectorValued, 1, xs)
			return err
		}},
		{"tangent line of a vector function", plot.ErrNotScalar, func() error {
			_, err := plot.TangentLine(vectorValued, 1)
			return err
		}},
		{"tangent over one x", plot.ErrBadInput, func() error {
			_, _, err := plot.Tangent(quadratic, 1, ad.Vector(1))
			return err
		}},
		{"tangent over a matrix", plot.ErrBadInput, func() error {
			_, _, err := plot.Tangent(quadratic, 1, ad.Matrix([]float64{1, 2}, []float64{3, 4}))
			return err
		}},
		{"tangent over nil", plot.ErrBadInput, func() error {
			_, _, err := plot.Tangent(quadratic, 1, nil)
			return err
		}},
		{"derivative of a vector function", plot.ErrNotScalar, func() error {
			_, _, err := plot.WithDerivative(vectorValued, xs)
			return err
		}},
		{"field over an empty window", plot.ErrBadInput, func() error {
			_, _, err := plot.GradientField(ellipse, plot.Window{XMin: 1, XMax: 1, YMin: 0, YMax: 1})
			return err
		}},
		{"field of a constant", plot.ErrBadInput, func() error {
			_, _, err := plot.GradientField(func(*ad.Tensor) *ad.Tensor { return ad.Scalar(1) }, win)
			return err
		}},
		{"field of a vector function", plot.ErrNotScalar, func() error {
			_, _, err := plot.GradientField(vectorValued, win, [2]float64{0, 0})
			return err
		}},
		{"series of the wrong length", plot.ErrBadInput, func() error {
			_, err := plot.Lines([]float64{0, 1, 2}, plot.Series{Label: "y", Y: []float64{1, 2}})
			return err
		}},
		{"negative step", plot.ErrBadInput, func() error {
			_, _, err := plot.FDError(ad.Sin, 1, []float64{0.1, -0.1})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if !errors.Is(err, c.err) {
				t.Fatalf("error = %v, want %v", err, c.err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "plot: ") {
				t.Errorf("error %q does not name the package", msg)
			}
		})
	}
}

func TestFigureRendersChanges(t *testing.T) {
	t.Parallel()
	fig, _, err := plot.Tangent(quadratic, 1, ad.Arange(0, 3, 0.1))
	if err != nil {
		t.Fatal(err)
	}
	fig.Plot.Title.Text = "The tangent at x = 1"
	doc := parseSVG(t, fig.SVG())
	if !doc.hasText("The tangent at x = 1") {
		t.Errorf("title set after Tangent returned is not drawn: %q", doc.texts)
	}

	img, err := png.Decode(bytes.NewReader(fig.PNG()))
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	// 3.5 × 2.5 in at 96 dpi.
	if b := img.Bounds(); b.Dx() != 336 || b.Dy() != 240 {
		t.Errorf("PNG is %dx%d, want 336x240", b.Dx(), b.Dy())
	}
	if _, err := fig.Render("bmp"); err == nil {
		t.Error("Render(bmp) did not fail")
	}
}
