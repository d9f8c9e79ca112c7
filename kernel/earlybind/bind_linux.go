package earlybind

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"syscall"
)

func init() {
	if path, ok := kernelArgs(os.Args); ok {
		bindConnectionFile(path)
		pauseGC()
	}
}

// connection is the part of a connection file this package reads. It
// is not jupyter.ConnectionInfo: importing package jupyter (zmq4, net)
// would make this package initialise after go-graphviz.
type connection struct {
	Transport string `json:"transport"`
	IP        string `json:"ip"`
	Shell     int    `json:"shell_port"`
	IOPub     int    `json:"iopub_port"`
	Stdin     int    `json:"stdin_port"`
	Control   int    `json:"control_port"`
	HB        int    `json:"hb_port"`
}

// bindConnectionFile binds the five ports of the connection file at path.
func bindConnectionFile(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var c connection
	if json.Unmarshal(b, &c) != nil || (c.Transport != "tcp" && c.Transport != "") {
		return
	}
	ip, ok := parseIPv4(c.IP)
	if !ok {
		return
	}
	for _, port := range []int{c.Shell, c.IOPub, c.Stdin, c.Control, c.HB} {
		if port <= 0 || port > 65535 {
			continue
		}
		if f := listen(ip, port); f != nil {
			mu.Lock()
			bound[c.IP+":"+strconv.Itoa(port)] = f
			mu.Unlock()
		}
	}
}

// listen returns a socket listening on ip:port, or nil.
func listen(ip [4]byte, port int) *os.File {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC|syscall.SOCK_NONBLOCK, 0)
	if err != nil {
		return nil
	}
	// As Go's net.Listen does, so that a restarted kernel can rebind
	// a port whose old connections are in TIME_WAIT.
	if syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1) != nil ||
		syscall.Bind(fd, &syscall.SockaddrInet4{Port: port, Addr: ip}) != nil ||
		syscall.Listen(fd, syscall.SOMAXCONN) != nil {
		syscall.Close(fd)
		return nil
	}
	return os.NewFile(uintptr(fd), "tcp:"+strconv.Itoa(port))
}

// parseIPv4 parses a dotted-quad address ("127.0.0.1", "0.0.0.0"). It
// stands in for net.ParseIP, which this package may not import: package
// net initialises after go-graphviz.
func parseIPv4(s string) ([4]byte, bool) {
	var ip [4]byte
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return ip, false
	}
	for i, p := range parts {
		if p == "" || len(p) > 3 || (len(p) > 1 && p[0] == '0') || strings.Trim(p, "0123456789") != "" {
			return ip, false
		}
		n, _ := strconv.Atoi(p)
		if n > 255 {
			return ip, false
		}
		ip[i] = byte(n)
	}
	return ip, true
}
