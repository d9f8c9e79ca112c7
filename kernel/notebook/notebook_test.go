package notebook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gradbook/gradbook/kernel/jupyter"
)

const sample = `{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "m1",
   "metadata": {"tags": ["intro"]},
   "source": ["# Title\n", "text"],
   "attachments": {"a.png": {"image/png": "AAAA"}}
  },
  {
   "cell_type": "code",
   "execution_count": 3,
   "id": "c1",
   "metadata": {"nbgrader": {"grade": true, "grade_id": "t1", "points": 2.5}, "custom": {"k": [1, 2]}},
   "outputs": [
    {"name": "stdout", "output_type": "stream", "text": ["a\n", "b\n"]},
    {"data": {"image/png": "iVBOR", "text/plain": ["<img>"]}, "metadata": {}, "output_type": "display_data", "future": 1}
   ],
   "source": "x := 1\nx"
  }
 ],
 "metadata": {"kernelspec": {"name": "gradbook"}},
 "nbformat": 4,
 "nbformat_minor": 5,
 "unknown_top": {"kept": true}
}`

func TestReadWrite(t *testing.T) {
	t.Parallel()
	nb, err := Read(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 2 || nb.Cells[0].Source != "# Title\ntext" || nb.Cells[1].Source != "x := 1\nx" {
		t.Fatalf("cells %+v", nb.Cells)
	}
	c := nb.Cells[1]
	if *c.ExecutionCount != 3 || c.Outputs[0].Text != "a\nb\n" || c.Outputs[1].Data["text/plain"] != "<img>" {
		t.Errorf("code cell %+v, outputs %+v %+v", c, c.Outputs[0], c.Outputs[1])
	}
	if id, points, ok := c.GradeID(); id != "t1" || points != 2.5 || !ok {
		t.Errorf("GradeID = %q %v %v", id, points, ok)
	}
	if _, _, ok := nb.Cells[0].GradeID(); ok || !nb.Cells[0].HasTag("intro") || c.HasTag("intro") {
		t.Error("markdown cell: GradeID ok or tags wrong")
	}
	var b bytes.Buffer
	if err := nb.Write(&b); err != nil {
		t.Fatal(err)
	}
	// Everything read is written back, in Jupyter's form.
	var want, got any
	json.Unmarshal([]byte(sample), &want)
	json.Unmarshal(b.Bytes(), &got)
	want.(map[string]any)["cells"].([]any)[1].(map[string]any)["source"] = []any{"x := 1\n", "x"}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("round trip changed the notebook:\n%s", b.String())
	}
	if !strings.HasPrefix(b.String(), "{\n \"cells\": [\n  {\n   \"attachments\"") || !strings.HasSuffix(b.String(), "}\n") {
		t.Errorf("not written as Jupyter writes:\n%s", b.String())
	}
}

func TestWriteRequiredFields(t *testing.T) {
	t.Parallel()
	n := 1
	nb := &Notebook{NBFormat: 4, NBFormatMinor: 5, Cells: []*Cell{
		{CellType: "code", Source: ""},
		{CellType: "code", Source: "1", ExecutionCount: &n, Outputs: []*Output{
			{OutputType: "execute_result", Data: map[string]any{"text/plain": "1"}, ExecutionCount: &n},
			{OutputType: "error", Ename: "E", Evalue: "v"},
		}},
		{CellType: "markdown", Source: "<b>&</b>"},
	}}
	var b bytes.Buffer
	if err := nb.Write(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"execution_count": null`, `"outputs": []`, `"source": []`, `"traceback": []`,
		`"metadata": {}`, `"source": [` + "\n" + `    "<b>&</b>"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("written notebook lacks %s:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), `"outputs": [],`+"\n"+`   "source": [`+"\n"+`    "<b>`) {
		t.Error("a markdown cell has outputs")
	}
	if _, err := Read(&b); err != nil {
		t.Errorf("written notebook does not read back: %v", err)
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"not JSON", `{"cells": [`, "not valid JSON"},
		{"empty", ``, "not valid JSON"},
		{"array", `[1, 2]`, "not valid JSON"},
		{"no nbformat", `{"cells": []}`, "no nbformat field"},
		{"nbformat 3", `{"nbformat": 3, "worksheets": []}`, "nbformat 3"},
		{"no cells", `{"nbformat": 4, "metadata": {}}`, "no cells"},
		{"bad cell type", `{"nbformat": 4, "cells": [{"cell_type": "python", "source": ""}]}`, `cell 0 has cell_type "python"`},
		{"null cell", `{"nbformat": 4, "cells": [null]}`, "cell 0 is null"},
		{"bad source", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}`, "a string or a list of strings"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in))
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrFormat saying %q", err, tc.want)
			}
		})
	}
}

