package jupyter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-zeromq/zmq4"
	"github.com/gradbook/gradbook/kernel/wire"
)

// Config is what a Kernel says about itself and where it logs.
type Config struct {
	// Implementation and ImplementationVersion go in kernel_info_reply
	// (default "gradbook" and "dev").
	Implementation        string
	ImplementationVersion string
	// LanguageVersion is language_info.version (default runtime.Version()
	// without its "go" prefix).
	LanguageVersion string
	// Banner is kernel_info_reply's banner.
	Banner string
	// HelpLinks are kernel_info_reply's help_links.
	HelpLinks []wire.HelpLink
	// Log receives one line per dropped message (bad signature, bad
	// JSON, missing frames, unknown type) and per socket error; nil
	// discards.
	Log *log.Logger
	// IOPubQueueBytes bounds the iopub bytes queued for one subscriber
	// (default 64 MiB). When a subscriber's queue is full the kernel
	// waits for it; one that stays full for 2 s is deemed stalled and
	// its messages are dropped until it catches up.
	IOPubQueueBytes int64
	// Linger bounds how long Serve waits, after a shutdown_reply, for
	// queued iopub messages to leave before closing the sockets
	// (default 1 s).
	Linger time.Duration
}

// shellQueueSize bounds the shell requests read ahead of the one running.
const shellQueueSize = 4096

// Kernel serves a Handler on the five sockets of a connection file. Make
// one with New, run it with Serve.
type Kernel struct {
	info    ConnectionInfo
	key     []byte
	h       Handler
	cfg     Config
	log     *log.Logger
	session string // this kernel's session id, in iopub topics

	ctx    context.Context // cancelled by Shutdown
	cancel context.CancelFunc

	shell, control, stdin, hb zmq4.Socket
	iopub                     *publisher

	pubMu sync.Mutex // serializes iopub sends

	shellQ chan queued

	// Shell-goroutine state.
	count       int
	history     []historyEntry
	abortBefore time.Time // execute_requests that arrived before this are aborted

	curMu     sync.Mutex
	curCancel context.CancelFunc // cancels the running Execute; nil when idle

	inMu    sync.Mutex
	inWait  string      // msg_id of the pending input_request
	inReply chan string // delivers its input_reply value

	state atomic.Value // string: the last execution_state published

	shutdownOnce sync.Once
	restart      bool
	done         chan struct{} // closed when shutdown is requested
}

type queued struct {
	m  *wire.Message
	at time.Time
}

type historyEntry struct {
	line   int
	input  string
	output any // text/plain of the result, or nil
}

// New binds the five sockets described by ci and returns a Kernel that
// serves h on them once Serve is called.
func New(ci ConnectionInfo, h Handler, cfg Config) (*Kernel, error) {
	if err := ci.Validate(); err != nil {
		return nil, err
	}
	if cfg.Implementation == "" {
		cfg.Implementation = "gradbook"
	}
	if cfg.ImplementationVersion == "" {
		cfg.ImplementationVersion = "dev"
	}
	if cfg.LanguageVersion == "" {
		cfg.LanguageVersion = strings.TrimPrefix(runtime.Version(), "go")
	}
	if cfg.Linger == 0 {
		cfg.Linger = time.Second
	}
	lg := cfg.Log
	if lg == nil {
		lg = log.New(io.Discard, "", 0)
	}
	ctx, cancel := context.WithCancel(context.Background())
	k := &Kernel{
		info:    ci,
		key:     []byte(ci.Key),
		h:       h,
		cfg:     cfg,
		log:     lg,
		session: wire.NewSessionID(),
		ctx:     ctx,
		cancel:  cancel,
		shellQ:  make(chan queued, shellQueueSize),
		done:    make(chan struct{}),
	}
	zlog := zmq4.WithLogger(lg)
	k.shell = zmq4.NewRouter(ctx, zlog)
	k.control = zmq4.NewRouter(ctx, zlog)
	k.stdin = zmq4.NewRouter(ctx, zlog)
	k.hb = zmq4.NewRouter(ctx, zlog)
	for _, s := range []struct {
		name string
		sck  zmq4.Socket
		port int
	}{{"shell", k.shell, ci.ShellPort}, {"control", k.control, ci.ControlPort}, {"stdin", k.stdin, ci.StdinPort},
		{"heartbeat", k.hb, ci.HBPort}} {
		if err := s.sck.Listen(routerEndpoint(ci, s.port)); err != nil {
			k.closeSockets()
			cancel()
			return nil, fmt.Errorf("jupyter: %s socket: %w", s.name, err)
		}
	}
	// iopub is our own PUB (see publisher): zmq4's stalls behind one
	// subscriber that stops reading.
	network, addr, err := listenAddr(ci.Endpoint(ci.IOPubPort))
	if err == nil {
		k.iopub, err = newPublisher(network, addr, cfg.IOPubQueueBytes, lg, k.welcome)
	}
	if err != nil {
		k.closeSockets()
		cancel()
		return nil, fmt.Errorf("jupyter: iopub socket: %w", err)
	}
	return k, nil
}

