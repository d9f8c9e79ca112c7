package e2e

import "testing"

// BenchmarkExecuteRoundTrip times a trivial cell through the real
// binary over ZeroMQ: execute_request until execute_reply and idle.
func BenchmarkExecuteRoundTrip(b *testing.B) {
	k := start(b)
	for range 20 {
		k.mustOK("_ = 0")
	}
	b.ResetTimer()
	for range b.N {
		k.mustOK("_ = 0")
	}
}
