// Package jupytertest is a Jupyter front end for tests: it talks to a
// kernel over real ZeroMQ sockets (github.com/go-zeromq/zmq4) with real
// HMAC-SHA256 signatures, as jupyter_client does, and collects what the
// kernel publishes for each request. It also writes connection files with
// free ports and provides a fake jupyter.Handler.
//
// It is meant for tests of the kernel (in-process through jupyter.Serve
// or the gradbook binary), not for production use.
//
//	ci, path, err := jupytertest.WriteConnectionFile(t.TempDir())
//	// start the kernel on path …
//	c, err := jupytertest.Connect(path)
//	defer c.Close()
//	out, err := c.Execute(`fmt.Println("hi")`)
//	// out.Stdout == "hi\n", out.Reply.Status == "ok"
package jupytertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/gradbook/gradbook/kernel/jupyter"
	"github.com/gradbook/gradbook/kernel/wire"
)

// Channel names one of the client's sockets.
type Channel string

// The channels a Client can send on.
const (
	Shell   Channel = "shell"
	Control Channel = "control"
	Stdin   Channel = "stdin"
)

// ErrTimeout is returned when the kernel does not answer within the
// Client's Timeout.
var ErrTimeout = errors.New("jupytertest: timed out waiting for the kernel")

// ErrClosed is returned by a Client that has been closed.
var ErrClosed = errors.New("jupytertest: client closed")

// Client is a connected front end. Its methods are safe for concurrent
// use; requests may be pipelined (Send many, then Reply for each).
type Client struct {
	// Timeout bounds every wait for the kernel (default 10 s).
	Timeout time.Duration
	// Session is the session id put in every request header.
	Session string
	// Username is put in every request header.
	Username string

	info jupyter.ConnectionInfo
	key  []byte

	ctx    context.Context
	cancel context.CancelFunc

	shell, control, stdin, iopub, hb zmq4.Socket

	mu      sync.Mutex
	replies map[string]chan *wire.Message // parent msg_id → shell/control reply
	early   map[string]*wire.Message      // replies that came before Reply was called
	subs    map[string]*iopubSub          // parent msg_id → iopub collector
	inputs  map[string]InputFunc          // parent msg_id → input_request answerer
	other   chan *wire.Message            // iopub and stdin messages no one asked for
	hbMu    sync.Mutex
	closed  bool
	readers sync.WaitGroup
}

type iopubSub struct {
	msgs []*wire.Message
	idle chan struct{} // closed when status idle arrived
	done bool
}

// InputFunc answers an input_request: it gets the prompt and whether it
// is a password and returns the value to send in input_reply.
type InputFunc func(prompt string, password bool) string

// Connect reads a connection file and dials the kernel it names.
func Connect(connectionFile string) (*Client, error) {
	ci, err := jupyter.ReadConnectionFile(connectionFile)
	if err != nil {
		return nil, fmt.Errorf("jupytertest: %w", err)
	}
	return Dial(ci)
}

