/* SPDX-License-Identifier: MIT */
/*
 * arm64 probe payload: a tiny "kernel" (valid Image header) that prints the
 * machine state it was entered with, so the system tests can check the
 * stub's hand-over exactly, then leaves QEMU through semihosting SYS_EXIT 0.
 *
 * Output on the PL011 at 0x09000000 (QEMU virt), one line:
 *   PROBE: x0=<16 hex> x1=.. x2=.. x3=.. el=<n> sctlr=<16 hex>
 *          daif=<16 hex> pc=<16 hex> dtb=<8 hex: first word at x0, as bytes>
 * Position-independent; any 2 MiB aligned address.
 */
#define UART	0x09000000

	.macro	putc_w, reg		/* write the low byte of \reg */
	mov	x9, #UART
.Lwait\@:
	ldr	w13, [x9, #0x18]	/* FR */
	tbnz	w13, #5, .Lwait\@	/* TXFF */
	str	\reg, [x9]		/* DR */
	.endm

	.macro	puts, label
	adr	x14, \label
	bl	print_str
	.endm

	.macro	put64, reg
	mov	x0, \reg
	mov	x15, #60
	bl	print_hex
	.endm

	.text
	.globl	_start
_start:
	b	1f			/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	0x10000			/* image_size */
	.quad	(1 << 3)		/* flags: LE, anywhere */
	.quad	0, 0, 0
	.long	0x644d5241		/* "ARM\x64" */
	.long	0
1:	mov	x19, x0			/* x19..x22 = entry x0..x3 */
	mov	x20, x1
	mov	x21, x2
	mov	x22, x3
	adr	x23, _start		/* x23 = where we run */
	mrs	x24, CurrentEL
	lsr	x24, x24, #2		/* x24 = EL */
	mrs	x25, sctlr_el1
	cmp	x24, #2
	b.ne	2f
	mrs	x25, sctlr_el2		/* x25 = SCTLR of the current EL */
2:	mrs	x26, daif		/* x26 = DAIF */

	puts	s_x0
	put64	x19
	puts	s_x1
	put64	x20
	puts	s_x2
	put64	x21
	puts	s_x3
	put64	x22
	puts	s_el
	mov	x0, x24
	mov	x15, #0
	bl	print_hex
	puts	s_sctlr
	put64	x25
	puts	s_daif
	put64	x26
	puts	s_pc
	put64	x23
	puts	s_dtb
	ldr	w0, [x19]		/* FDT magic, stored big-endian */
	rev	w0, w0
	mov	x15, #28
	bl	print_hex
	puts	s_nl

	/* semihosting SYS_EXIT(ADP_Stopped_ApplicationExit, 0) */
	adr	x1, exit_block
	mov	x0, #0x18
	hlt	#0xf000
3:	wfi
	b	3b

/* print_str: x14 = NUL-terminated string */
print_str:
	ldrb	w11, [x14], #1
	cbz	w11, .Lstr_done
	putc_w	w11
	b	print_str
.Lstr_done:
	ret

/* print_hex: x0 = value, x15 = bit position of the top digit (4n) */
print_hex:
	lsr	x11, x0, x15
	and	x11, x11, #0xf
	add	x12, x11, #'0'
	add	x11, x11, #('a' - 10)
	cmp	x12, #'9'
	csel	x11, x12, x11, ls
	putc_w	w11
	subs	x15, x15, #4
	b.ge	print_hex
	ret

	.balign	8
exit_block:
	.quad	0x20026, 0
s_x0:	.asciz	"PROBE: x0="
s_x1:	.asciz	" x1="
s_x2:	.asciz	" x2="
s_x3:	.asciz	" x3="
s_el:	.asciz	" el="
s_sctlr: .asciz	" sctlr="
s_daif:	.asciz	" daif="
s_pc:	.asciz	" pc="
s_dtb:	.asciz	" dtb="
s_nl:	.asciz	"\r\n"
