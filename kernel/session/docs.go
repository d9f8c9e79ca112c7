package session

import (
	"bytes"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// docEntry is the documentation of one package-level name.
type docEntry struct {
	sig string // the declaration, without bodies
	doc string // the doc comment
}

// docIndex reads and caches package documentation: from Options.Sources
// for the preloaded packages, from GOROOT for the standard library.
type docIndex struct {
	sources map[string]fs.FS
	mu      sync.Mutex
	pkgs    map[string]map[string]docEntry // import path → name ("T.M" for methods) → entry
}

// lookup returns the documentation of name ("Func", "Type" or
// "Type.Method") in the package with import path pkg.
func (d *docIndex) lookup(pkg, name string) (docEntry, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pkgs == nil {
		d.pkgs = map[string]map[string]docEntry{}
	}
	m, ok := d.pkgs[pkg]
	if !ok {
		m = d.load(pkg)
		d.pkgs[pkg] = m
	}
	e, ok := m[name]
	return e, ok
}

// load parses the non-test Go files of pkg; nil when there are none.
func (d *docIndex) load(pkg string) map[string]docEntry {
	fsys, ok := d.sources[pkg]
	dir := "" // set for GOROOT packages, whose files carry build constraints
	if !ok {
		root := build.Default.GOROOT
		if root == "" {
			return nil
		}
		dir = filepath.Join(root, "src", filepath.FromSlash(pkg))
		fsys = os.DirFS(dir)
	}
	names, err := fs.Glob(fsys, "*.go")
	if err != nil {
		return nil
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		if dir != "" {
			// Only this platform's files: os has a file per GOOS, each
			// declaring the same names.
			if match, err := build.Default.MatchFile(dir, n); err != nil || !match {
				continue
			}
		}
		src, err := fs.ReadFile(fsys, n)
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(fset, n, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil
	}
	var mode doc.Mode
	if pkg == "builtin" { // its names are all unexported
		mode = doc.AllDecls
	}
	p, err := doc.NewFromFiles(fset, files, pkg, mode)
	if err != nil {
		return nil
	}
	m := map[string]docEntry{"": {sig: "package " + p.Name, doc: p.Doc}}
	addFunc := func(key string, f *doc.Func) {
		decl := *f.Decl
		decl.Body = nil
		decl.Doc = nil
		m[key] = docEntry{sig: render(fset, &decl), doc: f.Doc}
	}
	addValues := func(vs []*doc.Value) {
		for _, v := range vs {
			decl := *v.Decl
			decl.Doc = nil
			e := docEntry{sig: render(fset, &decl), doc: v.Doc}
			for _, n := range v.Names {
				m[n] = e
			}
		}
	}
	for _, f := range p.Funcs {
		addFunc(f.Name, f)
	}
	addValues(p.Consts)
	addValues(p.Vars)
	for _, t := range p.Types {
		decl := *t.Decl
		decl.Doc = nil
		m[t.Name] = docEntry{sig: render(fset, &decl), doc: t.Doc}
		for _, f := range t.Funcs {
			addFunc(f.Name, f)
		}
		for _, f := range t.Methods {
			addFunc(t.Name+"."+f.Name, f)
		}
		addValues(t.Consts)
		addValues(t.Vars)
	}
	return m
}

// render prints a declaration node as Go source.
func render(fset *token.FileSet, n any) string {
	var buf bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 4}
	if err := cfg.Fprint(&buf, fset, n); err != nil {
		return ""
	}
	return buf.String()
}
