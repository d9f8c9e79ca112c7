// Package earlybind binds the kernel's TCP ports while the program is
// still initialising, so that a front end's first connection attempt
// finds them open.
//
// jupyter_client starts the kernel and connects about 20 ms later. If
// a port is not listening yet, libzmq waits its reconnect interval
// (100 ms) before trying again, and that wait would be most of the
// kernel's start-up time: gradbook's package initialisation (mostly
// go-graphviz instantiating its WebAssembly Graphviz) takes 30–60 ms.
// This package's init runs before those, because it imports only
// packages they import too and Go initialises ready packages in import
// path order, and it leaves listening sockets in the kernel's backlog
// for the real listeners to take over with [Take]. A test checks the
// order.
//
// Only `gradbook kernel CONNECTION_FILE` with a tcp connection file on
// an IPv4 address is bound early; anything else, and any error, leaves
// the ports to the normal listeners, which report errors properly.
//
// For the same command the garbage collector is off for the rest of the
// initialisation, until the kernel calls [Started].
package earlybind

import (
	"os"
	"runtime/debug"
	"sync"
)

var (
	mu    sync.Mutex
	bound = map[string]*os.File{} // "ip:port" -> listening socket
)

// Take returns the listening socket bound at start-up for the TCP
// address addr ("ip:port", as in a tcp:// endpoint) and forgets it, so
// that only one listener serves it. It returns nil when nothing was
// bound there. The caller owns the file (net.FileListener dups it).
func Take(addr string) *os.File {
	mu.Lock()
	defer mu.Unlock()
	f := bound[addr]
	delete(bound, addr)
	return f
}

// kernelArgs returns the connection file's path when the process is
// `gradbook kernel CONNECTION_FILE`.
func kernelArgs(args []string) (string, bool) {
	if len(args) == 3 && args[1] == "kernel" {
		return args[2], true
	}
	return "", false
}

// gcPercent is the GOGC setting pauseGC replaced, restored by Started.
var gcPercent = -2 // none replaced

// pauseGC turns the garbage collector off for the rest of the program's
// initialisation, which allocates about 10 MiB that a collection cannot
// free (go-graphviz's WebAssembly instance, the interpreter's symbol
// tables): collecting during it only delays the first reply.
func pauseGC() { gcPercent = debug.SetGCPercent(-1) }

// Started restores the collector's setting once the program has
// initialised; the kernel command calls it first thing.
func Started() {
	if gcPercent != -2 {
		debug.SetGCPercent(gcPercent)
		gcPercent = -2
	}
}
