package session

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// Cell rewriting. Every rewrite is a text edit on the unit's source, so
// the rest of the unit keeps its lines; each edit is one of the
// measured workarounds of YAEGI.md ("Rewrites that work"). Edits may
// contain spans of the original text, rendered with their own edits, so
// rewrites nest.

// piece is literal text or a span [start, end) of the unit's text.
type piece struct {
	lit        string
	start, end int
	isSpan     bool
}

func lit(s string) piece                  { return piece{lit: s} }
func span(a, b int) piece                 { return piece{start: a, end: b, isSpan: true} }
func (r *rewriter) node(n ast.Node) piece { return span(r.u.off(n.Pos()), r.u.off(n.End())) }

// edit replaces [start, end) of the unit text (an insertion when equal).
type edit struct {
	start, end int
	pieces     []piece
}

// rewriter collects the edits of one unit.
type rewriter struct {
	u        *unit
	s        *Session
	edits    []edit
	declared map[string][]ast.Expr // see declTypes
	warnings []string
	facts    *cellFacts      // shared by the units of a cell
	unsup    *unsupportedUse // a feature no rewrite covers, if seen
	top      bool            // the unit is a simple statement run at top level
	// cellDefers is set when the unit has a defer outside any func.
	cellDefers bool
	pre        []hoist // statements to run before the unit (top only)
	guard      bool    // add the recursion depth guard to funcs
	maxDepth   int
}

func (r *rewriter) insert(off int, text string) {
	r.edits = append(r.edits, edit{start: off, end: off, pieces: []piece{lit(text)}})
}

func (r *rewriter) replace(start, end int, ps ...piece) {
	r.edits = append(r.edits, edit{start: start, end: end, pieces: ps})
}

func (r *rewriter) replaceNode(n ast.Node, ps ...piece) {
	r.replace(r.u.off(n.Pos()), r.u.off(n.End()), ps...)
}

func (r *rewriter) warnf(pos token.Pos, format string, args ...any) {
	p := r.u.fset.Position(pos)
	r.warnings = append(r.warnings, fmt.Sprintf("warning: %d:%d: ", p.Line, p.Column)+fmt.Sprintf(format, args...))
}

func (r *rewriter) fresh(base string) string { return r.s.fresh(base) }

// render returns the unit text in [a, b) with the edits inside applied.
func (r *rewriter) render(a, b int) string {
	sort.SliceStable(r.edits, func(i, j int) bool {
		ei, ej := r.edits[i], r.edits[j]
		if ei.start != ej.start {
			return ei.start < ej.start
		}
		if (ei.start == ei.end) != (ej.start == ej.end) {
			return ei.start == ei.end // insertions first
		}
		return ei.end > ej.end
	})
	return r.renderRange(a, b)
}

func (r *rewriter) renderRange(a, b int) string {
	var sb strings.Builder
	pos := a
	for _, e := range r.edits {
		if e.start < pos || e.end > b || (e.start == b && e.start != e.end) {
			continue
		}
		sb.WriteString(r.u.text[pos:e.start])
		r.writePieces(&sb, e.pieces)
		pos = e.end
		// The edit changed the length of the line: restore the cell's
		// position for what follows, so errors keep the cell's columns.
		if pos < len(r.u.text) && r.u.text[pos] != '\n' {
			sb.WriteString(r.posDirective(pos))
		}
	}
	sb.WriteString(r.u.text[pos:b])
	return sb.String()
}

// unsupportedUse is a use of a Go feature yaegi lacks.
type unsupportedUse struct {
	pos           token.Pos
	feature, hint string
	// compileErr, when set, is an error Go itself would report (the
	// cell is wrong, not the interpreter short of a feature).
	compileErr string
}

// cellFacts are what the rewriter learnt from the units of a cell so far.
type cellFacts struct {
	ints   map[string]bool // identifiers known to hold integers
	types  map[string]bool // types whose underlying type is an integer
	consts map[string]bool // named constants
	decl   map[string]bool // types the cell declares, wherever they are in it
}

// newCellFacts returns the facts known before rewriting the units: the
// names of the types they declare.
func newCellFacts(units []*unit) *cellFacts {
	f := &cellFacts{ints: map[string]bool{}, types: map[string]bool{}, consts: map[string]bool{}, decl: map[string]bool{}}
	for _, u := range units {
		root := u.root()
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl, *ast.FuncLit:
				return false // local types are not cell types
			case *ast.TypeSpec:
				f.decl[n.Name.Name] = true
			}
			return true
		})
	}
	return f
}

