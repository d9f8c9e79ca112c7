package session

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"strings"
)

// Range over a func (Go 1.23), which yaegi v0.16.1 cannot compile, is
// rewritten to a call of the iterator with the loop body as the yield
// func (YAEGI.md, "Rewrites that work", 2):
//
//	for x := range seq { body }
//
// becomes
//
//	{ ctl := 0; seq(func(x T) bool { body'; return true }); after }
//
// where body' has continue as `return true`, break as `return false`,
// and a return of the enclosing func as storing its results, ctl = 2 and
// `return false`; after then returns them. A break or continue to a
// label outside the loop sets ctl to its own code and after does it.
// The yield func's parameter types T come from the iterator's
// declaration in a cell, or from the reflect type of a global holding
// it.

// rangeLoop is a range-over-func loop whose body the walker is in.
type rangeLoop struct {
	ctl     string   // the control variable
	results []string // variables holding the enclosing func's results
	named   bool     // the func's results are named (results are their names)
	outer   *rangeLoop
	guard   bool // the enclosing func counts its call depth
}

// rangeFunc rewrites a range over a func; it returns false when the
// iterator's type is unknown (the caller then reports it).
func (r *rewriter) rangeFunc(rs *ast.RangeStmt, label *ast.LabeledStmt, fn *funcCtx) bool {
	params, ok := r.yieldParams(rs.X)
	if !ok {
		return false
	}
	if rs.Tok == token.ASSIGN {
		r.unsup = &unsupportedUse{pos: rs.For, feature: "range over a func assigning to existing variables (for x = range seq)",
			hint: "declare the loop variables with :="}
		return true
	}
	vars := []ast.Expr{rs.Key, rs.Value}
	if n := len(params); n < 2 && rs.Value != nil || n == 0 && rs.Key != nil {
		// As Go says it (its types2 message).
		permits, extra := "only one iteration variable", rs.Value
		if n == 0 {
			permits, extra = "no iteration variables", rs.Key
		}
		r.unsup = &unsupportedUse{pos: extra.Pos(), compileErr: "range over " + exprText(r.u, rs.X) + " permits " + permits}
		return true
	}
	var ps []string
	for i, t := range params {
		name := "_"
		if i < len(vars) && vars[i] != nil {
			name = exprText(r.u, vars[i])
		}
		ps = append(ps, name+" "+t)
	}
	loop := &rangeLoop{ctl: r.fresh("ctl")}
	if fn != nil {
		loop.outer, loop.guard = fn.loop, fn.guard
	}
	var decls string
	switch {
	case loop.outer != nil:
		loop.results, loop.named = loop.outer.results, loop.outer.named
	case fn != nil && fn.results != nil:
		for i, f := range fn.results.List {
			if len(f.Names) > 0 {
				loop.named = true
				for _, n := range f.Names {
					loop.results = append(loop.results, n.Name)
				}
				continue
			}
			v := r.fresh("r")
			loop.results = append(loop.results, v)
			decls += "var " + v + " " + exprText(r.u, resultType(fn.results, i)) + "; "
		}
	}
	start := rs.For
	if label != nil {
		start = label.Pos()
	}
	after := r.rangeBranches(rs, label, loop)
	if fn != nil && loop.outer == nil {
		ret := "return"
		if !loop.named && len(loop.results) > 0 {
			ret += " " + strings.Join(loop.results, ", ")
		}
		if loop.guard {
			ret = depthVar + "--; " + ret
		}
		after += fmt.Sprintf("; if %s == 2 { %s }", loop.ctl, ret)
	} else if loop.outer != nil {
		after += fmt.Sprintf("; if %s == 2 { %s = 2; return false }", loop.ctl, loop.outer.ctl)
	}
	r.replace(r.u.off(start), r.u.off(rs.Body.Lbrace)+1,
		lit("{ "+loop.ctl+" := 0; "+decls), r.node(rs.X), lit("(func("+strings.Join(ps, ", ")+") bool {"))
	r.replace(r.u.off(rs.Body.Rbrace), r.u.off(rs.End()), lit("; return true }); _ = "+loop.ctl+after+" }"))
	body := &funcCtx{loop: loop}
	if fn != nil {
		body.name, body.results, body.guard = fn.name, fn.results, fn.guard
	}
	r.walk(rs.Body, body)
	return true
}

