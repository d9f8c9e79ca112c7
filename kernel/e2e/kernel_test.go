package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gradbook/gradbook/kernel/jupyter"
	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
	"github.com/gradbook/gradbook/kernel/kerneltest"
	"github.com/gradbook/gradbook/kernel/wire"
)

// timeout bounds every wait for the kernel. It is generous: under -race
// on a loaded two-core machine a worker restart takes seconds.
const timeout = 60 * time.Second

// kernel is a running `gradbook kernel` process and a client connected to
// it through its connection file.
type kernel struct {
	t    *testing.T
	cmd  *exec.Cmd
	info jupyter.ConnectionInfo
	c    *jupytertest.Client
	log  *jupytertest.LogBuffer // the kernel's stderr

	exited  chan struct{} // closed when the process has exited
	waitErr error         // the process's exit status, once exited is closed
}

// start starts the gradbook binary on a fresh connection file and
// connects a client. When the test ends the client is closed and the
// kernel, if still running, is asked to shut down (and killed if it does
// not); on failure the kernel's log is shown.
func start(t *testing.T) *kernel {
	t.Helper()
	bin := kerneltest.Binary(t)
	ci, path, err := jupytertest.WriteConnectionFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k := &kernel{t: t, info: ci, log: &jupytertest.LogBuffer{}, exited: make(chan struct{})}
	k.cmd = exec.Command(bin, "kernel", path)
	k.cmd.Stdout, k.cmd.Stderr = k.log, k.log
	if err := k.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		k.waitErr = k.cmd.Wait()
		close(k.exited)
	}()
	t.Cleanup(k.stop)
	k.c, err = jupytertest.Connect(path)
	if err != nil {
		t.Fatalf("connect to the kernel: %v", err)
	}
	k.c.Timeout = timeout
	return k
}

// stop closes the client and ends the kernel: a shutdown_request on
// control from a fresh client, then SIGKILL if it has not exited.
func (k *kernel) stop() {
	t := k.t
	if k.c != nil {
		k.c.Close()
	}
	if !k.hasExited() {
		if c, err := jupytertest.Dial(k.info); err == nil {
			_, _ = c.Request(jupytertest.Control, wire.ShutdownRequest, wire.ShutdownContent{})
			c.Close()
		}
		if err := k.waitExit(timeout); err != nil {
			t.Errorf("kernel did not exit after shutdown_request: %v", err)
			_ = k.cmd.Process.Kill()
			<-k.exited
		}
	}
	if t.Failed() {
		t.Logf("kernel log:\n%s", k.log.String())
	}
}

func (k *kernel) hasExited() bool {
	select {
	case <-k.exited:
		return true
	default:
		return false
	}
}

// waitExit waits up to d for the kernel process to exit and returns its
// exit error (nil for status 0).
func (k *kernel) waitExit(d time.Duration) error {
	select {
	case <-k.exited:
		return k.waitErr
	case <-time.After(d):
		return fmt.Errorf("kernel pid %d still running after %v", k.cmd.Process.Pid, d)
	}
}

// pid returns the kernel process's id.
func (k *kernel) pid() int { return k.cmd.Process.Pid }

// exec runs code and fails the test if the kernel does not answer.
func (k *kernel) exec(code string, opts ...jupytertest.ExecOption) *jupytertest.ExecOutcome {
	k.t.Helper()
	out, err := k.c.Execute(code, opts...)
	if err != nil {
		k.t.Fatalf("execute %q: %v", code, err)
	}
	return out
}

// mustOK runs code and fails the test unless it succeeds.
func (k *kernel) mustOK(code string, opts ...jupytertest.ExecOption) *jupytertest.ExecOutcome {
	k.t.Helper()
	out := k.exec(code, opts...)
	if out.Reply.Status != wire.StatusOK {
		k.t.Fatalf("cell %q: status %q %s: %s\n%s", code, out.Reply.Status, out.Reply.EName, out.Reply.EValue,
			strings.Join(out.Reply.Traceback, "\n"))
	}
	return out
}

// result returns the text/plain of the cell's execute_result, or "" if
// it had none.
func result(out *jupytertest.ExecOutcome) string {
	if len(out.Results) == 0 {
		return ""
	}
	s, _ := out.Results[0].Data["text/plain"].(string)
	return s
}

// alive checks that the kernel answers a trivial cell correctly and its
// heartbeat, and that the process is still the one started.
func (k *kernel) alive() {
	k.t.Helper()
	if k.hasExited() {
		k.t.Fatalf("kernel process exited: %v", k.waitErr)
	}
	if out := k.mustOK("1 + 2"); result(out) != "3" {
		k.t.Fatalf("1 + 2 = %q", result(out))
	}
	if err := k.c.Heartbeat([]byte("alive")); err != nil {
		k.t.Fatal(err)
	}
}

// signal sends sig to the kernel process.
func (k *kernel) signal(sig syscall.Signal) {
	k.t.Helper()
	if err := k.cmd.Process.Signal(sig); err != nil {
		k.t.Fatal(err)
	}
}

// peakRSS returns the kernel process's peak resident set size (VmHWM) in
// bytes.
func (k *kernel) peakRSS() int64 {
	k.t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", k.pid()))
	if err != nil {
		k.t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				k.t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb << 10
		}
	}
	k.t.Fatalf("no VmHWM in /proc/%d/status", k.pid())
	return 0
}
