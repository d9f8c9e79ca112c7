package gemm

import "golang.org/x/sys/cpu"

// The kernels of gemv_amd64.s, whose contracts are those of dot4, geradd4
// and gerset4 in gemv.go.

//go:noescape
func dot4avx2(n int, a *float64, lda int, x *float64, dst *float64)

//go:noescape
func geradd4avx2(n int, g4 *float64, x, a *float64, lda int, da *float64, ldda int, dx *float64)

//go:noescape
func gerset4avx2(n int, g4 *float64, x, a *float64, lda int, da *float64, ldda int, dx *float64)

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		dot4, geradd4, gerset4 = dot4avx2, geradd4avx2, gerset4avx2
	}
}
