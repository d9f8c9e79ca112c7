package supervisor

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/gradbook/gradbook/kernel/display"
	"github.com/gradbook/gradbook/kernel/jupyter"
	"github.com/gradbook/gradbook/kernel/worker"
)

// sink is where output goes: the Output of the cell running now, or of the
// last cell when a goroutine it left behind prints later.
type sink struct {
	mu    sync.Mutex
	out   jupyter.Output
	id    uint64 // the cell that may ask for input
	allow bool   // its execute_request allowed stdin
}

func (s *sink) begin(id uint64, out jupyter.Output, allow bool) {
	s.mu.Lock()
	s.out, s.id, s.allow = out, id, allow
	s.mu.Unlock()
}

// end stops input requests once cell id is finished.
func (s *sink) end(id uint64) {
	s.mu.Lock()
	if s.id == id {
		s.id, s.allow = 0, false
	}
	s.mu.Unlock()
}

func (s *sink) output() jupyter.Output {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out
}

func (s *sink) stream(name, text string) {
	if out := s.output(); out != nil {
		out.Stream(name, text)
	}
}

// proc is one worker process and the goroutines that serve its pipes.
type proc struct {
	s      *Supervisor
	cmd    *exec.Cmd
	req    *worker.Conn
	reqW   *os.File
	stdout *pump
	stderr *pump
	tail   *tail

	mu      sync.Mutex
	replies map[uint64]chan worker.Event

	ready     chan struct{} // closed on the ready event
	readyOnce func()
	exited    chan struct{} // closed once the process is gone and its events read
	state     *os.ProcessState
	reason    string // set by kill: why the supervisor ended it
	dead      bool   // exited is closed (guarded by Supervisor.mu)
}

// startProc starts a worker process.
func (s *Supervisor) startProc() (*proc, error) {
	token := worker.NewToken()
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	pipe := func() (r, w *os.File, err error) {
		r, w, err = os.Pipe()
		if err == nil {
			files = append(files, r, w)
		}
		return r, w, err
	}
	reqR, reqW, err := pipe()
	if err != nil {
		return nil, fmt.Errorf("supervisor: create pipe: %w", err)
	}
	evR, evW, err := pipe()
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("supervisor: create pipe: %w", err)
	}
	outR, outW, err := pipe()
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("supervisor: create pipe: %w", err)
	}
	errR, errW, err := pipe()
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("supervisor: create pipe: %w", err)
	}

	// The worker's stdout buffer, shared so that what a dying worker
	// buffered still arrives (worker.OutBuffer). Without one the worker
	// writes stdout unbuffered.
	outBuf, outMem, err := worker.NewSharedOut()
	if err != nil {
		s.logf("supervisor: %v; cell output will be unbuffered", err)
	} else {
		files = append(files, outBuf)
	}

	cmd := exec.Command(s.opts.Command[0], s.opts.Command[1:]...)
	cmd.Env = append(os.Environ(), s.opts.Env...)
	cmd.Env = append(cmd.Env,
		worker.EnvToken+"="+token,
		worker.EnvMemory+"="+strconv.FormatInt(s.opts.MemoryLimit, 10),
	)
	if os.Getenv("GOTRACEBACK") == "" {
		// The runtime's goroutine dump would bury the one line that
		// matters ("fatal error: stack overflow") in worker internals.
		cmd.Env = append(cmd.Env, "GOTRACEBACK=none")
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	cmd.ExtraFiles = []*os.File{reqR, evW} // fd 3, fd 4
	if outBuf != nil {
		cmd.ExtraFiles = append(cmd.ExtraFiles, outBuf) // fd 5
		cmd.Env = append(cmd.Env, worker.EnvOutBuffer+"=1")
	}
	// Its own process group: a terminal's Ctrl-C reaches the kernel only
	// (which turns it into an interrupt), and a kill reaches whatever the
	// cell started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		closeAll()
		if outMem != nil {
			worker.Unmap(outMem)
		}
		return nil, fmt.Errorf("supervisor: start worker %s: %w", s.opts.Command[0], err)
	}
	reqR.Close()
	evW.Close()
	outW.Close()
	errW.Close()
	if outBuf != nil {
		outBuf.Close() // the mapping stays
	}

	p := &proc{
		s:       s,
		cmd:     cmd,
		req:     worker.NewConn(nil, reqW),
		reqW:    reqW,
		tail:    &tail{max: 8 << 10},
		replies: make(map[uint64]chan worker.Event),
		ready:   make(chan struct{}),
		exited:  make(chan struct{}),
	}
	p.readyOnce = sync.OnceFunc(func() { close(p.ready) })
	p.stdout = newPump("stdout", outR, token, s.sink, s.opts.FlushSize, s.opts.FlushInterval, nil, outMem)
	p.stderr = newPump("stderr", errR, token, s.sink, s.opts.FlushSize, s.opts.FlushInterval, p.tail, nil)
	go p.serve(evR)
	go s.watch(p)
	return p, nil
}

