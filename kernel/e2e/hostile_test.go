package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
	"github.com/gradbook/gradbook/kernel/wire"
)

// hostile is a cell that must leave the kernel alive with a clear error.
type hostile struct {
	name      string
	code      string
	interrupt bool // the cell prints "started"; then send interrupt_request
	opts      []jupytertest.ExecOption
	// check checks the cell's outcome.
	check func(t *testing.T, out *jupytertest.ExecOutcome)
}

// run defines a variable, runs the hostile cell and checks it, checks
// that the kernel still works, and returns whether the variable survived.
func (h hostile) run(t *testing.T, k *kernel) (survived bool) {
	t.Helper()
	value := fmt.Sprintf("kept-%d", time.Now().UnixNano())
	k.mustOK(fmt.Sprintf("kept := %q", value))
	p, err := k.c.StartExecute(h.code, h.opts...)
	if err != nil {
		t.Fatal(err)
	}
	if h.interrupt {
		if err := p.WaitStdout("started"); err != nil {
			t.Fatal(err)
		}
		interrupt(t, k)
	}
	out, err := p.Wait()
	if err != nil {
		t.Fatalf("the kernel did not answer the cell: %v", err)
	}
	if err := jupytertest.CheckBusyIdle(out.IOPub, out.Request.Header.MsgID); err != nil {
		t.Error(err)
	}
	if out.Reply.Status == wire.StatusError && (len(out.Errors) != 1 || out.Errors[0].EName != out.Reply.EName) {
		t.Errorf("execute_reply %s but error messages %+v", out.Reply.EName, out.Errors)
	}
	h.check(t, out)
	k.alive()
	after := k.exec("kept")
	if after.Reply.Status != wire.StatusOK {
		// State was reset: the name is gone, and the cell says so.
		if !strings.Contains(after.Reply.EValue, "undefined: kept") {
			t.Errorf("after a reset, kept gave %+v", after.Reply)
		}
		return false
	}
	return result(after) == value
}

