package symbols

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/traefik/yaegi/extract"
)

const generatePrefix = "//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract "

// generateLines returns the argument lists of the yaegi extract
// go:generate lines of symbols.go.
func generateLines(t *testing.T) [][]string {
	t.Helper()
	f, err := os.Open("symbols.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), generatePrefix); ok {
			lines = append(lines, strings.Fields(rest))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestGeneratedUpToDate regenerates every table in memory, as go generate
// would, and compares it with the committed file.
func TestGeneratedUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks autodiff and gonum from source (about a minute); not in -short")
	}
	lines := generateLines(t)
	if len(lines) == 0 {
		t.Fatal("no go:generate extract lines in symbols.go")
	}
	r := strings.NewReplacer("/", "-", ".", "_", "~", "_")
	want := map[string]bool{"symbols.go": true}
	for _, args := range lines {
		fs := flag.NewFlagSet("extract", flag.ContinueOnError)
		exclude := fs.String("exclude", "", "")
		include := fs.String("include", "", "")
		tag := fs.String("tag", "", "")
		if err := fs.Parse(args); err != nil {
			t.Fatalf("go:generate %v: %v", args, err)
		}
		ext := extract.Extractor{Dest: "symbols"}
		if *exclude != "" {
			ext.Exclude = strings.Split(*exclude, ",")
		}
		if *include != "" {
			ext.Include = strings.Split(*include, ",")
		}
		if *tag != "" {
			ext.Tag = strings.Split(*tag, ",")
		}
		for _, pkg := range fs.Args() {
			name := r.Replace(pkg) + ".go"
			want[name] = true
			t.Run(pkg, func(t *testing.T) {
				t.Parallel() // each extraction type-checks its package from source
				var buf bytes.Buffer
				if _, err := ext.Extract(pkg, "symbols", &buf); err != nil {
					t.Fatalf("extract %s: %v", pkg, err)
				}
				have, err := os.ReadFile(name)
				if err != nil {
					t.Fatalf("%v (run go generate ./kernel/symbols)", err)
				}
				if !bytes.Equal(have, buf.Bytes()) {
					t.Errorf("%s is stale: run go generate ./kernel/symbols", name)
				}
			})
		}
	}
	// A table whose go:generate line was removed must go too.
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !want[f] && !strings.HasSuffix(f, "_test.go") {
			t.Errorf("%s has no go:generate line in symbols.go: delete it", f)
		}
	}
}

func TestTables(t *testing.T) {
	for key, names := range map[string][]string{
		"github.com/gradbook/gradbook/kernel/display/display": {"HTML", "Markdown", "Show", "Update", "Clear", "MIME", "HTMLer", "NewProgress"},
		"github.com/gradbook/gradbook/autodiff/autodiff":      {"Grad", "Jacobian", "Hessian", "Tensor", "Vector", "Sin"},
		"github.com/gradbook/gradbook/autodiff/plot/plot":     {"Tangent", "GradientField", "Figure"},
		"gonum.org/v1/plot/plot":                              {"New", "Plot"},
		"gonum.org/v1/plot/plotter/plotter":                   {"NewLine", "XYs"},
		"gonum.org/v1/plot/vg/vg":                             {"Inch"},
		"gonum.org/v1/gonum/mat/mat":                          {"NewDense", "Formatted"},
	} {
		syms, ok := Symbols[key]
		if !ok {
			t.Errorf("no table %s", key)
			continue
		}
		for _, name := range names {
			if _, ok := syms[name]; !ok {
				t.Errorf("%s has no symbol %s", key, name)
			}
		}
	}
	if _, ok := Symbols["github.com/gradbook/gradbook/kernel/display/display"]["SetSink"]; ok {
		t.Error("display.SetSink must stay host-only")
	}
}
