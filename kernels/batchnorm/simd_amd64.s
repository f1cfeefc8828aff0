#include "textflag.h"

// AVX-512 loops of the channels-last (inner == 1) batch-norm kernels: rows of c
// channels, vectorised across channels, so every channel's arithmetic (and its
// accumulation order over rows) is that of the Go loops. Products and sums are
// separate instructions (no FMA), as in Go on amd64. The last c mod 16 (float32)
// or c mod 8 (float64) channels of a row use masked loads and stores.

// MASK sets K1 to the low (c mod LANES) bits; DX holds c, AX and CX are clobbered.
#define MASK(LANES) \
	MOVQ DX, CX \
	ANDQ $(LANES-1), CX \
	MOVQ $1, AX \
	SHLQ CX, AX \
	DECQ AX \
	KMOVW AX, K1

// func affineAVX512(y, x, m, a, b *float32, rows, c int)
// y[r,k] = (x[r,k] - m[k]) * a[k] + b[k]
TEXT ·affineAVX512(SB), NOSPLIT, $0-56
	MOVQ y+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ m+16(FP), R8
	MOVQ a+24(FP), R9
	MOVQ b+32(FP), R10
	MOVQ rows+40(FP), BX
	MOVQ c+48(FP), DX
	MASK(16)
	LEAQ (DX*4), R13        // row stride in bytes
row:
	TESTQ BX, BX
	JZ done
	XORQ R11, R11           // byte offset in the row
	MOVQ DX, R12            // channels left
vec:
	CMPQ R12, $16
	JLT tail
	VMOVUPS (SI)(R11*1), Z0
	VSUBPS (R8)(R11*1), Z0, Z0
	VMULPS (R9)(R11*1), Z0, Z0
	VADDPS (R10)(R11*1), Z0, Z0
	VMOVUPS Z0, (DI)(R11*1)
	ADDQ $64, R11
	SUBQ $16, R12
	JMP vec
tail:
	TESTQ R12, R12
	JZ next
	VMOVUPS.Z (SI)(R11*1), K1, Z0
	VMOVUPS.Z (R8)(R11*1), K1, Z1
	VMOVUPS.Z (R9)(R11*1), K1, Z2
	VMOVUPS.Z (R10)(R11*1), K1, Z3
	VSUBPS Z1, Z0, Z0
	VMULPS Z2, Z0, Z0
	VADDPS Z3, Z0, Z0
	VMOVUPS Z0, K1, (DI)(R11*1)
next:
	ADDQ R13, SI
	ADDQ R13, DI
	DECQ BX
	JMP row
done:
	VZEROUPPER
	RET

// func gradAffineAVX512(gx, x, dy, m, k1, k2, k3 *float32, rows, c int)
// gx[r,k] = (k1[k]*dy[r,k] + k2[k]*(x[r,k] - m[k])) + k3[k]
TEXT ·gradAffineAVX512(SB), NOSPLIT, $0-72
	MOVQ x+8(FP), SI
	MOVQ m+24(FP), R8
	MOVQ k1+32(FP), R9
	MOVQ k2+40(FP), R10
	MOVQ rows+56(FP), BX
	MOVQ c+64(FP), DX
	MASK(16)
	MOVQ gx+0(FP), DI
	MOVQ dy+16(FP), CX
	MOVQ k3+48(FP), AX
	LEAQ (DX*4), R13
row:
	TESTQ BX, BX
	JZ done
	XORQ R11, R11
	MOVQ DX, R12
vec:
	CMPQ R12, $16
	JLT tail
	VMOVUPS (CX)(R11*1), Z0
	VMULPS (R9)(R11*1), Z0, Z0    // dy*k1 (products commute exactly)
	VMOVUPS (SI)(R11*1), Z1
	VSUBPS (R8)(R11*1), Z1, Z1
	VMULPS (R10)(R11*1), Z1, Z1   // (x-m)*k2
	VADDPS Z1, Z0, Z0
	VADDPS (AX)(R11*1), Z0, Z0
	VMOVUPS Z0, (DI)(R11*1)
	ADDQ $64, R11
	SUBQ $16, R12
	JMP vec
tail:
	TESTQ R12, R12
	JZ next
	VMOVUPS.Z (CX)(R11*1), K1, Z0
	VMOVUPS.Z (R9)(R11*1), K1, Z2
	VMULPS Z2, Z0, Z0
	VMOVUPS.Z (SI)(R11*1), K1, Z1
	VMOVUPS.Z (R8)(R11*1), K1, Z2
	VSUBPS Z2, Z1, Z1
	VMOVUPS.Z (R10)(R11*1), K1, Z2
	VMULPS Z2, Z1, Z1
	VADDPS Z1, Z0, Z0
	VMOVUPS.Z (AX)(R11*1), K1, Z2
	VADDPS Z2, Z0, Z0
	VMOVUPS Z0, K1, (DI)(R11*1)
next:
	ADDQ R13, SI
	ADDQ R13, CX
	ADDQ R13, DI
	DECQ BX
	JMP row
done:
	VZEROUPPER
	RET

