package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

// Delimiter separates the routing identities from the signed part of a
// message ("The Wire Protocol" in the messaging specification).
const Delimiter = "<IDS|MSG>"

// ProtocolVersion is the messaging protocol version this package speaks
// and puts in every header it creates.
const ProtocolVersion = "5.3"

// DateFormat is the ISO 8601 layout of Header.Date in the headers this
// package creates (UTC, microseconds, as jupyter_client writes it).
const DateFormat = "2006-01-02T15:04:05.000000Z07:00"

// Errors returned by Decode. Each wraps more detail; test with errors.Is.
var (
	// ErrMissingDelimiter means no frame equals Delimiter.
	ErrMissingDelimiter = errors.New("wire: missing <IDS|MSG> delimiter")
	// ErrShortMessage means fewer than five frames follow the delimiter.
	ErrShortMessage = errors.New("wire: too few frames after delimiter")
	// ErrBadSignature means the signature frame does not match the HMAC of
	// the message under the connection key.
	ErrBadSignature = errors.New("wire: bad signature")
	// ErrBadJSON means header, parent_header, metadata or content is not a
	// JSON object.
	ErrBadJSON = errors.New("wire: bad JSON")
)

// Header is a message header ("Message Header" in the specification). An
// empty parent_header ({}) decodes to the zero Header and the zero Header
// encodes as {}.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"` // ISO 8601
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message ("General Message Format"). Metadata and
// Content hold raw JSON objects; a nil Metadata or Content encodes as {}.
// Identities are the routing prefix (frames before the delimiter): the
// peer's identity on ROUTER sockets, the topic on iopub.
type Message struct {
	Identities   [][]byte
	Header       Header
	ParentHeader Header
	Metadata     json.RawMessage
	Content      json.RawMessage
	Buffers      [][]byte
}

var emptyObject = []byte("{}")

// Decode parses frames received from a socket into a Message, verifying
// the signature with key (an empty key skips verification). The returned
// Message shares memory with frames for identities, metadata, content and
// buffers. Decode never panics on malformed input; its errors wrap
// ErrMissingDelimiter, ErrShortMessage, ErrBadSignature or ErrBadJSON.
func Decode(frames [][]byte, key []byte) (*Message, error) {
	d := -1
	for i, f := range frames {
		if string(f) == Delimiter {
			d = i
			break
		}
	}
	if d < 0 {
		return nil, fmt.Errorf("decode %d frames: %w", len(frames), ErrMissingDelimiter)
	}
	rest := frames[d+1:]
	if len(rest) < 5 {
		return nil, fmt.Errorf("decode: %d frames after delimiter, want 5: %w", len(rest), ErrShortMessage)
	}
	sig, h, p, md, c := rest[0], rest[1], rest[2], rest[3], rest[4]
	if len(key) > 0 {
		if err := verify(key, sig, h, p, md, c); err != nil {
			return nil, err
		}
	}
	m := &Message{}
	if d > 0 {
		m.Identities = frames[:d:d]
	}
	if err := decodeObject("header", h, &m.Header); err != nil {
		return nil, err
	}
	if err := decodeObject("parent_header", p, &m.ParentHeader); err != nil {
		return nil, err
	}
	if err := checkObject("metadata", md); err != nil {
		return nil, err
	}
	if err := checkObject("content", c); err != nil {
		return nil, err
	}
	m.Metadata = json.RawMessage(md)
	m.Content = json.RawMessage(c)
	if len(rest) > 5 {
		m.Buffers = rest[5:len(rest):len(rest)]
	}
	return m, nil
}

func verify(key, sig []byte, parts ...[]byte) error {
	var got [sha256.Size]byte
	if len(sig) != hex.EncodedLen(sha256.Size) {
		return fmt.Errorf("decode: signature of %d bytes: %w", len(sig), ErrBadSignature)
	}
	if _, err := hex.Decode(got[:], sig); err != nil {
		return fmt.Errorf("decode: signature not hex: %w", ErrBadSignature)
	}
	mac := hmac.New(sha256.New, key)
	for _, part := range parts {
		mac.Write(part)
	}
	if !hmac.Equal(got[:], mac.Sum(nil)) {
		return fmt.Errorf("decode: %w", ErrBadSignature)
	}
	return nil
}

// isObject reports whether b, after leading white space, starts with '{'.
// json.Valid has already checked the rest.
func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

func checkObject(name string, b []byte) error {
	if !json.Valid(b) || !isObject(b) {
		return fmt.Errorf("decode %s: not a JSON object: %w", name, ErrBadJSON)
	}
	return nil
}

