package session

import (
	"context"
	"errors"
	"go/ast"
	"go/token"
	"strings"
)

// IsComplete tells a console whether code is ready to run: "complete",
// "incomplete" (an open bracket, string or comment, or a statement cut
// off at the end; indent is what the next line should start with) or
// "invalid" (a syntax error that more lines cannot fix).
func IsComplete(code string) (status, indent string) {
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	toks, err := scanCell(code)
	var se *SyntaxError
	if errors.As(err, &se) {
		// The scanner fails on an unterminated raw string or comment only
		// at the end of the input; a quoted string cannot span lines.
		if strings.Contains(se.Msg, "raw string literal not terminated") ||
			strings.Contains(se.Msg, "comment not terminated") {
			return "incomplete", ""
		}
		return "invalid", ""
	}
	depth := 0
	for _, t := range toks {
		switch t.tok {
		case token.LBRACE, token.LPAREN, token.LBRACK:
			depth++
		case token.RBRACE, token.RPAREN, token.RBRACK:
			depth--
		}
		if depth < 0 {
			return "invalid", ""
		}
	}
	if depth > 0 {
		return "incomplete", strings.Repeat("    ", depth) // spaces: consoles show a tab as ^I
	}
	if _, _, err := splitCell(code); err != nil {
		// A statement cut off at the very end of the code ("x := 1 +")
		// is incomplete; cut off before other code, it is invalid.
		if errors.As(err, &se) && (strings.Contains(se.Msg, "EOF") || se.AtEnd && atEndOf(code, se.Line, se.Column)) {
			return "incomplete", ""
		}
		return "invalid", ""
	}
	return "complete", ""
}

// atEndOf reports whether line:col is at the end of code, trailing
// space aside.
func atEndOf(code string, line, col int) bool {
	l, c := lineCol(code, len(strings.TrimRight(code, " \t\r\n")))
	return l == line && c == col
}

// Evaluate returns the value of one expression in the session's state
// (a user_expressions entry): its MIME bundle, or the error. It runs no
// statement and declares nothing visible to cells.
func (s *Session) Evaluate(ctx context.Context, expr string) Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.TrimSpace(expr) == "" {
		return Result{Err: &Error{Name: ErrSyntax, Value: "empty expression"}}
	}
	units, _, err := splitCell(expr)
	if err != nil {
		return Result{Err: syntaxError(expr, err)}
	}
	if _, ok := units[0].stmt.(*ast.ExprStmt); len(units) != 1 || !ok {
		return Result{Err: &Error{Name: ErrSyntax, Value: "not a single expression: " + expr}}
	}
	st := step{kind: stepValue, u: units[0], src: "{}\n" + userExprVar + " := \n//line _.go:1:1\n" + expr}
	v, err := s.eval(ctx, st.src)
	if err != nil {
		return Result{Err: s.cellError(ctx, expr, st, err)}
	}
	data := s.release(ctx, v, userExprVar)
	if data == nil {
		data = map[string]any{"text/plain": "nil"}
	}
	return Result{Data: data}
}
