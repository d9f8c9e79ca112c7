package jupyter

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/security/null"
)

// publisher is the iopub socket: a ZeroMQ PUB that uses zmq4 for the
// ZMTP handshake (zmq4.Open) and does its own fan-out.
//
// zmq4's PUB socket writes to every subscriber from one goroutine, with
// no deadline, behind one unbounded queue: a single subscriber that
// stops reading (a suspended front end) blocks output to all the others
// and the queue grows without bound (go-zeromq/zmq4#151;
// TestStalledSubscriber reproduces it). Here each subscriber has its own
// writer goroutine and a queue bounded in bytes. A full queue makes the
// publisher wait (back-pressure, so a slow reader loses nothing) for up
// to stallTimeout; a subscriber that stays full that long is marked
// stalled and its messages are dropped, as libzmq's PUB drops at its
// high-water mark, until its queue drains to half.
type publisher struct {
	ln  net.Listener
	id  zmq4.SocketIdentity
	log *log.Logger
	ipc string // socket file to remove on close, for ipc
	max int64  // bytes queued per subscriber

	// welcome, when set, returns a message sent to each subscriber alone
	// when it first subscribes, so that a front end learns at once that
	// its iopub connection works (jupyter_client's wait_for_ready waits
	// for one iopub message after kernel_info_reply, and would otherwise
	// retry after 1 s).
	welcome func() [][]byte

	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	closed bool
	wg     sync.WaitGroup
}

const (
	subQueueMsgs   = 1 << 14  // messages queued per subscriber
	subQueueBytes  = 64 << 20 // default bytes queued per subscriber
	stallTimeout   = 2 * time.Second
	handshakeLimit = 5 * time.Second
	maxInFrame     = 1 << 20 // largest frame a subscriber may send us
)

// ZMTP frame flags (RFC 23).
const (
	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
)

type subscriber struct {
	rw  net.Conn
	wmu sync.Mutex // serializes writes: messages and PONG

	q       chan []byte
	max     int64         // bytes allowed in q
	queued  atomic.Int64  // bytes in q
	room    chan struct{} // signalled by the writer after each write
	stalled atomic.Bool
	dropped atomic.Int64

	tmu      sync.Mutex
	topics   map[string]struct{} // subscribed prefixes
	welcomed bool
	welcome  func() [][]byte // the publisher's

	done chan struct{}
	once sync.Once
}

func newPublisher(network, addr string, maxQueued int64, lg *log.Logger, welcome func() [][]byte) (*publisher, error) {
	if maxQueued <= 0 {
		maxQueued = subQueueBytes
	}
	p := &publisher{id: zmq4.SocketIdentity("gradbook-iopub"), log: lg, max: maxQueued, subs: make(map[*subscriber]struct{}),
		welcome: welcome}
	if network == "unix" {
		os.Remove(addr) // a stale socket file from a dead kernel, as libzmq does
		p.ipc = addr
	}
	ln, err := listen(network, addr)
	if err != nil {
		return nil, err
	}
	p.ln = ln
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

func (p *publisher) accept() {
	defer p.wg.Done()
	for {
		rw, err := p.ln.Accept()
		if err != nil {
			p.mu.Lock()
			closed := p.closed
			p.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return
			}
			p.log.Printf("iopub: accept: %v", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.serve(rw)
		}()
	}
}

// serve handshakes with one subscriber and runs its reader; its writer
// runs in another goroutine.
func (p *publisher) serve(rw net.Conn) {
	rw.SetDeadline(time.Now().Add(handshakeLimit))
	if _, err := zmq4.Open(rw, null.Security(), zmq4.Pub, p.id, true, nil); err != nil {
		p.log.Printf("iopub: handshake with %v: %v", rw.RemoteAddr(), err)
		rw.Close()
		return
	}
	rw.SetDeadline(time.Time{})
	s := &subscriber{
		rw:      rw,
		max:     p.max,
		q:       make(chan []byte, subQueueMsgs),
		room:    make(chan struct{}, 1),
		topics:  make(map[string]struct{}),
		done:    make(chan struct{}),
		welcome: p.welcome,
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		rw.Close()
		return
	}
	p.subs[s] = struct{}{}
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.subs, s)
		p.mu.Unlock()
		s.close()
		if n := s.dropped.Load(); n > 0 {
			p.log.Printf("iopub: subscriber %v left; %d messages to it were dropped", rw.RemoteAddr(), n)
		}
	}()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		s.write()
	}()
	// A front end that closes its socket (a reset one too) just left.
	if err := s.read(); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !errors.Is(err, syscall.ECONNRESET) {
		p.log.Printf("iopub: subscriber %v: %v", rw.RemoteAddr(), err)
	}
}

