package wire

import "encoding/json"

// Message types, as header.msg_type carries them. The comment names the
// channel and the section of the messaging specification.
const (
	// Shell (and control) requests and replies: "Messages on the shell
	// (ROUTER/DEALER) channel".
	ExecuteRequest    = "execute_request"     // shell: Execute
	ExecuteReply      = "execute_reply"       // shell: Execute
	InspectRequest    = "inspect_request"     // shell: Introspection
	InspectReply      = "inspect_reply"       // shell: Introspection
	CompleteRequest   = "complete_request"    // shell: Completion
	CompleteReply     = "complete_reply"      // shell: Completion
	HistoryRequest    = "history_request"     // shell: History
	HistoryReply      = "history_reply"       // shell: History
	IsCompleteRequest = "is_complete_request" // shell: Code completeness
	IsCompleteReply   = "is_complete_reply"   // shell: Code completeness
	ConnectRequest    = "connect_request"     // shell: Connect (deprecated)
	ConnectReply      = "connect_reply"       // shell: Connect (deprecated)
	CommInfoRequest   = "comm_info_request"   // shell: Comm info
	CommInfoReply     = "comm_info_reply"     // shell: Comm info
	KernelInfoRequest = "kernel_info_request" // shell or control: Kernel info
	KernelInfoReply   = "kernel_info_reply"   // shell or control: Kernel info

	// Control requests and replies: "Messages on the control
	// (ROUTER/DEALER) channel".
	ShutdownRequest  = "shutdown_request"  // control (or shell): Kernel shutdown
	ShutdownReply    = "shutdown_reply"    // control (or shell): Kernel shutdown
	InterruptRequest = "interrupt_request" // control: Kernel interrupt
	InterruptReply   = "interrupt_reply"   // control: Kernel interrupt
	DebugRequest     = "debug_request"     // control: Debug request (not served)
	DebugReply       = "debug_reply"       // control: Debug request (not served)

	// IOPub messages: "Messages on the IOPub (PUB/SUB) channel".
	Stream            = "stream"              // iopub: Streams (stdout, stderr, etc)
	DisplayData       = "display_data"        // iopub: Display Data
	UpdateDisplayData = "update_display_data" // iopub: Update Display Data
	ExecuteInput      = "execute_input"       // iopub: Code inputs
	ExecuteResult     = "execute_result"      // iopub: Execution results
	Error             = "error"               // iopub: Execution errors
	Status            = "status"              // iopub: Kernel status
	ClearOutput       = "clear_output"        // iopub: Clear output
	DebugEvent        = "debug_event"         // iopub: Debug event (not sent)

	// Stdin messages: "Messages on the stdin (ROUTER/DEALER) channel".
	InputRequest = "input_request" // stdin: kernel to front end
	InputReply   = "input_reply"   // stdin: front end to kernel

	// Comm messages, on shell (front end to kernel) and iopub (kernel to
	// front end): "Custom Messages".
	CommOpen  = "comm_open"
	CommMsg   = "comm_msg"
	CommClose = "comm_close"
)

// Reply status values ("Request-Reply").
const (
	StatusOK      = "ok"
	StatusError   = "error"
	StatusAborted = "aborted"
)

// Kernel execution states ("Kernel status").
const (
	StateBusy     = "busy"
	StateIdle     = "idle"
	StateStarting = "starting"
)

// ExecuteRequestContent is an execute_request's content ("Execute").
// Decoding it applies the specification's defaults for absent keys:
// store_history is !silent, stop_on_error is true, allow_stdin false.
type ExecuteRequestContent struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    bool              `json:"store_history"`
	UserExpressions map[string]string `json:"user_expressions"`
	AllowStdin      bool              `json:"allow_stdin"`
	StopOnError     bool              `json:"stop_on_error"`
}

