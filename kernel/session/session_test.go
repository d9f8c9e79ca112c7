package session

import (
	"context"
	"strings"
	"testing"
	"time"
)

// skipUnderRace skips tests of interrupts under the race detector (see
// race_on_test.go).
func skipUnderRace(t *testing.T) {
	if raceDetector {
		t.Skip("yaegi's interrupted goroutine touches frames after ExecuteWithContext returns; Execute waits for it by watching runtime.Stack, which the race detector cannot see")
	}
}

// TestInterrupt cancels hanging cells after 100 ms: Execute returns an
// Interrupted error promptly, and the next cell runs and sees the
// variables of earlier cells.
func TestInterrupt(t *testing.T) {
	skipUnderRace(t)
	t.Parallel()
	for _, tc := range []struct{ name, code string }{
		{"for", "for {}"},
		{"for-body", "for { n++ }"},
		{"select", "select {}"},
		{"sleep", "time.Sleep(time.Hour)"},
		{"chan", "ch := make(chan int)\n<-ch"},
		{"func-loop", "func spin() { for { n++ } }\nspin()"},
		{"after-output", "fmt.Println(\"started\")\nfor {}"},
		{"range-int", "for i := range 1 << 62 { n = i }"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, Options{})
			h.ok("keep := 42\nn := 0")
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			c := h.execCtx(ctx, tc.code)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Execute returned after %v", d)
			}
			if c.res.Err == nil || c.res.Err.Name != ErrInterrupted {
				t.Fatalf("got %v, want %s", c.res.Err, ErrInterrupted)
			}
			if h.s.Stuck() {
				t.Errorf("Stuck after interrupting %q", tc.code)
			}
			h.value("keep + 1", "43")
			h.value("func later() int { return keep * 2 }\nlater()", "84")
		})
	}
}

// TestInterruptedRedefinition interrupts a := that gives a variable of
// an earlier cell another type, and a cell's value: yaegi may leave the
// variable without storage, and the next := of it, or the next value,
// must define it again rather than assign to it.
func TestInterruptedRedefinition(t *testing.T) {
	skipUnderRace(t)
	t.Parallel()
	h := newHarness(t, Options{})
	h.ok("x := 1\nch := make(chan string)")
	h.value("x + 1", "2")
	for _, code := range []string{"x := <-ch", "<-ch"} {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		c := h.execCtx(ctx, code)
		cancel()
		if c.res.Err == nil || c.res.Err.Name != ErrInterrupted {
			t.Fatalf("%q: got %v, want %s", code, c.res.Err, ErrInterrupted)
		}
		h.ok(`x := "again"`)
		h.value("x", "again")
		h.value(`x + "!"`, "again!")
	}
}

// TestInterruptMentionsGoroutines: the message says goroutines were
// stopped only once a cell has started some.
func TestInterruptMentionsGoroutines(t *testing.T) {
	skipUnderRace(t)
	t.Parallel()
	h := newHarness(t, Options{})
	interrupt := func() string {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		c := h.execCtx(ctx, "for {}")
		if c.res.Err == nil || c.res.Err.Name != ErrInterrupted {
			t.Fatalf("got %v, want %s", c.res.Err, ErrInterrupted)
		}
		return c.res.Err.Value
	}
	if v := interrupt(); v != "interrupted" {
		t.Errorf("before any go statement: %q", v)
	}
	h.ok("done := make(chan bool)\ngo func() { done <- true }()\n<-done")
	if v := interrupt(); !strings.Contains(v, "goroutines started by cells were stopped too") {
		t.Errorf("after a go statement: %q", v)
	}
}

// TestInterruptDoesNotResume checks that a cancelled top-level loop does
// not come back to life behind the next cells (a yaegi race).
func TestInterruptDoesNotResume(t *testing.T) {
	skipUnderRace(t)
	t.Parallel()
	h := newHarness(t, Options{})
	h.ok("n := 0")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if c := h.execCtx(ctx, "for { n++ }"); c.res.Err == nil || c.res.Err.Name != ErrInterrupted {
		t.Fatalf("got %v, want %s", c.res.Err, ErrInterrupted)
	}
	first := h.ok("n").text()
	time.Sleep(50 * time.Millisecond)
	h.ok("x := 1") // a yaegi Eval that would reset a surviving loop's run id
	time.Sleep(50 * time.Millisecond)
	if again := h.ok("n").text(); again != first {
		t.Errorf("n went from %s to %s after the interrupt: the loop resumed", first, again)
	}
}

