package plot

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	ad "github.com/gradbook/gradbook/autodiff"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Window is the rectangle [XMin, XMax] × [YMin, YMax] of the plane that a
// 2-D plot shows.
type Window struct {
	XMin, XMax, YMin, YMax float64
}

// Arrow is the gradient of a function of two variables at one point, drawn as
// an arrow that starts on the contour line through the point.
type Arrow struct {
	At    [2]float64 // the point (x₁, x₂)
	Grad  [2]float64 // ∇f(At) = (∂f/∂x₁, ∂f/∂x₂), computed by autodiff
	Level float64    // f(At): the contour line the arrow starts on
}

// LevelDirection returns the unit vector tangent to the contour line through
// At: the gradient turned a quarter turn counterclockwise, normalized. The
// gradient is perpendicular to it. It is (0, 0) where the gradient is zero.
func (a Arrow) LevelDirection() [2]float64 {
	n := math.Hypot(a.Grad[0], a.Grad[1])
	if n == 0 {
		return [2]float64{}
	}
	return [2]float64{-a.Grad[1] / n, a.Grad[0] / n}
}

// String returns the arrow as "∇f(1, 1) = (2, 4)".
func (a Arrow) String() string {
	return fmt.Sprintf("∇f(%s, %s) = (%s, %s)", num(a.At[0]), num(a.At[1]), num(a.Grad[0]), num(a.Grad[1]))
}

// Arrows is a gonum plotter that draws each arrow from At to At + Scale·Grad
// (in data coordinates) with a filled head. Add it to any plot.
type Arrows struct {
	Arrows    []Arrow
	Scale     float64 // data units per unit of gradient
	LineStyle draw.LineStyle
	Head      vg.Length // length of the arrow head
}

// Plot implements gonum's plot.Plotter: it draws the arrows.
func (as *Arrows) Plot(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, a := range as.Arrows {
		x0, y0 := trX(a.At[0]), trY(a.At[1])
		x1, y1 := trX(a.At[0]+as.Scale*a.Grad[0]), trY(a.At[1]+as.Scale*a.Grad[1])
		dx, dy := float64(x1-x0), float64(y1-y0)
		n := math.Hypot(dx, dy)
		if n == 0 {
			continue
		}
		ux, uy := dx/n, dy/n
		h := math.Min(float64(as.Head), n)
		bx, by := float64(x1)-h*ux, float64(y1)-h*uy // base of the head
		w := 0.35 * h
		c.StrokeLine2(as.LineStyle, x0, y0, vg.Length(bx), vg.Length(by))
		c.FillPolygon(as.LineStyle.Color, []vg.Point{
			{X: x1, Y: y1},
			{X: vg.Length(bx - w*uy), Y: vg.Length(by + w*ux)},
			{X: vg.Length(bx + w*uy), Y: vg.Length(by - w*ux)},
		})
	}
}

// DataRange implements gonum's plot.DataRanger: the arrows' start and end
// points.
func (as *Arrows) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, a := range as.Arrows {
		for _, s := range []float64{0, as.Scale} {
			x, y := a.At[0]+s*a.Grad[0], a.At[1]+s*a.Grad[1]
			xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
		}
	}
	return xmin, xmax, ymin, ymax
}

// grid is f sampled on a regular grid: plotter.GridXYZ for the contours.
type grid struct {
	xs, ys []float64
	z      []float64 // z[r*len(xs)+c] = f(xs[c], ys[r])
}

func (g *grid) Dims() (c, r int)   { return len(g.xs), len(g.ys) }
func (g *grid) Z(c, r int) float64 { return g.z[r*len(g.xs)+c] }
func (g *grid) X(c int) float64    { return g.xs[c] }
func (g *grid) Y(r int) float64    { return g.ys[r] }
func linspace(a, b float64, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	return v
}

// palette is a fixed list of colors: gonum's palette.Palette.
type colors []color.Color

func (cs colors) Colors() []color.Color { return cs }

// Contour resolution and count: gridSize² samples, contourLevels evenly
// spaced levels besides the levels through the arrows.
const (
	gridSize      = 101
	contourLevels = 7
)