// UnmarshalJSON decodes an execute_request content, filling in defaults
// for absent keys.
func (c *ExecuteRequestContent) UnmarshalJSON(b []byte) error {
	var raw struct {
		Code            string            `json:"code"`
		Silent          bool              `json:"silent"`
		StoreHistory    *bool             `json:"store_history"`
		UserExpressions map[string]string `json:"user_expressions"`
		AllowStdin      bool              `json:"allow_stdin"`
		StopOnError     *bool             `json:"stop_on_error"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*c = ExecuteRequestContent{
		Code:            raw.Code,
		Silent:          raw.Silent,
		StoreHistory:    !raw.Silent,
		UserExpressions: raw.UserExpressions,
		AllowStdin:      raw.AllowStdin,
		StopOnError:     true,
	}
	if raw.StoreHistory != nil {
		c.StoreHistory = *raw.StoreHistory
	}
	if raw.StopOnError != nil {
		c.StopOnError = *raw.StopOnError
	}
	return nil
}

// ExecuteReplyContent is an execute_reply's content ("Execution results"
// under "Execute"). With status "error" the error fields are set.
type ExecuteReplyContent struct {
	Status          string         `json:"status"`
	ExecutionCount  int            `json:"execution_count"`
	UserExpressions map[string]any `json:"user_expressions,omitempty"`
	Payload         []any          `json:"payload,omitempty"`
	EName           string         `json:"ename,omitempty"`
	EValue          string         `json:"evalue,omitempty"`
	Traceback       []string       `json:"traceback,omitempty"`
}

// ErrorReplyContent is the content of any reply with status "error"
// ("Request-Reply").
type ErrorReplyContent struct {
	Status    string   `json:"status"`
	EName     string   `json:"ename"`
	EValue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// InspectRequestContent is an inspect_request's content ("Introspection").
type InspectRequestContent struct {
	Code        string `json:"code"`
	CursorPos   int    `json:"cursor_pos"`
	DetailLevel int    `json:"detail_level"`
}

// InspectReplyContent is an inspect_reply's content ("Introspection").
type InspectReplyContent struct {
	Status   string         `json:"status"`
	Found    bool           `json:"found"`
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}

// CompleteRequestContent is a complete_request's content ("Completion").
type CompleteRequestContent struct {
	Code      string `json:"code"`
	CursorPos int    `json:"cursor_pos"`
}

// CompleteReplyContent is a complete_reply's content ("Completion").
// Cursor positions count Unicode code points.
type CompleteReplyContent struct {
	Status      string         `json:"status"`
	Matches     []string       `json:"matches"`
	CursorStart int            `json:"cursor_start"`
	CursorEnd   int            `json:"cursor_end"`
	Metadata    map[string]any `json:"metadata"`
}

// HistoryRequestContent is a history_request's content ("History").
// HistAccessType is "range", "tail" or "search".
type HistoryRequestContent struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           int    `json:"stop"`
	N              int    `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// HistoryReplyContent is a history_reply's content ("History"). Each
// entry is [session, line_number, input], or [session, line_number,
// [input, output]] when the request asked for output.
type HistoryReplyContent struct {
	Status  string  `json:"status"`
	History [][]any `json:"history"`
}

// IsCompleteRequestContent is an is_complete_request's content ("Code
// completeness").
type IsCompleteRequestContent struct {
	Code string `json:"code"`
}

// IsCompleteReplyContent is an is_complete_reply's content ("Code
// completeness"). Indent is sent only with status "incomplete".
type IsCompleteReplyContent struct {
	Status string  `json:"status"`
	Indent *string `json:"indent,omitempty"`
}

// ConnectReplyContent is a connect_reply's content ("Connect", deprecated).
type ConnectReplyContent struct {
	Status      string `json:"status"`
	ShellPort   int    `json:"shell_port"`
	IOPubPort   int    `json:"iopub_port"`
	StdinPort   int    `json:"stdin_port"`
	HBPort      int    `json:"hb_port"`
	ControlPort int    `json:"control_port"`
}

// CommInfoRequestContent is a comm_info_request's content ("Comm info").
type CommInfoRequestContent struct {
	TargetName string `json:"target_name,omitempty"`
}

// CommInfo describes one open comm in a comm_info_reply.
type CommInfo struct {
	TargetName string `json:"target_name"`
}

// CommInfoReplyContent is a comm_info_reply's content ("Comm info").
type CommInfoReplyContent struct {
	Status string              `json:"status"`
	Comms  map[string]CommInfo `json:"comms"`
}

// KernelInfoReplyContent is a kernel_info_reply's content ("Kernel info").
type KernelInfoReplyContent struct {
	Status                string       `json:"status"`
	ProtocolVersion       string       `json:"protocol_version"`
	Implementation        string       `json:"implementation"`
	ImplementationVersion string       `json:"implementation_version"`
	LanguageInfo          LanguageInfo `json:"language_info"`
	Banner                string       `json:"banner"`
	Debugger              bool         `json:"debugger"`
	HelpLinks             []HelpLink   `json:"help_links"`
}

// LanguageInfo is kernel_info_reply's language_info ("Kernel info").
type LanguageInfo struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	MIMEType          string `json:"mimetype"`
	FileExtension     string `json:"file_extension"`
	PygmentsLexer     string `json:"pygments_lexer,omitempty"`
	CodemirrorMode    string `json:"codemirror_mode,omitempty"`
	NBConvertExporter string `json:"nbconvert_exporter,omitempty"`
}

// HelpLink is one entry of kernel_info_reply's help_links ("Kernel info").
type HelpLink struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// ShutdownContent is a shutdown_request's and shutdown_reply's content
// ("Kernel shutdown"); the reply has Status set.
type ShutdownContent struct {
	Status  string `json:"status,omitempty"`
	Restart bool   `json:"restart"`
}

// InterruptReplyContent is an interrupt_reply's content ("Kernel
// interrupt").
type InterruptReplyContent struct {
	Status string `json:"status"`
}

// StreamContent is a stream message's content ("Streams (stdout, stderr,
// etc)"); Name is "stdout" or "stderr".
type StreamContent struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// DisplayDataContent is a display_data or update_display_data message's
// content ("Display Data", "Update Display Data").
type DisplayDataContent struct {
	Data      map[string]any `json:"data"`
	Metadata  map[string]any `json:"metadata"`
	Transient map[string]any `json:"transient,omitempty"`
}

// ExecuteInputContent is an execute_input message's content ("Code
// inputs").
type ExecuteInputContent struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
}