func (k *Kernel) closeSockets() {
	for _, s := range []zmq4.Socket{k.shell, k.control, k.stdin, k.hb} {
		if s != nil {
			s.Close()
		}
	}
	if k.iopub != nil {
		k.iopub.Close()
	}
}

// Serve answers requests until a shutdown_request (on shell or control)
// has been answered or ctx is cancelled, then closes the sockets and the
// Handler. It returns nil after a shutdown_request and ctx.Err() after
// cancellation. Serve must be called once.
func Serve(ctx context.Context, ci ConnectionInfo, h Handler, cfg Config) error {
	k, err := New(ci, h, cfg)
	if err != nil {
		return err
	}
	return k.Serve(ctx)
}

// Serve answers requests until a shutdown_request has been answered or
// ctx is cancelled; see the package-level Serve.
func (k *Kernel) Serve(ctx context.Context) error {
	var wg sync.WaitGroup
	shellDone := make(chan struct{})
	wg.Add(4)
	go func() { defer wg.Done(); k.readShell() }()
	go func() { defer wg.Done(); k.serveControl() }()
	go func() { defer wg.Done(); k.readStdin() }()
	go func() { defer wg.Done(); k.serveHeartbeat() }()
	go func() { defer close(shellDone); k.serveShell() }()
	k.publish(nil, wire.Status, wire.StatusContent{ExecutionState: wire.StateStarting})

	var err error
	select {
	case <-k.done:
	case <-ctx.Done():
		err = ctx.Err()
		k.requestShutdown(false)
	}
	k.Interrupt()
	select {
	case <-shellDone:
	case <-time.After(5 * time.Second):
		k.log.Printf("shell still busy 5s after shutdown; closing anyway")
	}
	k.pubMu.Lock() // the last iopub messages are queued
	k.pubMu.Unlock()
	k.iopub.flush(k.cfg.Linger)
	k.cancel()
	k.closeSockets()
	wg.Wait()
	if cerr := k.h.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("jupyter: close handler: %w", cerr)
	}
	return err
}

// Interrupt cancels the context of the running Execute, if any: what an
// interrupt_request does, for main to call on SIGINT. It is safe to call
// from any goroutine.
func (k *Kernel) Interrupt() {
	k.curMu.Lock()
	if k.curCancel != nil {
		k.curCancel()
	}
	k.curMu.Unlock()
}

func (k *Kernel) requestShutdown(restart bool) {
	k.shutdownOnce.Do(func() {
		k.restart = restart
		close(k.done)
	})
}