// isCellType reports whether e names a type declared in this cell or
// an earlier one.
func (r *rewriter) isCellType(e ast.Expr) bool {
	if r.s.isCellType(e) {
		return true
	}
	if st, ok := e.(*ast.StarExpr); ok {
		e = st.X
	}
	id, ok := e.(*ast.Ident)
	return ok && r.facts.decl[id.Name]
}

// hoist is a statement the unit needs run before it; end orders them
// (inner calls end first).
type hoist struct {
	end    int
	pieces []piece
}

// writePieces renders pieces; each span starts with its cell position.
func (r *rewriter) writePieces(sb *strings.Builder, ps []piece) {
	for _, p := range ps {
		if p.isSpan {
			sb.WriteString(r.posDirective(p.start))
			sb.WriteString(r.renderRange(p.start, p.end))
		} else {
			sb.WriteString(p.lit)
		}
	}
}

// posDirective returns a /*line*/ directive giving the next token the
// cell position of offset off of the unit text.
func (r *rewriter) posDirective(off int) string {
	line, col := lineCol(r.u.text, off)
	if line == 1 {
		col += r.u.col - 1
	}
	return fmt.Sprintf("/*line _.go:%d:%d*/", r.u.line+line-1, col)
}

// funcCtx is the function whose body the walker is in.
type funcCtx struct {
	name    string
	results *ast.FieldList
	guard   bool
	loop    *rangeLoop // the range-over-func loop whose body this is
}

// rewrite computes the edits of a whole unit.
func (r *rewriter) rewrite() {
	if r.u.file != nil {
		for _, d := range r.u.file.Decls {
			r.walk(d, nil)
		}
		return
	}
	r.walk(r.u.stmt, nil)
}

// walk visits n inside function fn (nil at top level).
func (r *rewriter) walk(n ast.Node, fn *funcCtx) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Body == nil {
				return false
			}
			ctx := &funcCtx{name: n.Name.Name, results: n.Type.Results, guard: r.guard}
			r.collectInts(n.Type.Params)
			if ctx.guard {
				r.guardEntry(n.Body, ctx)
			}
			r.walk(n.Body, ctx)
			return false
		case *ast.FuncLit:
			r.collectInts(n.Type.Params)
			r.walk(n.Body, &funcCtx{results: n.Type.Results})
			return false
		case *ast.ReturnStmt:
			if fn != nil && fn.loop != nil {
				r.loopReturn(n, fn.loop)
			} else if fn != nil && fn.guard {
				r.guardReturn(n, fn)
			}
		case *ast.BlockStmt:
			for _, s := range n.List {
				if a, ok := s.(*ast.AssignStmt); ok {
					r.nilInMultiAssign(a)
				}
			}
		case *ast.AssignStmt:
			if ast.Node(n) == r.u.stmt {
				r.nilInMultiAssign(n) // a top-level statement of the cell
			}
			if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && r.isInt(n.Rhs[i]) {
						r.facts.ints[id.Name] = true
					}
				}
			}
		case *ast.GenDecl:
			if n.Tok == token.CONST {
				for _, sp := range n.Specs {
					for _, nm := range sp.(*ast.ValueSpec).Names {
						r.facts.consts[nm.Name] = true
					}
				}
			}
		case *ast.TypeSpec:
			if n.TypeParams != nil && n.Assign.IsValid() {
				r.unsup = &unsupportedUse{pos: n.Pos(), feature: "generic type alias (Go 1.24)",
					hint: "declare a defined type instead: type " + n.Name.Name + "[T any] " + exprText(r.u, n.Type)}
			}
			if id, ok := n.Type.(*ast.Ident); ok && r.isIntTypeName(id.Name) {
				r.facts.types[n.Name.Name] = true
			}
		case *ast.ValueSpec:
			if id, ok := n.Type.(*ast.Ident); ok && r.isIntTypeName(id.Name) {
				for _, nm := range n.Names {
					r.facts.ints[nm.Name] = true
				}
			}
			for i, nm := range n.Names {
				if n.Type == nil && i < len(n.Values) && r.isInt(n.Values[i]) {
					r.facts.ints[nm.Name] = true
				}
			}
		case *ast.LabeledStmt:
			if rs, ok := n.Stmt.(*ast.RangeStmt); ok && r.isFunc(rs.X) {
				if !r.rangeFunc(rs, n, fn) {
					r.rangeFuncUnknown(rs)
				}
				return false
			}
			if rs, ok := n.Stmt.(*ast.RangeStmt); ok && r.isInt(rs.X) {
				r.rangeInt(rs, n)
				r.walkExprs(rs.X)
				r.walk(rs.Body, fn)
				return false
			}
		case *ast.RangeStmt:
			if r.isInt(n.X) {
				r.rangeInt(n, nil)
				r.walkExprs(n.X)
				r.walk(n.Body, fn)
				return false
			}
			if r.isFunc(n.X) {
				if !r.rangeFunc(n, nil, fn) {
					r.rangeFuncUnknown(n)
				}
				return false
			}
			if n.Tok == token.DEFINE && captures(n.Body) {
				var sb strings.Builder
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
						fmt.Fprintf(&sb, " %s := %s;", id.Name, id.Name)
					}
				}
				r.wrapBody(n.Body, sb.String(), "")
			}
		case *ast.ForStmt:
			r.loopVars(n)
		case *ast.DeferStmt:
			if fn == nil {
				r.cellDefer(n)
			} else {
				r.deferArgs(n)
			}
		case *ast.GoStmt:
			r.goRecover(n)
		case *ast.CallExpr:
			r.minMax(n, fn)
			r.checkMake(n)
			if !r.concat(n) && !r.cmpOr(n) {
				r.genericArgs(n)
			}
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok && x.Name == "os" && n.Sel.Name == "Stdin" {
				r.replaceNode(n, lit(stdinPkg+".Stdin"))
			}
			if r.isCellType(n.X) {
				r.warnf(n.Pos(), "method expression %s.%s: yaegi cannot call method expressions on types declared in cells; use a method value (v.%s) or a func literal", exprText(r.u, n.X), n.Sel.Name, n.Sel.Name)
			}
		case *ast.TypeSwitchStmt:
			r.typeSwitchWarning(n)
		case *ast.SelectStmt:
			r.selectBreaks(n)
		}
		return true
	})
}

