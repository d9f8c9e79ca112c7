package display_test

import (
	"fmt"
	"image"
	"strings"

	ad "github.com/gradbook/gradbook/autodiff"
	"github.com/gradbook/gradbook/kernel/display"
)

// Without a sink, events print their text/plain form.
func ExampleMarkdown() {
	display.Markdown("**bold** text")
	// Output: **bold** text
}

func ExampleSetSink() {
	prev := display.SetSink(func(e display.Event) {
		fmt.Println(e.Kind, e.Data[display.MIMEHTML])
	})
	defer display.SetSink(prev)
	display.HTML("<b>hi</b>")
	// Output: display <b>hi</b>
}

func ExampleUpdate() {
	prev := display.SetSink(func(e display.Event) {
		fmt.Println(e.Kind, e.Data[display.MIMEText])
	})
	defer display.SetSink(prev)
	id := display.Show(map[string]any{display.MIMEText: "step 1"})
	display.Update(id, map[string]any{display.MIMEText: "step 2"})
	// Output:
	// display step 1
	// update step 2
}

func ExampleClear() {
	prev := display.SetSink(func(e display.Event) { fmt.Println(e.Kind, e.Wait) })
	defer display.SetSink(prev)
	display.Clear(true)
	// Output: clear true
}

// printKinds is a sink for examples: each event's kind and text/plain.
func printKinds(e display.Event) { fmt.Println(e.Kind, e.Data[display.MIMEText]) }

// A progress bar for a long loop: one display, then updates of it (at
// most one per ProgressInterval, and one when the count reaches the
// total), the last one from Done.
func ExampleNewProgress() {
	prev := display.SetSink(printKinds)
	defer display.SetSink(prev)
	const n = 1000
	p := display.NewProgress(n)
	for i := 0; i < n; i++ {
		p.Add(1)
	}
	p.Done()
	// Output:
	// display [                    ]   0% 0/1000
	// update [####################] 100% 1000/1000
	// update [####################] 100% 1000/1000
}

func ExampleHTML() {
	prev := display.SetSink(func(e display.Event) { fmt.Println(e.Data[display.MIMEHTML]) })
	defer display.SetSink(prev)
	display.HTML("<table><tr><td>1</td></tr></table>")
	// Output: <table><tr><td>1</td></tr></table>
}

// LaTeX without delimiters is shown as display math.
func ExampleLaTeX() {
	prev := display.SetSink(func(e display.Event) { fmt.Println(e.Data[display.MIMELaTeX]) })
	defer display.SetSink(prev)
	display.LaTeX(`\nabla f = (2x_1, 4x_2)`)
	display.LaTeX(`$f(x) = x^2$`)
	// Output:
	// $$\nabla f = (2x_1, 4x_2)$$
	// $f(x) = x^2$
}

func ExampleJSON() {
	prev := display.SetSink(printKinds)
	defer display.SetSink(prev)
	display.JSON(map[string]any{"loss": 0.25, "step": 3})
	// Output:
	// display {
	//   "loss": 0.25,
	//   "step": 3
	// }
}

// MIME shows several representations at once; the front end picks the
// richest it can render. []byte content is base64-encoded.
func ExampleMIME() {
	prev := display.SetSink(func(e display.Event) {
		fmt.Println(e.Data[display.MIMEText], e.Data[display.MIMEPNG])
	})
	defer display.SetSink(prev)
	display.MIME(map[string]any{
		display.MIMEText: "a 1-byte picture",
		display.MIMEPNG:  []byte{0xff},
	})
	// Output: a 1-byte picture /w==
}

func ExampleText() {
	display.Text("plain text, printed when no kernel is listening")
	// Output: plain text, printed when no kernel is listening
}

type celsius float64

func (c celsius) HTML() string { return fmt.Sprintf("<b>%.1f °C</b>", float64(c)) }

// Bundle is what a cell's last value renders as (without text/plain).
func ExampleBundle() {
	fmt.Println(display.Bundle(celsius(21.5)))
	fmt.Println(display.Bundle(42))
	// Output:
	// map[text/html:<b>21.5 °C</b>]
	// map[]
}

// Value shows a value as a cell's last expression would be shown: an
// autodiff tensor as LaTeX and HTML, with its text/plain form.
func ExampleValue() {
	prev := display.SetSink(func(e display.Event) {
		fmt.Println(e.Data[display.MIMEText])
		fmt.Println(e.Data[display.MIMELaTeX])
	})
	defer display.SetSink(prev)
	display.Value(ad.Vector(2, 4))
	// Output:
	// [2 4]
	// $\begin{bmatrix}2\\ 4\end{bmatrix}\quad\text{shape (2,1)}$
}

// ShowID names the display itself, so that a later cell can update it.
func ExampleShowID() {
	prev := display.SetSink(func(e display.Event) { fmt.Println(e.Kind, e.DisplayID, e.Data[display.MIMEText]) })
	defer display.SetSink(prev)
	display.ShowID("loss", map[string]any{display.MIMEText: "loss 0.9"})
	display.Update("loss", map[string]any{display.MIMEText: "loss 0.1"})
	// Output:
	// display loss loss 0.9
	// update loss loss 0.1
}

// An image renders as PNG; its text form names its type and size rather
// than dumping its pixels.
func ExampleRender() {
	img := image.NewGray(image.Rect(0, 0, 640, 480))
	b := display.Render(img)
	fmt.Println(b[display.MIMEText])
	fmt.Println(strings.HasPrefix(b[display.MIMEPNG].(string), "iVBORw0KGgo")) // base64 of the PNG signature
	// Output:
	// <*image.Gray 640×480>
	// true
}

// EncodeBinary is how image bytes travel in a MIME bundle.
func ExampleEncodeBinary() {
	fmt.Println(display.EncodeBinary(display.MIMEPNG, []byte("png")))
	fmt.Println(display.EncodeBinary(display.MIMEHTML, "<b>b</b>"))
	// Output:
	// cG5n
	// <b>b</b>
}
