package session

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// unitKind says how a top-level piece of a cell is evaluated.
type unitKind int

const (
	unitStmt   unitKind = iota // a statement (var and const included), evaluated in statement mode
	unitImport                 // an import declaration
	unitDecl                   // a func, method or type declaration
)

// unit is one top-level statement or declaration of a cell, parsed on
// its own. Offsets in the AST are relative to text once base is
// subtracted.
type unit struct {
	kind      unitKind
	text      string // source of the unit, as in the cell
	line, col int    // where text starts in the cell (1-based)
	fset      *token.FileSet
	base      int       // offset of text in the parsed source
	file      *ast.File // decl and import units
	stmt      ast.Stmt  // statement units
}

// root is the unit's syntax: its file for declarations, else its
// statement.
func (u *unit) root() ast.Node {
	if u.file != nil {
		return u.file
	}
	return u.stmt
}

// off returns the offset in u.text of pos.
func (u *unit) off(pos token.Pos) int { return u.fset.PositionFor(pos, false).Offset - u.base }

// SyntaxError is a cell that does not parse; Line and Column are the
// cell's own (1-based, column in bytes).
type SyntaxError struct {
	Line, Column int
	Msg          string
	AtEnd        bool // the statement was cut off where it ended (more may follow)
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

// tok is one scanned token with its byte offset in the cell.
type tok struct {
	off int
	tok token.Token
	lit string
}

// scanCell returns the tokens of a cell (with automatic semicolons) or
// the first scanner error.
func scanCell(code string) ([]tok, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(code))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, []byte(code), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{off: file.Offset(pos), tok: t, lit: lit})
	}
	if len(errs) > 0 {
		e := errs[0]
		return toks, &SyntaxError{Line: e.Pos.Line, Column: e.Pos.Column, Msg: e.Msg}
	}
	return toks, nil
}

// lineCol returns the 1-based line and byte column of off in code.
func lineCol(code string, off int) (int, int) {
	line := 1 + strings.Count(code[:off], "\n")
	col := off - strings.LastIndex(code[:off], "\n")
	return line, col
}

// splitCell cuts a cell into top-level units in source order, dropping a
// leading package clause (reported by hasPackage), and parses each unit.
func splitCell(code string) (units []*unit, hasPackage bool, err error) {
	toks, err := scanCell(code)
	if err != nil {
		return nil, false, err
	}
	i := 0
	if len(toks) > 0 && toks[0].tok == token.PACKAGE {
		hasPackage = true
		i = 1
		for i < len(toks) && toks[i].tok != token.SEMICOLON {
			i++
		}
		i++
	}
	for i < len(toks) {
		if toks[i].tok == token.SEMICOLON {
			i++
			continue
		}
		start := i
		i = unitEnd(toks, i)
		u, err := newUnit(code, toks, start, i)
		// A for, if or switch header holds semicolons at depth 0
		// ("for i := 0; i < n; i++ {", "} else if v := f(); v {"): while
		// the statement does not parse, extend it to the next one. A
		// prefix of such a statement never parses, as it lacks the body.
		// If none parses, the error furthest into the cell is the real one.
		for err != nil && isHeaderStmt(toks[start:]) && i < len(toks) {
			j := unitEnd(toks, i+1)
			u2, err2 := newUnit(code, toks, start, j)
			if err2 == nil {
				u, err, i = u2, nil, j
				break
			}
			if furtherThan(err2, err) {
				err = err2
			}
			i = j
		}
		if err != nil {
			return nil, hasPackage, err
		}
		units = append(units, u)
	}
	return units, hasPackage, nil
}

// unitEnd returns the index of the first semicolon at bracket depth 0
// from toks[i] on, or len(toks).
func unitEnd(toks []tok, i int) int {
	depth := 0
	for ; i < len(toks); i++ {
		switch toks[i].tok {
		case token.LBRACE, token.LPAREN, token.LBRACK:
			depth++
		case token.RBRACE, token.RPAREN, token.RBRACK:
			depth--
		}
		if depth == 0 && toks[i].tok == token.SEMICOLON {
			break
		}
	}
	return i
}