// recv reads one message from s, logging and dropping what does not
// decode. ok is false when the socket is closed.
func (k *Kernel) recv(name string, s zmq4.Socket) (m *wire.Message, ok bool) {
	for {
		zm, err := s.Recv()
		if err != nil {
			if k.ctx.Err() != nil {
				return nil, false
			}
			k.log.Printf("%s: recv: %v", name, err)
			if errors.Is(err, context.Canceled) {
				return nil, false
			}
			continue
		}
		m, err := wire.Decode(zm.Frames, k.key)
		if err != nil {
			k.log.Printf("%s: dropped message: %v", name, err)
			continue
		}
		return m, true
	}
}

func (k *Kernel) readShell() {
	defer close(k.shellQ)
	for {
		m, ok := k.recv("shell", k.shell)
		if !ok {
			return
		}
		select {
		case k.shellQ <- queued{m: m, at: time.Now()}:
		case <-k.ctx.Done():
			return
		}
	}
}

func (k *Kernel) serveShell() {
	for {
		select {
		case q, ok := <-k.shellQ:
			if !ok {
				return
			}
			k.dispatch(k.shell, "shell", q)
		case <-k.done:
			return
		}
	}
}

func (k *Kernel) serveControl() {
	for {
		m, ok := k.recv("control", k.control)
		if !ok {
			return
		}
		k.dispatch(k.control, "control", queued{m: m, at: time.Now()})
	}
}

func (k *Kernel) serveHeartbeat() {
	for {
		zm, err := k.hb.Recv()
		if err != nil {
			if k.ctx.Err() != nil {
				return
			}
			k.log.Printf("heartbeat: recv: %v", err)
			continue
		}
		if err := k.hb.SendMulti(zm); err != nil && k.ctx.Err() == nil {
			k.log.Printf("heartbeat: send: %v", err)
		}
	}
}

func (k *Kernel) readStdin() {
	for {
		m, ok := k.recv("stdin", k.stdin)
		if !ok {
			return
		}
		if m.Header.MsgType != wire.InputReply {
			k.log.Printf("stdin: dropped %q message", m.Header.MsgType)
			continue
		}
		var c wire.InputReplyContent
		if err := m.DecodeContent(&c); err != nil {
			k.log.Printf("stdin: %v", err)
			continue
		}
		k.inMu.Lock()
		// jupyter_client's KernelClient.input sends no parent_header;
		// like ipykernel, take such a reply as the answer to the pending
		// request. A reply naming another request is stale: drop it.
		if p := m.ParentHeader.MsgID; k.inWait != "" && (p == k.inWait || p == "") {
			k.inReply <- c.Value // buffered, one per request
			k.inWait = ""
		} else {
			k.log.Printf("stdin: input_reply to %q matches no pending input_request", m.ParentHeader.MsgID)
		}
		k.inMu.Unlock()
	}
}

// send encodes m and sends it on s, logging failures.
func (k *Kernel) send(s zmq4.Socket, m *wire.Message) {
	frames, err := m.Encode(k.key)
	if err != nil {
		k.log.Printf("encode %s: %v", m.Header.MsgType, err)
		return
	}
	if err := s.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil && k.ctx.Err() == nil {
		k.log.Printf("send %s: %v", m.Header.MsgType, err)
	}
}

// reply sends a reply of msgType with content to parent on s.
func (k *Kernel) reply(s zmq4.Socket, parent *wire.Message, msgType string, content any) {
	r := parent.Reply(msgType)
	if err := r.SetContent(content); err != nil {
		k.log.Printf("%v", err)
		return
	}
	k.send(s, r)
}

// publish sends an iopub message of msgType with content whose parent is
// parent (nil for none).
// iopubFrames returns the signed frames of an iopub message (parent may
// be nil), or nil after logging why it could not be encoded.
func (k *Kernel) iopubFrames(parent *wire.Message, msgType string, content any) [][]byte {
	var m *wire.Message
	if parent != nil {
		m = parent.Reply(msgType)
	} else {
		m = &wire.Message{Header: wire.NewHeader(msgType, k.session, "kernel")}
	}
	m.Identities = [][]byte{[]byte("kernel." + k.session + "." + msgType)}
	if err := m.SetContent(content); err != nil {
		k.log.Printf("%v", err)
		return nil
	}
	frames, err := m.Encode(k.key)
	if err != nil {
		k.log.Printf("encode %s: %v", msgType, err)
		return nil
	}
	return frames
}