func TestAssign(t *testing.T) {
	t.Parallel()
	nb := &Notebook{NBFormat: 4, Cells: []*Cell{
		{CellType: "code", Metadata: map[string]any{"nbgrader": map[string]any{"solution": false}, "execution": map[string]any{}},
			Source:  "func f(x int) int {\n\t// BEGIN SOLUTION\n\treturn 2 * x\n\t//   END SOLUTION\n}\nf(1)",
			Outputs: []*Output{{OutputType: "stream", Name: "stdout", Text: "2"}}},
		{CellType: "code", Source: "check(f)\n// BEGIN HIDDEN TESTS\nhidden(f)\n// END HIDDEN TESTS\nfmt.Println(\"ok\")"},
		{CellType: "markdown", Source: "Why?\n\nBEGIN SOLUTION\nBecause.\nEND SOLUTION"},
	}}
	if err := Assign(nb); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"func f(x int) int {\n\t// YOUR CODE HERE\n\tpanic(\"not implemented\")\n}\nf(1)",
		"check(f)\nfmt.Println(\"ok\")",
		"Why?\n\nYOUR ANSWER HERE",
	}
	for i, w := range want {
		if got := string(nb.Cells[i].Source); got != w {
			t.Errorf("cell %d:\n%s\nwant\n%s", i, got, w)
		}
	}
	c := nb.Cells[0]
	if c.Outputs != nil || c.ExecutionCount != nil || c.Metadata["execution"] != nil || c.Metadata["nbgrader"].(map[string]any)["solution"] != true {
		t.Errorf("cell 0 not cleared: %+v", c)
	}

	for _, tc := range []struct{ name, src, want string }{
		{"open", "a\n// BEGIN SOLUTION\nb", "cell 0: line 2: BEGIN SOLUTION has no END SOLUTION"},
		{"end only", "// END SOLUTION", "cell 0: line 1: END SOLUTION without BEGIN SOLUTION"},
		{"nested", "// BEGIN SOLUTION\n// BEGIN SOLUTION", "line 2: BEGIN SOLUTION inside the region opened at line 1"},
		{"hidden open", "// BEGIN SOLUTION\n// END SOLUTION\n// BEGIN HIDDEN TESTS", "line 3: BEGIN HIDDEN TESTS has no END HIDDEN TESTS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Assign(&Notebook{Cells: []*Cell{{CellType: "code", Source: Text(tc.src)}}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if err := Assign(&Notebook{Cells: []*Cell{{CellType: "code", Source: "x := 1"}}}); !errors.Is(err, ErrNoSolution) {
		t.Errorf("no solution: err = %v", err)
	}
}

// fake runs cells whose code is a script of what to send: each line
// "out TEXT", "err TEXT", "display ID TEXT", "update ID TEXT", "clear",
// "clearwait", "value TEXT", "fail NAME", "hang" (until ctx is done).
type fake struct{}

func (fake) Execute(ctx context.Context, req jupyter.ExecuteRequest, out jupyter.Output) jupyter.ExecuteResult {
	var res jupyter.ExecuteResult
	for _, l := range strings.Split(req.Code, "\n") {
		op, arg, _ := strings.Cut(l, " ")
		switch op {
		case "out":
			out.Stream("stdout", arg+"\n")
		case "err":
			out.Stream("stderr", arg+"\n")
		case "display", "update":
			id, text, _ := strings.Cut(arg, " ")
			out.Display(jupyter.DisplayData{Data: map[string]any{"text/plain": text}, DisplayID: id, Update: op == "update"})
		case "clear":
			out.ClearOutput(false)
		case "clearwait":
			out.ClearOutput(true)
		case "value":
			res.Data = map[string]any{"text/plain": arg}
		case "fail":
			res.Error = &jupyter.CellError{Name: arg, Value: "it failed\nsecond line", Traceback: []string{arg + ": it failed"}}
		case "hang":
			<-ctx.Done()
			res.Error = &jupyter.CellError{Name: "Interrupted", Value: "interrupted"}
		}
	}
	return res
}

func codeCell(src string, tags ...any) *Cell {
	return &Cell{CellType: "code", Source: Text(src), Metadata: map[string]any{"tags": tags}}
}

