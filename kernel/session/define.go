package session

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// # Top-level := that yaegi cannot type
//
// yaegi cannot type a global defined from an index into a value whose
// type came from compiled code: after `g := t.Data()` (a []float64 made
// by autodiff) or `xs := strings.Fields(s)`, the cell `y := g[0]` fails
// with "constant definition loop", and `y := g[0] * 2` with "nil type";
// so do `v, ok := m[k]`, `v, ok := <-ch` and `m := F[int, string](…)`. The
// same statements work inside a function, and `var y float64 = g[0]`
// works at top level. So when such a := (or var) fails that way, the
// session defines each name with an explicit type (typedDefine): `var y
// T = g[0]` when the type can be read from the expression (a chain of
// globals, fields, indexes and receives), else by evaluating the
// right-hand sides once, as locals of a func literal, into a temporary
// []any and taking the types from the values. A := that reads the
// global it redefines (x := x * 2) goes the second way from the start:
// yaegi would make the new x first and read it as 0.

// setDefine records, for typedDefine, the names and right-hand sides of
// as when it is a := of as many values as names; text renders an
// expression as it will be evaluated.
func (st *step) setDefine(pos string, as *ast.AssignStmt, text func(ast.Expr) string) {
	if as.Tok != token.DEFINE || len(as.Lhs) != len(as.Rhs) {
		return
	}
	var lhs, rhs []string
	for i, l := range as.Lhs {
		id, ok := l.(*ast.Ident)
		if !ok {
			return
		}
		lhs = append(lhs, id.Name)
		rhs = append(rhs, text(as.Rhs[i]))
	}
	st.pos, st.defLHS, st.defRHS, st.defExprs = pos, lhs, rhs, as.Rhs
}

// isCommaOkForm reports whether e is a map index or a channel receive,
// whose v, ok := e yaegi cannot compile at top level ("nil type").
func isCommaOkForm(e ast.Expr) bool {
	if p, ok := e.(*ast.ParenExpr); ok {
		return isCommaOkForm(p.X)
	}
	switch e := e.(type) {
	case *ast.IndexExpr:
		return true
	case *ast.UnaryExpr:
		return e.Op == token.ARROW
	}
	return false
}

// setCommaOk records v, ok := e (a map index or a receive) for
// typedDefine, which declares v with e's type and ok as a bool, then
// assigns both.
func (st *step) setCommaOk(pos string, as *ast.AssignStmt, text func(ast.Expr) string) {
	v, ok1 := as.Lhs[0].(*ast.Ident)
	okv, ok2 := as.Lhs[1].(*ast.Ident)
	if !ok1 || !ok2 {
		return
	}
	st.pos, st.commaOk = pos, true
	st.defLHS, st.defRHS, st.defExprs = []string{v.Name, okv.Name}, []string{text(as.Rhs[0])}, as.Rhs
}

// hoistedSteps turns the statements a rewrite hoisted before unit u
// (pre, "m := a; m = max(m, b)") into one step each, so that a := among
// them gets typedDefine's fallback too.
func hoistedSteps(u *unit, pos, pre string) []step {
	const head = "package p\nfunc _() {\n"
	src := head + pre + "\n}"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	if err != nil || len(f.Decls) != 1 {
		return []step{{kind: stepStmt, u: u, src: "{}\n" + pos + pre}}
	}
	text := func(n ast.Node) string { return src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset] }
	var steps []step
	for _, s := range f.Decls[0].(*ast.FuncDecl).Body.List {
		st := step{kind: stepStmt, u: u, src: "{}\n" + pos + text(s)}
		if as, ok := s.(*ast.AssignStmt); ok {
			st.setDefine(pos, as, func(e ast.Expr) string { return text(e) })
		}
		steps = append(steps, st)
	}
	return steps
}

// repairFrame runs a trivial Eval: a compile that failed (or panicked)
// can leave the interpreter's global frame short of a slot (see
// globals), and any successful Eval makes it whole again.
func (s *Session) repairFrame() {
	s.eval(context.Background(), "{}\n_ = 0")
}

