package autodiff

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/goccy/go-graphviz"
)

// brief writes a value for a table cell: all of it when small, else its
// first elements and the count.
func brief(v *Tensor) string {
	if v == nil {
		return "—"
	}
	if len(v.data) <= 6 {
		var sb strings.Builder
		writeNested(&sb, v.data, v.shape, " ")
		return strings.ReplaceAll(sb.String(), "\n", "")
	}
	parts := make([]string, 4)
	for i := range parts {
		parts[i] = num(v.data[i])
	}
	return "[" + strings.Join(parts, " ") + " … (" + strconv.Itoa(len(v.data)) + " values)]"
}

// row is one table row of a Tape rendering, as plain cells.
type row []string

var (
	forwardHead  = row{"#", "name", "op", "computed as", "shape", "value"}
	backwardHead = row{"#", "adjoint of", "adjoint", "local rule", "chain rule"}
)

// Long tapes are rendered with their first tableHead and last tableTail
// rows and one row that says how many were left out; the Forward and
// Backward fields always hold every row.
const (
	tableHead = 150
	tableTail = 50
)

// elide shortens rows to the first tableHead and the last tableTail.
func elide(rows []row) []row {
	if len(rows) <= tableHead+tableTail+1 {
		return rows
	}
	gap := make(row, len(rows[0]))
	for i := range gap {
		gap[i] = "⋮"
	}
	gap[1] = fmt.Sprintf("… %d more rows …", len(rows)-tableHead-tableTail)
	out := append(append([]row{}, rows[:tableHead]...), gap)
	return append(out, rows[len(rows)-tableTail:]...)
}

// forwardCells returns the forward pass as table cells.
func (t *Tape) forwardCells() []row {
	var rows []row
	for _, r := range t.Forward {
		expr := r.Name + " = " + r.Expr
		if r.Op == "input" {
			expr = r.Name + " (the variable)"
		}
		rows = append(rows, row{strconv.Itoa(r.Index), r.Name, r.Op, expr, t.shape(r.Shape), brief(r.Value)})
	}
	return elide(rows)
}

// backwardCells returns the reverse pass as table cells.
func (t *Tape) backwardCells() []row {
	var rows []row
	for _, r := range t.Backward {
		rows = append(rows, row{strconv.Itoa(r.Index), r.Name, brief(r.Adjoint), strings.Join(r.Rules, "; "), r.Chain})
	}
	return elide(rows)
}

// constNote lists the constants the function used.
func (t *Tape) constNote() string {
	var parts []string
	for _, c := range t.consts {
		if c.name == num(c.value.data[0]) && len(c.value.data) == 1 {
			continue // a number speaks for itself
		}
		parts = append(parts, c.name+" "+t.shape(c.shape)+" = "+brief(c.value))
	}
	if len(parts) == 0 {
		return ""
	}
	return "constants: " + strings.Join(parts, ", ")
}

// notes returns the lines that follow the tables: constants, the gradient,
// the chain rule or the reason there is no reverse pass.
func (t *Tape) notes() []string {
	var s []string
	if c := t.constNote(); c != "" {
		s = append(s, c)
	}
	if t.Err != nil {
		return append(s, t.Err.Error())
	}
	s = append(s, "gradient: ∇f = "+brief(t.Grad))
	return append(s, "chain rule:\n"+t.ChainRule())
}

