// Package supervisor is the kernel side of gradbook's process model: it
// runs cells in a worker process (package worker, which documents the
// protocol), restarts the worker when it dies or ignores an interrupt, and
// serves the jupyter.Handler interface on top of it.
//
// The kernel process never runs cell code, so nothing a cell does (a
// panic in a goroutine, os.Exit, infinite recursion, a huge allocation,
// a compiled call that never returns) can end it: the cell gets an error
// that says what happened and that state was reset, and the next cell runs
// in a fresh worker.
package supervisor

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gradbook/gradbook/kernel/jupyter"
	"github.com/gradbook/gradbook/kernel/worker"
)

// ErrClosed is returned when a Supervisor is used after Close.
var ErrClosed = errors.New("supervisor: closed")

// ErrWorkerDied is returned by requests other than execute when the
// worker died while answering.
var ErrWorkerDied = errors.New("supervisor: worker died")

// Options configures a Supervisor. The zero value of each field selects
// its default.
type Options struct {
	// Command is the worker's argv; default: this executable, "worker".
	Command []string
	// Env is added to the kernel's environment for the worker.
	Env []string
	// InterruptGrace is how long an interrupted cell may take to stop
	// before the worker is killed and restarted; default 3s.
	InterruptGrace time.Duration
	// RequestTimeout bounds complete, inspect and is_complete; default 10s.
	RequestTimeout time.Duration
	// FlushInterval is the longest a stream byte waits before it is sent;
	// default 10ms.
	FlushInterval time.Duration
	// FlushSize is the largest stream message, in bytes; default 64 KiB.
	FlushSize int
	// MemoryLimit caps the worker's address space in bytes (see
	// worker.Limit); default DefaultMemoryLimit(), negative for none.
	MemoryLimit int64
	// Logf logs kernel-side diagnostics; default log.Printf.
	Logf func(format string, args ...any)
}

// DefaultMemoryLimit returns the worker's default address space cap:
// half the machine's memory, at most 8 GiB, at least 4 GiB (a Go
// process reserves over 1 GiB of address space before it allocates).
func DefaultMemoryLimit() int64 {
	const lo, hi = 4 << 30, 8 << 30
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err != nil {
		return hi
	}
	half := int64(si.Totalram) * int64(si.Unit) / 2
	return min(max(half, lo), hi)
}

// Supervisor runs cells in a worker process; it implements
// jupyter.Handler. Its methods are safe for concurrent use, though the
// kernel calls them one at a time.
type Supervisor struct {
	opts Options
	sink *sink
	ids  atomic.Uint64

	mu     sync.Mutex
	p      *proc  // the current worker, or nil
	busy   bool   // a request is using p: it handles p's death itself
	note   string // an idle worker died: tell the next cell
	closed bool
}

var _ jupyter.Handler = (*Supervisor)(nil)

// New returns a Supervisor and starts its first worker, so that the first
// cell does not wait for it.
func New(opts Options) (*Supervisor, error) {
	if len(opts.Command) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("supervisor: find own executable: %w", err)
		}
		opts.Command = []string{exe, "worker"}
	}
	if opts.InterruptGrace <= 0 {
		opts.InterruptGrace = 3 * time.Second
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 10 * time.Second
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = 10 * time.Millisecond
	}
	if opts.FlushSize <= 0 {
		opts.FlushSize = 64 << 10
	}
	if opts.MemoryLimit == 0 {
		opts.MemoryLimit = DefaultMemoryLimit()
	}
	if opts.Logf == nil {
		opts.Logf = log.Printf
	}
	s := &Supervisor{opts: opts, sink: &sink{}}
	p, err := s.startProc()
	if err != nil {
		return nil, err
	}
	s.p = p
	return s, nil
}

func (s *Supervisor) logf(format string, args ...any) { s.opts.Logf(format, args...) }

