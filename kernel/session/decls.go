package session

import (
	"context"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"path"
	"reflect"
	"sort"
	"strings"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/gradbook/gradbook/kernel/symbols"
)

// Bookkeeping of what cells declared: redefinition checks, completion,
// inspection, and the few type facts the rewrites need.

// checkRedefinitions refuses a cell that declares an existing type with
// another definition: yaegi would silently keep the old one.
func (s *Session) checkRedefinitions(units []*unit) *Error {
	for _, u := range units {
		if u.kind != unitDecl {
			continue
		}
		for _, d := range u.file.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, sp := range gd.Specs {
				ts := sp.(*ast.TypeSpec)
				prev := s.decls[ts.Name.Name]
				if prev != nil && prev.kind == "type" && prev.text != exprText(u, ts) {
					msg := fmt.Sprintf("type %s is already defined (cell %d, line %d) and the Go interpreter cannot redefine types; restart the kernel to change it, or use a new name",
						ts.Name.Name, prev.cell, prev.line)
					return &Error{Name: ErrRedefined, Value: msg, Traceback: []string{ErrRedefined + ": " + msg}}
				}
			}
		}
	}
	return nil
}

// register records the declarations of a successful decl step and
// returns the funcs it redefined with another body.
func (s *Session) register(st step) (redefined []string) {
	for _, k := range st.imps {
		s.imports[k] = true
		name, p, _ := strings.Cut(k, " ")
		if name == "" {
			name = path.Base(p)
		}
		if name != "_" && name != "." {
			s.pkgs[name] = p
		}
	}
	for _, u := range st.decls {
		for _, d := range u.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				name := d.Name.Name
				kind := "func"
				if d.Recv != nil && len(d.Recv.List) > 0 {
					kind = "method"
					name = recvName(d.Recv.List[0].Type) + "." + name
				}
				text := exprText(u, d)
				nd := &decl{kind: kind, text: text, cell: s.cell, line: u.fset.Position(d.Pos()).Line, calls: calls(d.Body)}
				if r := d.Type.Results; r != nil && len(r.List) == 1 {
					_, nd.retFn = r.List[0].Type.(*ast.FuncType)
				}
				if prev := s.decls[name]; prev != nil && kind == "func" && prev.text != text {
					redefined = append(redefined, name)
				}
				s.decls[name] = nd
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					if ts, ok := sp.(*ast.TypeSpec); ok {
						if s.decls[ts.Name.Name] == nil || s.decls[ts.Name.Name].kind != "type" {
							s.decls[ts.Name.Name] = &decl{kind: "type", text: exprText(u, ts), cell: s.cell, line: u.fset.Position(ts.Pos()).Line}
						}
					}
				}
			}
		}
	}
	return redefined
}

// registerStmt records the variables and constants a statement declared.
func (s *Session) registerStmt(u *unit) {
	add := func(kind string, ids []*ast.Ident) {
		for _, id := range ids {
			if id.Name != "_" {
				s.decls[id.Name] = &decl{kind: kind, text: u.text, cell: s.cell, line: u.line}
			}
		}
	}
	switch st := u.stmt.(type) {
	case *ast.AssignStmt:
		if st.Tok == token.DEFINE {
			var ids []*ast.Ident
			for _, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					ids = append(ids, id)
				}
			}
			add("var", ids)
		}
	case *ast.DeclStmt:
		if gd, ok := st.Decl.(*ast.GenDecl); ok {
			for _, sp := range gd.Specs {
				switch sp := sp.(type) {
				case *ast.ValueSpec:
					add(strings.ToLower(gd.Tok.String()), sp.Names)
				case *ast.TypeSpec:
					add("type", []*ast.Ident{sp.Name})
				}
			}
		}
	}
}

// redeclareCallers declares again, from their source, the funcs and
// methods of earlier cells that call a redefined func, directly or
// through other callers: yaegi binds a call to the func that existed
// when the caller was compiled, so without this they would keep calling
// the old body. A caller that no longer compiles gets a warning.
func (s *Session) redeclareCallers(ctx context.Context, redefined []string) {
	seen := map[string]bool{}
	for _, n := range redefined {
		seen[n] = true
	}
	var callers []string
	for queue := redefined; len(queue) > 0; queue = queue[1:] {
		for n, d := range s.decls {
			if d.calls[queue[0]] && !seen[n] {
				seen[n] = true
				callers = append(callers, n)
				queue = append(queue, n)
			}
		}
	}
	if len(callers) == 0 {
		return
	}
	sort.Strings(callers)
	saved := map[string]decl{}
	var sb strings.Builder
	for _, n := range callers {
		saved[n] = *s.decls[n]
		sb.WriteString(s.decls[n].text + "\n")
	}
	if err := s.evalDecls(ctx, sb.String()); err != nil {
		fmt.Fprintf(s.errf.w, "warning: %s redefined, but %s (declared earlier) could not be compiled again with it (%v): fix and re-run the cells that declare them\n",
			strings.Join(redefined, ", "), strings.Join(callers, ", "), errPos.ReplaceAllString(err.Error(), "$3"))
		return
	}
	for n, d := range saved { // they still come from their own cells
		s.decls[n].cell, s.decls[n].line = d.cell, d.line
	}
}

