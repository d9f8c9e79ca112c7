package autodiff

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// B1: scalar tape overhead, y ← sin(c·y), N nodes. Reported per node.
func BenchmarkB1Chain(b *testing.B) {
	c := Scalar(1.0001)
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("fwd/N=%d", n), func(b *testing.B) {
			for b.Loop() {
				y0 := Scalar(0.5).RequiresGrad()
				chain(y0, c, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/node")
		})
		b.Run(fmt.Sprintf("fwd+bwd/N=%d", n), func(b *testing.B) {
			for b.Loop() {
				y0 := Scalar(0.5).RequiresGrad()
				chain(y0, c, n).Backward()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/node")
		})
	}
	b.Run("plain/N=1000000", func(b *testing.B) {
		for b.Loop() {
			chain(Scalar(0.5), c, 1_000_000)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/node")
	})
}

// B1 fan-in: s = Σᵢ wᵢ·xᵢ with 1e5 scalar terms.
func BenchmarkB1FanIn(b *testing.B) {
	const n = 100_000
	xs := make([]*Tensor, n)
	for i := range xs {
		xs[i] = Scalar(float64(i%7) - 3)
	}
	b.Run("fwd+bwd", func(b *testing.B) {
		for b.Loop() {
			ws := make([]*Tensor, n)
			s := Scalar(0)
			for i := range ws {
				ws[i] = Scalar(0.5).RequiresGrad()
				s = Add(s, Mul(ws[i], xs[i]))
			}
			s.Backward()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(2*n), "ns/node")
	})
}

func randTensor(r *rand.Rand, shape ...int) *Tensor {
	t := Zeros(shape...)
	for i := range t.data {
		t.data[i] = r.NormFloat64()
	}
	return t
}

// B2: s = Σ tanh(W x), W 1000×1000 (GEMV), and Σ tanh(W X), X 1000×256 (GEMM).
func BenchmarkB2Dense(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	// W scaled by 1/√n, as the PyTorch workload (torch_workloads.py), so
	// that tanh does not saturate.
	W := randTensor(r, 1000, 1000)
	for i := range W.data {
		W.data[i] /= math.Sqrt(1000)
	}
	W.RequiresGrad()
	x := randTensor(r, 1000).RequiresGrad()
	b.Run("GEMV/fwd", func(b *testing.B) {
		for b.Loop() {
			Sum(Tanh(MatMul(W.Detach(), x.Detach())))
		}
	})
	b.Run("GEMV/fwd+bwd", func(b *testing.B) {
		for b.Loop() {
			Sum(Tanh(MatMul(W, x))).Backward()
		}
	})
	X := randTensor(r, 1000, 256).RequiresGrad()
	b.Run("GEMM/fwd", func(b *testing.B) {
		for b.Loop() {
			Sum(Tanh(MatMul(W.Detach(), X.Detach())))
		}
	})
	b.Run("GEMM/fwd+bwd", func(b *testing.B) {
		for b.Loop() {
			Sum(Tanh(MatMul(W, X))).Backward()
		}
	})
}

// B3: Jacobian of tanh(A x) forward vs reverse; Hessian of xᵀBx + Σ sin x.
func BenchmarkB3Jacobian(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, d := range [][2]int{{200, 200}, {200, 20}, {20, 200}} {
		A := randTensor(r, d[0], d[1])
		x := randTensor(r, d[1])
		f := func(x *Tensor) *Tensor { return Tanh(MatMul(A, x)) }
		for _, mode := range []Mode{Forward, Reverse} {
			b.Run(fmt.Sprintf("%dx%d/%v", d[0], d[1], mode), func(b *testing.B) {
				for b.Loop() {
					Jacobian(f, x, mode)
				}
			})
		}
	}
}

func BenchmarkB3Hessian(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	B := randTensor(r, 200, 200)
	x := randTensor(r, 200)
	f := func(x *Tensor) *Tensor { return Add(Dot(x, MatMul(B, x)), Sum(Sin(x))) }
	for b.Loop() {
		Hessian(f, x)
	}
}

// Memory of forward vs reverse mode on a chain of 1e6 scalar operations:
// reverse mode keeps every node until Backward; forward mode keeps none.
func BenchmarkMemoryChain(b *testing.B) {
	const n = 1_000_000
	c := Scalar(1.0001)
	measure := func(b *testing.B, run func()) {
		var peak uint64
		for b.Loop() {
			runtime.GC()
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			run()
			runtime.ReadMemStats(&m1)
			if d := m1.HeapInuse - min(m0.HeapInuse, m1.HeapInuse); d > peak {
				peak = d
			}
		}
		b.ReportMetric(float64(peak), "live-bytes")
	}
	b.Run("reverse-tape", func(b *testing.B) {
		measure(b, func() {
			y := chain(Scalar(0.5).RequiresGrad(), c, n)
			runtime.GC()
			b.ReportMetric(float64(y.TapeStats().Floats), "stored-floats")
			runtime.KeepAlive(y)
		})
	})
	b.Run("forward-JVP", func(b *testing.B) {
		measure(b, func() {
			xx, _ := seedForward(Scalar(0.5), []float64{1}, 1, DefaultKink)
			y := xx
			for i := 0; i < n/2; i++ {
				y = Sin(Mul(c, y))
				if i == n/4 {
					runtime.GC()
				}
			}
			runtime.GC()
			runtime.KeepAlive(y)
		})
	})
	for _, seg := range []int{0, 1000} {
		b.Run(fmt.Sprintf("checkpoint-seg=%d", seg), func(b *testing.B) {
			var stored int
			for b.Loop() {
				y := checkpointedChain(Scalar(0.5).RequiresGrad(), c, n, seg)
				stored = y.TapeStats().Floats
				y.Backward()
			}
			b.ReportMetric(float64(stored), "stored-floats")
		})
	}
	_ = math.Sqrt
}

// checkpointedChain builds the B1 chain of n nodes in segments of seg nodes,
// each segment recomputed during Backward (seg = 0: no checkpointing).
func checkpointedChain(y, c *Tensor, n, seg int) *Tensor {
	if seg == 0 {
		return chain(y, c, n)
	}
	segment := Checkpoint(func(y *Tensor) *Tensor { return chain(y, c, seg) })
	for i := 0; i < n/seg; i++ {
		y = segment(y)
	}
	return y
}
