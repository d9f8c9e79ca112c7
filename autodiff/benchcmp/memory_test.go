package benchcmp_test

import (
	"fmt"
	"math"
	"runtime"
	"testing"

	ad "github.com/gradbook/gradbook/autodiff"
)

// liveHeap returns the bytes of live heap objects after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// chainLive returns a function computing the B1 chain y ← sin(c·y) with n
// nodes that stores in *live the heap still in use at its end, above base.
// Everything the computation keeps for later (a tape) is alive there; what
// forward mode needs is not.
func chainLive(n int, base, live *uint64) func(*ad.Tensor) *ad.Tensor {
	c := ad.Scalar(1.0001)
	return func(y *ad.Tensor) *ad.Tensor {
		for range n / 2 {
			y = ad.Sin(ad.Mul(c, y))
		}
		if h := liveHeap(); h > *base {
			*live = h - *base
		} else {
			*live = 0
		}
		return y
	}
}

// chainDerivative is dy/dy₀ of the chain, computed with plain floats.
func chainDerivative(n int) float64 {
	y, d := 0.5, 1.0
	for range n / 2 {
		u := 1.0001 * y
		d *= 1.0001 * math.Cos(u)
		y = math.Sin(u)
	}
	return d
}

func TestChainModesAgree(t *testing.T) {
	t.Parallel()
	const n = 10_000
	var base, live uint64
	f := chainLive(n, &base, &live)
	_, jv := ad.JVP(f, ad.Scalar(0.5), ad.Scalar(1))
	x := ad.Scalar(0.5).RequiresGrad()
	f(x).Backward()
	want := chainDerivative(n)
	// The lecture's value at N = 1e4.
	if math.Abs(want-8.13132e-05) > 1e-9 {
		t.Fatalf("closed form = %g, want 8.13132e-05", want)
	}
	for name, got := range map[string]float64{"JVP": jv.Item(), "Backward": x.Grad().Item()} {
		if math.Abs(got-want) > 1e-12*math.Abs(want)+1e-18 {
			t.Errorf("%s: dy/dy0 = %.17g, want %.17g", name, got, want)
		}
	}
}

// BenchmarkChainMemory reports, as live-B, the heap kept alive at the end
// of a chain of N scalar operations: by forward mode (JVP, nothing stored)
// and by reverse mode (the tape Backward will walk).
func BenchmarkChainMemory(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("N=%d/jvp", n), func(b *testing.B) {
			var base, live, peak uint64
			f := chainLive(n, &base, &live)
			for b.Loop() {
				base = liveHeap()
				ad.JVP(f, ad.Scalar(0.5), ad.Scalar(1))
				peak = max(peak, live)
			}
			b.ReportMetric(float64(peak), "live-B")
		})
		b.Run(fmt.Sprintf("N=%d/reverse", n), func(b *testing.B) {
			var base, live, peak uint64
			f := chainLive(n, &base, &live)
			for b.Loop() {
				base = liveHeap()
				x := ad.Scalar(0.5).RequiresGrad()
				f(x).Backward()
				peak = max(peak, live)
			}
			b.ReportMetric(float64(peak), "live-B")
		})
	}
}
