package supervisor

import "bytes"

// dumpNote replaces the Go runtime's stack dump in a dying worker's
// stderr.
const dumpNote = "[gradbook] the Go runtime's stack dump of the worker is omitted\n"

// dumpFilter drops the stack dump that the Go runtime prints after a
// "fatal error:" line (stack overflow, out of memory): GOTRACEBACK=none
// does not silence it for runtime throws, and its hundreds of lines of
// worker internals would bury the one line that matters in the cell's
// stderr. Everything up to the first line after "fatal error:" that starts
// with "goroutine " or "runtime stack:" passes through; from there on the
// process is dying, and the rest is replaced by dumpNote.
//
// Lines are checked at their start, whatever the chunks: once armed by a
// "fatal error:" line, the filter holds back the start of each line until
// it knows whether the line begins a dump.
type dumpFilter struct {
	line  []byte // the start of the current line (up to len(fatalLine) bytes)
	armed bool   // a "fatal error:" line was seen
	held  []byte // armed: the start of the current line, held back
	mid   bool   // armed: the current line is known not to begin a dump
	drop  bool   // the dump began: drop everything
}

var (
	fatalLine   = []byte("fatal error:")
	dumpStarts  = [][]byte{[]byte("goroutine "), []byte("runtime stack:")}
	dumpLookout = len("runtime stack:")
)

// write filters b and passes what is kept to emit.
func (f *dumpFilter) write(b []byte, emit func([]byte)) {
	for len(b) > 0 && !f.drop {
		i := bytes.IndexByte(b, '\n')
		seg := b
		if i >= 0 {
			seg = b[:i+1]
		}
		b = b[len(seg):]
		eol := i >= 0
		if !f.armed || f.mid {
			emit(seg)
			if !f.armed {
				if room := len(fatalLine) - len(f.line); room > 0 {
					f.line = append(f.line, seg[:min(room, len(seg))]...)
				}
				if eol {
					f.armed = bytes.HasPrefix(f.line, fatalLine)
					f.line = f.line[:0]
				}
			}
			if eol {
				f.mid = false
			}
			continue
		}
		f.held = append(f.held, seg...)
		for _, p := range dumpStarts {
			if bytes.HasPrefix(f.held, p) {
				f.drop = true
				f.held = nil
				emit([]byte(dumpNote))
				return
			}
		}
		if eol || len(f.held) >= dumpLookout {
			emit(f.held)
			f.held = f.held[:0]
			f.mid = !eol
		}
	}
}

// flush passes on what is held back (at end of file, or before a sync
// marker); the rest of its line then passes unchecked.
func (f *dumpFilter) flush(emit func([]byte)) {
	if len(f.held) > 0 && !f.drop {
		emit(f.held)
		f.held = f.held[:0]
		f.mid = true
	}
}
