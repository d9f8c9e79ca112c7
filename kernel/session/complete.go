package session

import (
	"fmt"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gradbook/gradbook/kernel/session/generic"
)

// Completion and inspection. Cursors are Unicode code point offsets, as
// the Jupyter protocol counts them.

// builtins are the predeclared names of Go, offered in completions.
var builtins = []string{
	"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max", "min",
	"new", "panic", "print", "println", "real", "recover",
	"any", "bool", "byte", "comparable", "complex128", "complex64", "error", "float32", "float64",
	"int", "int16", "int32", "int64", "int8", "rune", "string", "uint", "uint16", "uint32", "uint64", "uint8", "uintptr",
	"true", "false", "iota", "nil",
}

// byteOffset converts a code point offset into a byte offset of code,
// clamped to its length.
func byteOffset(code string, cursor int) int {
	off := 0
	for i := 0; i < cursor && off < len(code); i++ {
		_, n := utf8.DecodeRuneInString(code[off:])
		off += n
	}
	return off
}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// identStart returns where the identifier ending at byte off starts.
func identStart(code string, off int) int {
	for off > 0 {
		r, n := utf8.DecodeLastRuneInString(code[:off])
		if !isIdentRune(r) {
			break
		}
		off -= n
	}
	return off
}

// identEnd returns where the identifier containing byte off ends.
func identEnd(code string, off int) int {
	for off < len(code) {
		r, n := utf8.DecodeRuneInString(code[off:])
		if !isIdentRune(r) {
			break
		}
		off += n
	}
	return off
}

// qualifier returns the identifier before a '.' that ends at byte dot
// (code[dot] == '.'), or "".
func qualifier(code string, dot int) string {
	if dot < 0 || dot >= len(code) || code[dot] != '.' {
		return ""
	}
	return code[identStart(code, dot):dot]
}

// Complete returns the names that can complete the identifier before
// cursor: members of a package or of a variable after "x.", otherwise
// keywords, builtins, package names and what cells (and this code)
// declared.
func (s *Session) Complete(code string, cursor int) Completion {
	s.mu.Lock()
	defer s.mu.Unlock()
	off := byteOffset(code, cursor)
	start := identStart(code, off)
	prefix := code[start:off]
	var cands []string
	if q := qualifier(code, start-1); q != "" {
		cands = s.members(q)
	} else if start == 0 || code[start-1] != '.' {
		cands = s.scopeNames(code)
	}
	seen := map[string]bool{}
	matches := []string{}
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) && !seen[c] && !strings.Contains(c, "__") {
			seen[c] = true
			matches = append(matches, c)
		}
	}
	sort.Strings(matches)
	return Completion{Matches: matches, Start: utf8.RuneCountInString(code[:start]), End: utf8.RuneCountInString(code[:off])}
}

// members lists what can follow "q.": the exported names of package q,
// or the fields and methods of the variable q.
func (s *Session) members(q string) []string {
	if p, ok := s.packageNamed(q); ok {
		var names []string
		for name := range exportsOf(p) {
			if !strings.HasPrefix(name, "_") {
				names = append(names, name)
			}
		}
		switch p {
		case "slices", "maps":
			names = append(names, generic.Names(p)...)
		case "cmp": // yaegi's bundled source
			names = append(names, "Compare", "Less", "Or", "Ordered")
		}
		return names
	}
	v, ok := s.global(q)
	if !ok {
		return nil
	}
	return append(fieldsAndMethods(v.Type()), s.cellMethods(s.cellTypeOf(q))...)
}

// fieldsAndMethods lists the exported fields and methods of t (and *t).
func fieldsAndMethods(t reflect.Type) []string {
	var names []string
	pt := t
	if t.Kind() != reflect.Pointer {
		pt = reflect.PointerTo(t)
	}
	for i := 0; i < pt.NumMethod(); i++ {
		names = append(names, pt.Method(i).Name)
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for i := 0; i < st.NumField(); i++ {
			if f := st.Field(i); f.IsExported() {
				names = append(names, f.Name)
			}
		}
	}
	return names
}