// walkExprs walks expressions in isolation (no function context).
func (r *rewriter) walkExprs(e ast.Expr) { r.walk(e, nil) }

func exprText(u *unit, e ast.Node) string { return u.text[u.off(e.Pos()):u.off(e.End())] }

// captures reports whether a loop body may let a loop variable escape
// the iteration: a func literal, a go statement or an address taken.
func captures(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt:
			found = true
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				found = true
			}
		}
		return !found
	})
	return found
}

func isIntType(name string) bool {
	switch name {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "byte", "rune":
		return true
	}
	return false
}

// isIntTypeName reports an integer type: predeclared, or declared in
// this cell or an earlier one with an integer underlying type.
func (r *rewriter) isIntTypeName(name string) bool {
	if isIntType(name) || r.facts.types[name] {
		return true
	}
	d := r.s.decls[name]
	if d == nil || d.kind != "type" {
		return false
	}
	f := strings.Fields(d.text) // "small int8" or "small = int8"
	return len(f) >= 2 && isIntType(f[len(f)-1])
}

func (r *rewriter) collectInts(fl *ast.FieldList) {
	if fl == nil {
		return
	}
	for _, f := range fl.List {
		if id, ok := f.Type.(*ast.Ident); ok && r.isIntTypeName(id.Name) {
			for _, n := range f.Names {
				r.facts.ints[n.Name] = true
			}
		}
	}
}

// isInt reports whether e is known to be an integer: literals, len/cap,
// conversions, arithmetic on integers, and names declared or stored as
// integers.
func (r *rewriter) isInt(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.INT
	case *ast.ParenExpr:
		return r.isInt(e.X)
	case *ast.UnaryExpr:
		return (e.Op == token.SUB || e.Op == token.ADD || e.Op == token.XOR) && r.isInt(e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR, token.AND_NOT:
			return r.isInt(e.X) || r.isInt(e.Y)
		case token.SHL, token.SHR:
			return r.isInt(e.X)
		}
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok {
			return id.Name == "len" || id.Name == "cap" || r.isIntTypeName(id.Name)
		}
	case *ast.Ident:
		if r.facts.ints[e.Name] {
			return true
		}
		return r.s.globalIsInt(e.Name)
	}
	return false
}

// isFunc reports whether e is known to be a func value or a call of a
// cell func that returns a func (a range-over-func iterator).
func (r *rewriter) isFunc(e ast.Expr) bool {
	if r.isIterator(e) {
		return true
	}
	switch e := e.(type) {
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok {
			return r.s.funcReturnsFunc(id.Name)
		}
	case *ast.Ident:
		return r.s.globalIsFunc(e.Name)
	case *ast.FuncLit:
		return true
	}
	return false
}