// Dial opens DEALER shell, control and stdin sockets, a SUB iopub socket
// subscribed to everything and a REQ heartbeat socket to the kernel
// described by ci. It returns once the kernel answers kernel_info and its
// iopub messages arrive (so no output of later requests is missed), or
// with ErrTimeout after 10 s.
func Dial(ci jupyter.ConnectionInfo) (*Client, error) {
	ctx, cancel := context.WithCancel(context.Background())
	session := wire.NewSessionID()
	c := &Client{
		Timeout:  10 * time.Second,
		Session:  session,
		Username: "jupytertest",
		info:     ci,
		key:      []byte(ci.Key),
		ctx:      ctx,
		cancel:   cancel,
		replies:  make(map[string]chan *wire.Message),
		early:    make(map[string]*wire.Message),
		subs:     make(map[string]*iopubSub),
		inputs:   make(map[string]InputFunc),
		other:    make(chan *wire.Message, 4096),
	}
	id := zmq4.WithID(zmq4.SocketIdentity(session))
	retry := zmq4.WithDialerRetry(50 * time.Millisecond)
	quiet := zmq4.WithLogger(discardLogger)
	c.shell = zmq4.NewDealer(ctx, id, retry, quiet)
	c.control = zmq4.NewDealer(ctx, id, retry, quiet)
	c.stdin = zmq4.NewDealer(ctx, id, retry, quiet)
	c.iopub = zmq4.NewSub(ctx, retry, quiet)
	c.hb = zmq4.NewReq(ctx, retry, quiet)
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		c.Close()
		return nil, fmt.Errorf("jupytertest: subscribe: %w", err)
	}
	for _, s := range []struct {
		sck  zmq4.Socket
		port int
	}{{c.shell, ci.ShellPort}, {c.control, ci.ControlPort}, {c.stdin, ci.StdinPort}, {c.iopub, ci.IOPubPort}, {c.hb, ci.HBPort}} {
		if err := s.sck.Dial(ci.Endpoint(s.port)); err != nil {
			c.Close()
			return nil, fmt.Errorf("jupytertest: dial %s: %w", ci.Endpoint(s.port), err)
		}
	}
	c.readers.Add(4)
	go c.readReplies(c.shell)
	go c.readReplies(c.control)
	go c.readStdin()
	go c.readIOPub()
	if err := c.waitReady(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// waitReady sends kernel_info_request until one's busy/idle pair arrives
// on iopub: then the subscription is in place.
func (c *Client) waitReady() error {
	deadline := time.Now().Add(c.Timeout)
	for time.Now().Before(deadline) {
		m, err := c.NewMessage(wire.KernelInfoRequest, struct{}{})
		if err != nil {
			return err
		}
		p, err := c.Start(Shell, m)
		if err != nil {
			return err
		}
		if _, err := c.Reply(m.Header.MsgID); err != nil {
			c.unsubscribe(m.Header.MsgID)
			return err
		}
		select {
		case <-p.sub.idle:
			c.unsubscribe(m.Header.MsgID)
			return nil
		case <-time.After(100 * time.Millisecond):
			c.unsubscribe(m.Header.MsgID)
		}
	}
	return fmt.Errorf("jupytertest: iopub never delivered kernel_info's status: %w", ErrTimeout)
}

// Close closes every socket. It is safe to call more than once.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	var errs []error
	for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin, c.iopub, c.hb} {
		if s != nil {
			if err := s.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// NewMessage returns a request of msgType with content, from this
// client's session, ready to Encode or SendMessage.
func (c *Client) NewMessage(msgType string, content any) (*wire.Message, error) {
	m := &wire.Message{Header: wire.NewHeader(msgType, c.Session, c.Username)}
	if err := m.SetContent(content); err != nil {
		return nil, err
	}
	return m, nil
}

// Key returns the HMAC key the client signs with.
func (c *Client) Key() []byte { return c.key }

func (c *Client) socket(ch Channel) (zmq4.Socket, error) {
	switch ch {
	case Shell:
		return c.shell, nil
	case Control:
		return c.control, nil
	case Stdin:
		return c.stdin, nil
	}
	return nil, fmt.Errorf("jupytertest: unknown channel %q", ch)
}

// Send signs and sends a request of msgType with content on ch and
// returns the message sent (its Header.MsgID identifies the reply).
func (c *Client) Send(ch Channel, msgType string, content any) (*wire.Message, error) {
	m, err := c.NewMessage(msgType, content)
	if err != nil {
		return nil, err
	}
	return m, c.SendMessage(ch, m)
}

// SendMessage signs m with the connection key and sends it on ch.
func (c *Client) SendMessage(ch Channel, m *wire.Message) error {
	frames, err := m.Encode(c.key)
	if err != nil {
		return err
	}
	return c.SendFrames(ch, frames)
}

// SendFrames sends raw frames on ch, unchecked: for tests of malformed
// or badly signed messages.
func (c *Client) SendFrames(ch Channel, frames [][]byte) error {
	s, err := c.socket(ch)
	if err != nil {
		return err
	}
	if err := c.ctx.Err(); err != nil {
		return ErrClosed
	}
	if err := s.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		return fmt.Errorf("jupytertest: send on %s: %w", ch, err)
	}
	return nil
}

// Request sends a request on ch and waits for its reply.
func (c *Client) Request(ch Channel, msgType string, content any) (*wire.Message, error) {
	m, err := c.Send(ch, msgType, content)
	if err != nil {
		return nil, err
	}
	return c.Reply(m.Header.MsgID)
}

// Reply waits for the shell or control reply whose parent is msgID.
func (c *Client) Reply(msgID string) (*wire.Message, error) {
	return c.WaitReply(msgID, c.Timeout)
}

// WaitReply waits up to d for the shell or control reply whose parent is
// msgID; it returns an error wrapping ErrTimeout if none came.
func (c *Client) WaitReply(msgID string, d time.Duration) (*wire.Message, error) {
	c.mu.Lock()
	if m, ok := c.early[msgID]; ok {
		delete(c.early, msgID)
		c.mu.Unlock()
		return m, nil
	}
	ch := make(chan *wire.Message, 1)
	c.replies[msgID] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.replies, msgID)
		c.mu.Unlock()
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case m := <-ch:
		return m, nil
	case <-t.C:
		return nil, fmt.Errorf("reply to %s: %w", msgID, ErrTimeout)
	case <-c.ctx.Done():
		return nil, ErrClosed
	}
}