// typedDefine is the fallback for a define step (st.defLHS set): it
// returns the source that defines the names with explicit types. When
// every right-hand side has a static type (see staticType) it is `var
// name T = rhs`; otherwise the right-hand sides are evaluated first, once,
// into a temporary, and the types taken from the values. A non-nil error
// is the cell's result: a right-hand side failed, or a type has no name a
// cell can write.
func (s *Session) typedDefine(ctx context.Context, st step) (src string, err error) {
	g := s.globals()
	if g == nil {
		s.repairFrame()
		g = s.globals()
	}
	if st.commaOk {
		return s.commaOkDefine(ctx, st, g)
	}
	types := make([]reflect.Type, len(st.defLHS))
	static := true
	for i, e := range st.defExprs {
		types[i] = s.staticType(e, g)
		static = static && types[i] != nil
	}
	if static && !mentions(st.defExprs, st.defLHS) {
		var b strings.Builder
		b.WriteString("{}\n")
		for i, name := range st.defLHS {
			ts, err := s.typeString(types[i])
			if err != nil {
				return "", s.untypable(st, i, err)
			}
			if name == "_" {
				name = s.fresh("gbDiscard")
			}
			fmt.Fprintf(&b, "%svar %s %s = %s\n", st.pos, name, ts, st.defRHS[i])
		}
		return b.String(), nil
	}
	tmp := s.fresh("gbDefine")
	pos := strings.Replace(st.pos, "//line", "/*line", 1)
	pos = pos[:len(pos)-1] + "*/"
	// Locals inside a func literal, which yaegi types where it cannot a
	// global (an instantiated generic call in a composite literal fails).
	var locals, names []string
	for i, rhs := range st.defRHS {
		v := "v" + strconv.Itoa(i)
		locals = append(locals, v)
		names = append(names, rhs)
	}
	init := "{}\n" + tmp + " := func() []any { " + strings.Join(locals, ", ") + " := " + pos + strings.Join(names, ", ") +
		"; return []any{" + strings.Join(locals, ", ") + "} }()"
	if _, err := s.eval(ctx, init); err != nil {
		if isNilType(err) {
			if e := s.undefinedRoot(st); e != nil {
				return "", e // yaegi's own message would be "nil type"
			}
			return "", errNoFallback // the statement's own error says more
		}
		return "", err
	}
	release := "{}\n" + tmp + " = nil"
	var vals []any
	if v, ok := s.globals()[tmp]; ok && v.IsValid() {
		vals, _ = v.Interface().([]any)
	}
	var b strings.Builder
	b.WriteString("{}\n")
	for i, name := range st.defLHS {
		if i >= len(vals) {
			break
		}
		t := types[i]
		if t == nil && vals[i] != nil {
			t = reflect.TypeOf(vals[i])
		}
		ts, err := s.typeString(t)
		if err != nil {
			s.eval(context.Background(), release)
			return "", s.untypable(st, i, err)
		}
		if name == "_" {
			continue
		}
		el := tmp + "[" + strconv.Itoa(i) + "]"
		if t.Kind() == reflect.Interface {
			fmt.Fprintf(&b, "var %s %s\nif %s != nil { %s = %s.(%s) }\n", name, ts, el, name, el, ts)
		} else {
			fmt.Fprintf(&b, "var %s %s = %s.(%s)\n", name, ts, el, ts)
		}
	}
	return b.String() + tmp + " = nil", nil
}

// undefinedRoot returns a compile error for the first right-hand side of
// st that indexes or selects from a name declared nowhere (y := nosuch[0]),
// or nil.
func (s *Session) undefinedRoot(st step) error {
	for _, e := range st.defExprs {
		for {
			switch x := e.(type) {
			case *ast.IndexExpr:
				e = x.X
				continue
			case *ast.SelectorExpr:
				e = x.X
				continue
			case *ast.ParenExpr:
				e = x.X
				continue
			}
			break
		}
		id, ok := e.(*ast.Ident)
		if !ok || !id.Pos().IsValid() || st.u == nil || st.u.stmt == nil || id.Pos() < st.u.stmt.Pos() || id.End() > st.u.stmt.End() {
			continue // not an identifier of the unit's own text (a hoisted statement)
		}
		if s.decls[id.Name] != nil || s.pkgs[id.Name] != "" || types.Universe.Lookup(id.Name) != nil {
			continue
		}
		if _, ok := s.global(id.Name); ok {
			continue
		}
		p := st.u.fset.Position(id.Pos())
		return fmt.Errorf("%d:%d: undefined: %s", p.Line, p.Column, id.Name)
	}
	return nil
}

