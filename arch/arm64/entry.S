/* SPDX-License-Identifier: MIT */
/*
 * arm64 entry: the Image header, our image header, and the code that runs
 * before C.
 *
 * Entered from (all: MMU off, any load address that is 4 KiB aligned):
 * | caller                          | EL      | registers                   |
 * |---------------------------------|---------|-----------------------------|
 * | Linux kexec (cpu_soft_restart)  | EL2/EL1 | x0..x3: ignored             |
 * | QEMU -device loader,cpu-num=0   | EL1, or EL2 with virtualization=on;  |
 * |                                 |         | all zero                    |
 * | U-Boot booti, firmware (Image)  | EL2/EL1 | x0 = DTB (pg_boot_arg)      |
 * Everything the stub needs comes from its parameter block; in chainloader
 * mode (charon-chain) the device tree in x0 too.
 *
 * Leaves for the next kernel (Documentation/arch/arm64/booting.rst):
 *   x0 = DTB, x1 = x2 = x3 = 0 (from the block's next.regs), same EL as
 *   entered, MMU off, D-cache off with the loaded regions cleaned to PoC,
 *   I-cache invalidated, DAIF all masked.
 */
#include <abi/params.h>
#include <purgatory/image-header.h>

#define PSCI_SYSTEM_OFF_FN	0x84000008
#define PSCI_SYSTEM_RESET_FN	0x84000009

/* x = address of sym, PC-relative (the image is linked at 0) */
	.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

/* Image header flags: little-endian, page size unspecified, anywhere */
#define IMAGE_FLAGS	(1 << 3)

	.section .head.text, "ax"
	.globl	_head
_head:
	b	_start			/* ABI: 0x00 code0, the entry */
	.long	0			/* ABI: 0x04 code1 */
	.quad	0			/* ABI: 0x08 text_offset */
	.long	_charon_mem_size	/* ABI: 0x10 image_size (a 32-bit */
	.long	0			/* reloc: a 64-bit one would be dynamic) */
	.quad	IMAGE_FLAGS		/* ABI: 0x18 flags */
	.quad	0, 0, 0			/* ABI: 0x20 res2..res4 */
	.long	0x644d5241		/* ABI: 0x38 magic "ARM\x64" */
	.long	0			/* ABI: 0x3c res5, no PE header */

	.org	CHARON_HDR_OFF_ARM64
	/* entry: the branch at 0; load_align: adrp is page-relative */
	charon_image_header CHARON_ARCH_ARM64, _head, 0x1000, _head
	.org	CHARON_HDR_OFF_ARM64 + CHARON_HDR_SIZE

	.section .text.entry, "ax"
	.type	_start, %function
