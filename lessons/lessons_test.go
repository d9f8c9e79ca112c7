package lessons

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gradbook/gradbook/kernel/kerneltest"
)

var update = flag.Bool("update", false, "rewrite the stored outputs of the lesson notebooks")

// notebook is the part of nbformat 4 the comparison reads.
type notebook struct {
	Cells []struct {
		CellType string   `json:"cell_type"`
		Source   any      `json:"source"`
		Outputs  []output `json:"outputs"`
	} `json:"cells"`
}

type output struct {
	OutputType string         `json:"output_type"`
	Name       string         `json:"name"`
	Text       any            `json:"text"`
	Data       map[string]any `json:"data"`
	Ename      string         `json:"ename"`
	Evalue     string         `json:"evalue"`
}

// joined returns nbformat's string-or-list-of-strings as one string.
func joined(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var b strings.Builder
		for _, s := range v {
			fmt.Fprint(&b, s)
		}
		return b.String()
	}
	return ""
}

// volatile matches what legitimately differs between runs (addresses, timings).
var volatile = regexp.MustCompile(`0x[0-9a-f]{6,}|[0-9.]+(ns|µs|ms|s)\b`)

// summary renders a cell's outputs as comparable text: stream text,
// text/plain and the sorted MIME types of rich outputs, error name and value.
func summary(outs []output) string {
	var b strings.Builder
	for _, o := range outs {
		switch o.OutputType {
		case "stream":
			fmt.Fprintf(&b, "[%s]\n%s", o.Name, joined(o.Text))
		case "execute_result", "display_data":
			var mimes []string
			for m := range o.Data {
				mimes = append(mimes, m)
			}
			sort.Strings(mimes)
			fmt.Fprintf(&b, "[%s %s]\n%s\n", o.OutputType, strings.Join(mimes, " "), joined(o.Data["text/plain"]))
		case "error":
			fmt.Fprintf(&b, "[error] %s: %s\n", o.Ename, o.Evalue)
		}
	}
	return volatile.ReplaceAllString(b.String(), "…")
}

func readNotebook(t *testing.T, path string) notebook {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return nb
}

// TestLessons executes every lesson and homework notebook with nbconvert
// on the real kernel and compares each cell's outputs with the stored ones.
func TestLessons(t *testing.T) {
	kerneltest.RequirePython(t, "nbconvert", "nbclient", "jupyter_client")
	paths, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("homework/*.ipynb")
	paths = append(paths, more...)
	if len(paths) == 0 {
		t.Fatal("no lesson notebooks found")
	}
	env := kerneltest.Install(t)
	outDir := t.TempDir()
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			out := filepath.Join(outDir, strings.ReplaceAll(path, "/", "_"))
			cmd := exec.Command(kerneltest.Python, "-m", "nbconvert", "--to", "notebook", "--execute",
				"--ExecutePreprocessor.kernel_name=gradbook", "--ExecutePreprocessor.timeout=300",
				"--output", out, path)
			cmd.Env = env
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("nbconvert --execute %s: %v\n%s", path, err, msg)
			}
			if *update {
				raw, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, raw, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, got := readNotebook(t, path), readNotebook(t, out)
			if len(want.Cells) != len(got.Cells) {
				t.Fatalf("cell count changed: stored %d, ran %d", len(want.Cells), len(got.Cells))
			}
			stored := 0
			for i, c := range want.Cells {
				if c.CellType != "code" {
					continue
				}
				w, g := summary(c.Outputs), summary(got.Cells[i].Outputs)
				if w != "" {
					stored++
				}
				if w != g {
					t.Errorf("cell %d (%q):\nstored:\n%s\nnow:\n%s", i, joined(c.Source), w, g)
				}
			}
			if stored == 0 {
				t.Errorf("%s has no stored outputs: run go test ./lessons -update", path)
			}
		})
	}
}
