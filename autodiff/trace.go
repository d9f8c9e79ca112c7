package autodiff

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Tape is the step-by-step record of one evaluation of a function and of
// its reverse pass, made by Trace. Its rows name every value the way the
// lecture does: a tensor named with Named keeps its name (x, w, a, b, z);
// unnamed intermediates are called v1, v2, … after their tape index.
//
// A Tape renders itself: String (plain text), Markdown and HTML (tables),
// LaTeX (the formulas), DOT and SVG (the computation graph, laid out by
// Graphviz), and MimeBundle (all of them, for the notebook).
type Tape struct {
	Forward  []ForwardRow  // the forward pass, in evaluation order
	Backward []BackwardRow // the reverse pass, from the output back to the input
	Input    *Tensor       // a copy of the x Trace was called with
	Output   *Tensor       // f(x)
	Grad     *Tensor       // the gradient of f at x (x's shape); nil when Err is set
	Err      error         // why there is no reverse pass (ErrNotScalar), or nil

	nodes  []tnode
	consts []targ         // constants the function used, in order of first use
	users  [][]edge       // users[i]: the nodes that use node i, and as which argument
	input  int            // node index of the input, −1 if f did not use it
	root   int            // node index of the output, −1 if f(x) does not depend on x
	dims   map[int]string // symbolic dimension names, see DimName
}

// ForwardRow is one step of the forward pass: Name = Expr, computed by Op
// from Inputs.
type ForwardRow struct {
	Index  int      // position on the tape, a topological order
	Name   string   // the tensor's name: given by Named, else v<Index>
	Op     string   // the operation: "input", "Dot", "Sub", "Pow", …
	Expr   string   // the operation written with its inputs' names: "⟨x, w⟩"
	Inputs []string // the operands' names; an unnamed one-element constant by its value
	Shape  []int    // the shape of the value
	Value  *Tensor  // the value
}

// BackwardRow is one step of the reverse pass: the adjoint of one value,
// complete once every value that used it has passed its adjoint back.
type BackwardRow struct {
	Index   int      // the value's position on the tape
	Name    string   // the value's name, as in the forward pass
	Adjoint *Tensor  // ∂y/∂v for the output y, in gradient form (v's shape)
	Rules   []string // the local derivatives used, "∂z/∂b = 2b"; "∂z/∂z = 1" for the output
	Chain   string   // how the adjoint was formed: "∂z/∂a = ∂z/∂b · ∂b/∂a"
}

// tnode is one value on a Tape: a recorded operation or an input.
type tnode struct {
	op    opcode
	name  string
	args  []targ
	shape []int
	value *Tensor
	adj   *Tensor // nil when no adjoint reached the node
	lo    int     // flat offset of a Slice or Pad
}

// targ is an operand: a node, or a constant the function captured.
type targ struct {
	node  int // node index, or −1 for a constant
	k     int // index in Tape.consts of a constant
	name  string
	shape []int
	value *Tensor
}

// edge is one use of a node: as argument arg of node user.
type edge struct{ user, arg int }

// Trace evaluates f at x with reverse mode, as Grad does, and returns the
// record of both passes. x is the variable (it is copied and keeps its
// name, "x" if it has none); tensors that f captures are constants, shown
// by their names. Name intermediates inside f with Named to have the rows
// read like the lecture:
//
//	a := ad.Dot(x, w).Named("a")
//	b := ad.Sub(a, y).Named("b")
//	return ad.Pow(b, ad.Scalar(2)).Named("z")
//
// If f(x) has more than one element there is no reverse pass: Backward is
// empty and Err wraps ErrNotScalar. Options: Kink.
func Trace(f Func, x *Tensor, opts ...Option) *Tape {
	cfg := newConfig(opts)
	xx := x.clone()
	if xx.Name() == "" {
		xx.Named("x")
	}
	xx.req = true
	xx.keep = true // every node of its graph keeps its tensors, for the tables
	y := f(xx)
	t := &Tape{Input: x.clone(), Output: y.clone(), input: -1, root: -1}
	if t.Input.Name() == "" {
		t.Input.Named("x")
	}
	tp, root := y.resolve()
	if tp == nil && y.req {
		tp = &tape{}
		root = tp.ref(y)
	}
	if tp == nil || tp.freed || root < 0 {
		t.Grad = newTensor(x.Shape())
		t.finish()
		return t
	}
	t.readTape(tp, root)
	if _, xi := xx.resolve(); xi >= 0 && int(xi) < len(t.nodes) {
		t.input = int(xi)
	}
	t.root = int(root)
	if len(y.data) != 1 {
		_, _, t.Err = y.graph("Trace")
		tp.free()
		t.finish()
		return t
	}
	b := tp.reverse(root, []float64{1}, 1, &cfg.kink, false)
	for i := range t.nodes {
		if b.touched[i] {
			adj := newTensor(append([]int(nil), t.nodes[i].shape...))
			copy(adj.data, b.adj(int32(i)))
			t.nodes[i].adj = adj
		}
	}
	b.release()
	tp.free()
	t.Grad = newTensor(x.Shape())
	if t.input >= 0 && t.nodes[t.input].adj != nil {
		copy(t.Grad.data, t.nodes[t.input].adj.data)
	}
	t.finish()
	return t
}

