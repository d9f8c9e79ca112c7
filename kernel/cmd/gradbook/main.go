// Command gradbook is a Jupyter kernel for Go cells with an
// automatic-differentiation library preloaded.
//
// Usage:
//
//	gradbook kernel CONNECTION_FILE     serve a notebook (Jupyter runs this)
//	gradbook install [--user | --sys-prefix | --prefix DIR]
//	                                    install the kernelspec "gradbook"
//	gradbook version                    print the version
//	gradbook run NOTEBOOK.ipynb [-o OUT.ipynb | --inplace]
//	                                    run a notebook without Jupyter
//	gradbook grade [-j N] [--timeout D] [--csv FILE] [--json FILE] SUBMISSION.ipynb...
//	                                    grade homework, each submission sandboxed
//	gradbook assign SOLUTION.ipynb -o STUDENT.ipynb
//	                                    make the student version of a solution
//
// `gradbook worker` is internal: the kernel starts it to run cells.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gradbook/gradbook"
	"github.com/gradbook/gradbook/kernel/display"
	"github.com/gradbook/gradbook/kernel/earlybind"
	"github.com/gradbook/gradbook/kernel/jupyter"
	"github.com/gradbook/gradbook/kernel/kernelspec"
	"github.com/gradbook/gradbook/kernel/session"
	"github.com/gradbook/gradbook/kernel/supervisor"
	"github.com/gradbook/gradbook/kernel/wire"
	"github.com/gradbook/gradbook/kernel/worker"
)

const usage = `gradbook: a Jupyter kernel for Go, with automatic differentiation built in

usage:
  gradbook kernel CONNECTION_FILE    serve one notebook (Jupyter starts this)
  gradbook install [--user | --sys-prefix | --prefix DIR]
                                     install the Jupyter kernelspec "gradbook"
  gradbook version                   print the version

for instructors:
  gradbook run NOTEBOOK.ipynb [-o OUT.ipynb | --inplace] [--timeout D] [-q]
                                     run every cell, print the outputs (and store them)
  gradbook grade [-j N] [--timeout D] [--assignment NB.ipynb] [--csv FILE] [--json FILE] SUBMISSION.ipynb...
                                     grade submissions, each in a fresh sandboxed worker
  gradbook assign SOLUTION.ipynb -o STUDENT.ipynb
                                     replace the solution regions by stubs, clear outputs
`

func main() {
	log.SetFlags(0)
	log.SetPrefix("gradbook: ")
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "kernel":
		err = kernelCmd(args)
	case "install":
		err = installCmd(args)
	case "version", "--version":
		fmt.Println(version())
	case "worker":
		err = workerCmd()
	case "run":
		err = runCmd(args)
	case "grade":
		err = gradeCmd(args)
	case "assign":
		err = assignCmd(args)
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "gradbook: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	var usage usageError
	switch {
	case errors.As(err, &usage):
		fmt.Fprint(os.Stderr, strings.TrimSuffix(usage.msg, "\n")+"\n")
		os.Exit(2)
	case errors.Is(err, errFailed):
		os.Exit(1)
	case err != nil:
		log.Fatal(err)
	}
}

// version is the module version the binary was built from ("dev" for a
// build from a work tree) and the Go version.
func version() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return "gradbook " + v + " (" + runtime.Version() + ")"
}

// gcFloor is memory allocated once and never written, so never resident
// itself: it raises the heap size at which the garbage collector next
// runs (about twice the live heap). The kernel's live heap is about 4 MB
// and the worker's about 10 MB, so at Go's default each collected every
// 300 or so trivial cells, and each collection's 1–7 ms on a shared core
// showed among the slowest round trips; with the floor they collect two
// to three times less often, for at most that much more garbage held
// between collections. It counts against the worker's memory limit
// (4–8 GiB), which it barely dents.
var gcFloor []byte

