/* SPDX-License-Identifier: MIT */
/*
 * ppc64 probe payload (ppc64le and big-endian ppc64 from one source): a
 * tiny "vmlinux" (entry at its first byte, "run0" at 0x5c, a hold loop at
 * 0x60) that prints the state it was entered with on skiboot's LPC UART
 * (QEMU powernv: MMIO 0x60300d00103f8, cache-inhibited accesses), then
 * spins.  One line:
 *   PROBE: r3=<16 hex> r4=.. r5=.. r8=.. r9=.. msr=.. pc=.. w5c=<8>
 *          z5c=<8> fdtmagic=<8> fdtcpu=<8> blkdiff=<16>
 * w5c and z5c are the u32 at pc + 0x5c and at 0x5c (native loads);
 * fdtmagic and fdtcpu the big-endian words at r3 and r3 + 28; blkdiff has
 * bit n set when word n of [0, 0x100) differs from word n of the probe's
 * own first 0x100 bytes.
 * Position-independent; MMU off (real mode), hypervisor mode.
 */
#define UART		0x60300d00103f8
#define UART_LSR	5
#define LSR_THRE	0x20

	.text
	.globl	_start
_start:
	b	start			/* 0x00: entry */
	.org	0x5c
	.long	0x72756e30		/* 0x5c: "run0", __run_at_load */
	.org	0x60
hold:	b	hold			/* 0x60: secondaries, were there any */
	.org	0x100

/* r10 = UART base; byte in r11; clobbers r12 */
	.macro	putc_r11
	li	r12, UART_LSR
1001:	lbzcix	r0, r10, r12
	andi.	r0, r0, LSR_THRE
	beq	1001b
	stbcix	r11, 0, r10
	.endm

start:
	mr	r14, r3
	mr	r15, r4
	mr	r16, r5
	mr	r17, r8
	mr	r18, r9
	mfmsr	r19
	bcl	20, 31, 1f
1:	mflr	r20
	addi	r20, r20, _start - 1b	/* r20 = where we run */

	/* blkdiff: compare [0, 0x100) with our own first 0x100 bytes */
	li	r21, 0			/* r21 = bitmap */
	li	r22, 0			/* r22 = word index */
2:	sldi	r23, r22, 2
	lwzx	r24, r23, r20
	li	r25, 0
	lwzx	r25, r23, r25		/* the word at 0 + 4n */
	cmpw	r24, r25
	beq	3f
	li	r24, 1
	sld	r24, r24, r22
	or	r21, r21, r24
3:	addi	r22, r22, 1
	cmpwi	r22, 64
	blt	2b

	lis	r10, UART@highest
	ori	r10, r10, UART@higher
	rldicr	r10, r10, 32, 31
	oris	r10, r10, UART@h
	ori	r10, r10, UART@l

	.macro	field, label, reg, digits
	addi	r3, r20, \label - _start
	bl	puts
	mr	r3, \reg
	li	r4, \digits
	bl	puthex
	.endm

	field	s_r3, r14, 16
	field	s_r4, r15, 16
	field	s_r5, r16, 16
	field	s_r8, r17, 16
	field	s_r9, r18, 16
	field	s_msr, r19, 16
	field	s_pc, r20, 16
	lwz	r26, 0x5c(r20)
	field	s_w5c, r26, 8
	li	r26, 0x5c
	lwz	r26, 0(r26)
	field	s_z5c, r26, 8
#ifdef __LITTLE_ENDIAN__
	lwbrx	r26, 0, r14
#else
	lwz	r26, 0(r14)
#endif
	field	s_magic, r26, 8
	li	r27, 28
#ifdef __LITTLE_ENDIAN__
	lwbrx	r26, r27, r14
#else
	lwzx	r26, r27, r14
#endif
	field	s_cpu, r26, 8
	field	s_blk, r21, 16
	addi	r3, r20, s_nl - _start
	bl	puts
4:	b	4b

/* puts: r3 = NUL-terminated string */
puts:
	lbz	r11, 0(r3)
	cmpwi	r11, 0
	beqlr
	putc_r11
	addi	r3, r3, 1
	b	puts

/* puthex: r3 = value, r4 = digits (low ones) */
puthex:
	sldi	r4, r4, 2
5:	addi	r4, r4, -4
	srd	r11, r3, r4
	andi.	r11, r11, 0xf
	cmpwi	r11, 10
	blt	6f
	addi	r11, r11, 'a' - '0' - 10
6:	addi	r11, r11, '0'
	putc_r11
	cmpwi	r4, 0
	bgt	5b
	blr

s_r3:	.asciz	"PROBE: r3="
s_r4:	.asciz	" r4="
s_r5:	.asciz	" r5="
s_r8:	.asciz	" r8="
s_r9:	.asciz	" r9="
s_msr:	.asciz	" msr="
s_pc:	.asciz	" pc="
s_w5c:	.asciz	" w5c="
s_z5c:	.asciz	" z5c="
s_magic: .asciz	" fdtmagic="
s_cpu:	.asciz	" fdtcpu="
s_blk:	.asciz	" blkdiff="
s_nl:	.asciz	"\r\n"
	.balign	8
