package jupyter_test

import (
	"context"
	"errors"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/gradbook/gradbook/kernel/jupyter"
	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
	"github.com/gradbook/gradbook/kernel/wire"
)

// testKernel is a kernel served in-process with a FakeHandler, and a
// client connected to it through a real connection file.
type testKernel struct {
	k       *jupyter.Kernel
	h       *jupytertest.FakeHandler
	c       *jupytertest.Client
	info    jupyter.ConnectionInfo
	path    string
	log     *jupytertest.LogBuffer
	served  chan error
	stopped bool
}

func startKernel(t *testing.T) *testKernel {
	t.Helper()
	return startKernelConfig(t, jupyter.Config{})
}

// startKernelConfig starts a kernel with cfg, adding a banner, help
// links and a log.
func startKernelConfig(t *testing.T, cfg jupyter.Config) *testKernel {
	t.Helper()
	_, path, err := jupytertest.WriteConnectionFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ci, err := jupyter.ReadConnectionFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tk := &testKernel{h: jupytertest.NewFakeHandler(), info: ci, path: path, log: &jupytertest.LogBuffer{}, served: make(chan error, 1)}
	cfg.Banner = "gradbook test kernel"
	cfg.HelpLinks = []wire.HelpLink{{Text: "autodiff", URL: "https://example.org/autodiff"}}
	cfg.Log = log.New(tk.log, "", 0)
	tk.k, err = jupyter.New(ci, tk.h, cfg)
	if err != nil {
		t.Fatal(err)
	}
	go func() { tk.served <- tk.k.Serve(context.Background()) }()
	tk.c, err = jupytertest.Connect(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		tk.c.Close()
		if !tk.stopped {
			tk.shutdown(t)
		}
	})
	return tk
}

// shutdown asks the kernel to stop on control and waits for Serve.
func (tk *testKernel) shutdown(t *testing.T) {
	t.Helper()
	tk.stopped = true
	c, err := jupytertest.Dial(tk.info)
	if err != nil {
		t.Errorf("dial for shutdown: %v", err)
		return
	}
	defer c.Close()
	if _, err := c.Request(jupytertest.Control, wire.ShutdownRequest, wire.ShutdownContent{}); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	select {
	case err := <-tk.served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("Serve did not return after shutdown")
	}
}

func TestKernelInfo(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	for _, ch := range []jupytertest.Channel{jupytertest.Shell, jupytertest.Control} {
		t.Run(string(ch), func(t *testing.T) {
			info, err := tk.c.KernelInfoOn(ch)
			if err != nil {
				t.Fatal(err)
			}
			li := info.LanguageInfo
			if info.Status != "ok" || info.ProtocolVersion != "5.3" || info.Implementation != "gradbook" ||
				li.Name != "go" || li.MIMEType != "text/x-go" || li.FileExtension != ".go" ||
				li.CodemirrorMode != "go" || li.PygmentsLexer != "go" || li.Version == "" ||
				info.Banner != "gradbook test kernel" || len(info.HelpLinks) != 1 {
				t.Errorf("kernel_info = %+v", info)
			}
		})
	}
}

// checkBusyIdle checks that iopub starts with status busy and ends with
// status idle, all with parent msgID.
func checkBusyIdle(t *testing.T, iopub []*wire.Message, msgID string) {
	t.Helper()
	if err := jupytertest.CheckBusyIdle(iopub, msgID); err != nil {
		t.Error(err)
	}
}

