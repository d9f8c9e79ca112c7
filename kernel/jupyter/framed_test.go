package jupyter

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"net"
	"slices"
	"testing"
)

// recordingConn is a net.Conn that keeps each Write.
type recordingConn struct {
	net.Conn
	writes [][]byte
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}

// zmtpStream is a greeting and messages of random frames, with the
// offsets at which the greeting and each message end.
func zmtpStream(r *rand.Rand) (stream []byte, ends []int) {
	stream = append(stream, make([]byte, greetingLen)...)
	stream[0], stream[9] = 0xff, 0x7f
	ends = append(ends, len(stream))
	frame := func(flags byte, body []byte) {
		if len(body) > 255 {
			stream = append(stream, flags|flagLong)
			stream = binary.BigEndian.AppendUint64(stream, uint64(len(body)))
		} else {
			stream = append(stream, flags, byte(len(body)))
		}
		stream = append(stream, body...)
	}
	body := func() []byte {
		sizes := []int{0, 1, 2, 9, 255, 256, 1000, maxHeld + 100}
		b := make([]byte, sizes[r.IntN(len(sizes))])
		for i := range b {
			b[i] = byte(r.IntN(256)) // flag-like bytes inside bodies too
		}
		return b
	}
	for range 200 {
		if r.IntN(5) == 0 {
			frame(flagCommand, body()) // READY, PING: one frame each
		} else {
			nf := 1 + r.IntN(7)
			for i := range nf {
				flags := byte(flagMore)
				if i == nf-1 {
					flags = 0
				}
				frame(flags, body())
			}
		}
		ends = append(ends, len(stream))
	}
	return stream, ends
}

// TestFramedConnWritesWholeMessages writes ZMTP streams in pieces of
// random sizes: every byte arrives, in order, each write of the
// connection ends where a message ends (or is a piece of a message
// larger than maxHeld), and nothing is held after the last message.
func TestFramedConnWritesWholeMessages(t *testing.T) {
	for seed := range uint64(8) {
		r := rand.New(rand.NewPCG(seed, 1))
		stream, ends := zmtpStream(r)
		rec := &recordingConn{}
		c := newFramedConn(rec)
		for p := stream; len(p) > 0; {
			k := min(len(p), 1+r.IntN(300))
			if r.IntN(10) == 0 {
				k = min(len(p), 1+r.IntN(3*maxHeld))
			}
			if n, err := c.Write(p[:k]); n != k || err != nil {
				t.Fatalf("Write = %d, %v; want %d, nil", n, err, k)
			}
			p = p[k:]
		}
		if got := bytes.Join(rec.writes, nil); !bytes.Equal(got, stream) {
			t.Fatalf("seed %d: %d bytes arrived, want the %d written, in order", seed, len(got), len(stream))
		}
		off, start := 0, 0
		for i, w := range rec.writes {
			off += len(w)
			if _, atEnd := slices.BinarySearch(ends, off); atEnd {
				start = off
				continue
			}
			if off-start < maxHeld {
				t.Fatalf("seed %d: write %d ends at %d, inside a message, after %d bytes of it", seed, i, off, off-start)
			}
			start = off
		}
	}
}

// TestFramedConnReads reads through the buffer what the peer wrote.
func TestFramedConnReads(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	c := newFramedConn(b)
	defer c.Close()
	go a.Write([]byte("hello, frames"))
	buf := make([]byte, 5)
	var got []byte
	for len(got) < len("hello, frames") {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
	if string(got) != "hello, frames" {
		t.Fatalf("read %q", got)
	}
}
