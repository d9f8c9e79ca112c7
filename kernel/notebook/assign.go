package notebook

import (
	"errors"
	"fmt"
	"strings"
)

// Markers of the regions Assign replaces or removes: each on a line of
// its own (after any indentation), in code cells as // comments.
const (
	BeginSolution    = "BEGIN SOLUTION"
	EndSolution      = "END SOLUTION"
	BeginHiddenTests = "BEGIN HIDDEN TESTS"
	EndHiddenTests   = "END HIDDEN TESTS"
)

// ErrNoSolution is returned by Assign for a notebook without solution
// regions: it is probably not the instructor's solution notebook.
var ErrNoSolution = errors.New("notebook: no // BEGIN SOLUTION … // END SOLUTION region")

// Assign turns an instructor's solution notebook into the version handed
// to students, in place:
//
//   - in code cells, each region from a "// BEGIN SOLUTION" line to an
//     "// END SOLUTION" line becomes, at the indentation of the BEGIN
//     line, "// YOUR CODE HERE" and panic("not implemented"), so a func
//     body still compiles, and fails clearly when called;
//   - in markdown cells, a region from "BEGIN SOLUTION" to "END SOLUTION"
//     becomes "YOUR ANSWER HERE";
//   - regions from "// BEGIN HIDDEN TESTS" to "// END HIDDEN TESTS" are
//     removed (grade with the solution notebook as the assignment to run
//     them);
//   - outputs, execution counts and nbconvert's execution timings are
//     cleared.
//
// A region left open, or an END without its BEGIN, is an error that names
// the cell and line.
func Assign(nb *Notebook) error {
	solutions := 0
	for i, c := range nb.Cells {
		if c.CellType == "raw" {
			continue
		}
		code := c.CellType == "code"
		src := string(c.Source)
		var n int
		var err error
		solutions0 := solutions
		src, n, err = replaceRegions(src, code, BeginSolution, EndSolution, func(indent string) []string {
			if code {
				return []string{indent + "// YOUR CODE HERE", indent + `panic("not implemented")`}
			}
			return []string{indent + "YOUR ANSWER HERE"}
		})
		solutions += n
		if err == nil && code {
			src, _, err = replaceRegions(src, code, BeginHiddenTests, EndHiddenTests, func(string) []string { return nil })
		}
		if err != nil {
			return fmt.Errorf("notebook: cell %d: %w", i, err)
		}
		c.Source = Text(src)
		if code {
			c.Outputs, c.ExecutionCount = nil, nil
			delete(c.Metadata, "execution")
		}
		if solutions > solutions0 && c.Metadata != nil {
			if nbg, ok := c.Metadata["nbgrader"].(map[string]any); ok {
				nbg["solution"] = true
			}
		}
	}
	if solutions == 0 {
		return ErrNoSolution
	}
	return nil
}

// replaceRegions replaces each region of src from a begin marker line to
// an end marker line, both included, by repl(the begin line's
// indentation). It returns how many regions it replaced.
func replaceRegions(src string, code bool, begin, end string, repl func(indent string) []string) (string, int, error) {
	marker := func(line, m string) bool {
		l := strings.TrimSpace(line)
		if code {
			rest, ok := strings.CutPrefix(l, "//")
			return ok && strings.TrimSpace(rest) == m
		}
		return strings.Trim(l, "#=*<>!- ") == m
	}
	var out []string
	n, open := 0, -1
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		switch {
		case marker(l, begin):
			if open >= 0 {
				return "", 0, fmt.Errorf("line %d: %s inside the region opened at line %d", i+1, begin, open+1)
			}
			open = i
			indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
			out = append(out, repl(indent)...)
		case marker(l, end):
			if open < 0 {
				return "", 0, fmt.Errorf("line %d: %s without %s", i+1, end, begin)
			}
			open = -1
			n++
		case open < 0:
			out = append(out, l)
		}
	}
	if open >= 0 {
		return "", 0, fmt.Errorf("line %d: %s has no %s", open+1, begin, end)
	}
	return strings.Join(out, "\n"), n, nil
}
