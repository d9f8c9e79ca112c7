package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
	"github.com/gradbook/gradbook/kernel/wire"
)

// TestKernelInfo checks kernel_info_reply on shell and on control.
func TestKernelInfo(t *testing.T) {
	t.Parallel()
	k := start(t)
	for _, ch := range []jupytertest.Channel{jupytertest.Shell, jupytertest.Control} {
		t.Run(string(ch), func(t *testing.T) {
			info, err := k.c.KernelInfoOn(ch)
			if err != nil {
				t.Fatal(err)
			}
			li := info.LanguageInfo
			if info.Status != wire.StatusOK || info.ProtocolVersion < "5.3" || info.Implementation != "gradbook" ||
				li.Name != "go" || li.MIMEType != "text/x-go" || li.FileExtension != ".go" ||
				li.CodemirrorMode != "go" || li.PygmentsLexer != "go" || !strings.HasPrefix(li.Version, "1.") {
				t.Errorf("kernel_info = %+v", info)
			}
			if !strings.Contains(info.Banner, "gradbook") || !strings.Contains(info.Banner, "ad.") {
				t.Errorf("banner %q", info.Banner)
			}
			if len(info.HelpLinks) == 0 {
				t.Errorf("no help_links")
			}
			for _, l := range info.HelpLinks {
				if l.Text == "" || !strings.HasPrefix(l.URL, "https://") {
					t.Errorf("help link %+v", l)
				}
			}
		})
	}
}

// TestExecute checks execute_request and its options. The subtests share
// one kernel and run in order: execution counts follow from one another.
func TestExecute(t *testing.T) {
	t.Parallel()
	k := start(t)
	t.Run("output and value", func(t *testing.T) {
		out := k.mustOK("greeting := \"hello\"\nfmt.Println(greeting)\n6 * 7")
		if err := jupytertest.CheckBusyIdle(out.IOPub, out.Request.Header.MsgID); err != nil {
			t.Error(err)
		}
		want := []string{"status", "execute_input", "stream", "execute_result", "status"}
		if !slices.Equal(out.Types, want) {
			t.Errorf("iopub %v, want %v", out.Types, want)
		}
		if out.Stdout != "hello\n" || result(out) != "42" {
			t.Errorf("stdout %q, result %q", out.Stdout, result(out))
		}
		if out.Reply.ExecutionCount != 1 || out.Input == nil || out.Input.ExecutionCount != 1 ||
			out.Results[0].ExecutionCount != 1 || !strings.HasPrefix(out.Input.Code, "greeting :=") {
			t.Errorf("counts: reply %d, input %+v, result %+v", out.Reply.ExecutionCount, out.Input, out.Results)
		}
	})
	t.Run("state persists", func(t *testing.T) {
		if out := k.mustOK(`greeting + ", world"`); result(out) != "hello, world" {
			t.Errorf("result %q", result(out))
		}
	})
	t.Run("silent", func(t *testing.T) {
		out := k.mustOK("fmt.Println(\"quiet\")\ngreeting = \"shh\"\n1", jupytertest.Silent())
		// A silent cell neither counts, nor publishes its input or value;
		// its output still streams.
		if out.Reply.ExecutionCount != 2 || out.Input != nil || len(out.Results) != 0 || out.Stdout != "quiet\n" {
			t.Errorf("silent cell: count %d, input %+v, results %+v, stdout %q", out.Reply.ExecutionCount, out.Input, out.Results, out.Stdout)
		}
		if out := k.mustOK("greeting"); result(out) != "shh" || out.Reply.ExecutionCount != 3 {
			t.Errorf("after the silent cell: result %q count %d", result(out), out.Reply.ExecutionCount)
		}
	})
	t.Run("store_history false", func(t *testing.T) {
		const code = "forgotten := 1\nforgotten"
		out := k.mustOK(code, jupytertest.StoreHistory(false))
		if result(out) != "1" {
			t.Errorf("result %q", result(out))
		}
		// The spec's execution_count is "the global kernel counter that
		// increases by one with each request that stores history".
		if out.Reply.ExecutionCount != 3 {
			t.Errorf("execution_count %d, want 3 (not incremented)", out.Reply.ExecutionCount)
		}
		for _, e := range tail(t, k, 100) {
			if e[2] == code {
				t.Errorf("history holds a store_history=false cell: %v", e)
			}
		}
	})
	t.Run("user_expressions", func(t *testing.T) {
		out := k.mustOK("base := 20", jupytertest.UserExpressions(map[string]string{
			"double": "base * 2",
			"broken": "base +",
			"name":   "greeting",
		}))
		ue := out.Reply.UserExpressions
		if len(ue) != 3 {
			t.Fatalf("user_expressions %v", ue)
		}
		for name, want := range map[string]string{"double": "40", "name": "shh"} {
			e, _ := ue[name].(map[string]any)
			data, _ := e["data"].(map[string]any)
			if e["status"] != "ok" || data["text/plain"] != want {
				t.Errorf("user_expressions[%s] = %v, want ok %s", name, e, want)
			}
		}
		e, _ := ue["broken"].(map[string]any)
		if e["status"] != "error" || e["ename"] == "" || e["ename"] == nil {
			t.Errorf("user_expressions[broken] = %v, want an error", e)
		}
	})
	t.Run("error", func(t *testing.T) {
		out := k.exec("fmt.Println(\"before\")\nvar m map[string]int\nm[\"x\"] = 1")
		if out.Reply.Status != "error" || out.Reply.EName == "" || !strings.Contains(out.Reply.EValue, "nil map") {
			t.Errorf("reply %+v", out.Reply)
		}
		if len(out.Errors) != 1 || out.Errors[0].EName != out.Reply.EName || len(out.Errors[0].Traceback) == 0 {
			t.Errorf("error messages %+v", out.Errors)
		}
		if !strings.Contains(strings.Join(out.Reply.Traceback, "\n"), "3:") {
			t.Errorf("traceback does not name line 3: %q", out.Reply.Traceback)
		}
		if out.Stdout != "before\n" {
			t.Errorf("stdout %q", out.Stdout)
		}
	})
}

