// Package worker is the process that runs notebook cells, and the protocol
// the kernel uses to talk to it.
//
// The kernel process (package supervisor) never runs cell code. It starts
// one worker process (`gradbook worker`, the same binary) that holds the Go
// interpreter, and restarts it when it dies. Cell code can crash a Go
// process in ways no recover catches (a panic in a goroutine, stack
// overflow, out of memory, os.Exit); isolating it in a worker keeps the
// kernel, and the front end's connection to it, alive.
//
// # File descriptors
//
// The supervisor starts the worker with:
//
//	fd 0  /dev/null (cell code reads stdin through Config.Stdin, see below)
//	fd 1  a pipe: the cell's stdout, read by the supervisor
//	fd 2  a pipe: the cell's stderr, read by the supervisor
//	fd 3  requests, supervisor → worker (frames)
//	fd 4  events, worker → supervisor (frames)
//	fd 5  the shared stdout buffer (when GRADBOOK_WORKER_OUTBUF=1)
//
// What cells print on stdout (fmt.Print*, os.Stdout) is gathered in an
// OutBuffer that lives in a mapping of fd 5 shared with the supervisor,
// and written to fd 1 in large pieces; when the worker dies, the
// supervisor reads what the buffer still held after draining fd 1, so
// nothing printed is lost (see OutBuffer). Compiled code that writes to
// fd 1 itself, and everything on fd 2, goes straight to the pipes (the
// runtime's own "fatal error: stack overflow" ends up on fd 2).
// When fd 3 reaches end of file the kernel is gone and the worker exits.
//
// # Frames
//
// A frame is a 4-byte big-endian length n followed by n bytes of JSON
// (at most MaxFrame). Requests decode into Request, events into Event.
//
// Requests (field Op):
//
//	execute      run Code; AllowStdin; UserExpressions are evaluated after
//	             the cell when it succeeded. Answered by a reply with Result.
//	complete     Code, Cursor (code points). Reply with Completion.
//	inspect      Code, Cursor, Detail. Reply with Inspection.
//	is_complete  Code. Reply with IsComplete.
//	input_reply  Value, or Error when the front end refused; answers the
//	             worker's input_request for cell ID.
//	interrupt    cancel cell ID (the interpreter's context is cancelled).
//	shutdown     exit now.
//
// Events (field Op):
//
//	ready          the interpreter is built; sent once, first.
//	reply          the answer to request ID.
//	display        Display (a display.Event) from cell ID.
//	input_request  cell ID reads stdin: Prompt, Password.
//	log            Message for the kernel's log (never shown in a cell).
//
// Requests are answered in the order they are sent, except interrupt,
// input_reply and shutdown, which are handled as soon as they arrive, even
// while a cell runs. SIGINT sent to the worker interrupts the running cell
// like an interrupt request.
//
// # Keeping output in order
//
// Streams and events travel on different pipes, yet a front end must see
// everything a cell printed before a display_data, input_request or
// execute_result that followed it. Before sending a display, input_request
// or reply event, the worker writes a sync marker (Marker) carrying a
// sequence number to both fd 1 (through the stdout buffer, which it then
// flushes) and fd 2, and puts the same number in the event's Sync field. The supervisor strips markers from the streams
// (Splitter), and delivers an event only after both streams have been read
// and flushed up to its marker. A marker is short enough to be written to a
// pipe atomically, and carries a random per-worker token so that cell
// output cannot forge one.
//
// # Memory
//
// Serve's caller (the `gradbook worker` command, via Limit) caps the
// worker's address space with RLIMIT_AS and sets a soft Go memory limit, so
// a runaway allocation ends the worker with "fatal error: runtime: out of
// memory" instead of exhausting the machine.
package worker
