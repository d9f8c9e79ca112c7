package jupytertest

import (
	"fmt"
	"strings"
	"time"

	"github.com/gradbook/gradbook/kernel/wire"
)

// ExecOption changes an execute_request that Execute sends.
type ExecOption func(*execConfig)

type execConfig struct {
	content wire.ExecuteRequestContent
	input   InputFunc
}

// Silent sets silent (and, as the spec's default, store_history false).
func Silent() ExecOption {
	return func(e *execConfig) { e.content.Silent = true; e.content.StoreHistory = false }
}

// StoreHistory sets store_history.
func StoreHistory(v bool) ExecOption { return func(e *execConfig) { e.content.StoreHistory = v } }

// StopOnError sets stop_on_error (default true).
func StopOnError(v bool) ExecOption { return func(e *execConfig) { e.content.StopOnError = v } }

// UserExpressions sets user_expressions.
func UserExpressions(x map[string]string) ExecOption {
	return func(e *execConfig) { e.content.UserExpressions = x }
}

// AllowStdin sets allow_stdin true and answers every input_request of the
// cell with f.
func AllowStdin(f InputFunc) ExecOption {
	return func(e *execConfig) { e.content.AllowStdin = true; e.input = f }
}

// AllowStdinManual sets allow_stdin true without answering: input_request
// messages arrive through Client.Unexpected and are answered with
// Client.AnswerInput.
func AllowStdinManual() ExecOption {
	return func(e *execConfig) { e.content.AllowStdin = true; e.input = nil }
}

// ExecOutcome is everything a kernel sent for one execute_request.
type ExecOutcome struct {
	Request  *wire.Message             // the execute_request sent
	Reply    wire.ExecuteReplyContent  // execute_reply content
	ReplyMsg *wire.Message             // execute_reply
	IOPub    []*wire.Message           // every iopub message with this parent, in order, ending with status idle
	Input    *wire.ExecuteInputContent // execute_input, if published
	Stdout   string                    // stream "stdout" texts, concatenated
	Stderr   string                    // stream "stderr" texts, concatenated
	Streams  int                       // number of stream messages
	Results  []wire.ExecuteResultContent
	Displays []wire.DisplayDataContent // display_data and update_display_data
	Errors   []wire.ErrorContent
	Clears   []wire.ClearOutputContent
	Types    []string // msg_type of each IOPub message
}

// Execute sends an execute_request for code and waits for its reply and
// status idle. Without options the request is not silent, stores
// history, stops on error and does not allow stdin.
func (c *Client) Execute(code string, opts ...ExecOption) (*ExecOutcome, error) {
	p, err := c.StartExecute(code, opts...)
	if err != nil {
		return nil, err
	}
	return p.Wait()
}

// PendingExecute is an execute_request in flight.
type PendingExecute struct {
	p *Pending
}

// StartExecute sends an execute_request without waiting; Wait on the
// result to collect it. Use it to pipeline cells.
func (c *Client) StartExecute(code string, opts ...ExecOption) (*PendingExecute, error) {
	cfg := execConfig{content: wire.ExecuteRequestContent{
		Code: code, StoreHistory: true, StopOnError: true, UserExpressions: map[string]string{},
	}}
	for _, o := range opts {
		o(&cfg)
	}
	m, err := c.NewMessage(wire.ExecuteRequest, cfg.content)
	if err != nil {
		return nil, err
	}
	id := m.Header.MsgID
	if cfg.input != nil {
		c.mu.Lock()
		c.inputs[id] = cfg.input
		c.mu.Unlock()
	}
	p, err := c.Start(Shell, m)
	if err != nil {
		c.forgetInput(id)
		return nil, err
	}
	return &PendingExecute{p: p}, nil
}

func (c *Client) forgetInput(id string) {
	c.mu.Lock()
	delete(c.inputs, id)
	c.mu.Unlock()
}

// Request returns the execute_request that was sent.
func (pe *PendingExecute) Request() *wire.Message { return pe.p.msg }

