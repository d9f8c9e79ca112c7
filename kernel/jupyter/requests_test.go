package jupyter_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
	"github.com/gradbook/gradbook/kernel/wire"
)

func TestComplete(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	for _, tc := range []struct {
		name       string
		code       string
		cursor     int
		matches    []string
		start, end int
	}{
		{"prefix", "fmt.Pri", 7, []string{"Println", "Printf"}, 4, 7},
		{"non-ASCII before cursor", "s := \"héllo→\"; fl", 17, []string{"float64"}, 15, 17}, // 17 code points, 20 bytes
		{"nothing", "zzz", 3, []string{}, 0, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply, iopub, err := tk.c.Collect(jupytertest.Shell, wire.CompleteRequest, wire.CompleteRequestContent{Code: tc.code, CursorPos: tc.cursor})
			if err != nil {
				t.Fatal(err)
			}
			checkBusyIdle(t, iopub, reply.ParentHeader.MsgID)
			var c wire.CompleteReplyContent
			if err := reply.DecodeContent(&c); err != nil {
				t.Fatal(err)
			}
			if c.Status != "ok" || fmt.Sprint(c.Matches) != fmt.Sprint(tc.matches) || c.CursorStart != tc.start || c.CursorEnd != tc.end || c.Metadata == nil {
				t.Errorf("complete_reply = %+v, want matches %v [%d,%d)", c, tc.matches, tc.start, tc.end)
			}
		})
	}
}

func TestInspect(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	for _, tc := range []struct {
		name  string
		code  string
		found bool
	}{
		{"found", "fmt.Println(1)", true},
		{"not found", "zzz", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply, err := tk.c.Request(jupytertest.Shell, wire.InspectRequest, wire.InspectRequestContent{Code: tc.code, CursorPos: 6, DetailLevel: 0})
			if err != nil {
				t.Fatal(err)
			}
			var c wire.InspectReplyContent
			if err := reply.DecodeContent(&c); err != nil {
				t.Fatal(err)
			}
			if c.Status != "ok" || c.Found != tc.found || c.Data == nil || c.Metadata == nil {
				t.Errorf("inspect_reply = %+v", c)
			}
			if tc.found && c.Data["text/plain"] != "word Println" {
				t.Errorf("data = %v", c.Data)
			}
		})
	}
}

