package jupyter_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
	"github.com/gradbook/gradbook/kernel/wire"
)

func TestBadSignatureNotExecuted(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	m, err := tk.c.NewMessage(wire.ExecuteRequest, wire.ExecuteRequestContent{Code: "stdout pwned", StoreHistory: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		key  []byte
	}{
		{"wrong key", []byte("not the key")},
		{"unsigned", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			frames, err := m.Encode(tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if err := tk.c.SendFrames(jupytertest.Shell, frames); err != nil {
				t.Fatal(err)
			}
			// The kernel keeps answering, and answers nothing to the bad one.
			out, err := tk.c.Execute("value alive")
			if err != nil || out.Reply.Status != "ok" {
				t.Fatalf("next execute: %+v %v", out, err)
			}
			if r, err := tk.c.WaitReply(m.Header.MsgID, 10*time.Millisecond); err == nil {
				t.Errorf("bad message answered with %s", r.Header.MsgType)
			}
		})
	}
	for _, code := range tk.h.Executed() {
		if strings.Contains(code, "pwned") {
			t.Errorf("badly signed execute_request was executed")
		}
	}
	if !strings.Contains(tk.log.String(), "bad signature") {
		t.Errorf("log does not mention the bad signature:\n%s", tk.log.String())
	}
}

func TestMalformedDropped(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	good, err := tk.c.NewMessage(wire.ExecuteRequest, wire.ExecuteRequestContent{Code: "stdout malformed"})
	if err != nil {
		t.Fatal(err)
	}
	frames, err := good.Encode(tk.c.Key())
	if err != nil {
		t.Fatal(err)
	}
	// frames: <IDS|MSG> sig header parent metadata content
	signed := func(h, p, md, c string) [][]byte {
		return [][]byte{[]byte(wire.Delimiter), wire.Sign(tk.c.Key(), []byte(h), []byte(p), []byte(md), []byte(c)),
			[]byte(h), []byte(p), []byte(md), []byte(c)}
	}
	for _, tc := range []struct {
		name   string
		ch     jupytertest.Channel
		frames [][]byte
	}{
		{"no frames", jupytertest.Shell, [][]byte{}},
		{"one empty frame", jupytertest.Shell, [][]byte{{}}},
		{"no delimiter", jupytertest.Shell, frames[1:]},
		{"missing content", jupytertest.Shell, frames[:5]},
		{"garbage", jupytertest.Shell, [][]byte{[]byte("\xff\x00garbage")}},
		{"bad JSON header", jupytertest.Shell, signed(`{"msg_type":`, `{}`, `{}`, `{}`)},
		{"array content", jupytertest.Shell, signed(`{"msg_id":"x1","msg_type":"execute_request"}`, `{}`, `{}`, `[]`)},
		{"content wrong types", jupytertest.Shell, signed(`{"msg_id":"x2","msg_type":"execute_request"}`, `{}`, `{}`, `{"code":7}`)},
		{"unknown type shell", jupytertest.Shell, signed(`{"msg_id":"x3","msg_type":"frobnicate_request"}`, `{}`, `{}`, `{}`)},
		{"unknown type control", jupytertest.Control, signed(`{"msg_id":"x4","msg_type":"frobnicate_request"}`, `{}`, `{}`, `{}`)},
		{"bad control", jupytertest.Control, frames[:3]},
		{"stray stdin", jupytertest.Stdin, signed(`{"msg_id":"x5","msg_type":"input_reply"}`, `{"msg_id":"nobody"}`, `{}`, `{"value":"x"}`)},
		{"bad stdin", jupytertest.Stdin, frames[2:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tk.c.SendFrames(tc.ch, tc.frames); err != nil {
				t.Fatal(err)
			}
			out, err := tk.c.Execute("value alive")
			if err != nil || out.Reply.Status != "ok" {
				t.Fatalf("kernel stopped answering: %+v %v", out, err)
			}
			if _, err := tk.c.Request(jupytertest.Control, wire.KernelInfoRequest, struct{}{}); err != nil {
				t.Fatalf("control stopped answering: %v", err)
			}
			if err := tk.c.Heartbeat([]byte("hb")); err != nil {
				t.Fatal(err)
			}
		})
	}
	if got := tk.h.Executed(); len(got) != 13 || strings.Contains(strings.Join(got, ""), "malformed") {
		t.Errorf("executed %q, want only the 13 probes", got)
	}
	lg := tk.log.String()
	for _, want := range []string{"missing <IDS|MSG>", "too few frames", "bad JSON", "unknown type \"frobnicate_request\"", "matches no pending input_request"} {
		if !strings.Contains(lg, want) {
			t.Errorf("log lacks %q:\n%s", want, lg)
		}
	}
}

func TestBackToBack500(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	const n = 500
	pending := make([]*jupytertest.PendingExecute, n)
	for i := range pending {
		var err error
		if pending[i], err = tk.c.StartExecute(fmt.Sprintf("stdout %d\nvalue %d", i, i)); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range pending {
		out, err := p.Wait()
		if err != nil {
			t.Fatalf("cell %d: %v", i, err)
		}
		if out.Reply.Status != "ok" || out.Reply.ExecutionCount != i+1 || out.Stdout != fmt.Sprintf("%d\n", i) ||
			len(out.Results) != 1 || out.Results[0].Data["text/plain"] != fmt.Sprint(i) {
			t.Fatalf("cell %d: reply %+v stdout %q results %+v", i, out.Reply, out.Stdout, out.Results)
		}
	}
	got := tk.h.Executed()
	if len(got) != n {
		t.Fatalf("executed %d cells, want %d", len(got), n)
	}
	for i, code := range got {
		if !strings.HasPrefix(code, fmt.Sprintf("stdout %d\n", i)) {
			t.Fatalf("cell %d ran as %q: out of order", i, code)
		}
	}
}

func TestInterrupt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		interrupt func(tk *testKernel) error
	}{
		{"interrupt_request", func(tk *testKernel) error {
			r, err := tk.c.Request(jupytertest.Control, wire.InterruptRequest, struct{}{})
			if err != nil {
				return err
			}
			var c wire.InterruptReplyContent
			if err := r.DecodeContent(&c); err != nil || c.Status != "ok" {
				return fmt.Errorf("interrupt_reply %s: %v", r.Content, err)
			}
			return nil
		}},
		{"Kernel.Interrupt", func(tk *testKernel) error { tk.k.Interrupt(); return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tk := startKernel(t)
			p, err := tk.c.StartExecute("stdout started\nblock")
			if err != nil {
				t.Fatal(err)
			}
			waitExecuted(t, tk.h, 1)
			// Control, heartbeat and iopub keep working while the cell runs.
			if _, err := tk.c.Request(jupytertest.Control, wire.KernelInfoRequest, struct{}{}); err != nil {
				t.Fatalf("control while busy: %v", err)
			}
			if err := tk.c.Heartbeat([]byte("busy")); err != nil {
				t.Fatalf("heartbeat while busy: %v", err)
			}
			if err := tc.interrupt(tk); err != nil {
				t.Fatal(err)
			}
			out, err := p.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if out.Reply.Status != "error" || out.Reply.EName != "Interrupted" || out.Stdout != "started\n" {
				t.Errorf("interrupted cell: %+v stdout %q", out.Reply, out.Stdout)
			}
			out, err = tk.c.Execute("value next")
			if err != nil || out.Reply.Status != "ok" {
				t.Errorf("next cell: %+v %v", out, err)
			}
		})
	}
}

