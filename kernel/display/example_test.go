package display_test

import (
	"fmt"

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
