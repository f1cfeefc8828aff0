// AVX-512 loops of the direct (depthwise) convolutions; see
// depthwise_kernels.go for their definitions and asm_amd64.go for the
// declarations. Channels are processed in
// blocks of 32 (two accumulators), then 16, then a masked tail of e%16.

#include "textflag.h"

// func dwLineAVX512(y *float32, yStep int, x *float32, xStep int, xOff, wOff *int, ntaps int, w *float32, e, n, mask int)
//
// For k in [0,n), c in [0,e): y[k*yStep+c] = sum_t x[xOff[t]+k*xStep+c] * w[wOff[t]+c].
// Registers: DI y pixel, SI x pixel, R10 xOff, R11 wOff, R13 w, DX e,
// CX pixels left, BX channel, AX tap, R12/R9 element offsets.
TEXT ·dwLineAVX512(SB), NOSPLIT, $0-88
	MOVQ n+72(FP), CX
	TESTQ CX, CX
	JLE  dwl_done
	MOVQ y+0(FP), DI
	MOVQ x+16(FP), SI
	MOVQ xOff+32(FP), R10
	MOVQ wOff+40(FP), R11
	MOVQ w+56(FP), R13
	MOVQ e+64(FP), DX
	MOVQ mask+80(FP), AX
	KMOVW AX, K1
	MOVQ yStep+8(FP), AX
	SHLQ $2, AX
	MOVQ AX, yStep+8(FP)
	MOVQ xStep+24(FP), AX
	SHLQ $2, AX
	MOVQ AX, xStep+24(FP)
	MOVQ AX, R8

dwl_pixel:
	// Pairs of pixels (4 independent accumulator chains, weights loaded
	// once) when e is a multiple of 32.
	TESTQ $31, DX
	JNZ  dwl_single
	CMPQ CX, $2
	JLT  dwl_single
	XORQ BX, BX

dwl_pair32:
	CMPQ BX, DX
	JGE  dwl_pairnext
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	XORQ AX, AX
	CMPQ AX, ntaps+48(FP)
	JGE  dwl_pairstore

dwl_pairtap:
	MOVQ (R10)(AX*8), R12
	ADDQ BX, R12
	LEAQ (SI)(R12*4), R12
	MOVQ (R11)(AX*8), R9
	ADDQ BX, R9
	VMOVUPS (R13)(R9*4), Z10
	VMOVUPS 64(R13)(R9*4), Z11
	VFMADD231PS (R12), Z10, Z0
	VFMADD231PS 64(R12), Z11, Z1
	VFMADD231PS (R12)(R8*1), Z10, Z5
	VFMADD231PS 64(R12)(R8*1), Z11, Z6
	INCQ AX
	CMPQ AX, ntaps+48(FP)
	JLT  dwl_pairtap

dwl_pairstore:
	VMOVUPS Z0, (DI)(BX*4)
	VMOVUPS Z1, 64(DI)(BX*4)
	MOVQ yStep+8(FP), R12
	ADDQ DI, R12
	VMOVUPS Z5, (R12)(BX*4)
	VMOVUPS Z6, 64(R12)(BX*4)
	ADDQ $32, BX
	JMP  dwl_pair32

dwl_pairnext:
	ADDQ yStep+8(FP), DI
	ADDQ yStep+8(FP), DI
	ADDQ R8, SI
	ADDQ R8, SI
	SUBQ $2, CX
	JNZ  dwl_pixel
	JMP  dwl_done

dwl_single:
	XORQ BX, BX

dwl_block32:
	LEAQ 32(BX), AX
	CMPQ AX, DX
	JGT  dwl_block16
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	XORQ AX, AX
	CMPQ AX, ntaps+48(FP)
	JGE  dwl_store32

dwl_tap32:
	MOVQ (R10)(AX*8), R12
	ADDQ BX, R12
	MOVQ (R11)(AX*8), R9
	ADDQ BX, R9
	VMOVUPS (SI)(R12*4), Z2
	VMOVUPS 64(SI)(R12*4), Z3
	VFMADD231PS (R13)(R9*4), Z2, Z0
	VFMADD231PS 64(R13)(R9*4), Z3, Z1
	INCQ AX
	CMPQ AX, ntaps+48(FP)
	JLT  dwl_tap32

dwl_store32:
	VMOVUPS Z0, (DI)(BX*4)
	VMOVUPS Z1, 64(DI)(BX*4)
	ADDQ $32, BX
	JMP  dwl_block32

dwl_block16:
	LEAQ 16(BX), AX
	CMPQ AX, DX
	JGT  dwl_tail
	VPXORD Z0, Z0, Z0
	XORQ AX, AX
	CMPQ AX, ntaps+48(FP)
	JGE  dwl_store16

