package autodiff

import (
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// example1 is the lecture's z = (⟨x,w⟩ − y)² with named steps, traced in w.
func example1() *Tape {
	x, y := Vector(1, 2, 3).Named("x"), Scalar(0.5).Named("y")
	f := func(w *Tensor) *Tensor {
		a := Dot(x, w).Named("a")
		b := Sub(a, y).Named("b")
		return Pow(b, Scalar(2)).Named("z")
	}
	return Trace(f, Vector(0.2, -0.4, 0.7).Named("w")).DimName(3, "n")
}

func TestTraceExample1ChainRule(t *testing.T) {
	t.Parallel()
	got := example1().ChainRule()
	want := "∂z/∂w = 2b · 1 · xᵀ\n(1,n) = (1,)(1,)(1,n)"
	if got != want {
		t.Errorf("ChainRule:\n%s\nwant\n%s", got, want)
	}
}

func TestTraceExample1Rows(t *testing.T) {
	t.Parallel()
	tp := example1()
	b := 1*0.2 - 2*0.4 + 3*0.7 - 0.5
	fwd := []struct {
		name, op, expr string
		value          []float64
	}{
		{"w", "input", "input", []float64{0.2, -0.4, 0.7}},
		{"a", "Dot", "⟨x, w⟩", []float64{b + 0.5}},
		{"b", "Sub", "a − y", []float64{b}},
		{"z", "Pow", "b²", []float64{b * b}},
	}
	if len(tp.Forward) != len(fwd) {
		t.Fatalf("%d forward rows, want %d: %+v", len(tp.Forward), len(fwd), tp.Forward)
	}
	for i, w := range fwd {
		r := tp.Forward[i]
		if r.Index != i || r.Name != w.name || r.Op != w.op || r.Expr != w.expr {
			t.Errorf("forward row %d = %d %s %s %q, want %s %s %q", i, r.Index, r.Name, r.Op, r.Expr, w.name, w.op, w.expr)
		}
		checkSlice(t, "value of "+w.name, r.Value.Data(), w.value, tol)
	}
	if in := tp.Forward[1].Inputs; len(in) != 2 || in[0] != "x" || in[1] != "w" {
		t.Errorf("inputs of a = %v, want [x w]", in)
	}
	bwd := []struct {
		name, rule, chain string
		adj               []float64
	}{
		{"z", "∂z/∂z = 1", "∂z/∂z = 1", []float64{1}},
		{"b", "∂z/∂b = 2b", "∂z/∂b = 2b", []float64{2 * b}},
		{"a", "∂b/∂a = 1", "∂z/∂a = ∂z/∂b · ∂b/∂a", []float64{2 * b}},
		{"w", "∂a/∂w = xᵀ", "∂z/∂w = ∂z/∂a · ∂a/∂w", []float64{2 * b, 4 * b, 6 * b}},
	}
	if len(tp.Backward) != len(bwd) {
		t.Fatalf("%d backward rows, want %d", len(tp.Backward), len(bwd))
	}
	for i, w := range bwd {
		r := tp.Backward[i]
		if r.Index != len(bwd)-1-i || r.Name != w.name || len(r.Rules) != 1 || r.Rules[0] != w.rule || r.Chain != w.chain {
			t.Errorf("backward row %d = %d %s %q %q, want %s %q %q", i, r.Index, r.Name, r.Rules, r.Chain, w.name, w.rule, w.chain)
		}
		checkSlice(t, "adjoint of "+w.name, r.Adjoint.Data(), w.adj, tol)
	}
	checkSlice(t, "Grad", tp.Grad.Data(), bwd[3].adj, tol)
}

func TestTraceExample2ChainRule(t *testing.T) {
	t.Parallel()
	X := Matrix([]float64{1, 2}, []float64{3, 4}, []float64{5, 6}).Named("X")
	y := Vector(1, 0, -1).Named("y")
	f := func(w *Tensor) *Tensor {
		a := MatMul(X, w).Named("a")
		b := Sub(a, y).Named("b")
		return Norm2Sq(b).Named("z")
	}
	w := Vector(0.5, -0.25).Named("w")
	tp := Trace(f, w).DimName(3, "m").DimName(2, "n")
	want := "∂z/∂w = 2bᵀ · I · X\n(1,n) = (1,m)(m,m)(m,n)"
	if got := tp.ChainRule(); got != want {
		t.Errorf("ChainRule:\n%s\nwant\n%s", got, want)
	}
	checkSlice(t, "Grad", tp.Grad.Data(), Grad(f, w).Data(), tol)
	if got, want := tp.ChainRuleOf("a"), "∂z/∂a = 2bᵀ · I\n(1,m) = (1,m)(m,m)"; got != want {
		t.Errorf("ChainRuleOf(a) = %q, want %q", got, want)
	}
	if got := tp.ChainRuleOf("q"); !strings.Contains(got, `no value named "q"`) || !strings.Contains(got, "w, a, b, z") {
		t.Errorf("ChainRuleOf(q) = %q", got)
	}
}

// TestTraceSeveralPaths checks that the paths of a reused value are added
// and that the gradient agrees with Grad.
func TestTraceSeveralPaths(t *testing.T) {
	t.Parallel()
	f := func(x *Tensor) *Tensor {
		u := Sin(x).Named("u")
		return Mul(u, x).Named("y")
	}
	tp := Trace(f, Scalar(0.7))
	if got, want := tp.ChainRule(), "∂y/∂x = x · cos(x) + u\n(1,) = (1,)(1,) + (1,)"; got != want {
		t.Errorf("ChainRule = %q, want %q", got, want)
	}
	want := math.Sin(0.7) + 0.7*math.Cos(0.7)
	checkSlice(t, "Grad", tp.Grad.Data(), []float64{want}, tol)
	x := tp.Backward[len(tp.Backward)-1]
	if x.Name != "x" || len(x.Rules) != 2 || x.Chain != "∂y/∂x = ∂y/∂u · ∂u/∂x + u" {
		t.Errorf("row of x: %+v", x)
	}
	// More paths than are written out: x⁶⁴ by repeated squaring of a sum.
	g := func(x *Tensor) *Tensor {
		for i := 0; i < 4; i++ {
			x = Add(x, Mul(x, x))
		}
		return x
	}
	tg := Trace(g, Scalar(0.3))
	if ch := tg.ChainRule(); !strings.HasPrefix(ch, "∂v8/∂x = ∂v8/∂v1 · ") {
		t.Errorf("many paths: %q", ch)
	}
	checkSlice(t, "Grad many paths", tg.Grad.Data(), Grad(g, Scalar(0.3)).Data(), tol)
}

func TestTraceUnnamedAndNotNeeded(t *testing.T) {
	t.Parallel()
	var dead *Tensor
	f := func(x *Tensor) *Tensor {
		dead = Exp(x) // computed, but not used by the output
		return Sum(Mul(x, x))
	}
	tp := Trace(f, Vector(1, 2))
	names := []string{"x", "v1", "v2", "v3"}
	for i, r := range tp.Forward {
		if r.Name != names[i] {
			t.Errorf("row %d named %q, want %q", i, r.Name, names[i])
		}
	}
	if dead == nil || len(tp.Backward) != 3 {
		t.Errorf("backward rows %+v: the Exp node is not on a path to the output", tp.Backward)
	}
	if got := tp.ChainRuleOf("v1"); got != "∂v3/∂v1 = 0 (v3 does not depend on v1)" {
		t.Errorf("ChainRuleOf(v1) = %q", got)
	}
	if !strings.Contains(tp.DOT(), "not needed for the output") {
		t.Error("DOT does not mark the path not needed")
	}
	// x·x: both operands are x, one rule 2·diag(x) (product rule).
	if got := tp.ChainRule(); got != "∂v3/∂x = 1ᵀ · 2·diag(x)\n(1,2) = (1,2)(2,2)" {
		t.Errorf("ChainRule = %q", got)
	}
}

func TestTraceNonScalar(t *testing.T) {
	t.Parallel()
	tp := Trace(Sin, Vector(1, 2))
	if !errors.Is(tp.Err, ErrNotScalar) {
		t.Fatalf("Err = %v, want ErrNotScalar", tp.Err)
	}
	if len(tp.Backward) != 0 || tp.Grad != nil || len(tp.Forward) != 2 {
		t.Errorf("backward %v, grad %v, forward %d rows", tp.Backward, tp.Grad, len(tp.Forward))
	}
	if s := tp.String(); !strings.Contains(s, "Jacobian") || strings.Contains(s, "backward pass") {
		t.Errorf("String does not explain the missing reverse pass:\n%s", s)
	}
}

func TestTraceConstantFunction(t *testing.T) {
	t.Parallel()
	tp := Trace(func(x *Tensor) *Tensor { return Scalar(3) }, Vector(1, 2))
	checkSlice(t, "Grad", tp.Grad.Data(), []float64{0, 0}, tol)
	if !strings.Contains(tp.ChainRule(), "does not depend on x") {
		t.Errorf("ChainRule = %q", tp.ChainRule())
	}
}

func TestTraceRenderings(t *testing.T) {
	t.Parallel()
	tp := example1()
	s := tp.String()
	for _, want := range []string{"forward pass", "backward pass", "a = ⟨x, w⟩", "∂z/∂b = 2b", "(1,n) = (1,)(1,)(1,n)", "x (n,1) = [1 2 3]"} {
		if !strings.Contains(s, want) {
			t.Errorf("String lacks %q:\n%s", want, s)
		}
	}
	md := tp.Markdown()
	if !strings.Contains(md, "| 2 | b | Sub | b = a − y | (1,) | 1 |") || !strings.Contains(md, "|---|---|") {
		t.Errorf("Markdown:\n%s", md)
	}
	abs := Trace(func(x *Tensor) *Tensor { return Sum(Abs(x)) }, Vector(1, -2)).Markdown()
	if !strings.Contains(abs, `\|x\|`) {
		t.Errorf("Markdown does not escape |x|:\n%s", abs)
	}
	lx := tp.LaTeX()
	for _, want := range []string{`\begin{aligned}`, `a &= \langle x, w\rangle`, `\frac{\partial z}{\partial b} &= 2b`,
		`\underbrace{x^{\top}}_{(1,n)}`} {
		if !strings.Contains(lx, want) {
			t.Errorf("LaTeX lacks %q:\n%s", want, lx)
		}
	}
	if strings.Count(lx, `\\[6pt]`) != 2 || strings.Contains(lx, `\\ \\`) {
		t.Errorf("LaTeX line breaks:\n%s", lx)
	}
	svg := tp.SVG()
	checkSVG(t, svg, []string{"a = ⟨x, w⟩", "2b", "xᵀ", "adjoint [2 4 6]"})
	b := tp.MimeBundle()
	for _, k := range []string{"text/html", "image/svg+xml", "text/markdown", "text/latex", "text/plain"} {
		if s, ok := b[k].(string); !ok || s == "" {
			t.Errorf("MimeBundle[%q] missing", k)
		}
	}
	h := b["text/html"].(string)
	if !strings.Contains(h, "<table") || !strings.Contains(h, "<svg") || !strings.Contains(h, "∂z/∂a = ∂z/∂b · ∂b/∂a") {
		t.Errorf("HTML lacks tables or graph")
	}
	if tp.HTML() != h {
		t.Error("HTML differs from MimeBundle's text/html")
	}
}

// checkSVG parses s as XML and checks that it is an svg document holding the
// given texts.
func checkSVG(t *testing.T, s string, texts []string) {
	t.Helper()
	if !strings.HasPrefix(s, "<svg") {
		t.Fatalf("SVG starts with %.40q", s)
	}
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = false
	var all strings.Builder
	nodes := 0
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case xml.CharData:
			all.Write(v)
		case xml.StartElement:
			if v.Name.Local == "g" {
				for _, a := range v.Attr {
					if a.Name.Local == "class" && a.Value == "node" {
						nodes++
					}
				}
			}
		}
	}
	text := strings.ReplaceAll(all.String(), "\u00a0", " ")
	for _, want := range texts {
		if !strings.Contains(text, want) {
			t.Errorf("SVG lacks text %q", want)
		}
	}
	if nodes == 0 {
		t.Error("SVG has no graph nodes: Graphviz did not lay it out")
	}
}