// readTape copies the nodes 0…root of tp into t, naming them.
func (t *Tape) readTape(tp *tape, root int32) {
	constIdx := map[*Tensor]int{}
	t.nodes = make([]tnode, root+1)
	t.users = make([][]edge, root+1)
	for i := int32(0); i <= root; i++ {
		nd := tp.at(i)
		na, nb, nout := tp.operands(nd)
		n := tnode{op: nd.op, shape: nout.Shape(), value: nout.clone()}
		if nd.ext >= 0 {
			n.lo = tp.extOf(nd).lo
		}
		n.name = nout.Name()
		if n.name == "" {
			n.name = "v" + strconv.Itoa(int(i))
		}
		for j, p := range [2]int32{nd.pa, nd.pb} {
			x := na
			if j == 1 {
				x = nb
			}
			if x == nil {
				continue
			}
			a := targ{node: int(p), shape: x.Shape(), value: x}
			if p >= 0 {
				a.name = t.nodes[p].name
				t.users[p] = append(t.users[p], edge{int(i), j})
			} else {
				k, ok := constIdx[x]
				if !ok {
					k = len(t.consts)
					constIdx[x] = k
					c := targ{node: -1, k: k, shape: x.Shape(), value: x.clone(), name: x.Name()}
					if c.name == "" {
						if len(x.data) == 1 {
							c.name = num(x.data[0])
						} else {
							c.name = "c" + strconv.Itoa(k+1)
						}
					}
					t.consts = append(t.consts, c)
				}
				a = t.consts[k]
			}
			n.args = append(n.args, a)
		}
		t.nodes[i] = n
	}
}

// finish builds the exported rows from the nodes.
func (t *Tape) finish() {
	t.Forward = t.Forward[:0]
	for i, n := range t.nodes {
		row := ForwardRow{Index: i, Name: n.name, Op: n.op.String(), Expr: t.expr(i), Shape: append([]int{}, n.shape...), Value: n.value}
		for _, a := range n.args {
			row.Inputs = append(row.Inputs, a.name)
		}
		t.Forward = append(t.Forward, row)
	}
	t.Backward = t.Backward[:0]
	if t.root < 0 || t.Err != nil {
		return
	}
	out := t.nodes[t.root].name
	for i := t.root; i >= 0; i-- {
		n := t.nodes[i]
		if n.adj == nil {
			continue
		}
		row := BackwardRow{Index: i, Name: n.name, Adjoint: n.adj}
		if i == t.root {
			row.Rules = []string{partial(out, out) + " = 1"}
			row.Chain = partial(out, out) + " = 1"
			t.Backward = append(t.Backward, row)
			continue
		}
		var terms []string
		for _, user := range t.usersOf(i) {
			u := t.nodes[user].name
			local := t.localOf(user, i)
			row.Rules = append(row.Rules, partial(u, n.name)+" = "+local)
			if user == t.root {
				terms = append(terms, local)
			} else {
				terms = append(terms, partial(out, u)+" · "+partial(u, n.name))
			}
		}
		row.Chain = partial(out, n.name) + " = " + strings.Join(terms, " + ")
		t.Backward = append(t.Backward, row)
	}
}

// usersOf returns the nodes that use node i and received an adjoint,
// each once, in the order they first used it.
func (t *Tape) usersOf(i int) []int {
	var us []int
	for _, e := range t.users[i] {
		if t.nodes[e.user].adj != nil && !slices.Contains(us, e.user) {
			us = append(us, e.user)
		}
	}
	return us
}