// newUnit parses toks[start:end] of code as one unit.
func newUnit(code string, toks []tok, start, end int) (*unit, error) {
	stop := len(code)
	if end < len(toks) {
		stop = toks[end].off
	}
	text := strings.TrimRight(code[toks[start].off:stop], " \t\r\n")
	line, col := lineCol(code, toks[start].off)
	u := &unit{kind: classify(toks[start:max(end, start+1)]), text: text, line: line, col: col}
	return u, u.parse()
}

// furtherThan reports whether syntax error a is further into the cell than b.
func furtherThan(a, b error) bool {
	var sa, sb *SyntaxError
	if !errors.As(a, &sa) || !errors.As(b, &sb) {
		return false
	}
	return sa.Line > sb.Line || sa.Line == sb.Line && sa.Column > sb.Column
}

// isHeaderStmt reports a statement (maybe labelled) starting with for,
// if or switch, whose header may contain semicolons.
func isHeaderStmt(ts []tok) bool {
	if len(ts) > 2 && ts[0].tok == token.IDENT && ts[1].tok == token.COLON {
		ts = ts[2:]
	}
	switch ts[0].tok {
	case token.FOR, token.IF, token.SWITCH:
		return true
	}
	return false
}

// classify decides the unit kind from its first tokens: imports, named
// funcs, methods and types are declarations; everything else, including
// var, const and func literals, is a statement.
func classify(ts []tok) unitKind {
	switch ts[0].tok {
	case token.IMPORT:
		return unitImport
	case token.TYPE:
		return unitDecl
	case token.FUNC:
		if len(ts) > 1 && ts[1].tok == token.IDENT {
			return unitDecl
		}
		if len(ts) > 1 && ts[1].tok == token.LPAREN { // method: func (r T) Name(
			depth := 0
			for j := 1; j < len(ts); j++ {
				switch ts[j].tok {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
				}
				if depth == 0 {
					return map[bool]unitKind{true: unitDecl, false: unitStmt}[j+2 < len(ts) &&
						ts[j+1].tok == token.IDENT && (ts[j+2].tok == token.LPAREN || ts[j+2].tok == token.LBRACK)]
				}
			}
		}
	}
	return unitStmt
}

const (
	declPrefix = "package main\n"
	stmtPrefix = "package main\nfunc _() {\n"
)

// parse parses the unit alone, with a //line directive so that errors
// carry the cell's positions.
func (u *unit) parse() error {
	u.fset = token.NewFileSet()
	prefix := declPrefix
	if u.kind == unitStmt {
		prefix = stmtPrefix
	}
	prefix += fmt.Sprintf("//line cell:%d:%d\n", u.line, u.col)
	u.base = len(prefix)
	src := prefix + u.text
	if u.kind == unitStmt {
		src += "\n}"
	}
	f, err := parser.ParseFile(u.fset, "cell.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		if el, ok := err.(scanner.ErrorList); ok && len(el) > 0 {
			msg := el[0].Msg
			// An error in our wrapper (before the //line directive, or the
			// closing brace after the unit): the unit ended early.
			if el[0].Pos.Filename != "cell" || el[0].Pos.Offset >= len(src)-len("\n}") && u.kind == unitStmt {
				msg = strings.Replace(msg, "found '}'", "found end of statement", 1)
				line, col := lineCol(u.text, len(u.text))
				if line == 1 {
					col += u.col - 1
				}
				return &SyntaxError{Line: u.line + line - 1, Column: col, Msg: msg, AtEnd: true}
			}
			return &SyntaxError{Line: el[0].Pos.Line, Column: el[0].Pos.Column, Msg: msg}
		}
		return fmt.Errorf("session: parse: %w", err)
	}
	if u.kind == unitStmt {
		body := f.Decls[0].(*ast.FuncDecl).Body
		if len(body.List) != 1 {
			return &SyntaxError{Line: u.line, Column: u.col, Msg: "expected one statement"}
		}
		u.stmt = body.List[0]
	} else {
		u.file = f
	}
	return nil
}