// serve reads the worker's events until its pipe closes, then reaps the
// process.
func (p *proc) serve(evR *os.File) {
	defer close(p.exited)
	conn := worker.NewConn(evR, nil)
	for {
		var ev worker.Event
		if err := conn.Read(&ev); err != nil {
			if !errors.Is(err, io.EOF) {
				p.s.logf("supervisor: worker %d: %v", p.cmd.Process.Pid, err)
				p.kill("it sent a malformed message")
			}
			break
		}
		if ev.Sync > 0 {
			p.stdout.wait(ev.Sync)
			p.stderr.wait(ev.Sync)
		}
		p.dispatch(ev)
		if ev.Sync > 0 {
			p.stdout.release(ev.Sync)
			p.stderr.release(ev.Sync)
		}
	}
	p.stdout.unblock()
	p.stderr.unblock()
	evR.Close()
	p.reqW.Close()
	_ = p.cmd.Wait()
	p.state = p.cmd.ProcessState
	// Reap anything the cell started in the worker's process group.
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
}

// dispatch acts on one event from the worker.
func (p *proc) dispatch(ev worker.Event) {
	switch ev.Op {
	case worker.EvReady:
		p.readyOnce()
	case worker.EvLog:
		p.s.logf("worker %d: %s", p.cmd.Process.Pid, ev.Message)
	case worker.EvReply:
		p.mu.Lock()
		ch := p.replies[ev.ID]
		delete(p.replies, ev.ID)
		p.mu.Unlock()
		if ch != nil {
			ch <- ev
		}
	case worker.EvDisplay:
		if out := p.s.sink.output(); out != nil && ev.Display != nil {
			deliverDisplay(out, ev.Display)
		}
	case worker.EvInputRequest:
		go p.input(ev)
	default:
		p.s.logf("supervisor: worker %d sent unknown event %q", p.cmd.Process.Pid, ev.Op)
	}
}

// input answers an input request from cell ev.ID through the front end.
func (p *proc) input(ev worker.Event) {
	rep := worker.Request{ID: ev.ID, Op: worker.OpInputReply}
	sk := p.s.sink
	sk.mu.Lock()
	out, id, allow := sk.out, sk.id, sk.allow
	sk.mu.Unlock()
	switch {
	case id != ev.ID || out == nil:
		rep.Error = "the cell that asked for input is finished"
	case !allow:
		rep.Error = jupyter.ErrStdinNotAllowed.Error()
	default:
		v, err := out.Input(ev.Prompt, ev.Password)
		if err != nil {
			rep.Error = err.Error()
		} else {
			rep.Value = v
		}
	}
	_ = p.send(rep)
}

// expect registers interest in the reply to request id.
func (p *proc) expect(id uint64) chan worker.Event {
	ch := make(chan worker.Event, 1)
	p.mu.Lock()
	p.replies[id] = ch
	p.mu.Unlock()
	return ch
}

// forget drops interest in the reply to request id.
func (p *proc) forget(id uint64) {
	p.mu.Lock()
	delete(p.replies, id)
	p.mu.Unlock()
}

func (p *proc) send(r worker.Request) error { return p.req.Write(r) }

// kill ends the worker and everything in its process group; reason says
// why, for the cell's error. It does not wait.
func (p *proc) kill(reason string) {
	p.mu.Lock()
	if p.reason == "" {
		p.reason = reason
	}
	p.mu.Unlock()
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	_ = p.cmd.Process.Kill()
}

// stop asks the worker to exit, and kills it if it has not within grace.
// It returns once the process is gone.
func (p *proc) stop(grace time.Duration) {
	_ = p.send(worker.Request{Op: worker.OpShutdown})
	p.reqW.Close()
	select {
	case <-p.exited:
	case <-time.After(grace):
		p.kill("the kernel shut down")
		<-p.exited
	}
}

// drain waits, at most d, until both output pipes are closed and
// delivered: everything the worker printed before it died precedes the
// cell's error.
func (p *proc) drain(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for _, pm := range []*pump{p.stdout, p.stderr} {
		select {
		case <-pm.done:
		case <-t.C:
			return
		}
	}
}

// deliverDisplay forwards a display event to out.
func deliverDisplay(out jupyter.Output, e *display.Event) {
	switch e.Kind {
	case "clear":
		out.ClearOutput(e.Wait)
	default:
		out.Display(jupyter.DisplayData{
			Data:      e.Data,
			Metadata:  e.Metadata,
			DisplayID: e.DisplayID,
			Update:    e.Kind == "update",
		})
	}
}