// rangeInt rewrites `for i := range n {…}` (Go 1.22) to a three-clause
// loop with n evaluated once, and `for range n` to a countdown.
func (r *rewriter) rangeInt(rs *ast.RangeStmt, label *ast.LabeledStmt) {
	x := r.node(rs.X)
	key, _ := rs.Key.(*ast.Ident)
	if key == nil || key.Name == "_" {
		c := r.fresh("c")
		r.replace(r.u.off(rs.For), r.u.off(rs.Body.Lbrace), lit("for "+c+" := "), x, lit("; "+c+" > 0; "+c+"-- "))
		return
	}
	n, i := r.fresh("n"), r.fresh("i")
	start := rs.For
	if label != nil {
		start = label.Pos()
	}
	// The bound is evaluated once, in front of the loop (and its label).
	r.edits = append(r.edits, edit{start: r.u.off(start), end: r.u.off(start), pieces: []piece{lit("{ " + n + " := "), x, lit("; ")}})
	r.replace(r.u.off(rs.For), r.u.off(rs.Body.Lbrace), lit(fmt.Sprintf("for %s := %s - %s; %s < %s; %s++ ", i, n, n, i, n, i)))
	op := ":="
	if rs.Tok == token.ASSIGN {
		op = "="
	}
	r.wrapBody(rs.Body, fmt.Sprintf(" %s %s %s;", key.Name, op, i), "")
	r.insert(r.u.off(rs.End()), " }")
}

// loopVars gives a three-clause loop Go 1.22 per-iteration variables
// when its body can capture them.
func (r *rewriter) loopVars(fs *ast.ForStmt) {
	init, ok := fs.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE || !captures(fs.Body) {
		return
	}
	renamed := map[string]string{}
	for _, l := range init.Lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
			renamed[id.Name] = r.fresh(id.Name)
			r.replaceNode(id, lit(renamed[id.Name]))
		}
	}
	for _, part := range []ast.Node{fs.Cond, fs.Post} {
		if part == nil {
			continue
		}
		ast.Inspect(part, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && renamed[id.Name] != "" {
				r.replaceNode(id, lit(renamed[id.Name]))
			}
			return true
		})
	}
	var in, back strings.Builder
	for old, nw := range renamed {
		fmt.Fprintf(&in, " %s := %s;", old, nw)
		if assigns(fs.Body, old) {
			fmt.Fprintf(&back, " %s = %s;", nw, old)
		}
	}
	r.wrapBody(fs.Body, in.String(), back.String())
	if back.Len() == 0 {
		return
	}
	// continue statements of this loop copy back too.
	var visit func(n ast.Node, depth int)
	visit = func(n ast.Node, depth int) {
		ast.Inspect(n, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				if m != ast.Node(fs) {
					return false
				}
			case *ast.BranchStmt:
				if m.Tok == token.CONTINUE && m.Label == nil {
					r.replaceNode(m, lit("{"+back.String()+" continue }"))
				}
			}
			return true
		})
	}
	visit(fs.Body, 0)
}

// wrapBody puts a loop body in a block of its own, after the statements
// pre (declaring the per-iteration variables) and before post: the
// body may then declare the same names again (i := i).
func (r *rewriter) wrapBody(body *ast.BlockStmt, pre, post string) {
	r.insert(r.u.off(body.Lbrace)+1, pre+" {")
	r.insert(r.u.off(body.Rbrace), "};"+post+" ")
}

// assigns reports whether body assigns name (or takes its address).
func assigns(body ast.Node, name string) bool {
	found := false
	is := func(e ast.Expr) bool { id, ok := e.(*ast.Ident); return ok && id.Name == name }
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, l := range n.Lhs {
					found = found || is(l)
				}
			}
		case *ast.IncDecStmt:
			found = found || is(n.X)
		case *ast.UnaryExpr:
			found = found || n.Op == token.AND && is(n.X)
		}
		return !found
	})
	return found
}

// simpleArg reports whether an argument needs no copy at a defer or go:
// literals, nil, true, false and func literals (never hoist a closure).
func simpleArg(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit, *ast.FuncLit:
		return true
	case *ast.Ident:
		return e.Name == "nil" || e.Name == "true" || e.Name == "false"
	}
	return false
}

// copyArgs returns the statement copying call's non-literal arguments
// into fresh variables and the call with those variables.
func (r *rewriter) copyArgs(call *ast.CallExpr) (copies []piece, newCall []piece) {
	var names []string
	var vals []piece
	newCall = []piece{r.node(call.Fun), lit("(")}
	for i, a := range call.Args {
		if i > 0 {
			newCall = append(newCall, lit(", "))
		}
		if simpleArg(a) {
			newCall = append(newCall, r.node(a))
			continue
		}
		n := r.fresh("a")
		names = append(names, n)
		vals = append(vals, r.node(a))
		newCall = append(newCall, lit(n))
	}
	if call.Ellipsis.IsValid() {
		newCall = append(newCall, lit("..."))
	}
	newCall = append(newCall, lit(")"))
	if len(names) > 0 {
		copies = append(copies, lit(strings.Join(names, ", ")+" := "))
		for i, v := range vals {
			if i > 0 {
				copies = append(copies, lit(", "))
			}
			copies = append(copies, v)
		}
		copies = append(copies, lit("; "))
	}
	return copies, newCall
}

