// Package e2e tests the real gradbook binary end to end: each test
// writes a connection file with free ports and a fresh key, starts
// `gradbook kernel CONNECTION_FILE` as a separate process (which starts
// its own worker), and talks to it as a front end does, over real
// ZeroMQ sockets with HMAC-SHA256 signatures (package jupytertest).
//
// The package has no code of its own; its tests cover:
//
//   - every message type: kernel_info, execute (silent, store_history,
//     user_expressions, allow_stdin, stop_on_error), complete, inspect,
//     is_complete, history, comm_info/comm_open/comm_close, shutdown on
//     shell and on control, interrupt_request, SIGINT, input_request;
//   - the hostile cells of the kernel issue (panics, os.Exit, infinite
//     recursion, endless loops, huge allocations, 200,000 lines of
//     output, syntax errors, reading stdin), each of which must leave the
//     kernel alive with a clear error and the next cell working;
//   - robustness of the wire: 500 requests back to back, badly signed
//     and malformed messages, late iopub subscribers, heartbeat and
//     control while a cell runs.
//
// Tests that share a kernel run their subtests in order and say so; the
// others start their own kernel and run in parallel.
package e2e
