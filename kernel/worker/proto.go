package worker

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/gradbook/gradbook/kernel/display"
)

// MaxFrame is the largest frame body, in bytes, either side accepts.
const MaxFrame = 256 << 20

// ErrFrameTooLarge is returned when a frame's length exceeds MaxFrame.
var ErrFrameTooLarge = errors.New("worker: frame too large")

// Request operations (Request.Op).
const (
	OpExecute    = "execute"
	OpComplete   = "complete"
	OpInspect    = "inspect"
	OpIsComplete = "is_complete"
	OpInputReply = "input_reply"
	OpInterrupt  = "interrupt"
	OpShutdown   = "shutdown"
)

// Event operations (Event.Op).
const (
	EvReady        = "ready"
	EvReply        = "reply"
	EvDisplay      = "display"
	EvInputRequest = "input_request"
	EvLog          = "log"
)

// Request is a message from the supervisor to the worker.
type Request struct {
	ID              uint64            `json:"id"`
	Op              string            `json:"op"`
	Code            string            `json:"code,omitempty"`
	Cursor          int               `json:"cursor,omitempty"` // code points
	Detail          int               `json:"detail,omitempty"`
	AllowStdin      bool              `json:"allow_stdin,omitempty"`
	UserExpressions map[string]string `json:"user_expressions,omitempty"`
	Value           string            `json:"value,omitempty"` // input_reply
	Error           string            `json:"error,omitempty"` // input_reply: why there is no value
}

// Event is a message from the worker to the supervisor.
type Event struct {
	ID       uint64         `json:"id,omitempty"`   // the request answered, or the cell that caused it
	Op       string         `json:"op"`             // one of the Ev constants
	Sync     uint64         `json:"sync,omitempty"` // stream marker that precedes this event
	Display  *display.Event `json:"display,omitempty"`
	Prompt   string         `json:"prompt,omitempty"`
	Password bool           `json:"password,omitempty"`
	Message  string         `json:"message,omitempty"` // log

	Result     *Result     `json:"result,omitempty"`      // reply to execute
	Completion *Completion `json:"completion,omitempty"`  // reply to complete
	Inspection *Inspection `json:"inspection,omitempty"`  // reply to inspect
	IsComplete *IsComplete `json:"is_complete,omitempty"` // reply to is_complete
}

// Result is the outcome of an execute request.
type Result struct {
	Data            map[string]any `json:"data,omitempty"` // execute_result bundle; nil when none
	Metadata        map[string]any `json:"metadata,omitempty"`
	Error           *CellError     `json:"error,omitempty"`
	UserExpressions map[string]any `json:"user_expressions,omitempty"` // in execute_reply form
	// Restart asks the supervisor to replace this worker after the reply:
	// the interpreter reported that it cannot be trusted any more (for
	// example a cancelled cell that never stopped).
	Restart bool `json:"restart,omitempty"`
}

// CellError is a failed cell.
type CellError struct {
	Name      string   `json:"ename"`
	Value     string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// Completion answers a complete request; Start and End are code points.
type Completion struct {
	Matches []string `json:"matches"`
	Start   int      `json:"start"`
	End     int      `json:"end"`
}

// Inspection answers an inspect request.
type Inspection struct {
	Found bool           `json:"found"`
	Data  map[string]any `json:"data,omitempty"`
}

// IsComplete answers an is_complete request.
type IsComplete struct {
	Status string `json:"status"`
	Indent string `json:"indent,omitempty"`
}

// Conn reads and writes frames. Writes are safe for concurrent use;
// reads are not.
type Conn struct {
	r  *bufio.Reader
	mu sync.Mutex
	w  io.Writer
}

// NewConn returns a Conn reading frames from r and writing them to w;
// either may be nil when the Conn is used in one direction only.
func NewConn(r io.Reader, w io.Writer) *Conn {
	c := &Conn{w: w}
	if r != nil {
		c.r = bufio.NewReaderSize(r, 64<<10)
	}
	return c
}

// Write encodes v as JSON and writes it as one frame.
func (c *Conn) Write(v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("worker: encode frame: %w", err)
	}
	if len(body) > MaxFrame {
		return fmt.Errorf("worker: encode frame of %d bytes: %w", len(body), ErrFrameTooLarge)
	}
	buf := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	copy(buf[4:], body)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.w.Write(buf); err != nil {
		return fmt.Errorf("worker: write frame: %w", err)
	}
	return nil
}

// Read reads one frame and decodes its JSON into v. It returns io.EOF
// when the stream ends cleanly between frames.
func (c *Conn) Read(v any) error {
	var hdr [4]byte
	if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		return fmt.Errorf("worker: read frame header: %w", err)
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > MaxFrame {
		return fmt.Errorf("worker: read frame of %d bytes: %w", n, ErrFrameTooLarge)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return fmt.Errorf("worker: read frame body: %w", err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("worker: decode frame: %w", err)
	}
	return nil
}
