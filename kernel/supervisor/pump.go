package supervisor

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gradbook/gradbook/kernel/worker"
)

// pump copies one of the worker's output pipes to the front end. It
// coalesces what it reads into stream messages of up to size bytes, sent at
// the latest interval after their first byte arrived, strips sync markers,
// and records the last marker it has delivered up to. Memory is bounded: the
// reader blocks while the previous chunks are still being sent, so a cell
// printing faster than the front end reads blocks in its write.
type pump struct {
	name     string // "stdout" or "stderr"
	r        io.ReadCloser
	split    *worker.Splitter
	sink     *sink
	size     int
	interval time.Duration
	items    chan item
	tail     *tail       // nil, or keeps the last bytes (for crash reports)
	leftover []byte      // stdout: the worker's shared buffer (worker.OutBuffer), read at end of file
	dump     *dumpFilter // stderr: drops the runtime's stack dump of a dying worker

	mu        sync.Mutex
	cond      *sync.Cond
	reached   uint64        // last marker reached, with everything before it delivered
	released  uint64        // last marker whose event has been delivered
	unblocked bool          // the worker's events ended: release everything
	eof       bool          // the pipe is closed and everything delivered
	done      chan struct{} // closed with eof
}

// item is a piece of stream data, or a marker.
type item struct {
	data []byte
	mark uint64
}

func newPump(name string, r io.ReadCloser, token string, s *sink, size int, interval time.Duration, t *tail, leftover []byte) *pump {
	p := &pump{
		name: name, r: r, split: worker.NewSplitter(token), sink: s,
		size: size, interval: interval, tail: t, leftover: leftover,
		items: make(chan item, 4),
		done:  make(chan struct{}),
	}
	p.cond = sync.NewCond(&p.mu)
	if name == "stderr" {
		p.dump = &dumpFilter{}
	}
	go p.read()
	go p.deliver()
	return p
}

// read turns the pipe into items. Its buffer and the items channel bound
// the memory a pump holds.
func (p *pump) read() {
	defer p.r.Close()
	buf := make([]byte, 32<<10)
	send := func(b []byte) { p.items <- item{data: append([]byte(nil), b...)} }
	data, mark := send, func(n uint64) { p.items <- item{mark: n} }
	if p.dump != nil {
		data = func(b []byte) { p.dump.write(b, send) }
		mark = func(n uint64) {
			p.dump.flush(send) // nothing held back crosses a marker
			p.items <- item{mark: n}
		}
	}
	for {
		n, err := p.r.Read(buf)
		if n > 0 {
			p.split.Split(buf[:n], data, mark)
		}
		if err != nil {
			if p.leftover != nil {
				// The worker is gone (it held the pipe open): what it
				// buffered and never wrote comes after all it wrote.
				if b := worker.Pending(p.leftover); len(b) > 0 {
					p.split.Split(b, data, mark)
				}
				worker.Unmap(p.leftover)
				p.leftover = nil
			}
			p.split.Flush(data)
			if p.dump != nil {
				p.dump.flush(send)
			}
			close(p.items)
			return
		}
	}
}

// Flush modes for deliver.
const (
	flushFull  = iota // only whole messages of size bytes
	flushRunes        // everything up to the last complete UTF-8 sequence
	flushAll          // everything
)

// deliver sends items to the sink, coalesced. At a marker it flushes, then
// holds back what follows until the event that the marker precedes has
// been delivered (release).
func (p *pump) deliver() {
	var pending []byte
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	armed := false
	flush := func(mode int) {
		off := 0
		for {
			rest := len(pending) - off
			if rest == 0 || (mode == flushFull && rest < p.size) {
				break
			}
			n := min(rest, p.size)
			if mode != flushAll || n < rest {
				if k := completeRunes(pending[off : off+n]); k > 0 {
					n = k
				} else if mode == flushRunes && n == rest {
					break // only a partial rune is left
				}
			}
			p.sink.stream(p.name, string(pending[off:off+n]))
			off += n
		}
		pending = append(pending[:0], pending[off:]...)
	}
	for {
		select {
		case it, ok := <-p.items:
			if !ok {
				flush(flushAll)
				timer.Stop()
				p.mu.Lock()
				p.eof = true
				close(p.done)
				p.cond.Broadcast()
				p.mu.Unlock()
				return
			}
			if it.data == nil {
				flush(flushAll)
				p.mu.Lock()
				if it.mark > p.reached {
					p.reached = it.mark
				}
				p.cond.Broadcast()
				for p.released < it.mark && !p.unblocked {
					p.cond.Wait()
				}
				p.mu.Unlock()
				continue
			}
			if p.tail != nil {
				p.tail.write(it.data)
			}
			pending = append(pending, it.data...)
			flush(flushFull)
			if len(pending) > 0 && !armed {
				timer.Reset(p.interval)
				armed = true
			}
		case <-timer.C:
			armed = false
			flush(flushRunes)
			if len(pending) > 0 {
				timer.Reset(p.interval)
				armed = true
			}
		}
	}
}

// release lets the pump go on past marker n: its event has been delivered.
func (p *pump) release(n uint64) {
	p.mu.Lock()
	if n > p.released {
		p.released = n
	}
	p.cond.Broadcast()
	p.mu.Unlock()
}

// unblock releases every marker, now and later: no more events will come.
func (p *pump) unblock() {
	p.mu.Lock()
	p.unblocked = true
	p.cond.Broadcast()
	p.mu.Unlock()
}

// wait blocks until the pump has delivered everything before marker n, or
// its pipe is closed.
func (p *pump) wait(n uint64) {
	p.mu.Lock()
	for p.reached < n && !p.eof {
		p.cond.Wait()
	}
	p.mu.Unlock()
}

// completeRunes returns the length of the longest prefix of b that does not
// end inside a UTF-8 sequence.
func completeRunes(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

// tail keeps the last bytes written to it, and the last few lines that
// say why a Go process died ("fatal error: …", "panic: …", "runtime: …"),
// which a runtime stack dump may push out of the last bytes.
type tail struct {
	mu      sync.Mutex
	max     int
	buf     []byte
	line    []byte   // the current line's start, up to lineMax bytes
	notable []string // last notable lines, oldest first
}

const (
	lineMax    = 512
	notableMax = 6
)

var notablePrefixes = []string{"fatal error:", "panic:", "runtime:", "[signal "}

func (t *tail) write(b []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		part := b
		if i >= 0 {
			part = b[:i]
		}
		if room := lineMax - len(t.line); room > 0 {
			t.line = append(t.line, part[:min(room, len(part))]...)
		}
		if i < 0 {
			return
		}
		t.endLine()
		b = b[i+1:]
	}
}

func (t *tail) endLine() {
	l := strings.TrimRight(string(t.line), "\r")
	t.line = t.line[:0]
	for _, p := range notablePrefixes {
		if strings.HasPrefix(l, p) {
			t.notable = append(t.notable, l)
			if len(t.notable) > notableMax {
				t.notable = t.notable[1:]
			}
			return
		}
	}
}

// String returns the last bytes.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Notable returns the last lines that tell why a Go process died,
// including an unfinished last line.
func (t *tail) Notable() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.line) > 0 {
		t.endLine()
	}
	return append([]string(nil), t.notable...)
}
