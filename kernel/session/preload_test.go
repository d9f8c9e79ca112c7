package session

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/gradbook/gradbook"
)

func newPreloadSession(t testing.TB) *Session {
	t.Helper()
	s, err := New(Options{Sources: gradbook.Sources()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestPreloaded runs cells that use the preloaded packages with and
// without import lines, checking each value's text/plain and MIME types.
func TestPreloaded(t *testing.T) {
	s := newPreloadSession(t)
	cells := []struct {
		code  string
		text  string   // text/plain with runs of spaces as one, "" for no value
		mimes []string // besides text/plain
	}{
		{code: "f := func(x *ad.Tensor) *ad.Tensor { return ad.Add(ad.Mul(x.Index(0), x.Index(0)), ad.Mul(ad.Scalar(2), ad.Mul(x.Index(1), x.Index(1)))) }"},
		{code: "ad.Grad(f, ad.Vector(1, 1))", text: "[2 4]", mimes: []string{"text/latex"}},
		{code: `import ad "github.com/gradbook/gradbook/autodiff"`},
		{code: `import "github.com/gradbook/gradbook/kernel/display"`},
		{code: `import (
	display "github.com/gradbook/gradbook/kernel/display"
	adplot "github.com/gradbook/gradbook/autodiff/plot"
	myad "github.com/gradbook/gradbook/autodiff"
)
fmt.Sprintf("%v %v %v", adplot.DefaultWidth > 0, display.MIMEHTML, myad.Scalar(2).Add(ad.Scalar(1)))`, text: "true text/html 3"},
		{code: `import "github.com/gradbook/gradbook/autodiff"` + "\nautodiff.Vector(1, 2).Add(ad.Vector(1, 1))", text: "[2 3]", mimes: []string{"text/latex"}},
		{code: "ad.Jacobian(ad.Sin, ad.Vector(0, 0))", text: "[[1 0] [0 1]]", mimes: []string{"text/latex"}},
		{code: "ad.CheckGrad(f, ad.Vector(1, 2)).OK(1e-6)", text: "true"},
		{code: "fmt.Sprint(math.Sqrt(4))", text: "2"},
		{code: "fig, _, err := adplot.Tangent(func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) }, 1, ad.Arange(0, 3, 0.1))\nfig", text: "figure, x from 0 to 2.9, f(x) from -1.471 to 11.14 (3.5×2.5 in)", mimes: []string{"image/svg+xml", "image/png"}},
		{code: `import "gonum.org/v1/plot"` + "\np := plot.New()\np.Title.Text = \"empty\"\np", text: "<*plot.Plot>", mimes: []string{"image/svg+xml"}},
		{code: "type H struct{ n int }\nfunc (h H) HTML() string { return fmt.Sprint(\"<i>\", h.n, \"</i>\") }\nH{3}", text: "{3}", mimes: []string{"text/html"}},
		{code: "rtX := ad.Vector(1)\nrtX.Grad()", text: "<nil: no gradient yet, call Backward first>"},
		{code: "var rtFig *adplot.Figure\nrtFig", text: "<nil>"},
		{code: "type B struct{}\nfunc (B) MimeBundle() map[string]any { return map[string]any{\"text/html\": \"<i>b</i>\", \"image/png\": []byte{1, 2}} }\nB{}", text: "{}", mimes: []string{"text/html", "image/png"}},
		{code: "type P struct{}\nfunc (*P) SVG() string { return \"<svg/>\" }\n&P{}", text: "&{}", mimes: []string{"image/svg+xml"}},
		// yaegi's struct types embedding a type with methods crash fmt and
		// type assertions in compiled code: printed field by field.
		{code: "type W struct{ *ad.Tensor }\nW{ad.Vector(1, 2)}", text: "[1 2]", mimes: []string{"text/latex"}},
		{code: "map[string]W{\"a\": {ad.Vector(2)}}", text: "map[a:{[2]}]"},
		{code: "type Node struct{ V float64; Next *Node; w W }\n&Node{V: 1.5}", text: "&{1.5 <nil> {<nil: no gradient yet, call Backward first>}}"},
		{code: `import ("image"; "image/color")` + "\nimg := image.NewGray(image.Rect(0, 0, 3, 2))\nimg.Set(1, 1, color.White)\nimg", text: "<*image.Gray 3×2>", mimes: []string{"image/png"}},
	}
	for _, c := range cells {
		r := s.Execute(context.Background(), c.code)
		if r.Err != nil {
			t.Fatalf("%s: %v", c.code, r.Err)
		}
		got, _ := r.Data["text/plain"].(string)
		if got = strings.Join(strings.Fields(got), " "); got != c.text { // spacing aside
			t.Errorf("%s: text/plain %q, want %q", c.code, got, c.text)
		}
		if c.text == "" {
			continue
		}
		if len(r.Data) != len(c.mimes)+1 {
			t.Errorf("%s: MIME types %v, want text/plain and %v", c.code, keys(r.Data), c.mimes)
		}
		for _, m := range c.mimes {
			if _, ok := r.Data[m]; !ok {
				t.Errorf("%s: no %s in %v", c.code, m, keys(r.Data))
			}
		}
	}
	if got := s.Execute(context.Background(), "ad.Jacobian(ad.Sin, ad.Vector(0, 0))").Data["text/latex"]; !strings.Contains(got.(string), "numerator layout") {
		t.Errorf("Jacobian LaTeX does not name its layout: %v", got)
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestPreloadedCompleteInspect(t *testing.T) {
	s := newPreloadSession(t)
	c := s.Complete("ad.", 3)
	for _, want := range []string{"Grad", "Jacobian", "Hessian", "Tensor"} {
		if !contains(c.Matches, want) {
			t.Errorf("completion of ad. lacks %s: %v", want, c.Matches)
		}
	}
	if c := s.Complete("adplot.Tan", 10); !contains(c.Matches, "Tangent") {
		t.Errorf("completion of adplot.Tan: %v", c.Matches)
	}
	if c := s.Complete("pl", 2); contains(c.Matches, "plot") || contains(c.Matches, "plotter") {
		t.Errorf("gonum's plot needs an import, but completion offers it: %v", c.Matches)
	}
	d, ok := s.Inspect("ad.Grad", 7, 0)
	if !ok || !strings.Contains(d["text/plain"].(string), "Grad returns the gradient") {
		t.Errorf("inspect ad.Grad = %v, %v", ok, d)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// b1Setup and b1Cell are the B1 scalar chain of autodiff's benchmarks,
// y ← sin(c·y) with c = 1.0001 and y0 = 0.5, built by an interpreted
// loop: N = 1e5 nodes (N/2 products and N/2 sines), then one reverse
// pass. The cell assigns to globals, since := in every run would keep
// every old tape alive (a yaegi leak).
const (
	b1Nodes = 100_000
	b1Setup = "var c, y0, y *ad.Tensor\nc = ad.Scalar(1.0001)"
	b1Cell  = `y0 = ad.Scalar(0.5).RequiresGrad()
y = y0
for i := 0; i < 50000; i++ {
	y = ad.Sin(ad.Mul(c, y))
}
y.Backward()
y0.Grad().Item()`
)

// b1Want is dy/dy0 of the chain, by the chain rule in plain Go.
func b1Want() float64 {
	y, d := 0.5, 1.0
	for i := 0; i < b1Nodes/2; i++ {
		u := 1.0001 * y
		d *= 1.0001 * math.Cos(u)
		y = math.Sin(u)
	}
	return d
}

func TestB1InCell(t *testing.T) {
	s := newPreloadSession(t)
	if r := s.Execute(context.Background(), b1Setup); r.Err != nil {
		t.Fatal(r.Err)
	}
	r := s.Execute(context.Background(), b1Cell)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	got, err := strconv.ParseFloat(r.Data["text/plain"].(string), 64)
	if want := b1Want(); err != nil || math.Abs(got-want) > 1e-12*math.Abs(want) {
		t.Errorf("dy/dy0 = %v (%v), want %v", r.Data["text/plain"], err, want)
	}
}

// BenchmarkB1InCell reports ns per node for forward+backward of the B1
// chain run as a notebook cell (interpreted loop, compiled ad ops).
func BenchmarkB1InCell(b *testing.B) {
	s := newPreloadSession(b)
	if r := s.Execute(context.Background(), b1Setup); r.Err != nil {
		b.Fatal(r.Err)
	}
	for b.Loop() {
		if r := s.Execute(context.Background(), b1Cell); r.Err != nil {
			b.Fatal(r.Err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/b1Nodes, "ns/node")
}