// GradientField plots the contour lines of a function of two variables over
// the window, with its gradient drawn as an arrow at each point of at (the
// lecture's picture: x₁² + 2x₂² with the arrow (2, 4) at (1, 1),
// perpendicular to the ellipse through that point). f takes a vector of two
// numbers and returns a scalar; the gradients come from ad.Grad. The contour
// levels are evenly spaced between the smallest and largest value of f in
// the window, plus the level through each arrow's point, so every arrow
// starts on a drawn line. Arrows are scaled together so the longest is a
// quarter of the window's width; both axes have the same scale, so right
// angles look right. The returned arrows hold the exact gradients. The error
// wraps ErrBadInput for an empty window and ErrNotScalar when f does not
// return one number.
func GradientField(f func(*ad.Tensor) *ad.Tensor, win Window, at ...[2]float64) (*Figure, []Arrow, error) {
	if !(win.XMax > win.XMin) || !(win.YMax > win.YMin) {
		return nil, nil, fmt.Errorf("%w: empty window %+v", ErrBadInput, win)
	}
	f2 := func(x, y float64) (float64, error) {
		z := f(ad.Vector(x, y))
		if z == nil || z.Size() != 1 {
			return 0, fmt.Errorf("%w: f(%g, %g) is not one number", ErrNotScalar, x, y)
		}
		return z.Item(), nil
	}

	g := &grid{xs: linspace(win.XMin, win.XMax, gridSize), ys: linspace(win.YMin, win.YMax, gridSize)}
	g.z = make([]float64, 0, gridSize*gridSize)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, y := range g.ys {
		for _, x := range g.xs {
			z, err := f2(x, y)
			if err != nil {
				return nil, nil, err
			}
			g.z = append(g.z, z)
			if !math.IsNaN(z) && !math.IsInf(z, 0) {
				lo, hi = math.Min(lo, z), math.Max(hi, z)
			}
		}
	}
	if !(hi > lo) {
		return nil, nil, fmt.Errorf("%w: f is constant or not finite on the window", ErrBadInput)
	}

	arrows := make([]Arrow, len(at))
	var longest float64
	levels := make([]float64, 0, contourLevels+len(at))
	for i, p := range at {
		z, err := f2(p[0], p[1])
		if err != nil {
			return nil, nil, err
		}
		gr := ad.Grad(f, ad.Vector(p[0], p[1])).Data()
		arrows[i] = Arrow{At: p, Grad: [2]float64{gr[0], gr[1]}, Level: z}
		longest = math.Max(longest, math.Hypot(gr[0], gr[1]))
		levels = append(levels, z)
	}
	levels = withEven(levels, lo, hi)

	fig := newFigure()
	fig.EqualAspect = true
	fig.Height = vg.Length(math.Max(2, math.Min(5, 3.5*(win.YMax-win.YMin)/(win.XMax-win.XMin)))) * vg.Inch
	p := fig.Plot
	p.X.Label.Text, p.Y.Label.Text = "x₁", "x₂"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = win.XMin, win.XMax, win.YMin, win.YMax

	cmap := moreland.Kindlmann()
	cmap.SetMin(0)
	cmap.SetMax(1)
	pal := cmap.Palette(len(levels) + 3).Colors()
	c := plotter.NewContour(g, levels, colors(pal[1:len(levels)+1]))
	c.LineStyles = []draw.LineStyle{{Width: vg.Points(1)}}
	p.Add(c)

	if len(arrows) > 0 {
		scale := 0.0
		if longest > 0 {
			scale = 0.25 * (win.XMax - win.XMin) / longest
		}
		p.Add(&Arrows{
			Arrows:    arrows,
			Scale:     scale,
			LineStyle: draw.LineStyle{Color: red, Width: vg.Points(1.5)},
			Head:      vg.Points(7),
		})
	}
	return fig, arrows, nil
}

// withEven returns the levels through the arrows, sorted and without
// repeats, together with contourLevels levels evenly spaced in (lo, hi);
// an even level closer than a tenth of the spacing to an arrow's level is
// left out, so lines do not double up.
func withEven(arrowLevels []float64, lo, hi float64) []float64 {
	step := (hi - lo) / (contourLevels + 1)
	levels := append([]float64(nil), arrowLevels...)
	for i := 1; i <= contourLevels; i++ {
		z := lo + step*float64(i)
		near := false
		for _, a := range arrowLevels {
			near = near || math.Abs(z-a) < step/10
		}
		if !near {
			levels = append(levels, z)
		}
	}
	sort.Float64s(levels)
	out := levels[:0]
	for i, z := range levels {
		if i == 0 || z != out[len(out)-1] {
			out = append(out, z)
		}
	}
	return out
}
