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

	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
	"github.com/gradbook/gradbook/kernel/kerneltest"
	"github.com/gradbook/gradbook/kernel/wire"
)

// children returns the pids of the kernel process's children (its
// worker).
func (k *kernel) children() []int {
	k.t.Helper()
	var pids []int
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", k.pid()))
	if err != nil {
		k.t.Fatal(err)
	}
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", k.pid(), task.Name()))
		if err != nil {
			continue // the thread ended
		}
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// TestShutdown sends shutdown_request on shell and on control, with
// restart true and false: the kernel replies, then its process exits with
// status 0 and takes its worker with it. (Restarting is the front end's
// job: it starts a new process.)
func TestShutdown(t *testing.T) {
	t.Parallel()
	for _, ch := range []jupytertest.Channel{jupytertest.Shell, jupytertest.Control} {
		for _, restart := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s restart=%v", ch, restart), func(t *testing.T) {
				t.Parallel()
				k := start(t)
				k.mustOK("x := 1")
				workers := k.children()
				if len(workers) != 1 {
					t.Fatalf("kernel has children %v, want one worker", workers)
				}
				reply, iopub, err := k.c.Collect(ch, wire.ShutdownRequest, wire.ShutdownContent{Restart: restart})
				if err != nil {
					t.Fatal(err)
				}
				if err := jupytertest.CheckBusyIdle(iopub, reply.ParentHeader.MsgID); err != nil {
					t.Error(err)
				}
				var c wire.ShutdownContent
				if err := reply.DecodeContent(&c); err != nil || reply.Header.MsgType != wire.ShutdownReply ||
					c.Status != wire.StatusOK || c.Restart != restart {
					t.Errorf("%s %s (%v)", reply.Header.MsgType, reply.Content, err)
				}
				if err := k.waitExit(timeout); err != nil {
					t.Fatalf("kernel exit: %v", err)
				}
				// The worker was the kernel's child: once the kernel has
				// waited for it, it is gone.
				if _, err := os.Stat(fmt.Sprintf("/proc/%d", workers[0])); err == nil {
					t.Errorf("worker %d still exists after the kernel exited", workers[0])
				}
			})
		}
	}
	t.Run("SIGTERM", func(t *testing.T) {
		t.Parallel()
		k := start(t)
		k.mustOK("x := 1")
		workers := k.children()
		k.signal(syscall.SIGTERM)
		if err := k.waitExit(timeout); err != nil {
			t.Fatalf("kernel exit after SIGTERM: %v", err)
		}
		for _, w := range workers {
			if _, err := os.Stat(fmt.Sprintf("/proc/%d", w)); err == nil {
				t.Errorf("worker %d still exists after the kernel exited", w)
			}
		}
	})
	t.Run("while a cell runs", func(t *testing.T) {
		t.Parallel()
		k := start(t)
		p, err := k.c.StartExecute("fmt.Println(\"started\")\nfor {}")
		if err != nil {
			t.Fatal(err)
		}
		if err := p.WaitStdout("started"); err != nil {
			t.Fatal(err)
		}
		if _, err := k.c.Request(jupytertest.Control, wire.ShutdownRequest, wire.ShutdownContent{}); err != nil {
			t.Fatal(err)
		}
		if err := k.waitExit(timeout); err != nil {
			t.Fatalf("kernel exit: %v", err)
		}
	})
}

// TestBusyKernel checks that while a cell runs, heartbeat and control
// are served, and that both interrupt_request and SIGINT to the kernel
// process interrupt the cell, keeping state.
func TestBusyKernel(t *testing.T) {
	t.Parallel()
	k := start(t)
	k.mustOK("kept := 7")
	t.Run("interrupt while idle", func(t *testing.T) {
		interrupt(t, k)
		k.alive()
	})
	for _, tc := range []struct {
		name      string
		interrupt func(t *testing.T)
	}{
		{"interrupt_request", func(t *testing.T) { interrupt(t, k) }},
		{"SIGINT", func(t *testing.T) { k.signal(syscall.SIGINT) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := k.c.StartExecute("n := 0\nfmt.Println(\"started\")\nfor { n++ }")
			if err != nil {
				t.Fatal(err)
			}
			if err := p.WaitStdout("started"); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				if err := k.c.Heartbeat([]byte(fmt.Sprint("busy ", i))); err != nil {
					t.Fatalf("heartbeat while a cell runs: %v", err)
				}
				info, err := k.c.KernelInfoOn(jupytertest.Control)
				if err != nil || info.LanguageInfo.Name != "go" {
					t.Fatalf("kernel_info on control while a cell runs: %+v %v", info, err)
				}
			}
			tc.interrupt(t)
			out, err := p.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if out.Reply.Status != wire.StatusError || out.Reply.EName != "Interrupted" || out.Stdout != "started\n" {
				t.Errorf("interrupted cell: %+v stdout %q", out.Reply, out.Stdout)
			}
			if result(k.mustOK("kept")) != "7" {
				t.Errorf("state lost")
			}
		})
	}
}