// typedDefineOr is typedDefine for its callers in execute: the source to
// evaluate instead of st's, or, when typedDefine has no fallback, "" and
// orig (nil for a caller that then runs st as it is).
func (s *Session) typedDefineOr(ctx context.Context, st step, orig error) (string, error) {
	src, err := s.typedDefine(ctx, st)
	if errors.Is(err, errNoFallback) {
		return "", orig
	}
	return src, err
}

// errNoFallback says that typedDefine could not compile the right-hand
// sides either: the statement's own error is the one to report.
var errNoFallback = errors.New("session: no typed define")

// commaOkDefine is typedDefine for v, ok := e (see setCommaOk).
func (s *Session) commaOkDefine(ctx context.Context, st step, g map[string]reflect.Value) (string, error) {
	t := s.staticType(st.defExprs[0], g)
	if t == nil {
		// Evaluate once, inside a func, and take the type of the value.
		tmp := s.fresh("gbCommaOk")
		pos := strings.Replace(st.pos, "//line", "/*line", 1)
		pos = pos[:len(pos)-1] + "*/"
		init := "{}\n" + tmp + " := func() []any { v, ok := " + pos + st.defRHS[0] + "; return []any{v, ok} }()"
		if _, err := s.eval(ctx, init); err != nil {
			if isNilType(err) {
				return "", errNoFallback
			}
			return "", err
		}
		var vals []any
		if v, ok := s.globals()[tmp]; ok && v.IsValid() {
			vals, _ = v.Interface().([]any)
		}
		if len(vals) != 2 || vals[0] == nil {
			return "", s.untypable(st, 0, errors.New("the value is nil"))
		}
		ts, err := s.typeString(reflect.TypeOf(vals[0]))
		if err != nil {
			return "", s.untypable(st, 0, err)
		}
		var b strings.Builder
		b.WriteString("{}\n")
		if v := st.defLHS[0]; v != "_" {
			fmt.Fprintf(&b, "var %s %s = %s[0].(%s)\n", v, ts, tmp, ts)
		}
		if ok := st.defLHS[1]; ok != "_" {
			fmt.Fprintf(&b, "var %s bool = %s[1].(bool)\n", ok, tmp)
		}
		return b.String() + tmp + " = nil", nil
	}
	ts, err := s.typeString(t)
	if err != nil {
		return "", s.untypable(st, 0, err)
	}
	var b strings.Builder
	b.WriteString("{}\n")
	v, ok := st.defLHS[0], st.defLHS[1]
	if v != "_" {
		fmt.Fprintf(&b, "var %s %s\n", v, ts)
	}
	if ok != "_" {
		fmt.Fprintf(&b, "var %s bool\n", ok)
	}
	fmt.Fprintf(&b, "%s%s, %s = %s", st.pos, v, ok, st.defRHS[0])
	return b.String(), nil
}

// untypable is the error for right-hand side i of st, whose type cannot
// be written in a cell.
func (s *Session) untypable(st step, i int, why error) error {
	at := strings.TrimSuffix(strings.TrimPrefix(st.pos, "//line _.go:"), "\n")
	return fmt.Errorf("%s: the Go interpreter cannot infer the type of %s here (%v); declare it with its type: var %s T = %s",
		at, st.defRHS[i], why, st.defLHS[i], st.defRHS[i])
}

// sameTypeRedefine reports whether the define step st (names := values,
// as many of each) only gives variables of earlier cells new values of
// the types they already have, as := would type them, and if so declares
// stepFunc as the assignment (see declareSameTypeAssign). yaegi's := makes
// a new variable each time, so a re-run cell kept every earlier value
// alive for good (a cell making an 8 MB matrix grew the worker by 8 MB
// per run), and funcs of earlier cells went on reading the old variable.
func (s *Session) sameTypeRedefine(st step) bool {
	return len(s.earlierVars(st.defLHS)) == len(st.defLHS) && s.declareSameTypeAssign(st.pos, st.defLHS, st.defRHS)
}

