package notebook_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gradbook/gradbook/kernel/kerneltest"
	"github.com/gradbook/gradbook/kernel/notebook"
)

// The tests in this file drive the real gradbook binary.

const homework = "../../lessons/homework/01-gradients.ipynb"

// gradbook runs the binary with args and returns its stdout, stderr and
// exit status.
func gradbook(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(kerneltest.Binary(t), args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("gradbook %v: %v", args, err)
	}
	return o.String(), e.String(), code
}

// write writes a notebook of code cells (tag "!" first in a source marks
// it raises-exception) to dir/name and returns its path.
func write(t *testing.T, dir, name string, sources ...string) string {
	t.Helper()
	nb := &notebook.Notebook{NBFormat: 4, NBFormatMinor: 5, Metadata: map[string]any{"custom": "kept"}}
	for _, src := range sources {
		c := &notebook.Cell{CellType: "code", Metadata: map[string]any{}}
		if s, ok := strings.CutPrefix(src, "!"); ok {
			src = s
			c.Metadata["tags"] = []any{notebook.TagRaisesException}
		}
		c.Source = notebook.Text(src)
		nb.Cells = append(nb.Cells, c)
	}
	path := filepath.Join(dir, name)
	if err := nb.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// summary is a cell's outputs in short: "stream stdout: text",
// "execute_result 3: text/plain", "display_data: mime types",
// "error: ename: evalue".
func summary(c *notebook.Cell) []string {
	var s []string
	for _, o := range c.Outputs {
		switch o.OutputType {
		case "stream":
			s = append(s, "stream "+o.Name+": "+string(o.Text))
		case "execute_result":
			s = append(s, fmt.Sprintf("execute_result %d: %v", *o.ExecutionCount, o.Data["text/plain"]))
		case "display_data":
			var mimes []string
			for m := range o.Data {
				mimes = append(mimes, m)
			}
			s = append(s, "display_data: "+strings.Join(sortStrings(mimes), " "))
		case "error":
			s = append(s, "error: "+o.Ename+": "+firstLine(o.Evalue))
		}
	}
	return s
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

func TestCommandRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "data.txt"), []byte("next to the notebook"), 0o644)
	in := write(t, dir, "in.ipynb",
		"fmt.Println(\"hello\")\nx := 1 + 2\nx",
		"b, _ := os.ReadFile(\"data.txt\")\nstring(b)",
		"display.Markdown(\"**bold**\")",
		"!panic(\"expected to fail\")",
		"time.AfterFunc(0, func() { panic(\"in a callback\") })\ntime.Sleep(time.Minute)",
		"fmt.Println(\"after the crash\")",
	)
	out := filepath.Join(dir, "out.ipynb")
	stdout, stderr, code := gradbook(t, "run", in, "-o", out)
	if code != 1 {
		t.Errorf("exit status %d, want 1 (cell 5 killed its worker)\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stderr, "In [5] (cell 4) failed: WorkerDied") {
		t.Errorf("stderr does not name the failed cell: %s", stderr)
	}
	for _, want := range []string{"In [1]: fmt.Println(\"hello\")\n   ...: x := 1 + 2\n", "hello\nOut[1]: 3\n",
		"Out[2]: next to the notebook", "**bold**", "panic: expected to fail", "after the crash\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("transcript lacks %q:\n%s", want, stdout)
		}
	}
	nb, err := notebook.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"stream stdout: hello\n", "execute_result 1: 3"},
		{"execute_result 2: next to the notebook"},
		{"display_data: text/markdown text/plain"},
		{"error: Panic: expected to fail"},
		{"stream stderr: panic: in a callback…", "error: WorkerDied: the Go worker process died…"},
		{"stream stdout: after the crash\n"},
	}
	for i, c := range nb.Cells {
		// A trailing … in want matches any rest (the worker's words).
		got := summary(c)
		for j := range got {
			if j < len(want[i]) {
				if p, ok := strings.CutSuffix(want[i][j], "…"); ok && strings.HasPrefix(got[j], p) {
					got[j] = want[i][j]
				}
			}
		}
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("cell %d outputs %q, want %q", i, got, want[i])
		}
	}
	if nb.Metadata["custom"] != "kept" {
		t.Errorf("notebook metadata lost: %v", nb.Metadata)
	}

	// Without -o nothing is written; a notebook whose only failure is
	// expected succeeds.
	ok := write(t, dir, "ok.ipynb", "1", "!panic(1)")
	before, _ := os.ReadFile(ok)
	if _, stderr, code := gradbook(t, "run", "-q", ok); code != 0 {
		t.Errorf("exit status %d for a notebook whose failure is expected: %s", code, stderr)
	}
	if after, _ := os.ReadFile(ok); !bytes.Equal(before, after) {
		t.Error("run without -o changed the notebook")
	}
	if _, _, code := gradbook(t, "run", "-q", "--inplace", ok); code != 0 {
		t.Errorf("--inplace: exit status %d", code)
	}
	if nb, err := notebook.ReadFile(ok); err != nil || len(nb.Cells[0].Outputs) != 1 {
		t.Errorf("--inplace did not store the outputs: %v", err)
	}
}

func TestCommandErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	nb := write(t, dir, "nb.ipynb", "1")
	bad := filepath.Join(dir, "bad.ipynb")
	os.WriteFile(bad, []byte("not json"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run"}, 2, "gradbook run: want one notebook\nusage: gradbook run NOTEBOOK.ipynb"},
		{[]string{"run", nb, "--bogus"}, 2, "gradbook run: flag provided but not defined: -bogus"},
		{[]string{"run", nb, "-o", "x", "--inplace"}, 2, "-o and --inplace exclude each other"},
		{[]string{"run", filepath.Join(dir, "missing.ipynb")}, 1, "no such file or directory"},
		{[]string{"run", bad}, 1, "bad.ipynb: notebook: not an nbformat 4 notebook: not valid JSON"},
		{[]string{"grade"}, 2, "gradbook grade: no submissions"},
		{[]string{"grade", "-j", "0", nb}, 2, "-j 0: want at least 1"},
		{[]string{"grade", "--timeout", "soon", nb}, 2, `invalid value "soon" for flag -timeout`},
		{[]string{"grade", "--memory", "1GiB", nb}, 2, "--memory 1GiB: want a size of at least 2GiB"},
		{[]string{"grade", "--memory", "lots", nb}, 2, "--memory lots: want a size"},
		{[]string{"grade", "--assignment", bad, nb}, 1, "bad.ipynb: notebook: not an nbformat 4 notebook"},
		{[]string{"grade", "--csv", filepath.Join(dir, "no", "dir.csv"), nb}, 1, "no such file or directory"},
		{[]string{"assign", nb}, 2, "-o STUDENT.ipynb is required"},
		{[]string{"assign", nb, "-o", nb}, 2, "would overwrite the solution"},
		{[]string{"assign", nb, "-o", filepath.Join(dir, "s.ipynb")}, 1, "no // BEGIN SOLUTION … // END SOLUTION region"},
	} {
		_, stderr, code := gradbook(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("gradbook %q: exit status %d, stderr:\n%s\nwant %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

// hostile writes variants of the homework's solution into dir, each
// with a cell inserted before the graded cell before (or a solution cell
// edited), and returns their paths by name.
func hostile(t *testing.T, dir string) map[string]string {
	escape := filepath.Join(os.TempDir(), fmt.Sprintf("gradbook-escape-%d", os.Getpid()))
	t.Cleanup(func() { os.Remove(escape) })
	solution, err := filepath.Abs(homework)
	if err != nil {
		t.Fatal(err)
	}
	variants := []struct{ name, before, code, old, new string }{
		{name: "exit", before: "test_f", code: "os.Exit(1)"},
		// f exits instead of failing its test; gradF loops
		{name: "exit-in-f", old: "return ad.Sum(", new: "os.Exit(0)\n\treturn ad.Sum("},
		{name: "loop", before: "test_jacobian", code: "for {\n}"},
		{name: "loop-in-gradF", old: "v := x.Data()", new: "for {\n\t}\n\tv := x.Data()"},
		{name: "alloc", before: "test_f", code: "big := make([]byte, 1<<40)\nbig[0] = 1"},
		{name: "write", before: "test_chain_rule", code: fmt.Sprintf("if err := os.WriteFile(%q, []byte(\"x\"), 0o644); err != nil {\n\tpanic(err)\n}", escape)},
		// f reads the instructor's solution: the sandbox must refuse
		{name: "read", old: "return ad.Sum(", new: fmt.Sprintf("if _, err := os.ReadFile(%q); err == nil {\n\t\tpanic(\"read the solution outside the sandbox\")\n\t}\n\treturn ad.Sum(", solution)},
		{name: "net", before: "test_f", code: "import \"net\"\nconn, err := net.Dial(\"tcp\", \"127.0.0.1:1\")\nfmt.Println(conn, err)"},
		{name: "exec", before: "test_grad_f", code: "import \"os/exec\"\nexec.Command(\"true\").Run()"},
		// and the solution of z does not compile
		{name: "syntax", before: "test_chain_rule", code: "func broken( {", old: "func z(w *ad.Tensor) *ad.Tensor {", new: "func z(w *ad.Tensor) *ad.Tensor {{"},
	}
	paths := map[string]string{}
	for _, v := range variants {
		nb, err := notebook.ReadFile(homework)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range nb.Cells {
			if id, _, ok := c.GradeID(); ok && v.before != "" && id == v.before {
				cell := &notebook.Cell{CellType: "code", Source: notebook.Text(v.code), Metadata: map[string]any{}}
				nb.Cells = append(nb.Cells[:i], append([]*notebook.Cell{cell}, nb.Cells[i:]...)...)
				break
			}
		}
		if v.old != "" {
			edited := 0
			for _, c := range nb.Cells {
				if src := string(c.Source); strings.Contains(src, v.old) {
					c.Source = notebook.Text(strings.Replace(src, v.old, v.new, 1))
					edited++
				}
			}
			if edited != 1 {
				t.Fatalf("%s: %q is in %d cells of the homework, want 1", v.name, v.old, edited)
			}
		}
		paths[v.name] = filepath.Join(dir, v.name+".ipynb")
		if err := nb.WriteFile(paths[v.name]); err != nil {
			t.Fatal(err)
		}
	}
	paths["notjson"] = filepath.Join(dir, "notjson.ipynb")
	os.WriteFile(paths["notjson"], []byte(`{"cells": [`), 0o644)
	paths["escape"] = escape
	return paths
}

func TestCommandGrade(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	student := filepath.Join(dir, "student.ipynb")
	if _, stderr, code := gradbook(t, "assign", homework, "-o", student); code != 0 {
		t.Fatalf("assign: exit status %d: %s", code, stderr)
	}
	paths := hostile(t, dir)
	csvPath, jsonPath := filepath.Join(dir, "report.csv"), filepath.Join(dir, "report.json")
	names := []string{"solution", "student", "exit", "exit-in-f", "loop", "loop-in-gradF", "alloc", "write", "read", "net", "exec", "syntax", "notjson"}
	paths["solution"], paths["student"] = homework, student
	args := []string{"grade", "-j", "2", "--timeout", "2s", "--memory", "3GiB", "--assignment", homework, "--csv", csvPath, "--json", jsonPath}
	for _, n := range names {
		args = append(args, paths[n])
	}
	stdout, stderr, code := gradbook(t, args...)
	if code != 0 {
		t.Fatalf("grade: exit status %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	t.Logf("report:\n%s", stdout)
	if _, err := os.Stat(paths["escape"]); err == nil {
		t.Errorf("a graded cell wrote %s, outside its sandbox", paths["escape"])
	}

	var reports []notebook.Report
	raw, _ := os.ReadFile(jsonPath)
	if err := json.Unmarshal(raw, &reports); err != nil || len(reports) != len(names) {
		t.Fatalf("JSON report: %v, %d reports\n%s", err, len(reports), raw)
	}
	// The points each submission earns per test: f 1, grad_f 2, jacobian 3, chain_rule 3.
	type score struct {
		earned []float64
		why    map[string]string // grade_id → part of the error
	}
	want := map[string]score{
		"solution": {[]float64{1, 2, 3, 3}, nil},
		"student": {[]float64{0, 0, 0, 0}, map[string]string{
			"test_f": "Panic: not implemented", "test_grad_f": "Panic: not implemented",
			"test_jacobian": "Panic: not implemented", "test_chain_rule": "Panic: not implemented"}},
		"exit":          {[]float64{1, 2, 3, 3}, nil},
		"exit-in-f":     {[]float64{0, 0, 3, 3}, map[string]string{"test_f": "Exit: ", "test_grad_f": "Exit: "}},
		"loop":          {[]float64{1, 2, 3, 3}, nil},
		"loop-in-gradF": {[]float64{1, 0, 3, 3}, map[string]string{"test_grad_f": "Timeout: the cell ran longer than the time limit of 2s"}},
		"alloc":         {[]float64{1, 2, 3, 3}, nil},
		"write":         {[]float64{1, 2, 3, 3}, nil},
		"read":          {[]float64{1, 2, 3, 3}, nil},
		"net":           {[]float64{1, 2, 3, 3}, nil},
		"exec":          {[]float64{1, 2, 3, 3}, nil},
		"syntax":        {[]float64{1, 2, 3, 0}, map[string]string{"test_chain_rule": "undefined: z"}},
		"notjson":       {nil, nil},
	}
	for i, r := range reports {
		name := names[i]
		w := want[name]
		if r.Submission != paths[name] {
			t.Errorf("report %d is for %s, want %s", i, r.Submission, paths[name])
		}
		if name == "notjson" {
			if r.Earned != 0 || !strings.Contains(r.Error, "not valid JSON") {
				t.Errorf("notjson: %+v", r)
			}
			continue
		}
		var earned []float64
		for _, x := range r.Tests {
			earned = append(earned, x.Earned)
			if why := w.why[x.ID]; why != "" && !strings.Contains(x.Error, why) {
				t.Errorf("%s: %s failed with %q, want %q", name, x.ID, x.Error, why)
			}
		}
		if !reflect.DeepEqual(earned, w.earned) || r.Possible != 9 {
			t.Errorf("%s earned %v of %v, want %v of 9: %+v", name, earned, r.Possible, w.earned, r)
		}
	}

	// The table and the CSV say the same.
	for _, line := range []string{"test_f (1)  test_grad_f (2)  test_jacobian (3)  test_chain_rule (3)  total",
		"  test_chain_rule: CompileError: ", "notjson.ipynb  ", "9/9"} {
		if !strings.Contains(stdout, line) {
			t.Errorf("table lacks %q", line)
		}
	}
	f, _ := os.Open(csvPath)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != len(names)+1 {
		t.Fatalf("CSV: %v, %d rows", err, len(rows))
	}
	if got := strings.Join(rows[0], ","); got != "submission,test_f,test_grad_f,test_jacobian,test_chain_rule,total,possible,failures" {
		t.Errorf("CSV header %s", got)
	}
	if got := strings.Join(rows[2][1:], ","); !strings.HasPrefix(got, "0,0,0,0,0,9,test_f: Panic: not implemented; ") {
		t.Errorf("CSV row of the student version: %s", got)
	}
	if got := strings.Join(rows[1][1:], ","); got != "1,2,3,3,9,9," {
		t.Errorf("CSV row of the solution: %s", got)
	}
}

func TestCommandAssign(t *testing.T) {
	t.Parallel()
	student := filepath.Join(t.TempDir(), "student.ipynb")
	if _, stderr, code := gradbook(t, "assign", homework, "-o", student); code != 0 {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	sol, err := notebook.ReadFile(homework)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := notebook.ReadFile(student)
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != len(sol.Cells) {
		t.Fatalf("%d cells, the solution has %d", len(nb.Cells), len(sol.Cells))
	}
	stubs := 0
	for i, c := range nb.Cells {
		src := string(c.Source)
		if len(c.Outputs) > 0 || c.ExecutionCount != nil {
			t.Errorf("cell %d keeps outputs", i)
		}
		for _, leak := range []string{"SOLUTION", "HIDDEN", "ad.Pow(ad.Sub(ad.Dot(x, w)", "math.Tanh(s)", "2*v[0]", "{-2, 0.25, 1.5}"} {
			if strings.Contains(src, leak) {
				t.Errorf("cell %d gives away %q:\n%s", i, leak, src)
			}
		}
		stubs += strings.Count(src, "\t// YOUR CODE HERE\n\tpanic(\"not implemented\")\n}")
		if _, _, graded := c.GradeID(); graded && !strings.Contains(src, "expect") {
			t.Errorf("test cell %d lost its checks:\n%s", i, src)
		}
	}
	if stubs != 6 {
		t.Errorf("%d stubbed func bodies, want 6", stubs)
	}
	// The hand-out runs: every test fails with "not implemented", and
	// nothing else fails.
	stdout, _, code := gradbook(t, "run", student)
	if code != 1 {
		t.Errorf("running the hand-out: exit status %d, want 1", code)
	}
	if n := strings.Count(stdout, "\npanic: not implemented\n"); n != 4 {
		t.Errorf("%d cells fail with not implemented, want the 4 tests:\n%s", n, stdout)
	}
}