// isIterator reports whether e is an iterator whose yield type is known.
func (r *rewriter) isIterator(e ast.Expr) bool {
	_, ok := r.yieldParams(e)
	return ok
}

// rangeFuncUnknown reports a range over a func whose yield type the
// kernel could not find.
func (r *rewriter) rangeFuncUnknown(rs *ast.RangeStmt) {
	r.unsup = &unsupportedUse{pos: rs.For, feature: "range over a func (Go 1.23 iterators) whose type the kernel could not find",
		hint: "range over a func declared in a cell (func seq() func(yield func(T) bool)), or call the iterator with a yield func: seq(func(v T) bool { …; return true })"}
}

// rangeBranches rewrites the break and continue statements of a
// range-over-func body that leave it, and returns the code run after
// the iterator for those to labels outside the loop.
func (r *rewriter) rangeBranches(rs *ast.RangeStmt, label *ast.LabeledStmt, loop *rangeLoop) string {
	own := ""
	if label != nil {
		own = label.Label.Name
	}
	inner := map[string]bool{} // labels declared inside the body
	ast.Inspect(rs.Body, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			inner[l.Label.Name] = true
		}
		return true
	})
	var after strings.Builder
	codes := map[string]int{}
	var visit func(n ast.Node, breakable, loops int)
	visit = func(n ast.Node, breakable, loops int) {
		switch n := n.(type) {
		case *ast.FuncLit:
			return
		case *ast.ForStmt, *ast.RangeStmt:
			breakable, loops = breakable+1, loops+1
		case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			breakable++
		case *ast.DeferStmt:
			r.unsup = &unsupportedUse{pos: n.Pos(), feature: "defer inside a range-over-func loop",
				hint: "move the defer before the loop"}
		case *ast.BranchStmt:
			r.rangeBranch(n, own, inner, breakable, loops, loop, codes, &after)
			return
		}
		ast.Inspect(n, func(m ast.Node) bool {
			if m == n {
				return true
			}
			if m != nil {
				visit(m, breakable, loops)
			}
			return false
		})
	}
	for _, st := range rs.Body.List {
		visit(st, 0, 0)
	}
	return after.String()
}

// rangeBranch rewrites one break, continue or goto of a range-over-func
// body (see rangeBranches).
func (r *rewriter) rangeBranch(b *ast.BranchStmt, own string, inner map[string]bool, breakable, loops int,
	loop *rangeLoop, codes map[string]int, after *strings.Builder) {
	name := ""
	if b.Label != nil {
		name = b.Label.Name
	}
	switch {
	case b.Tok == token.GOTO || b.Tok == token.FALLTHROUGH:
		if b.Tok == token.GOTO {
			r.unsup = &unsupportedUse{pos: b.Pos(), feature: "goto inside a range-over-func loop"}
		}
	case name != "" && inner[name]:
	case b.Tok == token.CONTINUE && (name == own && name != "" || name == "" && loops == 0):
		r.replaceNode(b, lit("return true"))
	case b.Tok == token.BREAK && (name == own && name != "" || name == "" && breakable == 0):
		r.replaceNode(b, lit("return false"))
	case name != "" && loop.outer == nil:
		key := b.Tok.String() + " " + name
		if codes[key] == 0 {
			codes[key] = 3 + len(codes)
			fmt.Fprintf(after, "; if %s == %d { %s }", loop.ctl, codes[key], key)
		}
		r.replaceNode(b, lit(fmt.Sprintf("{ %s = %d; return false }", loop.ctl, codes[key])))
	case name != "":
		r.unsup = &unsupportedUse{pos: b.Pos(), feature: "a labelled " + b.Tok.String() + " out of nested range-over-func loops"}
	}
}