// TestTraceLargeGraphs guards the notebook against a hanging Graphviz: a
// chain that reuses one constant at every step (33 s to lay out when the
// constant was one shared box) is drawn quickly, and a tape beyond the
// limit is not laid out at all.
func TestTraceLargeGraphs(t *testing.T) {
	t.Parallel()
	c := Scalar(1.0001)
	f := func(n int) Func { return func(y *Tensor) *Tensor { return chain(y, c, n) } }
	tp := Trace(f(maxGraphNodes-2), Scalar(0.5)) // two nodes per step, and the input
	if len(tp.Forward) != maxGraphNodes-1 {
		t.Fatalf("%d rows, want %d", len(tp.Forward), maxGraphNodes-1)
	}
	start := time.Now()
	checkSVG(t, tp.SVG(), []string{"#118", "1.0001"})
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("laying out %d values took %v", maxGraphNodes, d)
	}
	big := Trace(f(1000), Scalar(0.5))
	if svg := big.SVG(); !strings.Contains(svg, "1001 values, more than the 120") {
		t.Errorf("large tape SVG = %.120q", svg)
	}
	if len(big.Forward) != 1001 || len(big.Backward) != 1001 {
		t.Errorf("a large tape has %d forward and %d backward rows, want 1001", len(big.Forward), len(big.Backward))
	}
	// Its tables show the beginning and the end, and say what they left out.
	md := big.Markdown()
	for _, want := range []string{"| 149 | v149 |", "… 801 more rows …", "| 1000 | v1000 |", "| 0 | x |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown of a large tape lacks %q", want)
		}
	}
	if strings.Contains(md, "| 150 | v150 |") || strings.Count(big.HTML(), "<tr>") != 2*(1+150+1+50) {
		t.Error("the tables of a large tape are not shortened")
	}
}

