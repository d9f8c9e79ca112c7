package jupyter_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/gradbook/gradbook/kernel/jupyter"
	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
	"github.com/gradbook/gradbook/kernel/wire"
)

// TestLateSubscriber connects five clients that run a cell each and
// leave, then checks that a sixth still receives iopub output
// (go-zeromq/zmq4#151 reports PUB going silent after such churn).
func TestLateSubscriber(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	for i := range 5 {
		c, err := jupytertest.Dial(tk.info)
		if err != nil {
			t.Fatalf("client %d: %v", i, err)
		}
		out, err := c.Execute("stdout early")
		if err != nil || out.Stdout != "early\n" {
			t.Fatalf("client %d: %+v %v", i, out, err)
		}
		if err := c.Close(); err != nil {
			t.Logf("client %d close: %v", i, err)
		}
	}
	late, err := jupytertest.Dial(tk.info)
	if err != nil {
		t.Fatal(err)
	}
	defer late.Close()
	for range 3 {
		out, err := late.Execute("stdout late\nvalue 1")
		if err != nil {
			t.Fatal(err)
		}
		if out.Stdout != "late\n" || len(out.Results) != 1 {
			t.Fatalf("late subscriber got %v, stdout %q", out.Types, out.Stdout)
		}
	}
	// The first client, connected all along, saw the late one's output.
	out, err := tk.c.Execute("stdout still")
	if err != nil || out.Stdout != "still\n" {
		t.Fatalf("first client: %+v %v", out, err)
	}
}

// TestStalledSubscriber connects a SUB socket that never reads and
// checks that a cell writing far more than the socket buffers and the
// subscriber's queue hold still reaches a reading client in full.
func TestStalledSubscriber(t *testing.T) {
	t.Parallel()
	tk := startKernelConfig(t, jupyter.Config{IOPubQueueBytes: 1 << 20})
	// 32 MiB through a race-instrumented client on a loaded machine can
	// take longer than the default 10 s.
	tk.c.Timeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stalled := zmq4.NewSub(ctx)
	defer stalled.Close()
	if err := stalled.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	if err := stalled.Dial(tk.info.Endpoint(tk.info.IOPubPort)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let the subscription arrive
	const n, size = 2000, 16 << 10    // 32 MiB
	out, err := tk.c.Execute("spam 2000 16384\nvalue done")
	if err != nil {
		t.Fatal(err)
	}
	if out.Streams != n || len(out.Stdout) != n*size || len(out.Results) != 1 {
		t.Fatalf("reader got %d streams, %d bytes, results %v", out.Streams, len(out.Stdout), out.Results)
	}
	if strings.Count(out.Stdout, "\n") != n {
		t.Errorf("lines lost")
	}
	if !strings.Contains(tk.log.String(), "is not reading") {
		t.Errorf("the stalled subscriber was not detected; log:\n%s", tk.log.String())
	}
}

// TestWelcomeStatus checks that a new iopub subscriber is sent the
// kernel's current status (no parent) as soon as it subscribes, without
// any request: jupyter_client's wait_for_ready needs one iopub message
// after its kernel_info_reply, or it retries a second later.
func TestWelcomeStatus(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := zmq4.NewSub(ctx)
	defer sub.Close()
	if err := sub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	if err := sub.Dial(tk.info.Endpoint(tk.info.IOPubPort)); err != nil {
		t.Fatal(err)
	}
	got := make(chan *wire.Message, 1)
	go func() {
		zm, err := sub.Recv()
		if err != nil {
			got <- nil
			return
		}
		m, _ := wire.Decode(zm.Frames, []byte(tk.info.Key))
		got <- m
	}()
	select {
	case m := <-got:
		if m == nil || m.Header.MsgType != wire.Status || m.ParentHeader.MsgID != "" {
			t.Fatalf("first iopub message = %+v, want a parentless status", m)
		}
		var c wire.StatusContent
		if err := m.DecodeContent(&c); err != nil || c.ExecutionState != wire.StateIdle {
			t.Errorf("welcome status %+v (%v), want idle", c, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no iopub message after subscribing")
	}
}
