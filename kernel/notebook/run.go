package notebook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gradbook/gradbook/kernel/jupyter"
)

// Executor runs one cell, sending its streams and displays to out while it
// runs. A *supervisor.Supervisor is one: it runs the cell in a worker
// process, so that a crashing cell cannot end the caller.
type Executor interface {
	Execute(ctx context.Context, req jupyter.ExecuteRequest, out jupyter.Output) jupyter.ExecuteResult
}

// Options configures Run.
type Options struct {
	// Timeout bounds each cell; past it the cell's context is cancelled
	// (the Executor interrupts it, or restarts its worker) and the cell
	// fails with a Timeout error. Zero means no limit.
	Timeout time.Duration
	// Echo receives a transcript as the cells run, as jupyter console
	// shows it: each cell's source after In [n]:, its streams, its
	// values after Out[n]: and its errors. Nil writes none.
	Echo io.Writer
	// MaxOutput is how many bytes of stream output a cell keeps in the
	// notebook; past it the rest is dropped with a note. Zero means no
	// limit.
	MaxOutput int
}

// ErrTimeout is the ename of a cell that ran past Options.Timeout.
const ErrTimeout = "Timeout"

// Tag names a cell may carry in metadata.tags.
const (
	// TagRaisesException marks a cell that is expected to fail: its
	// error does not count as a failure of the notebook.
	TagRaisesException = "raises-exception"
)

// CellRun is the outcome of one code cell of a Run.
type CellRun struct {
	Index int                // the cell's index in Notebook.Cells
	Count int                // its execution count
	Error *jupyter.CellError // nil when it succeeded
	// Reset is true when the worker was restarted while the cell ran
	// (it died or ignored an interrupt): later cells start from an
	// empty state.
	Reset bool
}

// Failed reports whether a cell failed that was not expected to (one
// without the raises-exception tag), and returns the first such run.
func Failed(nb *Notebook, runs []CellRun) (CellRun, bool) {
	for _, r := range runs {
		if r.Error != nil && !nb.Cells[r.Index].HasTag(TagRaisesException) {
			return r, true
		}
	}
	return CellRun{}, false
}

// Run executes nb's code cells in order on ex, replacing each one's
// outputs and execution count with the new ones (nbformat 4 outputs:
// stream, display_data, execute_result, error). Empty code cells are
// skipped, as Jupyter skips them. Every cell runs, whether or not an
// earlier one failed; Run stops early only when ctx is cancelled, and
// returns the cells that ran.
func Run(ctx context.Context, nb *Notebook, ex Executor, opts Options) []CellRun {
	var runs []CellRun
	displays := map[string][]*Output{}
	count := 0
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		c.Outputs, c.ExecutionCount = nil, nil
		if ctx.Err() != nil {
			continue
		}
		if strings.TrimSpace(string(c.Source)) == "" {
			continue
		}
		count++
		n := count
		c.ExecutionCount = &n
		runs = append(runs, runCell(ctx, c, i, n, ex, opts, displays))
	}
	return runs
}

func runCell(ctx context.Context, c *Cell, index, n int, ex Executor, opts Options, displays map[string][]*Output) CellRun {
	out := &collector{cell: c, echo: opts.Echo, max: opts.MaxOutput, displays: displays}
	out.echoSource(n, string(c.Source))
	cctx, cancel := ctx, context.CancelFunc(func() {})
	if opts.Timeout > 0 {
		cctx, cancel = context.WithTimeout(ctx, opts.Timeout)
	}
	res := ex.Execute(cctx, jupyter.ExecuteRequest{Code: string(c.Source), ExecutionCount: n}, out)
	timedOut := errors.Is(cctx.Err(), context.DeadlineExceeded)
	cancel()
	run := CellRun{Index: index, Count: n, Error: res.Error}
	if e := res.Error; e != nil {
		run.Reset = e.Name == "WorkerDied" || e.Name == "WorkerRestarted" || strings.Contains(e.Value, "state was reset")
		if timedOut {
			value := fmt.Sprintf("the cell ran longer than the time limit of %v and was stopped", opts.Timeout)
			if run.Reset {
				value += "; the worker was restarted, so all state (variables, functions) was reset"
			}
			tb := append([]string{ErrTimeout + ": " + value, ""}, e.Traceback...)
			run.Error = &jupyter.CellError{Name: ErrTimeout, Value: value, Traceback: tb}
		}
	}
	out.finish(res, run.Error, n)
	return run
}