// TestTraceSVGConcurrent renders from several goroutines at once: Graphviz
// runs in one WebAssembly instance per process, so renderDOT serializes.
func TestTraceSVGConcurrent(t *testing.T) {
	t.Parallel()
	want := example1().SVG()
	errs := make(chan string, 8)
	for i := 0; i < 8; i++ {
		go func() {
			if got := example1().SVG(); got != want {
				errs <- fmt.Sprintf("%.80q", got)
				return
			}
			errs <- ""
		}()
	}
	for i := 0; i < 8; i++ {
		if e := <-errs; e != "" {
			t.Errorf("concurrent SVG differs: %s", e)
		}
	}
}

// TestTraceSameOperandTwice checks that an operation using one value as
// both operands shows one local rule for it, the sum of the two.
func TestTraceSameOperandTwice(t *testing.T) {
	t.Parallel()
	tp := Trace(func(x *Tensor) *Tensor { return Log(Mul(x, x)) }, Scalar(3))
	x := tp.Backward[len(tp.Backward)-1]
	if x.Name != "x" || len(x.Rules) != 1 || x.Rules[0] != "∂v1/∂x = 2x" {
		t.Errorf("rules of x: %q, want [∂v1/∂x = 2x]", x.Rules)
	}
	if got := tp.ChainRule(); got != "∂v2/∂x = 1/v1 · 2x\n(1,) = (1,)(1,)" {
		t.Errorf("ChainRule = %q", got)
	}
	checkSlice(t, "gradient of log(x²) at 3", x.Adjoint.Data(), []float64{2.0 / 3}, 1e-15)
	tp = Trace(func(x *Tensor) *Tensor { return Mul(Add(x, x), Sin(x)) }, Scalar(3))
	if got := tp.ChainRule(); got != "∂v3/∂x = v2 · 2 + v1 · cos(x)\n(1,) = (1,)(1,) + (1,)(1,)" {
		t.Errorf("ChainRule of (x+x)·sin x = %q", got)
	}
}