// acquire returns the running worker, starting one if needed, and marks
// it busy until release. It also returns the note about a worker that
// died while idle, once.
func (s *Supervisor) acquire() (p *proc, note string, err error) {
	s.mu.Lock()
	note, s.note = s.note, ""
	s.mu.Unlock()
	p, err = s.worker()
	if err == nil {
		s.mu.Lock()
		s.busy = true
		s.mu.Unlock()
	}
	return p, note, err
}

// release ends a request started with acquire. If the worker died right
// after answering, it is replaced now and the next cell told.
func (s *Supervisor) release() {
	s.mu.Lock()
	s.busy = false
	p := s.p
	dead := p != nil && p.dead
	s.mu.Unlock()
	if dead {
		s.idleDeath(p)
	}
}

// watch waits for p to exit; if no request was using it, it is replaced
// at once.
func (s *Supervisor) watch(p *proc) {
	<-p.exited
	s.mu.Lock()
	p.dead = true
	idle := s.p == p && !s.busy && !s.closed
	s.mu.Unlock()
	if idle {
		s.idleDeath(p)
	}
}

// idleDeath replaces p, which died between requests (a goroutine the last
// cell started panicked, say): the last cell's output and the next cell
// are told that state was reset.
func (s *Supervisor) idleDeath(p *proc) {
	p.drain(time.Second)
	s.mu.Lock()
	if s.p != p || s.closed {
		s.mu.Unlock()
		return
	}
	s.p = nil
	note := "[gradbook] " + strings.Replace(p.death(), "died", "died after the cell finished", 1) + "\n"
	s.note = note
	s.mu.Unlock()
	s.sink.stream("stderr", note)
	if _, err := s.worker(); err != nil {
		s.logf("supervisor: restart worker: %v", err)
	}
}

// worker returns the running worker, starting one if needed.
func (s *Supervisor) worker() (*proc, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if s.p != nil {
		select {
		case <-s.p.exited:
			s.p = nil // died while idle
		default:
			return s.p, nil
		}
	}
	p, err := s.startProc()
	if err != nil {
		return nil, err
	}
	s.p = p
	return p, nil
}