// func sumsAVX512(acc *float64, x *float32, rows, c int)
// acc[k] += float64(x[r,k]) for r in order
TEXT ·sumsAVX512(SB), NOSPLIT, $0-32
	MOVQ acc+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ rows+16(FP), BX
	MOVQ c+24(FP), DX
	MASK(8)
	LEAQ (DX*4), R13
row:
	TESTQ BX, BX
	JZ done
	XORQ R11, R11           // channel index
	MOVQ DX, R12
vec:
	CMPQ R12, $8
	JLT tail
	VCVTPS2PD (SI)(R11*4), Z0
	VMOVUPD (DI)(R11*8), Z2
	VADDPD Z0, Z2, Z2
	VMOVUPD Z2, (DI)(R11*8)
	ADDQ $8, R11
	SUBQ $8, R12
	JMP vec
tail:
	TESTQ R12, R12
	JZ next
	VCVTPS2PD.Z (SI)(R11*4), K1, Z0
	VMOVUPD.Z (DI)(R11*8), K1, Z2
	VADDPD Z0, Z2, Z2
	VMOVUPD Z2, K1, (DI)(R11*8)
next:
	ADDQ R13, SI
	DECQ BX
	JMP row
done:
	VZEROUPPER
	RET

// func sqDevSumsAVX512(acc *float64, x *float32, mean *float64, rows, c int)
// acc[k] += d*d, d = float64(x[r,k]) - mean[k]
TEXT ·sqDevSumsAVX512(SB), NOSPLIT, $0-40
	MOVQ acc+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ mean+16(FP), R8
	MOVQ rows+24(FP), BX
	MOVQ c+32(FP), DX
	MASK(8)
	LEAQ (DX*4), R13
row:
	TESTQ BX, BX
	JZ done
	XORQ R11, R11
	MOVQ DX, R12
vec:
	CMPQ R12, $8
	JLT tail
	VCVTPS2PD (SI)(R11*4), Z0
	VSUBPD (R8)(R11*8), Z0, Z0
	VMULPD Z0, Z0, Z0
	VMOVUPD (DI)(R11*8), Z2
	VADDPD Z0, Z2, Z2
	VMOVUPD Z2, (DI)(R11*8)
	ADDQ $8, R11
	SUBQ $8, R12
	JMP vec
tail:
	TESTQ R12, R12
	JZ next
	VCVTPS2PD.Z (SI)(R11*4), K1, Z0
	VMOVUPD.Z (R8)(R11*8), K1, Z1
	VSUBPD Z1, Z0, Z0
	VMULPD Z0, Z0, Z0
	VMOVUPD.Z (DI)(R11*8), K1, Z2
	VADDPD Z0, Z2, Z2
	VMOVUPD Z2, K1, (DI)(R11*8)
next:
	ADDQ R13, SI
	DECQ BX
	JMP row
done:
	VZEROUPPER
	RET

// func gradSumsAVX512(sdy, sdyx *float64, x, dy *float32, mean *float64, rows, c int)
// g = float64(dy[r,k]); sdy[k] += g; sdyx[k] += g * (float64(x[r,k]) - mean[k])
TEXT ·gradSumsAVX512(SB), NOSPLIT, $0-56
	MOVQ sdy+0(FP), DI
	MOVQ sdyx+8(FP), R9
	MOVQ x+16(FP), SI
	MOVQ dy+24(FP), R10
	MOVQ mean+32(FP), R8
	MOVQ rows+40(FP), BX
	MOVQ c+48(FP), DX
	MASK(8)
	LEAQ (DX*4), R13
row:
	TESTQ BX, BX
	JZ done
	XORQ R11, R11
	MOVQ DX, R12
vec:
	CMPQ R12, $8
	JLT tail
	VCVTPS2PD (R10)(R11*4), Z0
	VCVTPS2PD (SI)(R11*4), Z1
	VSUBPD (R8)(R11*8), Z1, Z1
	VMULPD Z1, Z0, Z1
	VMOVUPD (DI)(R11*8), Z2
	VADDPD Z0, Z2, Z2
	VMOVUPD Z2, (DI)(R11*8)
	VMOVUPD (R9)(R11*8), Z3
	VADDPD Z1, Z3, Z3
	VMOVUPD Z3, (R9)(R11*8)
	ADDQ $8, R11
	SUBQ $8, R12
	JMP vec
tail:
	TESTQ R12, R12
	JZ next
	VCVTPS2PD.Z (R10)(R11*4), K1, Z0
	VCVTPS2PD.Z (SI)(R11*4), K1, Z1
	VMOVUPD.Z (R8)(R11*8), K1, Z4
	VSUBPD Z4, Z1, Z1
	VMULPD Z1, Z0, Z1
	VMOVUPD.Z (DI)(R11*8), K1, Z2
	VADDPD Z0, Z2, Z2
	VMOVUPD Z2, K1, (DI)(R11*8)
	VMOVUPD.Z (R9)(R11*8), K1, Z3
	VADDPD Z1, Z3, Z3
	VMOVUPD Z3, K1, (R9)(R11*8)
next:
	ADDQ R13, SI
	ADDQ R13, R10
	DECQ BX
	JMP row
done:
	VZEROUPPER
	RET