// TestStopOnError checks that an error aborts the cells queued behind it
// when stop_on_error is true, and only then.
func TestStopOnError(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		stop bool
		want []string // reply status of the failing cell and the two queued behind it
		runs string   // the counter after them
	}{
		{true, []string{"error", "aborted", "aborted"}, "0"},
		{false, []string{"error", "ok", "ok"}, "2"},
	} {
		t.Run(fmt.Sprint(tc.stop), func(t *testing.T) {
			t.Parallel()
			k := start(t)
			k.mustOK("runs := 0")
			// The failing cell waits for input, so that the others are
			// queued behind it before it fails.
			first, err := k.c.StartExecute("var s string\nfmt.Scanln(&s)\npanic(s)", jupytertest.AllowStdinManual(), jupytertest.StopOnError(tc.stop))
			if err != nil {
				t.Fatal(err)
			}
			req := k.c.WaitInputRequest(timeout)
			if req == nil || req.Header.MsgType != wire.InputRequest {
				t.Fatalf("no input_request: %+v", req)
			}
			pending := []*jupytertest.PendingExecute{first}
			for range 2 {
				p, err := k.c.StartExecute("runs++", jupytertest.StopOnError(tc.stop))
				if err != nil {
					t.Fatal(err)
				}
				pending = append(pending, p)
			}
			// Let the queued requests reach the kernel before the error
			// (nothing orders messages across sockets): a round trip on
			// control and a moment more.
			if _, err := k.c.Request(jupytertest.Control, wire.KernelInfoRequest, struct{}{}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
			if err := k.c.AnswerInput(req, "failedOnPurpose"); err != nil {
				t.Fatal(err)
			}
			for i, p := range pending {
				out, err := p.Wait()
				if err != nil {
					t.Fatal(err)
				}
				if out.Reply.Status != tc.want[i] {
					t.Errorf("cell %d: status %q, want %q (%s)", i, out.Reply.Status, tc.want[i], out.Reply.EValue)
				}
				if i == 0 && !strings.Contains(out.Reply.EValue, "failedOnPurpose") {
					t.Errorf("failing cell: %+v", out.Reply)
				}
				if tc.want[i] == "aborted" {
					if err := jupytertest.CheckBusyIdle(out.IOPub, p.Request().Header.MsgID); err != nil {
						t.Error(err)
					}
					if len(out.IOPub) != 2 {
						t.Errorf("aborted cell published %v", out.Types)
					}
				}
			}
			if out := k.mustOK("runs"); result(out) != tc.runs {
				t.Errorf("runs = %s, want %s", result(out), tc.runs)
			}
		})
	}
}