// replace kills p if it is still running, waits for it, and starts a new
// worker in its place (unless the Supervisor is closed).
func (s *Supervisor) replace(p *proc, reason string) {
	p.kill(reason)
	<-p.exited
	p.drain(time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p != p {
		return
	}
	s.p = nil
	if s.closed {
		return
	}
	if np, err := s.startProc(); err != nil {
		s.logf("supervisor: restart worker: %v", err)
	} else {
		s.p = np
	}
}

// Execute runs one cell in the worker. When ctx is cancelled it asks the
// worker to interrupt the cell and, if the cell has not stopped after
// Options.InterruptGrace, kills and restarts the worker. When the worker
// dies, the result's error says how, and a new worker is started.
func (s *Supervisor) Execute(ctx context.Context, req jupyter.ExecuteRequest, out jupyter.Output) jupyter.ExecuteResult {
	p, note, err := s.acquire()
	if err != nil {
		return errorResult("KernelError", fmt.Sprintf("cannot start the Go worker: %v", err), nil)
	}
	defer s.release()
	if note != "" {
		out.Stream("stderr", note)
	}
	id := s.ids.Add(1)
	s.sink.begin(id, out, req.AllowStdin)
	defer s.sink.end(id)
	replies := p.expect(id)
	err = p.send(worker.Request{
		ID:              id,
		Op:              worker.OpExecute,
		Code:            req.Code,
		AllowStdin:      req.AllowStdin,
		UserExpressions: req.UserExpressions,
	})
	if err != nil {
		p.kill("the kernel could not send it the cell")
	}
	done := ctx.Done()
	var grace <-chan time.Time
	for {
		select {
		case ev := <-replies:
			return s.reply(p, ev)
		case <-done:
			done = nil
			_ = p.send(worker.Request{ID: id, Op: worker.OpInterrupt})
			t := time.NewTimer(s.opts.InterruptGrace)
			defer t.Stop()
			grace = t.C
		case <-grace:
			s.replace(p, "the cell ignored the interrupt")
			return errorResult("WorkerRestarted", fmt.Sprintf(
				"the cell did not stop within %v of the interrupt (it is probably inside a compiled call, such as time.Sleep, "+
					"that cannot be interrupted), so the kernel restarted the Go worker: all state (variables, functions, imports) was reset",
				s.opts.InterruptGrace), nil)
		case <-p.exited:
			select {
			case ev := <-replies:
				// It answered, then exited.
				s.replace(p, "")
				return s.reply(p, ev)
			default:
			}
			s.replace(p, "")
			return p.deathResult()
		}
	}
}

// reply turns the worker's answer to a cell into the handler's result.
func (s *Supervisor) reply(p *proc, ev worker.Event) jupyter.ExecuteResult {
	r := ev.Result
	if r == nil {
		return errorResult("KernelError", "the Go worker sent an empty reply", nil)
	}
	res := jupyter.ExecuteResult{Data: r.Data, Metadata: r.Metadata, UserExpressions: r.UserExpressions}
	if r.Error != nil {
		res.Error = &jupyter.CellError{Name: r.Error.Name, Value: r.Error.Value, Traceback: r.Error.Traceback}
	}
	if r.Restart {
		s.replace(p, "the interpreter asked for a restart")
		if res.Error != nil {
			res.Error.Value += " (the kernel restarted the Go worker: all state was reset)"
		}
	}
	return res
}

// deathResult describes how p died, for the cell that was running.
func (p *proc) deathResult() jupyter.ExecuteResult {
	value := p.death()
	tb := []string{"WorkerDied: " + value}
	lines := p.tail.Notable()
	if len(lines) == 0 {
		lines = lastLines(p.tail.String(), 6)
	}
	if len(lines) > 0 {
		tb = append(tb, "", "the worker's stderr said:")
		tb = append(tb, lines...)
	}
	return errorResult("WorkerDied", value, tb)
}

// death says how p died and that state was reset.
func (p *proc) death() string {
	how := "it disappeared"
	if st := p.state; st != nil {
		if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			how = "killed by signal " + ws.Signal().String()
		} else {
			how = fmt.Sprintf("exit status %d", st.ExitCode())
		}
	}
	p.mu.Lock()
	reason := p.reason
	p.mu.Unlock()
	notable := p.tail.Notable()
	cause := crashCause(notable)
	switch {
	case reason != "":
		cause = reason
	case cause == "" && strings.HasPrefix(how, "exit status"):
		cause = "the cell called os.Exit or the process ended"
	case cause == "" && strings.Contains(how, "killed"):
		cause = "it was killed from outside (perhaps by the system for using too much memory)"
	}
	return fmt.Sprintf("the Go worker process died (%s: %s). The kernel restarted it: all state (variables, functions, imports) was reset",
		how, cause)
}

// crashCause picks the line that says why a Go process died.
func crashCause(lines []string) string {
	for _, prefix := range []string{"fatal error:", "panic:", "runtime:"} {
		for i := len(lines) - 1; i >= 0; i-- {
			l := lines[i]
			if strings.HasPrefix(l, prefix) {
				return l
			}
		}
	}
	return ""
}

// lastLines returns up to n non-empty last lines of s.
func lastLines(s string, n int) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimRight(l, "\r"); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

func errorResult(name, value string, tb []string) jupyter.ExecuteResult {
	if tb == nil {
		tb = []string{name + ": " + value}
	}
	return jupyter.ExecuteResult{Error: &jupyter.CellError{Name: name, Value: value, Traceback: tb}}
}

