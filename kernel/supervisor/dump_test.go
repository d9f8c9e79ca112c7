package supervisor

import (
	"strings"
	"testing"
)

func TestDumpFilter(t *testing.T) {
	t.Parallel()
	const overflow = "runtime: goroutine stack exceeds 268435456-byte limit\nfatal error: stack overflow\n\n" +
		"runtime stack:\nruntime.throw({0xf9248b?, 0x58780?})\n\t/usr/local/go/src/runtime/panic.go:1229\n\ngoroutine 1 [running]:\nmain.main()\n"
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain output", "hello\ngoroutine 5 is fine\n", "hello\ngoroutine 5 is fine\n"},
		{"stack overflow", overflow,
			"runtime: goroutine stack exceeds 268435456-byte limit\nfatal error: stack overflow\n\n" + dumpNote},
		{"out of memory", "fatal error: out of memory\n\ngoroutine 87 gp=0x8e117c805a0 m=7 [running]:\nruntime.throw()\n",
			"fatal error: out of memory\n\n" + dumpNote},
		{"fatal error not at a line start", "x fatal error: no\ngoroutine 1 [running]:\n", "x fatal error: no\ngoroutine 1 [running]:\n"},
		{"lines after fatal error", "fatal error: all goroutines are asleep\n[signal SIGSEGV]\nshort\n", "fatal error: all goroutines are asleep\n[signal SIGSEGV]\nshort\n"},
		{"unfinished last line", "fatal error: x\nrun", "fatal error: x\nrun"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Every way of cutting the input into two chunks, and one byte
			// at a time, gives the same output.
			cuts := [][]string{}
			for i := 0; i <= len(tc.in); i++ {
				cuts = append(cuts, []string{tc.in[:i], tc.in[i:]})
			}
			cuts = append(cuts, strings.Split(tc.in, ""))
			for _, chunks := range cuts {
				var f dumpFilter
				var out strings.Builder
				emit := func(b []byte) { out.Write(b) }
				for _, c := range chunks {
					f.write([]byte(c), emit)
				}
				f.flush(emit)
				if out.String() != tc.want {
					t.Fatalf("chunks %q: got %q, want %q", chunks, out.String(), tc.want)
				}
			}
		})
	}
}