// String returns the two passes as aligned plain-text tables followed by the
// constants, the gradient and the chain rule.
func (t *Tape) String() string {
	var buf bytes.Buffer
	table := func(title string, head row, rows []row) {
		buf.WriteString(title + "\n")
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		for _, r := range append([]row{head}, rows...) {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		tw.Flush()
	}
	table("forward pass", forwardHead, t.forwardCells())
	if t.Err == nil {
		buf.WriteString("\n")
		table("backward pass", backwardHead, t.backwardCells())
	}
	buf.WriteString("\n" + strings.Join(t.notes(), "\n") + "\n")
	return buf.String()
}

// Markdown returns the two passes as Markdown tables followed by the
// constants, the gradient and the chain rule.
func (t *Tape) Markdown() string {
	var sb strings.Builder
	table := func(title string, head row, rows []row) {
		sb.WriteString("**" + title + "**\n\n")
		for i, r := range append([]row{head}, rows...) {
			cells := make([]string, len(r))
			for j, c := range r {
				cells[j] = strings.ReplaceAll(c, "|", `\|`)
			}
			sb.WriteString("| " + strings.Join(cells, " | ") + " |\n")
			if i == 0 {
				sb.WriteString(strings.Repeat("|---", len(r)) + "|\n")
			}
		}
		sb.WriteString("\n")
	}
	table("forward pass", forwardHead, t.forwardCells())
	if t.Err == nil {
		table("backward pass", backwardHead, t.backwardCells())
	}
	for _, n := range t.notes() {
		if strings.HasPrefix(n, "chain rule:\n") {
			sb.WriteString("chain rule:\n\n```\n" + strings.TrimPrefix(n, "chain rule:\n") + "\n```\n")
			continue
		}
		sb.WriteString(n + "\n\n")
	}
	return sb.String()
}

// HTML returns the two passes as HTML tables, the notes, and the graph as
// inline SVG.
func (t *Tape) HTML() string { return t.html(t.SVG()) }

func (t *Tape) html(svg string) string {
	var sb strings.Builder
	sb.WriteString(`<div class="gradbook-tape">`)
	table := func(title string, head row, rows []row) {
		sb.WriteString(`<table class="gradbook-tape"><caption>` + title + `</caption><tr>`)
		for _, h := range head {
			sb.WriteString("<th>" + html.EscapeString(h) + "</th>")
		}
		sb.WriteString("</tr>")
		for _, r := range rows {
			sb.WriteString("<tr>")
			for _, c := range r {
				sb.WriteString("<td>" + html.EscapeString(c) + "</td>")
			}
			sb.WriteString("</tr>")
		}
		sb.WriteString("</table>")
	}
	table("forward pass", forwardHead, t.forwardCells())
	if t.Err == nil {
		table("backward pass", backwardHead, t.backwardCells())
	}
	for _, n := range t.notes() {
		sb.WriteString("<pre>" + html.EscapeString(n) + "</pre>")
	}
	sb.WriteString(svg)
	sb.WriteString("</div>")
	return sb.String()
}

var (
	texPartial = regexp.MustCompile(`∂([^\s/·]+)/∂([^\s/·]+)`)
	texIndexed = regexp.MustCompile(`\b([A-Za-z]+)([0-9]+)\b`)
	texSup     = regexp.MustCompile(`[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+`)
	texWords   = strings.NewReplacer(
		"⟨", `\langle `, "⟩", `\rangle `, "‖", `\|`, "⊙", `\odot `, "·", `\cdot `, "−", "-", "ᵀ", `^{\top}`,
		"σ", `\sigma`, "√", `\sqrt `, "exp(", `\exp(`, "log", `\log `, "tanh", `\tanh `, "sin", `\sin `,
		"cos", `\cos `, "diag", `\operatorname{diag}`, "relu", `\operatorname{relu}`, "sign",
		`\operatorname{sign}`, "sum", `\operatorname{sum}`, "max", `\max`, "reshape", `\operatorname{reshape}`,
		"[", `[`, "∇", `\nabla `)
	supDigits = strings.NewReplacer("⁻", "-", "⁰", "0", "¹", "1", "²", "2", "³", "3", "⁴", "4", "⁵", "5",
		"⁶", "6", "⁷", "7", "⁸", "8", "⁹", "9")
)

// tex turns the package's Unicode notation into LaTeX.
func tex(s string) string {
	s = texSup.ReplaceAllStringFunc(s, func(m string) string { return "^{" + supDigits.Replace(m) + "}" })
	s = texIndexed.ReplaceAllString(s, "${1}_{${2}}")
	s = texWords.Replace(s)
	return texPartial.ReplaceAllString(s, `\frac{\partial ${1}}{\partial ${2}}`)
}

// texValue writes a value in LaTeX: a number, or a (short) vector or matrix.
func texValue(v *Tensor) string {
	if len(v.data) > 12 {
		return `\text{` + FormatShape(v.shape) + ` tensor}`
	}
	var sb strings.Builder
	latexBody(&sb, v, false)
	return sb.String()
}

// LaTeX returns the formulas of the tape as one aligned display: each
// forward step with its value, each backward step with its chain rule and
// adjoint, and the chain rule of the input with the shape of every factor
// under it.
func (t *Tape) LaTeX() string {
	var lines []string
	gap := map[int]bool{} // a wider space before these lines
	for _, r := range t.Forward {
		if r.Op == "input" {
			lines = append(lines, tex(r.Name)+` &= `+texValue(r.Value))
			continue
		}
		lines = append(lines, tex(r.Name)+` &= `+tex(r.Expr)+` = `+texValue(r.Value))
	}
	if t.Err == nil && len(t.Backward) > 1 {
		gap[len(lines)] = true
		for _, r := range t.Backward[1:] {
			eq := strings.SplitN(r.Chain, " = ", 2)
			line := tex(eq[0]) + ` &= ` + tex(eq[1])
			if rules := strings.Join(r.Rules, ",\\; "); !strings.HasSuffix(r.Chain, rules) {
				line += `\quad(` + tex(rules) + `)`
			}
			lines = append(lines, line+` = `+texValue(r.Adjoint))
		}
		if ch := t.chainLaTeX(); ch != "" {
			gap[len(lines)] = true
			lines = append(lines, ch)
		}
	}
	var sb strings.Builder
	for i, l := range lines {
		switch {
		case gap[i]:
			sb.WriteString(` \\[6pt]` + "\n")
		case i > 0:
			sb.WriteString(` \\` + "\n")
		}
		sb.WriteString(l)
	}
	return "$$\\begin{aligned}\n" + sb.String() + "\n\\end{aligned}$$"
}

// chainLaTeX is the chain rule of the input with \underbrace shapes.
func (t *Tape) chainLaTeX() string {
	if t.input < 0 {
		return ""
	}
	ps := t.chainTerms(t.input)
	if ps == nil {
		return ""
	}
	ub := func(text, shape string) string { return `\underbrace{` + tex(text) + `}_{` + shape + `}` }
	out := t.nodes[t.root].name
	var terms []string
	for _, p := range ps {
		var fs []string
		for _, f := range p {
			fs = append(fs, ub(f.text, f.shape))
		}
		terms = append(terms, strings.Join(fs, `\cdot `))
	}
	lhs := ub(partial(out, t.nodes[t.input].name), t.derivShape(t.root, t.input))
	return lhs + ` &= ` + strings.Join(terms, " + ")
}

// dotQuote quotes a DOT string.
func dotQuote(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + strings.ReplaceAll(s, "\n", `\n`) + `"`
}

// maxSharedUses is how many uses a named constant may have and still be
// drawn once, with an edge to each use; beyond it, and for unnamed numbers,
// each use gets its own box. Long edges from one shared box across the
// whole graph make Graphviz's layout very slow.
const maxSharedUses = 4

// maxGraphNodes bounds the graphs SVG lays out: Graphviz's layout time
// grows quickly with the size of the graph, and a notebook must not hang.
const maxGraphNodes = 120

// DOT returns the computation graph in Graphviz's DOT language: the input
// (blue), the constants (dashed), one node per operation with its formula,
// shape, value and adjoint, and on each edge the local derivative that the
// reverse pass multiplied by. Values no adjoint reached (paths not needed
// for the output) are grey. A number, or a constant used more than four
// times, gets a box at each use.
func (t *Tape) DOT() string {
	var sb strings.Builder
	sb.WriteString("digraph tape {\n\trankdir=LR;\n\tnslimit=4; mclimit=0.5;\n" +
		"\tnode [fontname=\"Helvetica\", fontsize=11];\n" +
		"\tedge [fontname=\"Helvetica\", fontsize=10, color=\"#555555\"];\n")
	uses := make([]int, len(t.consts))
	for _, n := range t.nodes {
		for _, a := range n.args {
			if a.node < 0 {
				uses[a.k]++
			}
		}
	}
	shared := func(a targ) bool {
		return uses[a.k] <= maxSharedUses && !(len(a.value.data) == 1 && a.name == num(a.value.data[0]))
	}
	constBox := func(id string, c targ) {
		fmt.Fprintf(&sb, "\t%s [shape=box, style=dashed, label=%s];\n", id, dotQuote(c.name+"\n"+t.shape(c.shape)))
	}
	for k, c := range t.consts {
		if shared(c) {
			constBox("c"+strconv.Itoa(k), c)
		}
	}
	for i, n := range t.nodes {
		label := fmt.Sprintf("#%d  %s = %s\n%s = %s", i, n.name, t.expr(i), t.shape(n.shape), brief(n.value))
		attrs := "shape=ellipse"
		if n.op == opLeaf {
			label = fmt.Sprintf("#%d  %s (variable)\n%s = %s", i, n.name, t.shape(n.shape), brief(n.value))
			attrs = "shape=box, style=\"rounded,filled\", fillcolor=\"#dbeafe\""
		}
		if n.adj != nil {
			label += "\nadjoint " + brief(n.adj)
		} else if t.Err == nil {
			attrs += ", color=\"#aaaaaa\", fontcolor=\"#888888\""
			label += "\nnot needed for the output"
		}
		fmt.Fprintf(&sb, "\tn%d [%s, label=%s];\n", i, attrs, dotQuote(label))
		for j, a := range n.args {
			switch {
			case a.node >= 0:
				fmt.Fprintf(&sb, "\tn%d -> n%d [label=%s];\n", a.node, i, dotQuote(t.local(i, j)))
			case shared(a):
				fmt.Fprintf(&sb, "\tc%d -> n%d [style=dashed];\n", a.k, i)
			default:
				id := fmt.Sprintf("c%d_%d_%d", a.k, i, j)
				constBox(id, a)
				fmt.Fprintf(&sb, "\t%s -> n%d [style=dashed];\n", id, i)
			}
		}
	}
	sb.WriteString("}\n")
	return sb.String()
}

// SVG returns the computation graph of DOT laid out and drawn by Graphviz
// (github.com/goccy/go-graphviz, which runs Graphviz compiled to
// WebAssembly, without cgo). A graph of more than 120 values is not laid
// out (that could take minutes): the SVG says so, and the tables still
// list every step. If Graphviz fails, the SVG shows the error.
func (t *Tape) SVG() string {
	if len(t.nodes) > maxGraphNodes {
		return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="560" height="40"><text x="4" y="24">`+
			`the graph has %d values, more than the %d that are drawn: see the tables</text></svg>`, len(t.nodes), maxGraphNodes)
	}
	svg, err := renderDOT(t.DOT())
	if err != nil {
		return `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="40"><text x="4" y="24">` +
			html.EscapeString("graphviz: "+err.Error()) + `</text></svg>`
	}
	return svg
}

// graphvizMu serializes the use of Graphviz: go-graphviz runs one
// WebAssembly instance for the whole process, which is not safe for
// concurrent use.
var graphvizMu sync.Mutex

// renderDOT lays out a DOT graph with Graphviz and returns the SVG element,
// without the XML prolog so that it can be inlined in HTML.
func renderDOT(dot string) (string, error) {
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	ctx := context.Background()
	g, err := graphviz.New(ctx)
	if err != nil {
		return "", err
	}
	defer g.Close()
	graph, err := graphviz.ParseBytes([]byte(dot))
	if err != nil {
		return "", err
	}
	defer graph.Close()
	var buf bytes.Buffer
	if err := g.Render(ctx, graph, graphviz.SVG, &buf); err != nil {
		return "", err
	}
	s := buf.String()
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	return s, nil
}

// MimeBundle returns every rendering of the tape by MIME type, for the
// notebook: text/html (the tables and the graph), image/svg+xml (the
// graph), text/markdown, text/latex and text/plain.
func (t *Tape) MimeBundle() map[string]any {
	svg := t.SVG()
	return map[string]any{
		"text/html":     t.html(svg),
		"image/svg+xml": svg,
		"text/markdown": t.Markdown(),
		"text/latex":    t.LaTeX(),
		"text/plain":    t.String(),
	}
}