// declareSameTypeAssign declares stepFunc as the assignment names = rhs
// (as many of each), if each value has its variable's type as a
// top-level := would type it: the values are defined as locals, and each
// is passed with its variable to sameFunc, which compiles only when both
// have one type. It reports whether that compiled; nothing has run yet.
func (s *Session) declareSameTypeAssign(pos string, names, rhs []string) bool {
	locals := make([]string, len(names))
	var same strings.Builder
	for i, name := range names {
		locals[i] = fmt.Sprintf("gbNew%d__", i)
		fmt.Fprintf(&same, "; %s(&%s, &%s)", sameFunc, name, locals[i])
	}
	err := s.declareStep(pos + strings.Join(locals, ", ") + " := " + strings.Join(rhs, ", ") + same.String() +
		"\n" + strings.Join(names, ", ") + " = " + strings.Join(locals, ", "))
	if err != nil && panickedCompiling(err) {
		s.repairFrame()
	}
	return err == nil
}

// selfReferent reports whether the define step st reads one of the
// globals it redefines (x := x * 2).
func (s *Session) selfReferent(st step) bool {
	for _, name := range st.defLHS {
		if !mentions(st.defExprs, []string{name}) {
			continue
		}
		if _, ok := s.global(name); ok {
			return true
		}
	}
	return false
}

// mentions reports whether any of es uses one of names.
func mentions(es []ast.Expr, names []string) bool {
	found := false
	for _, e := range es {
		ast.Inspect(e, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && slices.Contains(names, id.Name) {
				found = true
			}
			return !found
		})
	}
	return found
}

// staticType returns the static type of e when e is a global (looked up
// in g), or a chain of field selections, indexes and receives from one;
// otherwise nil.
func (s *Session) staticType(e ast.Expr, g map[string]reflect.Value) reflect.Type {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return s.staticType(e.X, g)
	case *ast.Ident:
		if v, ok := s.globalIn(g, e.Name); ok {
			return v.Type()
		}
	case *ast.UnaryExpr:
		if t := s.staticType(e.X, g); e.Op == token.ARROW && t != nil && t.Kind() == reflect.Chan {
			return t.Elem()
		}
	case *ast.IndexExpr:
		t := s.staticType(e.X, g)
		if t != nil && t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Array {
			t = t.Elem()
		}
		if t != nil {
			switch t.Kind() {
			case reflect.Slice, reflect.Array, reflect.Map:
				return t.Elem()
			case reflect.String:
				return reflect.TypeFor[byte]()
			}
		}
	case *ast.SelectorExpr:
		t := s.staticType(e.X, g)
		if t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t != nil && t.Kind() == reflect.Struct {
			if f, ok := t.FieldByName(e.Sel.Name); ok && f.IsExported() {
				return f.Type
			}
		}
	}
	return nil
}

// resultType returns the type of the single result of a call of a
// compiled package's function (strings.Fields(s)) or of a method of a
// value staticType can type (t.Data()), or nil.
func (s *Session) resultType(c *ast.CallExpr, g map[string]reflect.Value) reflect.Type {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	var ft reflect.Type
	if pkg, ok := sel.X.(*ast.Ident); ok {
		if _, global := s.globalIn(g, pkg.Name); !global {
			if p, ok := s.packageNamed(pkg.Name); ok {
				if f, ok := exportsOf(p)[sel.Sel.Name]; ok && f.Kind() == reflect.Func {
					ft = f.Type()
				}
			}
		}
	}
	if ft == nil {
		t := s.staticType(sel.X, g)
		if t == nil {
			return nil
		}
		m, ok := t.MethodByName(sel.Sel.Name)
		if !ok && t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
			m, ok = reflect.PointerTo(t).MethodByName(sel.Sel.Name)
		}
		if !ok {
			return nil
		}
		ft = m.Type
	}
	if ft.NumOut() != 1 {
		return nil
	}
	return ft.Out(0)
}

