package supervisor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gradbook/gradbook/kernel/jupyter"
)

func run(t *testing.T, s *Supervisor, code string) (jupyter.ExecuteResult, *fakeOutput) {
	t.Helper()
	out := &fakeOutput{}
	return s.Execute(context.Background(), jupyter.ExecuteRequest{Code: code}, out), out
}

func plain(r jupyter.ExecuteResult) string {
	if r.Data == nil {
		return ""
	}
	s, _ := r.Data["text/plain"].(string)
	return s
}

// mustValue runs code and checks that it succeeds with value want.
func mustValue(t *testing.T, s *Supervisor, code, want string) {
	t.Helper()
	r, _ := run(t, s, code)
	if r.Error != nil {
		t.Fatalf("%q: unexpected error %s: %s", code, r.Error.Name, r.Error.Value)
	}
	if got := plain(r); got != want {
		t.Fatalf("%q: value %q, want %q", code, got, want)
	}
}

func TestExecuteValueAndState(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{})
	mustValue(t, s, "set x 41", "")
	mustValue(t, s, "value 42", "42")
	mustValue(t, s, "get x", "41")
	r, _ := run(t, s, "fail oops")
	if r.Error == nil || r.Error.Name != "Failed" || r.Error.Value != "oops" {
		t.Fatalf("error = %+v, want Failed: oops", r.Error)
	}
	mustValue(t, s, "get x", "41")
}

// TestOutputOrder checks that streams, display events and the result keep
// the order in which the cell produced them.
func TestOutputOrder(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{FlushInterval: time.Second}) // only markers flush
	r, out := run(t, s, "echo a\neprint b\ndisplay D\necho c\nclear\neprint e\nvalue V")
	if r.Error != nil || plain(r) != "V" {
		t.Fatalf("result %+v", r)
	}
	var kinds []string
	for _, e := range out.snapshot() {
		kinds = append(kinds, e.kind+":"+strings.TrimSpace(e.text))
	}
	got := strings.Join(kinds, " ")
	// stdout and stderr written before an event arrive before it; between
	// the two streams there is no order to keep.
	for _, want := range []string{
		"stdout:a stderr:b display:D stdout:c clear:true stderr:e",
		"stderr:b stdout:a display:D stdout:c clear:true stderr:e",
	} {
		if got == want {
			return
		}
	}
	t.Fatalf("events %s", got)
}

// TestManyLines prints 200,000 lines to a slow front end: all arrive, in
// order, coalesced into few messages of bounded size.
func TestManyLines(t *testing.T) {
	t.Parallel()
	const n = 200000
	s := newTestSupervisor(t, Options{FlushSize: 32 << 10})
	out := &fakeOutput{delay: time.Millisecond}
	r := s.Execute(context.Background(), jupyter.ExecuteRequest{Code: fmt.Sprintf("print %d\nvalue done", n)}, out)
	if r.Error != nil || plain(r) != "done" {
		t.Fatalf("result %+v", r)
	}
	lines := strings.Split(strings.TrimSuffix(out.text("stdout"), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("got %d lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		if want := fmt.Sprintf("line %d", i); l != want {
			t.Fatalf("line %d is %q, want %q", i, l, want)
		}
	}
	msgs := out.count("stdout")
	if msgs > n/100 {
		t.Errorf("%d stream messages for %d lines: not coalesced", msgs, n)
	}
	for _, e := range out.snapshot() {
		if len(e.text) > 32<<10 {
			t.Fatalf("stream message of %d bytes, over FlushSize", len(e.text))
		}
	}
	t.Logf("%d lines in %d messages", n, msgs)
}

func TestBackToBack(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{})
	for i := range 500 {
		want := fmt.Sprint(i)
		r, out := run(t, s, "echo "+want+"\nvalue "+want)
		if plain(r) != want || out.text("stdout") != want+"\n" {
			t.Fatalf("cell %d: value %q, stdout %q", i, plain(r), out.text("stdout"))
		}
	}
}

