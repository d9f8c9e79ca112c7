package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"

	"github.com/gradbook/gradbook/kernel/display"
	"github.com/gradbook/gradbook/kernel/session"
)

// ErrStdinNotAllowed is what a read of stdin returns in a cell whose
// execute request did not allow input.
var ErrStdinNotAllowed = errors.New("worker: stdin is not available: the front end does not allow input (allow_stdin is false)")

// ErrNoCell is what a read of stdin returns when no cell is running (a
// goroutine left behind by an earlier cell).
var ErrNoCell = errors.New("worker: stdin is not available: no cell is running")

// Interpreter is what the worker needs from a notebook session; a
// *session.Session satisfies it.
type Interpreter interface {
	Execute(ctx context.Context, code string) session.Result
	Evaluate(ctx context.Context, expr string) session.Result
	Complete(code string, cursor int) session.Completion
	Inspect(code string, cursor, detail int) (data map[string]any, found bool)
}

// Config configures a Worker.
type Config struct {
	Requests io.Reader // frames from the supervisor (fd 3)
	Events   io.Writer // frames to the supervisor (fd 4)
	// Stdout and Stderr are where cell output and markers go: fd 1 (or
	// the OutBuffer in front of it) and fd 2.
	Stdout, Stderr io.Writer
	Token          string // marker token, from the supervisor
	// New builds the interpreter. Cell code reading stdin reads stdin,
	// which turns each read into an input request to the front end; cell
	// output goes to stdout (Config.Stdout).
	New func(stdin io.Reader, stdout io.Writer) (Interpreter, error)
	// IsComplete answers is_complete requests (session.IsComplete).
	IsComplete func(code string) (status, indent string)
	// ConfineTo, when set, confines the worker's file access to that
	// directory (and reading the system's) once the interpreter is built,
	// before any cell runs (see Confine); grading sets it.
	ConfineTo string
}

// Stucker is implemented by interpreters that can tell, after a cell
// returned, that it is still running in the background (an interrupted
// compiled call): the worker then asks the supervisor to replace it.
type Stucker interface {
	Stuck() bool
}

// Worker runs cells for one supervisor. Create it with New, install
// Display as the display sink, then call Serve.
type Worker struct {
	cfg    Config
	events *Conn
	stdin  *stdinReader
	work   chan job

	syncMu sync.Mutex // orders markers with their events
	seq    uint64

	mu      sync.Mutex
	cancels map[uint64]context.CancelFunc // execute requests not yet answered
	cur     *cell                         // the cell being executed, or nil
}

// cell is one execute request while it runs.
type cell struct {
	id     uint64
	ctx    context.Context
	allow  bool
	input  chan Request // input replies for this cell
	warned bool         // the "stdin not allowed" note was printed
}

// New returns a Worker for cfg.
func New(cfg Config) *Worker {
	w := &Worker{
		cfg:     cfg,
		events:  NewConn(nil, cfg.Events),
		work:    make(chan job, 16),
		cancels: make(map[uint64]context.CancelFunc),
	}
	w.stdin = &stdinReader{w: w}
	return w
}