// deferArgs evaluates a deferred call's arguments at the defer, as Go
// does (yaegi reads them when the function returns).
func (r *rewriter) deferArgs(d *ast.DeferStmt) {
	copies, call := r.copyArgs(d.Call)
	if len(copies) == 0 {
		return
	}
	ps := append([]piece{lit("{ ")}, copies...)
	ps = append(ps, lit("defer "))
	ps = append(ps, call...)
	ps = append(ps, lit(" }"))
	r.replaceNode(d, ps...)
}

// cellDefer rewrites a defer outside any func (at top level, maybe in a
// loop or if) so that it runs once, at the end of the cell, as if the
// cell were the body of main: the arguments are copied now and the call
// is pushed on a list that Execute runs, last first, when the cell is
// done. (Compound statements run in func literals, where a plain defer
// would run too early, and yaegi re-runs a defer left at top level
// after every later cell.) The closure is built when pushed, so it
// captures this iteration's copies.
func (r *rewriter) cellDefer(d *ast.DeferStmt) {
	r.cellDefers = true
	copies, call := r.copyArgs(d.Call)
	var ps []piece
	if !r.top {
		ps = append(ps, lit("{ "))
	}
	ps = append(ps, copies...)
	ps = append(ps, lit(cellDefersVar+" = append("+cellDefersVar+", func() { "))
	ps = append(ps, call...)
	ps = append(ps, lit(" })"))
	if !r.top {
		ps = append(ps, lit(" }"))
	}
	r.replaceNode(d, ps...)
}

// checkMake bounds the sizes of a make() that are not constants (those
// are checked before the cell runs): a huge make would kill the process
// with "out of memory", so the size goes through a compiled check that
// panics with an allocError past Options.MaxAlloc.
func (r *rewriter) checkMake(c *ast.CallExpr) {
	if id, ok := c.Fun.(*ast.Ident); !ok || id.Name != "make" {
		return
	}
	for _, a := range c.Args[min(1, len(c.Args)):] {
		if _, isConst := constValue(r.u, a); !isConst {
			r.insert(r.u.off(a.Pos()), stdinPkg+".CheckAlloc(int(")
			r.insert(r.u.off(a.End()), "))")
		}
	}
}

// genericArgs converts the arguments of a call of package slices or maps
// that are globals of an earlier cell, of an unnamed slice or map type,
// to that type written out: slices.Max(d) becomes slices.Max([]float64(d)).
// yaegi cannot instantiate a generic function on the type of a global
// made from a compiled value (d := t.Data()): the compiler panics. Names
// the unit declares anywhere are left alone, as they may be locals.
func (r *rewriter) genericArgs(c *ast.CallExpr) {
	if pkg, _, ok := r.genericCall(c); !ok || pkg == "cmp" {
		return
	}
	g := r.s.globals()
	for _, a := range c.Args {
		if root := rootIdent(a); root == nil || r.declares(root.Name) {
			continue
		}
		var t reflect.Type
		switch a := a.(type) {
		case *ast.Ident:
			t = r.s.staticType(a, g)
		case *ast.CallExpr: // x.Data(), strings.Fields(s)
			t = r.s.resultType(a, g)
		}
		if t == nil || t.Name() != "" || (t.Kind() != reflect.Slice && t.Kind() != reflect.Map) {
			continue
		}
		ts, err := r.s.typeString(t)
		if err != nil {
			continue
		}
		r.insert(r.u.off(a.Pos()), ts+"(")
		r.insert(r.u.off(a.End()), ")")
	}
}

// concat rewrites slices.Concat(a, b, …), a variadic generic function
// yaegi cannot instantiate, as appends onto an empty slice of a's type:
// append(append(append(a[:0:0], a...), b...), …). a is evaluated twice,
// so only a name or a chain of selections from one qualifies; other
// calls keep the interpreter's error, which says what to write. It
// reports whether it rewrote c.
func (r *rewriter) concat(c *ast.CallExpr) bool {
	if !r.isPackageCall(c, "slices", "Concat") || len(c.Args) == 0 || c.Ellipsis.IsValid() {
		return false
	}
	for e := c.Args[0]; ; {
		if s, ok := e.(*ast.SelectorExpr); ok {
			e = s.X
			continue
		}
		if _, ok := e.(*ast.Ident); !ok {
			return false
		}
		break
	}
	first := r.node(c.Args[0])
	ps := []piece{lit(strings.Repeat("append(", len(c.Args))), first, lit("[:0:0], "), first, lit("...)")}
	for _, a := range c.Args[1:] {
		ps = append(ps, lit(", "), r.node(a), lit("...)"))
	}
	r.replaceNode(c, ps...)
	return true
}

