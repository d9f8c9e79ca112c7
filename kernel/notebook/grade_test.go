package notebook

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func testCell(id string, points float64, src string) *Cell {
	return &Cell{CellType: "code", Source: Text(src), Metadata: map[string]any{
		"nbgrader": map[string]any{"grade": true, "grade_id": id, "points": points},
	}}
}

type fakeSandbox struct{ fake }

func (fakeSandbox) Close() error { return nil }

func TestGrade(t *testing.T) {
	t.Parallel()
	assignment := &Notebook{Cells: []*Cell{
		codeCell("out solution"),
		testCell("a", 1, "out a passes"),
		testCell("b", 2, "fail Panic"),
		testCell("c", 3, "out c passes"),
	}}
	for _, tc := range []struct {
		name       string
		cells      []*Cell
		assignment *Notebook
		want       []Test
	}{
		{"own tests", assignment.Cells, nil, []Test{
			{ID: "a", Points: 1, Earned: 1},
			{ID: "b", Points: 2, Error: "Panic: it failed …"},
			{ID: "c", Points: 3, Earned: 3}}},
		{"edited and deleted tests", []*Cell{
			testCell("b", 200, "out edited to pass"),
			testCell("mine", 100, "out a test the student added"),
			codeCell("hang"),
			testCell("a", 1, "out a"),
		}, assignment, []Test{
			{ID: "a", Points: 1, Earned: 1}, // after a cell that timed out
			{ID: "b", Points: 2, Error: "Panic: it failed …"},
			{ID: "c", Points: 3, Error: "the test cell is missing from the submission"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nb := &Notebook{Cells: tc.cells}
			rep := Grade(context.Background(), "s.ipynb", nb, fake{}, GradeOptions{Timeout: 50 * time.Millisecond, Assignment: tc.assignment})
			if !reflect.DeepEqual(rep.Tests, tc.want) {
				t.Errorf("tests %+v\nwant %+v", rep.Tests, tc.want)
			}
			earned, possible := 0.0, 0.0
			for _, x := range tc.want {
				earned += x.Earned
				possible += x.Points
			}
			if rep.Earned != earned || rep.Possible != possible {
				t.Errorf("total %v/%v, want %v/%v", rep.Earned, rep.Possible, earned, possible)
			}
		})
	}
}

func TestGradeFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := &Notebook{NBFormat: 4, NBFormatMinor: 5, Cells: []*Cell{testCell("a", 1, "out ok"), testCell("b", 1, "fail E")}}
	if err := good.WriteFile(filepath.Join(dir, "good.ipynb")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "bad.ipynb"), []byte("{"), 0o644)
	var paths []string
	for _, name := range []string{"good.ipynb", "bad.ipynb", "missing.ipynb", "good.ipynb"} {
		paths = append(paths, filepath.Join(dir, name))
	}
	done := make(chan string, len(paths))
	reports := GradeFiles(context.Background(), paths, GradeOptions{
		Parallel: 3,
		Start:    func(string) (Sandbox, error) { return fakeSandbox{}, nil },
		Done:     func(r Report) { done <- r.Submission },
	})
	if len(reports) != 4 || len(done) != 4 {
		t.Fatalf("%d reports, %d Done calls", len(reports), len(done))
	}
	for i, r := range reports {
		if r.Submission != paths[i] {
			t.Errorf("report %d is for %s, want %s", i, r.Submission, paths[i])
		}
	}
	if r := reports[0]; r.Earned != 1 || r.Possible != 2 || r.Error != "" {
		t.Errorf("good: %+v", r)
	}
	if r := reports[1]; !strings.Contains(r.Error, "not valid JSON") || r.Earned != 0 {
		t.Errorf("bad: %+v", r)
	}
	if r := reports[2]; !strings.Contains(r.Error, "no such file") {
		t.Errorf("missing: %+v", r)
	}
}

func TestReports(t *testing.T) {
	t.Parallel()
	reports := []Report{
		{Submission: "alice.ipynb", Earned: 3, Possible: 3, Tests: []Test{{ID: "t1", Points: 1, Earned: 1}, {ID: "t2", Points: 2, Earned: 2}}},
		{Submission: "bob.ipynb", Earned: 1, Possible: 3, Tests: []Test{{ID: "t1", Points: 1, Earned: 1}, {ID: "t2", Points: 2, Error: "Panic: expected [2 4]"}}},
		{Submission: "carol.ipynb", Tests: []Test{}, Error: "notebook: not an nbformat 4 notebook: not valid JSON"},
	}
	var b bytes.Buffer
	if err := WriteTable(&b, reports); err != nil {
		t.Fatal(err)
	}
	want := `submission   t1 (1)  t2 (2)  total
alice.ipynb  1       2       3/3
bob.ipynb    1       0       1/3
carol.ipynb  -       -       0/3

failures:
bob.ipynb
  t2: Panic: expected [2 4]
carol.ipynb
  notebook: not an nbformat 4 notebook: not valid JSON
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteCSV(&b, reports); err != nil {
		t.Fatal(err)
	}
	want = `submission,t1,t2,total,possible,failures
alice.ipynb,1,2,3,3,
bob.ipynb,1,0,1,3,t2: Panic: expected [2 4]
carol.ipynb,,,0,0,notebook: not an nbformat 4 notebook: not valid JSON
`
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteJSON(&b, reports[1:2]); err != nil {
		t.Fatal(err)
	}
	want = `[
  {
    "submission": "bob.ipynb",
    "tests": [
      {
        "grade_id": "t1",
        "points": 1,
        "earned": 1
      },
      {
        "grade_id": "t2",
        "points": 2,
        "earned": 0,
        "error": "Panic: expected [2 4]"
      }
    ],
    "earned": 1,
    "possible": 3,
    "seconds": 0
  }
]
`
	if b.String() != want {
		t.Errorf("JSON:\n%s\nwant:\n%s", b.String(), want)
	}
}