// Serve builds the interpreter, announces it with a ready event, and
// handles requests until the supervisor closes the request pipe or asks
// for shutdown; then it returns nil. A cell may still be running when
// Serve returns: the caller should exit the process.
func (w *Worker) Serve() error {
	interp, err := w.cfg.New(w.stdin, w.cfg.Stdout)
	if err != nil {
		w.Logf("cannot start the interpreter: %v", err)
		return fmt.Errorf("worker: start interpreter: %w", err)
	}
	if dir := w.cfg.ConfineTo; dir != "" {
		if err := Confine(dir); errors.Is(err, ErrNoConfine) {
			w.Logf("sandbox: cells can still read files outside %s: %v", dir, err)
		} else if err != nil {
			w.Logf("sandbox: %v", err)
			return fmt.Errorf("worker: confine: %w", err)
		}
	}
	if err := w.events.Write(Event{Op: EvReady}); err != nil {
		return err
	}
	go w.run(interp)
	reqs := NewConn(w.cfg.Requests, nil)
	for {
		var req Request
		if err := reqs.Read(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		switch req.Op {
		case OpExecute:
			ctx, cancel := context.WithCancel(context.Background())
			w.mu.Lock()
			w.cancels[req.ID] = cancel
			w.mu.Unlock()
			w.work <- job{req, ctx}
		case OpComplete, OpInspect, OpIsComplete:
			w.work <- job{req, context.Background()}
		case OpInterrupt:
			w.cancel(req.ID)
		case OpInputReply:
			w.mu.Lock()
			c := w.cur
			w.mu.Unlock()
			if c != nil && c.id == req.ID {
				select {
				case c.input <- req:
				default: // no read is waiting for it
				}
			}
		case OpShutdown:
			w.Interrupt()
			return nil
		default:
			w.Logf("unknown request %q dropped", req.Op)
		}
	}
}

// Interrupt cancels every cell that is running or waiting to run. The
// worker calls it on SIGINT.
func (w *Worker) Interrupt() { w.cancel(0) }

// cancel cancels cell id, or all cells when id is 0.
func (w *Worker) cancel(id uint64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, cancel := range w.cancels {
		if id == 0 || k == id {
			cancel()
		}
	}
}

// Display sends a display event to the front end, after everything the
// cell printed so far. It is the display package's sink in the worker.
func (w *Worker) Display(e display.Event) {
	var id uint64
	w.mu.Lock()
	if w.cur != nil {
		id = w.cur.id
	}
	w.mu.Unlock()
	w.sendSynced(Event{Op: EvDisplay, ID: id, Display: &e})
}

// Flush writes out buffered stdout (see OutBuffer), if Config.Stdout
// buffers.
func (w *Worker) Flush() {
	if f, ok := w.cfg.Stdout.(interface{ Flush() error }); ok {
		_ = f.Flush()
	}
}

// Logf sends a line to the kernel's log.
func (w *Worker) Logf(format string, args ...any) {
	_ = w.events.Write(Event{Op: EvLog, Message: fmt.Sprintf(format, args...)})
}

// LogWriter returns a writer whose lines go to the kernel's log: the
// worker's log package output belongs there, not in a cell.
func (w *Worker) LogWriter() io.Writer { return logWriter{w} }

type logWriter struct{ w *Worker }

func (l logWriter) Write(p []byte) (int, error) {
	l.w.Logf("%s", p)
	return len(p), nil
}

// sendSynced writes a marker to both streams, then e carrying its number.
func (w *Worker) sendSynced(e Event) {
	w.syncMu.Lock()
	defer w.syncMu.Unlock()
	w.seq++
	m := Marker(w.cfg.Token, w.seq)
	_, _ = w.cfg.Stdout.Write(m)
	w.Flush()
	_, _ = w.cfg.Stderr.Write(m)
	e.Sync = w.seq
	if err := w.events.Write(e); err != nil {
		// The supervisor is gone; Serve sees end of file and returns.
		return
	}
}

// job is a request waiting to be run, with the context that cancels it.
type job struct {
	req Request
	ctx context.Context
}

// run executes requests one at a time, in order.
func (w *Worker) run(interp Interpreter) {
	for j := range w.work {
		ev := w.handle(interp, j)
		ev.ID, ev.Op = j.req.ID, EvReply
		w.sendSynced(ev)
	}
}

// handle answers one request. A panic from the interpreter becomes an
// error (and a restart) instead of ending the worker.
func (w *Worker) handle(interp Interpreter, j job) (ev Event) {
	req := j.req
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprint(r)
			w.Logf("interpreter panicked on %s: %s\n%s", req.Op, msg, debug.Stack())
			ev = Event{Result: &Result{
				Error: &CellError{
					Name:      "InternalError",
					Value:     "the interpreter failed: " + msg + "; the worker will be restarted and all state reset",
					Traceback: []string{"InternalError: the interpreter failed: " + msg},
				},
				Restart: true,
			}}
		}
	}()
	switch req.Op {
	case OpExecute:
		return Event{Result: w.execute(j.ctx, interp, req)}
	case OpComplete:
		c := interp.Complete(req.Code, req.Cursor)
		return Event{Completion: &Completion{Matches: c.Matches, Start: c.Start, End: c.End}}
	case OpInspect:
		data, found := interp.Inspect(req.Code, req.Cursor, req.Detail)
		return Event{Inspection: &Inspection{Found: found, Data: data}}
	case OpIsComplete:
		st := &IsComplete{Status: "unknown"}
		if w.cfg.IsComplete != nil {
			st.Status, st.Indent = w.cfg.IsComplete(req.Code)
		}
		return Event{IsComplete: st}
	}
	return Event{}
}

