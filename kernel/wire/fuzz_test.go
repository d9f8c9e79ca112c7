package wire

import (
	"bytes"
	"testing"
)

// frameSep separates frames in a fuzz input; FuzzDecode splits on it.
var frameSep = []byte("\x00|\x00")

func joinFrames(frames [][]byte) []byte { return bytes.Join(frames, frameSep) }

// FuzzDecode checks that Decode never panics and that whatever it
// accepts re-encodes to frames that decode to the same message.
func FuzzDecode(f *testing.F) {
	f.Add(joinFrames(captured(testKey)), true)
	f.Add(joinFrames(captured(nil)), false)
	reply := []byte(`{"msg_id":"r1","session":"s","username":"u","date":"2026-11-25T18:07:40.000000Z","msg_type":"status","version":"5.3"}`)
	parent := captured(nil)[3]
	f.Add(joinFrames([][]byte{[]byte("kernel.abc.status"), []byte(Delimiter), nil, reply, parent, []byte("{}"), []byte(`{"execution_state":"busy"}`)}), false)
	f.Add(joinFrames([][]byte{[]byte(Delimiter), nil, []byte("{}"), []byte("{}"), []byte(" {\"a\":[1,2,{}]} "), []byte(`{"value":"héllo \u00e9"}`), {0, 1, 2}, {}}), false)
	f.Add(joinFrames([][]byte{[]byte(Delimiter), nil, []byte(`{"msg_type":"x","MSG_TYPE":"y"}`), []byte("{}"), []byte("{}"), []byte("{}")}), false)
	f.Add([]byte(Delimiter), false)
	f.Add([]byte{}, true)
	f.Fuzz(func(t *testing.T, data []byte, signed bool) {
		var key []byte
		if signed {
			key = testKey
		}
		m, err := Decode(bytes.Split(data, frameSep), key)
		if err != nil {
			if m != nil {
				t.Fatalf("Decode returned a message with error %v", err)
			}
			return
		}
		frames, err := m.Encode(key)
		if err != nil {
			t.Fatalf("Encode of decoded message: %v", err)
		}
		m2, err := Decode(frames, key)
		if err != nil {
			t.Fatalf("Decode(Encode(m)): %v", err)
		}
		if !Equal(m, m2) {
			t.Fatalf("round trip changed the message:\n got %+v\nwant %+v", m2, m)
		}
	})
}