// Unexpected returns the next iopub or stdin message that no pending
// request collected, waiting up to d; nil if none came. Status messages
// without a parent (the kernel's state, which it sends to each new iopub
// subscriber and when it starts) are skipped.
func (c *Client) Unexpected(d time.Duration) *wire.Message {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case m := <-c.other:
			if m.Header.MsgType == wire.Status && m.ParentHeader.MsgID == "" {
				continue
			}
			return m
		case <-t.C:
			return nil
		}
	}
}

// WaitInputRequest returns the next input_request that no pending
// request answers (see AllowStdinManual), skipping other unexpected
// messages, such as late iopub messages of finished requests; nil if none
// came within d.
func (c *Client) WaitInputRequest(d time.Duration) *wire.Message {
	deadline := time.Now().Add(d)
	for {
		m := c.Unexpected(time.Until(deadline))
		if m == nil || m.Header.MsgType == wire.InputRequest {
			return m
		}
	}
}

func (c *Client) readReplies(s zmq4.Socket) {
	defer c.readers.Done()
	for {
		zm, err := s.Recv()
		if err != nil {
			return
		}
		m, err := wire.Decode(zm.Frames, c.key)
		if err != nil {
			continue
		}
		id := m.ParentHeader.MsgID
		c.mu.Lock()
		if ch, ok := c.replies[id]; ok {
			ch <- m
			delete(c.replies, id)
		} else {
			c.early[id] = m
		}
		c.mu.Unlock()
	}
}

func (c *Client) readIOPub() {
	defer c.readers.Done()
	for {
		zm, err := c.iopub.Recv()
		if err != nil {
			return
		}
		m, err := wire.Decode(zm.Frames, c.key)
		if err != nil {
			continue
		}
		c.mu.Lock()
		sub, ok := c.subs[m.ParentHeader.MsgID]
		if ok && !sub.done {
			sub.msgs = append(sub.msgs, m)
			if m.Header.MsgType == wire.Status && isIdle(m) {
				sub.done = true
				close(sub.idle)
			}
		}
		c.mu.Unlock()
		if !ok {
			select {
			case c.other <- m:
			default: // nobody is looking; drop
			}
		}
	}
}

func isIdle(m *wire.Message) bool {
	var s wire.StatusContent
	return m.DecodeContent(&s) == nil && s.ExecutionState == wire.StateIdle
}

func (c *Client) readStdin() {
	defer c.readers.Done()
	for {
		zm, err := c.stdin.Recv()
		if err != nil {
			return
		}
		m, err := wire.Decode(zm.Frames, c.key)
		if err != nil || m.Header.MsgType != wire.InputRequest {
			continue
		}
		c.mu.Lock()
		answer, ok := c.inputs[m.ParentHeader.MsgID]
		c.mu.Unlock()
		if !ok {
			select {
			case c.other <- m:
			default:
			}
			continue
		}
		var req wire.InputRequestContent
		_ = m.DecodeContent(&req)
		_ = c.AnswerInput(m, answer(req.Prompt, req.Password))
	}
}

// AnswerInput sends input_reply with value to the input_request req.
func (c *Client) AnswerInput(req *wire.Message, value string) error {
	r := &wire.Message{Header: wire.NewHeader(wire.InputReply, c.Session, c.Username), ParentHeader: req.Header}
	if err := r.SetContent(wire.InputReplyContent{Value: value}); err != nil {
		return err
	}
	return c.SendMessage(Stdin, r)
}

func (c *Client) subscribe(msgID string) *iopubSub {
	sub := &iopubSub{idle: make(chan struct{})}
	c.mu.Lock()
	c.subs[msgID] = sub
	c.mu.Unlock()
	return sub
}

func (c *Client) unsubscribe(msgID string) {
	c.mu.Lock()
	delete(c.subs, msgID)
	c.mu.Unlock()
}

// Collect sends a request on ch and returns its reply and every iopub
// message whose parent it is, up to and including status idle.
func (c *Client) Collect(ch Channel, msgType string, content any) (reply *wire.Message, iopub []*wire.Message, err error) {
	m, err := c.NewMessage(msgType, content)
	if err != nil {
		return nil, nil, err
	}
	p, err := c.Start(ch, m)
	if err != nil {
		return nil, nil, err
	}
	return p.Wait()
}

// Pending is a request in flight; Wait collects its outcome.
type Pending struct {
	c   *Client
	msg *wire.Message
	sub *iopubSub
}

// Start sends m on ch and starts collecting its iopub messages. Send
// many, then Wait on each, to pipeline requests.
func (c *Client) Start(ch Channel, m *wire.Message) (*Pending, error) {
	id := m.Header.MsgID
	sub := c.subscribe(id)
	if err := c.SendMessage(ch, m); err != nil {
		c.unsubscribe(id)
		return nil, err
	}
	return &Pending{c: c, msg: m, sub: sub}, nil
}