// WaitStdout waits until the cell, still running or not, has published
// stdout containing text: a sign that it has started. It returns an
// error wrapping ErrTimeout after the Client's Timeout.
func (pe *PendingExecute) WaitStdout(text string) error {
	deadline := time.Now().Add(pe.p.c.Timeout)
	for {
		var stdout strings.Builder
		for _, m := range pe.p.messages() {
			if m.Header.MsgType != wire.Stream {
				continue
			}
			if s, err := decode[wire.StreamContent](m); err == nil && s.Name == "stdout" {
				stdout.WriteString(s.Text)
			}
		}
		if strings.Contains(stdout.String(), text) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stdout %q of %s: %w", text, pe.p.msg.Header.MsgID, ErrTimeout)
		}
		select {
		case <-pe.p.c.ctx.Done():
			return ErrClosed
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Wait collects the reply and iopub messages of the request.
func (pe *PendingExecute) Wait() (*ExecOutcome, error) {
	defer pe.p.c.forgetInput(pe.p.msg.Header.MsgID)
	reply, iopub, err := pe.p.Wait()
	out := &ExecOutcome{Request: pe.p.msg, ReplyMsg: reply, IOPub: iopub}
	if reply != nil {
		if derr := reply.DecodeContent(&out.Reply); derr != nil && err == nil {
			err = derr
		}
	}
	var stdout, stderr strings.Builder
	for _, m := range iopub {
		out.Types = append(out.Types, m.Header.MsgType)
		switch m.Header.MsgType {
		case wire.Stream:
			s, derr := decode[wire.StreamContent](m)
			if derr != nil {
				return out, fmt.Errorf("jupytertest: stream: %w", derr)
			}
			out.Streams++
			if s.Name == "stderr" {
				stderr.WriteString(s.Text)
			} else {
				stdout.WriteString(s.Text)
			}
		case wire.ExecuteInput:
			in, derr := decode[wire.ExecuteInputContent](m)
			if derr != nil {
				return out, fmt.Errorf("jupytertest: execute_input: %w", derr)
			}
			out.Input = &in
		case wire.ExecuteResult:
			r, derr := decode[wire.ExecuteResultContent](m)
			if derr != nil {
				return out, fmt.Errorf("jupytertest: execute_result: %w", derr)
			}
			out.Results = append(out.Results, r)
		case wire.DisplayData, wire.UpdateDisplayData:
			d, derr := decode[wire.DisplayDataContent](m)
			if derr != nil {
				return out, fmt.Errorf("jupytertest: %s: %w", m.Header.MsgType, derr)
			}
			out.Displays = append(out.Displays, d)
		case wire.Error:
			e, derr := decode[wire.ErrorContent](m)
			if derr != nil {
				return out, fmt.Errorf("jupytertest: error: %w", derr)
			}
			out.Errors = append(out.Errors, e)
		case wire.ClearOutput:
			cl, derr := decode[wire.ClearOutputContent](m)
			if derr != nil {
				return out, fmt.Errorf("jupytertest: clear_output: %w", derr)
			}
			out.Clears = append(out.Clears, cl)
		}
	}
	out.Stdout, out.Stderr = stdout.String(), stderr.String()
	return out, err
}

// CheckBusyIdle checks that iopub, the messages collected for request
// msgID, all have that parent and start with status busy and end with
// status idle, as the messaging spec requires of every request.
func CheckBusyIdle(iopub []*wire.Message, msgID string) error {
	if len(iopub) < 2 {
		return fmt.Errorf("jupytertest: %d iopub messages, want at least status busy and idle", len(iopub))
	}
	for i, m := range iopub {
		if m.ParentHeader.MsgID != msgID {
			return fmt.Errorf("jupytertest: iopub %d (%s) has parent %q, want %q", i, m.Header.MsgType, m.ParentHeader.MsgID, msgID)
		}
	}
	for _, tc := range []struct {
		m     *wire.Message
		state string
	}{{iopub[0], wire.StateBusy}, {iopub[len(iopub)-1], wire.StateIdle}} {
		var s wire.StatusContent
		if tc.m.Header.MsgType != wire.Status || tc.m.DecodeContent(&s) != nil || s.ExecutionState != tc.state {
			return fmt.Errorf("jupytertest: iopub %s %s, want status %s", tc.m.Header.MsgType, tc.m.Content, tc.state)
		}
	}
	return nil
}