// collector is the jupyter.Output of one running cell: it appends what
// the cell sends to the cell's outputs and echoes it.
type collector struct {
	mu        sync.Mutex
	cell      *Cell
	echo      io.Writer
	max       int // stream bytes kept; 0: all
	kept      int
	dropped   bool
	clearNext bool                 // clear_output(wait=true) is pending
	displays  map[string][]*Output // display_id → outputs, across cells
}

var _ jupyter.Output = (*collector)(nil)

func (o *collector) printf(format string, args ...any) {
	if o.echo != nil {
		fmt.Fprintf(o.echo, format, args...)
	}
}

func (o *collector) echoSource(n int, src string) {
	prefix := fmt.Sprintf("In [%d]: ", n)
	cont := strings.Repeat(" ", len(prefix)-5) + "...: "
	for i, l := range strings.Split(strings.TrimRight(src, "\n"), "\n") {
		if i > 0 {
			prefix = cont
		}
		o.printf("%s%s\n", prefix, l)
	}
}

// add appends an output, after a pending clear.
func (o *collector) add(out *Output) {
	if o.clearNext {
		o.cell.Outputs, o.clearNext = nil, false
	}
	o.cell.Outputs = append(o.cell.Outputs, out)
}

// Stream appends text to the cell's last output when that is the same
// stream, as Jupyter front ends store it.
func (o *collector) Stream(name, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.printf("%s", text)
	if o.dropped {
		return
	}
	if o.max > 0 && o.kept+len(text) > o.max {
		text = text[:o.max-o.kept] + fmt.Sprintf("\n[gradbook] output truncated after %d bytes\n", o.max)
		o.dropped = true
	}
	o.kept += len(text)
	if outs := o.cell.Outputs; !o.clearNext && len(outs) > 0 {
		if last := outs[len(outs)-1]; last.OutputType == "stream" && last.Name == name {
			last.Text += Text(text)
			return
		}
	}
	o.add(&Output{OutputType: "stream", Name: name, Text: Text(text)})
}

// Display appends display_data, or for an update replaces the bundle of
// every earlier output with the same display id.
func (o *collector) Display(d jupyter.DisplayData) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if d.Update {
		for _, out := range o.displays[d.DisplayID] {
			out.Data, out.Metadata = d.Data, d.Metadata
		}
		return
	}
	out := &Output{OutputType: "display_data", Data: d.Data, Metadata: d.Metadata}
	o.add(out)
	if d.DisplayID != "" {
		o.displays[d.DisplayID] = append(o.displays[d.DisplayID], out)
	}
	o.printf("%s\n", plainText(d.Data))
}

// ClearOutput clears the cell's outputs, at once or (wait) when the next
// one arrives.
func (o *collector) ClearOutput(wait bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if wait {
		o.clearNext = true
		return
	}
	o.cell.Outputs = nil
}

// Input refuses: a notebook run headless has no one to answer.
func (o *collector) Input(prompt string, password bool) (string, error) {
	return "", jupyter.ErrStdinNotAllowed
}

// finish appends the cell's value or error.
func (o *collector) finish(res jupyter.ExecuteResult, e *jupyter.CellError, n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if res.Data != nil {
		o.add(&Output{OutputType: "execute_result", Data: res.Data, Metadata: res.Metadata, ExecutionCount: &n})
		text := plainText(res.Data)
		sep := " "
		if strings.Contains(text, "\n") {
			sep = "\n"
		}
		o.printf("Out[%d]:%s%s\n", n, sep, text)
	}
	if e != nil {
		tb := e.Traceback
		if len(tb) == 0 {
			tb = []string{e.Name + ": " + e.Value}
		}
		o.add(&Output{OutputType: "error", Ename: e.Name, Evalue: e.Value, Traceback: slices.Clone(tb)})
		for _, l := range tb {
			o.printf("%s\n", l)
		}
	}
	o.printf("\n")
}

// plainText is a bundle's text/plain, or a note naming its MIME types.
func plainText(data map[string]any) string {
	if s, ok := data["text/plain"].(string); ok {
		return strings.TrimRight(s, "\n")
	}
	var mimes []string
	for m := range data {
		mimes = append(mimes, m)
	}
	sort.Strings(mimes)
	return "<" + strings.Join(mimes, ", ") + ">"
}
