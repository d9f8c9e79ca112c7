package session

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// cursorAt returns code without its "|" and the cursor there, in code
// points.
func cursorAt(t *testing.T, marked string) (string, int) {
	t.Helper()
	i := strings.Index(marked, "|")
	if i < 0 {
		t.Fatalf("no | in %q", marked)
	}
	return marked[:i] + marked[i+1:], utf8.RuneCountInString(marked[:i])
}

func TestComplete(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.ok(`import "strings"
type counter struct{ N int }
func (c *counter) Inc() { c.N++ }
func (c counter) Value() int { return c.N }
func fibonacci(n int) int { if n < 2 { return n }; return fibonacci(n-1) + fibonacci(n-2) }
var fileCount = 3
cnt := &counter{}
var c2 counter
c3 := counter{N: 1}
var sb strings.Builder
const fixedLimit = 10`)
	for _, tc := range []struct {
		name, code string
		want       []string // must be among the matches
		not        []string // must not be
		start, end int      // code points; -1: not checked
	}{
		{"fmt member", "fmt.Pr|", []string{"Printf", "Println", "Print"}, []string{"Sprintf", "Errorf"}, 4, 6},
		{"fmt all", "fmt.|", []string{"Sprintf", "Errorf", "Stringer"}, nil, 4, 4},
		{"strings member", "x := strings.ToU|", []string{"ToUpper"}, []string{"ToLower"}, 13, 16},
		{"cell func", "fib|", []string{"fibonacci"}, nil, 0, 3},
		{"cell var", "y := fileC|", []string{"fileCount"}, nil, 5, 10},
		{"cell const", "fixed|", []string{"fixedLimit"}, nil, 0, 5},
		{"cell type", "var c count|", []string{"counter"}, nil, 6, 11},
		{"keyword", "retu|", []string{"return"}, nil, 0, 4},
		{"builtin", "app|", []string{"append"}, nil, 0, 3},
		{"package name", "str|", []string{"strings", "strconv"}, nil, 0, 3},
		{"name in this code", "myLocalName := 1\nmyL|", []string{"myLocalName"}, nil, 17, 20},
		{"methods of a var", "cnt.|", []string{"Inc", "Value", "N"}, nil, 4, 4},
		{"methods of var T", "c2.V|", []string{"Value"}, nil, 3, 4},
		{"methods of T{}", "c3.|", []string{"Inc", "Value", "N"}, nil, 3, 3},
		{"compiled methods", "sb.Wr|", []string{"WriteString", "WriteByte"}, []string{"Len"}, 3, 5},
		{"no internals", "gb|", nil, []string{"gbDepth__", "gbLast__"}, -1, -1},
		{"mid identifier", "fmt.Pri|ntln", []string{"Println", "Printf"}, nil, 4, 7},
		{"unicode before", "s := \"héllo→\"; fmt.Sp|", []string{"Sprintf", "Sprint"}, nil, 19, 21},
		{"unicode ident", "π := 3.14\nx := π|", []string{"π"}, nil, 15, 16},
		{"unicode after", "fmt.Pr| // «ünïcode»", []string{"Println"}, nil, 4, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, cursor := cursorAt(t, tc.code)
			c := h.s.Complete(code, cursor)
			for _, w := range tc.want {
				if !slices.Contains(c.Matches, w) {
					t.Errorf("%q missing from %v", w, c.Matches)
				}
			}
			for _, w := range tc.not {
				if slices.Contains(c.Matches, w) {
					t.Errorf("%q should not be in %v", w, c.Matches)
				}
			}
			if tc.start >= 0 && (c.Start != tc.start || c.End != tc.end) {
				t.Errorf("start, end = %d, %d; want %d, %d", c.Start, c.End, tc.start, tc.end)
			}
			if !slices.IsSorted(c.Matches) {
				t.Errorf("matches not sorted: %v", c.Matches)
			}
		})
	}
	// The cursor past the end is clamped, never a panic.
	if c := h.s.Complete("fmt.Pr", 100); c.End != 6 {
		t.Errorf("cursor past the end: end %d", c.End)
	}
}