// ExecuteResultContent is an execute_result message's content
// ("Execution results").
type ExecuteResultContent struct {
	ExecutionCount int            `json:"execution_count"`
	Data           map[string]any `json:"data"`
	Metadata       map[string]any `json:"metadata"`
}

// ErrorContent is an error message's content ("Execution errors").
type ErrorContent struct {
	EName     string   `json:"ename"`
	EValue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// StatusContent is a status message's content ("Kernel status").
type StatusContent struct {
	ExecutionState string `json:"execution_state"`
}

// ClearOutputContent is a clear_output message's content ("Clear output").
type ClearOutputContent struct {
	Wait bool `json:"wait"`
}

// InputRequestContent is an input_request's content ("Messages on the
// stdin (ROUTER/DEALER) channel").
type InputRequestContent struct {
	Prompt   string `json:"prompt"`
	Password bool   `json:"password"`
}

// InputReplyContent is an input_reply's content ("Messages on the stdin
// (ROUTER/DEALER) channel").
type InputReplyContent struct {
	Value string `json:"value"`
}

// CommOpenContent is a comm_open message's content ("Opening a Comm").
type CommOpenContent struct {
	CommID       string         `json:"comm_id"`
	TargetName   string         `json:"target_name"`
	Data         map[string]any `json:"data"`
	TargetModule string         `json:"target_module,omitempty"`
}

// CommMsgContent is a comm_msg message's content ("Comm Messages").
type CommMsgContent struct {
	CommID string         `json:"comm_id"`
	Data   map[string]any `json:"data"`
}

// CommCloseContent is a comm_close message's content ("Tearing down
// Comms").
type CommCloseContent struct {
	CommID string         `json:"comm_id"`
	Data   map[string]any `json:"data"`
}
