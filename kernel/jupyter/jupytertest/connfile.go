package jupytertest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sync"

	"github.com/gradbook/gradbook/kernel/jupyter"
	"github.com/gradbook/gradbook/kernel/wire"
)

// Test kernels listen on ports drawn from [portLow, portHigh), below
// Linux's default ephemeral range (32768–60999). A port the OS hands
// out for ":0" is also the kind it hands out as the local end of every
// outgoing connection, so between "found free" and "kernel binds" any
// test process dialling anything could take it; a random port below
// that range can only collide with another test doing the same draw.
const (
	portLow  = 20000
	portHigh = 32000
)

var (
	portsMu sync.Mutex
	// portsGiven keeps one process from handing the same port to two
	// of its kernels.
	portsGiven = map[int]bool{}
)

// freePort returns a port in [portLow, portHigh) that this process has
// not handed out before and that accepts a listener right now.
func freePort() (int, error) {
	portsMu.Lock()
	defer portsMu.Unlock()
	for range 200 {
		p := portLow + rand.IntN(portHigh-portLow)
		if portsGiven[p] {
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			continue
		}
		l.Close()
		portsGiven[p] = true
		return p, nil
	}
	return 0, fmt.Errorf("jupytertest: no free port in [%d, %d) after 200 tries", portLow, portHigh)
}

// FreeConnectionInfo returns connection info for tcp on 127.0.0.1 with
// five ports that were free a moment ago and a fresh random key.
func FreeConnectionInfo() (jupyter.ConnectionInfo, error) {
	var ports [5]int
	for i := range ports {
		p, err := freePort()
		if err != nil {
			return jupyter.ConnectionInfo{}, err
		}
		ports[i] = p
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