// typeString writes t as a cell would, with the names cells know
// packages by (ad for autodiff).
func (s *Session) typeString(t reflect.Type) (string, error) {
	if t == nil {
		return "", errors.New("the value is nil")
	}
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name(), nil // predeclared: float64, error
		}
		if strings.ContainsAny(t.Name(), "[") {
			return "", fmt.Errorf("%v is an instance of a generic type", t)
		}
		name, ok := s.packageName(t.PkgPath())
		if !ok || !ast.IsExported(t.Name()) {
			return "", fmt.Errorf("its type %v cannot be named in a cell", t)
		}
		return name + "." + t.Name(), nil
	}
	elem := func(prefix string, e reflect.Type) (string, error) {
		es, err := s.typeString(e)
		return prefix + es, err
	}
	switch t.Kind() {
	case reflect.Pointer:
		return elem("*", t.Elem())
	case reflect.Slice:
		return elem("[]", t.Elem())
	case reflect.Array:
		return elem("["+strconv.Itoa(t.Len())+"]", t.Elem())
	case reflect.Map:
		k, err := s.typeString(t.Key())
		if err != nil {
			return "", err
		}
		return elem("map["+k+"]", t.Elem())
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any", nil
		}
	case reflect.Func:
		var in, out []string
		for i := range t.NumIn() {
			a, err := s.typeString(t.In(i))
			if err != nil {
				return "", err
			}
			if t.IsVariadic() && i == t.NumIn()-1 {
				a = "..." + strings.TrimPrefix(a, "[]")
			}
			in = append(in, a)
		}
		for i := range t.NumOut() {
			r, err := s.typeString(t.Out(i))
			if err != nil {
				return "", err
			}
			out = append(out, r)
		}
		sig := "func(" + strings.Join(in, ", ") + ")"
		switch len(out) {
		case 0:
		case 1:
			sig += " " + out[0]
		default:
			sig += " (" + strings.Join(out, ", ") + ")"
		}
		return sig, nil
	}
	return "", fmt.Errorf("its type %v cannot be named in a cell", t)
}

// packageName returns the name cells use for the package at path p:
// its preloaded name, else the shortest name it was imported under.
func (s *Session) packageName(p string) (string, bool) {
	for name, pp := range Preloaded {
		if pp == p {
			return name, true
		}
	}
	var names []string
	for name, pp := range s.pkgs {
		if pp == p {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "", false
	}
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) < len(names[j])
		}
		return names[i] < names[j]
	})
	return names[0], true
}

// isNilDeref reports a nil pointer dereference panic: yaegi's compiler
// dies of one on some of these statements (and so may the statement).
func isNilDeref(err error) bool {
	var p interp.Panic
	return errors.As(err, &p) && strings.Contains(fmt.Sprint(p.Value), "nil pointer dereference")
}

// panickedCompiling reports whether err is a panic of yaegi's compiler,
// before anything of the statement ran: its stack has the compile phase
// and not the run phase. A generic call's := (zs := slices.Clone(xs))
// panics so, with a nil pointer dereference.
func panickedCompiling(err error) bool {
	var p interp.Panic
	if !errors.As(err, &p) {
		return false
	}
	stack := string(p.Stack)
	return strings.Contains(stack, "interp.(*Interpreter).compileSrc") && !strings.Contains(stack, "interp.runCfg")
}

// hasCall reports whether any of es contains a call (or a conversion,
// which looks the same).
func hasCall(es []ast.Expr) bool {
	found := false
	for _, e := range es {
		ast.Inspect(e, func(n ast.Node) bool {
			if _, ok := n.(*ast.CallExpr); ok {
				found = true
			}
			return !found
		})
	}
	return found
}

// isDefinitionLoop reports the compile errors yaegi gives for a top-level
// := whose type it cannot work out: "constant definition loop" (and
// "variable definition loop"), and "not a generic type" for an explicitly
// instantiated generic call (m := Map[int, string](…)).
func isDefinitionLoop(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "definition loop") || strings.Contains(err.Error(), "not a generic type"))
}