// evalDecls rewrites and evaluates code made of declarations only, and
// registers them.
func (s *Session) evalDecls(ctx context.Context, code string) error {
	units, _, err := splitCell(code)
	if err != nil {
		return err
	}
	facts := newCellFacts(units)
	rws := make([]*rewriter, len(units))
	for i, u := range units {
		rws[i] = &rewriter{u: u, s: s, facts: facts, guard: true, maxDepth: s.opts.MaxCallDepth}
		rws[i].rewrite()
	}
	steps, _ := s.plan(units, rws)
	for _, st := range steps {
		if _, err := s.eval(ctx, st.src); err != nil {
			s.stubFuncs(ctx, st)
			return err
		}
		s.register(st)
	}
	return nil
}

func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvName(e.X)
	case *ast.IndexExpr:
		return recvName(e.X)
	case *ast.IndexListExpr:
		return recvName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return "?"
}

// calls returns the names of the funcs called in body.
func calls(body *ast.BlockStmt) map[string]bool {
	m := map[string]bool{}
	if body == nil {
		return m
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok {
				m[id.Name] = true
			}
		}
		return true
	})
	return m
}

// isCellType reports whether e names a type declared in a cell.
func (s *Session) isCellType(e ast.Expr) bool {
	if p, ok := e.(*ast.ParenExpr); ok {
		e = p.X
	}
	if st, ok := e.(*ast.StarExpr); ok {
		e = st.X
	}
	id, ok := e.(*ast.Ident)
	return ok && s.decls[id.Name] != nil && s.decls[id.Name].kind == "type"
}

func (s *Session) global(name string) (reflect.Value, bool) { return s.globalIn(s.globals(), name) }

// globalIn is global looked up in g, the interpreter's globals fetched
// once for several names.
func (s *Session) globalIn(g map[string]reflect.Value, name string) (reflect.Value, bool) {
	if d := s.decls[name]; d == nil || (d.kind != "var" && d.kind != "const") {
		return reflect.Value{}, false
	}
	v, ok := g[name]
	return v, ok && v.IsValid()
}

// globals is the interpreter's Globals, or nil while it cannot list
// them: after a failed compile added a name the frame does not hold
// yet, yaegi's Globals panics until the next successful Eval.
func (s *Session) globals() (g map[string]reflect.Value) {
	defer func() {
		if recover() != nil {
			g = nil
		}
	}()
	return s.in.Globals()
}

