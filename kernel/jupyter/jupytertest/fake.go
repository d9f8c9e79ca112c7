package jupytertest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gradbook/gradbook/kernel/jupyter"
)

// FakeHandler is a jupyter.Handler for protocol tests. Its Execute reads
// the cell as commands, one per line:
//
//	stdout TEXT         Stream("stdout", TEXT+"\n")
//	stderr TEXT         Stream("stderr", TEXT+"\n")
//	display MIME TEXT   Display{Data: {MIME: TEXT}}
//	update ID TEXT      Display{Update: true, DisplayID: ID, text/plain TEXT}
//	clear               ClearOutput(false)
//	sleep DURATION      wait (an interrupt ends the cell with "Interrupted")
//	block               wait until interrupted
//	input PROMPT        Input(PROMPT, false), then stdout "got VALUE"
//	error NAME VALUE    end the cell with that error
//	value TEXT          the cell's value is text/plain TEXT
//	spam N SIZE         N stdout streams of SIZE bytes each
//
// Any other line is an error "UnknownCommand". Complete offers Words
// that extend the identifier before the cursor; Inspect finds Words;
// IsComplete says "incomplete" (indent "  ") when the code ends with '{'
// or '\', "invalid" when it starts with '}', else "complete".
type FakeHandler struct {
	// Words are the identifiers Complete and Inspect know.
	Words []string

	mu       sync.Mutex
	executed []string
	closed   bool
}

// NewFakeHandler returns a FakeHandler knowing a few Go identifiers.
func NewFakeHandler() *FakeHandler {
	return &FakeHandler{Words: []string{"fmt", "func", "float64", "for", "Println", "Printf", "Sprintf"}}
}

// Executed returns the code of every cell Execute ran, in order.
func (h *FakeHandler) Executed() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.executed...)
}

// Closed reports whether Close was called.
func (h *FakeHandler) Closed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}

var errInterrupted = &jupyter.CellError{Name: "Interrupted", Value: "interrupted", Traceback: []string{"Interrupted: interrupted"}}

// Execute runs the cell's commands (see FakeHandler).
func (h *FakeHandler) Execute(ctx context.Context, req jupyter.ExecuteRequest, out jupyter.Output) jupyter.ExecuteResult {
	h.mu.Lock()
	h.executed = append(h.executed, req.Code)
	h.mu.Unlock()
	var res jupyter.ExecuteResult
	for _, line := range strings.Split(req.Code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "":
		case "stdout", "stderr":
			out.Stream(cmd, arg+"\n")
		case "display":
			mime, text, _ := strings.Cut(arg, " ")
			out.Display(jupyter.DisplayData{Data: map[string]any{mime: text}, Metadata: map[string]any{}})
		case "update":
			id, text, _ := strings.Cut(arg, " ")
			out.Display(jupyter.DisplayData{Data: map[string]any{"text/plain": text}, DisplayID: id, Update: true})
		case "clear":
			out.ClearOutput(false)
		case "sleep":
			d, err := time.ParseDuration(arg)
			if err != nil {
				return jupyter.ExecuteResult{Error: &jupyter.CellError{Name: "BadDuration", Value: err.Error()}}
			}
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return jupyter.ExecuteResult{Error: errInterrupted}
			}
		case "block":
			<-ctx.Done()
			return jupyter.ExecuteResult{Error: errInterrupted}
		case "input":
			v, err := out.Input(arg, false)
			if errors.Is(err, jupyter.ErrStdinNotAllowed) {
				return jupyter.ExecuteResult{Error: &jupyter.CellError{Name: "StdinNotAllowed", Value: err.Error()}}
			}
			if err != nil {
				return jupyter.ExecuteResult{Error: &jupyter.CellError{Name: "InputError", Value: err.Error()}}
			}
			out.Stream("stdout", "got "+v+"\n")
		case "error":
			name, value, _ := strings.Cut(arg, " ")
			return jupyter.ExecuteResult{Error: &jupyter.CellError{Name: name, Value: value, Traceback: []string{name + ": " + value}}}
		case "spam":
			var n, size int
			if _, err := fmt.Sscan(arg, &n, &size); err != nil {
				return jupyter.ExecuteResult{Error: &jupyter.CellError{Name: "BadSpam", Value: err.Error()}}
			}
			chunk := strings.Repeat("x", max(size-1, 0)) + "\n"
			for range n {
				out.Stream("stdout", chunk)
			}
		case "value":
			res.Data = map[string]any{"text/plain": arg}
			res.Metadata = map[string]any{}
		default:
			return jupyter.ExecuteResult{Error: &jupyter.CellError{Name: "UnknownCommand", Value: cmd, Traceback: []string{"UnknownCommand: " + cmd}}}
		}
	}
	if len(req.UserExpressions) > 0 {
		res.UserExpressions = make(map[string]any, len(req.UserExpressions))
		for name, expr := range req.UserExpressions {
			res.UserExpressions[name] = map[string]any{
				"status": "ok", "data": map[string]any{"text/plain": expr}, "metadata": map[string]any{},
			}
		}
	}
	return res
}

// identBefore returns the start (in code points) of the identifier that
// ends at cursor (in code points) and the identifier.
func identBefore(code string, cursor int) (int, string) {
	runes := []rune(code)
	if cursor > len(runes) {
		cursor = len(runes)
	}
	if cursor < 0 {
		cursor = 0
	}
	start := cursor
	for start > 0 && isIdent(runes[start-1]) {
		start--
	}
	return start, string(runes[start:cursor])
}

func isIdent(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > utf8.RuneSelf
}

// Complete offers the Words that start with the identifier before the
// cursor.
func (h *FakeHandler) Complete(ctx context.Context, code string, cursorPos int) jupyter.CompleteResult {
	start, prefix := identBefore(code, cursorPos)
	res := jupyter.CompleteResult{Matches: []string{}, CursorStart: start, CursorEnd: start + utf8.RuneCountInString(prefix), Metadata: map[string]any{}}
	for _, w := range h.Words {
		if strings.HasPrefix(w, prefix) {
			res.Matches = append(res.Matches, w)
		}
	}
	return res
}

// Inspect finds the Word around the cursor.
func (h *FakeHandler) Inspect(ctx context.Context, code string, cursorPos, detailLevel int) jupyter.InspectResult {
	runes := []rune(code)
	end := min(max(cursorPos, 0), len(runes))
	for end < len(runes) && isIdent(runes[end]) {
		end++
	}
	_, word := identBefore(code, end)
	for _, w := range h.Words {
		if w == word {
			return jupyter.InspectResult{Found: true, Data: map[string]any{"text/plain": "word " + w}, Metadata: map[string]any{}}
		}
	}
	return jupyter.InspectResult{Data: map[string]any{}, Metadata: map[string]any{}}
}

// IsComplete judges code by its last and first characters.
func (h *FakeHandler) IsComplete(ctx context.Context, code string) jupyter.IsCompleteResult {
	t := strings.TrimSpace(code)
	switch {
	case strings.HasPrefix(t, "}"):
		return jupyter.IsCompleteResult{Status: "invalid"}
	case strings.HasSuffix(t, "{"), strings.HasSuffix(t, `\`):
		return jupyter.IsCompleteResult{Status: "incomplete", Indent: "  "}
	}
	return jupyter.IsCompleteResult{Status: "complete"}
}

// Close records that the handler was closed.
func (h *FakeHandler) Close() error {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	return nil
}

var _ jupyter.Handler = (*FakeHandler)(nil)
