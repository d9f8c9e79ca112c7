// Package session is one notebook's Go interpreter: it rewrites cells for
// yaegi, evaluates them with cancellation, captures their value and
// errors, and answers completion and inspection. It knows nothing of
// ZeroMQ or Jupyter messages.
//
// # Cells
//
// A cell may mix imports, declarations and statements, with or without a
// package clause and func main. Execute splits it into top-level units
// (split.go), rewrites each one for the gaps of yaegi v0.16.1 that
// YAEGI.md measured (rewrite.go), and evaluates them in source order:
// consecutive declarations together, statements one at a time, so that
// errors and panics carry the cell's own line:column. Statements before
// a failing one have run, as in a Python notebook.
//
// Funcs, types and constants may come in any order around the
// statements that use them, as in a Go file (orderUnits). Redefining a
// func compiles its callers from earlier cells again, so they call the
// new body.
//
// # Limits
//
// Redeclaring a variable with := in a later cell keeps the old value
// alive (a yaegi leak): long sessions grow, and assigning with = avoids
// it. Types cannot be redefined (yaegi keeps the first definition).
// A := of a generic func's result at top level cannot be typed by yaegi
// (declare the variable first). Goroutine panics outside `go`
// statements of cells (callbacks run by compiled code), stack overflows
// from non-func recursion and out-of-memory from growth (append) kill
// the process: the worker that owns the Session must be supervised.
//
// # Testing
//
// testdata/README describes the golden files that pin the behaviour of
// cells; go test -update rewrites them.
package session

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/gradbook/gradbook/kernel/session/generic"
	"github.com/gradbook/gradbook/kernel/symbols"
)

// Options configures a Session.
type Options struct {
	// Stdout is where what cells write with fmt.Print* or to os.Stdout
	// goes (in the worker, a buffer in front of fd 1); nil: os.Stdout.
	// When it is not an *os.File, os.Stdout in cells is a value of the
	// session's own type with *os.File's writing methods, so that
	// fmt.Println and fmt.Fprintln(os.Stdout, …) stay in order.
	Stdout  io.Writer
	Stderr  *os.File  // where cells' stderr goes (a pipe in the worker); nil: os.Stderr
	Stdin   io.Reader // what os.Stdin / fmt.Scan read in cells; nil: reads fail with ErrNoInput
	Sandbox bool      // grading mode: no net, exec, signals, file writes outside TempDir
	TempDir string

	// StopTimeout bounds how long Execute waits, after an interrupt, for
	// the interpreter to really stop; past it the Session is Stuck.
	// Zero means 2 seconds.
	StopTimeout time.Duration
	// MaxCallDepth is the depth of nested calls of cell funcs past which
	// a call panics ("infinite recursion?"). Zero means 2000.
	MaxCallDepth int
	// MaxAlloc is the largest make() a cell may ask for, in elements
	// (checked when the size is a constant). Zero means 1<<30.
	MaxAlloc int64
	// Sources holds the Go source of preloaded packages by import path,
	// for inspection (doc comments); the standard library's is read from
	// GOROOT.
	Sources map[string]fs.FS
}

// Result is the outcome of one cell.
type Result struct {
	Data     map[string]any // MIME bundle of the last expression; nil when none
	Metadata map[string]any
	Err      *Error // nil on success
}

// Error is a failed cell: compile error, panic or interrupt.
type Error struct {
	Name      string // e.g. "CompileError", "Panic", "Interrupted"
	Value     string
	Traceback []string
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

// Error names.
const (
	ErrSyntax      = "SyntaxError"      // the cell does not parse
	ErrCompile     = "CompileError"     // yaegi rejected the code
	ErrUnsupported = "UnsupportedError" // a Go feature yaegi lacks and no rewrite covers
	ErrPanic       = "Panic"            // a runtime panic
	ErrExit        = "Exit"             // os.Exit or log.Fatal was called
	ErrInterrupted = "Interrupted"      // the context was cancelled
	ErrInput       = "InputError"       // the cell read input that could not be given
	ErrRedefined   = "RedefinedType"    // a type declared again with another definition
	ErrMemory      = "MemoryError"      // a make() larger than Options.MaxAlloc
)

// Completion is the answer to a completion request; Start and End are
// Unicode code point offsets into the code.
type Completion struct {
	Matches    []string
	Start, End int
}

// ErrNoInput is what cells read from stdin when Options.Stdin is nil.
var ErrNoInput = errors.New("session: no input available")

// ExitError is the panic value of os.Exit in a cell: the interpreter
// turns the exit into an error instead of ending the process.
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("os.Exit(%d)", e.Code) }

