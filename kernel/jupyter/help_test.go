package jupyter

import "testing"

func TestHelpRequest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code, name string
		ok         bool
	}{
		{"?fmt.Println", "fmt.Println", true},
		{"fmt.Println?", "fmt.Println", true},
		{"  ?ad.Grad \n", "ad.Grad", true},
		{"?", "", false},
		{"x := 1", "", false},
		{"a ? b", "", false},
		{`fmt.Println("?")`, "", false},
	}
	for _, c := range cases {
		name, ok := helpRequest(c.code)
		if name != c.name || ok != c.ok {
			t.Errorf("helpRequest(%q) = %q, %v; want %q, %v", c.code, name, ok, c.name, c.ok)
		}
	}
}
