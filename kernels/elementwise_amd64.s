#include "textflag.h"

// AVX-512 loops of the elementwise kernels (elementwise_amd64.go). Each takes
// pointers to element 0 and the number of elements n ≥ 0; the last n mod 16
// elements are handled with masked loads and stores, so no element past n is
// touched.

// TAILMASK sets K1 to the low CX bits (0 < CX < 16).
#define TAILMASK \
	MOVQ $1, AX \
	SHLQ CX, AX \
	DECQ AX \
	KMOVW AX, K1

// VV defines NAME(dst, a, b *float32, n int): dst[i] = a[i] OP b[i].
#define VV(NAME, OP) \
TEXT NAME(SB), NOSPLIT, $0-32 \
	MOVQ dst+0(FP), DI \
	MOVQ a+8(FP), SI \
	MOVQ b+16(FP), DX \
	MOVQ n+24(FP), CX \
loop: \
	CMPQ CX, $16 \
	JLT tail \
	VMOVUPS (SI), Z0 \
	VMOVUPS (DX), Z1 \
	OP Z1, Z0, Z2 \
	VMOVUPS Z2, (DI) \
	ADDQ $64, SI \
	ADDQ $64, DX \
	ADDQ $64, DI \
	SUBQ $16, CX \
	JMP loop \
tail: \
	TESTQ CX, CX \
	JZ done \
	TAILMASK \
	VMOVUPS.Z (SI), K1, Z0 \
	VMOVUPS.Z (DX), K1, Z1 \
	OP Z1, Z0, Z2 \
	VMOVUPS Z2, K1, (DI) \
done: \
	VZEROUPPER \
	RET

VV(·addVVAVX512, VADDPS)
VV(·subVVAVX512, VSUBPS)
VV(·mulVVAVX512, VMULPS)
VV(·divVVAVX512, VDIVPS)

// SCALAR defines NAME(dst, a *float32, s float32, n int): dst[i] = a[i] OP s when
// (RA, RS) = (Z0, Z1), s OP a[i] when (RA, RS) = (Z1, Z0): a goes to RA, s to RS,
// and the loop computes Z2 = Z0 OP Z1.
#define SCALAR(NAME, OP, RA, RS) \
TEXT NAME(SB), NOSPLIT, $0-32 \
	MOVQ dst+0(FP), DI \
	MOVQ a+8(FP), SI \
	VBROADCASTSS s+16(FP), RS \
	MOVQ n+24(FP), CX \
loop: \
	CMPQ CX, $16 \
	JLT tail \
	VMOVUPS (SI), RA \
	OP Z1, Z0, Z2 \
	VMOVUPS Z2, (DI) \
	ADDQ $64, SI \
	ADDQ $64, DI \
	SUBQ $16, CX \
	JMP loop \
tail: \
	TESTQ CX, CX \
	JZ done \
	TAILMASK \
	VMOVUPS.Z (SI), K1, RA \
	OP Z1, Z0, Z2 \
	VMOVUPS Z2, K1, (DI) \
done: \
	VZEROUPPER \
	RET

#define VS(NAME, OP) SCALAR(NAME, OP, Z0, Z1)
#define SV(NAME, OP) SCALAR(NAME, OP, Z1, Z0)

VS(·addVSAVX512, VADDPS)
VS(·subVSAVX512, VSUBPS)
VS(·mulVSAVX512, VMULPS)
VS(·divVSAVX512, VDIVPS)
SV(·addSVAVX512, VADDPS)
SV(·subSVAVX512, VSUBPS)
SV(·mulSVAVX512, VMULPS)
SV(·divSVAVX512, VDIVPS)

// func reluAVX512(dst, a *float32, n int): dst[i] = max(a[i], +0), NaN → 0x7fc00000.
TEXT ·reluAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ n+16(FP), CX
	VPXORD Z3, Z3, Z3
	MOVL $0x7fc00000, AX
	VPBROADCASTD AX, Z4
loop:
	CMPQ CX, $16
	JLT tail
	VMOVUPS (SI), Z0
	VMAXPS Z3, Z0, Z1      // +0 (the second source) when a is ±0 or NaN
	VCMPPS $3, Z0, Z0, K2  // unordered: NaN lanes
	VMOVAPS Z4, K2, Z1
	VMOVUPS Z1, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP loop
tail:
	TESTQ CX, CX
	JZ done
	TAILMASK
	VMOVUPS.Z (SI), K1, Z0
	VMAXPS Z3, Z0, Z1
	VCMPPS $3, Z0, Z0, K2
	VMOVAPS Z4, K2, Z1
	VMOVUPS Z1, K1, (DI)
done:
	VZEROUPPER
	RET

// func reluGradAVX512(out, v, d *float32, n int): out[i] = v[i] * ind(d[i]) with
// ind = +0 for d < 0, d + 1 for NaN, 1 otherwise.
TEXT ·reluGradAVX512(SB), NOSPLIT, $0-32
	MOVQ out+0(FP), DI
	MOVQ v+8(FP), SI
	MOVQ d+16(FP), DX
	MOVQ n+24(FP), CX
	VPXORD Z3, Z3, Z3
	MOVL $0x3f800000, AX
	VPBROADCASTD AX, Z5
loop:
	CMPQ CX, $16
	JLT tail
	VMOVUPS (DX), Z0
	VMOVUPS (SI), Z1
	VCMPPS $1, Z3, Z0, K2  // d < 0 (ordered: false for NaN and -0)
	VCMPPS $3, Z0, Z0, K3  // NaN lanes
	VADDPS Z5, Z0, Z6
	VMOVAPS Z5, Z7
	VMOVAPS Z6, K3, Z7
	KNOTW K2, K4
	VMOVAPS.Z Z7, K4, Z7
	VMULPS Z7, Z1, Z8
	VMOVUPS Z8, (DI)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, DI
	SUBQ $16, CX
	JMP loop
tail:
	TESTQ CX, CX
	JZ done
	TAILMASK
	VMOVUPS.Z (DX), K1, Z0
	VMOVUPS.Z (SI), K1, Z1
	VCMPPS $1, Z3, Z0, K2
	VCMPPS $3, Z0, Z0, K3
	VADDPS Z5, Z0, Z6
	VMOVAPS Z5, Z7
	VMOVAPS Z6, K3, Z7
	KNOTW K2, K4
	VMOVAPS.Z Z7, K4, Z7
	VMULPS Z7, Z1, Z8
	VMOVUPS Z8, K1, (DI)
done:
	VZEROUPPER
	RET