// TestInput checks input_request on stdin when a cell reads stdin.
func TestInput(t *testing.T) {
	t.Parallel()
	k := start(t)
	t.Run("allowed", func(t *testing.T) {
		p, err := k.c.StartExecute("var name string\nfmt.Print(\"name? \")\nfmt.Scanln(&name)\nfmt.Println(\"hello \" + name)",
			jupytertest.AllowStdinManual())
		if err != nil {
			t.Fatal(err)
		}
		req := k.c.WaitInputRequest(timeout)
		if req == nil || req.Header.MsgType != wire.InputRequest || req.ParentHeader.MsgID != p.Request().Header.MsgID {
			t.Fatalf("input_request %+v", req)
		}
		var c wire.InputRequestContent
		if err := req.DecodeContent(&c); err != nil || c.Password {
			t.Errorf("input_request content %s (%v)", req.Content, err)
		}
		if err := k.c.AnswerInput(req, "gopher"); err != nil {
			t.Fatal(err)
		}
		out, err := p.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if out.Reply.Status != wire.StatusOK || out.Stdout != "name? hello gopher\n" {
			t.Errorf("reply %+v stdout %q", out.Reply, out.Stdout)
		}
	})
	t.Run("not allowed", func(t *testing.T) {
		out := k.exec("var s string\n_, err := fmt.Scanln(&s)\nif err != nil { panic(err) }")
		if out.Reply.Status != wire.StatusError || !strings.Contains(out.Reply.EValue+out.Stderr, "allow_stdin is false") {
			t.Errorf("reply %+v stderr %q", out.Reply, out.Stderr)
		}
	})
	t.Run("interrupted while waiting", func(t *testing.T) {
		p, err := k.c.StartExecute("var s string\nfmt.Scanln(&s)", jupytertest.AllowStdinManual())
		if err != nil {
			t.Fatal(err)
		}
		if req := k.c.WaitInputRequest(timeout); req == nil || req.Header.MsgType != wire.InputRequest {
			t.Fatalf("input_request %+v", req)
		}
		interrupt(t, k)
		out, err := p.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if out.Reply.Status != wire.StatusError {
			t.Errorf("reply %+v", out.Reply)
		}
		k.alive()
	})
}

// TestOrphanedKernelExits starts a kernel from a shell that exits at
// once, as a crashed front end would leave it, and checks that the
// kernel notices its parent is gone and exits (with its worker).
func TestOrphanedKernelExits(t *testing.T) {
	t.Parallel()
	bin := kerneltest.Binary(t)
	_, path, err := jupytertest.WriteConnectionFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sh", "-c", `JPY_PARENT_PID=$$ "$0" kernel "$1" >/dev/null 2>&1 & echo $!`, bin, path).Output()
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("pid %q: %v", out, err)
	}
	gone := func(pid int) bool {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return true
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		return len(f) > 0 && f[0] == "Z"
	}
	deadline := time.Now().Add(timeout)
	for !gone(pid) {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("orphaned kernel pid %d still running after %v", pid, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPortsBoundBeforeGraphviz checks the order package earlybind
// depends on: its init, which binds the kernel's ports, runs before
// go-graphviz's, which takes tens of milliseconds. If an import made it
// run later, a front end's first connection would be refused again and
// libzmq would retry only 100 ms later.
func TestPortsBoundBeforeGraphviz(t *testing.T) {
	cmd := exec.Command(kerneltest.Binary(t), "kernel", "/nonexistent/connection.json")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, _ := cmd.CombinedOutput() // it fails: no such file
	early, graphviz := -1, -1
	for i, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "init github.com/gradbook/gradbook/kernel/earlybind "):
			early = i
		case strings.HasPrefix(line, "init github.com/goccy/go-graphviz/internal/wasm "):
			graphviz = i
		}
	}
	if early < 0 || graphviz < 0 {
		t.Fatalf("inittrace shows earlybind at line %d, go-graphviz at %d; output:\n%s", early, graphviz, out)
	}
	if early > graphviz {
		t.Errorf("earlybind initialises after go-graphviz (inittrace lines %d, %d): it imports a package that waits for it", early, graphviz)
	}
}
