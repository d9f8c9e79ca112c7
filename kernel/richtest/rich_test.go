package richtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
	"github.com/gradbook/gradbook/kernel/kerneltest"
	"github.com/gradbook/gradbook/kernel/symbols"
	"github.com/gradbook/gradbook/kernel/wire"
)

var (
	kernelOnce sync.Once
	kernel     *jupytertest.Client
	kernelErr  error
	kernelLog  syncBuffer // the kernel's stderr
)

// syncBuffer is a bytes.Buffer safe for the kernel's writes and a test's
// reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// client returns a client of one gradbook kernel shared by the tests of
// this package (they run one after the other; cells of different tests
// use different names). The kernel stops when the test binary exits.
func client(t testing.TB) *jupytertest.Client {
	t.Helper()
	kernelOnce.Do(func() {
		kernelErr = errors.New("the build failed (see the first test)")
		bin := kerneltest.Binary(t)
		dir, err := tempDir()
		if err != nil {
			kernelErr = err
			return
		}
		_, path, err := jupytertest.WriteConnectionFile(dir)
		if err != nil {
			kernelErr = err
			return
		}
		cmd := exec.Command(bin, "kernel", path)
		cmd.Stderr = &kernelLog
		if kernelErr = cmd.Start(); kernelErr != nil {
			return
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		stopKernel = func() {
			if kernel != nil {
				kernel.Request(jupytertest.Control, wire.ShutdownRequest, wire.ShutdownContent{})
				kernel.Close()
			}
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				cmd.Process.Kill()
				<-exited
			}
		}
		// A cold start (a fresh 40 MB binary) can outlast one Connect.
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			kernel, kernelErr = jupytertest.Connect(path)
			if kernelErr == nil || time.Now().After(deadline) {
				break
			}
			select {
			case <-exited:
				kernelErr = fmt.Errorf("the kernel exited: %w", kernelErr)
				return
			default:
			}
		}
		if kernelErr == nil {
			kernel.Timeout = 60 * time.Second
		}
	})
	if kernelErr != nil {
		t.Fatalf("start gradbook kernel: %v\nkernel log:\n%s", kernelErr, kernelLog.String())
	}
	return kernel
}

// run executes code and fails the test on an error reply.
func run(t testing.TB, code string) *jupytertest.ExecOutcome {
	t.Helper()
	out, err := client(t).Execute(code)
	if err != nil {
		t.Fatalf("execute %q: %v", code, err)
	}
	if out.Reply.Status != "ok" {
		t.Fatalf("execute %q: status %s, errors %+v, stderr %q", code, out.Reply.Status, out.Errors, out.Stderr)
	}
	return out
}

// result returns the only execute_result of a cell, with the MIME types
// it must have.
func result(t *testing.T, code string, mimes ...string) map[string]any {
	t.Helper()
	out := run(t, code)
	if len(out.Results) != 1 {
		t.Fatalf("%q: %d execute_results, want 1 (iopub %v)", code, len(out.Results), out.Types)
	}
	data := out.Results[0].Data
	for _, m := range append(mimes, "text/plain") {
		if _, ok := data[m].(string); !ok {
			t.Errorf("%q: no %s in %v", code, m, mimeTypes(data))
		}
	}
	return data
}

func mimeTypes(data map[string]any) []string {
	var ms []string
	for m := range data {
		ms = append(ms, m)
	}
	return ms
}

// fields collapses runs of white space, so that tests do not depend on
// how a matrix is aligned.
func fields(s any) string {
	str, _ := s.(string)
	return strings.Join(strings.Fields(str), " ")
}

const quadratic = `rtF := func(x *ad.Tensor) *ad.Tensor {
	x1, x2 := x.Index(0), x.Index(1)
	return ad.Add(ad.Mul(x1, x1), ad.Mul(ad.Scalar(2), ad.Mul(x2, x2)))
}`