// TestInterruptStuck: a compiled call that never returns (here
// sync.WaitGroup.Wait) cannot be stopped; the Session says so (Stuck)
// and refuses cells, asking for a restart.
func TestInterruptStuck(t *testing.T) {
	skipUnderRace(t)
	t.Parallel()
	h := newHarness(t, Options{StopTimeout: 200 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	c := h.execCtx(ctx, "import \"sync\"\nvar wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()")
	if c.res.Err == nil || c.res.Err.Name != ErrInterrupted || !strings.Contains(c.res.Err.Value, "restart") {
		t.Fatalf("got %v, want %s asking for a restart", c.res.Err, ErrInterrupted)
	}
	if !h.s.Stuck() {
		t.Fatal("not Stuck")
	}
	start := time.Now()
	c = h.exec("1 + 1")
	if c.res.Err == nil || !strings.Contains(c.res.Err.Value, "restart") {
		t.Errorf("next cell: got %v, want an error asking for a restart", c.res.Err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("next cell took %v", d)
	}
}

// TestInterruptBeforeStart: a cell run with a context cancelled already
// does not run.
func TestInterruptBeforeStart(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.ok("n := 1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := h.execCtx(ctx, "n = 2")
	if c.res.Err == nil || c.res.Err.Name != ErrInterrupted {
		t.Fatalf("got %v, want %s", c.res.Err, ErrInterrupted)
	}
	h.value("n", "1")
}

func TestStdin(t *testing.T) {
	t.Parallel()
	t.Run("scanln", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{Stdin: strings.NewReader("hello\nworld 7\nlast line\n")})
		h.value("var s string\nfmt.Scanln(&s)\ns", "hello")
		h.value("var w string\nvar k int\nfmt.Scan(&w, &k)\nfmt.Sprint(w, k*2)", "world14")
		h.value("import \"bufio\"\nr := bufio.NewReader(os.Stdin)\nline, _ := r.ReadString('\\n')\nline", "last line\n")
	})
	t.Run("none", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, Options{})
		h.ok("keep := 1")
		for _, code := range []string{
			"var s string\nfmt.Scanln(&s)",
			"var n int\n_, err := fmt.Scan(&n)",
			"import \"bufio\"\nbufio.NewReader(os.Stdin).ReadString('\\n')",
		} {
			c := h.fails(code, ErrInput)
			if !strings.Contains(c.res.Err.Value, "input") {
				t.Errorf("%q: unclear message %q", code, c.res.Err.Value)
			}
		}
		h.value("keep", "1")
	})
}

// TestStdout checks that every way of writing to stdout reaches
// Options.Stdout, and that a large output arrives whole.
func TestStdout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	c := h.ok(`fmt.Println("a")
fmt.Fprintln(os.Stdout, "b")
os.Stdout.WriteString("c\n")
print("d\n")
fmt.Fprintln(os.Stderr, "e")
println("f")`)
	if !strings.HasPrefix(c.stdout, "a\nb\nc\n") || c.stderr != "e\n" {
		t.Errorf("stdout %q, stderr %q", c.stdout, c.stderr)
	}
	for _, want := range []string{"d\n", "e\n", "f\n"} {
		if !strings.Contains(c.stdout+c.stderr, want) {
			t.Errorf("%q lost: stdout %q, stderr %q", want, c.stdout, c.stderr)
		}
	}
	c = h.ok("for i := 0; i < 200000; i++ { fmt.Println(i) }")
	if n := strings.Count(c.stdout, "\n"); n != 200000 || !strings.HasSuffix(c.stdout, "\n199999\n") {
		t.Errorf("got %d lines, ending %q", n, c.stdout[max(0, len(c.stdout)-20):])
	}
}

