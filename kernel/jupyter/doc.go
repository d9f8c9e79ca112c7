// Package jupyter serves a Handler (the Go side of a notebook) as a
// Jupyter kernel: it reads the connection file, binds the five ZeroMQ
// sockets (ROUTER shell, control and stdin, PUB iopub, heartbeat echo)
// with github.com/go-zeromq/zmq4, and speaks messaging protocol 5.3 on
// them through package wire.
//
// # Goroutines
//
// Each socket has its own goroutine. Shell requests are read ahead into
// a queue and answered one at a time, in order, by the shell goroutine,
// which is the only one that calls the Handler. Control is answered while
// a cell runs: interrupt_request cancels the running Execute's context
// (as Kernel.Interrupt does, for SIGINT), shutdown_request ends Serve.
// The heartbeat echoes whatever it gets.
//
// # Protocol
//
// Every request on shell and control is bracketed by status busy and
// idle on iopub, with the request as parent_header. A message with a bad
// signature, bad JSON, missing frames or an unknown type is logged to
// Config.Log and dropped; a badly signed request is never executed.
//
// After a cell fails with stop_on_error, every execute_request that had
// already arrived (was queued) when the failing cell finished is
// answered with status "aborted"; requests that arrive later run.
//
// History is this kernel's own: the inputs of the non-silent cells run
// with store_history, numbered by execution count, in session 1.
package jupyter