// globalIsInt reports whether a global of earlier cells holds an integer.
func (s *Session) globalIsInt(name string) bool {
	v, ok := s.global(name)
	if !ok {
		return false
	}
	if c, ok := v.Interface().(constant.Value); ok {
		return c.Kind() == constant.Int
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// globalIsFunc reports whether a global variable of earlier cells holds a func.
func (s *Session) globalIsFunc(name string) bool {
	v, ok := s.global(name)
	return ok && v.Kind() == reflect.Func
}

// funcReturnsFunc reports whether a cell func returns a func (an iterator).
func (s *Session) funcReturnsFunc(name string) bool {
	d := s.decls[name]
	return d != nil && d.kind == "func" && d.retFn
}

// checkAlloc refuses a make() whose constant size exceeds MaxAlloc
// elements, before the cell runs: such a make would kill the process.
func (s *Session) checkAlloc(code string, u *unit) *Error {
	root := u.root()
	var e *Error
	ast.Inspect(root, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok || e != nil {
			return e == nil
		}
		if id, ok := c.Fun.(*ast.Ident); !ok || id.Name != "make" || len(c.Args) < 2 {
			return true
		}
		for _, a := range c.Args[1:] {
			v, ok := constValue(u, a)
			if !ok {
				continue
			}
			if n, exact := constant.Int64Val(constant.ToInt(v)); !exact || n > s.opts.MaxAlloc {
				p := u.fset.Position(a.Pos())
				msg := fmt.Sprintf("%d:%d: make of %s elements exceeds the kernel's limit of %d elements", p.Line, p.Column, exprText(u, a), s.opts.MaxAlloc)
				e = &Error{Name: ErrMemory, Value: msg, Traceback: caret(code, p.Line, p.Column, ErrMemory+": "+msg)}
			}
		}
		return true
	})
	return e
}

// allocError is the panic of a make() larger than Options.MaxAlloc,
// found when the cell runs.
type allocError struct{ n, limit int64 }

func (e allocError) Error() string {
	return fmt.Sprintf("make of %d elements exceeds the kernel's limit of %d elements", e.n, e.limit)
}

// checkAllocSize is the compiled check of a make() size that is not a
// constant (see rewriter.checkMake).
func (s *Session) checkAllocSize(n int) int {
	if int64(n) > s.opts.MaxAlloc {
		panic(allocError{int64(n), s.opts.MaxAlloc})
	}
	return n
}

// packageNames returns the name under which ImportUsed makes each
// preloaded package visible in cells ("math_rand" when two collide).
func packageNames(_ *interp.Interpreter) map[string]string {
	count := map[string]int{}
	var paths []string
	for _, exp := range []interp.Exports{stdlib.Symbols, symbols.Symbols} {
		for k := range exp {
			p := path.Dir(k)
			paths = append(paths, p)
			count[path.Base(p)]++
		}
	}
	names := map[string]string{}
	for _, p := range paths {
		name := path.Base(p)
		if count[name] > 1 {
			if i := strings.LastIndex(p, "/"); i >= 0 {
				name = p[:i] + "_" + p[i+1:]
			}
		}
		names[name] = p
	}
	return names
}

// exportsOf returns the symbol table of an import path.
func exportsOf(p string) map[string]reflect.Value {
	for _, exp := range []interp.Exports{stdlib.Symbols, symbols.Symbols} {
		if m, ok := exp[p+"/"+path.Base(p)]; ok {
			return m
		}
		for k, m := range exp {
			if path.Dir(k) == p {
				return m
			}
		}
	}
	return nil
}

// cellTypeOf returns the name of the cell type of the global variable
// name, read from its declaration, or "": yaegi's reflect types of cell
// types carry no methods, so completion and inspection find a
// variable's methods through its type's name. Handled: T{…}, &T{…},
// new(T), var x T (or *T), and a call of a cell func whose only result
// is T or *T.
func (s *Session) cellTypeOf(name string) string {
	d := s.decls[name]
	if d == nil || d.kind != "var" {
		return ""
	}
	units, _, err := splitCell(d.text)
	if err != nil || len(units) != 1 || units[0].stmt == nil {
		return ""
	}
	switch st := units[0].stmt.(type) {
	case *ast.AssignStmt:
		for i, l := range st.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name == name && len(st.Lhs) == len(st.Rhs) {
				return s.exprTypeName(st.Rhs[i])
			}
		}
	case *ast.DeclStmt:
		for _, sp := range st.Decl.(*ast.GenDecl).Specs {
			vs, ok := sp.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for i, n := range vs.Names {
				switch {
				case n.Name != name:
				case vs.Type != nil:
					return s.typeName(vs.Type)
				case i < len(vs.Values):
					return s.exprTypeName(vs.Values[i])
				}
			}
		}
	}
	return ""
}

// exprTypeName returns the cell type of e, for the forms cellTypeOf
// handles.
func (s *Session) exprTypeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.CompositeLit:
		return s.typeName(e.Type)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return s.exprTypeName(e.X)
		}
	case *ast.CallExpr:
		id, ok := e.Fun.(*ast.Ident)
		if !ok {
			return ""
		}
		if id.Name == "new" && len(e.Args) == 1 {
			return s.typeName(e.Args[0])
		}
		if d := s.decls[id.Name]; d != nil && d.kind == "func" {
			units, _, err := splitCell(d.text)
			if err != nil || len(units) != 1 || units[0].file == nil {
				return ""
			}
			for _, dd := range units[0].file.Decls {
				if fd, ok := dd.(*ast.FuncDecl); ok && fd.Type.Results != nil && len(fd.Type.Results.List) == 1 {
					return s.typeName(fd.Type.Results.List[0].Type)
				}
			}
		}
	}
	return ""
}

// typeName returns the name of the cell type T or *T, or "".
func (s *Session) typeName(e ast.Expr) string {
	if st, ok := e.(*ast.StarExpr); ok {
		e = st.X
	}
	if id, ok := e.(*ast.Ident); ok && s.decls[id.Name] != nil && s.decls[id.Name].kind == "type" {
		return id.Name
	}
	return ""
}

// cellMethods returns the methods cells declared on the type named t.
func (s *Session) cellMethods(t string) []string {
	var names []string
	for n, d := range s.decls {
		if m, ok := strings.CutPrefix(n, t+"."); ok && d.kind == "method" {
			names = append(names, m)
		}
	}
	return names
}

// isGenericFunc reports whether a cell declared name as a generic func.
func (s *Session) isGenericFunc(name string) bool {
	d := s.decls[name]
	if d == nil || d.kind != "func" {
		return false
	}
	units, _, err := splitCell(d.text)
	if err != nil || len(units) != 1 || units[0].file == nil {
		return false
	}
	for _, dd := range units[0].file.Decls {
		if fd, ok := dd.(*ast.FuncDecl); ok && fd.Type.TypeParams != nil {
			return true
		}
	}
	return false
}