func kernelCmd(args []string) error {
	earlybind.Started()
	gcFloor = make([]byte, 8<<20)
	if len(args) != 1 {
		return errors.New("usage: gradbook kernel CONNECTION_FILE")
	}
	ci, err := jupyter.ReadConnectionFile(args[0])
	if err != nil {
		return err
	}
	logger := log.New(os.Stderr, "gradbook: ", log.LstdFlags)
	sup, err := supervisor.New(supervisor.Options{Logf: logger.Printf})
	if err != nil {
		return err
	}
	k, err := jupyter.New(ci, sup, jupyter.Config{
		Implementation:        "gradbook",
		ImplementationVersion: version(),
		Banner: version() + "\nGo cells, interpreted by yaegi. Preloaded, no import needed: ad (autodiff), adplot, display, " +
			"and the standard library.\nTry: ad.Grad(func(x *ad.Tensor) *ad.Tensor { return ad.Norm2Sq(x) }, ad.Vector(1, 2))   ?ad.Grad for help",
		HelpLinks: []wire.HelpLink{
			{Text: "autodiff (Go package docs)", URL: "https://pkg.go.dev/github.com/gradbook/gradbook/autodiff"},
			{Text: "gradbook lessons", URL: "https://github.com/gradbook/gradbook/tree/main/lessons"},
			{Text: "Go language specification", URL: "https://go.dev/ref/spec"},
		},
		Log: logger,
	})
	if err != nil {
		sup.Close()
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	ctx = watchParent(ctx, logger)
	sigint := make(chan os.Signal, 1)
	signal.Notify(sigint, os.Interrupt)
	go func() {
		for range sigint {
			k.Interrupt()
		}
	}()
	if err := k.Serve(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// watchParent returns a context cancelled when the process that started
// the kernel (the front end's kernel manager) is gone, so that a crashed
// front end leaves no kernel behind, as ipykernel's parent poller does.
// The parent is $JPY_PARENT_PID when jupyter_client set it.
func watchParent(ctx context.Context, logger *log.Logger) context.Context {
	parent := os.Getppid()
	if pid, err := strconv.Atoi(os.Getenv("JPY_PARENT_PID")); err == nil && pid > 1 {
		parent = pid // set by jupyter_client: the manager, even if we were reparented already
	}
	if parent <= 1 {
		return ctx // started by init: nothing to watch
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer cancel()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if os.Getppid() != parent {
					logger.Printf("the process that started the kernel (pid %d) is gone; shutting down", parent)
					return
				}
			}
		}
	}()
	return ctx
}

func installCmd(args []string) error {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	user := fs.Bool("user", false, "install for this user (the default)")
	sys := fs.Bool("sys-prefix", false, "install into sys.prefix of Jupyter's Python")
	prefix := fs.String("prefix", "", "install into `DIR`/share/jupyter")
	if err := fs.Parse(args); err != nil {
		return err
	}
	n := 0
	opts := kernelspec.Options{Scope: kernelspec.User, Template: gradbook.KernelSpec}
	if *user {
		n++
	}
	if *sys {
		n++
		opts.Scope = kernelspec.SysPrefix
	}
	if *prefix != "" {
		n++
		opts.Scope, opts.Prefix = kernelspec.Prefix, *prefix
	}
	if n > 1 || fs.NArg() > 0 {
		return errors.New("usage: gradbook install [--user | --sys-prefix | --prefix DIR]")
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find own executable: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return fmt.Errorf("find own executable: %w", err)
	}
	opts.Binary = exe
	dir, err := kernelspec.Install(opts)
	if err != nil {
		return err
	}
	fmt.Printf("installed kernelspec %s in %s\n", kernelspec.Name, dir)
	return nil
}

// workerCmd serves cells for a supervisor. With $GRADBOOK_SANDBOX set
// to a directory (gradbook grade does), the session is a grading sandbox
// that may write only there, and runs in it; where Linux's Landlock is
// available (and the binary is built without cgo, as install.sh does) the
// process may then read no other files but the system's.
func workerCmd() error {
	gcFloor = make([]byte, 32<<20)
	sources := gradbook.Sources()
	opts := session.Options{Sources: sources}
	dir := os.Getenv(sandboxEnv)
	if dir != "" {
		if err := os.Chdir(dir); err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		opts.Sandbox, opts.TempDir = true, dir
	}
	return worker.Main(worker.Setup{
		New: func(stdin io.Reader, stdout io.Writer) (worker.Interpreter, error) {
			o := opts
			o.Stdin, o.Stdout = stdin, stdout
			return session.New(o)
		},
		IsComplete:     session.IsComplete,
		ConfineTo:      dir,
		SetDisplaySink: func(f func(display.Event)) { display.SetSink(f) },
	})
}
