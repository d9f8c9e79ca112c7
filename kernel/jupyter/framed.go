package jupyter

import (
	"bufio"
	"encoding/binary"
	"net"
	"sync"
)

// greetingLen is ZMTP 3's greeting, which comes before the frames
// (RFC 23). A frame is a flags byte, a size (one byte, or eight
// big-endian with flagLong) and the body; a command frame is a message
// of its own, and a frame without flagMore ends its message.
const greetingLen = 64

// maxHeld bounds what framedConn holds back: a message larger than this
// goes out in pieces of about this size.
const maxHeld = 64 << 10

// framedListener accepts framedConns.
type framedListener struct{ net.Listener }

func (l framedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newFramedConn(c), nil
}

// framedConn is a connection for zmq4's ROUTER sockets that reads
// through a buffer and writes each ZMTP message with one write. zmq4
// writes a frame's header and body with a write each (its ROUTER's
// SendMulti copies the message into one without the flag that makes it
// gather them) and reads each with a read of its own: one execute_reply
// took fourteen write and twelve read system calls, and went out as
// fourteen TCP segments for the front end to wake up for.
type framedConn struct {
	net.Conn
	r *bufio.Reader

	mu   sync.Mutex
	out  []byte // written bytes not yet sent: the start of a message
	scan zmtpScanner
}

func newFramedConn(c net.Conn) *framedConn {
	return &framedConn{Conn: c, r: bufio.NewReaderSize(c, 16<<10), scan: zmtpScanner{greeting: greetingLen}}
}

func (c *framedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Write holds p back until the message it is part of is complete, then
// sends what it held with one write. An error of that write is
// returned by the call that completed the message.
func (c *framedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		if end := c.scan.next(p); end >= 0 {
			c.out = append(c.out, p[:end]...)
			p = p[end:]
		} else {
			c.out = append(c.out, p...)
			p = nil
			if len(c.out) < maxHeld {
				break
			}
		}
		_, err := c.Conn.Write(c.out)
		c.out = c.out[:0]
		if err != nil {
			return 0, err
		}
	}
	return n, nil
}

// zmtpScanner follows a ZMTP byte stream written in pieces of any size
// and finds where its messages end.
type zmtpScanner struct {
	greeting int     // greeting bytes still to come
	hdr      [9]byte // the frame header read so far
	nhdr     int
	body     uint64 // body bytes of the frame still to come
	inBody   bool
}

// next scans p and returns the offset just past the first end of the
// greeting or of a message in it, or -1 when p ends inside one.
func (z *zmtpScanner) next(p []byte) int {
	if z.greeting > 0 {
		k := min(z.greeting, len(p))
		if z.greeting -= k; z.greeting == 0 {
			return k
		}
		return -1
	}
	off := 0
	for {
		if z.inBody {
			k := min(z.body, uint64(len(p)-off))
			z.body -= k
			off += int(k)
			if z.body > 0 {
				return -1
			}
			z.inBody, z.nhdr = false, 0
			if f := z.hdr[0]; f&flagMore == 0 || f&flagCommand != 0 {
				return off
			}
		}
		if off == len(p) {
			return -1
		}
		z.hdr[z.nhdr] = p[off]
		z.nhdr++
		off++
		switch {
		case z.hdr[0]&flagLong == 0 && z.nhdr == 2:
			z.body, z.inBody = uint64(z.hdr[1]), true
		case z.hdr[0]&flagLong != 0 && z.nhdr == 9:
			z.body, z.inBody = binary.BigEndian.Uint64(z.hdr[1:9]), true
		}
	}
}