// scopeNames lists the unqualified names visible in a cell.
func (s *Session) scopeNames(code string) []string {
	names := append([]string{}, builtins...)
	for i := token.BREAK; i <= token.VAR; i++ {
		if token.Lookup(i.String()).IsKeyword() {
			names = append(names, i.String())
		}
	}
	for n, d := range s.decls {
		if d.kind != "method" {
			names = append(names, n)
		}
	}
	for n := range s.pkgs {
		names = append(names, n)
	}
	if toks, _ := scanCell(code); toks != nil {
		for _, t := range toks {
			if t.tok == token.IDENT {
				names = append(names, t.lit)
			}
		}
	}
	return names
}

// Inspect returns help on the name at (or just before) cursor: the
// declaration and doc comment of a package member, a method of a
// variable's compiled type, a cell's own declaration, or a builtin.
// detail > 0 adds nothing more for now. found is false when the name
// is unknown.
func (s *Session) Inspect(code string, cursor, detail int) (data map[string]any, found bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	off := byteOffset(code, cursor)
	end := identEnd(code, off)
	start := identStart(code, off)
	if start == end { // after "f(" or "f( ": inspect f
		i := off
		for i > 0 && (code[i-1] == ' ' || code[i-1] == '(') {
			i--
		}
		start, end = identStart(code, i), i
	}
	name := code[start:end]
	if name == "" {
		return nil, false
	}
	title, e, ok := s.describe(qualifier(code, start-1), name)
	if !ok {
		return nil, false
	}
	text := e.sig
	if e.doc != "" {
		text += "\n\n" + strings.TrimSpace(e.doc)
	}
	md := "**" + title + "**\n\n```go\n" + e.sig + "\n```\n\n" + strings.TrimSpace(e.doc)
	return map[string]any{"text/plain": text, "text/markdown": md}, true
}

// describe finds the documentation of q.name (q may be "").
func (s *Session) describe(q, name string) (title string, e docEntry, ok bool) {
	if q != "" {
		if p, isPkg := s.packageNamed(q); isPkg {
			if e, ok := s.docs.lookup(p, name); ok {
				return p + "." + name, e, true
			}
			if v, ok := exportsOf(p)[name]; ok {
				return p + "." + name, docEntry{sig: q + "." + name + " " + v.Type().String()}, true
			}
			return "", docEntry{}, false
		}
		v, ok := s.global(q)
		if !ok {
			return "", docEntry{}, false
		}
		t := v.Type()
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.PkgPath() != "" {
			if e, ok := s.docs.lookup(t.PkgPath(), t.Name()+"."+name); ok {
				return t.PkgPath() + "." + t.Name() + "." + name, e, true
			}
		}
		if m, ok := reflect.PointerTo(t).MethodByName(name); ok {
			return q + "." + name, docEntry{sig: name + " " + m.Type.String()}, true
		}
		if ct := s.cellTypeOf(q); ct != "" && s.decls[ct+"."+name] != nil {
			d := s.decls[ct+"."+name]
			return ct + "." + name, docEntry{sig: declSignature(d), doc: d.where()}, true
		}
		return "", docEntry{}, false
	}
	if d := s.decls[name]; d != nil {
		e := docEntry{sig: declSignature(d)}
		e.doc = d.where()
		if v, ok := s.global(name); ok && v.CanInterface() {
			e.doc = fmt.Sprintf("%s = %v\n\n%s", v.Type(), v.Interface(), e.doc)
		}
		return name, e, true
	}
	if p, ok := s.pkgs[name]; ok {
		if e, ok := s.docs.lookup(p, ""); ok {
			return "package " + p, e, true
		}
		return "package " + p, docEntry{sig: "import " + fmt.Sprintf("%q", p)}, true
	}
	if e, ok := s.docs.lookup("builtin", name); ok {
		return "builtin " + name, e, true
	}
	return "", docEntry{}, false
}

// packageNamed returns the import path of the package a cell sees as
// name, unless a cell declared name itself (which then shadows it).
func (s *Session) packageNamed(name string) (path string, ok bool) {
	path, ok = s.pkgs[name]
	return path, ok && s.decls[name] == nil
}

// where says where a cell declared d.
func (d *decl) where() string { return fmt.Sprintf("Declared in cell %d, line %d.", d.cell, d.line) }

// declSignature is a cell declaration without its body.
func declSignature(d *decl) string {
	if d.kind == "func" || d.kind == "method" {
		if i := strings.Index(d.text, "{"); i > 0 {
			return strings.TrimSpace(d.text[:i])
		}
	}
	return d.text
}