// TestComplete checks complete_request: package members, names in scope,
// and cursor positions in code points.
func TestComplete(t *testing.T) {
	t.Parallel()
	k := start(t)
	k.mustOK("myVariable := 1\n_ = myVariable")
	for _, tc := range []struct {
		name, code string
		want       string // a match that must be there
	}{
		{"package member", "fmt.Pri", "Println"},
		{"non-ASCII before the cursor", "s := \"héllo→ 世界\"; fmt.Pri", "Printf"},
		{"name in scope", "x := myVa", "myVariable"},
		{"preloaded package", "display.HT", "HTML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cursor := utf8.RuneCountInString(tc.code)
			reply, iopub, err := k.c.Collect(jupytertest.Shell, wire.CompleteRequest, wire.CompleteRequestContent{Code: tc.code, CursorPos: cursor})
			if err != nil {
				t.Fatal(err)
			}
			if err := jupytertest.CheckBusyIdle(iopub, reply.ParentHeader.MsgID); err != nil {
				t.Error(err)
			}
			var c wire.CompleteReplyContent
			if err := reply.DecodeContent(&c); err != nil {
				t.Fatal(err)
			}
			// The replaced text is the identifier before the cursor.
			word := tc.code[strings.LastIndexAny(tc.code, ". ")+1:]
			if c.Status != wire.StatusOK || !slices.Contains(c.Matches, tc.want) ||
				c.CursorEnd != cursor || c.CursorStart != cursor-utf8.RuneCountInString(word) {
				t.Errorf("complete_reply %+v, want %q in [%d,%d)", c, tc.want, cursor-len(word), cursor)
			}
			for _, m := range c.Matches {
				if !strings.HasPrefix(m, word) {
					t.Errorf("match %q does not extend %q", m, word)
				}
			}
		})
	}
}

// TestInspect checks inspect_request on a standard library function.
func TestInspect(t *testing.T) {
	t.Parallel()
	k := start(t)
	for _, tc := range []struct {
		name, code string
		cursor     int
		found      bool
		want       string
	}{
		{"stdlib func", "fmt.Println(1)", 6, true, "Println formats using the default formats"},
		{"unknown", "zzzNope", 3, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply, err := k.c.Request(jupytertest.Shell, wire.InspectRequest, wire.InspectRequestContent{Code: tc.code, CursorPos: tc.cursor})
			if err != nil {
				t.Fatal(err)
			}
			var c wire.InspectReplyContent
			if err := reply.DecodeContent(&c); err != nil {
				t.Fatal(err)
			}
			text, _ := c.Data["text/plain"].(string)
			if c.Status != wire.StatusOK || c.Found != tc.found || c.Data == nil || c.Metadata == nil ||
				tc.found && (!strings.Contains(text, "func Println(a ...any)") || !strings.Contains(text, tc.want)) {
				t.Errorf("inspect_reply %+v", c)
			}
		})
	}
}

// TestIsComplete checks is_complete_request's three verdicts.
func TestIsComplete(t *testing.T) {
	t.Parallel()
	k := start(t)
	for _, tc := range []struct {
		code, status string
		indent       bool
	}{
		{"x := 1", "complete", false},
		{"func f() {", "incomplete", true},
		{"fmt.Println(1,", "incomplete", true},
		{"x := )", "invalid", false},
	} {
		t.Run(tc.code, func(t *testing.T) {
			reply, err := k.c.Request(jupytertest.Shell, wire.IsCompleteRequest, wire.IsCompleteRequestContent{Code: tc.code})
			if err != nil {
				t.Fatal(err)
			}
			var raw map[string]any
			if err := reply.DecodeContent(&raw); err != nil {
				t.Fatal(err)
			}
			indent, has := raw["indent"].(string)
			if raw["status"] != tc.status || has != tc.indent || strings.Trim(indent, " \t") != "" {
				t.Errorf("is_complete_reply %v, want status %s (indent %v)", raw, tc.status, tc.indent)
			}
		})
	}
}

