package plot

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// The lecture's figure size: d2l's set_figsize((3.5, 2.5)).
const (
	DefaultWidth  = 3.5 * vg.Inch // DefaultWidth is the width of a figure, 3.5 in.
	DefaultHeight = 2.5 * vg.Inch // DefaultHeight is the height of a figure, 2.5 in.
)

// Colors of the lecture's line formats ('-', 'm--', 'g-.', 'r:'): matplotlib's
// first default color, then magenta, green and red.
var (
	blue    = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	magenta = color.RGBA{R: 0xbf, B: 0xbf, A: 0xff}
	green   = color.RGBA{G: 0x80, A: 0xff}
	red     = color.RGBA{R: 0xff, A: 0xff}
)

// LineStyles are the lecture's line formats ('-', 'm--', 'g-.', 'r:') in
// order: the i-th curve of a figure is drawn with LineStyles[i%4].
var LineStyles = []draw.LineStyle{
	{Color: blue, Width: vg.Points(1.5)},
	{Color: magenta, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(5.5), vg.Points(2.4)}},
	{Color: green, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(9.6), vg.Points(2.4), vg.Points(1.5), vg.Points(2.4)}},
	{Color: red, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(1.5), vg.Points(2.5)}},
}

// Figure is a gonum plot together with the size it is drawn at. Its SVG and
// PNG methods render the plot as it is when they are called, so a notebook
// may change Plot (title, axis ranges, more plotters) after a helper of this
// package returned the figure. In the gradbook kernel a Figure that is the
// value of a cell is shown as its SVG.
type Figure struct {
	Plot          *gplot.Plot // the gonum plot, free to change before rendering
	Width, Height vg.Length   // the size it is rendered at

	// EqualAspect makes one unit on the x axis as long as one unit on the y
	// axis, by widening the shorter axis range when the figure is rendered.
	// Gradient arrows look perpendicular to contour lines only then.
	EqualAspect bool
}

// newFigure returns a figure of the default size with a background grid.
func newFigure() *Figure {
	p := gplot.New()
	style(p)
	p.Add(plotter.NewGrid())
	return &Figure{Plot: p, Width: DefaultWidth, Height: DefaultHeight}
}

// Render draws the figure in the given format ("svg", "png", "pdf", "eps",
// "jpg", "tif" or "tex") and returns the encoded bytes. The error says when
// the format is unknown.
func (f *Figure) Render(format string) ([]byte, error) {
	if f.EqualAspect {
		f.equalize()
	}
	wt, err := f.Plot.WriterTo(f.Width, f.Height, format)
	if err != nil {
		return nil, fmt.Errorf("plot: render %s: %w", format, err)
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plot: render %s: %w", format, err)
	}
	return buf.Bytes(), nil
}

// String describes the figure in a line, for where it cannot be drawn
// (a terminal, a notebook's text/plain): its title, axis labels and
// ranges, and size.
func (f *Figure) String() string {
	p := f.Plot
	var b strings.Builder
	b.WriteString("figure")
	if p.Title.Text != "" {
		fmt.Fprintf(&b, " %q", p.Title.Text)
	}
	axis := func(name string, a gplot.Axis) {
		label := a.Label.Text
		if label == "" {
			label = name
		}
		fmt.Fprintf(&b, ", %s from %.4g to %.4g", label, a.Min, a.Max)
	}
	axis("x", p.X)
	axis("y", p.Y)
	fmt.Fprintf(&b, " (%.3g×%.3g in)", float64(f.Width/vg.Inch), float64(f.Height/vg.Inch))
	return b.String()
}

// SVG returns the figure as an SVG document.
func (f *Figure) SVG() string {
	b, err := f.Render("svg")
	if err != nil {
		return "" // not reached: svg is always registered
	}
	return string(b)
}

// PNG returns the figure as a PNG image at 96 dots per inch.
func (f *Figure) PNG() []byte {
	b, err := f.Render("png")
	if err != nil {
		return nil // not reached: png is always registered
	}
	return b
}

// equalize widens the x or the y range of the plot so that both axes have
// the same scale on the data area the plot gets at the figure's size.
func (f *Figure) equalize() {
	p := f.Plot
	dc := p.DataCanvas(draw.NewCanvas(new(recorder.Canvas), f.Width, f.Height))
	w, h := float64(dc.Max.X-dc.Min.X), float64(dc.Max.Y-dc.Min.Y)
	dx, dy := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min
	if w <= 0 || h <= 0 || !(dx > 0) || !(dy > 0) {
		return
	}
	if dx/w > dy/h {
		grow(&p.Y, dx/w*h)
	} else {
		grow(&p.X, dy/h*w)
	}
}

// grow sets the axis range to span width, keeping its center.
func grow(a *gplot.Axis, width float64) {
	c := (a.Min + a.Max) / 2
	a.Min, a.Max = c-width/2, c+width/2
}

// addCurve adds the finite runs of (xs, ys) as lines with the given style,
// and one legend entry for them when label is not empty. Points where y is
// NaN or infinite (1/x at 0) break the curve instead of failing the plot.
func addCurve(p *gplot.Plot, xs, ys []float64, style draw.LineStyle, label string) error {
	var runs []plotter.XYs
	var cur plotter.XYs
	for i, x := range xs {
		y := ys[i]
		if math.IsNaN(y) || math.IsInf(y, 0) {
			if len(cur) > 0 {
				runs = append(runs, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: x, Y: y})
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	if len(runs) == 0 {
		return fmt.Errorf("plot: curve %q has no finite point", label)
	}
	for i, r := range runs {
		l, err := plotter.NewLine(r)
		if err != nil {
			return fmt.Errorf("plot: curve %q: %w", label, err)
		}
		l.LineStyle = style
		p.Add(l)
		if i == 0 && label != "" {
			p.Legend.Add(label, padded{l})
		}
	}
	return nil
}

// padded draws a legend thumbnail a little shorter than its slot, leaving a
// gap before the legend text.
type padded struct{ gplot.Thumbnailer }

// Thumbnail implements gplot.Thumbnailer.
func (p padded) Thumbnail(c *draw.Canvas) {
	d := *c
	d.Max.X -= vg.Points(4)
	p.Thumbnailer.Thumbnail(&d)
}