// Session is one notebook's interpreter. Execute, Evaluate, Complete and
// Inspect may be called from any goroutine; they are serialised.
type Session struct {
	opts  Options
	mu    sync.Mutex
	in    *interp.Interpreter
	errf  *stderrFilter
	input *inputReader
	stuck atomic.Bool
	// goroutines is set once a cell has had a go statement: an
	// interrupt stops the goroutines cells started too, and says so.
	goroutines atomic.Bool
	// cancel is closed when the running cell is interrupted; it wakes
	// time.Sleep in cells.
	cancel atomic.Pointer[chan struct{}]

	cell    int // cells executed
	counter int // fresh names
	// resetPending is set while the running cell's counters (call depth,
	// top-level defers) are still to be reset (see execute, evalStep).
	resetPending bool
	// unsound holds the variables whose last top-level := failed (see
	// defined).
	unsound map[string]bool
	imports map[string]bool
	decls   map[string]*decl // names declared by cells
	docs    *docIndex
	pkgs    map[string]string // package name in cells → import path
}

// decl is a name a cell declared, for redefinition checks, completion
// and inspection.
type decl struct {
	kind  string // "func", "type", "var", "const", "method"
	text  string // the declaration's source
	cell  int
	line  int
	calls map[string]bool // funcs called by a func
	retFn bool            // a func whose result is a func (an iterator)
}

const (
	stdinPkg      = "gbio__"        // compiled helpers visible in cells
	goRecoverFunc = "gbGoRecover__" // prelude: recover in goroutines
	depthVar      = "gbDepth__"     // prelude: call depth counter
	cellDefersVar = "gbDefers__"    // prelude: the top-level defers of the running cell
	runDefersFunc = "gbRunDefers__" // prelude: runs them, last first
	lastVar       = "gbLast__"      // the last expression's value
	stepFunc      = "gbStep__"      // a statement step's body (see step.body)
	probeFunc     = "gbProbe__"     // compiled to check a call, never called
	beginFunc     = "gbBegin__"     // prelude: resets the per-cell counters
	zeroFunc      = "gbZero__"      // prelude: the zero value of its argument's type
	sameFunc      = "gbSame__"      // prelude: compiles only for two pointers to one type
	orFunc        = "gbOr__"        // prelude: cmp.Or of two values
	userExprVar   = "gbUserExpr__"  // a user expression's value
	displayPath   = "github.com/gradbook/gradbook/kernel/display"
)

// prelude is evaluated once per interpreter: Go 1.21 builtins yaegi
// lacks and the helpers rewritten cells call.
const prelude = `package main

import (
	"cmp"
	"maps"
	"slices"
)

var gbDepth__ int

var gbDefers__ []func()

func gbBegin__() {
	gbDepth__ = 0
	gbDefers__ = nil
}

func gbRunDefers__() {
	for len(gbDefers__) > 0 {
		f := gbDefers__[len(gbDefers__)-1]
		gbDefers__ = gbDefers__[:len(gbDefers__)-1]
		f()
	}
}

func gbGoRecover__(at string) {
	if r := recover(); r != nil {
		fmt.Fprintf(os.Stderr, "panic in goroutine started at %s: %v\n", at, r)
	}
}

func min[T cmp.Ordered](a, b T) T { if a != a || a < b { return a }; return b }

func max[T cmp.Ordered](a, b T) T { if a != a || a > b { return a }; return b }

func clear(x any) { reflect.ValueOf(x).Clear() }

func gbZero__[T any](v T) T { var z T; return z }

func gbSame__[T any](a, b *T) {}

func gbOr__[T comparable](a, b T) T { var z T; if a != z { return a }; return b }

func gbShow__(v any) {}
`

// genericPackages are the standard packages made of generic functions
// only. yaegi's tables for them are empty and would hide the source
// versions cells use (package generic, and yaegi's own cmp).
var genericPackages = []string{"cmp", "maps", "slices"}

// withoutGeneric returns exports without the tables of genericPackages.
func withoutGeneric(exports interp.Exports) interp.Exports {
	out := make(interp.Exports, len(exports))
	for k, v := range exports {
		out[k] = v
	}
	for _, p := range genericPackages {
		delete(out, p+"/"+p)
	}
	return out
}

var hostLogOnce sync.Once