// call sends a request that is not a cell and waits for its reply.
func (s *Supervisor) call(ctx context.Context, req worker.Request) (worker.Event, error) {
	p, _, err := s.acquire()
	if err != nil {
		return worker.Event{}, err
	}
	defer s.release()
	req.ID = s.ids.Add(1)
	replies := p.expect(req.ID)
	if err := p.send(req); err != nil {
		p.forget(req.ID)
		return worker.Event{}, fmt.Errorf("supervisor: send %s: %w", req.Op, err)
	}
	t := time.NewTimer(s.opts.RequestTimeout)
	defer t.Stop()
	select {
	case ev := <-replies:
		return ev, nil
	case <-ctx.Done():
		p.forget(req.ID)
		return worker.Event{}, ctx.Err()
	case <-t.C:
		p.forget(req.ID)
		return worker.Event{}, fmt.Errorf("supervisor: %s: no answer within %v", req.Op, s.opts.RequestTimeout)
	case <-p.exited:
		select {
		case ev := <-replies:
			return ev, nil
		default:
		}
		s.replace(p, "")
		return worker.Event{}, fmt.Errorf("supervisor: %s: %w", req.Op, ErrWorkerDied)
	}
}

// Complete asks the worker for completions. It returns no matches, with
// the cursor as both ends, when the worker cannot answer.
func (s *Supervisor) Complete(ctx context.Context, code string, cursorPos int) jupyter.CompleteResult {
	ev, err := s.call(ctx, worker.Request{Op: worker.OpComplete, Code: code, Cursor: cursorPos})
	if err != nil || ev.Completion == nil {
		if err != nil {
			s.logf("supervisor: %v", err)
		}
		return jupyter.CompleteResult{Matches: []string{}, CursorStart: cursorPos, CursorEnd: cursorPos, Metadata: map[string]any{}}
	}
	c := ev.Completion
	m := c.Matches
	if m == nil {
		m = []string{}
	}
	return jupyter.CompleteResult{Matches: m, CursorStart: c.Start, CursorEnd: c.End, Metadata: map[string]any{}}
}

// Inspect asks the worker for help on the name at cursorPos. It returns
// found false when the worker cannot answer.
func (s *Supervisor) Inspect(ctx context.Context, code string, cursorPos, detailLevel int) jupyter.InspectResult {
	ev, err := s.call(ctx, worker.Request{Op: worker.OpInspect, Code: code, Cursor: cursorPos, Detail: detailLevel})
	if err != nil || ev.Inspection == nil || !ev.Inspection.Found {
		if err != nil {
			s.logf("supervisor: %v", err)
		}
		return jupyter.InspectResult{Data: map[string]any{}, Metadata: map[string]any{}}
	}
	data := ev.Inspection.Data
	if data == nil {
		data = map[string]any{}
	}
	return jupyter.InspectResult{Found: true, Data: data, Metadata: map[string]any{}}
}

// IsComplete asks the worker whether code is ready to run; it returns
// "unknown" when the worker cannot answer.
func (s *Supervisor) IsComplete(ctx context.Context, code string) jupyter.IsCompleteResult {
	ev, err := s.call(ctx, worker.Request{Op: worker.OpIsComplete, Code: code})
	if err != nil || ev.IsComplete == nil {
		if err != nil {
			s.logf("supervisor: %v", err)
		}
		return jupyter.IsCompleteResult{Status: "unknown"}
	}
	return jupyter.IsCompleteResult{Status: ev.IsComplete.Status, Indent: ev.IsComplete.Indent}
}

// Restart kills the worker and starts a fresh one: all cell state is
// lost. It returns when the new worker has been started.
func (s *Supervisor) Restart() error {
	p, _, err := s.acquire()
	if err != nil {
		return err
	}
	s.replace(p, "the kernel was restarted")
	s.release()
	_, err = s.worker()
	return err
}

// Pid returns the process id of the current worker, or 0 when none runs.
func (s *Supervisor) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return 0
	}
	return s.p.cmd.Process.Pid
}

// Close stops the worker (asking first, then killing it after a second)
// and waits until it is gone. Later calls return nil.
func (s *Supervisor) Close() error {
	s.mu.Lock()
	s.closed = true
	p := s.p
	s.p = nil
	s.mu.Unlock()
	if p != nil {
		p.stop(time.Second)
	}
	return nil
}