func decodeObject(name string, b []byte, h *Header) error {
	if !isObject(b) {
		return fmt.Errorf("decode %s: not a JSON object: %w", name, ErrBadJSON)
	}
	if err := json.Unmarshal(b, h); err != nil {
		return fmt.Errorf("decode %s: %w: %w", name, ErrBadJSON, err)
	}
	return nil
}

// Encode returns the frames of m, signed with key (an empty key leaves
// the signature frame empty). The frames share memory with m's
// identities, metadata, content and buffers.
func (m *Message) Encode(key []byte) ([][]byte, error) {
	h, err := encodeHeader(m.Header)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	p, err := encodeHeader(m.ParentHeader)
	if err != nil {
		return nil, fmt.Errorf("encode parent_header: %w", err)
	}
	md, c := []byte(m.Metadata), []byte(m.Content)
	if len(md) == 0 {
		md = emptyObject
	}
	if len(c) == 0 {
		c = emptyObject
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, []byte(Delimiter), Sign(key, h, p, md, c), h, p, md, c)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

func encodeHeader(h Header) ([]byte, error) {
	if h == (Header{}) {
		return emptyObject, nil
	}
	return json.Marshal(h)
}

// Sign returns the hex HMAC-SHA256 of parts under key (the signature
// frame of a message whose parts are header, parent_header, metadata and
// content), or an empty signature for an empty key.
func Sign(key []byte, parts ...[]byte) []byte {
	if len(key) == 0 {
		return []byte{}
	}
	mac := hmac.New(sha256.New, key)
	for _, part := range parts {
		mac.Write(part)
	}
	var sum [sha256.Size]byte
	out := make([]byte, hex.EncodedLen(sha256.Size))
	hex.Encode(out, mac.Sum(sum[:0]))
	return out
}

// SetContent marshals v as m's content. A json.RawMessage or []byte is
// used as is and must hold a JSON object.
func (m *Message) SetContent(v any) error {
	switch v := v.(type) {
	case json.RawMessage:
		m.Content = v
		return nil
	case []byte:
		m.Content = v
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("wire: content of %s: %w", m.Header.MsgType, err)
	}
	m.Content = b
	return nil
}

// DecodeContent unmarshals m's content into v.
func (m *Message) DecodeContent(v any) error {
	c := []byte(m.Content)
	if len(c) == 0 {
		c = emptyObject
	}
	if err := json.Unmarshal(c, v); err != nil {
		return fmt.Errorf("wire: content of %s: %w: %w", m.Header.MsgType, ErrBadJSON, err)
	}
	return nil
}

// NewHeader returns a header for a new message of msgType in session,
// with a fresh msg_id, the current time and ProtocolVersion.
func NewHeader(msgType, session, username string) Header {
	return Header{
		MsgID:    NewMsgID(),
		Session:  session,
		Username: username,
		Date:     time.Now().UTC().Format(DateFormat),
		MsgType:  msgType,
		Version:  ProtocolVersion,
	}
}

// Reply returns a new message of msgType that answers m: its header has a
// fresh msg_id and m's session and username, its parent_header is m's
// header, and it is routed to m's identities. Its content is empty until
// SetContent.
func (m *Message) Reply(msgType string) *Message {
	return &Message{
		Identities:   m.Identities,
		Header:       NewHeader(msgType, m.Header.Session, m.Header.Username),
		ParentHeader: m.Header,
	}
}

var (
	idPrefix  = newIDPrefix()
	idCounter atomic.Uint64
)

func newIDPrefix() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported platforms; fall back
		// to the pid and time so ids stay unique per process.
		return strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return hex.EncodeToString(b[:])
}

// NewMsgID returns a msg_id unique to this process and, with
// overwhelming probability, across processes: a random prefix chosen at
// start-up and a counter.
func NewMsgID() string {
	return idPrefix + "_" + strconv.FormatUint(idCounter.Add(1), 10)
}

// NewSessionID returns a random session id in UUID form.
func NewSessionID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return NewMsgID()
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Equal reports whether a and b are the same message: equal identities,
// headers, buffers, and byte-equal metadata and content (an empty
// metadata or content equals {}).
func Equal(a, b *Message) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Header == b.Header && a.ParentHeader == b.ParentHeader &&
		framesEqual(a.Identities, b.Identities) && framesEqual(a.Buffers, b.Buffers) &&
		bytes.Equal(orEmpty(a.Metadata), orEmpty(b.Metadata)) &&
		bytes.Equal(orEmpty(a.Content), orEmpty(b.Content))
}

func orEmpty(b []byte) []byte {
	if len(b) == 0 {
		return emptyObject
	}
	return b
}

func framesEqual(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
