package worker

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/gradbook/gradbook/kernel/display"
)

func TestConnRoundTrip(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	c := NewConn(&buf, &buf)
	want := []Event{
		{Op: EvReady},
		{ID: 3, Op: EvDisplay, Sync: 9, Display: &display.Event{Kind: "display", Data: map[string]any{"text/html": "<b>é</b>"}}},
		{ID: 4, Op: EvReply, Sync: 10, Result: &Result{
			Data:  map[string]any{"text/plain": "42"},
			Error: &CellError{Name: "Panic", Value: "boom", Traceback: []string{"a", "b"}},
		}},
	}
	for _, e := range want {
		if err := c.Write(e); err != nil {
			t.Fatal(err)
		}
	}
	for i, w := range want {
		var got Event
		if err := c.Read(&got); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("frame %d: got %+v, want %+v", i, got, w)
		}
	}
	var e Event
	if err := c.Read(&e); !errors.Is(err, io.EOF) {
		t.Fatalf("read after last frame: %v, want io.EOF", err)
	}
}

func TestConnBadFrames(t *testing.T) {
	t.Parallel()
	huge := make([]byte, 4)
	binary.BigEndian.PutUint32(huge, MaxFrame+1)
	short := []byte{0, 0, 0, 10, '{'}
	notJSON := []byte{0, 0, 0, 3, 'a', 'b', 'c'}
	cases := []struct {
		name string
		in   []byte
		is   error
	}{
		{"too large", huge, ErrFrameTooLarge},
		{"truncated body", short, io.ErrUnexpectedEOF},
		{"truncated header", []byte{0, 0}, io.ErrUnexpectedEOF},
		{"not JSON", notJSON, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r Request
			err := NewConn(bytes.NewReader(c.in), nil).Read(&r)
			if err == nil || errors.Is(err, io.EOF) {
				t.Fatalf("err = %v, want a decode error", err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Fatalf("err = %v, want %v", err, c.is)
			}
		})
	}
}

// TestSplitter feeds a stream with markers to a Splitter in pieces cut at
// every possible size: data and markers come out intact and in order.
func TestSplitter(t *testing.T) {
	t.Parallel()
	token, other := NewToken(), NewToken()
	// Each part is data, or a marker number (rendered as <n> in want).
	parts := []any{
		"héllo\n", uint64(1),
		"\x00not a marker\x00\x1bGB", string(Marker(other, 7)), // another worker's marker is data
		uint64(2), uint64(0x1234abcd),
		"tail\x00\x1bGBSY", // a partial marker at the end is data
	}
	var in bytes.Buffer
	var want strings.Builder
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			in.WriteString(p)
			want.WriteString(p)
		case uint64:
			in.Write(Marker(token, p))
			fmt.Fprintf(&want, "<%d>", p)
		}
	}
	stream := in.Bytes()
	for size := 1; size <= len(stream); size++ {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			s := NewSplitter(token)
			var got strings.Builder
			data := func(b []byte) { got.Write(b) }
			mark := func(n uint64) { fmt.Fprintf(&got, "<%d>", n) }
			for i := 0; i < len(stream); i += size {
				s.Split(stream[i:min(i+size, len(stream))], data, mark)
			}
			s.Flush(data)
			if got.String() != want.String() {
				t.Fatalf("got %q, want %q", got.String(), want.String())
			}
		})
	}
}

func TestMarkerLength(t *testing.T) {
	t.Parallel()
	for _, n := range []uint64{0, 1, 1 << 63} {
		if m := Marker(NewToken(), n); len(m) != markerLen {
			t.Errorf("Marker(%d) has %d bytes, want %d", n, len(m), markerLen)
		}
	}
}
