// AVX-512 gather-based transposition; see transposeFast in layout.go.

#include "textflag.h"

// func transposeAVX512(dst *float32, dsU int, src *float32, ss, nu, nl int, idx *int32, mask int)
//
// For u < nu, l < nl: dst[u*dsU + l] = src[u + l*ss], gathering 16 values
// of l at a time (idx[i] = i*ss; mask = tailMask(nl)).
// Registers: DI dst row, SI src column, R8 dst row step (bytes), R9 src
// step for 16 l (bytes), CX rows left, R10/R11 running pointers, BX l left.
TEXT ·transposeAVX512(SB), NOSPLIT, $0-64
	MOVQ nu+32(FP), CX
	TESTQ CX, CX
	JLE  tr_done
	MOVQ nl+40(FP), DX
	TESTQ DX, DX
	JLE  tr_done
	MOVQ dst+0(FP), DI
	MOVQ dsU+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ ss+24(FP), R9
	SHLQ $6, R9
	MOVQ idx+48(FP), AX
	VMOVDQU32 (AX), Z1
	MOVQ mask+56(FP), AX
	KMOVW AX, K3

tr_u:
	MOVQ SI, R10
	MOVQ DI, R11
	MOVQ DX, BX

tr_l:
	CMPQ BX, $16
	JLT  tr_tail
	KXNORW K1, K1, K1
	VGATHERDPS (R10)(Z1*4), K1, Z0
	VMOVUPS Z0, (R11)
	ADDQ R9, R10
	ADDQ $64, R11
	SUBQ $16, BX
	JMP  tr_l

tr_tail:
	TESTQ BX, BX
	JZ   tr_next
	KMOVW K3, K1
	VGATHERDPS (R10)(Z1*4), K1, Z0
	VMOVUPS Z0, K3, (R11)

tr_next:
	ADDQ $4, SI
	ADDQ R8, DI
	DECQ CX
	JNZ  tr_u

tr_done:
	VZEROUPPER
	RET