func TestExecute(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	out, err := tk.c.Execute("stdout hello\nstderr oops\ndisplay text/html <b>hi</b>\nclear\nupdate d1 new\nvalue 42")
	if err != nil {
		t.Fatal(err)
	}
	if out.Reply.Status != "ok" || out.Reply.ExecutionCount != 1 {
		t.Errorf("reply = %+v", out.Reply)
	}
	checkBusyIdle(t, out.IOPub, out.Request.Header.MsgID)
	want := []string{"status", "execute_input", "stream", "stream", "display_data", "clear_output", "update_display_data", "execute_result", "status"}
	if strings.Join(out.Types, " ") != strings.Join(want, " ") {
		t.Errorf("iopub types = %v, want %v", out.Types, want)
	}
	if out.Stdout != "hello\n" || out.Stderr != "oops\n" {
		t.Errorf("stdout %q stderr %q", out.Stdout, out.Stderr)
	}
	if out.Input == nil || out.Input.ExecutionCount != 1 || !strings.HasPrefix(out.Input.Code, "stdout hello") {
		t.Errorf("execute_input = %+v", out.Input)
	}
	if len(out.Results) != 1 || out.Results[0].Data["text/plain"] != "42" || out.Results[0].ExecutionCount != 1 {
		t.Errorf("execute_result = %+v", out.Results)
	}
	if len(out.Displays) != 2 || out.Displays[0].Data["text/html"] != "<b>hi</b>" || out.Displays[1].Transient["display_id"] != "d1" {
		t.Errorf("displays = %+v", out.Displays)
	}
	if len(out.Clears) != 1 {
		t.Errorf("clears = %+v", out.Clears)
	}

	// Execution counts: silent cells neither count nor publish input.
	for _, tc := range []struct {
		name      string
		opts      []jupytertest.ExecOption
		wantCount int
		wantInput bool
	}{
		{"second", nil, 2, true},
		{"silent", []jupytertest.ExecOption{jupytertest.Silent()}, 2, false},
		{"third", nil, 3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tk.c.Execute("value x", tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if out.Reply.ExecutionCount != tc.wantCount || (out.Input != nil) != tc.wantInput {
				t.Errorf("count %d input %v, want %d %v", out.Reply.ExecutionCount, out.Input != nil, tc.wantCount, tc.wantInput)
			}
			if tc.wantInput == (len(out.Results) == 0) {
				t.Errorf("results %+v (silent cells show none)", out.Results)
			}
		})
	}
}

func TestExecuteError(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	out, err := tk.c.Execute("stdout before\nerror Panic boom")
	if err != nil {
		t.Fatal(err)
	}
	if out.Reply.Status != "error" || out.Reply.EName != "Panic" || out.Reply.EValue != "boom" || len(out.Reply.Traceback) != 1 {
		t.Errorf("reply = %+v", out.Reply)
	}
	if len(out.Errors) != 1 || out.Errors[0].EName != "Panic" || out.Errors[0].Traceback[0] != "Panic: boom" {
		t.Errorf("error messages = %+v", out.Errors)
	}
	if out.Stdout != "before\n" {
		t.Errorf("stdout = %q", out.Stdout)
	}
	// The next cell runs.
	out, err = tk.c.Execute("value after")
	if err != nil || out.Reply.Status != "ok" {
		t.Fatalf("next cell: %+v %v", out.Reply, err)
	}
}

func TestUserExpressions(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	out, err := tk.c.Execute("", jupytertest.UserExpressions(map[string]string{"a": "1+1"}))
	if err != nil {
		t.Fatal(err)
	}
	a, ok := out.Reply.UserExpressions["a"].(map[string]any)
	if !ok || a["status"] != "ok" {
		t.Errorf("user_expressions = %+v", out.Reply.UserExpressions)
	}
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	for _, p := range []string{"ping", "", strings.Repeat("x", 1000)} {
		if err := tk.c.Heartbeat([]byte(p)); err != nil {
			t.Fatalf("heartbeat %q: %v", p, err)
		}
	}
}

func TestConnectionFileErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		json string
	}{
		{"not json", `{`},
		{"bad scheme", `{"ip":"127.0.0.1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"signature_scheme":"hmac-md5"}`},
		{"bad transport", `{"transport":"udp","ip":"127.0.0.1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}`},
		{"missing port", `{"ip":"127.0.0.1","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4}`},
		{"no ip", `{"shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := jupyter.ParseConnectionInfo([]byte(tc.json)); !errors.Is(err, jupyter.ErrConnectionInfo) {
				t.Errorf("error = %v, want ErrConnectionInfo", err)
			}
		})
	}
	ci, err := jupyter.ParseConnectionInfo([]byte(`{"transport":"ipc","ip":"/tmp/k","shell_port":1,"iopub_port":2,"stdin_port":3,"control_port":4,"hb_port":5,"key":"k"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := ci.Endpoint(ci.IOPubPort); got != "ipc:///tmp/k-2" || ci.SignatureScheme != "hmac-sha256" {
		t.Errorf("endpoint %q scheme %q", got, ci.SignatureScheme)
	}
}
