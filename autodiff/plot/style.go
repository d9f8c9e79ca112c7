package plot

import (
	"fmt"
	"math"
	"strconv"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// Font sizes of the lecture's small figures.
const (
	labelSize = 10 // axis labels and title
	smallSize = 9  // tick labels and legend
)

// style gives p the look of the lecture's matplotlib figures: a sans-serif
// font at small sizes and tick labels without trailing zeros.
func style(p *gplot.Plot) {
	sans := func(size vg.Length) font.Font {
		return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	}
	p.Title.TextStyle.Font = sans(labelSize)
	p.Legend.TextStyle.Font = sans(smallSize)
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(labelSize)
		a.Tick.Label.Font = sans(smallSize)
		a.Tick.Marker = shortTicks{}
	}
}

// shortTicks are gonum's default ticks labelled in the shortest form that
// reads back as the value: "2.5", not "2.50".
type shortTicks struct{}

// Ticks implements gplot.Ticker.
func (shortTicks) Ticks(min, max float64) []gplot.Tick {
	ts := gplot.DefaultTicks{}.Ticks(min, max)
	for i, t := range ts {
		if t.Label != "" {
			v, _ := strconv.ParseFloat(strconv.FormatFloat(t.Value, 'g', 12, 64), 64)
			ts[i].Label = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return ts
}

// decadeTicks mark the powers of ten of a log axis, labelled "1e-8", with
// labels on at most about six of them and minor ticks on the others.
type decadeTicks struct{}

// Ticks implements gplot.Ticker.
func (decadeTicks) Ticks(min, max float64) []gplot.Tick {
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	every := (hi-lo)/6 + 1
	var ts []gplot.Tick
	for k := lo; k <= hi; k++ {
		t := gplot.Tick{Value: math.Pow(10, float64(k))}
		switch {
		case k%every != 0:
		case k == 0:
			t.Label = "1"
		default:
			t.Label = fmt.Sprintf("1e%d", k)
		}
		ts = append(ts, t)
	}
	return ts
}
