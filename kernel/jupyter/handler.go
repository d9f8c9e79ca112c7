package jupyter

import (
	"context"
	"errors"
)

// ErrStdinNotAllowed is returned by Output.Input when the execute_request
// that started the cell had allow_stdin false.
var ErrStdinNotAllowed = errors.New("jupyter: this front end does not support input (allow_stdin is false)")

// Handler is what the kernel's sockets serve: the Go side of the notebook.
// The jupyter package owns the protocol (status busy/idle, execute_input,
// execution counts, history, aborting queued cells after an error,
// kernel_info, comms, shutdown); a Handler only runs code.
//
// Methods are called from one goroutine at a time for the shell channel;
// Execute's ctx is cancelled when the front end sends interrupt_request
// (or the process gets SIGINT), and Execute must then return promptly.
type Handler interface {
	// Execute runs one cell. While it runs it sends streams, display data
	// and input requests through out; it returns when the cell is done.
	Execute(ctx context.Context, req ExecuteRequest, out Output) ExecuteResult
	// Complete returns completions at cursorPos (in Unicode code points).
	Complete(ctx context.Context, code string, cursorPos int) CompleteResult
	// Inspect returns help for the name at cursorPos (in code points).
	Inspect(ctx context.Context, code string, cursorPos, detailLevel int) InspectResult
	// IsComplete tells whether code is ready to run.
	IsComplete(ctx context.Context, code string) IsCompleteResult
	// Close stops whatever the handler runs (e.g. a worker process).
	Close() error
}

// ExecuteRequest is the part of an execute_request a Handler needs.
type ExecuteRequest struct {
	Code            string
	Silent          bool
	StoreHistory    bool
	UserExpressions map[string]string
	AllowStdin      bool
	ExecutionCount  int // the count this cell will be shown with
}

// ExecuteResult is the outcome of one cell.
type ExecuteResult struct {
	// Data and Metadata are the execute_result MIME bundle of the cell's
	// last expression; Data is nil when the cell has no value to show.
	Data     map[string]any
	Metadata map[string]any
	// Error is non-nil when the cell failed (compile error, panic,
	// interrupt, worker crash).
	Error *CellError
	// UserExpressions holds, for each requested name, a map in the
	// spec's form: {"status":"ok","data":{…},"metadata":{…}} or
	// {"status":"error","ename":…,"evalue":…,"traceback":[…]}.
	UserExpressions map[string]any
	// Payload is execute_reply's payload (e.g. a "page" of help); nil
	// for none.
	Payload []any
}

// CellError is a failed cell, as the error message and execute_reply carry it.
type CellError struct {
	Name      string   // ename
	Value     string   // evalue
	Traceback []string // lines, may contain ANSI colour codes
}

// Output is how a running cell reaches the front end. Implementations are
// safe for concurrent use.
type Output interface {
	// Stream sends text on "stdout" or "stderr".
	Stream(name, text string)
	// Display sends display_data, or update_display_data when d.Update.
	Display(d DisplayData)
	// ClearOutput sends clear_output.
	ClearOutput(wait bool)
	// Input sends input_request on the stdin channel and waits for the
	// reply; it returns ErrStdinNotAllowed when the request forbade input.
	Input(prompt string, password bool) (string, error)
}

// DisplayData is a display_data or update_display_data message's content.
type DisplayData struct {
	Data      map[string]any
	Metadata  map[string]any
	DisplayID string // transient.display_id; "" for none
	Update    bool   // update_display_data instead of display_data
}

// CompleteResult is a complete_reply's content.
type CompleteResult struct {
	Matches     []string
	CursorStart int // code points
	CursorEnd   int // code points
	Metadata    map[string]any
}

// InspectResult is an inspect_reply's content.
type InspectResult struct {
	Found    bool
	Data     map[string]any
	Metadata map[string]any
}

// IsCompleteResult is an is_complete_reply's content.
type IsCompleteResult struct {
	Status string // "complete", "incomplete", "invalid" or "unknown"
	Indent string // only with "incomplete"
}