// loopReturn rewrites a return of the enclosing func from inside a
// range-over-func body: store the results, stop the iterator.
func (r *rewriter) loopReturn(ret *ast.ReturnStmt, loop *rangeLoop) {
	ps := []piece{lit("{ ")}
	if len(ret.Results) > 0 {
		ps = append(ps, lit(strings.Join(loop.results, ", ")+" = "))
		for i, e := range ret.Results {
			if i > 0 {
				ps = append(ps, lit(", "))
			}
			ps = append(ps, r.node(e))
		}
		ps = append(ps, lit("; "))
	}
	ps = append(ps, lit(loop.ctl+" = 2; return false }"))
	r.replaceNode(ret, ps...)
}

// yieldParams returns the parameter types of the yield func of the
// iterator e: a call of a cell func returning an iterator, a global
// holding one, or a func literal.
func (r *rewriter) yieldParams(e ast.Expr) ([]string, bool) {
	switch e := e.(type) {
	case *ast.FuncLit:
		return seqParams(r.u, e.Type, r.s)
	case *ast.CallExpr:
		if ps, ok := r.genericSeqParams(e); ok {
			return ps, true
		}
		var d *decl
		switch f := e.Fun.(type) {
		case *ast.Ident: // a cell func
			d = r.s.decls[f.Name]
		case *ast.SelectorExpr: // a method of a cell type, on a global
			if x, ok := f.X.(*ast.Ident); ok {
				if t := r.s.cellTypeOf(x.Name); t != "" {
					d = r.s.decls[t+"."+f.Sel.Name]
				}
			}
		}
		if d == nil || d.kind != "func" && d.kind != "method" {
			return nil, false
		}
		u, fd := declUnit(d)
		if fd == nil || fd.Type.TypeParams != nil || fd.Type.Results == nil || len(fd.Type.Results.List) != 1 {
			return nil, false
		}
		return seqParams(u, fd.Type.Results.List[0].Type, r.s)
	case *ast.Ident:
		v, ok := r.s.global(e.Name)
		if !ok || v.Kind() != reflect.Func {
			return nil, false
		}
		return reflectSeqParams(v.Type())
	}
	return nil, false
}

// genericSeqParams is yieldParams for the iterators of package slices
// and maps (slices.All(xs), maps.Keys(m)) over a global, whose yield
// types follow from the global's type.
func (r *rewriter) genericSeqParams(call *ast.CallExpr) ([]string, bool) {
	pkg, name, ok := r.genericCall(call)
	if !ok || pkg == "cmp" || len(call.Args) == 0 {
		return nil, false
	}
	arg, ok := call.Args[0].(*ast.Ident)
	if !ok {
		return nil, false
	}
	var kind reflect.Kind
	var key, elem string
	if r.declares(arg.Name) {
		kind, key, elem, ok = r.localCollectionType(arg.Name)
	} else {
		kind, key, elem, ok = r.globalCollectionType(arg.Name)
	}
	if !ok {
		return nil, false
	}
	switch f := pkg + "." + name; {
	case kind == reflect.Slice && (f == "slices.All" || f == "slices.Backward"):
		return []string{"int", elem}, true
	case kind == reflect.Slice && f == "slices.Values":
		return []string{elem}, true
	case kind == reflect.Slice && f == "slices.Chunk":
		return []string{"[]" + elem}, true
	case kind == reflect.Map && f == "maps.All":
		return []string{key, elem}, true
	case kind == reflect.Map && f == "maps.Keys":
		return []string{key}, true
	case kind == reflect.Map && f == "maps.Values":
		return []string{elem}, true
	}
	return nil, false
}

