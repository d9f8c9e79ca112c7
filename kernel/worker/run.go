package worker

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"

	"github.com/gradbook/gradbook/kernel/display"
)

// Environment variables the supervisor sets for the worker.
const (
	EnvToken  = "GRADBOOK_WORKER_TOKEN"  // marker token (NewToken)
	EnvMemory = "GRADBOOK_WORKER_MEMORY" // address space cap in bytes (Limit); 0 or less for none
)

// ErrNotWorker is returned by Main when the process was not started by a
// supervisor.
var ErrNotWorker = errors.New("worker: not started by the gradbook kernel (internal command)")

// Setup is what Main needs from the caller: how to build the
// interpreter, answer is_complete, and receive display events.
type Setup struct {
	New        func(stdin io.Reader, stdout io.Writer) (Interpreter, error)
	IsComplete func(code string) (status, indent string)
	// ConfineTo is Config.ConfineTo.
	ConfineTo string
	// SetDisplaySink, when set, is called with the function that sends
	// display events to the front end (display.SetSink).
	SetDisplaySink func(func(e display.Event))
}

// Main is the body of the `gradbook worker` command: it applies the
// memory limit, takes fd 3 and 4 as the request and event pipes, routes
// the log package and SIGINT, and serves until the supervisor goes away.
func Main(setup Setup) error {
	token := os.Getenv(EnvToken)
	if len(token) != tokenLen {
		return ErrNotWorker
	}
	if v := os.Getenv(EnvMemory); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("worker: bad %s=%q: %w", EnvMemory, v, err)
		}
		if err := Limit(n); err != nil {
			return err
		}
	}
	// Die of a stack overflow after ~256 MB instead of 1 GB: sooner, and
	// well inside the memory limit.
	debug.SetMaxStack(256 << 20)
	reqs := pipeFile(3, "requests")
	events := pipeFile(4, "events")
	if reqs == nil || events == nil {
		return ErrNotWorker
	}
	var stdout io.Writer = os.Stdout
	if os.Getenv(EnvOutBuffer) == "1" {
		if mem, err := MapOut(os.NewFile(5, "stdout-buffer")); err == nil {
			stdout = NewOutBuffer(mem, os.Stdout)
		}
	}
	w := New(Config{
		Requests:   reqs,
		Events:     events,
		Stdout:     stdout,
		Stderr:     os.Stderr,
		Token:      token,
		New:        setup.New,
		IsComplete: setup.IsComplete,
		ConfineTo:  setup.ConfineTo,
	})
	log.SetOutput(w.LogWriter())
	if setup.SetDisplaySink != nil {
		setup.SetDisplaySink(w.Display)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() {
		for range sig {
			w.Interrupt()
		}
	}()
	return w.Serve()
}