dwl_tap16:
	MOVQ (R10)(AX*8), R12
	ADDQ BX, R12
	MOVQ (R11)(AX*8), R9
	ADDQ BX, R9
	VMOVUPS (SI)(R12*4), Z2
	VFMADD231PS (R13)(R9*4), Z2, Z0
	INCQ AX
	CMPQ AX, ntaps+48(FP)
	JLT  dwl_tap16

dwl_store16:
	VMOVUPS Z0, (DI)(BX*4)
	ADDQ $16, BX

dwl_tail:
	CMPQ BX, DX
	JGE  dwl_next
	VPXORD Z0, Z0, Z0
	XORQ AX, AX
	CMPQ AX, ntaps+48(FP)
	JGE  dwl_storetail

dwl_taptail:
	MOVQ (R10)(AX*8), R12
	ADDQ BX, R12
	MOVQ (R11)(AX*8), R9
	ADDQ BX, R9
	VMOVUPS.Z (SI)(R12*4), K1, Z2
	VMOVUPS.Z (R13)(R9*4), K1, Z3
	VFMADD231PS Z3, Z2, Z0
	INCQ AX
	CMPQ AX, ntaps+48(FP)
	JLT  dwl_taptail

dwl_storetail:
	VMOVUPS Z0, K1, (DI)(BX*4)

dwl_next:
	ADDQ yStep+8(FP), DI
	ADDQ xStep+24(FP), SI
	DECQ CX
	JNZ  dwl_pixel

dwl_done:
	VZEROUPPER
	RET

// func dwGradLineAVX512(acc, x *float32, xStep int, v *float32, vStep, n, e, mask int)
//
// For c in [0,e): acc[c] += sum_{j<n} x[j*xStep+c] * v[j*vStep+c].
// Registers: DI acc, SI x, R13 v, R8/R9 byte steps, DX e, BX channel,
// R10/R11 running pointers, CX j counter.
TEXT ·dwGradLineAVX512(SB), NOSPLIT, $0-64
	MOVQ n+40(FP), AX
	TESTQ AX, AX
	JLE  dwg_done
	MOVQ acc+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ xStep+16(FP), R8
	SHLQ $2, R8
	MOVQ v+24(FP), R13
	MOVQ vStep+32(FP), R9
	SHLQ $2, R9
	MOVQ e+48(FP), DX
	MOVQ mask+56(FP), AX
	KMOVW AX, K1
	XORQ BX, BX

dwg_block32:
	LEAQ 32(BX), AX
	CMPQ AX, DX
	JGT  dwg_block16
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	LEAQ (SI)(BX*4), R10
	LEAQ (R13)(BX*4), R11
	MOVQ n+40(FP), CX

dwg_loop32x2:
	// Two steps of j per iteration into separate accumulators.
	CMPQ CX, $2
	JLT  dwg_loop32
	VMOVUPS (R10), Z2
	VMOVUPS 64(R10), Z3
	VFMADD231PS (R11), Z2, Z0
	VFMADD231PS 64(R11), Z3, Z1
	ADDQ R8, R10
	ADDQ R9, R11
	VMOVUPS (R10), Z7
	VMOVUPS 64(R10), Z8
	VFMADD231PS (R11), Z7, Z5
	VFMADD231PS 64(R11), Z8, Z6
	ADDQ R8, R10
	ADDQ R9, R11
	SUBQ $2, CX
	JMP  dwg_loop32x2

dwg_loop32:
	TESTQ CX, CX
	JZ   dwg_end32
	VMOVUPS (R10), Z2
	VMOVUPS 64(R10), Z3
	VFMADD231PS (R11), Z2, Z0
	VFMADD231PS 64(R11), Z3, Z1

dwg_end32:
	VADDPS Z5, Z0, Z0
	VADDPS Z6, Z1, Z1
	VADDPS (DI)(BX*4), Z0, Z0
	VADDPS 64(DI)(BX*4), Z1, Z1
	VMOVUPS Z0, (DI)(BX*4)
	VMOVUPS Z1, 64(DI)(BX*4)
	ADDQ $32, BX
	JMP  dwg_block32

dwg_block16:
	LEAQ 16(BX), AX
	CMPQ AX, DX
	JGT  dwg_tail
	VPXORD Z0, Z0, Z0
	LEAQ (SI)(BX*4), R10
	LEAQ (R13)(BX*4), R11
	MOVQ n+40(FP), CX

dwg_loop16:
	VMOVUPS (R10), Z2
	VFMADD231PS (R11), Z2, Z0
	ADDQ R8, R10
	ADDQ R9, R11
	DECQ CX
	JNZ  dwg_loop16
	VADDPS (DI)(BX*4), Z0, Z0
	VMOVUPS Z0, (DI)(BX*4)
	ADDQ $16, BX

