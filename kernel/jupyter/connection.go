package jupyter

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
)

// ErrConnectionInfo is wrapped by every error about a connection file's
// content.
var ErrConnectionInfo = errors.New("jupyter: bad connection info")

// ConnectionInfo is a kernel connection file: where the five sockets
// live and how messages are signed. See "Connection files" in the
// jupyter_client documentation.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" or "ipc"
	IP              string `json:"ip"`        // address for tcp, path prefix for ipc
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`              // HMAC key; "" disables signing
	SignatureScheme string `json:"signature_scheme"` // "hmac-sha256"
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and validates the connection file at path.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return ConnectionInfo{}, fmt.Errorf("jupyter: read connection file: %w", err)
	}
	ci, err := ParseConnectionInfo(b)
	if err != nil {
		return ConnectionInfo{}, fmt.Errorf("%s: %w", path, err)
	}
	return ci, nil
}

// ParseConnectionInfo decodes and validates a connection file's JSON.
// An absent transport means "tcp" and an absent signature_scheme means
// "hmac-sha256", as jupyter_client assumes.
func ParseConnectionInfo(b []byte) (ConnectionInfo, error) {
	var ci ConnectionInfo
	if err := json.Unmarshal(b, &ci); err != nil {
		return ConnectionInfo{}, fmt.Errorf("%w: %w", ErrConnectionInfo, err)
	}
	if ci.Transport == "" {
		ci.Transport = "tcp"
	}
	if ci.SignatureScheme == "" {
		ci.SignatureScheme = "hmac-sha256"
	}
	if err := ci.Validate(); err != nil {
		return ConnectionInfo{}, err
	}
	return ci, nil
}

// Validate reports whether ci can be served: transport tcp or ipc, an
// ip, five ports in range, and signature scheme hmac-sha256.
func (ci ConnectionInfo) Validate() error {
	switch ci.Transport {
	case "tcp", "ipc":
	default:
		return fmt.Errorf("%w: transport %q (want tcp or ipc)", ErrConnectionInfo, ci.Transport)
	}
	if ci.IP == "" {
		return fmt.Errorf("%w: empty ip", ErrConnectionInfo)
	}
	if ci.SignatureScheme != "hmac-sha256" {
		return fmt.Errorf("%w: signature_scheme %q (only hmac-sha256 is supported)", ErrConnectionInfo, ci.SignatureScheme)
	}
	for _, p := range []struct {
		name string
		port int
	}{{"shell_port", ci.ShellPort}, {"iopub_port", ci.IOPubPort}, {"stdin_port", ci.StdinPort},
		{"control_port", ci.ControlPort}, {"hb_port", ci.HBPort}} {
		if p.port <= 0 || p.port > 65535 {
			return fmt.Errorf("%w: %s %d", ErrConnectionInfo, p.name, p.port)
		}
	}
	return nil
}

// Endpoint returns the ZeroMQ endpoint of port: tcp://IP:port, or for
// ipc, ipc://IP-port as jupyter_client names the socket files.
func (ci ConnectionInfo) Endpoint(port int) string {
	if ci.Transport == "ipc" {
		return "ipc://" + ci.IP + "-" + strconv.Itoa(port)
	}
	ip := ci.IP
	if needsBrackets(ip) {
		ip = "[" + ip + "]"
	}
	return "tcp://" + ip + ":" + strconv.Itoa(port)
}

func needsBrackets(ip string) bool {
	for i := 0; i < len(ip); i++ {
		if ip[i] == ':' {
			return ip[0] != '['
		}
	}
	return false
}