func (k *Kernel) publish(parent *wire.Message, msgType string, content any) {
	frames := k.iopubFrames(parent, msgType, content)
	if frames == nil {
		return
	}
	k.pubMu.Lock()
	k.iopub.send(frames)
	k.pubMu.Unlock()
}

func (k *Kernel) status(parent *wire.Message, state string) {
	k.state.Store(state)
	k.publish(parent, wire.Status, wire.StatusContent{ExecutionState: state})
}

// welcome is the message each new iopub subscriber gets first: the
// kernel's current status, without a parent.
func (k *Kernel) welcome() [][]byte {
	state, _ := k.state.Load().(string)
	if state == "" {
		state = wire.StateIdle // serving, no request yet
	}
	return k.iopubFrames(nil, wire.Status, wire.StatusContent{ExecutionState: state})
}

// dispatch answers one request from shell or control, between status
// busy and idle.
func (k *Kernel) dispatch(s zmq4.Socket, channel string, q queued) {
	m := q.m
	k.status(m, wire.StateBusy)
	if m.Header.MsgType == wire.ShutdownRequest {
		var c wire.ShutdownContent
		if err := m.DecodeContent(&c); err != nil {
			k.log.Printf("%s: %v", channel, err)
		}
		k.reply(s, m, wire.ShutdownReply, wire.ShutdownContent{Status: wire.StatusOK, Restart: c.Restart})
		// Status idle goes out before Serve is told to stop: Serve
		// flushes iopub and closes it without waiting for the control
		// goroutine, and a deferred idle could come too late.
		k.status(m, wire.StateIdle)
		k.requestShutdown(c.Restart)
		return
	}
	defer k.status(m, wire.StateIdle)
	switch t := m.Header.MsgType; t {
	case wire.KernelInfoRequest:
		k.reply(s, m, wire.KernelInfoReply, k.kernelInfo())
	case wire.InterruptRequest:
		k.Interrupt()
		k.reply(s, m, wire.InterruptReply, wire.InterruptReplyContent{Status: wire.StatusOK})
	default:
		if channel == "control" {
			k.log.Printf("control: dropped message of unknown type %q", t)
			return
		}
		k.dispatchShell(s, q)
	}
}

func (k *Kernel) kernelInfo() wire.KernelInfoReplyContent {
	links := k.cfg.HelpLinks
	if links == nil {
		links = []wire.HelpLink{}
	}
	return wire.KernelInfoReplyContent{
		Status:                wire.StatusOK,
		ProtocolVersion:       wire.ProtocolVersion,
		Implementation:        k.cfg.Implementation,
		ImplementationVersion: k.cfg.ImplementationVersion,
		LanguageInfo: wire.LanguageInfo{
			Name:           "go",
			Version:        k.cfg.LanguageVersion,
			MIMEType:       "text/x-go",
			FileExtension:  ".go",
			PygmentsLexer:  "go",
			CodemirrorMode: "go",
		},
		Banner:    k.cfg.Banner,
		HelpLinks: links,
	}
}

// badRequest answers a request whose content does not decode with an
// error reply, as ipykernel answers a handler exception.
func (k *Kernel) badRequest(s zmq4.Socket, m *wire.Message, replyType string, err error) {
	k.log.Printf("shell: %v", err)
	k.reply(s, m, replyType, wire.ErrorReplyContent{
		Status: wire.StatusError, EName: "BadRequest", EValue: err.Error(), Traceback: []string{},
	})
}