// cmpOr rewrites cmp.Or(a, b, …), a variadic generic function yaegi
// cannot instantiate, as nested calls of the prelude's two-value
// version: gbOr__(a, gbOr__(b, …)). Like Or, it evaluates every
// argument. It reports whether it rewrote c.
func (r *rewriter) cmpOr(c *ast.CallExpr) bool {
	if !r.isPackageCall(c, "cmp", "Or") || len(c.Args) < 2 || c.Ellipsis.IsValid() {
		return false
	}
	var ps []piece
	for _, a := range c.Args[:len(c.Args)-1] {
		ps = append(ps, lit(orFunc+"("), r.node(a), lit(", "))
	}
	ps = append(ps, r.node(c.Args[len(c.Args)-1]), lit(strings.Repeat(")", len(c.Args)-1)))
	r.replaceNode(c, ps...)
	return true
}

// genericCall returns the package ("slices", "maps" or "cmp") and the
// function that c calls, when pkg is that package rather than a
// variable of the cell named like it.
func (r *rewriter) genericCall(c *ast.CallExpr) (pkg, name string, ok bool) {
	pkg, name, ok = packageCall(c)
	if !ok || !slices.Contains(genericPackages, pkg) || r.declares(pkg) {
		return "", "", false
	}
	if _, shadowed := r.s.global(pkg); shadowed {
		return "", "", false
	}
	return pkg, name, true
}

// isPackageCall reports whether c calls pkg.name of a generic package
// (see genericCall).
func (r *rewriter) isPackageCall(c *ast.CallExpr, pkg, name string) bool {
	p, n, ok := r.genericCall(c)
	return ok && p == pkg && n == name
}

// rootIdent returns the name a chain of calls, selections and indexes
// starts from (x in x.Data(), strings in strings.Fields(s)), or nil.
func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.CallExpr:
			e = x.Fun
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// declares reports whether the unit declares name anywhere (a func,
// parameter, result, variable, constant, type or label).
func (r *rewriter) declares(name string) bool {
	_, ok := r.declTypes()[name]
	return ok
}

// declTypes maps each name the unit declares anywhere to the types its
// declarations give it, in order: the written type of a parameter or a
// var, the type of a composite literal in a :=, and nil where the type
// is not written (v := f(), range variables, funcs, types).
func (r *rewriter) declTypes() map[string][]ast.Expr {
	if r.declared != nil {
		return r.declared
	}
	r.declared = map[string][]ast.Expr{}
	add := func(id *ast.Ident, t ast.Expr) { r.declared[id.Name] = append(r.declared[id.Name], t) }
	ast.Inspect(r.u.root(), func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				break
			}
			for i, e := range n.Lhs {
				if id, ok := e.(*ast.Ident); ok {
					var t ast.Expr
					if len(n.Lhs) == len(n.Rhs) {
						if cl, ok := n.Rhs[i].(*ast.CompositeLit); ok {
							t = cl.Type
						}
					}
					add(id, t)
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok {
						add(id, nil)
					}
				}
			}
		case *ast.Field:
			for _, id := range n.Names {
				add(id, n.Type)
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				add(id, n.Type) // nil without a written type
			}
		case *ast.TypeSpec:
			add(n.Name, nil)
		case *ast.FuncDecl:
			add(n.Name, nil)
		}
		return true
	})
	return r.declared
}

// goRecover makes a panic in a goroutine a message on stderr instead of
// a crash of the whole process.
func (r *rewriter) goRecover(g *ast.GoStmt) {
	r.s.goroutines.Store(true)
	p := r.u.fset.Position(g.Pos())
	rec := fmt.Sprintf(" defer %s(%q);", goRecoverFunc, fmt.Sprintf("%d:%d", p.Line, p.Column))
	if fl, ok := g.Call.Fun.(*ast.FuncLit); ok {
		r.insert(r.u.off(fl.Body.Lbrace)+1, rec)
		return
	}
	if id, ok := g.Call.Fun.(*ast.Ident); ok && types.Universe.Lookup(id.Name) != nil {
		return // a builtin: cannot be a func value
	}
	f := r.fresh("f")
	copies, call := r.copyArgs(g.Call)
	call[0] = lit(f)
	ps := []piece{lit("{ " + f + " := "), r.node(g.Call.Fun), lit("; ")}
	ps = append(ps, copies...)
	ps = append(ps, lit("go func() {"+rec+" "))
	ps = append(ps, call...)
	ps = append(ps, lit(" }() }"))
	r.replaceNode(g, ps...)
}

