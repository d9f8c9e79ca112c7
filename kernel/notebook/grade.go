package notebook

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// Test is the outcome of one autograded test cell (see Cell.GradeID).
type Test struct {
	ID     string  `json:"grade_id"`
	Points float64 `json:"points"` // possible
	Earned float64 `json:"earned"` // Points when it passed, else 0
	// Error is why the test failed: "ename: evalue" (its first line);
	// empty when it passed.
	Error string `json:"error,omitempty"`
}

// Report is one submission's grade.
type Report struct {
	Submission string  `json:"submission"`
	Tests      []Test  `json:"tests"`
	Earned     float64 `json:"earned"`
	Possible   float64 `json:"possible"`
	// Error is why the submission could not be graded at all (not a
	// notebook, the worker would not start); it then earns 0.
	Error   string  `json:"error,omitempty"`
	Seconds float64 `json:"seconds"` // how long grading took
}

// Sandbox runs the cells of one submission; Close ends it, and whatever
// it started.
type Sandbox interface {
	Executor
	Close() error
}

// GradeOptions configures Grade and GradeFiles.
type GradeOptions struct {
	// Start starts a fresh, isolated interpreter for the submission at
	// the path it is given.
	Start func(submission string) (Sandbox, error)
	// Timeout bounds each cell (see Options.Timeout); zero means 10 s.
	Timeout time.Duration
	// Parallel is how many submissions GradeFiles grades at once; zero
	// means 1.
	Parallel int
	// Assignment, when set, is the notebook that was handed out (or its
	// solution): its test cells replace the submission's cells of the
	// same grade_id before grading, and its points count, so that a
	// student cannot edit or delete a test. A test missing from the
	// submission fails.
	Assignment *Notebook
	// MaxOutput bounds the stream output kept per cell (see
	// Options.MaxOutput); zero means 1 MiB.
	MaxOutput int
	// Done, when set, is called with each report as soon as it is ready
	// (from the goroutine that graded it).
	Done func(Report)
}

func (o *GradeOptions) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Parallel <= 0 {
		o.Parallel = 1
	}
	if o.MaxOutput <= 0 {
		o.MaxOutput = 1 << 20
	}
}