func TestGradWithoutImport(t *testing.T) {
	run(t, quadratic)
	data := result(t, "ad.Grad(rtF, ad.Vector(1, 1)).Data()")
	if got := data["text/plain"]; got != "[2 4]" {
		t.Errorf("∇(x₁² + 2x₂²) at (1, 1) = %v, want [2 4]", got)
	}
	data = result(t, "ad.Grad(rtF, ad.Vector(1, 1))", "text/latex")
	if got := fields(data["text/plain"]); got != "[2 4]" {
		t.Errorf("text/plain %q", got)
	}
	if got := data["text/latex"].(string); !strings.Contains(got, `\begin{bmatrix}2\\ 4\end{bmatrix}`) {
		t.Errorf("text/latex %q, want a column vector", got)
	}
}

func TestExplicitImports(t *testing.T) {
	data := result(t, `import (
	ad "github.com/gradbook/gradbook/autodiff"
	"github.com/gradbook/gradbook/autodiff"
	"github.com/gradbook/gradbook/kernel/display"
)
fmt.Sprint(autodiff.Sum(ad.Vector(1, 2, 3)).Item(), " ", display.MIMEHTML)`)
	if got := data["text/plain"]; got != "6 text/html" {
		t.Errorf("text/plain %v, want 6 text/html", got)
	}
}

func TestJacobianLaTeX(t *testing.T) {
	data := result(t, "ad.Jacobian(ad.Sin, ad.Vector(0, 0, 0))", "text/latex")
	if got := fields(data["text/plain"]); got != "[[1 0 0] [0 1 0] [0 0 1]]" {
		t.Errorf("text/plain %q", got)
	}
	latex := data["text/latex"].(string)
	for _, want := range []string{`\begin{bmatrix}`, "numerator layout", `\frac{\partial y}{\partial x}`} {
		if !strings.Contains(latex, want) {
			t.Errorf("text/latex %q lacks %q", latex, want)
		}
	}
	data = result(t, "ad.Jacobian(ad.Sin, ad.Vector(0, 0, 0), ad.Denominator)", "text/latex")
	if latex := data["text/latex"].(string); !strings.Contains(latex, "denominator layout") {
		t.Errorf("text/latex %q does not name the denominator layout", latex)
	}
}

func TestCheckGradTable(t *testing.T) {
	run(t, quadratic)
	data := result(t, "ad.CheckGrad(rtF, ad.Vector(1, 2))", "text/html", "text/markdown")
	if h := data["text/html"].(string); !strings.Contains(h, "<table") {
		t.Errorf("text/html %q is not a table", h)
	}
}

func TestPlotsAsSVG(t *testing.T) {
	data := result(t, `rtFig, rtLine, _ := adplot.Tangent(func(x *ad.Tensor) *ad.Tensor { return ad.Mul(x, x) }, 1, ad.Arange(0, 3, 0.1))
rtFig`, "image/svg+xml")
	if svg := data["image/svg+xml"].(string); !strings.Contains(svg, "<svg") || !strings.Contains(svg, "Tangent line (x=1)") {
		t.Errorf("image/svg+xml is not the tangent figure: %.200q", svg)
	}
	if got := result(t, "rtLine.String()")["text/plain"]; got != "y = 2x - 1" {
		t.Errorf("tangent of x² at 1: %v", got)
	}
	data = result(t, `import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)
rtP := plot.New()
rtP.Title.Text = "y = x^2"
rtPts := make(plotter.XYs, 20)
for k := range rtPts {
	rtPts[k].X, rtPts[k].Y = float64(k), float64(k*k)
}
rtL, _ := plotter.NewLine(rtPts)
rtP.Add(rtL)
rtP`, "image/svg+xml")
	if data["text/plain"] != "<*plot.Plot>" || !strings.Contains(data["image/svg+xml"].(string), "y = x^2") {
		t.Errorf("gonum plot rendered as %v / %.200q", data["text/plain"], data["image/svg+xml"])
	}
}