func TestInspect(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.ok(`// area is the area of a w×h rectangle.
func area(w, h float64) float64 { return w * h }
ratio := 1.5
type shape struct{ Sides int }
func (s *shape) Perimeter() int { return s.Sides }
func newShape(n int) *shape { return &shape{n} }
sq := newShape(4)
var sb strings.Builder`)
	for _, tc := range []struct {
		name, code string
		want       []string // substrings of text/plain
	}{
		{"fmt.Println", "fmt.Print|ln(1)", []string{"func Println(a ...any) (n int, err error)", "Println formats"}},
		{"after paren", "fmt.Println(|", []string{"func Println("}},
		{"strings.ToUpper", "strings.ToUp|per(s)", []string{"func ToUpper(s string) string", "ToUpper returns s"}},
		{"cell func", "x := ar|ea(2, 3)", []string{"func area(w, h float64) float64", "cell"}},
		{"variable", "ratio|", []string{"float64", "1.5"}},
		{"cell type", "shape|", []string{"Sides int"}},
		{"package", "strings|", []string{"package strings"}},
		{"builtin", "app|end(s, 1)", []string{"func append("}},
		{"compiled type", "strings.Buil|der", []string{"type Builder struct"}},
		{"unicode before", "s := \"→é\"; fmt.Sprin|t(s)", []string{"func Sprint("}},
		{"cell method of a var", "sq.Peri|meter()", []string{"func (s *shape) Perimeter() int"}},
		{"compiled method of a var", "sb.WriteStr|ing(\"x\")", []string{"WriteString", "appends the contents of s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, cursor := cursorAt(t, tc.code)
			data, found := h.s.Inspect(code, cursor, 0)
			if !found {
				t.Fatalf("not found")
			}
			text, _ := data["text/plain"].(string)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("%q not in\n%s", w, text)
				}
			}
			if _, ok := data["text/markdown"].(string); !ok {
				t.Errorf("no text/markdown")
			}
		})
	}
	for _, code := range []string{"", "   ", "nosuchname", "fmt.NoSuchFunc", "1 + 2"} {
		if _, found := h.s.Inspect(code, utf8.RuneCountInString(code), 0); found {
			t.Errorf("Inspect(%q) found something", code)
		}
	}
}

func TestIsComplete(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ code, status, indent string }{
		{"", "complete", ""},
		{"x := 1", "complete", ""},
		{"fmt.Println(1)", "complete", ""},
		{"func f() {\n}", "complete", ""},
		{"for i := 0; i < 3; i++ { fmt.Println(i) }", "complete", ""},
		{"func f() {", "incomplete", "    "},
		{"if x {\n\tfor {", "incomplete", "        "},
		{"fmt.Println(1,", "incomplete", "    "},
		{"s := []int{", "incomplete", "    "},
		{"s := `raw", "incomplete", ""},
		{"/* comment", "incomplete", ""},
		{"x := 1 +", "incomplete", ""},
		{"}", "invalid", ""},
		{"x := )", "invalid", ""},
		{"s := \"open", "invalid", ""},
		{"x := 1 +\ny := 2", "invalid", ""},
	} {
		status, indent := IsComplete(tc.code)
		if status != tc.status || indent != tc.indent {
			t.Errorf("IsComplete(%q) = %q, %q; want %q, %q", tc.code, status, indent, tc.status, tc.indent)
		}
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, Options{})
	h.ok("x := 20\nfunc double(n int) int { return 2 * n }\nnames := []string{\"a\", \"b\"}")
	for _, tc := range []struct{ expr, want string }{
		{"x + 1", "21"},
		{"double(x)", "40"},
		{"len(names)", "2"},
		{"names", "[a b]"},
		{`"s" + "t"`, "st"},
	} {
		r := h.s.Evaluate(context.Background(), tc.expr)
		if r.Err != nil {
			t.Errorf("Evaluate(%q): %v", tc.expr, r.Err)
			continue
		}
		if got := r.Data["text/plain"]; got != tc.want {
			t.Errorf("Evaluate(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
	for _, tc := range []struct{ expr, name string }{
		{"undefinedThing", ErrCompile},
		{"x +", ErrSyntax},
		{"", ErrSyntax},
		{"y := 1", ErrSyntax},
		{"nil", ErrCompile}, // as in Go: use of untyped nil
		{"x; x", ErrSyntax},
		{"names[5]", ErrPanic},
	} {
		r := h.s.Evaluate(context.Background(), tc.expr)
		if r.Err == nil || r.Err.Name != tc.name {
			t.Errorf("Evaluate(%q): got %v, want %s", tc.expr, r.Err, tc.name)
		}
	}
	// Evaluate declares nothing and changes nothing visible to cells.
	h.value("x", "20")
	h.fails("gbUserExpr__ + 1", ErrCompile)
}

// The generic standard packages, interpreted from source, complete like
// the compiled ones.
func TestCompleteGenericPackages(t *testing.T) {
	s := newPreloadSession(t)
	for _, tc := range []struct {
		code string
		want []string
	}{
		{"slices.So", []string{"Sort", "SortFunc", "SortStableFunc", "Sorted", "SortedFunc", "SortedStableFunc"}},
		{"maps.K", []string{"Keys"}},
		{"cmp.Com", []string{"Compare"}},
	} {
		got := s.Complete(tc.code, len(tc.code)).Matches
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("Complete(%q) = %v, want %v", tc.code, got, tc.want)
		}
	}
}
