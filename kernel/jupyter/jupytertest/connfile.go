package jupytertest

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/gradbook/gradbook/kernel/jupyter"
	"github.com/gradbook/gradbook/kernel/wire"
)

// FreeConnectionInfo returns connection info for tcp on 127.0.0.1 with
// five ports that were free a moment ago and a fresh random key.
func FreeConnectionInfo() (jupyter.ConnectionInfo, error) {
	var ports [5]int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return jupyter.ConnectionInfo{}, fmt.Errorf("jupytertest: find a free port: %w", err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return jupyter.ConnectionInfo{
		Transport:       "tcp",
		IP:              "127.0.0.1",
		ShellPort:       ports[0],
		IOPubPort:       ports[1],
		StdinPort:       ports[2],
		ControlPort:     ports[3],
		HBPort:          ports[4],
		Key:             wire.NewSessionID(),
		SignatureScheme: "hmac-sha256",
		KernelName:      "gradbook",
	}, nil
}

// WriteConnectionFile writes a connection file with FreeConnectionInfo
// into dir and returns the info and the file's path.
func WriteConnectionFile(dir string) (jupyter.ConnectionInfo, string, error) {
	ci, err := FreeConnectionInfo()
	if err != nil {
		return ci, "", err
	}
	b, err := json.MarshalIndent(ci, "", "  ")
	if err != nil {
		return ci, "", fmt.Errorf("jupytertest: %w", err)
	}
	path := filepath.Join(dir, "kernel-"+wire.NewSessionID()+".json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return ci, "", fmt.Errorf("jupytertest: write connection file: %w", err)
	}
	return ci, path, nil
}