// localOf is the local derivative ∂u/∂v of node u by node v, adding up the
// rules of every argument of u that is v: x·x gives 2x, x + x gives 2.
func (t *Tape) localOf(u, v int) string {
	var parts []string
	for _, e := range t.users[v] {
		if e.user == u {
			parts = append(parts, t.local(u, e.arg))
		}
	}
	if len(parts) == 2 && parts[0] == parts[1] {
		if parts[0] == "1" {
			return "2"
		}
		return juxt("2", parts[0])
	}
	if len(parts) > 1 {
		return "(" + strings.Join(parts, " + ") + ")"
	}
	return parts[0]
}

// partial writes ∂y/∂x.
func partial(y, x string) string { return "∂" + y + "/∂" + x }

// juxt writes a product of two factors: by juxtaposition when the second is
// a one-letter name (2b, Xw), with a centred dot otherwise (2·v3).
func juxt(a, b string) string {
	base := strings.TrimRight(b, "ᵀ⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
	if len([]rune(base)) == 1 || strings.HasPrefix(b, "(") {
		return a + b
	}
	return a + "·" + b
}

// paren wraps a compound operand in parentheses.
func paren(s string) string {
	if len([]rune(s)) == 1 || !strings.ContainsAny(s, " +−-·/") {
		return s
	}
	return "(" + s + ")"
}

// superscript writes a small integer exponent with superscript digits, or
// "^p" otherwise.
func superscript(p float64) string {
	if p == float64(int(p)) && p >= -9 && p <= 99 {
		const sup = "⁰¹²³⁴⁵⁶⁷⁸⁹"
		digits := []rune(sup)
		var sb strings.Builder
		v := int(p)
		if v < 0 {
			sb.WriteRune('⁻')
			v = -v
		}
		for _, c := range strconv.Itoa(v) {
			sb.WriteRune(digits[c-'0'])
		}
		return sb.String()
	}
	return "^" + num(p)
}

// constExponent returns the value of a one-element constant operand.
func constExponent(a targ) (float64, bool) {
	if a.node < 0 && len(a.value.data) == 1 {
		return a.value.data[0], true
	}
	return 0, false
}

// expr writes node i's operation with its operands' names.
func (t *Tape) expr(i int) string {
	n := t.nodes[i]
	if n.op == opLeaf {
		return "input"
	}
	a := paren(n.args[0].name)
	var b string
	if len(n.args) > 1 {
		b = paren(n.args[1].name)
	}
	switch n.op {
	case opAdd:
		return n.args[0].name + " + " + n.args[1].name
	case opSub:
		return n.args[0].name + " − " + b
	case opMul:
		if len(n.value.data) == 1 || len(n.args[0].value.data) == 1 || len(n.args[1].value.data) == 1 {
			return a + "·" + b
		}
		return a + " ⊙ " + b
	case opDiv:
		return a + "/" + b
	case opPow:
		if p, ok := constExponent(n.args[1]); ok {
			return a + superscript(p)
		}
		return a + "^" + b
	case opMax:
		return "max(" + n.args[0].name + ", " + n.args[1].name + ")"
	case opNeg:
		return "−" + a
	case opSqrt:
		return "√" + a
	case opAbs:
		return "|" + n.args[0].name + "|"
	case opSigmoid:
		return "σ(" + n.args[0].name + ")"
	case opExp, opLog, opSin, opCos, opTanh:
		return strings.ToLower(n.op.String()) + "(" + n.args[0].name + ")"
	case opReLU:
		return "relu(" + n.args[0].name + ")"
	case opSum:
		return "sum(" + n.args[0].name + ")"
	case opNorm2Sq:
		return "‖" + n.args[0].name + "‖²"
	case opDot:
		return "⟨" + n.args[0].name + ", " + n.args[1].name + "⟩"
	case opMatMul:
		if len(n.args[0].shape) == 1 {
			return juxt(a+"ᵀ", b)
		}
		return juxt(a, b)
	case opTranspose:
		return a + "ᵀ"
	case opReshape:
		return "reshape(" + n.args[0].name + ", " + t.shape(n.shape) + ")"
	case opSlice:
		from, to := t.sliceRange(i)
		return fmt.Sprintf("%s[%d:%d]", a, from, to)
	case opPad:
		return "pad(" + n.args[0].name + ")"
	case opCheckpoint:
		return "checkpoint(" + n.args[0].name + ")"
	}
	return n.op.String() + "(" + n.args[0].name + ")"
}

// sliceRange returns the first-axis range of Slice node i.
func (t *Tape) sliceRange(i int) (from, to int) {
	n := t.nodes[i]
	in := n.args[0].shape
	inner := 1
	for _, d := range in[1:] {
		inner *= d
	}
	if inner == 0 {
		return 0, 0
	}
	from = n.lo / inner
	return from, from + n.shape[0]
}

// local writes the local derivative ∂u/∂v of node u with respect to its
// argument arg, in the numerator layout: a number or a name for scalars,
// diag(…) for an elementwise op on a vector, xᵀ for ⟨x, w⟩ by w, X for Xw
// by w. Its shape is DerivShape(shape u, shape v, Numerator).
func (t *Tape) local(u, arg int) string {
	n := t.nodes[u]
	a := n.args[0]
	an := paren(a.name)
	var bn string
	var b targ
	if len(n.args) > 1 {
		b = n.args[1]
		bn = paren(b.name)
	}
	self := n.args[arg]
	vec := len(n.value.data) > 1 && len(self.value.data) > 1 // diag(…) form
	scale := func(c string) string {
		if !vec {
			return c
		}
		switch c {
		case "1":
			return "I"
		case "−1":
			return "−I"
		}
		return "diag(" + c + ")"
	}
	if n.op.elementwise() {
		var s string
		switch n.op {
		case opAdd:
			s = "1"
		case opSub:
			s = "1"
			if arg == 1 {
				s = "−1"
			}
		case opMul:
			s = n.args[1-arg].name
		case opDiv:
			s = "1/" + bn
			if arg == 1 {
				s = "−" + an + "/" + bn + "²"
			}
		case opPow:
			if arg == 1 {
				s = n.name + "·log " + an
				break
			}
			p, ok := constExponent(b)
			switch {
			case !ok:
				s = bn + "·" + an + "^(" + bn + "−1)"
			case p == 1:
				s = "1"
			case p == 2:
				s = juxt("2", an)
			case p == -1:
				s = "−" + an + superscript(p-1)
			default:
				s = juxt(strings.Replace(num(p), "-", "−", 1), an+superscript(p-1))
			}
		case opMax:
			s = "[" + a.name + " > " + b.name + "]"
			if arg == 1 {
				s = "[" + b.name + " > " + a.name + "]"
			}
		case opNeg:
			s = "−1"
		case opExp:
			s = "exp(" + a.name + ")"
		case opLog:
			s = "1/" + an
		case opSin:
			s = "cos(" + a.name + ")"
		case opCos:
			s = "−sin(" + a.name + ")"
		case opTanh:
			s = "1 − tanh²(" + a.name + ")"
		case opSigmoid:
			s = "σ(" + a.name + ")(1 − σ(" + a.name + "))"
		case opSqrt:
			s = "1/(2√" + an + ")"
		case opAbs:
			s = "sign(" + a.name + ")"
		case opReLU:
			s = "[" + a.name + " > 0]"
		}
		return scale(s)
	}
	switch n.op {
	case opSum:
		if len(a.value.data) == 1 {
			return "1"
		}
		return "1ᵀ"
	case opNorm2Sq:
		if len(a.value.data) == 1 {
			return juxt("2", an)
		}
		return juxt("2", an+"ᵀ")
	case opDot:
		return paren(n.args[1-arg].name) + "ᵀ"
	case opMatMul:
		switch {
		case arg == 1 && len(b.shape) == 1:
			return a.name // ∂(Aw)/∂w = A
		case arg == 0 && len(a.shape) == 1:
			return bn + "ᵀ" // ∂(xᵀB)/∂x = Bᵀ
		}
	case opReshape:
		if len(n.value.data) == 1 {
			return "1"
		}
		return "I"
	}
	return partial(n.name, self.name)
}

// shape writes a shape the lecture's way with the symbolic dimension names
// of DimName.
func (t *Tape) shape(s []int) string { return t.symbolic(FormatShape(s)) }

// symbolic replaces the dimensions named by DimName in a written shape.
func (t *Tape) symbolic(s string) string {
	if len(t.dims) == 0 {
		return s
	}
	var sb strings.Builder
	tok := func(d string) {
		if v, err := strconv.Atoi(d); err == nil {
			if name, ok := t.dims[v]; ok {
				sb.WriteString(name)
				return
			}
		}
		sb.WriteString(d)
	}
	start := -1
	for i, c := range s {
		if c >= '0' && c <= '9' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			tok(s[start:i])
			start = -1
		}
		sb.WriteRune(c)
	}
	if start >= 0 {
		tok(s[start:])
	}
	return sb.String()
}

