package worker

import (
	"encoding/binary"
	"io"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// # Buffered stdout that survives the worker
//
// A cell that prints in a loop would otherwise make one write(2) on the
// stdout pipe per fmt.Println: 200,000 lines cost more in system calls
// than in interpreting the loop. The worker therefore gathers stdout in a
// buffer and writes it to fd 1 in large pieces (when the buffer fills,
// FlushInterval after its first byte, and before every sync marker).
//
// A buffer in the worker's own memory would lose what it holds when the
// worker dies without flushing (stack overflow, out of memory, a kill
// after an ignored interrupt), exactly when the last lines printed matter
// most. So the buffer lives in a file mapping shared with the supervisor
// (fd 5, an unlinked file in /dev/shm): after the worker is gone and its
// stdout pipe is drained, the supervisor reads what the buffer still
// holds (Pending) and delivers it as the end of the stream.
//
// Layout of the mapping: bytes [0,8) start and [8,16) end, little-endian
// uint64 offsets into the data that begins at byte outHeader; the bytes
// not yet written to fd 1 are data[start:end] (none when start >= end).
// The worker appends at end and then publishes the new end; a flush
// writes data[start:end] to fd 1, publishing start as it goes, then
// resets both (end first, so that a crash between the two stores reads
// as empty). At any instant the mapping describes exactly the bytes
// not yet handed to the pipe, except while a write(2) is in flight.

const (
	outHeader = 64
	// OutBufferSize is the size of the shared mapping (header included).
	OutBufferSize = 256 << 10
	// FlushInterval bounds how long buffered output waits for fd 1.
	FlushInterval = 5 * time.Millisecond
	// flushChunk bounds one write(2), so that a crash mid-flush repeats
	// at most this much.
	flushChunk = 64 << 10
)

// EnvOutBuffer, set to "1" in the worker's environment, says that fd 5 is
// the shared stdout buffer.
const EnvOutBuffer = "GRADBOOK_WORKER_OUTBUF"

// offsets reads the mapping's start and end.
func offsets(mem []byte) (start, end uint64) {
	return atomic.LoadUint64(word(mem, 0)), atomic.LoadUint64(word(mem, 8))
}

// word returns the uint64 at byte offset off of mem, which is 8-aligned
// (mappings start on a page).
func word(mem []byte, off int) *uint64 {
	_ = mem[off+7]
	return (*uint64)(unsafe.Pointer(&mem[off]))
}

// Pending returns a copy of the bytes a dead worker left in its shared
// stdout buffer mem, or nil. Call it only when the worker has exited.
func Pending(mem []byte) []byte {
	if len(mem) <= outHeader {
		return nil
	}
	data := mem[outHeader:]
	start, end := offsets(mem)
	if start >= end || end > uint64(len(data)) {
		return nil
	}
	return append([]byte(nil), data[start:end]...)
}

// OutBuffer is the worker's side: an io.Writer that gathers output in the
// shared mapping and writes it to w (fd 1). It is safe for concurrent use.
type OutBuffer struct {
	w    io.Writer
	mem  []byte
	data []byte

	mu    sync.Mutex
	timer *time.Timer // armed while the buffer holds bytes
	err   error       // the first write error from w
}

// NewOutBuffer returns an OutBuffer over the shared mapping mem (at least
// outHeader+1 bytes, zeroed or left by an earlier OutBuffer) writing to w.
func NewOutBuffer(mem []byte, w io.Writer) *OutBuffer {
	b := &OutBuffer{w: w, mem: mem, data: mem[outHeader:]}
	binary.LittleEndian.PutUint64(mem[0:8], 0)
	binary.LittleEndian.PutUint64(mem[8:16], 0)
	b.timer = time.AfterFunc(time.Hour, func() { b.Flush() })
	b.timer.Stop()
	return b
}

// Write buffers p, flushing first when it does not fit. Output larger
// than the buffer goes straight to w after what is buffered.
func (b *OutBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, end := offsets(b.mem)
	if int(end)+len(p) > len(b.data) {
		b.flushLocked()
		end = 0
	}
	if len(p) > len(b.data) {
		n, err := b.w.Write(p)
		return n, err
	}
	copy(b.data[end:], p)
	atomic.StoreUint64(word(b.mem, 8), end+uint64(len(p)))
	if end == 0 && len(p) > 0 {
		b.timer.Reset(FlushInterval)
	}
	return len(p), nil
}

// WriteString is Write for a string, so that fmt and io.WriteString need
// not convert.
func (b *OutBuffer) WriteString(s string) (int, error) {
	return b.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// Flush writes everything buffered to w. It returns the first error w
// ever returned.
func (b *OutBuffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	return b.err
}

func (b *OutBuffer) flushLocked() {
	b.timer.Stop()
	start, end := offsets(b.mem)
	for start < end {
		chunk := min(end-start, flushChunk)
		n, err := b.w.Write(b.data[start : start+chunk])
		start += uint64(n)
		atomic.StoreUint64(word(b.mem, 0), start)
		if err != nil {
			if b.err == nil {
				b.err = err
			}
			break // the pipe is gone: drop the rest, as a write would
		}
	}
	atomic.StoreUint64(word(b.mem, 8), 0)
	atomic.StoreUint64(word(b.mem, 0), 0)
}