_start:
	msr	daifset, #0xf		/* mask D, A, I, F */
	mov	x20, x0			/* x20 = x0: booti's, QEMU's DTB */
	adr	x19, _head		/* x19 = load address = load offset */
	/*
	 * A flash image (charon image --flash) runs from memory it must not
	 * write: the header's res2 says where in RAM, res3 how many bytes;
	 * copy the whole image there and continue in the copy (where res2
	 * equals the load address).  Both are 0 in every other image.
	 */
	ldr	x1, [x19, #CHARON_ARM64_SELF_COPY]
	cbz	x1, 2f
	cmp	x1, x19
	b.eq	2f
	ldr	x2, [x19, #CHARON_ARM64_SELF_COPY + 8]
	mov	x3, x19
	mov	x4, x1
1:	ldr	x5, [x3], #8		/* the length is whole pages */
	str	x5, [x4], #8
	subs	x2, x2, #8
	b.hi	1b
	dsb	sy
	ic	iallu
	dsb	sy
	isb
	adr	x2, _start
	sub	x2, x2, x19
	add	x1, x1, x2
	mov	x0, x20
	br	x1			/* _start in the copy */
2:	tst	x19, #0xfff		/* adrp, and the C code, need 4 KiB */
	b.ne	.Lmisaligned
	adr_l	x1, _stack_top
	mov	sp, x1			/* sp = top of the stub's own stack */

	/* for (p = _bss_start; p < _bss_end; p += 8) *p = 0; */
	adr_l	x1, _bss_start
	adr_l	x2, _bss_end
.Lbss:	cmp	x1, x2
	b.hs	.Lbss_done
	str	xzr, [x1], #8
	b	.Lbss
.Lbss_done:
	adr_l	x1, pg_boot_arg		/* chainloader mode reads it */
	str	x20, [x1]
	mov	x0, x19
	bl	pg_relocate		/* w0 = 0 or -LIB_E*, kept for pg_main */
	mov	w1, w0
	mov	x0, x19
	bl	pg_main			/* pg_main(load_addr, reloc_status) */
.Lhang:	wfi				/* pg_main never returns */
	b	.Lhang

/*
 * Loaded off a 4 KiB boundary: adrp (the C code's and adr_l's) would
 * address the wrong bytes, so nothing of C runs.  With adr alone (+-1 MiB,
 * the stub is smaller): if the block's header is right, say so on its
 * console (PL011 or 16550 MMIO), then leave by its failure policy's test
 * exit or PSCI call; else, or for halt, stay here.
 */
.Lmisaligned:
	adr	x20, pg_params		/* x20 = the parameter block */
	ldr	w1, [x20, #CHARON_P_MAGIC]
	ldr	w2, =CHARON_PARAMS_MAGIC
	cmp	w1, w2
	b.ne	.Lhang
	ldr	w1, [x20, #CHARON_P_VERSION]
	cmp	w1, #CHARON_ABI_VERSION
	b.ne	.Lhang
	ldr	w1, [x20, #CHARON_P_SIZE]
	cmp	w1, #CHARON_PARAMS_SIZE
	b.ne	.Lhang
	ldr	w21, [x20, #CHARON_P_CON_KIND]	/* w21 = console kind */
	ldr	x22, [x20, #CHARON_P_CON_BASE]	/* x22 = its base */
	ldr	w23, [x20, #CHARON_P_CON_SHIFT]	/* w23 = its reg shift */
	and	w23, w23, #7
	adr	x24, .Lmisaligned_msg	/* x24 = the next byte to send */
.Lputc:	ldrb	w25, [x24], #1
	cbz	w25, .Lsent
	mov	w26, #0x100000		/* a dead UART must not hang us */
	cmp	w21, #CHARON_CON_PL011
	b.eq	.Lpl011
	cmp	w21, #CHARON_CON_NS16550_MMIO
	b.ne	.Lsent
	mov	x1, #5			/* THR is at 0, LSR at 5 << shift */
	lsl	x1, x1, x23
.L16550:
	ldrb	w2, [x22, x1]
	subs	w26, w26, #1
	b.eq	1f
	tbz	w2, #5, .L16550		/* LSR.THRE */
1:	strb	w25, [x22]
	b	.Lputc
.Lpl011:
	ldr	w2, [x22, #0x18]	/* FR */
	subs	w26, w26, #1
	b.eq	1f
	tbnz	w2, #5, .Lpl011		/* FR.TXFF */
1:	str	w25, [x22]		/* DR */
	b	.Lputc
.Lsent:
	ldr	w1, [x20, #CHARON_P_FAIL_POLICY]
	cmp	w1, #CHARON_FAIL_TEST_EXIT
	b.eq	.Lexit
	ldr	x2, =PSCI_SYSTEM_RESET_FN
	cmp	w1, #CHARON_FAIL_RESET
	b.eq	.Lpsci
	ldr	x2, =PSCI_SYSTEM_OFF_FN
	cmp	w1, #CHARON_FAIL_POWEROFF
	b.ne	.Lhang
.Lpsci:	ldr	x1, [x20, #CHARON_P_NEXT_RAW]	/* the conduit, raw[0] */
	mov	x0, x2
	cmp	x1, #CHARON_PSCI_SMC
	b.eq	1f
	cmp	x1, #CHARON_PSCI_HVC
	b.ne	.Lhang
	hvc	#0
	b	.Lhang
1:	smc	#0
	b	.Lhang
.Lexit:	adr	x1, .Lexit_block	/* { ApplicationExit, 1 } */
	mov	x0, #0x18		/* SYS_EXIT */
	hlt	#0xf000
	b	.Lhang
	.ltorg
	.balign	8
.Lexit_block:
	.quad	0x20026, 1
.Lmisaligned_msg:
	.asciz	"\r\ncharon: FAILED: loaded off a 4 KiB boundary: the arm64 stub needs load_align 0x1000 (adrp); not booting\r\n"
	.balign	4
	.size	_start, . - _start

/*
 * arm64_enter(entry, x0, x1, x2, x3): jump to entry with x0..x3 set.
 * Called with interrupts masked and caches maintained; never returns.
 */
	.text
	.globl	arm64_enter
	.type	arm64_enter, %function
arm64_enter:
	mov	x16, x0			/* x16 = next kernel's entry */
	mov	x0, x1			/* x0 = DTB */
	mov	x1, x2			/* x1 = 0 */
	mov	x2, x3			/* x2 = 0 */
	mov	x3, x4			/* x3 = 0 */
	isb
	br	x16
	.size	arm64_enter, . - arm64_enter

/*
 * psci_semihosting_exit(code): SYS_EXIT with ADP_Stopped_ApplicationExit;
 * QEMU (-semihosting-config enable=on) exits with status code.
 */
	.globl	psci_semihosting_exit
	.type	psci_semihosting_exit, %function
psci_semihosting_exit:
	sub	sp, sp, #16
	mov	x1, #0x0026
	movk	x1, #0x2, lsl #16	/* x1 = 0x20026, ADP_Stopped_ApplicationExit */
	stp	x1, x0, [sp]		/* parameter block { reason, code } */
	mov	x1, sp
	mov	x0, #0x18		/* SYS_EXIT */
	hlt	#0xf000
.Lsh_hang:
	wfi				/* no semihosting: stay here */
	b	.Lsh_hang
	.size	psci_semihosting_exit, . - psci_semihosting_exit

/* psci_call(fn, conduit): SMC or HVC call with x0 = fn; returns x0 */
	.globl	psci_call
	.type	psci_call, %function
psci_call:
	cmp	x1, #CHARON_PSCI_SMC
	b.eq	.Lsmc
	hvc	#0
	ret
.Lsmc:	smc	#0
	ret
	.size	psci_call, . - psci_call