// tail returns the last n history entries, [session, line, input].
func tail(t *testing.T, k *kernel, n int) [][]any {
	t.Helper()
	return history(t, k, wire.HistoryRequestContent{HistAccessType: "tail", N: n})
}

func history(t *testing.T, k *kernel, req wire.HistoryRequestContent) [][]any {
	t.Helper()
	reply, err := k.c.Request(jupytertest.Shell, wire.HistoryRequest, req)
	if err != nil {
		t.Fatal(err)
	}
	var c wire.HistoryReplyContent
	if err := reply.DecodeContent(&c); err != nil || c.Status != wire.StatusOK {
		t.Fatalf("history_reply %s (%v)", reply.Content, err)
	}
	return c.History
}

// TestHistory checks history_request: tail and search over this
// kernel's cells.
func TestHistory(t *testing.T) {
	t.Parallel()
	k := start(t)
	for _, code := range []string{"h1 := 1", "h2 := 2", "fmt.Println(h1)", "h1 + h2"} {
		k.mustOK(code)
	}
	k.mustOK("secret := 3", jupytertest.Silent())
	for _, tc := range []struct {
		name string
		req  wire.HistoryRequestContent
		want string
	}{
		{"tail", wire.HistoryRequestContent{HistAccessType: "tail", N: 2}, "[[1 3 fmt.Println(h1)] [1 4 h1 + h2]]"},
		{"tail output", wire.HistoryRequestContent{HistAccessType: "tail", N: 1, Output: true}, "[[1 4 [h1 + h2 3]]]"},
		{"search", wire.HistoryRequestContent{HistAccessType: "search", Pattern: "h? :=*"}, "[[1 1 h1 := 1] [1 2 h2 := 2]]"},
		{"search n", wire.HistoryRequestContent{HistAccessType: "search", Pattern: "*h1*", N: 1}, "[[1 4 h1 + h2]]"},
		{"search misses silent cells", wire.HistoryRequestContent{HistAccessType: "search", Pattern: "secret*"}, "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fmt.Sprint(history(t, k, tc.req)); got != tc.want {
				t.Errorf("history %s, want %s", got, tc.want)
			}
		})
	}
}

// TestComms checks the comm messages of a kernel with no comm targets.
func TestComms(t *testing.T) {
	t.Parallel()
	k := start(t)
	t.Run("comm_info", func(t *testing.T) {
		for _, target := range []string{"", "jupyter.widget"} {
			reply, err := k.c.Request(jupytertest.Shell, wire.CommInfoRequest, wire.CommInfoRequestContent{TargetName: target})
			if err != nil {
				t.Fatal(err)
			}
			var c wire.CommInfoReplyContent
			if err := reply.DecodeContent(&c); err != nil || c.Status != wire.StatusOK || c.Comms == nil || len(c.Comms) != 0 {
				t.Errorf("comm_info_reply for %q: %s (%v)", target, reply.Content, err)
			}
		}
	})
	for _, tc := range []struct {
		typ     string
		content any
		want    []string // iopub message types
	}{
		{wire.CommOpen, wire.CommOpenContent{CommID: "c1", TargetName: "jupyter.widget", Data: map[string]any{}}, []string{"status", "comm_close", "status"}},
		{wire.CommClose, wire.CommCloseContent{CommID: "c1", Data: map[string]any{}}, []string{"status", "status"}},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			m, iopub, err := k.c.Notify(tc.typ, tc.content)
			if err != nil {
				t.Fatal(err)
			}
			if err := jupytertest.CheckBusyIdle(iopub, m.Header.MsgID); err != nil {
				t.Error(err)
			}
			if types := jupytertest.Types(iopub); !slices.Equal(types, tc.want) {
				t.Fatalf("iopub %v, want %v", types, tc.want)
			}
			if tc.typ == wire.CommOpen {
				// The kernel closes a comm whose target it does not have.
				var cc wire.CommCloseContent
				if err := iopub[1].DecodeContent(&cc); err != nil || cc.CommID != "c1" {
					t.Errorf("comm_close %s (%v)", iopub[1].Content, err)
				}
			}
			// No reply (the spec has none), and the kernel carries on.
			k.alive()
			if r, err := k.c.WaitReply(m.Header.MsgID, 0); err == nil {
				t.Errorf("unexpected reply %s", r.Header.MsgType)
			}
		})
	}
}
