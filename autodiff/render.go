package autodiff

import (
	"html"
	"strconv"
	"strings"
)

// num formats a value compactly (six significant digits).
func num(v float64) string {
	if v == 0 {
		return "0" // also −0
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// String returns the values NumPy-style, [[1 2] [3 4]], followed by the
// kink notices of a derivative result, one per line. A nil tensor (a Grad
// before any Backward) says so.
func (t *Tensor) String() string {
	if t == nil {
		return "<nil: no gradient yet, call Backward first>"
	}
	var sb strings.Builder
	writeNested(&sb, t.data, t.shape, " ")
	for _, h := range t.Kinks() {
		sb.WriteString("\n")
		sb.WriteString(h.String())
	}
	return sb.String()
}

// writeNested writes data of the given shape as nested brackets, NumPy's
// way: elements separated by sep, rows on their own lines indented under
// the opening bracket, and a blank line between the blocks of rank 3 and
// above.
func writeNested(sb *strings.Builder, data []float64, shape []int, sep string) {
	writeNestedAt(sb, data, shape, sep, 1)
}

func writeNestedAt(sb *strings.Builder, data []float64, shape []int, sep string, depth int) {
	if len(shape) == 0 {
		sb.WriteString(num(data[0]))
		return
	}
	sb.WriteByte('[')
	n := shape[0]
	inner := 1
	if n > 0 {
		inner = len(data) / n
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			if len(shape) == 1 {
				sb.WriteString(sep)
			} else {
				sb.WriteString(strings.Repeat("\n", len(shape)-1))
				sb.WriteString(strings.Repeat(" ", depth))
			}
		}
		writeNestedAt(sb, data[i*inner:(i+1)*inner], shape[1:], sep, depth+1)
	}
	sb.WriteByte(']')
}

// LaTeX returns the tensor as a LaTeX formula: a number, a column vector or
// a bmatrix; higher ranks are shown as a list of matrix slices. A Jacobian
// or Hessian result says its layout and shape.
func (t *Tensor) LaTeX() string {
	var sb strings.Builder
	sb.WriteString("$")
	if t.meta != nil && t.meta.jac != nil {
		j := t.meta.jac
		if j.what == "Hessian" {
			sb.WriteString(`\nabla^2 f = `)
		} else {
			sb.WriteString(`\frac{\partial y}{\partial x} = `)
		}
		latexBody(&sb, t, j.isRow())
		if j.what == "Hessian" {
			sb.WriteString(`\quad\text{(Hessian, ` + DerivShape(j.xShape, j.xShape, Framework) + `)}`)
		} else {
			sb.WriteString(`\quad\text{(` + j.layout.String() + ` layout, ` +
				DerivShape(j.yShape, j.xShape, j.layout) + `)}`)
		}
	} else {
		latexBody(&sb, t, false)
	}
	sb.WriteString("$")
	return sb.String()
}

// isRow reports whether a derivative with one dimension is the row (1,n)
// in its layout (a scalar by a vector in the numerator layout, a vector by
// a scalar in the denominator layout), which renderings draw as a row.
func (j *jacInfo) isRow() bool {
	return j.what != "Hessian" && len(derivDims(j.yShape, j.xShape, j.layout)) == 1 &&
		strings.HasPrefix(DerivShape(j.yShape, j.xShape, j.layout), "(1,")
}

// latexBody writes t's numbers: a vector as a column, or as a row when row.
func latexBody(sb *strings.Builder, t *Tensor, row bool) {
	switch len(t.shape) {
	case 0:
		sb.WriteString(num(t.data[0]))
	case 1:
		sep := `\\ `
		if row {
			sep = ` & `
		}
		sb.WriteString(`\begin{bmatrix}`)
		for i, v := range t.data {
			if i > 0 {
				sb.WriteString(sep)
			}
			sb.WriteString(num(v))
		}
		sb.WriteString(`\end{bmatrix}`)
	case 2:
		latexMatrix(sb, t.data, t.shape[0], t.shape[1])
	default:
		// Slices over the leading indices.
		m, n := t.shape[len(t.shape)-2], t.shape[len(t.shape)-1]
		sb.WriteString(`\left[`)
		for s := 0; s*m*n < len(t.data); s++ {
			if s > 0 {
				sb.WriteString(`,\;`)
			}
			latexMatrix(sb, t.data[s*m*n:(s+1)*m*n], m, n)
		}
		sb.WriteString(`\right]`)
	}
}

func latexMatrix(sb *strings.Builder, data []float64, m, n int) {
	sb.WriteString(`\begin{bmatrix}`)
	for i := 0; i < m; i++ {
		if i > 0 {
			sb.WriteString(`\\ `)
		}
		for j := 0; j < n; j++ {
			if j > 0 {
				sb.WriteString(` & `)
			}
			sb.WriteString(num(data[i*n+j]))
		}
	}
	sb.WriteString(`\end{bmatrix}`)
}

// MimeBundle returns what a notebook shows for the tensor: its LaTeX
// (with the shape, or a Jacobian's layout) and its String, so that front
// ends render the matrix as the lecture writes it. HTML stays available
// through the HTML method.
func (t *Tensor) MimeBundle() map[string]any {
	latex := t.LaTeX()
	if t.meta == nil || t.meta.jac == nil {
		latex = strings.TrimSuffix(latex, "$") + `\quad\text{shape ` + FormatShape(t.shape) + `}$`
	}
	for _, h := range t.Kinks() {
		// The notices String shows, on the formula a front end displays.
		latex = strings.TrimSuffix(latex, "$") + `\quad\text{` + latexText(h.String()) + `}$`
	}
	return map[string]any{"text/latex": latex, "text/plain": t.String()}
}

// latexText escapes s for \text{…}.
func latexText(s string) string {
	return strings.NewReplacer(`\`, `\textbackslash{}`, `{`, `\{`, `}`, `\}`, `_`, `\_`, `%`, `\%`,
		`&`, `\&`, `#`, `\#`, `$`, `\$`, `^`, `\^{}`, `~`, `\~{}`).Replace(s)
}

// HTML returns the tensor as an HTML table (a matrix), a row of cells (a
// vector, drawn as a column) or a number, with its shape as a caption, and
// any kink notices below.
func (t *Tensor) HTML() string {
	var sb strings.Builder
	sb.WriteString(`<table class="gradbook-tensor"><caption>shape ` + html.EscapeString(t.shapeCaption()) + `</caption>`)
	switch len(t.shape) {
	case 0:
		sb.WriteString("<tr><td>" + num(t.data[0]) + "</td></tr>")
	case 1:
		if t.meta != nil && t.meta.jac != nil && t.meta.jac.isRow() {
			sb.WriteString("<tr>")
			for _, v := range t.data {
				sb.WriteString("<td>" + num(v) + "</td>")
			}
			sb.WriteString("</tr>")
			break
		}
		for _, v := range t.data {
			sb.WriteString("<tr><td>" + num(v) + "</td></tr>")
		}
	default:
		n := t.shape[len(t.shape)-1]
		for i := 0; i*n < len(t.data); i++ {
			sb.WriteString("<tr>")
			for _, v := range t.data[i*n : (i+1)*n] {
				sb.WriteString("<td>" + num(v) + "</td>")
			}
			sb.WriteString("</tr>")
		}
	}
	sb.WriteString("</table>")
	for _, h := range t.Kinks() {
		sb.WriteString("<p><em>" + html.EscapeString(h.String()) + "</em></p>")
	}
	return sb.String()
}

// shapeCaption is the lecture-style shape, or the derivative shape of a
// Jacobian result with its layout.
func (t *Tensor) shapeCaption() string {
	if t.meta != nil && t.meta.jac != nil {
		j := t.meta.jac
		if j.what == "Hessian" {
			return DerivShape(j.xShape, j.xShape, Framework) + ", Hessian"
		}
		return DerivShape(j.yShape, j.xShape, j.layout) + ", " + j.layout.String() + " layout"
	}
	return FormatShape(t.shape)
}