// DimName makes every dimension of the given size read as name in the
// tape's shapes (the chain rule, the tables, the graph): with n = 3 for
// vectors of three elements, (1,3) reads (1,n). Sizes below 2 cannot be
// named, as (1,) and the 1 of a row (1,n) are not dimensions of x. It
// returns t.
func (t *Tape) DimName(size int, name string) *Tape {
	if size < 2 {
		return t
	}
	if t.dims == nil {
		t.dims = map[int]string{}
	}
	t.dims[size] = name
	return t
}

// factor is one local derivative in a chain-rule product.
type factor struct {
	text  string
	shape string
}

// maxChainPaths bounds the paths the chain-rule view writes out one by one.
const maxChainPaths = 6

// paths returns the paths from node i up to the output, as lists of the
// local derivatives along them from the output end, or ok = false if there
// are more than maxChainPaths.
func (t *Tape) paths(i int) (ps [][]factor, ok bool) {
	if i == t.root {
		return [][]factor{nil}, true
	}
	for _, user := range t.usersOf(i) {
		up, ok := t.paths(user)
		if !ok {
			return nil, false
		}
		f := factor{t.localOf(user, i), t.derivShape(user, i)}
		for _, p := range up {
			ps = append(ps, append(append([]factor{}, p...), f))
			if len(ps) > maxChainPaths {
				return nil, false
			}
		}
	}
	return ps, true
}