// TestSerialised runs cells from several goroutines at once: each runs
// whole, one at a time.
func TestSerialised(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.ok("total := 0\nfunc add(k int) { for i := 0; i < 1000; i++ { total += k } }")
	done := make(chan Result)
	for k := 1; k <= 4; k++ {
		go func() { done <- h.s.Execute(context.Background(), "add(1)") }()
	}
	for range 4 {
		if r := <-done; r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	h.value("total", "4000")
}

// TestStuckRecovers: once the compiled call that outlived an interrupt
// returns, the Session works again.
func TestStuckRecovers(t *testing.T) {
	t.Parallel()
	skipUnderRace(t)
	h := newHarness(t, Options{StopTimeout: 100 * time.Millisecond})
	h.ok("import \"sync\"\nkeep := 7\nvar wg sync.WaitGroup")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	// wg.Wait is compiled: the interrupt cannot stop it; AfterFunc
	// releases it a little later.
	c := h.execCtx(ctx, "wg.Add(1)\ntime.AfterFunc(700*time.Millisecond, wg.Done)\nwg.Wait()\nkeep = 8")
	if c.res.Err == nil || c.res.Err.Name != ErrInterrupted || !h.s.Stuck() {
		t.Fatalf("got %v, Stuck %v; want Interrupted and Stuck", c.res.Err, h.s.Stuck())
	}
	deadline := time.Now().Add(10 * time.Second)
	for h.s.Stuck() && time.Now().Before(deadline) {
		h.exec("1") // refused while stuck; clears Stuck once the call returned
		time.Sleep(50 * time.Millisecond)
	}
	if h.s.Stuck() {
		t.Fatal("still Stuck after the compiled call returned")
	}
	// The statement after the interrupted call did not run.
	h.value("keep", "7")
}

func TestSandbox(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h := newHarness(t, Options{Sandbox: true, TempDir: dir})
	h.value("1 + 1", "2")
	for _, code := range []string{`import "net/http"`, `import "os/exec"`, `import "runtime/debug"`} {
		h.fails(code, ErrCompile)
	}
	inside := dir + "/ok.txt"
	h.value(`err := os.WriteFile("`+inside+`", []byte("hi"), 0o644)
err == nil`, "true")
	h.value(`b, _ := os.ReadFile("`+inside+`")
string(b)`, "hi")
	h.value(`err = os.WriteFile("/tmp/gradbook-sandbox-escape", []byte("x"), 0o644)
err != nil`, "true")
	h.value(`os.Remove("/etc/hostname") != nil`, "true")
	h.value(`os.Getenv("HOME") == "`+dir+`"`, "true")
	// The generic standard packages work in the sandbox too (graders run
	// homework there).
	h.value(`xs := []int{3, 1, 2}
slices.Sort(xs)
fmt.Sprint(xs, slices.Max(xs), slices.Sorted(maps.Keys(map[string]int{"b": 1, "a": 2})))`, "[1 2 3] 3 [a b]")
}

// TestCellText covers cell text the golden format cannot hold: CRLF
// line ends, tab indentation and carets under non-ASCII lines.
func TestCellText(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.value("x := 1\r\ny := 2\r\nx + y\r\n", "3")
	h.value("func f(n int) int {\n\tif n > 0 {\n\t\treturn n\n\t}\n\treturn -n\n}\nf(-4)", "4")
	c := h.fails("s := \"héllo→\"; z := undefinedQ", ErrCompile)
	if c.res.Err.Value != "1:24: undefined: undefinedQ" { // Go columns count bytes
		t.Errorf("value %q", c.res.Err.Value)
	}
	tb := c.res.Err.Traceback
	if len(tb) != 3 || tb[1] != "   1 | s := \"héllo→\"; z := undefinedQ" || tb[2] != "     | "+strings.Repeat(" ", 20)+"^" {
		t.Errorf("traceback %q", tb)
	}
	c = h.fails("func g() {\n\tx := undefinedR\n}", ErrCompile)
	if tb := c.res.Err.Traceback; len(tb) != 3 || tb[2] != "     | \t     ^" {
		t.Errorf("tab caret %q", tb)
	}
}
