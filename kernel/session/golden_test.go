package session

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/*.txt")

// goldenCase is one cell of a golden file (format: testdata/README).
type goldenCase struct {
	line     int      // line of the case in the file
	comments []string // "#" lines, kept by -update
	expect   string   // the # Expect: text, "" when the cell must succeed
	src      []string // cell source lines
	want     []string // expected output lines, without the tab
}

func parseGolden(t *testing.T, file string) []*goldenCase {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cases []*goldenCase
	var c *goldenCase
	for i, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if l == "" {
			c = nil
			continue
		}
		if c == nil {
			c = &goldenCase{line: i + 1}
			cases = append(cases, c)
		}
		switch {
		case strings.HasPrefix(l, "\t"):
			c.want = append(c.want, l[1:])
		case len(c.want) > 0:
			t.Fatalf("%s:%d: cell source after the expected output (missing blank line?)", file, i+1)
		case strings.HasPrefix(l, "#"):
			c.comments = append(c.comments, l)
			if e, ok := strings.CutPrefix(l, "# Expect:"); ok {
				c.expect = strings.TrimSpace(e)
			}
		default:
			c.src = append(c.src, l)
		}
	}
	return cases
}

// output renders what a cell gave as golden lines: stdout, stderr lines
// prefixed "stderr: ", the value prefixed "= ", the traceback "! ".
func (c cell) output() []string {
	var out []string
	add := func(prefix, text string) {
		text = strings.TrimSuffix(text, "\n")
		if text == "" {
			return
		}
		for _, l := range strings.Split(text, "\n") {
			out = append(out, prefix+l)
		}
	}
	add("", c.stdout)
	add("stderr: ", c.stderr)
	add("= ", c.text())
	if e := c.res.Err; e != nil {
		tb := e.Traceback
		if len(tb) == 0 {
			tb = []string{e.Name + ": " + e.Value}
		}
		add("! ", strings.Join(tb, "\n"))
	}
	return out
}

// TestGolden runs each testdata/*.txt file in a fresh session, cell by
// cell, and compares the output; -update rewrites it.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			t.Parallel()
			runGolden(t, file)
		})
	}
}

func runGolden(t *testing.T, file string) {
	cases := parseGolden(t, file)
	for _, gc := range cases {
		for _, c := range gc.comments {
			if why, ok := strings.CutPrefix(c, "# norace:"); ok && raceDetector {
				t.Skip("under the race detector:" + why)
			}
		}
	}
	isFail := strings.HasSuffix(file, "_fail.txt")
	h := newHarness(t, Options{})
	var rewritten []string
	for _, gc := range cases {
		rewritten = append(rewritten, gc.comments...)
		rewritten = append(rewritten, gc.src...)
		if len(gc.src) == 0 {
			rewritten = append(rewritten, "")
			continue
		}
		if gc.expect != "" && !isFail {
			t.Errorf("%s:%d: # Expect: in a file not named *_fail.txt", file, gc.line)
		}
		code := strings.Join(gc.src, "\n")
		c := h.exec(code)
		got := c.output()
		switch e := c.res.Err; {
		case gc.expect == "" && e != nil:
			t.Errorf("%s:%d: unexpected error %v", file, gc.line, e)
		case gc.expect != "" && e == nil:
			t.Errorf("%s:%d: succeeded, want error %q", file, gc.line, gc.expect)
		case gc.expect != "" && !matchError(e, gc.expect):
			t.Errorf("%s:%d: error %q, want %q", file, gc.line, e.Name+": "+e.Value, gc.expect)
		}
		if !*update && strings.Join(got, "\n") != strings.Join(gc.want, "\n") {
			t.Errorf("%s:%d: cell\n%s\ngot:\n\t%s\nwant:\n\t%s", file, gc.line, code,
				strings.Join(got, "\n\t"), strings.Join(gc.want, "\n\t"))
		}
		for _, l := range got {
			rewritten = append(rewritten, "\t"+l)
		}
		rewritten = append(rewritten, "")
	}
	if *update {
		out := strings.TrimRight(strings.Join(rewritten, "\n"), "\n") + "\n"
		if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// matchError reports whether e matches "Name" or "Name: text" (text a
// substring of the error's value).
func matchError(e *Error, expect string) bool {
	name, text, _ := strings.Cut(expect, ": ")
	return e.Name == name && strings.Contains(e.Value, text)
}