func (w *Worker) execute(ctx context.Context, interp Interpreter, req Request) *Result {
	c := &cell{id: req.ID, ctx: ctx, allow: req.AllowStdin, input: make(chan Request, 1)}
	w.mu.Lock()
	w.cur = c
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.cur = nil
		if cancel := w.cancels[req.ID]; cancel != nil {
			cancel()
			delete(w.cancels, req.ID)
		}
		w.mu.Unlock()
	}()

	r := interp.Execute(c.ctx, req.Code)
	res := &Result{Data: r.Data, Metadata: r.Metadata}
	if st, ok := interp.(Stucker); ok && st.Stuck() {
		res.Restart = true
	}
	if r.Err != nil {
		res.Error = cellError(r.Err)
		return res
	}
	if len(req.UserExpressions) > 0 {
		res.UserExpressions = make(map[string]any, len(req.UserExpressions))
		for name, expr := range req.UserExpressions {
			res.UserExpressions[name] = userExpression(interp.Evaluate(c.ctx, expr))
		}
	}
	return res
}

// userExpression renders one user_expressions entry as execute_reply
// carries it.
func userExpression(r session.Result) map[string]any {
	if r.Err != nil {
		tb := r.Err.Traceback
		if tb == nil {
			tb = []string{}
		}
		return map[string]any{"status": "error", "ename": r.Err.Name, "evalue": r.Err.Value, "traceback": tb}
	}
	data, md := r.Data, r.Metadata
	if data == nil {
		data = map[string]any{}
	}
	if md == nil {
		md = map[string]any{}
	}
	return map[string]any{"status": "ok", "data": data, "metadata": md}
}

func cellError(e *session.Error) *CellError {
	tb := e.Traceback
	if len(tb) == 0 {
		tb = []string{e.Name + ": " + e.Value}
	}
	return &CellError{Name: e.Name, Value: e.Value, Traceback: tb}
}

// stdinReader is the stdin of cell code: each read that finds no buffered
// input asks the front end for a line.
type stdinReader struct {
	w   *Worker
	mu  sync.Mutex
	buf []byte
}

func (r *stdinReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.buf) > 0 {
		n := copy(p, r.buf)
		r.buf = r.buf[n:]
		return n, nil
	}
	w := r.w
	w.mu.Lock()
	c := w.cur
	w.mu.Unlock()
	if c == nil {
		return 0, ErrNoCell
	}
	if !c.allow {
		if !c.warned {
			c.warned = true
			fmt.Fprintln(w.cfg.Stderr, "stdin: this front end does not allow input (allow_stdin is false): reading stdin fails")
		}
		return 0, ErrStdinNotAllowed
	}
	w.sendSynced(Event{Op: EvInputRequest, ID: c.id})
	select {
	case rep := <-c.input:
		if rep.Error != "" {
			return 0, fmt.Errorf("worker: stdin: %s", rep.Error)
		}
		r.buf = append(r.buf, rep.Value...)
		r.buf = append(r.buf, '\n')
		n := copy(p, r.buf)
		r.buf = r.buf[n:]
		return n, nil
	case <-c.ctx.Done():
		return 0, fmt.Errorf("worker: stdin: %w", c.ctx.Err())
	}
}