// waitExecuted waits until h has started n cells.
func waitExecuted(t *testing.T, h *jupytertest.FakeHandler, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(h.Executed()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("handler ran %d cells, want %d", len(h.Executed()), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestStopOnError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		stopOnError bool
		want        []string // reply status of the failing cell and the two queued behind it
	}{
		{"true", true, []string{"error", "aborted", "aborted"}},
		{"false", false, []string{"error", "ok", "ok"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tk := startKernel(t)
			first, err := tk.c.StartExecute("sleep 100ms\nerror Boom failed", jupytertest.StopOnError(tc.stopOnError))
			if err != nil {
				t.Fatal(err)
			}
			waitExecuted(t, tk.h, 1)
			queued := []*jupytertest.PendingExecute{first}
			for _, code := range []string{"stdout queued1", "stdout queued2"} {
				p, err := tk.c.StartExecute(code, jupytertest.Silent())
				if err != nil {
					t.Fatal(err)
				}
				queued = append(queued, p)
			}
			for i, p := range queued {
				out, err := p.Wait()
				if err != nil {
					t.Fatal(err)
				}
				if out.Reply.Status != tc.want[i] {
					t.Errorf("cell %d: status %q, want %q", i, out.Reply.Status, tc.want[i])
				}
				if tc.want[i] == "aborted" {
					checkBusyIdle(t, out.IOPub, p.Request().Header.MsgID)
					if len(out.IOPub) != 2 || out.Stdout != "" {
						t.Errorf("aborted cell published %v", out.Types)
					}
				}
			}
			// A cell sent after the error was answered runs.
			out, err := tk.c.Execute("value later")
			if err != nil || out.Reply.Status != "ok" {
				t.Errorf("cell after the error: %+v %v", out, err)
			}
			if n := len(tk.h.Executed()); tc.stopOnError && n != 2 || !tc.stopOnError && n != 4 {
				t.Errorf("handler ran %d cells: %q", n, tk.h.Executed())
			}
		})
	}
}

func TestInput(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	t.Run("allowed", func(t *testing.T) {
		var prompts []string
		out, err := tk.c.Execute("input name?\ninput again?", jupytertest.AllowStdin(func(prompt string, password bool) string {
			prompts = append(prompts, prompt)
			return "gopher" + fmt.Sprint(len(prompts))
		}))
		if err != nil {
			t.Fatal(err)
		}
		if out.Reply.Status != "ok" || out.Stdout != "got gopher1\ngot gopher2\n" || strings.Join(prompts, ",") != "name?,again?" {
			t.Errorf("reply %+v stdout %q prompts %q", out.Reply, out.Stdout, prompts)
		}
	})
	t.Run("not allowed", func(t *testing.T) {
		out, err := tk.c.Execute("input name?")
		if err != nil {
			t.Fatal(err)
		}
		if out.Reply.Status != "error" || out.Reply.EName != "StdinNotAllowed" || !strings.Contains(out.Reply.EValue, "allow_stdin") {
			t.Errorf("reply %+v", out.Reply)
		}
	})
	t.Run("answered by hand", func(t *testing.T) {
		p, err := tk.c.StartExecute("input secret?", jupytertest.AllowStdinManual())
		if err != nil {
			t.Fatal(err)
		}
		req := tk.c.WaitInputRequest(10 * time.Second)
		if req == nil || req.Header.MsgType != wire.InputRequest || req.ParentHeader.MsgID != p.Request().Header.MsgID {
			t.Fatalf("input_request = %+v", req)
		}
		var c wire.InputRequestContent
		if err := req.DecodeContent(&c); err != nil || c.Prompt != "secret?" || c.Password {
			t.Errorf("input_request content %s (%v)", req.Content, err)
		}
		// A reply to another request is dropped, the right one used.
		other := *req
		other.Header.MsgID = "someone-else"
		if err := tk.c.AnswerInput(&other, "wrong"); err != nil {
			t.Fatal(err)
		}
		if err := tk.c.AnswerInput(req, "right"); err != nil {
			t.Fatal(err)
		}
		out, err := p.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if out.Reply.Status != "ok" || out.Stdout != "got right\n" {
			t.Errorf("reply %+v stdout %q", out.Reply, out.Stdout)
		}
	})
	t.Run("interrupted while waiting", func(t *testing.T) {
		p, err := tk.c.StartExecute("input never?", jupytertest.AllowStdinManual())
		if err != nil {
			t.Fatal(err)
		}
		if req := tk.c.WaitInputRequest(10 * time.Second); req == nil || req.Header.MsgType != wire.InputRequest {
			t.Fatalf("input_request = %+v", req)
		}
		if _, err := tk.c.Request(jupytertest.Control, wire.InterruptRequest, struct{}{}); err != nil {
			t.Fatal(err)
		}
		out, err := p.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if out.Reply.Status != "error" || out.Reply.EName != "InputError" || !strings.Contains(out.Reply.EValue, "interrupted") {
			t.Errorf("reply %+v", out.Reply)
		}
	})
}

func TestShutdown(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ch      jupytertest.Channel
		restart bool
	}{
		{jupytertest.Shell, false},
		{jupytertest.Shell, true},
		{jupytertest.Control, false},
		{jupytertest.Control, true},
	} {
		t.Run(fmt.Sprintf("%s restart=%v", tc.ch, tc.restart), func(t *testing.T) {
			t.Parallel()
			tk := startKernel(t)
			tk.stopped = true
			reply, iopub, err := tk.c.Collect(tc.ch, wire.ShutdownRequest, wire.ShutdownContent{Restart: tc.restart})
			if err != nil {
				t.Fatal(err)
			}
			checkBusyIdle(t, iopub, reply.ParentHeader.MsgID)
			var c wire.ShutdownContent
			if err := reply.DecodeContent(&c); err != nil || c.Status != "ok" || c.Restart != tc.restart {
				t.Errorf("shutdown_reply %s (%v)", reply.Content, err)
			}
			select {
			case err := <-tk.served:
				if err != nil {
					t.Errorf("Serve: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Serve did not return")
			}
			if !tk.h.Closed() {
				t.Errorf("handler not closed")
			}
		})
	}
	t.Run("while a cell runs", func(t *testing.T) {
		t.Parallel()
		tk := startKernel(t)
		tk.stopped = true
		p, err := tk.c.StartExecute("block")
		if err != nil {
			t.Fatal(err)
		}
		waitExecuted(t, tk.h, 1)
		if _, err := tk.c.Request(jupytertest.Control, wire.ShutdownRequest, wire.ShutdownContent{}); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-tk.served:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Serve did not return")
		}
		// The running cell was interrupted and still answered.
		if out, err := p.Wait(); err != nil || out.Reply.Status != "error" {
			t.Errorf("running cell: %+v %v", out, err)
		}
	})
}
