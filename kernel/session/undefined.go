package session

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
)

// yaegi reports a name that is declared nowhere in odd ways, depending on
// where it stands: "incomplete type x" (x + 1), "constant definition
// loop" (y := x), or no error at all and no value (a cell that is just
// x). undefinedName finds such a name so the cell can say "undefined: x"
// as Go does.

// oddUndefined matches the compile errors that may stand for an
// undefined name.
var oddUndefined = regexp.MustCompile(`incomplete type|constant definition loop|undefined type`)

// undefinedName returns the first identifier that code uses but that
// neither code nor an earlier cell declares, with its position, or "".
// It is a diagnosis for a cell that already failed, not a check run
// before evaluation: it errs on the side of finding nothing.
func (s *Session) undefinedName(code string) (name string, line, col int) {
	units, _, err := splitCell(code)
	if err != nil {
		return "", 0, 0
	}
	declared := map[string]bool{}
	for _, b := range builtins {
		declared[b] = true
	}
	globals := s.in.Globals()
	known := func(n string) bool {
		if declared[n] || s.decls[n] != nil || n == "_" {
			return true
		}
		if _, ok := s.pkgs[n]; ok {
			return true
		}
		_, ok := globals[n]
		return ok
	}
	roots := make([]ast.Node, len(units))
	for i, u := range units {
		roots[i] = u.stmt
		if u.file != nil {
			roots[i] = u.file
		}
		ast.Inspect(roots[i], func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE {
					for _, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							declared[id.Name] = true
						}
					}
				}
			case *ast.RangeStmt:
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			case *ast.ValueSpec:
				for _, id := range n.Names {
					declared[id.Name] = true
				}
			case *ast.TypeSpec:
				declared[n.Name.Name] = true
			case *ast.FuncDecl:
				declared[n.Name.Name] = true
			case *ast.Field:
				for _, id := range n.Names {
					declared[id.Name] = true
				}
			case *ast.ImportSpec:
				if n.Name != nil {
					declared[n.Name.Name] = true
				}
			case *ast.TypeSwitchStmt:
				if a, ok := n.Assign.(*ast.AssignStmt); ok {
					for _, l := range a.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							declared[id.Name] = true
						}
					}
				}
			}
			return true
		})
	}
	for i, u := range units {
		var found *ast.Ident
		ast.Inspect(roots[i], func(n ast.Node) bool { return visitUse(n, known, &found) })
		if found != nil {
			p := u.fset.Position(found.Pos())
			return found.Name, p.Line, p.Column
		}
	}
	return "", 0, 0
}

// visitUse records in *found the first identifier under n that known
// rejects; it is an ast.Inspect visitor.
func visitUse(n ast.Node, known func(string) bool, found **ast.Ident) bool {
	if *found != nil {
		return false
	}
	switch n := n.(type) {
	case *ast.SelectorExpr: // n.Sel names a member
		ast.Inspect(n.X, func(m ast.Node) bool { return visitUse(m, known, found) })
		return false
	case *ast.KeyValueExpr: // n.Key may name a struct field
		ast.Inspect(n.Value, func(m ast.Node) bool { return visitUse(m, known, found) })
		return false
	case *ast.LabeledStmt:
		ast.Inspect(n.Stmt, func(m ast.Node) bool { return visitUse(m, known, found) })
		return false
	case *ast.File: // not its package clause
		for _, d := range n.Decls {
			ast.Inspect(d, func(m ast.Node) bool { return visitUse(m, known, found) })
		}
		return false
	case *ast.BranchStmt, *ast.ImportSpec:
		return false
	case *ast.Ident:
		if !known(n.Name) {
			*found = n
		}
	}
	return true
}

// undefinedError is the error of a cell that uses a name declared
// nowhere, or nil when no such name is found.
func (s *Session) undefinedError(code string) *Error {
	name, line, col := s.undefinedName(code)
	if name == "" {
		return nil
	}
	msg := fmt.Sprintf("%d:%d: undefined: %s", line, col, name)
	return &Error{Name: ErrCompile, Value: msg, Traceback: caret(code, line, col, ErrCompile+": "+msg)}
}