// Request returns the message that was sent.
func (p *Pending) Request() *wire.Message { return p.msg }

// Wait returns the reply and the iopub messages of the request, waiting
// for both the reply and status idle.
func (p *Pending) Wait() (reply *wire.Message, iopub []*wire.Message, err error) {
	id := p.msg.Header.MsgID
	defer p.c.unsubscribe(id)
	reply, err = p.c.Reply(id)
	if err != nil {
		return nil, nil, err
	}
	t := time.NewTimer(p.c.Timeout)
	defer t.Stop()
	select {
	case <-p.sub.idle:
	case <-t.C:
		return reply, p.messages(), fmt.Errorf("status idle for %s: %w", id, ErrTimeout)
	case <-p.c.ctx.Done():
		return reply, p.messages(), ErrClosed
	}
	return reply, p.messages(), nil
}

// WaitIdle waits for status idle only, for requests that have no reply
// (comm_open, comm_msg, comm_close), and returns the iopub messages.
func (p *Pending) WaitIdle() ([]*wire.Message, error) {
	defer p.c.unsubscribe(p.msg.Header.MsgID)
	t := time.NewTimer(p.c.Timeout)
	defer t.Stop()
	select {
	case <-p.sub.idle:
	case <-t.C:
		return p.messages(), fmt.Errorf("status idle for %s: %w", p.msg.Header.MsgID, ErrTimeout)
	case <-p.c.ctx.Done():
		return p.messages(), ErrClosed
	}
	return p.messages(), nil
}

// Notify sends a message that gets no reply (comm_open, comm_msg,
// comm_close) on shell and returns it with the iopub messages it caused,
// up to and including status idle.
func (c *Client) Notify(msgType string, content any) (sent *wire.Message, iopub []*wire.Message, err error) {
	m, err := c.NewMessage(msgType, content)
	if err != nil {
		return nil, nil, err
	}
	p, err := c.Start(Shell, m)
	if err != nil {
		return nil, nil, err
	}
	iopub, err = p.WaitIdle()
	return m, iopub, err
}

// Types returns the msg_type of each message.
func Types(msgs []*wire.Message) []string {
	types := make([]string, len(msgs))
	for i, m := range msgs {
		types[i] = m.Header.MsgType
	}
	return types
}

func (p *Pending) messages() []*wire.Message {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	return append([]*wire.Message(nil), p.sub.msgs...)
}

// KernelInfo requests kernel_info on shell and returns the reply content.
func (c *Client) KernelInfo() (*wire.KernelInfoReplyContent, error) {
	return c.KernelInfoOn(Shell)
}

// KernelInfoOn requests kernel_info on ch and returns the reply content.
// A reply of another type, or iopub messages for the request other than
// a status busy/idle pair (CheckBusyIdle), is an error.
func (c *Client) KernelInfoOn(ch Channel) (*wire.KernelInfoReplyContent, error) {
	r, iopub, err := c.Collect(ch, wire.KernelInfoRequest, struct{}{})
	if err != nil {
		return nil, err
	}
	if r.Header.MsgType != wire.KernelInfoReply {
		return nil, fmt.Errorf("jupytertest: kernel_info_request answered with %s", r.Header.MsgType)
	}
	if err := CheckBusyIdle(iopub, r.ParentHeader.MsgID); err != nil {
		return nil, err
	}
	var info wire.KernelInfoReplyContent
	if err := r.DecodeContent(&info); err != nil {
		return nil, err
	}
	return &info, nil
}

// Heartbeat sends payload on the heartbeat socket and checks that the
// kernel echoes it within the Timeout.
func (c *Client) Heartbeat(payload []byte) error {
	c.hbMu.Lock()
	defer c.hbMu.Unlock()
	done := make(chan error, 1)
	go func() {
		if err := c.hb.Send(zmq4.NewMsg(payload)); err != nil {
			done <- fmt.Errorf("jupytertest: heartbeat send: %w", err)
			return
		}
		m, err := c.hb.Recv()
		if err != nil {
			done <- fmt.Errorf("jupytertest: heartbeat recv: %w", err)
			return
		}
		if len(m.Frames) != 1 || string(m.Frames[0]) != string(payload) {
			done <- fmt.Errorf("jupytertest: heartbeat echoed %q, want %q", m.Frames, payload)
			return
		}
		done <- nil
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(c.Timeout):
		return fmt.Errorf("heartbeat: %w", ErrTimeout)
	}
}

// decode is a small helper for ExecOutcome.
func decode[T any](m *wire.Message) (T, error) {
	var v T
	err := json.Unmarshal(m.Content, &v)
	return v, err
}
