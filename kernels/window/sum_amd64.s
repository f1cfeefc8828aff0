#include "textflag.h"

// AVX-512 loops of the Sum reduction (sum_amd64.go). Each takes pointers to
// element 0 and the number of elements n ≥ 0; the last n mod 16 elements are
// handled with masked loads and stores, so no element past n is touched.

// func addIntoAVX512(dst, src *float32, n int)
//
// dst[i] += src[i].
TEXT ·addIntoAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
addInto_loop4:
	CMPQ CX, $64
	JLT addInto_loop
	VMOVUPS (DI), Z0
	VMOVUPS 64(DI), Z1
	VMOVUPS 128(DI), Z2
	VMOVUPS 192(DI), Z3
	VADDPS (SI), Z0, Z0
	VADDPS 64(SI), Z1, Z1
	VADDPS 128(SI), Z2, Z2
	VADDPS 192(SI), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP addInto_loop4
addInto_loop:
	CMPQ CX, $16
	JLT addInto_tail
	VMOVUPS (DI), Z0
	VADDPS (SI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP addInto_loop
addInto_tail:
	TESTQ CX, CX
	JZ addInto_done
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z (SI), K1, Z1
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)
addInto_done:
	VZEROUPPER
	RET

// func plusZeroAVX512(dst, src *float32, n int)
//
// dst[i] = 0 + src[i] (a copy that turns -0 into +0).
TEXT ·plusZeroAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VPXORD Z4, Z4, Z4
plusZero_loop4:
	CMPQ CX, $64
	JLT plusZero_loop
	VADDPS (SI), Z4, Z0
	VADDPS 64(SI), Z4, Z1
	VADDPS 128(SI), Z4, Z2
	VADDPS 192(SI), Z4, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP plusZero_loop4
plusZero_loop:
	CMPQ CX, $16
	JLT plusZero_tail
	VADDPS (SI), Z4, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP plusZero_loop
plusZero_tail:
	TESTQ CX, CX
	JZ plusZero_done
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVW AX, K1
	VMOVUPS.Z (SI), K1, Z1
	VADDPS Z1, Z4, Z0
	VMOVUPS Z0, K1, (DI)
plusZero_done:
	VZEROUPPER
	RET
