package session

import (
	"context"
	"testing"
)

// A name declared nowhere is reported as Go reports it, whatever odd
// message yaegi gives (or none).
func TestUndefinedName(t *testing.T) {
	t.Parallel()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if r := s.Execute(ctx, "x := 1\ntype P struct{ A int }"); r.Err != nil {
		t.Fatal(r.Err)
	}
	cases := []struct{ code, want string }{
		{"undefinedA", "1:1: undefined: undefinedA"},
		{"undefinedB + 1", "1:1: undefined: undefinedB"},
		{"y := undefinedC", "1:6: undefined: undefinedC"},
		{"z := 2\nfmt.Println(z, nope)", "2:16: undefined: nope"},
		{"for i := 0; i < 2; i++ {\n\tfmt.Println(i, zzz)\n}", "2:17: undefined: zzz"},
	}
	for _, c := range cases {
		r := s.Execute(ctx, c.code)
		if r.Err == nil || r.Err.Name != ErrCompile || r.Err.Value != c.want {
			t.Errorf("%q: error %v, want CompileError %s", c.code, r.Err, c.want)
		}
	}
	// Declared names, fields, labels and members are not reported.
	for _, code := range []string{"x", "P{A: x}", "math.Pi", "nil", "out: for i := 0; i < 1; i++ { break out }"} {
		if r := s.Execute(ctx, code); r.Err != nil {
			t.Errorf("%q: %v", code, r.Err)
		}
	}
}
