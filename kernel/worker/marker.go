package worker

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"strconv"
)

// A marker is "\x00\x1bGBSYNC", the worker's 16-hex-digit token, the
// sequence number in 16 hex digits, and "\x00": 41 bytes, well under the
// pipe's atomic write size.
const (
	markerMagic = "\x00\x1bGBSYNC"
	tokenLen    = 16
	seqLen      = 16
	markerLen   = len(markerMagic) + tokenLen + seqLen + 1
)

// NewToken returns a random token for Marker and NewSplitter.
func NewToken() string {
	var b [tokenLen / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	return hex.EncodeToString(b[:])
}

// Marker returns the bytes the worker writes to its stdout and stderr to
// mark that everything before them precedes the event with Sync n.
// token must come from NewToken.
func Marker(token string, n uint64) []byte {
	m := make([]byte, 0, markerLen)
	m = append(m, markerMagic...)
	m = append(m, token...)
	s := strconv.FormatUint(n, 16)
	for range seqLen - len(s) {
		m = append(m, '0')
	}
	m = append(m, s...)
	return append(m, 0)
}

// Splitter removes markers from a stream read in arbitrary pieces.
type Splitter struct {
	prefix []byte // magic + token
	carry  []byte // bytes that may begin a marker, held for the next Split
}

// NewSplitter returns a Splitter for the markers of token.
func NewSplitter(token string) *Splitter {
	return &Splitter{prefix: []byte(markerMagic + token)}
}

// Split consumes p. In stream order, it calls data with the bytes that are
// not part of a marker and mark with the number of each marker. Bytes that
// may be the start of a marker are held until the next call (or Flush).
// The slices passed to data are only valid during the call.
func (s *Splitter) Split(p []byte, data func([]byte), mark func(uint64)) {
	buf := p
	if len(s.carry) > 0 {
		buf = append(s.carry, p...)
		s.carry = nil
	}
	for {
		i := bytes.Index(buf, s.prefix)
		if i < 0 {
			break
		}
		if len(buf)-i < markerLen {
			emit(data, buf[:i])
			s.carry = append([]byte(nil), buf[i:]...)
			return
		}
		emit(data, buf[:i])
		seq := buf[i+len(s.prefix) : i+markerLen-1]
		n, err := strconv.ParseUint(string(seq), 16, 64)
		if err != nil || buf[i+markerLen-1] != 0 {
			// Not a marker after all: pass its first byte through.
			emit(data, buf[i:i+1])
			buf = buf[i+1:]
			continue
		}
		mark(n)
		buf = buf[i+markerLen:]
	}
	k := s.partial(buf)
	emit(data, buf[:len(buf)-k])
	if k > 0 {
		s.carry = append([]byte(nil), buf[len(buf)-k:]...)
	}
}

// Flush passes the held bytes to data: call it at end of stream.
func (s *Splitter) Flush(data func([]byte)) {
	emit(data, s.carry)
	s.carry = nil
}

// partial returns the length of the longest suffix of buf that is a proper
// prefix of a marker.
func (s *Splitter) partial(buf []byte) int {
	start := max(0, len(buf)-len(s.prefix)+1)
	for j := start; j < len(buf); j++ {
		if buf[j] == 0 && bytes.HasPrefix(s.prefix, buf[j:]) {
			return len(buf) - j
		}
	}
	return 0
}

func emit(data func([]byte), b []byte) {
	if len(b) > 0 {
		data(b)
	}
}