func (k *Kernel) dispatchShell(s zmq4.Socket, q queued) {
	m := q.m
	ctx := k.ctx
	switch t := m.Header.MsgType; t {
	case wire.ExecuteRequest:
		k.execute(s, q)
	case wire.CompleteRequest:
		var c wire.CompleteRequestContent
		if err := m.DecodeContent(&c); err != nil {
			k.badRequest(s, m, wire.CompleteReply, err)
			return
		}
		r := k.h.Complete(ctx, c.Code, c.CursorPos)
		if r.Matches == nil {
			r.Matches = []string{}
		}
		if r.Metadata == nil {
			r.Metadata = map[string]any{}
		}
		k.reply(s, m, wire.CompleteReply, wire.CompleteReplyContent{
			Status: wire.StatusOK, Matches: r.Matches, CursorStart: r.CursorStart, CursorEnd: r.CursorEnd, Metadata: r.Metadata,
		})
	case wire.InspectRequest:
		var c wire.InspectRequestContent
		if err := m.DecodeContent(&c); err != nil {
			k.badRequest(s, m, wire.InspectReply, err)
			return
		}
		r := k.h.Inspect(ctx, c.Code, c.CursorPos, c.DetailLevel)
		if r.Data == nil {
			r.Data = map[string]any{}
		}
		if r.Metadata == nil {
			r.Metadata = map[string]any{}
		}
		k.reply(s, m, wire.InspectReply, wire.InspectReplyContent{Status: wire.StatusOK, Found: r.Found, Data: r.Data, Metadata: r.Metadata})
	case wire.IsCompleteRequest:
		var c wire.IsCompleteRequestContent
		if err := m.DecodeContent(&c); err != nil {
			k.badRequest(s, m, wire.IsCompleteReply, err)
			return
		}
		r := k.h.IsComplete(ctx, c.Code)
		rc := wire.IsCompleteReplyContent{Status: r.Status}
		if rc.Status == "" {
			rc.Status = "unknown"
		}
		if rc.Status == "incomplete" {
			indent := r.Indent
			rc.Indent = &indent
		}
		k.reply(s, m, wire.IsCompleteReply, rc)
	case wire.HistoryRequest:
		var c wire.HistoryRequestContent
		if err := m.DecodeContent(&c); err != nil {
			k.badRequest(s, m, wire.HistoryReply, err)
			return
		}
		k.reply(s, m, wire.HistoryReply, wire.HistoryReplyContent{Status: wire.StatusOK, History: k.historyReply(c)})
	case wire.CommInfoRequest:
		k.reply(s, m, wire.CommInfoReply, wire.CommInfoReplyContent{Status: wire.StatusOK, Comms: map[string]wire.CommInfo{}})
	case wire.CommOpen:
		// No comm targets: close the comm again, as ipykernel does for
		// an unknown target.
		var c wire.CommOpenContent
		if err := m.DecodeContent(&c); err != nil {
			k.log.Printf("shell: %v", err)
			return
		}
		k.log.Printf("shell: no comm target %q; closing comm %s", c.TargetName, c.CommID)
		k.publish(m, wire.CommClose, wire.CommCloseContent{CommID: c.CommID, Data: map[string]any{}})
	case wire.CommMsg, wire.CommClose:
		// No comm is ever open: nothing to do, no reply in the spec.
		k.log.Printf("shell: %s for a comm that is not open", t)
	case wire.ConnectRequest:
		k.reply(s, m, wire.ConnectReply, wire.ConnectReplyContent{
			Status: wire.StatusOK, ShellPort: k.info.ShellPort, IOPubPort: k.info.IOPubPort,
			StdinPort: k.info.StdinPort, HBPort: k.info.HBPort, ControlPort: k.info.ControlPort,
		})
	default:
		// ipykernel logs unknown shell types and sends no reply.
		k.log.Printf("shell: dropped message of unknown type %q", t)
	}
}