// globalCollectionType returns the kind (slice or map) and the key and
// element types, as a cell writes them, of the global name.
func (r *rewriter) globalCollectionType(name string) (kind reflect.Kind, key, elem string, ok bool) {
	v, ok := r.s.global(name)
	if !ok || !v.IsValid() {
		return 0, "", "", false
	}
	t := v.Type()
	switch t.Kind() {
	case reflect.Slice:
		elem, err := r.s.typeString(t.Elem())
		return reflect.Slice, "", elem, err == nil
	case reflect.Map:
		key, kerr := r.s.typeString(t.Key())
		elem, eerr := r.s.typeString(t.Elem())
		return reflect.Map, key, elem, kerr == nil && eerr == nil
	}
	return 0, "", "", false
}

// localCollectionType is globalCollectionType for a name the unit
// declares: a parameter, a var with a type, or a := of a composite
// literal. Every declaration of the name in the unit must agree, since
// the unit's scopes are not tracked.
func (r *rewriter) localCollectionType(name string) (kind reflect.Kind, key, elem string, ok bool) {
	types := r.declTypes()[name]
	if len(types) == 0 {
		return 0, "", "", false
	}
	first := ""
	for i, t := range types {
		if t == nil {
			return 0, "", "", false
		}
		if text := exprText(r.u, t); i == 0 {
			first = text
		} else if text != first {
			return 0, "", "", false
		}
	}
	switch t := types[0].(type) {
	case *ast.ArrayType:
		if t.Len == nil {
			return reflect.Slice, "", exprText(r.u, t.Elt), true
		}
	case *ast.MapType:
		return reflect.Map, exprText(r.u, t.Key), exprText(r.u, t.Value), true
	}
	return 0, "", "", false
}

// declUnit parses the source of a cell func declaration.
func declUnit(d *decl) (*unit, *ast.FuncDecl) {
	units, _, err := splitCell(d.text)
	if err != nil || len(units) != 1 || units[0].file == nil {
		return nil, nil
	}
	for _, dd := range units[0].file.Decls {
		if fd, ok := dd.(*ast.FuncDecl); ok {
			return units[0], fd
		}
	}
	return nil, nil
}

// seqParams returns the yield parameter types of an iterator type
// func(yield func(T...) bool), or of a cell type declared as one.
func seqParams(u *unit, t ast.Expr, s *Session) ([]string, bool) {
	if id, ok := t.(*ast.Ident); ok && s.decls[id.Name] != nil && s.decls[id.Name].kind == "type" {
		units, _, err := splitCell("type " + s.decls[id.Name].text)
		if err != nil || len(units) != 1 || units[0].file == nil {
			return nil, false
		}
		ts := units[0].file.Decls[0].(*ast.GenDecl).Specs[0].(*ast.TypeSpec)
		if ts.TypeParams != nil {
			return nil, false
		}
		return seqParams(units[0], ts.Type, s)
	}
	ft, ok := t.(*ast.FuncType)
	if !ok || ft.Params == nil || len(ft.Params.List) != 1 || ft.Results != nil {
		return nil, false
	}
	yt, ok := ft.Params.List[0].Type.(*ast.FuncType)
	if !ok || yt.Results == nil || len(yt.Results.List) != 1 || exprText(u, yt.Results.List[0].Type) != "bool" {
		return nil, false
	}
	var ps []string
	for _, f := range yt.Params.List {
		for range max(len(f.Names), 1) {
			ps = append(ps, exprText(u, f.Type))
		}
	}
	return ps, len(ps) <= 2
}

// reflectSeqParams is seqParams for the reflect type of a global;
// types declared in cells have no usable reflect name, so only those of
// Go and compiled packages are accepted.
func reflectSeqParams(t reflect.Type) ([]string, bool) {
	if t.NumIn() != 1 || t.NumOut() != 0 || t.In(0).Kind() != reflect.Func {
		return nil, false
	}
	y := t.In(0)
	if y.NumOut() != 1 || y.Out(0).Kind() != reflect.Bool || y.NumIn() > 2 {
		return nil, false
	}
	var ps []string
	for i := 0; i < y.NumIn(); i++ {
		s := y.In(i).String()
		if strings.Contains(s, "struct {") || strings.Contains(s, "main.") {
			return nil, false
		}
		ps = append(ps, s)
	}
	return ps, true
}