dwg_tail:
	CMPQ BX, DX
	JGE  dwg_done
	VPXORD Z0, Z0, Z0
	LEAQ (SI)(BX*4), R10
	LEAQ (R13)(BX*4), R11
	MOVQ n+40(FP), CX

dwg_looptail:
	VMOVUPS.Z (R10), K1, Z2
	VMOVUPS.Z (R11), K1, Z3
	VFMADD231PS Z3, Z2, Z0
	ADDQ R8, R10
	ADDQ R9, R11
	DECQ CX
	JNZ  dwg_looptail
	VMOVUPS.Z (DI)(BX*4), K1, Z2
	VADDPS Z2, Z0, Z0
	VMOVUPS Z0, K1, (DI)(BX*4)

dwg_done:
	VZEROUPPER
	RET

// func dwPixelsAVX512(y, x *float32, xOff, wOff *int, ntaps int, w *float32, n, mask int)
//
// One lane, unit pixel steps: for k in [0,n): y[k] = sum_t w[wOff[t]] * x[xOff[t]+k].
// Pixels in blocks of 16 (masked tail, mask = tailMask(n)).
// Registers: DI y, SI x, R10 xOff, R11 wOff, R13 w, CX pixels left,
// BX pixel, AX tap, R12/R9 offsets.
TEXT ·dwPixelsAVX512(SB), NOSPLIT, $0-64
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ xOff+16(FP), R10
	MOVQ wOff+24(FP), R11
	MOVQ w+40(FP), R13
	MOVQ n+48(FP), CX
	MOVQ mask+56(FP), AX
	KMOVW AX, K1
	XORQ BX, BX

dwp_block:
	CMPQ CX, $16
	JLT  dwp_tail
	VPXORD Z0, Z0, Z0
	XORQ AX, AX
	CMPQ AX, ntaps+32(FP)
	JGE  dwp_store

dwp_tap:
	MOVQ (R10)(AX*8), R12
	ADDQ BX, R12
	MOVQ (R11)(AX*8), R9
	VBROADCASTSS (R13)(R9*4), Z1
	VFMADD231PS (SI)(R12*4), Z1, Z0
	INCQ AX
	CMPQ AX, ntaps+32(FP)
	JLT  dwp_tap

dwp_store:
	VMOVUPS Z0, (DI)(BX*4)
	ADDQ $16, BX
	SUBQ $16, CX
	JMP  dwp_block

dwp_tail:
	TESTQ CX, CX
	JZ   dwp_done
	VPXORD Z0, Z0, Z0
	XORQ AX, AX
	CMPQ AX, ntaps+32(FP)
	JGE  dwp_storetail

dwp_taptail:
	MOVQ (R10)(AX*8), R12
	ADDQ BX, R12
	MOVQ (R11)(AX*8), R9
	VBROADCASTSS (R13)(R9*4), Z1
	VMOVUPS.Z (SI)(R12*4), K1, Z2
	VFMADD231PS Z2, Z1, Z0
	INCQ AX
	CMPQ AX, ntaps+32(FP)
	JLT  dwp_taptail

dwp_storetail:
	VMOVUPS Z0, K1, (DI)(BX*4)

dwp_done:
	VZEROUPPER
	RET

// func dotAVX512(x, v *float32, n, mask int) float32
//
// sum_{j<n} x[j]*v[j], in blocks of 32 (two accumulators) and 16, masked
// tail (mask = tailMask(n)).
TEXT ·dotAVX512(SB), NOSPLIT, $0-36
	MOVQ x+0(FP), SI
	MOVQ v+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ mask+24(FP), AX
	KMOVW AX, K1
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1

dot_32:
	CMPQ CX, $32
	JLT  dot_16
	VMOVUPS (SI), Z2
	VMOVUPS 64(SI), Z3
	VFMADD231PS (DI), Z2, Z0
	VFMADD231PS 64(DI), Z3, Z1
	ADDQ $128, SI
	ADDQ $128, DI
	SUBQ $32, CX
	JMP  dot_32

dot_16:
	CMPQ CX, $16
	JLT  dot_tail
	VMOVUPS (SI), Z2
	VFMADD231PS (DI), Z2, Z0
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX

dot_tail:
	TESTQ CX, CX
	JZ   dot_sum
	VMOVUPS.Z (SI), K1, Z2
	VMOVUPS.Z (DI), K1, Z3
	VFMADD231PS Z3, Z2, Z1

dot_sum:
	VADDPS Z1, Z0, Z0
	VEXTRACTF32X8 $1, Z0, Y1
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	MOVSS X0, ret+32(FP)
	VZEROUPPER
	RET
