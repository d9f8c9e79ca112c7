package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gradbook/gradbook/kernel/notebook"
	"github.com/gradbook/gradbook/kernel/supervisor"
)

// sandboxEnv names the environment variable that makes `gradbook worker`
// a grading sandbox: its value is the directory the cells may write in.
const sandboxEnv = "GRADBOOK_SANDBOX"

// usageError is a bad command line: main prints it and exits with 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errFailed ends a command that ran but must exit non-zero (a notebook's
// cell failed); what failed has been printed.
var errFailed = errors.New("failed")

// parse parses args with fs, allowing flags after the positional
// arguments (gradbook run NB.ipynb -o OUT.ipynb), and returns the
// positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usageError{helpText(fs)}
			}
			return nil, usageError{fmt.Sprintf("gradbook %s: %v\n%s", fs.Name(), err, helpText(fs))}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

var usages = map[string]string{
	"run":    "usage: gradbook run NOTEBOOK.ipynb [-o OUT.ipynb | --inplace] [--timeout D] [-q]",
	"grade":  "usage: gradbook grade [-j N] [--timeout D] [--assignment NB.ipynb] [--csv FILE] [--json FILE] SUBMISSION.ipynb...",
	"assign": "usage: gradbook assign SOLUTION.ipynb -o STUDENT.ipynb",
}

func helpText(fs *flag.FlagSet) string {
	var b bytes.Buffer
	fmt.Fprintln(&b, usages[fs.Name()])
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

func runCmd(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	out := fs.String("o", "", "write the notebook with its outputs to `FILE`")
	inplace := fs.Bool("inplace", false, "write the outputs into NOTEBOOK itself")
	timeout := fs.Duration("timeout", 0, "stop a cell that runs longer than `D` (e.g. 30s); 0: no limit")
	quiet := fs.Bool("q", false, "do not print the cells and their outputs")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 1:
		return usageError{"gradbook run: want one notebook\n" + helpText(fs)}
	case *inplace && *out != "":
		return usageError{"gradbook run: -o and --inplace exclude each other"}
	}
	in, err := filepath.Abs(pos[0])
	if err != nil {
		return err
	}
	dst := ""
	if *inplace {
		dst = in
	} else if *out != "" {
		if dst, err = filepath.Abs(*out); err != nil {
			return err
		}
	}
	nb, err := notebook.ReadFile(pos[0])
	if err != nil {
		return err
	}
	// Cells find files next to the notebook, as under Jupyter.
	if err := os.Chdir(filepath.Dir(in)); err != nil {
		return err
	}
	sup, err := supervisor.New(supervisor.Options{Logf: log.New(os.Stderr, "gradbook: ", 0).Printf})
	if err != nil {
		return err
	}
	defer sup.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := notebook.Options{Timeout: *timeout, Echo: os.Stdout}
	if *quiet {
		opts.Echo = nil
	}
	runs := notebook.Run(ctx, nb, sup, opts)
	if dst != "" {
		if err := nb.WriteFile(dst); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return errors.New("interrupted")
	}
	if r, failed := notebook.Failed(nb, runs); failed {
		fmt.Fprintf(os.Stderr, "gradbook run: %s: In [%d] (cell %d) failed: %s: %s\n",
			pos[0], r.Count, r.Index, r.Error.Name, r.Error.Value)
		return errFailed
	}
	return nil
}

