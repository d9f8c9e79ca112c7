package display

import (
	"encoding/base64"
	"image"
	"image/color"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// capture installs a recording sink for the test; tests using it share
// the package sink and do not run in parallel.
func capture(t *testing.T) *[]Event {
	t.Helper()
	var mu sync.Mutex
	var got []Event
	prev := SetSink(func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, e)
	})
	t.Cleanup(func() { SetSink(prev) })
	return &got
}

func TestSendFunctions(t *testing.T) {
	pngBytes := []byte{0x89, 'P', 'N', 'G'}
	tests := []struct {
		name string
		call func()
		mime string
		want any
	}{
		{"HTML", func() { HTML("<b>x</b>") }, MIMEHTML, "<b>x</b>"},
		{"Markdown", func() { Markdown("*x*") }, MIMEMarkdown, "*x*"},
		{"LaTeX", func() { LaTeX("$x^2$") }, MIMELaTeX, "$x^2$"},
		{"SVG", func() { SVG("<svg/>") }, MIMESVG, "<svg/>"},
		{"PNG", func() { PNG(pngBytes) }, MIMEPNG, base64.StdEncoding.EncodeToString(pngBytes)},
		{"JPEG", func() { JPEG(pngBytes) }, MIMEJPEG, base64.StdEncoding.EncodeToString(pngBytes)},
		{"JSON", func() { JSON(map[string]any{"a": 1}) }, MIMEJSON, map[string]any{"a": 1.0}},
		{"JSON struct", func() { JSON(struct{ X []int }{[]int{1}}) }, MIMEJSON, map[string]any{"X": []any{1.0}}},
		{"JSON error", func() { JSON(func() {}) }, MIMEText, "display.JSON: json: unsupported type: func()"},
		{"LaTeX bare", func() { LaTeX(`\frac{1}{2}`) }, MIMELaTeX, `$$\frac{1}{2}$$`},
		{"LaTeX env", func() { LaTeX(`\begin{bmatrix}1\end{bmatrix}`) }, MIMELaTeX, `\begin{bmatrix}1\end{bmatrix}`},
		{"Text", func() { Text("hi") }, MIMEText, "hi"},
		{"MIME bytes", func() { MIME(map[string]any{MIMEPNG: pngBytes}) }, MIMEPNG, base64.StdEncoding.EncodeToString(pngBytes)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := capture(t)
			tt.call()
			if len(*got) != 1 {
				t.Fatalf("got %d events, want 1", len(*got))
			}
			e := (*got)[0]
			if e.Kind != KindDisplay {
				t.Errorf("Kind = %q, want %q", e.Kind, KindDisplay)
			}
			if !reflect.DeepEqual(e.Data[tt.mime], tt.want) {
				t.Errorf("Data[%s] = %#v, want %#v", tt.mime, e.Data[tt.mime], tt.want)
			}
			if _, ok := e.Data[MIMEText]; !ok {
				t.Errorf("no text/plain in %v", e.Data)
			}
		})
	}
}

func TestShowUpdateClear(t *testing.T) {
	got := capture(t)
	id := Show(map[string]any{MIMEText: "0%"})
	Update(id, map[string]any{MIMEText: "100%"})
	Clear(true)
	want := []Event{
		{Kind: KindDisplay, DisplayID: id, Data: map[string]any{MIMEText: "0%"}},
		{Kind: KindUpdate, DisplayID: id, Data: map[string]any{MIMEText: "100%"}},
		{Kind: KindClear, Wait: true},
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("events = %+v, want %+v", *got, want)
	}
	if id2 := Show(nil); id2 == id {
		t.Errorf("Show returned the same id %q twice", id)
	}
}

type rich struct{}

func (rich) HTML() string     { return "<i>r</i>" }
func (rich) LaTeX() string    { return "$r$" }
func (rich) Markdown() string { return "**r**" }
func (rich) SVG() string      { return "<svg/>" }
func (rich) PNG() []byte      { return []byte{1} }
func (rich) String() string   { return "rich!" }

// bundled has every method, but its MimeBundle is all it offers.
type bundled struct{ rich }

func (bundled) MimeBundle() map[string]any { return map[string]any{"text/html": "<b>bundle</b>"} }

// broken panics in every method but LaTeX.
type broken struct{}

func (broken) MimeBundle() map[string]any { panic("bundle") }
func (broken) HTML() string               { panic("html") }
func (broken) LaTeX() string              { return "$ok$" }
func (broken) PNG() []byte                { panic("png") }

func TestBundle(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 2, 2))
	img.Set(1, 1, color.White)
	tests := []struct {
		name  string
		v     any
		mimes []string
	}{
		{"plain int", 3, nil},
		{"rich", rich{}, []string{MIMEHTML, MIMEMarkdown, MIMELaTeX, MIMESVG, MIMEPNG}},
		{"image", img, []string{MIMEPNG}},
		{"MimeBundle only", bundled{}, []string{MIMEHTML}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := Bundle(tt.v)
			if len(b) != len(tt.mimes) {
				t.Fatalf("Bundle = %v, want keys %v", b, tt.mimes)
			}
			for _, m := range tt.mimes {
				if _, ok := b[m]; !ok {
					t.Errorf("missing %s in %v", m, b)
				}
			}
		})
	}
	if b := Bundle((*rich)(nil)); b != nil {
		t.Errorf("Bundle of a nil pointer = %v, want nil", b)
	}
	if b := Bundle(broken{}); len(b) != 1 || b[MIMELaTeX] != "$ok$" {
		t.Errorf("Bundle(broken{}) = %v, want only the LaTeX that did not panic", b)
	}
	if got := Bundle(bundled{})[MIMEHTML]; got != "<b>bundle</b>" {
		t.Errorf("MimeBundle must win over HTML(): got %v", got)
	}
	raw, err := base64.StdEncoding.DecodeString(Bundle(img)[MIMEPNG].(string))
	if err != nil || !strings.HasPrefix(string(raw), "\x89PNG") {
		t.Errorf("image bundle is not a base64 PNG: %v", err)
	}
}

func TestValue(t *testing.T) {
	got := capture(t)
	Value(rich{})
	if len(*got) != 1 || (*got)[0].Data[MIMEText] != "rich!" || (*got)[0].Data[MIMELaTeX] != "$r$" {
		t.Errorf("Value(rich{}) sent %+v", *got)
	}
}
