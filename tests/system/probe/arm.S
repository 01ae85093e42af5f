/* SPDX-License-Identifier: MIT */
/*
 * arm (32-bit) probe payload: a tiny "kernel" with a zImage header (and a
 * KLSZ size table, so the loader places it by the normal rules) that
 * prints the machine state it was entered with, then leaves QEMU through
 * semihosting SYS_EXIT (ApplicationExit, status 0).
 *
 * Output on the PL011 at 0x09000000 (QEMU virt):
 *   PROBE: r0=<8 hex> r1=.. r2=.. cpsr=.. sctlr=.. pc=.. w0=.. w1=..
 * (sctlr is HSCTLR when entered in HYP; w0, w1 are the first two words at
 * r2) and, when r2 points at an ATAG list (w1 = ATAG_CORE), one line per
 * tag, ATAG_NONE included:
 *   PROBE-ATAG: <size> <tag> <payload words...>
 * Position-independent, ARM state.
 */
#define UART		0x09000000
#define ATAG_CORE	0x54410001
#define MAX_TAGS	64

	.syntax	unified
	.arm

	.macro	puts, label
	adrl	r10, \label
	bl	print_str
	.endm

	.macro	put32, reg
	mov	r0, \reg
	bl	print_hex
	.endm

	.text
	.globl	_start
_start:
	.rept	8
	mov	r0, r0			/* 0x00..0x1f */
	.endr
	b	1f			/* 0x20 */
	.long	0x016f2818		/* 0x24 zImage magic */
	.long	0			/* 0x28 start */
	.long	_edata			/* 0x2c end */
	.long	0x04030201		/* 0x30 little-endian */
	.long	0x45454545		/* 0x34 a tag table follows */
	.long	size_table		/* 0x38 its offset */

1:	mov	r4, r0			/* r4..r6 = entry r0..r2 */
	mov	r5, r1
	mov	r6, r2
	mrs	r7, cpsr		/* r7 = CPSR */
	and	r0, r7, #0x1f
	cmp	r0, #0x1a		/* HYP? */
	mrceq	p15, 4, r8, c1, c0, 0	/* r8 = HSCTLR */
	mrcne	p15, 0, r8, c1, c0, 0	/* r8 = SCTLR */
	adr	r9, _start		/* r9 = where we run */

	puts	s_r0
	put32	r4
	puts	s_r1
	put32	r5
	puts	s_r2
	put32	r6
	puts	s_cpsr
	put32	r7
	puts	s_sctlr
	put32	r8
	puts	s_pc
	put32	r9
	puts	s_w0
	ldr	r0, [r6]
	bl	print_hex
	puts	s_w1
	ldr	r0, [r6, #4]
	bl	print_hex
	puts	s_nl

	/* an ATAG list: print every tag up to ATAG_NONE */
	ldr	r0, [r6, #4]
	ldr	r1, =ATAG_CORE
	cmp	r0, r1
	bne	.Lexit
	mov	r7, r6			/* r7 = current tag */
	mov	r11, #MAX_TAGS
.Ltag:	puts	s_atag
	ldr	r8, [r7]		/* r8 = size in words, header included */
	cmp	r8, #2
	movlo	r9, #2			/* ATAG_NONE: print its two words */
	movhs	r9, r8
	cmp	r9, #64
	movhi	r9, #64			/* at most 64 words per line */
	mov	r12, r7
.Lword:	mov	r0, #' '
	bl	putc
	ldr	r0, [r12], #4
	bl	print_hex
	subs	r9, r9, #1
	bne	.Lword
	puts	s_nl
	cmp	r8, #0
	beq	.Lexit
	add	r7, r7, r8, lsl #2
	subs	r11, r11, #1
	bne	.Ltag

.Lexit:	/* semihosting SYS_EXIT(ADP_Stopped_ApplicationExit): status 0 */
	mov	r0, #0x18
	ldr	r1, =0x20026
	svc	0x123456
2:	wfi
	b	2b

/* putc: r0 = byte; clobbers r1, r2 */
putc:
	ldr	r1, =UART
3:	ldr	r2, [r1, #0x18]		/* FR */
	tst	r2, #(1 << 5)		/* TXFF */
	bne	3b
	str	r0, [r1]		/* DR */
	bx	lr

/* print_str: r10 = NUL-terminated string */
print_str:
	push	{lr}
4:	ldrb	r0, [r10], #1
	cmp	r0, #0
	popeq	{pc}
	bl	putc
	b	4b

/* print_hex: r0 = value, 8 digits */
print_hex:
	push	{r4, r5, lr}
	mov	r4, r0
	mov	r5, #28
5:	lsr	r0, r4, r5
	and	r0, r0, #0xf
	cmp	r0, #10
	addlo	r0, r0, #'0'
	addhs	r0, r0, #('a' - 10)
	bl	putc
	subs	r5, r5, #4
	bge	5b
	pop	{r4, r5, pc}

	.ltorg

/*
 * The zImage size table: one KLSZ tag of 6 words (the newest layout):
 * where the decompressed size is, the bss size, TEXT_OFFSET, MALLOC_SIZE.
 */
	.balign	4
size_table:
	.long	6, 0x5a534c4b
	.long	inflated_size		/* offset of the size word */
	.long	0			/* bss */
	.long	0x8000			/* TEXT_OFFSET */
	.long	0x10000			/* MALLOC_SIZE */
	.long	0			/* end of the table */
inflated_size:
	.long	0x10000			/* "decompressed" size */

s_r0:	.asciz	"PROBE: r0="
s_r1:	.asciz	" r1="
s_r2:	.asciz	" r2="
s_cpsr:	.asciz	" cpsr="
s_sctlr: .asciz	" sctlr="
s_pc:	.asciz	" pc="
s_w0:	.asciz	" w0="
s_w1:	.asciz	" w1="
s_atag:	.asciz	"PROBE-ATAG:"
s_nl:	.asciz	"\r\n"
	.balign	4
_edata:
