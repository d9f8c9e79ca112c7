package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
)

// ErrFormat is wrapped by the errors of Read for input that is not an
// nbformat 4 notebook (not JSON, another nbformat version, a cell of no
// known type).
var ErrFormat = errors.New("notebook: not an nbformat 4 notebook")

// Notebook is an nbformat 4 notebook. Fields this package does not know
// are kept and written back unchanged.
type Notebook struct {
	Cells         []*Cell        `json:"cells"`
	Metadata      map[string]any `json:"metadata"`
	NBFormat      int            `json:"nbformat"`
	NBFormatMinor int            `json:"nbformat_minor"`

	extra map[string]json.RawMessage
}

// Cell is one cell: CellType is "code", "markdown" or "raw". Outputs and
// ExecutionCount belong to code cells only; a nil ExecutionCount is
// written as null (not run).
type Cell struct {
	CellType       string         `json:"cell_type"`
	ID             string         `json:"id,omitempty"`
	Metadata       map[string]any `json:"metadata"`
	Source         Text           `json:"source"`
	Outputs        []*Output      `json:"outputs,omitempty"`
	ExecutionCount *int           `json:"execution_count,omitempty"`

	extra map[string]json.RawMessage
}

// Output is one output of a code cell. OutputType says which fields it
// uses:
//
//	stream          Name ("stdout" or "stderr"), Text
//	display_data    Data (a MIME bundle), Metadata
//	execute_result  Data, Metadata, ExecutionCount
//	error           Ename, Evalue, Traceback
type Output struct {
	OutputType     string         `json:"output_type"`
	Name           string         `json:"name,omitempty"`
	Text           Text           `json:"text,omitempty"`
	Data           map[string]any `json:"data,omitempty"`
	Metadata       map[string]any `json:"metadata,omitempty"`
	ExecutionCount *int           `json:"execution_count,omitempty"`
	Ename          string         `json:"ename,omitempty"`
	Evalue         string         `json:"evalue,omitempty"`
	Traceback      []string       `json:"traceback,omitempty"`

	extra map[string]json.RawMessage
}

// Text is nbformat's multiline string: read from a string or a list of
// strings, written as a list of lines as Jupyter writes it.
type Text string

// UnmarshalJSON accepts a string or a list of strings.
func (t *Text) UnmarshalJSON(b []byte) error {
	s, err := joinLines(b)
	*t = Text(s)
	return err
}

// MarshalJSON writes t as a list of lines, each but the last with its "\n".
func (t Text) MarshalJSON() ([]byte, error) {
	return json.Marshal(splitLines(string(t)))
}

func joinLines(b []byte) (string, error) {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		return s, nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return "", errors.New("want a string or a list of strings")
	}
	return strings.Join(lines, ""), nil
}

func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if lines == nil {
		lines = []string{}
	}
	return lines
}

// Read decodes a notebook. Input that is not JSON, or not nbformat 4, is
// an error wrapping ErrFormat that says what is wrong.
func Read(r io.Reader) (*Notebook, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var head struct {
		NBFormat *int            `json:"nbformat"`
		Cells    json.RawMessage `json:"cells"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("%w: not valid JSON: %v", ErrFormat, err)
	}
	switch {
	case head.NBFormat == nil:
		return nil, fmt.Errorf("%w: no nbformat field", ErrFormat)
	case *head.NBFormat != 4:
		return nil, fmt.Errorf("%w: nbformat %d (convert it with jupyter nbconvert --to notebook)", ErrFormat, *head.NBFormat)
	case head.Cells == nil:
		return nil, fmt.Errorf("%w: no cells", ErrFormat)
	}
	var nb Notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	for i, c := range nb.Cells {
		switch {
		case c == nil:
			return nil, fmt.Errorf("%w: cell %d is null", ErrFormat, i)
		case c.CellType != "code" && c.CellType != "markdown" && c.CellType != "raw":
			return nil, fmt.Errorf("%w: cell %d has cell_type %q", ErrFormat, i, c.CellType)
		}
		for _, o := range c.Outputs {
			if o == nil {
				return nil, fmt.Errorf("%w: cell %d has a null output", ErrFormat, i)
			}
		}
	}
	return &nb, nil
}

// ReadFile reads the notebook at path.
func ReadFile(path string) (*Notebook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	nb, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return nb, nil
}

// Write encodes nb as Jupyter does: keys sorted, one space of
// indentation, no escaping of non-ASCII or HTML characters, a final
// newline.
func (nb *Notebook) Write(w io.Writer) error {
	raw, err := json.Marshal(nb)
	if err != nil {
		return fmt.Errorf("notebook: encode: %w", err)
	}
	// Re-encode through a generic value: maps are written with sorted keys.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("notebook: encode: %w", err)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	return enc.Encode(v)
}

// WriteFile writes nb to path, replacing it.
func (nb *Notebook) WriteFile(path string) error {
	var b bytes.Buffer
	if err := nb.Write(&b); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// UnmarshalJSON decodes a notebook, keeping unknown fields.
func (nb *Notebook) UnmarshalJSON(b []byte) error {
	type plain Notebook
	return decodeKeeping(b, (*plain)(nb), &nb.extra)
}

// MarshalJSON encodes a notebook with the unknown fields it was read with.
func (nb *Notebook) MarshalJSON() ([]byte, error) {
	type plain Notebook
	c := *nb
	if c.Metadata == nil {
		c.Metadata = map[string]any{}
	}
	if c.Cells == nil {
		c.Cells = []*Cell{}
	}
	return encodeKeeping((*plain)(&c), nb.extra)
}

// UnmarshalJSON decodes a cell, keeping unknown fields.
func (c *Cell) UnmarshalJSON(b []byte) error {
	type plain Cell
	return decodeKeeping(b, (*plain)(c), &c.extra)
}

// MarshalJSON encodes a cell: code cells always have outputs and
// execution_count (null when not run); other cells have neither.
func (c *Cell) MarshalJSON() ([]byte, error) {
	type plain Cell
	cc := *c
	if cc.Metadata == nil {
		cc.Metadata = map[string]any{}
	}
	raw, err := encodeKeeping((*plain)(&cc), c.extra)
	if err != nil || c.CellType != "code" {
		return raw, err
	}
	return withDefaults(raw, map[string]string{"outputs": "[]", "execution_count": "null"})
}

// UnmarshalJSON decodes an output, keeping unknown fields; a text
// MIME type's list of lines in its bundle becomes one string.
func (o *Output) UnmarshalJSON(b []byte) error {
	type plain Output
	if err := decodeKeeping(b, (*plain)(o), &o.extra); err != nil {
		return err
	}
	for mime, v := range o.Data {
		if lines, ok := v.([]any); ok && !isJSONMIME(mime) {
			var s strings.Builder
			for _, l := range lines {
				fmt.Fprint(&s, l)
			}
			o.Data[mime] = s.String()
		}
	}
	return nil
}

// MarshalJSON encodes an output with the fields nbformat requires of its
// type (data and metadata of display_data and execute_result,
// execution_count of execute_result, traceback of error), and text in a
// MIME bundle as a list of lines.
func (o *Output) MarshalJSON() ([]byte, error) {
	type plain Output
	oc := *o
	required := map[string]string{}
	switch oc.OutputType {
	case "execute_result":
		required["execution_count"] = "null"
		fallthrough
	case "display_data":
		required["data"], required["metadata"] = "{}", "{}"
		oc.Data = map[string]any{}
		for mime, v := range o.Data {
			if s, ok := v.(string); ok && splitMIME(mime) {
				v = splitLines(s)
			}
			oc.Data[mime] = v
		}
	case "error":
		required["traceback"] = "[]"
	case "stream":
		required["text"] = "[]"
	}
	raw, err := encodeKeeping((*plain)(&oc), o.extra)
	if err != nil {
		return nil, err
	}
	return withDefaults(raw, required)
}

// withDefaults adds to the JSON object raw the keys of defaults it lacks,
// with their (JSON) values.
func withDefaults(raw []byte, defaults map[string]string) ([]byte, error) {
	if len(defaults) == 0 {
		return raw, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	for k, v := range defaults {
		if _, ok := m[k]; !ok {
			m[k] = json.RawMessage(v)
		}
	}
	return json.Marshal(m)
}

// splitMIME reports whether a bundle's string for mime is written as a
// list of lines (text/*, SVG, JavaScript), as nbformat writes it.
func splitMIME(mime string) bool {
	return strings.HasPrefix(mime, "text/") || mime == "image/svg+xml" || mime == "application/javascript"
}

// isJSONMIME reports whether a bundle's value for mime is JSON data
// (application/json, anything+json) rather than text.
func isJSONMIME(mime string) bool {
	return mime == "application/json" || strings.HasSuffix(mime, "+json")
}

// decodeKeeping decodes b into v (a pointer to a struct) and stores in
// *extra the fields of b that v has no json tag for.
func decodeKeeping(b []byte, v any, extra *map[string]json.RawMessage) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	for _, k := range jsonKeys(v) {
		delete(all, k)
	}
	if len(all) > 0 {
		*extra = all
	}
	return nil
}

// encodeKeeping encodes v (a pointer to a struct) with the fields of
// extra added.
func encodeKeeping(v any, extra map[string]json.RawMessage) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return raw, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	for k, x := range extra {
		if _, ok := m[k]; !ok {
			m[k] = x
		}
	}
	return json.Marshal(m)
}

// jsonKeys returns the json names of the fields of the struct v points to.
func jsonKeys(v any) []string {
	t := reflect.TypeOf(v).Elem()
	var keys []string
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// HasTag reports whether tag is among the cell's metadata.tags.
func (c *Cell) HasTag(tag string) bool {
	tags, _ := c.Metadata["tags"].([]any)
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

// GradeID returns the nbgrader grade_id of an autograded test cell (a
// code cell whose metadata.nbgrader has "grade": true) and the points it
// is worth; ok is false for any other cell.
func (c *Cell) GradeID() (id string, points float64, ok bool) {
	nbg, _ := c.Metadata["nbgrader"].(map[string]any)
	if c.CellType != "code" || nbg == nil || nbg["grade"] != true {
		return "", 0, false
	}
	id, _ = nbg["grade_id"].(string)
	switch p := nbg["points"].(type) {
	case float64:
		points = p
	case json.Number:
		points, _ = p.Float64()
	}
	if id == "" {
		id = c.ID
	}
	return id, points, true
}
