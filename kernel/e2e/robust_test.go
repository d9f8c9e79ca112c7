package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
	"github.com/gradbook/gradbook/kernel/wire"
)

// TestBackToBack500 sends 500 execute requests without waiting and checks
// that all are answered, in order, with the right execution counts.
func TestBackToBack500(t *testing.T) {
	t.Parallel()
	k := start(t)
	k.mustOK("n := 0")
	const cells = 500
	pending := make([]*jupytertest.PendingExecute, cells)
	for i := range pending {
		var err error
		if pending[i], err = k.c.StartExecute(fmt.Sprintf("n++\nfmt.Println(%d)\nn", i)); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range pending {
		out, err := p.Wait()
		if err != nil {
			t.Fatalf("cell %d: %v", i, err)
		}
		// Cell i ran after the i cells before it.
		if out.Reply.Status != wire.StatusOK || out.Reply.ExecutionCount != i+2 || out.Stdout != fmt.Sprintf("%d\n", i) ||
			result(out) != fmt.Sprint(i+1) {
			t.Fatalf("cell %d: reply %+v stdout %q result %q", i, out.Reply, out.Stdout, result(out))
		}
	}
}

// TestBadSignature sends execute requests signed with the wrong key, or
// not at all, whose code would write a file: the file never appears, and
// the kernel keeps answering good requests.
func TestBadSignature(t *testing.T) {
	t.Parallel()
	k := start(t)
	// The cell does write the file when the request is signed well.
	good := filepath.Join(t.TempDir(), "good")
	k.mustOK(fmt.Sprintf("os.WriteFile(%q, []byte(\"ok\"), 0o600)", good))
	if _, err := os.Stat(good); err != nil {
		t.Fatalf("a well signed request did not write its file: %v", err)
	}
	for _, tc := range []struct {
		name string
		key  []byte
	}{
		{"wrong key", []byte("not the key")},
		{"unsigned", nil},
		{"key with a flipped bit", append([]byte{k.c.Key()[0] ^ 1}, k.c.Key()[1:]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "pwned")
			m, err := k.c.NewMessage(wire.ExecuteRequest, wire.ExecuteRequestContent{
				Code: fmt.Sprintf("os.WriteFile(%q, []byte(\"pwned\"), 0o600)", path), StoreHistory: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			frames, err := m.Encode(tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if err := k.c.SendFrames(jupytertest.Shell, frames); err != nil {
				t.Fatal(err)
			}
			// Requests are handled in order: once a later one is
			// answered, the bad one was dropped or run.
			k.alive()
			if _, err := os.Stat(path); err == nil {
				t.Fatalf("a badly signed execute_request was executed")
			}
			if r, err := k.c.WaitReply(m.Header.MsgID, 0); err == nil {
				t.Errorf("badly signed request answered with %s", r.Header.MsgType)
			}
			if !strings.Contains(k.log.String(), "bad signature") {
				t.Errorf("the kernel's log does not mention the bad signature")
			}
		})
	}
	t.Run("control", func(t *testing.T) {
		m, err := k.c.NewMessage(wire.ShutdownRequest, wire.ShutdownContent{})
		if err != nil {
			t.Fatal(err)
		}
		frames, err := m.Encode([]byte("not the key"))
		if err != nil {
			t.Fatal(err)
		}
		if err := k.c.SendFrames(jupytertest.Control, frames); err != nil {
			t.Fatal(err)
		}
		if _, err := k.c.KernelInfoOn(jupytertest.Control); err != nil {
			t.Fatal(err)
		}
		k.alive()
	})
}

// TestMalformed sends messages with garbage or missing frames on every
// channel: each is dropped, and the kernel keeps serving shell, control
// and heartbeat.
func TestMalformed(t *testing.T) {
	t.Parallel()
	k := start(t)
	good, err := k.c.NewMessage(wire.ExecuteRequest, wire.ExecuteRequestContent{Code: `fmt.Println("malformed")`})
	if err != nil {
		t.Fatal(err)
	}
	frames, err := good.Encode(k.c.Key())
	if err != nil {
		t.Fatal(err)
	}
	key := k.c.Key()
	// signed returns correctly signed frames around header h and content c.
	signed := func(h, c string) [][]byte {
		return [][]byte{[]byte(wire.Delimiter), wire.Sign(key, []byte(h), []byte("{}"), []byte("{}"), []byte(c)),
			[]byte(h), []byte("{}"), []byte("{}"), []byte(c)}
	}
	for _, tc := range []struct {
		name   string
		ch     jupytertest.Channel
		frames [][]byte
	}{
		{"one empty frame", jupytertest.Shell, [][]byte{{}}},
		{"garbage", jupytertest.Shell, [][]byte{[]byte("\xff\x00garbage"), []byte("more")}},
		{"no delimiter", jupytertest.Shell, frames[1:]},
		{"missing content", jupytertest.Shell, frames[:5]},
		{"truncated signature", jupytertest.Shell, append([][]byte{frames[0], frames[1][:10]}, frames[2:]...)},
		{"bad JSON header", jupytertest.Shell, signed(`{"msg_type":`, `{}`)},
		{"code is not a string", jupytertest.Shell, signed(`{"msg_id":"m1","msg_type":"execute_request"}`, `{"code":7}`)},
		{"unknown type", jupytertest.Shell, signed(`{"msg_id":"m2","msg_type":"frobnicate_request"}`, `{}`)},
		{"garbage on control", jupytertest.Control, [][]byte{[]byte("\x00\x01\x02")}},
		{"unknown type on control", jupytertest.Control, signed(`{"msg_id":"m3","msg_type":"frobnicate_request"}`, `{}`)},
		{"garbage on stdin", jupytertest.Stdin, [][]byte{[]byte("garbage")}},
		{"stray input_reply", jupytertest.Stdin, signed(`{"msg_id":"m4","msg_type":"input_reply"}`, `{"value":"x"}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := k.c.SendFrames(tc.ch, tc.frames); err != nil {
				t.Fatal(err)
			}
			k.alive()
			if _, err := k.c.KernelInfoOn(jupytertest.Control); err != nil {
				t.Fatalf("control: %v", err)
			}
		})
	}
	if out := k.mustOK("fmt.Println(\"after\")"); strings.Contains(out.Stdout, "malformed") {
		t.Errorf("a malformed request ran")
	}
	if n := strings.Count(k.log.String(), "dropped"); n < 8 {
		t.Errorf("the kernel's log names %d dropped messages, want one per malformed message:\n%s", n, k.log.String())
	}
}

// TestLateSubscriber connects five clients that run a cell each and
// leave, then checks that a sixth still receives iopub output: zmq4's PUB
// socket went silent after such churn (go-zeromq/zmq4#151).
func TestLateSubscriber(t *testing.T) {
	t.Parallel()
	k := start(t)
	for i := range 5 {
		c, err := jupytertest.Dial(k.info)
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		c.Timeout = timeout
		out, err := c.Execute(fmt.Sprintf("fmt.Println(\"early %d\")", i))
		if err != nil || out.Stdout != fmt.Sprintf("early %d\n", i) {
			t.Fatalf("client %d: %+v %v", i, out, err)
		}
		if err := c.Close(); err != nil {
			t.Logf("client %d close: %v", i, err)
		}
	}
	late, err := jupytertest.Dial(k.info)
	if err != nil {
		t.Fatal(err)
	}
	defer late.Close()
	late.Timeout = timeout
	for i := range 3 {
		out, err := late.Execute(fmt.Sprintf("fmt.Println(\"late\")\n%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if out.Stdout != "late\n" || len(out.Results) != 1 || out.Input == nil {
			t.Fatalf("late subscriber got %v, stdout %q", out.Types, out.Stdout)
		}
	}
	// The first client, connected all along, still gets its output.
	if out := k.mustOK(`fmt.Println("still")`); out.Stdout != "still\n" {
		t.Fatalf("first client: stdout %q", out.Stdout)
	}
}