// orderUnits returns the units in evaluation order. Go lets a package's
// funcs and types come in any order, but yaegi compiles each chunk when
// it is evaluated: a func must come after the statements declaring the
// variables it uses, and before the statements calling it. So imports,
// funcs and types go first, in source order, except that one using a
// name a statement of the cell declares goes right after the last such
// statement. Constant declarations, which run nothing, go first of all.
// Other statements keep their order.
func orderUnits(units []*unit) []*unit {
	declares := make([]map[string]bool, len(units)) // names each statement declares
	var consts, out []*unit
	for i, u := range units {
		if isConstDecl(u) {
			consts = append(consts, u)
		} else if u.kind == unitStmt {
			declares[i] = stmtNames(u.stmt)
		}
	}
	// Imports and types first, then constants (which may have those
	// types), then funcs.
	for _, u := range units {
		if u.kind == unitImport || u.kind == unitDecl && isTypeDecl(u) {
			out = append(out, u)
		}
	}
	out = append(out, consts...)
	after := map[int][]*unit{} // statement index → decls that follow it
	for i, u := range units {
		if u.kind == unitStmt || u.kind == unitImport || isTypeDecl(u) {
			continue
		}
		anchor := -1
		for name := range freeNames(u.file) {
			for j, names := range declares {
				if names[name] && j > anchor {
					anchor = j
				}
			}
		}
		if anchor < 0 {
			out = append(out, units[i])
		} else {
			after[anchor] = append(after[anchor], u)
		}
	}
	for i, u := range units {
		if u.kind == unitStmt && !isConstDecl(u) {
			out = append(out, u)
			out = append(out, after[i]...)
		}
	}
	return out
}

// freeNames returns the names a declaration uses that it does not declare
// itself: in func argmax(v []float64) … for i, x := range v, neither v nor
// i refers to a global of the cell. A name declared anywhere inside counts
// as local throughout (shadowing order is not followed), and field and
// method names after a dot are not names.
func freeNames(f *ast.File) map[string]bool {
	local := map[string]bool{}
	declare := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, fd := range fl.List {
			for _, n := range fd.Names {
				local[n.Name] = true
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			declare(n.Recv)
			declare(n.Type.Params)
			declare(n.Type.Results)
			if n.Body == nil {
				return false
			}
			ast.Inspect(n.Body, func(m ast.Node) bool {
				switch m := m.(type) {
				case *ast.AssignStmt:
					if m.Tok == token.DEFINE {
						for _, l := range m.Lhs {
							if id, ok := l.(*ast.Ident); ok {
								local[id.Name] = true
							}
						}
					}
				case *ast.RangeStmt:
					if m.Tok == token.DEFINE {
						for _, e := range []ast.Expr{m.Key, m.Value} {
							if id, ok := e.(*ast.Ident); ok {
								local[id.Name] = true
							}
						}
					}
				case *ast.ValueSpec:
					for _, id := range m.Names {
						local[id.Name] = true
					}
				case *ast.FuncLit:
					declare(m.Type.Params)
					declare(m.Type.Results)
				}
				return true
			})
		}
		return true
	})
	free := map[string]bool{}
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			ast.Inspect(n.X, visit) // not n.Sel: a field or method
			return false
		case *ast.Ident:
			if !local[n.Name] {
				free[n.Name] = true
			}
		}
		return true
	}
	ast.Inspect(f, visit)
	return free
}

// isTypeDecl reports a type declaration unit.
func isTypeDecl(u *unit) bool {
	gd, ok := u.file.Decls[0].(*ast.GenDecl)
	return ok && gd.Tok == token.TYPE
}

// isConstDecl reports a const declaration statement.
func isConstDecl(u *unit) bool {
	ds, ok := u.stmt.(*ast.DeclStmt)
	return ok && ds.Decl.(*ast.GenDecl).Tok == token.CONST
}

// stmtNames returns the names a top-level statement declares.
func stmtNames(st ast.Stmt) map[string]bool {
	names := map[string]bool{}
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok == token.DEFINE {
			for _, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					names[id.Name] = true
				}
			}
		}
	case *ast.DeclStmt:
		for _, sp := range st.Decl.(*ast.GenDecl).Specs {
			switch sp := sp.(type) {
			case *ast.ValueSpec:
				for _, n := range sp.Names {
					names[n.Name] = true
				}
			case *ast.TypeSpec:
				names[sp.Name.Name] = true
			}
		}
	}
	return names
}