func (s *subscriber) close() {
	s.once.Do(func() {
		close(s.done)
		s.rw.Close()
	})
}

// read handles what a subscriber sends: subscriptions (ZMTP 3.0
// messages \x01prefix / \x00prefix, or 3.1 SUBSCRIBE / CANCEL commands)
// and PING commands, until the connection ends.
func (s *subscriber) read() error {
	r := bufio.NewReader(s.rw)
	var hdr [8]byte
	for {
		flags, err := r.ReadByte()
		if err != nil {
			return err
		}
		var size uint64
		if flags&flagLong != 0 {
			if _, err := io.ReadFull(r, hdr[:8]); err != nil {
				return err
			}
			size = binary.BigEndian.Uint64(hdr[:8])
		} else {
			b, err := r.ReadByte()
			if err != nil {
				return err
			}
			size = uint64(b)
		}
		if size > maxInFrame {
			return fmt.Errorf("frame of %d bytes from a subscriber", size)
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(r, body); err != nil {
			return err
		}
		switch {
		case flags&flagCommand != 0:
			if err := s.command(body); err != nil {
				return err
			}
		case flags&flagMore == 0 && len(body) > 0:
			// A one-frame message is a subscription; anything else
			// sent to a PUB is ignored.
			switch body[0] {
			case 1:
				s.subscribe(string(body[1:]), true)
			case 0:
				s.subscribe(string(body[1:]), false)
			}
		}
	}
}

func (s *subscriber) command(body []byte) error {
	if len(body) == 0 || int(body[0]) > len(body)-1 {
		return errors.New("malformed command")
	}
	name, data := string(body[1:1+body[0]]), body[1+body[0]:]
	switch name {
	case "SUBSCRIBE":
		s.subscribe(string(data), true)
	case "CANCEL":
		s.subscribe(string(data), false)
	case "PING":
		// PING carries a 2-byte TTL then a context echoed in PONG.
		var ctx []byte
		if len(data) >= 2 {
			ctx = data[2:]
		}
		cmd := append([]byte{4}, "PONG"...)
		cmd = append(cmd, ctx...)
		s.wmu.Lock()
		_, err := s.rw.Write(appendFrame(nil, cmd, flagCommand))
		s.wmu.Unlock()
		return err
	}
	return nil
}

func (s *subscriber) subscribe(prefix string, on bool) {
	s.tmu.Lock()
	if on {
		s.topics[prefix] = struct{}{}
	} else {
		delete(s.topics, prefix)
	}
	first := on && !s.welcomed && s.welcome != nil
	s.welcomed = s.welcomed || first
	s.tmu.Unlock()
	if first {
		if frames := s.welcome(); len(frames) > 0 && s.wants(frames[0]) {
			s.enqueue(encodeFrames(frames))
		}
	}
}

func (s *subscriber) wants(topic []byte) bool {
	s.tmu.Lock()
	defer s.tmu.Unlock()
	for prefix := range s.topics {
		if bytes.HasPrefix(topic, []byte(prefix)) {
			return true
		}
	}
	return false
}

// write sends queued messages until the subscriber closes.
func (s *subscriber) write() {
	for {
		select {
		case <-s.done:
			return
		case buf := <-s.q:
			s.wmu.Lock()
			_, err := s.rw.Write(buf)
			s.wmu.Unlock()
			s.queued.Add(-int64(len(buf)))
			if s.stalled.Load() && len(s.q) < subQueueMsgs/2 && s.queued.Load() < s.max/2 {
				s.stalled.Store(false)
			}
			select {
			case s.room <- struct{}{}:
			default:
			}
			if err != nil {
				s.close()
				return
			}
		}
	}
}

func (s *subscriber) full(n int) bool {
	return len(s.q) == cap(s.q) || s.queued.Load()+int64(n) > s.max && s.queued.Load() > 0
}

// enqueue queues buf for s, waiting for room up to stallTimeout unless s
// is already stalled; it reports whether buf was queued.
func (s *subscriber) enqueue(buf []byte) bool {
	if s.full(len(buf)) {
		if s.stalled.Load() {
			return false
		}
		t := time.NewTimer(stallTimeout)
		defer t.Stop()
		for s.full(len(buf)) {
			select {
			case <-s.room:
			case <-s.done:
				return false
			case <-t.C:
				s.stalled.Store(true)
				return false
			}
		}
	}
	s.queued.Add(int64(len(buf)))
	select {
	case s.q <- buf:
		return true
	case <-s.done:
		s.queued.Add(-int64(len(buf)))
		return false
	}
}

// send publishes a message whose first frame is its topic to every
// subscriber of that topic. Calls must be serialized by the caller.
func (p *publisher) send(frames [][]byte) {
	if len(frames) == 0 {
		return
	}
	p.mu.Lock()
	subs := make([]*subscriber, 0, len(p.subs))
	for s := range p.subs {
		if s.wants(frames[0]) {
			subs = append(subs, s)
		}
	}
	p.mu.Unlock()
	if len(subs) == 0 {
		return
	}
	buf := encodeFrames(frames)
	for _, s := range subs {
		if !s.enqueue(buf) {
			if s.dropped.Add(1) == 1 {
				p.log.Printf("iopub: subscriber %v is not reading; dropping its messages", s.rw.RemoteAddr())
			}
		}
	}
}

// encodeFrames returns the ZMTP encoding of a multipart message.
func encodeFrames(frames [][]byte) []byte {
	n := 0
	for _, f := range frames {
		n += 9 + len(f)
	}
	buf := make([]byte, 0, n)
	for i, f := range frames {
		var flags byte
		if i < len(frames)-1 {
			flags = flagMore
		}
		buf = appendFrame(buf, f, flags)
	}
	return buf
}

func appendFrame(buf, body []byte, flags byte) []byte {
	if len(body) > 255 {
		buf = append(buf, flags|flagLong)
		buf = binary.BigEndian.AppendUint64(buf, uint64(len(body)))
	} else {
		buf = append(buf, flags, byte(len(body)))
	}
	return append(buf, body...)
}

// flush waits until every subscriber's queue is written, or d passes.
func (p *publisher) flush(d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		pending := false
		for s := range p.subs {
			if s.queued.Load() > 0 && !s.stalled.Load() {
				pending = true
				break
			}
		}
		p.mu.Unlock()
		if !pending {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// Close closes the listener and every subscriber and waits for their
// goroutines.
func (p *publisher) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	err := p.ln.Close()
	for s := range p.subs {
		s.close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	if p.ipc != "" {
		os.Remove(p.ipc)
	}
	return err
}

// listenAddr splits a ZeroMQ endpoint (tcp://host:port, ipc://path) into
// a net.Listen network and address.
func listenAddr(endpoint string) (network, addr string, err error) {
	switch {
	case strings.HasPrefix(endpoint, "tcp://"):
		host, port, err := net.SplitHostPort(strings.TrimPrefix(endpoint, "tcp://"))
		if err != nil {
			return "", "", err
		}
		if host == "*" {
			host = ""
		}
		return "tcp", net.JoinHostPort(host, port), nil
	case strings.HasPrefix(endpoint, "ipc://"):
		return "unix", strings.TrimPrefix(endpoint, "ipc://"), nil
	}
	return "", "", fmt.Errorf("%w: endpoint %q", ErrConnectionInfo, endpoint)
}