func TestIsComplete(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	for _, tc := range []struct {
		code, status string
		indent       *string
	}{
		{"x := 1", "complete", nil},
		{"func f() {", "incomplete", ptr("  ")},
		{"}", "invalid", nil},
	} {
		t.Run(tc.status, func(t *testing.T) {
			reply, err := tk.c.Request(jupytertest.Shell, wire.IsCompleteRequest, wire.IsCompleteRequestContent{Code: tc.code})
			if err != nil {
				t.Fatal(err)
			}
			var raw map[string]any
			if err := reply.DecodeContent(&raw); err != nil {
				t.Fatal(err)
			}
			if raw["status"] != tc.status {
				t.Errorf("status = %v, want %s", raw["status"], tc.status)
			}
			indent, has := raw["indent"]
			if (tc.indent != nil) != has || has && indent != *tc.indent {
				t.Errorf("indent = %v (present %v), want %v", indent, has, tc.indent)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestHistory(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	cells := []string{"value 1", "stdout a", "value 1", "value 2", "stdout b"}
	for _, code := range cells {
		if _, err := tk.c.Execute(code); err != nil {
			t.Fatal(err)
		}
	}
	// Neither silent nor store_history=false cells are remembered.
	if _, err := tk.c.Execute("value silent", jupytertest.Silent()); err != nil {
		t.Fatal(err)
	}
	if _, err := tk.c.Execute("value forget", jupytertest.StoreHistory(false)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		req  wire.HistoryRequestContent
		want string // fmt of the history entries
	}{
		{"tail", wire.HistoryRequestContent{HistAccessType: "tail", N: 2}, "[[1 4 value 2] [1 5 stdout b]]"},
		{"tail output", wire.HistoryRequestContent{HistAccessType: "tail", N: 1, Output: true}, "[[1 5 [stdout b <nil>]]]"},
		{"tail value output", wire.HistoryRequestContent{HistAccessType: "tail", N: 2, Output: true}, "[[1 4 [value 2 2]] [1 5 [stdout b <nil>]]]"},
		{"range", wire.HistoryRequestContent{HistAccessType: "range", Session: 1, Start: 2, Stop: 4}, "[[1 2 stdout a] [1 3 value 1]]"},
		{"range current session", wire.HistoryRequestContent{HistAccessType: "range", Start: 5}, "[[1 5 stdout b]]"},
		{"range other session", wire.HistoryRequestContent{HistAccessType: "range", Session: 2, Start: 1}, "[]"},
		{"search", wire.HistoryRequestContent{HistAccessType: "search", Pattern: "value*"}, "[[1 1 value 1] [1 3 value 1] [1 4 value 2]]"},
		{"search unique", wire.HistoryRequestContent{HistAccessType: "search", Pattern: "value ?", Unique: true}, "[[1 3 value 1] [1 4 value 2]]"},
		{"search n", wire.HistoryRequestContent{HistAccessType: "search", Pattern: "*", N: 2}, "[[1 4 value 2] [1 5 stdout b]]"},
		{"search class", wire.HistoryRequestContent{HistAccessType: "search", Pattern: "stdout [!a]"}, "[[1 5 stdout b]]"},
		{"search anchored", wire.HistoryRequestContent{HistAccessType: "search", Pattern: "alue"}, "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reply, err := tk.c.Request(jupytertest.Shell, wire.HistoryRequest, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			var c wire.HistoryReplyContent
			if err := reply.DecodeContent(&c); err != nil {
				t.Fatal(err)
			}
			if c.Status != "ok" || fmt.Sprint(c.History) != tc.want {
				t.Errorf("history = %v %v, want %s", c.Status, c.History, tc.want)
			}
		})
	}
}

func TestComms(t *testing.T) {
	t.Parallel()
	tk := startKernel(t)
	t.Run("comm_info", func(t *testing.T) {
		reply, err := tk.c.Request(jupytertest.Shell, wire.CommInfoRequest, wire.CommInfoRequestContent{TargetName: "jupyter.widget"})
		if err != nil {
			t.Fatal(err)
		}
		var c wire.CommInfoReplyContent
		if err := reply.DecodeContent(&c); err != nil || c.Status != "ok" || c.Comms == nil || len(c.Comms) != 0 {
			t.Errorf("comm_info_reply = %s (%v)", reply.Content, err)
		}
	})
	for _, tc := range []struct {
		typ       string
		content   any
		wantTypes string
	}{
		{wire.CommOpen, wire.CommOpenContent{CommID: "c1", TargetName: "nope", Data: map[string]any{}}, "status comm_close status"},
		{wire.CommMsg, wire.CommMsgContent{CommID: "c1", Data: map[string]any{}}, "status status"},
		{wire.CommClose, wire.CommCloseContent{CommID: "c1", Data: map[string]any{}}, "status status"},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			m, iopub, err := tk.c.Notify(tc.typ, tc.content)
			if err != nil {
				t.Fatal(err)
			}
			checkBusyIdle(t, iopub, m.Header.MsgID)
			if types := jupytertest.Types(iopub); strings.Join(types, " ") != tc.wantTypes {
				t.Errorf("iopub = %v, want %s", types, tc.wantTypes)
			}
			if tc.typ == wire.CommOpen {
				var cc wire.CommCloseContent
				if err := iopub[1].DecodeContent(&cc); err != nil || cc.CommID != "c1" {
					t.Errorf("comm_close = %s (%v)", iopub[1].Content, err)
				}
			}
			// No reply: the spec has none for comm messages.
			if _, err := tk.c.KernelInfo(); err != nil {
				t.Fatal(err)
			}
			if r, err := tk.c.WaitReply(m.Header.MsgID, 10*time.Millisecond); err == nil {
				t.Errorf("unexpected reply %s", r.Header.MsgType)
			}
		})
	}
}
