// AVX-512 copy kernel of im2col; see gatherRows in gather.go.

#include "textflag.h"

// func gatherRowsAVX512(dst *float32, dstStride int, src *float32, offs *int, nruns, runLen, nrows, srcStep, mask int)
//
// For r in [0,nrows), k in [0,nruns): dst[r*dstStride + k*runLen + c] =
// src[offs[k] + r*srcStep + c] for c < runLen, or 0 when offs[k] < 0.
// Registers: DI dst row, SI src, R10 offs, DX runLen, R8 src row offset
// (bytes), CX rows left, AX run index, R11 dst run pointer, R12 src run
// pointer, BX element counter.
TEXT ·gatherRowsAVX512(SB), NOSPLIT, $0-72
	MOVQ nrows+48(FP), CX
	TESTQ CX, CX
	JLE  gr_done
	MOVQ dst+0(FP), DI
	MOVQ src+16(FP), SI
	MOVQ offs+24(FP), R10
	MOVQ runLen+40(FP), DX
	MOVQ mask+64(FP), AX
	KMOVW AX, K1
	MOVQ dstStride+8(FP), AX
	SHLQ $2, AX
	MOVQ AX, dstStride+8(FP)
	MOVQ srcStep+56(FP), AX
	SHLQ $2, AX
	MOVQ AX, srcStep+56(FP)
	XORQ R8, R8
	VPXORD Z4, Z4, Z4

gr_row:
	MOVQ DI, R11
	XORQ AX, AX

gr_run:
	MOVQ (R10)(AX*8), R12
	TESTQ R12, R12
	JS   gr_zero
	LEAQ (SI)(R12*4), R12
	ADDQ R8, R12
	MOVQ DX, BX

gr_copy64:
	CMPQ BX, $64
	JLT  gr_copy16
	VMOVUPS (R12), Z0
	VMOVUPS 64(R12), Z1
	VMOVUPS 128(R12), Z2
	VMOVUPS 192(R12), Z3
	VMOVUPS Z0, (R11)
	VMOVUPS Z1, 64(R11)
	VMOVUPS Z2, 128(R11)
	VMOVUPS Z3, 192(R11)
	ADDQ $256, R12
	ADDQ $256, R11
	SUBQ $64, BX
	JMP  gr_copy64

gr_copy16:
	CMPQ BX, $16
	JLT  gr_copytail
	VMOVUPS (R12), Z0
	VMOVUPS Z0, (R11)
	ADDQ $64, R12
	ADDQ $64, R11
	SUBQ $16, BX
	JMP  gr_copy16

gr_copytail:
	TESTQ BX, BX
	JZ   gr_nextrun
	VMOVUPS.Z (R12), K1, Z0
	VMOVUPS Z0, K1, (R11)
	LEAQ (R11)(BX*4), R11
	JMP  gr_nextrun

gr_zero:
	MOVQ DX, BX

gr_zero16:
	CMPQ BX, $16
	JLT  gr_zerotail
	VMOVUPS Z4, (R11)
	ADDQ $64, R11
	SUBQ $16, BX
	JMP  gr_zero16

gr_zerotail:
	TESTQ BX, BX
	JZ   gr_nextrun
	VMOVUPS Z4, K1, (R11)
	LEAQ (R11)(BX*4), R11

gr_nextrun:
	INCQ AX
	CMPQ AX, nruns+32(FP)
	JLT  gr_run
	ADDQ dstStride+8(FP), DI
	ADDQ srcStep+56(FP), R8
	DECQ CX
	JNZ  gr_row

gr_done:
	VZEROUPPER
	RET