// execute runs one execute_request.
func (k *Kernel) execute(s zmq4.Socket, q queued) {
	m := q.m
	var c wire.ExecuteRequestContent
	if err := m.DecodeContent(&c); err != nil {
		k.badRequest(s, m, wire.ExecuteReply, err)
		return
	}
	if q.at.Before(k.abortBefore) {
		// Queued behind a cell that failed with stop_on_error.
		k.reply(s, m, wire.ExecuteReply, wire.ExecuteReplyContent{Status: wire.StatusAborted, ExecutionCount: k.count})
		return
	}
	// execution_count is "the global kernel counter that increases by
	// one with each request that stores history" (messaging spec,
	// execute_reply): a store_history=false cell shows the current count.
	if !c.Silent && c.StoreHistory {
		k.count++
	}
	if !c.Silent {
		k.publish(m, wire.ExecuteInput, wire.ExecuteInputContent{Code: c.Code, ExecutionCount: k.count})
	}
	n := k.count
	ctx, cancel := context.WithCancel(k.ctx)
	k.curMu.Lock()
	k.curCancel = cancel
	k.curMu.Unlock()
	out := &cellOutput{k: k, parent: m, allowStdin: c.AllowStdin, ctx: ctx}
	var res ExecuteResult
	if name, ok := helpRequest(c.Code); ok {
		res = k.help(ctx, name)
	} else {
		res = k.h.Execute(ctx, ExecuteRequest{
			Code: c.Code, Silent: c.Silent, StoreHistory: c.StoreHistory,
			UserExpressions: c.UserExpressions, AllowStdin: c.AllowStdin, ExecutionCount: n,
		}, out)
	}
	k.curMu.Lock()
	k.curCancel = nil
	k.curMu.Unlock()
	cancel()

	if c.StoreHistory && !c.Silent {
		var output any
		if res.Error == nil && res.Data != nil {
			output = res.Data["text/plain"]
		}
		k.history = append(k.history, historyEntry{line: n, input: c.Code, output: output})
	}
	ue := res.UserExpressions
	payload := res.Payload
	if payload == nil {
		payload = []any{}
	}
	if ue == nil {
		ue = map[string]any{}
	}
	if e := res.Error; e != nil {
		if c.StopOnError {
			k.abortBefore = time.Now()
		}
		tb := e.Traceback
		if tb == nil {
			tb = []string{}
		}
		k.publish(m, wire.Error, wire.ErrorContent{EName: e.Name, EValue: e.Value, Traceback: tb})
		k.reply(s, m, wire.ExecuteReply, wire.ExecuteReplyContent{
			Status: wire.StatusError, ExecutionCount: n, UserExpressions: ue, Payload: []any{},
			EName: e.Name, EValue: e.Value, Traceback: tb,
		})
		return
	}
	if res.Data != nil && !c.Silent {
		md := res.Metadata
		if md == nil {
			md = map[string]any{}
		}
		k.publish(m, wire.ExecuteResult, wire.ExecuteResultContent{ExecutionCount: n, Data: res.Data, Metadata: md})
	}
	k.reply(s, m, wire.ExecuteReply, wire.ExecuteReplyContent{
		Status: wire.StatusOK, ExecutionCount: n, UserExpressions: ue, Payload: payload,
	})
}

// helpRequest recognises a help cell, "?name" or "name?" (as in IPython),
// where name is a possibly qualified identifier such as fmt.Println.
func helpRequest(code string) (name string, ok bool) {
	code = strings.TrimSpace(code)
	switch {
	case strings.HasPrefix(code, "?"):
		name = strings.TrimSpace(code[1:])
	case strings.HasSuffix(code, "?"):
		name = strings.TrimSpace(code[:len(code)-1])
	default:
		return "", false
	}
	if name == "" {
		return "", false
	}
	for _, r := range name {
		if r != '.' && r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return "", false
		}
	}
	return name, true
}

