package autodiff

import (
	"fmt"
	"html"
	"math"
	"strings"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// GradCheck compares a derivative computed by automatic differentiation
// with central finite differences (gonum's diff/fd), element by element.
type GradCheck struct {
	Analytic *Tensor // AD: the gradient (x's shape) or the Jacobian (framework layout)
	Numeric  *Tensor // central differences, same shape
	AbsErr   *Tensor // |Analytic − Numeric| per entry
	RelErr   *Tensor // AbsErr / max(|Analytic|, |Numeric|), 0 where both are 0
	MaxAbs   float64 // largest absolute error
	MaxRel   float64 // largest relative error
	Step     float64 // the finite-difference step used
}

// CheckGrad differentiates f at x with reverse mode and with gonum's central
// differences and reports the errors per input element. For a scalar f it
// compares gradients; otherwise Jacobians (Framework layout). Central
// differences have an error of order h² + ε/h, about 1e-10 for smooth
// functions of moderate size; larger errors point at a wrong derivative or a
// kink near x. x is not modified.
func CheckGrad(f Func, x *Tensor) GradCheck {
	n := len(x.data)
	eval := func(v []float64) *Tensor {
		return f(New(x.shape, v))
	}
	y0 := eval(x.Data())
	const step = 6e-6 // ≈ ε^(1/3), gonum's default for the central formula
	var gc GradCheck
	gc.Step = step
	if len(y0.data) == 1 {
		gc.Analytic = Grad(f, x)
		num := fd.Gradient(nil, func(v []float64) float64 { return eval(v).data[0] }, x.Data(),
			&fd.Settings{Formula: fd.Central, Step: step})
		gc.Numeric = New(x.shape, num)
	} else {
		m := len(y0.data)
		gc.Analytic = Jacobian(f, x, Framework, Reverse)
		dst := mat.NewDense(m, n, nil)
		fd.Jacobian(dst, func(y, v []float64) { copy(y, eval(v).data) }, x.Data(),
			&fd.JacobianSettings{Formula: fd.Central, Step: step})
		gc.Numeric = New(gc.Analytic.shape, dst.RawMatrix().Data)
	}
	gc.AbsErr = newTensor(gc.Analytic.shape)
	gc.RelErr = newTensor(gc.Analytic.shape)
	for i, a := range gc.Analytic.data {
		b := gc.Numeric.data[i]
		e := math.Abs(a - b)
		r := 0.0
		if s := math.Max(math.Abs(a), math.Abs(b)); s > 0 {
			r = e / s
		}
		gc.AbsErr.data[i], gc.RelErr.data[i] = e, r
		gc.MaxAbs = math.Max(gc.MaxAbs, e)
		gc.MaxRel = math.Max(gc.MaxRel, r)
	}
	return gc
}

// OK reports whether every entry agrees within tol, absolutely or
// relatively: |a − n| ≤ tol·max(1, |a|, |n|).
func (gc GradCheck) OK(tol float64) bool {
	for i, e := range gc.AbsErr.data {
		s := math.Max(1, math.Max(math.Abs(gc.Analytic.data[i]), math.Abs(gc.Numeric.data[i])))
		if !(e <= tol*s) {
			return false
		}
	}
	return true
}

// String returns a one-line summary: the largest errors and the step, and,
// when AD met a kink, why the two may then disagree.
func (gc GradCheck) String() string {
	s := fmt.Sprintf("gradcheck: max abs error %.3g, max rel error %.3g (central differences, h = %g, %d entries)",
		gc.MaxAbs, gc.MaxRel, gc.Step, len(gc.AbsErr.data))
	if hits := gc.Analytic.Kinks(); len(hits) > 0 {
		s += fmt.Sprintf("; x is at a kink (%s): central differences there average the slopes on either side, "+
			"AD uses one subgradient, so they need not agree", strings.TrimPrefix(hits[0].String(), "kink: "))
		if len(hits) > 1 {
			s += fmt.Sprintf(" (and %d more kinks)", len(hits)-1)
		}
	}
	return s
}

// Markdown returns a table with one row per entry: AD value, finite
// difference, absolute and relative error.
func (gc GradCheck) Markdown() string {
	var sb strings.Builder
	sb.WriteString("| entry | AD | central difference | abs error | rel error |\n|---|---|---|---|---|\n")
	for i := range gc.AbsErr.data {
		fmt.Fprintf(&sb, "| %d | %.10g | %.10g | %.2e | %.2e |\n", i, gc.Analytic.data[i], gc.Numeric.data[i],
			gc.AbsErr.data[i], gc.RelErr.data[i])
	}
	sb.WriteString("\n" + gc.String() + "\n")
	return sb.String()
}

// HTML returns the table of Markdown as HTML.
func (gc GradCheck) HTML() string {
	var sb strings.Builder
	sb.WriteString(`<table class="gradbook-gradcheck"><tr><th>entry</th><th>AD</th><th>central difference</th><th>abs error</th><th>rel error</th></tr>`)
	for i := range gc.AbsErr.data {
		fmt.Fprintf(&sb, "<tr><td>%d</td><td>%.10g</td><td>%.10g</td><td>%.2e</td><td>%.2e</td></tr>", i,
			gc.Analytic.data[i], gc.Numeric.data[i], gc.AbsErr.data[i], gc.RelErr.data[i])
	}
	sb.WriteString("</table><p>" + html.EscapeString(gc.String()) + "</p>")
	return sb.String()
}
