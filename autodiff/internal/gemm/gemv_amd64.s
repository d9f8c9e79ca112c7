#include "textflag.h"

// Matrix·vector kernels for Dgemv and GerGemvT (see gemv.go), AVX2 and
// FMA. Each works on four rows of A at a time, row r at a + r·lda, and on
// a multiple of 8 (dot4) or 4 (the ger kernels) columns; gemv.go handles
// the remaining rows and columns.

// Arguments of the ger kernels: n (a positive multiple of 4), g4 (4
// values), x, a, lda, da, ldda, dx. Registers: Y8…Y11 = g4[0…3]; SI walks
// row 0 of a (row r at SI + r·R8, R9 = 3·R8), DI row 0 of da (R10, R11 the
// same for ldda), BX x, DX dx, CX the columns left.
#define GERSETUP \
	MOVQ         n+0(FP), CX; \
	MOVQ         g4+8(FP), AX; \
	MOVQ         x+16(FP), BX; \
	MOVQ         a+24(FP), SI; \
	MOVQ         lda+32(FP), R8; \
	MOVQ         da+40(FP), DI; \
	MOVQ         ldda+48(FP), R10; \
	MOVQ         dx+56(FP), DX; \
	SHLQ         $3, R8; \
	MOVQ         R8, R9; \
	SHLQ         $1, R9; \
	ADDQ         R8, R9; \
	SHLQ         $3, R10; \
	MOVQ         R10, R11; \
	SHLQ         $1, R11; \
	ADDQ         R10, R11; \
	VBROADCASTSD (AX), Y8; \
	VBROADCASTSD 8(AX), Y9; \
	VBROADCASTSD 16(AX), Y10; \
	VBROADCASTSD 24(AX), Y11

// dx[j:j+4] += Σ_r g4[r]·a_r[j:j+4], with Y0 = x[j:j+4] loaded for the da
// rows.
#define GERDX \
	VMOVUPD     (BX), Y0; \
	VMOVUPD     (DX), Y1; \
	VFMADD231PD (SI), Y8, Y1; \
	VFMADD231PD (SI)(R8*1), Y9, Y1; \
	VFMADD231PD (SI)(R8*2), Y10, Y1; \
	VFMADD231PD (SI)(R9*1), Y11, Y1; \
	VMOVUPD     Y1, (DX)

#define GERNEXT \
	ADDQ $32, SI; \
	ADDQ $32, DI; \
	ADDQ $32, BX; \
	ADDQ $32, DX; \
	SUBQ $4, CX

// func dot4avx2(n int, a *float64, lda int, x *float64, dst *float64)
//
// dst[r] = Σ_{j<n} a[r·lda + j]·x[j] for r = 0…3; n is a positive multiple
// of 8. Two accumulators a row: Y(r) for the first four columns of each
// step of eight, Y(r+4) for the second.
TEXT ·dot4avx2(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ x+24(FP), DI
	MOVQ dst+32(FP), DX
	SHLQ $3, R8
	LEAQ (R8)(R8*2), R9
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

dot4loop:
	VMOVUPD     (DI), Y8
	VMOVUPD     32(DI), Y9
	VFMADD231PD (SI), Y8, Y0
	VFMADD231PD 32(SI), Y9, Y4
	VFMADD231PD (SI)(R8*1), Y8, Y1
	VFMADD231PD 32(SI)(R8*1), Y9, Y5
	VFMADD231PD (SI)(R8*2), Y8, Y2
	VFMADD231PD 32(SI)(R8*2), Y9, Y6
	VFMADD231PD (SI)(R9*1), Y8, Y3
	VFMADD231PD 32(SI)(R9*1), Y9, Y7
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $8, CX
	JNZ         dot4loop

	VADDPD Y4, Y0, Y0
	VADDPD Y5, Y1, Y1
	VADDPD Y6, Y2, Y2
	VADDPD Y7, Y3, Y3

	// Y0 = [r0 pairs in each lane, r1 pairs], Y2 likewise for r2, r3; then
	// gather the low and the high lanes and add them.
	VHADDPD    Y1, Y0, Y0
	VHADDPD    Y3, Y2, Y2
	VPERM2F128 $0x20, Y2, Y0, Y10
	VPERM2F128 $0x31, Y2, Y0, Y11
	VADDPD     Y11, Y10, Y10
	VMOVUPD    Y10, (DX)
	VZEROUPPER
	RET

// func geradd4avx2(n int, g4 *float64, x, a *float64, lda int, da *float64, ldda int, dx *float64)
//
// For r = 0…3: da_r[:n] += g4[r]·x[:n] and dx[:n] += g4[r]·a_r[:n].
TEXT ·geradd4avx2(SB), NOSPLIT, $0-64
	GERSETUP

geraddloop:
	GERDX
	VMOVUPD     (DI), Y2
	VFMADD231PD Y0, Y8, Y2
	VMOVUPD     Y2, (DI)
	VMOVUPD     (DI)(R10*1), Y3
	VFMADD231PD Y0, Y9, Y3
	VMOVUPD     Y3, (DI)(R10*1)
	VMOVUPD     (DI)(R10*2), Y4
	VFMADD231PD Y0, Y10, Y4
	VMOVUPD     Y4, (DI)(R10*2)
	VMOVUPD     (DI)(R11*1), Y5
	VFMADD231PD Y0, Y11, Y5
	VMOVUPD     Y5, (DI)(R11*1)
	GERNEXT
	JNZ         geraddloop
	VZEROUPPER
	RET

// func gerset4avx2(n int, g4 *float64, x, a *float64, lda int, da *float64, ldda int, dx *float64)
//
// For r = 0…3: da_r[:n] = g4[r]·x[:n] and dx[:n] += g4[r]·a_r[:n]; da is
// written without being read.
TEXT ·gerset4avx2(SB), NOSPLIT, $0-64
	GERSETUP

gersetloop:
	GERDX
	VMULPD  Y0, Y8, Y2
	VMOVUPD Y2, (DI)
	VMULPD  Y0, Y9, Y3
	VMOVUPD Y3, (DI)(R10*1)
	VMULPD  Y0, Y10, Y4
	VMOVUPD Y4, (DI)(R10*2)
	VMULPD  Y0, Y11, Y5
	VMOVUPD Y5, (DI)(R11*1)
	GERNEXT
	JNZ     gersetloop
	VZEROUPPER
	RET