// help answers a help cell with the Handler's inspection of name, shown
// in the front end's pager (an execute_reply "page" payload).
func (k *Kernel) help(ctx context.Context, name string) ExecuteResult {
	r := k.h.Inspect(ctx, name, utf8.RuneCountInString(name), 1)
	if !r.Found {
		return ExecuteResult{Error: &CellError{Name: "NotFound", Value: "no documentation found for " + name,
			Traceback: []string{"NotFound: no documentation found for " + name}}}
	}
	return ExecuteResult{Payload: []any{map[string]any{"source": "page", "data": r.Data, "start": 0}}}
}

// cellOutput is the Output of one running cell.
type cellOutput struct {
	k          *Kernel
	parent     *wire.Message
	allowStdin bool
	ctx        context.Context
}

func (o *cellOutput) Stream(name, text string) {
	o.k.publish(o.parent, wire.Stream, wire.StreamContent{Name: name, Text: text})
}

func (o *cellOutput) Display(d DisplayData) {
	c := wire.DisplayDataContent{Data: d.Data, Metadata: d.Metadata}
	if c.Data == nil {
		c.Data = map[string]any{}
	}
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	if d.DisplayID != "" {
		c.Transient = map[string]any{"display_id": d.DisplayID}
	}
	t := wire.DisplayData
	if d.Update {
		t = wire.UpdateDisplayData
	}
	o.k.publish(o.parent, t, c)
}

func (o *cellOutput) ClearOutput(wait bool) {
	o.k.publish(o.parent, wire.ClearOutput, wire.ClearOutputContent{Wait: wait})
}

// ErrInputInterrupted is returned by Output.Input when the cell is
// interrupted or the kernel shuts down while waiting for input.
var ErrInputInterrupted = errors.New("jupyter: interrupted while waiting for input")

func (o *cellOutput) Input(prompt string, password bool) (string, error) {
	if !o.allowStdin {
		return "", ErrStdinNotAllowed
	}
	k := o.k
	r := o.parent.Reply(wire.InputRequest)
	if err := r.SetContent(wire.InputRequestContent{Prompt: prompt, Password: password}); err != nil {
		return "", err
	}
	ch := make(chan string, 1)
	k.inMu.Lock()
	k.inWait, k.inReply = r.Header.MsgID, ch
	k.inMu.Unlock()
	defer func() {
		k.inMu.Lock()
		if k.inWait == r.Header.MsgID {
			k.inWait = ""
		}
		k.inMu.Unlock()
	}()
	k.send(k.stdin, r)
	select {
	case v := <-ch:
		return v, nil
	case <-o.ctx.Done():
		return "", ErrInputInterrupted
	}
}

// historyReply answers a history_request from this kernel's own inputs.
func (k *Kernel) historyReply(c wire.HistoryRequestContent) [][]any {
	var sel []historyEntry
	switch c.HistAccessType {
	case "tail":
		n := c.N
		if n <= 0 {
			n = 10
		}
		sel = k.history[max(0, len(k.history)-n):]
	case "range":
		if c.Session > 0 && c.Session != 1 || c.Session < 0 {
			return [][]any{} // only this kernel's session (number 1) exists
		}
		for _, e := range k.history {
			if e.line >= c.Start && (c.Stop <= 0 || e.line < c.Stop) {
				sel = append(sel, e)
			}
		}
	case "search":
		re := globRegexp(c.Pattern)
		seen := make(map[string]bool)
		for i := len(k.history) - 1; i >= 0; i-- {
			e := k.history[i]
			if !re.MatchString(e.input) || c.Unique && seen[e.input] {
				continue
			}
			seen[e.input] = true
			sel = append(sel, e)
			if c.N > 0 && len(sel) == c.N {
				break
			}
		}
		for i, j := 0, len(sel)-1; i < j; i, j = i+1, j-1 {
			sel[i], sel[j] = sel[j], sel[i]
		}
	}
	out := make([][]any, 0, len(sel))
	for _, e := range sel {
		if c.Output {
			out = append(out, []any{1, e.line, []any{e.input, e.output}})
		} else {
			out = append(out, []any{1, e.line, e.input})
		}
	}
	return out
}
