package session

import "testing"

// The semicolons of for/if/switch headers are not statement ends.
func TestSplitHeaders(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code  string
		units int
	}{
		{"for i := 0; i < 3; i++ {\n\tfmt.Println(i)\n}", 1},
		{"for i := 0; i < 3; i++ { fmt.Println(i) }; x := 1", 2},
		{"if v := []int{1}; len(v) > 0 { }", 1},
		{"switch x := 2; x { case 1: }\ny := 3", 2},
		{"outer: for i := 0; i < 2; i++ { break outer }", 1},
		{"x := 1; y := 2; z := 3", 3},
	}
	for _, c := range cases {
		units, _, err := splitCell(c.code)
		if err != nil {
			t.Errorf("splitCell(%q): %v", c.code, err)
			continue
		}
		if len(units) != c.units {
			t.Errorf("splitCell(%q): %d units, want %d", c.code, len(units), c.units)
		}
	}
	if _, _, err := splitCell("for i := 0; i < ; i++ {}"); err == nil {
		t.Error("a for header with a missing operand parsed")
	}
}