func TestStdin(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{})
	mustValue(t, s, "set x 1", "")

	t.Run("allowed", func(t *testing.T) {
		out := &fakeOutput{input: func(string, bool) (string, error) { return "Ada", nil }}
		r := s.Execute(context.Background(), jupyter.ExecuteRequest{Code: "input", AllowStdin: true}, out)
		if r.Error != nil {
			t.Fatalf("error %+v", r.Error)
		}
		if got := out.text("stdout"); got != "name? got: Ada\n" {
			t.Fatalf("stdout %q", got)
		}
		ev := out.snapshot()
		if len(ev) < 2 || ev[0].kind != "stdout" || ev[0].text != "name? " || ev[1].kind != "input" {
			t.Fatalf("the prompt must be flushed before the input request: %v", ev)
		}
	})
	t.Run("refused", func(t *testing.T) {
		out := &fakeOutput{input: func(string, bool) (string, error) { t.Error("Input called"); return "", nil }}
		r := s.Execute(context.Background(), jupyter.ExecuteRequest{Code: "input", AllowStdin: false}, out)
		if r.Error != nil {
			t.Fatalf("error %+v", r.Error)
		}
		if got := out.text("stderr"); !strings.Contains(got, "allow_stdin is false") {
			t.Fatalf("stderr %q does not explain the failed read", got)
		}
	})
	t.Run("interrupted", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		out := &fakeOutput{input: func(string, bool) (string, error) {
			cancel()
			time.Sleep(100 * time.Millisecond)
			return "", errors.New("interrupted")
		}}
		r := s.Execute(ctx, jupyter.ExecuteRequest{Code: "input", AllowStdin: true}, out)
		if r.Error != nil {
			t.Fatalf("error %+v", r.Error)
		}
		if got := out.text("stderr"); !strings.Contains(got, "read failed") {
			t.Fatalf("stderr %q", got)
		}
	})
	mustValue(t, s, "get x", "1")
}

// TestHostile runs cells that kill, hang or exhaust the worker: each gets
// an error that says what happened, state survives or is reset as stated,
// and the next cell runs.
func TestHostile(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{InterruptGrace: 500 * time.Millisecond, MemoryLimit: 4 << 30})
	cases := []struct {
		name      string
		code      string
		interrupt bool
		ename     string
		evalue    []string // substrings
		survives  bool
	}{
		{"goroutine panic", "gopanic", false, "WorkerDied", []string{"panic: bg", "state", "reset"}, false},
		{"os.Exit", "exit 3", false, "WorkerDied", []string{"exit status 3", "os.Exit"}, false},
		{"stack overflow", "recurse", false, "WorkerDied", []string{"stack overflow"}, false},
		{"out of memory", "alloc", false, "WorkerDied", []string{"out of memory"}, false},
		{"interruptible loop", "spin", true, "Interrupted", nil, true},
		{"compiled sleep", "sleep", true, "WorkerRestarted", []string{"did not stop", "reset"}, false},
		{"stuck after interrupt", "stuck", false, "Stuck", []string{"restarted", "reset"}, false},
	}
	for i, c := range cases {
		if raceEnabled && c.name == "out of memory" {
			c.evalue = []string{"fatal error"}
		}
		t.Run(c.name, func(t *testing.T) {
			mustValue(t, s, fmt.Sprintf("set x %d", i), "")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if c.interrupt {
				time.AfterFunc(200*time.Millisecond, cancel)
			}
			start := time.Now()
			out := &fakeOutput{}
			r := s.Execute(ctx, jupyter.ExecuteRequest{Code: "echo before\n" + c.code}, out)
			if r.Error == nil {
				t.Fatalf("no error")
			}
			// Printed just before the worker died, so still in its
			// stdout buffer: it must arrive all the same.
			if got := out.text("stdout"); got != "before\n" {
				t.Errorf("stdout %q, want %q", got, "before\n")
			}
			if r.Error.Name != c.ename {
				t.Errorf("ename %q, want %q (%s)", r.Error.Name, c.ename, r.Error.Value)
			}
			for _, sub := range c.evalue {
				if !strings.Contains(r.Error.Value, sub) {
					t.Errorf("evalue %q does not contain %q", r.Error.Value, sub)
				}
			}
			t.Logf("%s after %v: %s", r.Error.Name, time.Since(start).Round(time.Millisecond), r.Error.Value)
			want := "<undefined>"
			if c.survives {
				want = fmt.Sprint(i)
			}
			mustValue(t, s, "get x", want)
			mustValue(t, s, "value next", "next")
		})
	}
}