// New returns a Session with the standard library and the Preloaded
// packages imported under their names (no import line needed); the other
// tables of package symbols (gonum) are there for import lines. New sends the
// host's log output to io.Discard: yaegi logs internal panics there,
// and they must not reach the cell's output.
func New(opts Options) (*Session, error) {
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	if opts.StopTimeout <= 0 {
		opts.StopTimeout = 2 * time.Second
	}
	if opts.MaxCallDepth <= 0 {
		opts.MaxCallDepth = 2000
	}
	if opts.MaxAlloc <= 0 {
		opts.MaxAlloc = 1 << 30
	}
	hostLogOnce.Do(func() { log.SetOutput(io.Discard) })
	s := &Session{
		opts:    opts,
		imports: map[string]bool{},
		decls:   map[string]*decl{},
		unsound: map[string]bool{},
		pkgs:    map[string]string{},
		docs:    &docIndex{sources: opts.Sources},
	}
	src := opts.Stdin
	if src == nil {
		src = errReader{ErrNoInput}
	}
	s.input = &inputReader{r: bufio.NewReader(src)}
	errf, err := newStderrFilter(opts.Stderr)
	if err != nil {
		return nil, err
	}
	s.errf = errf
	env := os.Environ()
	if opts.Sandbox {
		env = []string{"HOME=" + opts.TempDir, "TMPDIR=" + opts.TempDir, "PATH=/usr/bin:/bin"}
	}
	s.in = interp.New(interp.Options{
		Stdin:  s.input,
		Stdout: opts.Stdout,
		Stderr: errf.w,
		Env:    env,
	})
	exports := withoutGeneric(stdlib.Symbols)
	if opts.Sandbox {
		exports = sandboxExports(exports, opts.TempDir)
	}
	// ImportUsed gives cells every package loaded before it under its
	// name: stdlib, the preloaded packages and the kernel's helpers. The
	// other generated tables (gonum) load after it, for explicit imports
	// only: their names would clash (plot, draw).
	for i, e := range []interp.Exports{exports, preloadExports(), s.overrides(), symbols.Symbols} {
		if i == 3 {
			s.in.ImportUsed()
		}
		if err := s.in.Use(e); err != nil {
			errf.close()
			return nil, fmt.Errorf("session: load symbols: %w", err)
		}
	}
	for _, src := range generic.Sources {
		if _, err := s.in.Compile(src); err != nil {
			errf.close()
			return nil, fmt.Errorf("session: compile the generic standard packages: %w", err)
		}
	}
	s.pkgs = packageNames(s.in)
	for name, p := range s.pkgs {
		if _, generated := symbols.Symbols[p+"/"+path.Base(p)]; generated {
			delete(s.pkgs, name) // needs an import line
		}
	}
	for name, p := range Preloaded {
		s.pkgs[name] = p
		// Importing a preloaded package again, under its preloaded name,
		// is a no-op (yaegi would reject the second import).
		s.imports[name+" "+p] = true
		if name == path.Base(p) {
			s.imports[" "+p] = true
		}
	}
	if _, err := s.eval(context.Background(), prelude); err != nil {
		errf.close()
		return nil, fmt.Errorf("session: prelude: %w", err)
	}
	return s, nil
}

// Preloaded are the compiled packages cells use with no import line,
// by the name cells call them (fmt, math and the rest of the standard
// library are there too). The plot helpers are adplot, not plot, so that
// gonum's plot package keeps its own name when a cell imports it:
//
//	import "gonum.org/v1/plot"
//	fig, _, _ := adplot.Tangent(f, 1, ad.Arange(0, 3, 0.1))
//	var p *plot.Plot = fig.Plot
//
// An explicit import of one of these packages also works, under any name.
var Preloaded = map[string]string{
	"ad":      "github.com/gradbook/gradbook/autodiff",
	"adplot":  "github.com/gradbook/gradbook/autodiff/plot",
	"display": displayPath,
}

// preloadExports are the symbol tables of Preloaded, each under a path
// whose last element is the name cells use (yaegi's ImportUsed names a
// package after its path): the real path when the names agree, else an
// alias path whose symbols (and so types) are the real package's.
func preloadExports() interp.Exports {
	exp := interp.Exports{}
	for name, p := range Preloaded {
		key := "gradbook.kernel/" + name + "/" + name
		if path.Base(p) == name {
			key = p + "/" + name
		}
		exp[key] = symbols.Symbols[p+"/"+path.Base(p)]
	}
	return exp
}

// overrides replaces stdlib symbols whose behaviour must change in a
// kernel: os.Exit panics with ExitError, time.Sleep wakes on interrupt,
// and cells read os.Stdin through the session's input.
func (s *Session) overrides() interp.Exports {
	sleep := func(d time.Duration) {
		if d <= 0 {
			return
		}
		t := time.NewTimer(d)
		defer t.Stop()
		var stop chan struct{}
		if p := s.cancel.Load(); p != nil {
			stop = *p
		}
		select {
		case <-t.C:
		case <-stop:
		}
	}
	var stdin io.Reader = s.input
	osSyms := map[string]reflect.Value{"Exit": reflect.ValueOf(func(code int) { panic(ExitError{Code: code}) })}
	if _, isFile := s.opts.Stdout.(*os.File); !isFile {
		out := &stdoutFile{w: s.opts.Stdout}
		osSyms["Stdout"] = reflect.ValueOf(&out).Elem()
	}
	return interp.Exports{
		"os/os":     osSyms,
		"time/time": {"Sleep": reflect.ValueOf(sleep)},
		"gradbook.kernel/" + stdinPkg + "/" + stdinPkg: {
			"Stdin":      reflect.ValueOf(&stdin).Elem(),
			"CheckAlloc": reflect.ValueOf(s.checkAllocSize),
		},
	}
}

// Stuck reports whether an interrupted cell is still running compiled
// code that did not stop within Options.StopTimeout (a long gonum call,
// a blocking syscall). The interpreter may then still change state in
// the background: the owner should restart the worker. Stuck becomes
// false again once that code has returned (checked by the next Execute).
func (s *Session) Stuck() bool { return s.stuck.Load() }

// Close releases the stderr pipe. The Session must not be used after.
func (s *Session) Close() error {
	s.errf.close()
	return nil
}

// fresh returns a new identifier that cannot clash with user names.
func (s *Session) fresh(base string) string {
	s.counter++
	return fmt.Sprintf("%s__%d", base, s.counter)
}