// derivShape is the numerator-layout shape of ∂u/∂v for nodes u and v.
func (t *Tape) derivShape(u, v int) string {
	return t.symbolic(DerivShape(t.nodes[u].shape, t.nodes[v].shape, Numerator))
}

// ChainRule returns the chain-rule product the reverse pass formed for the
// input x: one factor per operation on the path from x to the output, each
// a local derivative in the numerator layout, and on a second line the
// shape of each factor. For the lecture's Example 1 (a = ⟨x, w⟩, b = a − y,
// z = b², traced in w, with DimName(n, "n")):
//
//	∂z/∂w = 2b · 1 · xᵀ
//	(1,n) = (1,)(1,)(1,n)
//
// Where x reaches the output along several paths the products are added;
// with more than six paths the adjoints of x's users are used instead, as
// in the backward rows. See ChainRuleOf for an intermediate value.
func (t *Tape) ChainRule() string {
	if t.input < 0 {
		return t.noPath("x")
	}
	return t.chainRule(t.input)
}

// ChainRuleOf is ChainRule for the value with the given name, an
// intermediate or the input. It returns a line saying so when no value on
// the tape has that name.
func (t *Tape) ChainRuleOf(name string) string {
	for i, n := range t.nodes {
		if n.name == name {
			return t.chainRule(i)
		}
	}
	return fmt.Sprintf("no value named %q on the tape; the names are %s", name, strings.Join(t.names(), ", "))
}

// names lists the names of the tape's values.
func (t *Tape) names() []string {
	var s []string
	for _, n := range t.nodes {
		s = append(s, n.name)
	}
	return s
}

// noPath is the chain rule of a value the output does not depend on.
func (t *Tape) noPath(v string) string {
	out := "f"
	if t.root >= 0 {
		out = t.nodes[t.root].name
	}
	return partial(out, v) + " = 0 (" + out + " does not depend on " + v + ")"
}

// chainRule is ChainRule for node i.
func (t *Tape) chainRule(i int) string {
	ps := t.chainTerms(i)
	if ps == nil {
		return t.noPath(t.nodes[i].name)
	}
	var formula, shapes []string
	for _, p := range ps {
		var texts, sh []string
		for _, f := range p {
			texts = append(texts, f.text)
			sh = append(sh, f.shape)
		}
		formula = append(formula, strings.Join(texts, " · "))
		shapes = append(shapes, strings.Join(sh, ""))
	}
	lhs := partial(t.nodes[t.root].name, t.nodes[i].name)
	return lhs + " = " + strings.Join(formula, " + ") + "\n" + t.derivShape(t.root, i) + " = " + strings.Join(shapes, " + ")
}

// chainTerms returns the terms of the chain rule of node i, each a product
// of factors, or nil when the output does not depend on node i.
func (t *Tape) chainTerms(i int) [][]factor {
	if t.root < 0 || t.Err != nil || t.nodes[i].adj == nil {
		return nil
	}
	if i == t.root {
		return [][]factor{{{"1", t.derivShape(i, i)}}}
	}
	if ps, ok := t.paths(i); ok {
		return ps
	}
	// Too many paths: one term per user, through its adjoint.
	out := t.nodes[t.root].name
	var ps [][]factor
	for _, user := range t.usersOf(i) {
		ps = append(ps, []factor{
			{partial(out, t.nodes[user].name), t.derivShape(t.root, user)},
			{t.localOf(user, i), t.derivShape(user, i)},
		})
	}
	return ps
}
