// Package session is one notebook's Go interpreter: it rewrites cells for
// yaegi, evaluates them with cancellation, captures their value and
// errors, and answers completion and inspection. It knows nothing of
// ZeroMQ or Jupyter messages.
package session

import (
	"context"
	"io"
	"os"
)

// Options configures a Session.
type Options struct {
	Stdout, Stderr *os.File  // where cell output goes (pipes in the worker)
	Stdin          io.Reader // what os.Stdin / fmt.Scan read in cells
	Sandbox        bool      // grading mode: no net, exec, signals, file writes outside TempDir
	TempDir        string
}

// Result is the outcome of one cell.
type Result struct {
	Data     map[string]any // MIME bundle of the last expression; nil when none
	Metadata map[string]any
	Err      *Error // nil on success
}

// Error is a failed cell: compile error, panic or interrupt.
type Error struct {
	Name      string // e.g. "CompileError", "Panic", "Interrupted"
	Value     string
	Traceback []string
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

// Completion is the answer to a completion request; Start and End are
// Unicode code point offsets into the code.
type Completion struct {
	Matches    []string
	Start, End int
}

// The methods below are the contract the worker relies on:
//
//	func New(opts Options) (*Session, error)
//	func (s *Session) Execute(ctx context.Context, code string) Result
//	func (s *Session) Evaluate(ctx context.Context, expr string) Result // user_expressions
//	func (s *Session) Complete(code string, cursor int) Completion
//	func (s *Session) Inspect(code string, cursor, detail int) (data map[string]any, found bool)
//	func IsComplete(code string) (status, indent string)
var _ = context.Background