func TestDisplayUpdatesInOrder(t *testing.T) {
	out := run(t, `rtID := display.Show(map[string]any{"text/plain": "step 0"})
fmt.Println("between")
display.Update(rtID, map[string]any{"text/plain": "step 1", "text/html": "<b>step 1</b>"})
display.Clear(true)
display.Markdown("*after*")
fmt.Println(rtID)`)
	var kinds []string
	var id string
	for _, m := range out.IOPub {
		switch m.Header.MsgType {
		case wire.DisplayData, wire.UpdateDisplayData, wire.ClearOutput, wire.Stream:
			kinds = append(kinds, m.Header.MsgType)
		}
	}
	want := []string{wire.DisplayData, wire.Stream, wire.UpdateDisplayData, wire.ClearOutput, wire.DisplayData, wire.Stream}
	if strings.Join(kinds, " ") != strings.Join(want, " ") {
		t.Fatalf("iopub %v, want %v", kinds, want)
	}
	if len(out.Displays) != 3 || len(out.Clears) != 1 || !out.Clears[0].Wait {
		t.Fatalf("displays %+v, clears %+v", out.Displays, out.Clears)
	}
	id, _ = out.Displays[0].Transient["display_id"].(string)
	if id == "" || out.Displays[1].Transient["display_id"] != id || strings.TrimSpace(strings.TrimPrefix(out.Stdout, "between\n")) != id {
		t.Errorf("display ids %v, %v; cell printed %q", out.Displays[0].Transient, out.Displays[1].Transient, out.Stdout)
	}
	if out.Displays[1].Data["text/html"] != "<b>step 1</b>" || out.Displays[2].Data["text/markdown"] != "*after*" {
		t.Errorf("displays %+v", out.Displays)
	}
	if len(out.Results) != 0 {
		t.Errorf("a cell ending in fmt.Println has an execute_result: %+v", out.Results)
	}
}

// A million Adds send a handful of updates, not a million messages.
func TestProgressThrottled(t *testing.T) {
	start := time.Now()
	out := run(t, `rtBar := display.NewProgress(1000000)
for i := 0; i < 1000000; i++ {
	rtBar.Add(1)
}
rtBar.Done()`)
	elapsed := time.Since(start)
	if len(out.Displays) < 2 {
		t.Fatalf("displays %+v", out.Displays)
	}
	max := 3 + int(elapsed/(100*time.Millisecond))
	if len(out.Displays) > max {
		t.Errorf("%d display messages in %v, want at most %d", len(out.Displays), elapsed, max)
	}
	last := out.Displays[len(out.Displays)-1]
	if last.Data["text/plain"] != "[####################] 100% 1000000/1000000" ||
		!strings.Contains(last.Data["text/html"].(string), "done in") {
		t.Errorf("last update %+v", last)
	}
	t.Logf("%d messages for 1e6 Adds in %v", len(out.Displays), elapsed)
}

func TestCellTypeHTML(t *testing.T) {
	data := result(t, `type rtCelsius float64

func (c rtCelsius) HTML() string { return fmt.Sprintf("<b>%.1f °C</b>", float64(c)) }

func (c rtCelsius) String() string { return fmt.Sprintf("%.1f C", float64(c)) }

rtCelsius(21.5)`, "text/html")
	if data["text/html"] != "<b>21.5 °C</b>" || data["text/plain"] != "21.5 C" {
		t.Errorf("cell type rendered as %v", data)
	}
}

// A broken HTML method costs its MIME type and a warning, not the kernel.
func TestCellTypeHTMLPanics(t *testing.T) {
	out := run(t, `type rtBroken struct{ n int }

func (b rtBroken) HTML() string { panic("no HTML today") }

rtBroken{7}`)
	if len(out.Results) != 1 || out.Results[0].Data["text/plain"] != "{7}" || out.Results[0].Data["text/html"] != nil {
		t.Errorf("results %+v", out.Results)
	}
	if !strings.Contains(out.Stderr, "HTML method panicked (no HTML today)") {
		t.Errorf("stderr %q", out.Stderr)
	}
	if got := result(t, "1 + 1")["text/plain"]; got != "2" {
		t.Errorf("after the panic, 1 + 1 = %v", got)
	}
}