func TestRun(t *testing.T) {
	t.Parallel()
	nb := &Notebook{NBFormat: 4, Cells: []*Cell{
		{CellType: "markdown", Source: "# hi"},
		codeCell("out a\nout b\nerr c\nout d\nvalue 42"),
		codeCell("  \n"),
		codeCell("display p 10%\nout x\nclearwait\nout y"),
		codeCell("update p 100%\nfail Panic", TagRaisesException),
		codeCell("hang"),
	}}
	var echo bytes.Buffer
	runs := Run(context.Background(), nb, fake{}, Options{Echo: &echo, Timeout: 50 * time.Millisecond})
	if len(runs) != 4 {
		t.Fatalf("%d runs, want 4 (the empty cell is skipped)", len(runs))
	}
	type out struct{ typ, name, text string }
	summary := func(c *Cell) []out {
		var s []out
		for _, o := range c.Outputs {
			text := string(o.Text)
			switch o.OutputType {
			case "display_data", "execute_result":
				text = o.Data["text/plain"].(string)
			case "error":
				text = o.Ename + ": " + o.Evalue
			}
			s = append(s, out{o.OutputType, o.Name, text})
		}
		return s
	}
	for i, want := range [][]out{
		1: {{"stream", "stdout", "a\nb\n"}, {"stream", "stderr", "c\n"}, {"stream", "stdout", "d\n"}, {"execute_result", "", "42"}},
		2: nil,
		3: {{"stream", "stdout", "y\n"}},
		4: {{"error", "", "Panic: it failed\nsecond line"}},
		5: {{"error", "", "Timeout: the cell ran longer than the time limit of 50ms and was stopped"}},
	} {
		if i == 0 {
			continue
		}
		if got := summary(nb.Cells[i]); !reflect.DeepEqual(got, want) {
			t.Errorf("cell %d outputs %q, want %q", i, got, want)
		}
	}
	if c := nb.Cells[2]; c.ExecutionCount != nil {
		t.Errorf("empty cell has execution count %d", *c.ExecutionCount)
	}
	if n := nb.Cells[5].ExecutionCount; n == nil || *n != 4 {
		t.Errorf("last cell's execution count %v, want 4", n)
	}
	if n := nb.Cells[1].Outputs[3].ExecutionCount; n == nil || *n != 1 {
		t.Errorf("execute_result count %v, want 1", n)
	}
	// The display cleared by clearwait is gone; an update to it is harmless.
	r, failed := Failed(nb, runs)
	if !failed || r.Index != 5 || r.Error.Name != ErrTimeout {
		t.Errorf("Failed = %+v %v, want the timed-out cell 5 (cell 4 may fail)", r, failed)
	}
	for _, want := range []string{"In [1]: out a\n   ...: out b\n", "a\nb\nc\nd\nOut[1]: 42\n", "In [2]: display p 10%\n", "10%\nx\ny\n", "Panic: it failed\n"} {
		if !strings.Contains(echo.String(), want) {
			t.Errorf("transcript lacks %q:\n%s", want, echo.String())
		}
	}

	// An update changes a display of an earlier cell.
	nb = &Notebook{Cells: []*Cell{codeCell("display p 0%"), codeCell("update p 100%")}}
	Run(context.Background(), nb, fake{}, Options{})
	if got := nb.Cells[0].Outputs[0].Data["text/plain"]; got != "100%" {
		t.Errorf("updated display shows %v", got)
	}

	// MaxOutput truncates a cell's stream output with a note.
	nb = &Notebook{Cells: []*Cell{codeCell(strings.Repeat("out 0123456789\n", 10))}}
	Run(context.Background(), nb, fake{}, Options{MaxOutput: 25})
	if got := string(nb.Cells[0].Outputs[0].Text); got != "0123456789\n0123456789\n012\n[gradbook] output truncated after 25 bytes\n" {
		t.Errorf("truncated output %q", got)
	}
}

func TestRunCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	nb := &Notebook{Cells: []*Cell{codeCell("out a")}}
	nb.Cells[0].Outputs = []*Output{{OutputType: "stream", Name: "stdout", Text: "old"}}
	if runs := Run(ctx, nb, fake{}, Options{}); len(runs) != 0 || nb.Cells[0].Outputs != nil {
		t.Errorf("cancelled run ran %v, outputs %v", runs, nb.Cells[0].Outputs)
	}
}