// interrupt sends interrupt_request on control.
func interrupt(t *testing.T, k *kernel) {
	t.Helper()
	r, err := k.c.Request(jupytertest.Control, wire.InterruptRequest, struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	var c wire.InterruptReplyContent
	if err := r.DecodeContent(&c); err != nil || c.Status != wire.StatusOK {
		t.Fatalf("interrupt_reply %s (%v)", r.Content, err)
	}
}

// wantError returns a check that the cell failed with ename and an
// evalue containing each of parts.
func wantError(ename string, parts ...string) func(*testing.T, *jupytertest.ExecOutcome) {
	return func(t *testing.T, out *jupytertest.ExecOutcome) {
		t.Helper()
		r := out.Reply
		if r.Status != wire.StatusError || r.EName != ename || len(r.Traceback) == 0 {
			t.Errorf("reply %s %s: %q, want error %s", r.Status, r.EName, r.EValue, ename)
		}
		for _, p := range parts {
			if !strings.Contains(r.EValue, p) {
				t.Errorf("evalue %q lacks %q", r.EValue, p)
			}
		}
	}
}

// TestHostileCells runs the hostile cells of the kernel issue after which
// the state of earlier cells survives. They share one kernel, in order.
func TestHostileCells(t *testing.T) {
	t.Parallel()
	k := start(t)
	for _, h := range []hostile{
		{name: "1 panic", code: `panic("boom")`, check: func(t *testing.T, out *jupytertest.ExecOutcome) {
			wantError("Panic", "boom")(t, out)
			if tb := strings.Join(out.Reply.Traceback, "\n"); !strings.Contains(tb, "boom") {
				t.Errorf("traceback %q", tb)
			}
		}},
		{name: "3 os.Exit", code: "fmt.Println(\"bye\")\nos.Exit(3)", check: func(t *testing.T, out *jupytertest.ExecOutcome) {
			wantError("Exit", "os.Exit(3)")(t, out)
			if out.Stdout != "bye\n" {
				t.Errorf("stdout %q", out.Stdout)
			}
		}},
		{name: "5 for {} + interrupt", code: "fmt.Println(\"started\")\nfor {}", interrupt: true, check: wantError("Interrupted")},
		{name: "6 select {} + interrupt", code: "fmt.Println(\"started\")\nselect {}", interrupt: true, check: wantError("Interrupted")},
		{name: "10 range over int", code: "for i := range 3 { fmt.Println(i) }", check: func(t *testing.T, out *jupytertest.ExecOutcome) {
			if out.Reply.Status != wire.StatusOK || out.Stdout != "0\n1\n2\n" {
				t.Errorf("reply %+v stdout %q", out.Reply, out.Stdout)
			}
		}},
		{name: "11 syntax error", code: "a := 1\nb := a ++ 2", check: func(t *testing.T, out *jupytertest.ExecOutcome) {
			wantError("SyntaxError", "2:8")(t, out)
			// The traceback shows the cell's line and points at the column.
			if tb := strings.Join(out.Reply.Traceback, "\n"); !strings.Contains(tb, "b := a ++ 2") || !strings.Contains(tb, "^") {
				t.Errorf("traceback %q", tb)
			}
		}},
		{name: "12 Scanln allowed", code: "var s string\nfmt.Scanln(&s)\ns",
			opts: []jupytertest.ExecOption{jupytertest.AllowStdin(func(prompt string, password bool) string { return "gopher" })},
			check: func(t *testing.T, out *jupytertest.ExecOutcome) {
				if out.Reply.Status != wire.StatusOK || result(out) != "gopher" {
					t.Errorf("reply %+v result %q", out.Reply, result(out))
				}
			}},
		{name: "12 Scanln not allowed", code: "var s string\nfmt.Scanln(&s)\ns", check: wantError("InputError", "allow_stdin")},
	} {
		t.Run(h.name, func(t *testing.T) {
			if !h.run(t, k) {
				t.Errorf("a variable defined before the cell was lost")
			}
		})
	}
	t.Run("7 time.Sleep + interrupt", func(t *testing.T) {
		// The issue does not promise that state survives this one: an
		// interrupt that a compiled call ignores restarts the worker.
		var ename string
		survived := hostile{code: "fmt.Println(\"started\")\ntime.Sleep(time.Hour)", interrupt: true,
			check: func(t *testing.T, out *jupytertest.ExecOutcome) {
				ename = out.Reply.EName
				switch ename {
				case "Interrupted":
				case "WorkerRestarted":
					wantError(ename, "interrupt", "state", "reset")(t, out)
				default:
					t.Errorf("reply %+v", out.Reply)
				}
			}}.run(t, k)
		if survived != (ename == "Interrupted") {
			t.Errorf("%s, but the state survived: %v", ename, survived)
		}
	})
}

// TestHostileCellsCrash runs the hostile cells of the kernel issue that
// crash a Go process unless caught (2, 4, 8), as written in the issue and
// in forms the interpreter cannot catch, which kill the worker. They share
// one kernel, in order.
func TestHostileCellsCrash(t *testing.T) {
	t.Parallel()
	k := start(t)
	// died checks that the worker died of cause and the error says so
	// and that state was reset.
	died := func(cause string) func(*testing.T, *jupytertest.ExecOutcome) {
		return func(t *testing.T, out *jupytertest.ExecOutcome) {
			wantError("WorkerDied", cause, "restarted", "state", "reset")(t, out)
			// The runtime's stack dump of worker internals stays out
			// of the cell.
			if strings.Contains(out.Stderr, "\ngoroutine ") || strings.Contains(out.Stderr, "runtime stack:") || len(out.Stderr) > 1000 {
				t.Errorf("the cell's stderr holds a stack dump (%d bytes):\n%.1000s", len(out.Stderr), out.Stderr)
			}
		}
	}
	for _, tc := range []struct {
		h        hostile
		survives bool
	}{
		// Caught by the interpreter: state survives.
		{hostile{name: "2 panic in a goroutine", code: `go func(){ panic("bg") }()`, check: func(t *testing.T, out *jupytertest.ExecOutcome) {
			if out.Reply.Status == wire.StatusError {
				wantError("Panic", "bg")(t, out)
				return
			}
			// The goroutine may panic after the cell has finished.
			if !strings.Contains(out.Stderr, "panic in goroutine") && !strings.Contains(lateStderr(k, "bg"), "panic in goroutine") {
				t.Errorf("no report of the goroutine's panic: stderr %q", out.Stderr)
			}
		}}, true},
		{hostile{name: "4 infinite recursion", code: "func f(n int) int { return f(n+1) }; f(0)",
			check: wantError("Panic", "infinite recursion")}, true},
		{hostile{name: "8 huge make", code: "make([]float64, 1<<40)", check: wantError("MemoryError", "1<<40")}, true},
		// Fatal to the worker: it is restarted and state is reset.
		{hostile{name: "2 panic in a callback", code: "time.AfterFunc(0, func() { panic(\"bg\") })\ntime.Sleep(time.Minute)",
			check: died("panic: bg")}, false},
		{hostile{name: "4 infinite recursion of a closure", code: "var g func(int) int\ng = func(n int) int { return g(n+1) }\ng(0)",
			check: died("stack overflow")}, false},
		{hostile{name: "8 huge make of a variable size", code: "n := 1 << 40\n_ = make([]float64, n)",
			check: wantError("MemoryError", "exceeds")}, true},
		{hostile{name: "8 memory exhausted by many allowed makes", code: "var hog [][]float64\nfor {\n\thog = append(hog, make([]float64, 1<<27))\n}",
			check: died("out of memory")}, false},
		// A compiled call that ignores the interrupt: the worker is
		// replaced.
		{hostile{name: "7 interrupt ignored by a compiled call", code: "var wg sync.WaitGroup\nwg.Add(1)\nfmt.Println(\"started\")\nwg.Wait()",
			interrupt: true, check: func(t *testing.T, out *jupytertest.ExecOutcome) {
				if n := out.Reply.EName; n != "Interrupted" && n != "WorkerRestarted" {
					t.Errorf("reply %+v", out.Reply)
				}
				wantError(out.Reply.EName, "state was reset")(t, out)
			}}, false},
	} {
		t.Run(tc.h.name, func(t *testing.T) {
			if survived := tc.h.run(t, k); survived != tc.survives {
				t.Errorf("state survived: %v, want %v", survived, tc.survives)
			}
		})
	}
}

// lateStderr waits up to a few seconds for stderr containing text among
// the iopub messages no pending request collected, and returns it.
func lateStderr(k *kernel, text string) string {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		m := k.c.Unexpected(time.Until(deadline))
		if m == nil || m.Header.MsgType != wire.Stream {
			continue
		}
		var s wire.StreamContent
		if m.DecodeContent(&s) == nil && s.Name == "stderr" && strings.Contains(s.Text, text) {
			return s.Text
		}
	}
	return ""
}

