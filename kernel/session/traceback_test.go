package session

import (
	"strings"
	"testing"
)

func TestCollapseRepeats(t *testing.T) {
	t.Parallel()
	got := collapseRepeats([]string{"panic: x", "    at f (1:2)", "    at f (1:2)", "    at f (1:2)", "    at main"})
	want := []string{"panic: x", "    at f (1:2)", "    … the line above 2 more times", "    at main"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("collapseRepeats = %q, want %q", got, want)
	}
}
