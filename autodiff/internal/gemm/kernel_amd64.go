package gemm

import "golang.org/x/sys/cpu"

// The micro-kernels of kernel_amd64.s.

// kern6x8avx2 adds the product of a 6-row strip of Ã and an 8-column strip
// of B̃ to the 6×8 tile at c, with 12 ymm accumulators.
//
//go:noescape
func kern6x8avx2(k int, a, b, c *float64, ldc int)

// kern12x16avx512 adds the product of a 12-row strip of Ã and a 16-column
// strip of B̃ to the 12×16 tile at c, with 24 zmm accumulators.
//
//go:noescape
func kern12x16avx512(k int, a, b, c *float64, ldc int)

var (
	avx2   = &kernel{mr: 6, nr: 8, fn: kern6x8avx2, name: "avx2"}
	avx512 = &kernel{mr: 12, nr: 16, fn: kern12x16avx512, name: "avx512"}
)

// kernels lists the micro-kernels this CPU can run, best first.
func kernels() []*kernel {
	var ks []*kernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, avx512)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2)
	}
	return ks
}