// constValue returns the value of a constant literal expression.
func constValue(u *unit, e ast.Expr) (constant.Value, bool) {
	tv, err := types.Eval(token.NewFileSet(), nil, token.NoPos, exprText(u, e))
	if err != nil || tv.Value == nil {
		return nil, false
	}
	return tv.Value, true
}

// minMax adapts calls of the min and max builtins (Go 1.21) to the
// two-argument generic prelude: constant calls are folded, variables
// go first, and more than two arguments nest. At top level (fn nil in a
// simple statement), yaegi cannot infer the type of a := whose value is
// a generic call ("nil reflect type"), so the call is hoisted into a
// variable typed by its first argument: m := a; m = min(m, b).
func (r *rewriter) minMax(c *ast.CallExpr, fn *funcCtx) {
	id, ok := c.Fun.(*ast.Ident)
	if !ok || (id.Name != "min" && id.Name != "max") || len(c.Args) == 0 || c.Ellipsis.IsValid() {
		return
	}
	type arg struct {
		e ast.Expr
		v constant.Value
	}
	var vars, named, consts []arg
	for _, a := range c.Args {
		if v, ok := constValue(r.u, a); ok && (v.Kind() == constant.Int || v.Kind() == constant.Float) {
			consts = append(consts, arg{a, v})
		} else if n, ok := a.(*ast.Ident); ok && (r.facts.consts[n.Name] || r.s.decls[n.Name] != nil && r.s.decls[n.Name].kind == "const") {
			named = append(named, arg{e: a}) // maybe untyped: not first
		} else {
			vars = append(vars, arg{e: a})
		}
	}
	vars = append(vars, named...)
	if len(vars) == 0 && len(consts) > 0 {
		best, isFloat := consts[0], false
		for _, a := range consts {
			isFloat = isFloat || a.v.Kind() == constant.Float
			less := constant.Compare(a.v, token.LSS, best.v)
			if id.Name == "max" {
				less = constant.Compare(a.v, token.GTR, best.v)
			}
			if less {
				best = a
			}
		}
		suffix := ")"
		if isFloat && best.v.Kind() == constant.Int {
			suffix = " + 0.0)"
		}
		r.replaceNode(c, lit("("), r.node(best.e), lit(suffix))
		return
	}
	if len(c.Args) == 1 {
		r.replaceNode(c, lit("("), r.node(c.Args[0]), lit(")"))
		return
	}
	ordered := append(vars, consts...)
	first := r.node(ordered[0].e)
	var call []piece
	if r.top && fn == nil {
		m := r.fresh("m")
		r.pre = append(r.pre, hoist{end: r.u.off(c.End()), pieces: []piece{lit(m + " := "), first, lit("; " + m + " = ")}})
		first = lit(m)
		defer r.replaceNode(c, lit(m))
	} else if len(c.Args) == 2 && len(consts) < 2 && (len(vars) == 2 || r.u.off(vars[0].e.Pos()) < r.u.off(consts[0].e.Pos())) {
		return // already in a form the prelude accepts
	}
	call = append(call, lit(strings.Repeat(id.Name+"(", len(ordered)-1)), first)
	for _, a := range ordered[1:] {
		call = append(call, lit(", "), r.node(a.e), lit(")"))
	}
	if r.top && fn == nil {
		h := &r.pre[len(r.pre)-1]
		h.pieces = append(h.pieces, call...)
		return
	}
	r.replaceNode(c, call...)
}

// hoisted renders the statements hoisted out of the unit, or "".
func (r *rewriter) hoisted() string {
	sort.SliceStable(r.pre, func(i, j int) bool { return r.pre[i].end < r.pre[j].end })
	var parts []string
	for _, h := range r.pre {
		parts = append(parts, r.renderPieces(h.pieces))
	}
	return strings.Join(parts, "; ")
}

// guardEntry counts the call depth on entry to a func and panics past
// the limit, so infinite recursion is an error instead of a fatal stack
// overflow.
func (r *rewriter) guardEntry(body *ast.BlockStmt, fn *funcCtx) {
	r.insert(r.u.off(body.Lbrace)+1, fmt.Sprintf(" %s++; if %s > %d { %s = 0; panic(%q) };",
		depthVar, depthVar, r.maxDepth, depthVar,
		fmt.Sprintf("call depth exceeded %d in %s: infinite recursion?", r.maxDepth, fn.name)))
	if n := len(body.List); n == 0 || !isTerminal(body.List[n-1]) {
		r.insert(r.u.off(body.Rbrace), "; "+depthVar+"--; ")
	}
}

func isTerminal(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.ExprStmt:
		if c, ok := s.X.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
		}
	}
	return false
}

// isNilIdent reports whether e is the identifier nil.
func isNilIdent(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "nil"
}

