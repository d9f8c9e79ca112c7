// Command nullkernel is a Jupyter kernel that runs nothing: every cell
// succeeds at once with no output. It speaks the protocol through the
// same package as gradbook (kernel/jupyter), so timing it under
// jupyter_client measures the floor that protocol handling and the
// client's own work put under any gradbook round trip.
// kernel/benchmark/compare_ipykernel.py --floor builds and runs it.
//
// Usage: nullkernel CONNECTION_FILE
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/gradbook/gradbook/kernel/jupyter"
)

// null is a jupyter.Handler whose every answer is empty.
type null struct{}

func (null) Execute(context.Context, jupyter.ExecuteRequest, jupyter.Output) jupyter.ExecuteResult {
	return jupyter.ExecuteResult{}
}

func (null) Complete(_ context.Context, _ string, cursorPos int) jupyter.CompleteResult {
	return jupyter.CompleteResult{CursorStart: cursorPos, CursorEnd: cursorPos}
}

func (null) Inspect(context.Context, string, int, int) jupyter.InspectResult {
	return jupyter.InspectResult{}
}

func (null) IsComplete(context.Context, string) jupyter.IsCompleteResult {
	return jupyter.IsCompleteResult{Status: "complete"}
}

func (null) Close() error { return nil }

func main() {
	log.SetFlags(0)
	log.SetPrefix("nullkernel: ")
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: nullkernel CONNECTION_FILE")
		os.Exit(2)
	}
	ci, err := jupyter.ReadConnectionFile(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	k, err := jupyter.New(ci, null{}, jupyter.Config{Implementation: "nullkernel", Banner: "runs nothing"})
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	if err := k.Serve(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
