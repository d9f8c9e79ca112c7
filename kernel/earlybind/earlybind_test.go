package earlybind_test

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/gradbook/gradbook/kernel/earlybind"
	"github.com/gradbook/gradbook/kernel/jupyter"
	"github.com/gradbook/gradbook/kernel/jupyter/jupytertest"
)

func ports(ci jupyter.ConnectionInfo) []int {
	return []int{ci.ShellPort, ci.IOPubPort, ci.StdinPort, ci.ControlPort, ci.HBPort}
}

func addr(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

// A front end that connects before the kernel listens waits in the
// backlog, and the listener that takes the socket over accepts it.
func TestBindsTheConnectionFilesPorts(t *testing.T) {
	ci, path, err := jupytertest.WriteConnectionFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	earlybind.BindConnectionFile(path)
	for _, p := range ports(ci) {
		c, err := net.DialTimeout("tcp", addr(p), 5*time.Second)
		if err != nil {
			t.Fatalf("port %d: dial before any listener: %v", p, err)
		}
		defer c.Close()
		f := earlybind.Take(addr(p))
		if f == nil {
			t.Fatalf("port %d: Take = nil after binding", p)
		}
		if again := earlybind.Take(addr(p)); again != nil {
			t.Errorf("port %d: a second Take returned the socket again", p)
		}
		ln, err := net.FileListener(f)
		f.Close()
		if err != nil {
			t.Fatalf("port %d: FileListener: %v", p, err)
		}
		defer ln.Close()
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(5 * time.Second))
		s, err := ln.Accept()
		if err != nil {
			t.Fatalf("port %d: the connection made before the takeover was not accepted: %v", p, err)
		}
		if _, err := c.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 1)
		if _, err := s.Read(b); err != nil || b[0] != 'x' {
			t.Errorf("port %d: read %q, %v through the accepted connection", p, b, err)
		}
		s.Close()
	}
}

// Anything but a readable tcp connection file on an IPv4 address binds
// nothing, and a port already taken is skipped: the normal listeners
// then report the problem.
func TestBindsNothingItCannotServe(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name   string
		mutate func(*jupyter.ConnectionInfo)
	}{
		{"ipc", func(ci *jupyter.ConnectionInfo) { ci.Transport = "ipc" }},
		{"hostname", func(ci *jupyter.ConnectionInfo) { ci.IP = "localhost" }},
		{"ipv6", func(ci *jupyter.ConnectionInfo) { ci.IP = "::1" }},
	} {
		ci, err := jupytertest.FreeConnectionInfo()
		if err != nil {
			t.Fatal(err)
		}
		tc.mutate(&ci)
		earlybind.BindConnectionFile(write(tc.name+".json", ci))
		for _, p := range ports(ci) {
			if f := earlybind.Take(addr(p)); f != nil {
				f.Close()
				t.Errorf("%s: port %d was bound", tc.name, p)
			}
		}
	}

	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"transport": "tcp", "ip": "127.0.0.1", "shell_port": `), 0o600)
	earlybind.BindConnectionFile(bad) // must not panic
	earlybind.BindConnectionFile(filepath.Join(dir, "missing.json"))

	ci, err := jupytertest.FreeConnectionInfo()
	if err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", addr(ci.ShellPort))
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	earlybind.BindConnectionFile(write("busy.json", ci))
	if f := earlybind.Take(addr(ci.ShellPort)); f != nil {
		f.Close()
		t.Errorf("a port another process listens on was bound")
	}
	for _, p := range ports(ci)[1:] {
		f := earlybind.Take(addr(p))
		if f == nil {
			t.Errorf("port %d was not bound because another port was busy", p)
			continue
		}
		f.Close()
	}
}

func TestParseIPv4(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
		ip [4]byte
	}{
		{"127.0.0.1", true, [4]byte{127, 0, 0, 1}},
		{"0.0.0.0", true, [4]byte{}},
		{"10.1.255.7", true, [4]byte{10, 1, 255, 7}},
		{"256.0.0.1", false, [4]byte{}},
		{"1.2.3", false, [4]byte{}},
		{"1.2.3.4.5", false, [4]byte{}},
		{"01.2.3.4", false, [4]byte{}},
		{"1..3.4", false, [4]byte{}},
		{"-1.2.3.4", false, [4]byte{}},
		{"+1.2.3.4", false, [4]byte{}},
		{"1.2.3.0004", false, [4]byte{}},
		{"localhost", false, [4]byte{}},
		{"", false, [4]byte{}},
	} {
		ip, ok := earlybind.ParseIPv4(tc.in)
		if ok != tc.ok || (ok && ip != tc.ip) {
			t.Errorf("parseIPv4(%q) = %v, %v; want %v, %v", tc.in, ip, ok, tc.ip, tc.ok)
		}
	}
}

func TestOnlyTheKernelCommandBinds(t *testing.T) {
	if p, ok := earlybind.KernelArgs([]string{"gradbook", "kernel", "/run/k.json"}); !ok || p != "/run/k.json" {
		t.Errorf("kernel command: %q, %v", p, ok)
	}
	for _, args := range [][]string{{"gradbook"}, {"gradbook", "worker"}, {"gradbook", "kernel"},
		{"gradbook", "run", "nb.ipynb"}, {"gradbook", "kernel", "a", "b"}} {
		if _, ok := earlybind.KernelArgs(args); ok {
			t.Errorf("%q binds ports", args)
		}
	}
}

func TestStartedRestoresTheCollector(t *testing.T) {
	orig := debug.SetGCPercent(77)
	defer debug.SetGCPercent(orig)
	earlybind.PauseGC()
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("after pauseGC, GOGC = %d; want -1 (off)", got)
	}
	earlybind.Started()
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("after Started, GOGC = %d; want the 77 set before", got)
	}
	earlybind.Started() // a second call changes nothing
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("after a second Started, GOGC = %d; want 77", got)
	}
}