// nilInMultiAssign rewrites a, b = x, nil, on which yaegi panics
// ("reflect: New(nil)"), to a, b = x, b; b = nil: the same values are
// read, and the nil is assigned on its own. a is a statement of a block
// (or of the cell), where a second statement may follow.
func (r *rewriter) nilInMultiAssign(a *ast.AssignStmt) {
	if a.Tok != token.ASSIGN || len(a.Lhs) < 2 || len(a.Lhs) != len(a.Rhs) {
		return
	}
	var after []string
	for i, e := range a.Rhs {
		if id, ok := a.Lhs[i].(*ast.Ident); ok && id.Name != "_" && isNilIdent(e) {
			r.replaceNode(e, lit(id.Name))
			after = append(after, id.Name+" = nil")
		}
	}
	if len(after) > 0 {
		r.insert(r.u.off(a.End()), "; "+strings.Join(after, "; "))
	}
}

// guardReturn decrements the depth counter after the results are
// evaluated and before the func returns.
func (r *rewriter) guardReturn(ret *ast.ReturnStmt, fn *funcCtx) {
	dec := depthVar + "--; "
	if len(ret.Results) == 0 {
		r.replaceNode(ret, lit("{ "+dec+"return }"))
		return
	}
	var names, decls []string
	named := fn.results != nil && len(fn.results.List) > 0 && len(fn.results.List[0].Names) > 0
	if fn.results != nil {
		for _, f := range fn.results.List {
			if named {
				for _, n := range f.Names {
					names = append(names, n.Name)
				}
				continue
			}
			v := r.fresh("r")
			names = append(names, v)
			decls = append(decls, "var "+v+" "+exprText(r.u, f.Type)+"; ")
		}
	}
	for i, n := range names {
		if n == "_" {
			names[i] = r.fresh("r")
			decls = append(decls, "var "+names[i]+" "+exprText(r.u, resultType(fn.results, i))+"; ")
		}
	}
	var rhs []piece
	for i, e := range ret.Results {
		if i > 0 {
			rhs = append(rhs, lit(", "))
		}
		if isNilIdent(e) && len(ret.Results) > 1 && fn.results != nil {
			// yaegi panics with "reflect: New(nil)" on a, b = x, nil:
			// assign a zero variable of the result's type instead.
			z := r.fresh("z")
			decls = append(decls, "var "+z+" "+exprText(r.u, resultType(fn.results, i))+"; ")
			rhs = append(rhs, lit(z))
			continue
		}
		rhs = append(rhs, r.node(e))
	}
	ps := append([]piece{lit("{ " + strings.Join(decls, "") + strings.Join(names, ", ") + " = ")}, rhs...)
	tail := "; " + dec + "return"
	if !named {
		tail += " " + strings.Join(names, ", ")
	}
	ps = append(ps, lit(tail+" }"))
	r.replaceNode(ret, ps...)
}

// resultType returns the type of the i-th result.
func resultType(fl *ast.FieldList, i int) ast.Expr {
	for _, f := range fl.List {
		n := max(len(f.Names), 1)
		if i < n {
			return f.Type
		}
		i -= n
	}
	return nil
}

// selectBreaks labels a select whose cases use an unlabelled break:
// yaegi breaks out of the enclosing loop instead of the select, but a
// labelled break is right.
func (r *rewriter) selectBreaks(sel *ast.SelectStmt) {
	var breaks []*ast.BranchStmt
	var visit func(n ast.Node)
	visit = func(n ast.Node) {
		ast.Inspect(n, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.FuncLit, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				return false
			case *ast.BranchStmt:
				if m.Tok == token.BREAK && m.Label == nil {
					breaks = append(breaks, m)
				}
			}
			return true
		})
	}
	for _, c := range sel.Body.List {
		for _, st := range c.(*ast.CommClause).Body {
			visit(st)
		}
	}
	if len(breaks) == 0 {
		return
	}
	label := r.fresh("sel")
	r.insert(r.u.off(sel.Pos()), label+": ")
	for _, b := range breaks {
		r.replaceNode(b, lit("break "+label))
	}
}

// typeSwitchWarning names the yaegi limit: a type switch on an error
// holding a type declared in a cell always takes default.
func (r *rewriter) typeSwitchWarning(ts *ast.TypeSwitchStmt) {
	for _, c := range ts.Body.List {
		for _, e := range c.(*ast.CaseClause).List {
			if st, ok := e.(*ast.StarExpr); ok {
				e = st.X
			}
			if r.isCellType(e) {
				r.warnf(ts.Pos(), "type switch on a value holding the cell type %s: yaegi takes default when the value is an error (or other non-empty interface); use if v, ok := x.(*%s); ok {…}", exprText(r.u, e), exprText(r.u, e))
				return
			}
		}
	}
}
