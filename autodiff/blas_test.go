package autodiff

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestMatMulBackwardKernels checks the gradients of s = Σ tanh(A·X) on the
// paths of blas.go and the kernels behind them (matrix·vector, fused
// backward sweep, blocked GEMM), against the closed form computed with
// plain loops, for sizes around the kernels' tiles: A a leaf (its Grad
// accumulated over two Backward calls) or an intermediate (A = W⊙W, its
// adjoint a fresh arena buffer).
func TestMatMulBackwardKernels(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(20, 21))
	for _, d := range [][3]int{{2, 3, 1}, {4, 4, 1}, {5, 9, 1}, {13, 7, 1}, {33, 17, 1}, {64, 100, 1},
		{9, 11, 3}, {40, 30, 20}, {70, 33, 17}} {
		m, p, q := d[0], d[1], d[2]
		for _, inter := range []bool{false, true} {
			W := randTensor(r, m, p).RequiresGrad()
			X := randTensor(r, p, q).RequiresGrad()
			if q == 1 {
				X = randTensor(r, p).RequiresGrad()
			}
			t.Run(fmt.Sprintf("%dx%dx%d/intermediate=%v", m, p, q, inter), func(t *testing.T) {
				t.Parallel()
				w, x := W.Data(), X.Data()
				a := w
				if inter {
					a = make([]float64, len(w))
					for i, v := range w {
						a[i] = v * v
					}
				}
				// dh = 1 − tanh²(A·X), dA = dh·Xᵀ, dX = Aᵀ·dh.
				dh := make([]float64, m*q)
				for i := 0; i < m; i++ {
					for j := 0; j < q; j++ {
						s := 0.0
						for k := 0; k < p; k++ {
							s += a[i*p+k] * x[k*q+j]
						}
						th := math.Tanh(s)
						dh[i*q+j] = 1 - th*th
					}
				}
				dA, dX := make([]float64, m*p), make([]float64, p*q)
				for i := 0; i < m; i++ {
					for k := 0; k < p; k++ {
						for j := 0; j < q; j++ {
							dA[i*p+k] += dh[i*q+j] * x[k*q+j]
							dX[k*q+j] += a[i*p+k] * dh[i*q+j]
						}
					}
				}
				const runs = 2
				for range runs {
					A := W
					if inter {
						A = Mul(W, W)
					}
					Sum(Tanh(MatMul(A, X))).Backward()
				}
				wantW := make([]float64, len(dA))
				for i, v := range dA {
					if inter {
						v *= 2 * w[i] // ∂(w²)/∂w
					}
					wantW[i] = runs * v
				}
				wantX := make([]float64, len(dX))
				for i, v := range dX {
					wantX[i] = runs * v
				}
				checkSlice(t, "dW", W.Grad().Data(), wantW, 1e-11)
				checkSlice(t, "dX", X.Grad().Data(), wantX, 1e-11)
				checkSlice(t, "W unchanged", W.Data(), w, 0)
			})
		}
	}
}
