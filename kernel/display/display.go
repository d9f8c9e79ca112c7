// Package display lets notebook code show rich output (HTML, Markdown,
// LaTeX, SVG, PNG, JPEG, JSON) while a cell runs. In gradbook cells it is
// preloaded: display.HTML("<b>hi</b>") needs no import line.
//
// Every function sends one Event to the sink at once. The kernel's worker
// installs the sink with SetSink and forwards events to Jupyter as
// display_data, update_display_data and clear_output messages. Without a
// sink, events print their text/plain form to standard output, so code
// that uses display also runs in a plain Go program.
//
// An output shown with Show or ShowID can be replaced in place with
// Update; Progress is a progress bar built on that, throttled so that a
// loop may call Add at every iteration:
//
//	p := display.NewProgress(len(batches))
//	for _, b := range batches {
//		train(b)
//		p.Add(1)
//	}
//	p.Done()
//
// Values whose types have a MimeBundle, HTML, Markdown, LaTeX, SVG or PNG
// method (the interfaces below) render themselves when they are a cell's
// last expression, as do image.Image values (PNG) and gonum *plot.Plot
// values (SVG). Render computes that MIME bundle, and Value shows it, for
// compiled types; the methods of a type declared in a cell are invisible
// to compiled code, so for such a value make it the cell's last
// expression or call display.HTML(v.HTML()).
package display

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// MIME types used in bundles.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMELaTeX    = "text/latex"
	MIMESVG      = "image/svg+xml"
	MIMEPNG      = "image/png"
	MIMEJPEG     = "image/jpeg"
	MIMEJSON     = "application/json"
)

// Event kinds.
const (
	KindDisplay = "display" // show a new output (display_data)
	KindUpdate  = "update"  // replace the output with DisplayID (update_display_data)
	KindClear   = "clear"   // clear the cell's output (clear_output)
)

// Event is one thing cell code asked the front end to show. The kernel's
// worker installs a sink with SetSink and forwards events to Jupyter.
type Event struct {
	Kind      string         // "display", "update" or "clear"
	Data      map[string]any // MIME type → content (string, or JSON value for application/json)
	Metadata  map[string]any
	DisplayID string // for "display" (optional) and "update"
	Wait      bool   // for "clear"
}

var (
	sinkMu sync.RWMutex
	sink   func(Event)
	nextID atomic.Int64
)

// SetSink makes f receive every later Event and returns the previous
// sink. A nil f restores the default, which prints each event's
// text/plain form (or a placeholder naming its MIME types) to os.Stdout.
// SetSink is safe to call concurrently with the display functions.
func SetSink(f func(Event)) (previous func(Event)) {
	sinkMu.Lock()
	defer sinkMu.Unlock()
	previous, sink = sink, f
	return previous
}

func send(e Event) {
	sinkMu.RLock()
	f := sink
	sinkMu.RUnlock()
	if f == nil {
		printEvent(e)
		return
	}
	f(e)
}

func printEvent(e Event) {
	if e.Kind == KindClear {
		return
	}
	if s, ok := e.Data[MIMEText].(string); ok {
		fmt.Fprintln(os.Stdout, s)
		return
	}
	var kinds []string
	for k := range e.Data {
		kinds = append(kinds, k)
	}
	fmt.Fprintf(os.Stdout, "<display %v>\n", kinds)
}

// HTML shows s as text/html.
func HTML(s string) { MIME(map[string]any{MIMEHTML: s, MIMEText: "<HTML>"}) }

// Markdown shows s as text/markdown; its text/plain form is s itself.
func Markdown(s string) { MIME(map[string]any{MIMEMarkdown: s, MIMEText: s}) }

// LaTeX shows s as text/latex. Front ends render math between $…$,
// $$…$$, \[…\] or in an environment (\begin{…}); s without any of these
// is shown as display math, $$s$$.
func LaTeX(s string) { MIME(map[string]any{MIMELaTeX: mathMode(s), MIMEText: s}) }

// mathMode puts s between $$ unless it already says where math starts.
func mathMode(s string) string {
	t := strings.TrimSpace(s)
	if strings.Contains(t, "$") || strings.HasPrefix(t, `\[`) || strings.HasPrefix(t, `\(`) || strings.HasPrefix(t, `\begin`) {
		return s
	}
	return "$$" + t + "$$"
}

// SVG shows an SVG document.
func SVG(s string) { MIME(map[string]any{MIMESVG: s, MIMEText: "<SVG>"}) }

// PNG shows PNG-encoded image bytes.
func PNG(b []byte) {
	MIME(map[string]any{MIMEPNG: b, MIMEText: "<PNG>"})
}

// JPEG shows JPEG-encoded image bytes.
func JPEG(b []byte) {
	MIME(map[string]any{MIMEJPEG: b, MIMEText: "<JPEG>"})
}

// Image shows img as a PNG. It returns the encoding error, if any.
func Image(img image.Image) error {
	b, err := EncodePNG(img)
	if err != nil {
		return err
	}
	PNG(b)
	return nil
}

// EncodePNG encodes img as PNG bytes.
func EncodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("display: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// EncodeJPEG encodes img as JPEG bytes with the given quality (1–100).
func EncodeJPEG(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("display: encode jpeg: %w", err)
	}
	return buf.Bytes(), nil
}

// JSON shows v as application/json (front ends show a tree); v is
// anything encoding/json encodes (maps, slices, strings, numbers, bools,
// nil, structs). A value that does not encode is shown as the error.
func JSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		Text("display.JSON: " + err.Error())
		return
	}
	var tree any
	_ = json.Unmarshal(b, &tree) // what Marshal wrote decodes
	indented, _ := json.MarshalIndent(tree, "", "  ")
	MIME(map[string]any{MIMEJSON: tree, MIMEText: string(indented)})
}

// Text shows s as plain text.
func Text(s string) { MIME(map[string]any{MIMEText: s}) }

// MIME shows a bundle: MIME type → content. Binary content ([]byte) is
// base64-encoded, as Jupyter expects for images.
func MIME(bundle map[string]any) {
	send(Event{Kind: KindDisplay, Data: normalize(bundle)})
}

// Show shows bundle under a fresh display id and returns the id, so that
// Update can replace the output later.
func Show(bundle map[string]any) string {
	id := NewID()
	send(Event{Kind: KindDisplay, Data: normalize(bundle), DisplayID: id})
	return id
}

// ShowID shows bundle under the given display id (an output that Update
// with the same id will replace).
func ShowID(id string, bundle map[string]any) {
	send(Event{Kind: KindDisplay, Data: normalize(bundle), DisplayID: id})
}

// Update replaces every output shown under id with bundle.
func Update(id string, bundle map[string]any) {
	send(Event{Kind: KindUpdate, Data: normalize(bundle), DisplayID: id})
}

// Clear clears the cell's output. With wait true the front end clears
// only when the next output arrives, which avoids flicker in animations.
func Clear(wait bool) { send(Event{Kind: KindClear, Wait: wait}) }

// NewID returns a display id unique within this process.
func NewID() string { return "gb-" + strconv.FormatInt(nextID.Add(1), 10) }

func normalize(bundle map[string]any) map[string]any {
	out := make(map[string]any, len(bundle)+1)
	for k, v := range bundle {
		out[k] = EncodeBinary(k, v)
	}
	if _, ok := out[MIMEText]; !ok {
		out[MIMEText] = ""
	}
	return out
}

// Value shows v with every MIME type its type offers (see Bundle) plus
// its text/plain form (see Plain).
func Value(v any) { MIME(Render(v)) }