// TestHostileOutput runs hostile cell 9: 200,000 lines of output must all
// arrive, in order, coalesced into far fewer stream messages, while the
// kernel process's memory stays bounded.
func TestHostileOutput(t *testing.T) {
	t.Parallel()
	k := start(t)
	const lines = 200_000
	pad := strings.Repeat("x", 90)
	k.mustOK("kept := 9")
	before := k.peakRSS()
	out := k.mustOK(fmt.Sprintf("for i := range %d { fmt.Printf(\"line %%d %s\\n\", i) }", lines, pad))
	got := strings.Split(strings.TrimSuffix(out.Stdout, "\n"), "\n")
	if len(got) != lines {
		t.Fatalf("%d lines arrived, want %d", len(got), lines)
	}
	for i, l := range got {
		if want := fmt.Sprintf("line %d %s", i, pad); l != want {
			t.Fatalf("line %d is %q, want %q", i, l, want)
		}
	}
	if out.Streams > lines/100 {
		t.Errorf("%d stream messages for %d lines: not coalesced", out.Streams, lines)
	}
	// The cell wrote ~20 MB; the kernel may queue some of it for a slow
	// subscriber, but must not hold it all (or several copies).
	peak := k.peakRSS()
	t.Logf("%d lines, %d bytes in %d stream messages; kernel VmHWM %d MiB before, %d MiB after",
		lines, len(out.Stdout), out.Streams, before>>20, peak>>20)
	const limit = 128 << 20
	if peak > limit {
		t.Errorf("kernel VmHWM %d MiB, want at most %d MiB", peak>>20, limit>>20)
	}
	k.alive()
	if result(k.mustOK("kept")) != "9" {
		t.Errorf("state lost")
	}
}
