package supervisor

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gradbook/gradbook/kernel/display"
	"github.com/gradbook/gradbook/kernel/jupyter"
	"github.com/gradbook/gradbook/kernel/session"
	"github.com/gradbook/gradbook/kernel/worker"
)

// The test binary doubles as the worker: with envFakeWorker set, TestMain
// serves the supervisor with fakeInterp instead of running tests.
const envFakeWorker = "GRADBOOK_TEST_FAKE_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(envFakeWorker) == "1" {
		err := worker.Main(worker.Setup{
			New: func(stdin io.Reader, stdout io.Writer) (worker.Interpreter, error) {
				return &fakeInterp{vars: map[string]string{}, stdin: bufio.NewReader(stdin), out: stdout}, nil
			},
			IsComplete: func(code string) (string, string) {
				if strings.HasSuffix(code, "{") {
					return "incomplete", "\t"
				}
				return "complete", ""
			},
			SetDisplaySink: func(f func(display.Event)) { displaySink = f },
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var displaySink func(display.Event)

// fakeInterp runs a tiny line language that exercises everything a cell
// can do to a worker process:
//
//	set K V / get K        state that survives, or not, a restart
//	echo TEXT / eprint TEXT
//	print N                N lines "line i" on stdout
//	value TEXT             the cell's execute_result (text/plain)
//	fail                   a cell error
//	display TEXT / clear
//	input                  read a line from stdin, echo "got: LINE"
//	gopanic / exit N / recurse / alloc / spin / sleep / stuck
type fakeInterp struct {
	mu    sync.Mutex
	vars  map[string]string
	stdin *bufio.Reader
	out   io.Writer // the worker's stdout (buffered, see worker.OutBuffer)
	stuck bool
}

// Stuck implements worker.Stucker.
func (f *fakeInterp) Stuck() bool { return f.stuck }

func (f *fakeInterp) Execute(ctx context.Context, code string) session.Result {
	var res session.Result
	for _, line := range strings.Split(code, "\n") {
		cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch cmd {
		case "":
		case "set":
			k, v, _ := strings.Cut(arg, " ")
			f.mu.Lock()
			f.vars[k] = v
			f.mu.Unlock()
		case "get":
			f.mu.Lock()
			v, ok := f.vars[arg]
			f.mu.Unlock()
			if !ok {
				v = "<undefined>"
			}
			res.Data = map[string]any{"text/plain": v}
		case "echo":
			fmt.Fprintln(f.out, arg)
		case "eprint":
			fmt.Fprintln(os.Stderr, arg)
		case "print":
			n, _ := strconv.Atoi(arg)
			w := bufio.NewWriterSize(f.out, 4096)
			for i := range n {
				fmt.Fprintf(w, "line %d\n", i)
			}
			w.Flush()
		case "value":
			res.Data = map[string]any{"text/plain": arg}
		case "fail":
			return session.Result{Err: &session.Error{Name: "Failed", Value: arg, Traceback: []string{"Failed: " + arg}}}
		case "display":
			displaySink(display.Event{Kind: "display", Data: map[string]any{"text/plain": arg}})
		case "clear":
			displaySink(display.Event{Kind: "clear", Wait: true})
		case "input":
			fmt.Fprint(f.out, "name? ")
			s, err := f.stdin.ReadString('\n')
			if err != nil {
				fmt.Fprintln(os.Stderr, "read failed:", err)
				continue
			}
			fmt.Fprintln(f.out, "got:", strings.TrimSpace(s))
		case "gopanic":
			go func() { panic("bg") }()
			time.Sleep(time.Hour)
		case "latepanic":
			go func() {
				time.Sleep(50 * time.Millisecond)
				panic("late")
			}()
		case "exit":
			n, _ := strconv.Atoi(arg)
			os.Exit(n)
		case "recurse":
			fmt.Println(recurse(0))
		case "alloc":
			s := make([]float64, 1<<40)
			fmt.Println(len(s))
		case "spin":
			for ctx.Err() == nil {
			}
			return session.Result{Err: &session.Error{Name: "Interrupted", Value: "interrupted"}}
		case "sleep":
			time.Sleep(time.Hour)
		case "stuck":
			f.stuck = true
			return session.Result{Err: &session.Error{Name: "Stuck", Value: "the cell did not stop"}}
		default:
			return session.Result{Err: &session.Error{Name: "SyntaxError", Value: "unknown command " + cmd}}
		}
	}
	return res
}

func recurse(n int) int { return recurse(n+1) + 1 }

func (f *fakeInterp) Evaluate(ctx context.Context, expr string) session.Result {
	return f.Execute(ctx, "get "+expr)
}

func (f *fakeInterp) Complete(code string, cursor int) session.Completion {
	return session.Completion{Matches: []string{"echo", "eprint"}, Start: 0, End: cursor}
}

func (f *fakeInterp) Inspect(code string, cursor, detail int) (map[string]any, bool) {
	if strings.HasPrefix(code, "echo") {
		return map[string]any{"text/plain": "echo TEXT prints TEXT"}, true
	}
	return nil, false
}

// newTestSupervisor starts a Supervisor whose worker is this test binary.
func newTestSupervisor(t *testing.T, opts Options) *Supervisor {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	opts.Command = []string{exe}
	opts.Env = append(opts.Env, envFakeWorker+"=1")
	if opts.MemoryLimit == 0 {
		opts.MemoryLimit = 4 << 30
	}
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fakeOutput records what a cell sent, in order.
type fakeOutput struct {
	mu     sync.Mutex
	events []outEvent
	input  func(prompt string, password bool) (string, error)
	delay  time.Duration // per Stream call: a slow front end
}

type outEvent struct {
	kind string // "stdout", "stderr", "display", "clear", "input"
	text string
}

func (o *fakeOutput) add(kind, text string) {
	o.mu.Lock()
	o.events = append(o.events, outEvent{kind, text})
	o.mu.Unlock()
}

func (o *fakeOutput) Stream(name, text string) {
	if o.delay > 0 {
		time.Sleep(o.delay)
	}
	o.add(name, text)
}

func (o *fakeOutput) Display(d jupyter.DisplayData) {
	o.add("display", fmt.Sprint(d.Data["text/plain"]))
}

func (o *fakeOutput) ClearOutput(wait bool) { o.add("clear", strconv.FormatBool(wait)) }

func (o *fakeOutput) Input(prompt string, password bool) (string, error) {
	o.add("input", prompt)
	if o.input == nil {
		return "", jupyter.ErrStdinNotAllowed
	}
	return o.input(prompt, password)
}

func (o *fakeOutput) snapshot() []outEvent {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]outEvent(nil), o.events...)
}

// text joins everything sent on stream name.
func (o *fakeOutput) text(name string) string {
	var b strings.Builder
	for _, e := range o.snapshot() {
		if e.kind == name {
			b.WriteString(e.text)
		}
	}
	return b.String()
}

func (o *fakeOutput) count(kind string) int {
	n := 0
	for _, e := range o.snapshot() {
		if e.kind == kind {
			n++
		}
	}
	return n
}
