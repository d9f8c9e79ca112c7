package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"
)

var testKey = []byte("a0436f6c-1916-498b-8eb9-e81ab9368e84")

// captured returns the frames of an execute_request as jupyter_client
// sends it, signed with key (unsigned for an empty key).
func captured(key []byte) [][]byte {
	h := []byte(`{"msg_id": "6f9a1c2e-5b3a4d1e_1", "msg_type": "execute_request", "username": "student", "session": "6f9a1c2e-5b3a-4d1e-9c8f-0a1b2c3d4e5f", "date": "2026-11-25T18:07:40.123456Z", "version": "5.3"}`)
	p := []byte(`{}`)
	md := []byte(`{}`)
	c := []byte(`{"code": "x := 1\nx + 1", "silent": false, "store_history": true, "user_expressions": {}, "allow_stdin": true, "stop_on_error": true}`)
	var sig []byte
	if len(key) > 0 {
		mac := hmac.New(sha256.New, key)
		for _, f := range [][]byte{h, p, md, c} {
			mac.Write(f)
		}
		sig = []byte(hex.EncodeToString(mac.Sum(nil)))
	}
	return [][]byte{[]byte("client-identity"), []byte(Delimiter), sig, h, p, md, c}
}

func TestDecodeCaptured(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		key  []byte
	}{
		{"signed", testKey},
		{"unsigned", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := Decode(captured(tc.key), tc.key)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if m.Header.MsgType != ExecuteRequest || m.Header.Username != "student" || m.Header.Version != "5.3" {
				t.Errorf("header = %+v", m.Header)
			}
			if m.ParentHeader != (Header{}) {
				t.Errorf("parent header = %+v, want zero", m.ParentHeader)
			}
			if len(m.Identities) != 1 || string(m.Identities[0]) != "client-identity" {
				t.Errorf("identities = %q", m.Identities)
			}
			var c ExecuteRequestContent
			if err := m.DecodeContent(&c); err != nil {
				t.Fatal(err)
			}
			if c.Code != "x := 1\nx + 1" || !c.AllowStdin || !c.StopOnError || !c.StoreHistory {
				t.Errorf("content = %+v", c)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	good := captured(testKey)
	with := func(i int, f []byte) [][]byte {
		out := append([][]byte(nil), good...)
		out[i] = f
		return out
	}
	badSig := append([]byte(nil), good[2]...)
	badSig[0] ^= 1
	for _, tc := range []struct {
		name   string
		frames [][]byte
		key    []byte
		want   error
	}{
		{"nil", nil, testKey, ErrMissingDelimiter},
		{"no delimiter", [][]byte{[]byte("a"), []byte("b")}, testKey, ErrMissingDelimiter},
		{"only delimiter", [][]byte{[]byte(Delimiter)}, testKey, ErrShortMessage},
		{"four after delimiter", good[:6], testKey, ErrShortMessage},
		{"flipped signature", with(2, badSig), testKey, ErrBadSignature},
		{"empty signature", with(2, nil), testKey, ErrBadSignature},
		{"short signature", with(2, []byte("abc")), testKey, ErrBadSignature},
		{"non-hex signature", with(2, bytes.Repeat([]byte("z"), 64)), testKey, ErrBadSignature},
		{"wrong key", good, []byte("other"), ErrBadSignature},
		{"header not JSON", with(3, []byte("{")), nil, ErrBadJSON},
		{"header array", with(3, []byte("[]")), nil, ErrBadJSON},
		{"header null", with(3, []byte("null")), nil, ErrBadJSON},
		{"header wrong field type", with(3, []byte(`{"msg_id": 3}`)), nil, ErrBadJSON},
		{"parent not JSON", with(4, []byte("x")), nil, ErrBadJSON},
		{"metadata empty", with(5, nil), nil, ErrBadJSON},
		{"content string", with(6, []byte(`"code"`)), nil, ErrBadJSON},
		{"content truncated", with(6, []byte(`{"code": "x`)), nil, ErrBadJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := Decode(tc.frames, tc.key)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode error = %v, want %v", err, tc.want)
			}
			if m != nil {
				t.Errorf("Decode returned a message with error %v", err)
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		key  []byte
	}{
		{"signed", testKey},
		{"unsigned", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			parent, err := Decode(captured(tc.key), tc.key)
			if err != nil {
				t.Fatal(err)
			}
			r := parent.Reply(ExecuteReply)
			if err := r.SetContent(ExecuteReplyContent{Status: StatusOK, ExecutionCount: 3}); err != nil {
				t.Fatal(err)
			}
			r.Buffers = [][]byte{{0, 1, 2}}
			frames, err := r.Encode(tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.key) == 0 && len(frames[2]) != 0 {
				t.Errorf("unsigned message has signature %q", frames[2])
			}
			got, err := Decode(frames, tc.key)
			if err != nil {
				t.Fatalf("Decode(Encode): %v", err)
			}
			if !Equal(got, r) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
			}
			if got.ParentHeader != parent.Header {
				t.Errorf("parent_header = %+v, want %+v", got.ParentHeader, parent.Header)
			}
			if got.Header.Session != parent.Header.Session || got.Header.Username != "student" {
				t.Errorf("reply header = %+v", got.Header)
			}
			if got.Header.MsgID == parent.Header.MsgID || got.Header.MsgID == "" {
				t.Errorf("reply msg_id = %q", got.Header.MsgID)
			}
			var c ExecuteReplyContent
			if err := got.DecodeContent(&c); err != nil || c.ExecutionCount != 3 || c.Status != StatusOK {
				t.Errorf("content = %+v, %v", c, err)
			}
		})
	}
}

func TestEncodeEmptyParts(t *testing.T) {
	t.Parallel()
	m := &Message{Header: NewHeader(KernelInfoRequest, "s", "u")}
	frames, err := m.Encode(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != 6 {
		t.Fatalf("%d frames, want 6", len(frames))
	}
	for i, want := range []string{Delimiter, "", "", "{}", "{}", "{}"} {
		if i == 2 {
			continue // header
		}
		if string(frames[i]) != want {
			t.Errorf("frame %d = %q, want %q", i, frames[i], want)
		}
	}
}

func TestExecuteRequestDefaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		json string
		want ExecuteRequestContent
	}{
		{"absent", `{"code":"1"}`, ExecuteRequestContent{Code: "1", StoreHistory: true, StopOnError: true}},
		{"silent", `{"code":"1","silent":true}`, ExecuteRequestContent{Code: "1", Silent: true, StopOnError: true}},
		{"explicit", `{"code":"1","store_history":false,"stop_on_error":false,"allow_stdin":true}`,
			ExecuteRequestContent{Code: "1", AllowStdin: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var c ExecuteRequestContent
			if err := json.Unmarshal([]byte(tc.json), &c); err != nil {
				t.Fatal(err)
			}
			if c.Code != tc.want.Code || c.Silent != tc.want.Silent || c.StoreHistory != tc.want.StoreHistory ||
				c.StopOnError != tc.want.StopOnError || c.AllowStdin != tc.want.AllowStdin {
				t.Errorf("got %+v, want %+v", c, tc.want)
			}
		})
	}
}

func TestNewMsgIDUnique(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for range 1000 {
		id := NewMsgID()
		if seen[id] {
			t.Fatalf("duplicate msg_id %q", id)
		}
		seen[id] = true
	}
}

func BenchmarkDecode(b *testing.B) {
	frames := captured(testKey)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(frames, testKey); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	m, err := Decode(captured(testKey), testKey)
	if err != nil {
		b.Fatal(err)
	}
	r := m.Reply(Status)
	if err := r.SetContent(StatusContent{ExecutionState: StateBusy}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Encode(testKey); err != nil {
			b.Fatal(err)
		}
	}
}