func TestImagePNG(t *testing.T) {
	data := result(t, `import (
	"image"
	"image/color"
)
rtImg := image.NewRGBA(image.Rect(0, 0, 4, 3))
rtImg.Set(1, 1, color.RGBA{R: 255, A: 255})
rtImg`, "image/png")
	raw, err := base64.StdEncoding.DecodeString(data["image/png"].(string))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 4 || b.Dy() != 3 {
		t.Errorf("PNG is %v, want 4×3", b)
	}
	if r, _, _, _ := img.At(1, 1).RGBA(); r != 0xffff {
		t.Errorf("pixel (1, 1) = %v, want red", img.At(1, 1))
	}
	if data["text/plain"] != "<*image.RGBA 4×3>" {
		t.Errorf("text/plain %v", data["text/plain"])
	}
}

func TestCompleteAd(t *testing.T) {
	r, err := client(t).Request(jupytertest.Shell, wire.CompleteRequest, wire.CompleteRequestContent{Code: "ad.", CursorPos: 3})
	if err != nil {
		t.Fatal(err)
	}
	var c wire.CompleteReplyContent
	if err := r.DecodeContent(&c); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, m := range c.Matches {
		have[m] = true
	}
	for _, want := range []string{"Grad", "Jacobian", "Hessian", "Tensor", "CheckGrad"} {
		if !have[want] {
			t.Errorf("completion of ad. lacks %s: %v", want, c.Matches)
		}
	}
	if c.CursorStart != 3 || c.CursorEnd != 3 {
		t.Errorf("cursor %d..%d, want 3..3", c.CursorStart, c.CursorEnd)
	}
}

func TestInspectAdGrad(t *testing.T) {
	for _, code := range []string{"ad.Grad", "ad.Grad(rtF, x)"} {
		r, err := client(t).Request(jupytertest.Shell, wire.InspectRequest, wire.InspectRequestContent{Code: code, CursorPos: 5})
		if err != nil {
			t.Fatal(err)
		}
		var in wire.InspectReplyContent
		if err := r.DecodeContent(&in); err != nil {
			t.Fatal(err)
		}
		text, _ := in.Data["text/plain"].(string)
		if !in.Found || !strings.Contains(text, "func Grad(f Func, x *Tensor") || !strings.Contains(text, "Grad returns the gradient") {
			t.Errorf("inspect %q: found %v, %q", code, in.Found, text)
		}
	}
}

// TestTape renders a Tape (autodiff.Trace) as the kernel shows it.
func TestTape(t *testing.T) {
	if _, ok := symbols.Symbols["github.com/gradbook/gradbook/autodiff/autodiff"]["Trace"]; !ok {
		t.Fatal("autodiff.Trace is not in the symbol tables: run go generate ./kernel/symbols")
	}
	run(t, quadratic)
	data := result(t, "ad.Trace(rtF, ad.Vector(1, 1))", "text/html", "image/svg+xml")
	if h := data["text/html"].(string); !strings.Contains(h, "<table") {
		t.Errorf("text/html %.300q has no table of steps", h)
	}
	if svg := data["image/svg+xml"].(string); !strings.Contains(svg, "<svg") {
		t.Errorf("image/svg+xml %.300q", svg)
	}
}

// BenchmarkB1Kernel runs autodiff's B1 chain (y ← sin(c·y), c = 1.0001,
// y0 = 0.5, 1e5 nodes, then Backward) as a cell of the real kernel: an
// interpreted loop calling ad ops, plus the round trip over ZeroMQ and
// the worker pipe. It reports ns per node for forward+backward.
func BenchmarkB1Kernel(b *testing.B) {
	run(b, "var rtC, rtY0, rtY *ad.Tensor\nrtC = ad.Scalar(1.0001)")
	const cell = `rtY0 = ad.Scalar(0.5).RequiresGrad()
rtY = rtY0
for i := 0; i < 50000; i++ {
	rtY = ad.Sin(ad.Mul(rtC, rtY))
}
rtY.Backward()
rtY0.Grad().Item()`
	for b.Loop() {
		run(b, cell)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e5, "ns/node")
}
