package autodiff

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// exportedAPI returns every exported function, type, method, constant and
// variable of the package in dir with its doc comment, and the names that
// have an Example (go doc's convention: ExampleF, ExampleT, ExampleT_M, with
// an optional _suffix).
func exportedAPI(t *testing.T, dir string) (names map[string]string, examples map[string]bool) {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files, tests []*ast.File
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(n, "_test.go") {
			tests = append(tests, f)
		} else {
			files = append(files, f)
		}
	}
	p, err := doc.NewFromFiles(fset, files, "x")
	if err != nil {
		t.Fatal(err)
	}
	names = map[string]string{}
	values := func(vs []*doc.Value) {
		for _, v := range vs {
			for _, n := range v.Names {
				if ast.IsExported(n) {
					names[n] = v.Doc
				}
			}
		}
	}
	funcs := func(prefix string, fs []*doc.Func) {
		for _, f := range fs {
			if ast.IsExported(f.Name) {
				names[prefix+f.Name] = f.Doc
			}
		}
	}
	values(p.Consts)
	values(p.Vars)
	funcs("", p.Funcs)
	for _, ty := range p.Types {
		names[ty.Name] = ty.Doc
		values(ty.Consts)
		values(ty.Vars)
		funcs("", ty.Funcs)
		funcs(ty.Name+"_", ty.Methods)
	}
	examples = map[string]bool{}
	for _, ex := range doc.Examples(tests...) {
		examples[ex.Name] = true
		if i := strings.LastIndex(ex.Name, "_"); i > 0 && !ast.IsExported(ex.Name[i+1:]) {
			examples[ex.Name[:i]] = true // ExampleF_suffix
		}
	}
	return names, examples
}

// checkAPIDocs fails for every exported name of the package in dir without
// a doc comment or an Example test. A constant or variable counts as
// covered by an Example of its type or of its declaration group's first
// name.
func checkAPIDocs(t *testing.T, dir string, groups map[string]string) {
	names, examples := exportedAPI(t, dir)
	var noDoc, noExample []string
	for n, d := range names {
		if strings.TrimSpace(d) == "" {
			noDoc = append(noDoc, n)
		}
		if !examples[n] && !examples[groups[n]] {
			noExample = append(noExample, n)
		}
	}
	sort.Strings(noDoc)
	sort.Strings(noExample)
	if len(noDoc) > 0 {
		t.Errorf("exported names without a doc comment: %s", strings.Join(noDoc, " "))
	}
	if len(noExample) > 0 {
		t.Errorf("exported names without an Example: %s", strings.Join(noExample, " "))
	}
}

func TestEveryExportedNameHasDocAndExample(t *testing.T) {
	t.Parallel()
	checkAPIDocs(t, ".", map[string]string{
		"Numerator": "Layout", "Denominator": "Layout", "Framework": "Layout",
		"Auto": "Mode", "Forward": "Mode", "Reverse": "Mode",
		"ErrNotScalar": "Tensor_TryBackward", "ErrFreed": "Tensor_TryBackward", "ErrNoGraph": "Tensor_TryBackward",
		"DefaultKink": "Kink",
	})
	checkAPIDocs(t, "plot", map[string]string{
		"DefaultWidth": "Figure_SVG", "DefaultHeight": "Figure_SVG", "DefaultSteps": "StepError",
		"ErrBadInput": "Window", "ErrNotScalar": "GradientField",
	})
}