func gradeCmd(args []string) error {
	fs := flag.NewFlagSet("grade", flag.ContinueOnError)
	jobs := fs.Int("j", 1, "grade `N` submissions at once")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit of each cell")
	csvPath := fs.String("csv", "", "also write the report as CSV to `FILE`")
	jsonPath := fs.String("json", "", "also write the report as JSON to `FILE`")
	assignment := fs.String("assignment", "", "the notebook handed out, or its solution: its test cells and points replace the submissions' own")
	quiet := fs.Bool("q", false, "do not print each submission's score as it is graded")
	memory := fs.String("memory", "", "address space of each submission's worker, e.g. `SIZE` 3GiB (default: half the RAM, 4 to 8 GiB)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	var memLimit int64
	if *memory != "" {
		if memLimit, err = parseSize(*memory); err != nil || memLimit < minWorkerMemory {
			return usageError{fmt.Sprintf("gradbook grade: --memory %s: want a size of at least 2GiB, such as 3GiB or 4096MiB", *memory)}
		}
	}
	switch {
	case len(pos) == 0:
		return usageError{"gradbook grade: no submissions\n" + helpText(fs)}
	case *jobs < 1:
		return usageError{fmt.Sprintf("gradbook grade: -j %d: want at least 1", *jobs)}
	case *timeout <= 0:
		return usageError{fmt.Sprintf("gradbook grade: --timeout %v: want a positive duration", *timeout)}
	}
	start := func(submission string) (notebook.Sandbox, error) { return startSandbox(submission, memLimit) }
	opts := notebook.GradeOptions{Timeout: *timeout, Parallel: *jobs, Start: start}
	if *assignment != "" {
		if opts.Assignment, err = notebook.ReadFile(*assignment); err != nil {
			return err
		}
	}
	// Fail on an unwritable report before grading, not after.
	for _, p := range []string{*csvPath, *jsonPath} {
		if p != "" {
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE, 0o644)
			if err != nil {
				return err
			}
			f.Close()
		}
	}
	if !*quiet {
		opts.Done = func(r notebook.Report) {
			fmt.Fprintf(os.Stderr, "graded %s: %s/%s (%.1fs)\n", r.Submission, num(r.Earned), num(r.Possible), r.Seconds)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	reports := notebook.GradeFiles(ctx, pos, opts)
	if err := notebook.WriteTable(os.Stdout, reports); err != nil {
		return err
	}
	for _, w := range []struct {
		path  string
		write func(io.Writer, []notebook.Report) error
	}{{*csvPath, notebook.WriteCSV}, {*jsonPath, notebook.WriteJSON}} {
		if w.path == "" {
			continue
		}
		var b bytes.Buffer
		if err := w.write(&b, reports); err != nil {
			return err
		}
		if err := os.WriteFile(w.path, b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return errors.New("interrupted")
	}
	return nil
}

// minWorkerMemory is the smallest address space a worker starts in: the
// Go runtime and the WebAssembly Graphviz reserve much more virtual memory
// than they use.
const minWorkerMemory = 2 << 30

// parseSize reads a size such as 3GiB, 512MiB, 4G or 1073741824 (bytes).
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		scale  int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}}
	scale := int64(1)
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			s, scale = n, u.scale
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/scale {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * scale, nil
}

// startSandbox starts a supervised worker in grading mode for one
// submission, with a temporary directory of its own that Close removes,
// and an address space of memory bytes (0: the default).
func startSandbox(submission string, memory int64) (notebook.Sandbox, error) {
	dir, err := os.MkdirTemp("", "gradbook-grade-")
	if err != nil {
		return nil, err
	}
	sup, err := supervisor.New(supervisor.Options{
		Env:            []string{sandboxEnv + "=" + dir},
		InterruptGrace: 2 * time.Second,
		MemoryLimit:    memory,
		Logf:           log.New(os.Stderr, "gradbook: "+submission+": ", 0).Printf,
	})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return sandbox{sup, dir}, nil
}

type sandbox struct {
	*supervisor.Supervisor
	dir string
}

func (s sandbox) Close() error {
	err := s.Supervisor.Close()
	if rerr := os.RemoveAll(s.dir); err == nil {
		err = rerr
	}
	return err
}

func assignCmd(args []string) error {
	fs := flag.NewFlagSet("assign", flag.ContinueOnError)
	out := fs.String("o", "", "write the student version to `FILE`")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 1:
		return usageError{"gradbook assign: want one solution notebook\n" + helpText(fs)}
	case *out == "":
		return usageError{"gradbook assign: -o STUDENT.ipynb is required\n" + helpText(fs)}
	}
	if same(pos[0], *out) {
		return usageError{"gradbook assign: -o " + *out + " would overwrite the solution"}
	}
	nb, err := notebook.ReadFile(pos[0])
	if err != nil {
		return err
	}
	if err := notebook.Assign(nb); err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	return nb.WriteFile(*out)
}

// same reports whether paths a and b name the same file.
func same(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	pa, _ := filepath.Abs(a)
	pb, _ := filepath.Abs(b)
	return pa == pb
}

func num(x float64) string { return fmt.Sprint(x) }
