// Package display lets notebook code show rich output (HTML, Markdown,
// LaTeX, SVG, PNG, JSON) while a cell runs.
package display

// Event is one thing cell code asked the front end to show. The kernel's
// worker installs a sink with SetSink and forwards events to Jupyter.
type Event struct {
	Kind      string         // "display", "update" or "clear"
	Data      map[string]any // MIME type → content (string, or JSON value for application/json)
	Metadata  map[string]any
	DisplayID string // for "display" (optional) and "update"
	Wait      bool   // for "clear"
}