// Grade runs the submission nb in sb, every cell in order with the time
// limit, and scores its test cells: a test passes when its cell raised no
// error. A cell that fails, times out or kills the worker fails only
// itself (and whatever later cells needed its state); grading goes on
// with the next cell. nb's outputs are replaced by the run's.
func Grade(ctx context.Context, name string, nb *Notebook, sb Executor, opts GradeOptions) Report {
	opts.defaults()
	start := time.Now()
	rep := Report{Submission: name, Tests: []Test{}}
	tests := prepare(nb, opts.Assignment)
	runs := Run(ctx, nb, sb, Options{Timeout: opts.Timeout, MaxOutput: opts.MaxOutput})
	byIndex := map[int]CellRun{}
	for _, r := range runs {
		byIndex[r.Index] = r
	}
	isTest := map[int]bool{}
	for _, t := range tests {
		isTest[t.index] = true
	}
	for _, t := range tests {
		r, ran := byIndex[t.index]
		switch {
		case t.index < 0:
			rep.add(t.Test, "the test cell is missing from the submission")
		case !ran && ctx.Err() != nil:
			rep.add(t.Test, "not run: grading was interrupted")
		case !ran:
			rep.add(t.Test, "the test cell is empty")
		case r.Error != nil:
			rep.add(t.Test, r.Error.Name+": "+firstLine(r.Error.Value)+cause(runs, isTest, r))
		default:
			rep.add(t.Test, "")
		}
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep
}

// cause returns a note on what, before the failed test r, may explain
// its failure: the last cell that reset the state (all later tests lack
// the student's definitions), or for a compile error (an undefined name),
// the last cell other than a test that failed.
func cause(runs []CellRun, isTest map[int]bool, r CellRun) string {
	var reset, failed *CellRun
	for i := range runs {
		p := &runs[i]
		if p.Index >= r.Index {
			continue
		}
		if p.Reset {
			reset = p
		}
		if p.Error != nil && !isTest[p.Index] {
			failed = p
		}
	}
	switch {
	case reset != nil && !r.Reset:
		return fmt.Sprintf(" (after In [%d] reset the state: %s)", reset.Count, reset.Error.Name)
	case failed != nil && r.Error.Name == "CompileError":
		return fmt.Sprintf(" (In [%d] failed: %s: %s)", failed.Count, failed.Error.Name, firstLine(failed.Error.Value))
	}
	return ""
}

// add records a test, passed when why is empty.
func (r *Report) add(t Test, why string) {
	if why == "" {
		t.Earned = t.Points
	}
	t.Error = why
	r.Tests = append(r.Tests, t)
	r.Earned += t.Earned
	r.Possible += t.Points
}

// gradedCell is a test cell and its index in the submission (-1: missing).
type gradedCell struct {
	Test
	index int
}

// prepare lists nb's tests, after replacing its test cells by the
// assignment's when there is one. A grade_id seen twice is reported once,
// as its first cell.
func prepare(nb, assignment *Notebook) []gradedCell {
	var tests []gradedCell
	seen := map[string]bool{}
	if assignment == nil {
		for i, c := range nb.Cells {
			if id, points, ok := c.GradeID(); ok && !seen[id] {
				seen[id] = true
				tests = append(tests, gradedCell{Test{ID: id, Points: points}, i})
			}
		}
		return tests
	}
	where := map[string]int{}
	for i, c := range nb.Cells {
		if id, _, ok := c.GradeID(); ok {
			if _, dup := where[id]; !dup {
				where[id] = i
			}
		}
	}
	for _, ac := range assignment.Cells {
		id, points, ok := ac.GradeID()
		if !ok || seen[id] {
			continue
		}
		seen[id] = true
		i, found := where[id]
		if !found {
			tests = append(tests, gradedCell{Test{ID: id, Points: points}, -1})
			continue
		}
		nb.Cells[i].Source = ac.Source
		nb.Cells[i].Metadata = ac.Metadata
		tests = append(tests, gradedCell{Test{ID: id, Points: points}, i})
	}
	// A cell the student marked as graded that the assignment does not
	// have is not a test.
	for id, i := range where {
		if !seen[id] {
			delete(nb.Cells[i].Metadata, "nbgrader")
		}
	}
	return tests
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// GradeFiles grades the notebooks at paths, opts.Parallel at a time, each
// in a sandbox of its own from opts.Start, and returns their reports in
// the order of paths. A file that cannot be read or is not an nbformat 4
// notebook gets a report that says why and earns 0; nothing a submission
// does stops the batch.
func GradeFiles(ctx context.Context, paths []string, opts GradeOptions) []Report {
	opts.defaults()
	reports := make([]Report, len(paths))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.Parallel, len(paths)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				reports[i] = gradeFile(ctx, paths[i], opts)
				if opts.Done != nil {
					opts.Done(reports[i])
				}
			}
		}()
	}
	for i := range paths {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return reports
}

func gradeFile(ctx context.Context, path string, opts GradeOptions) Report {
	start := time.Now()
	fail := func(err error) Report {
		rep := Report{Submission: path, Tests: []Test{}, Error: err.Error(), Seconds: time.Since(start).Seconds()}
		if opts.Assignment != nil {
			for _, t := range prepare(&Notebook{}, opts.Assignment) {
				rep.add(t.Test, "not graded")
			}
		}
		return rep
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return fail(err)
	}
	nb, err := Read(bytes.NewReader(raw))
	if err != nil {
		return fail(err)
	}
	sb, err := opts.Start(path)
	if err != nil {
		return fail(fmt.Errorf("cannot start the Go worker: %w", err))
	}
	defer sb.Close()
	return Grade(ctx, path, nb, sb, opts)
}