func TestKilledFromOutside(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{})
	mustValue(t, s, "value warm", "warm")
	pid := s.Pid()
	time.AfterFunc(200*time.Millisecond, func() { syscall.Kill(pid, syscall.SIGKILL) })
	r, _ := run(t, s, "sleep")
	if r.Error == nil || r.Error.Name != "WorkerDied" || !strings.Contains(r.Error.Value, "killed") {
		t.Fatalf("error %+v", r.Error)
	}
	mustValue(t, s, "value next", "next")
	if s.Pid() == pid {
		t.Fatalf("worker pid unchanged")
	}
}

func TestDiedWhileIdle(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{})
	mustValue(t, s, "value warm", "warm")
	pid := s.Pid()
	syscall.Kill(pid, syscall.SIGKILL)
	time.Sleep(100 * time.Millisecond)
	mustValue(t, s, "value next", "next")
}

// TestDiedAfterCell: a goroutine panics after its cell finished. The
// worker is replaced at once, the last cell's output says so, and so does
// the next cell, which runs.
func TestDiedAfterCell(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{})
	mustValue(t, s, "set x 1", "")
	r, last := run(t, s, "latepanic")
	if r.Error != nil {
		t.Fatalf("error %+v", r.Error)
	}
	time.Sleep(500 * time.Millisecond)
	for _, out := range []*fakeOutput{last} {
		if got := out.text("stderr"); !strings.Contains(got, "panic: late") || !strings.Contains(got, "after the cell finished") {
			t.Errorf("last cell's stderr %q", got)
		}
	}
	r, next := run(t, s, "get x")
	if r.Error != nil || plain(r) != "<undefined>" {
		t.Fatalf("next cell: %+v %q", r.Error, plain(r))
	}
	if got := next.text("stderr"); !strings.Contains(got, "state") || !strings.Contains(got, "reset") {
		t.Errorf("next cell's stderr %q does not say state was reset", got)
	}
	mustValue(t, s, "get x", "<undefined>")
}

func TestRestart(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{})
	mustValue(t, s, "set x 1", "")
	pid := s.Pid()
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if s.Pid() == pid || s.Pid() == 0 {
		t.Fatalf("pid %d after restart, was %d", s.Pid(), pid)
	}
	r, out := run(t, s, "get x")
	if plain(r) != "<undefined>" || out.text("stderr") != "" {
		t.Fatalf("after restart: %q, stderr %q", plain(r), out.text("stderr"))
	}
}

func TestUserExpressions(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{})
	r := s.Execute(context.Background(), jupyter.ExecuteRequest{
		Code:            "set a 7",
		UserExpressions: map[string]string{"first": "a"},
	}, &fakeOutput{})
	ue, ok := r.UserExpressions["first"].(map[string]any)
	if !ok {
		t.Fatalf("user expressions %#v", r.UserExpressions)
	}
	data, _ := ue["data"].(map[string]any)
	if ue["status"] != "ok" || data["text/plain"] != "7" {
		t.Fatalf("first = %#v", ue)
	}
}

func TestCompleteInspectIsComplete(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{})
	ctx := context.Background()
	c := s.Complete(ctx, "ec", 2)
	if len(c.Matches) != 2 || c.Matches[0] != "echo" || c.CursorStart != 0 || c.CursorEnd != 2 {
		t.Errorf("complete %+v", c)
	}
	in := s.Inspect(ctx, "echo", 2, 0)
	if !in.Found || in.Data["text/plain"] != "echo TEXT prints TEXT" {
		t.Errorf("inspect %+v", in)
	}
	if in := s.Inspect(ctx, "nothing", 2, 0); in.Found {
		t.Errorf("inspect of nothing found %+v", in)
	}
	for _, tc := range []struct{ code, status, indent string }{
		{"echo a", "complete", ""},
		{"func f() {", "incomplete", "\t"},
	} {
		if got := s.IsComplete(ctx, tc.code); got.Status != tc.status || got.Indent != tc.indent {
			t.Errorf("is_complete(%q) = %+v", tc.code, got)
		}
	}
}

func TestCloseReapsWorker(t *testing.T) {
	t.Parallel()
	s := newTestSupervisor(t, Options{})
	mustValue(t, s, "value warm", "warm")
	pid := s.Pid()
	// A cell stuck in a compiled call must not keep Close waiting long.
	go s.Execute(context.Background(), jupyter.ExecuteRequest{Code: "sleep"}, &fakeOutput{})
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("worker %d still exists after Close (kill 0: %v)", pid, err)
	}
	r, _ := run(t, s, "value x")
	if r.Error == nil {
		t.Fatalf("Execute after Close succeeded")
	}
}
