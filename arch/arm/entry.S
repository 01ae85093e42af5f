/* SPDX-License-Identifier: MIT */
/*
 * arm (32-bit) entry: a zImage-style header, our image header, and the
 * code that runs before C.  ARM state throughout (-marm).
 *
 * Entered from (all: MMU off, ARM state, any 4 KiB aligned load address):
 * | caller                            | mode      | registers              |
 * |-----------------------------------|-----------|------------------------|
 * | Linux kexec (relocate_new_kernel) | SVC       | r0 = 0, r1 = machine   |
 * |                                   |           | type, r2 = DTB/ATAGs:  |
 * |                                   |           | ignored                |
 * | QEMU -device loader,cpu-num=0     | SVC, or HYP with virtualization=on |
 * | U-Boot bootz (it sees a zImage)   | SVC/HYP   | r2 = DTB (pg_boot_arg) |
 * Everything the stub needs comes from its parameter block; in chainloader
 * mode (charon-chain) the device tree in r2 too.
 *
 * Leaves for the next kernel (Documentation/arch/arm/booting.rst):
 *   r0 = 0, r1 = machine type, r2 = DTB or ATAG list (next.regs[0..2]),
 *   the mode it was entered in (SVC, or HYP), IRQ/FIQ/async aborts masked,
 *   MMU off, D-cache cleaned and off, I-cache and branch predictor
 *   invalidated.
 */
#include <abi/params.h>
#include <purgatory/image-header.h>

	.syntax	unified
	.arm
	.arch_extension	virt		/* hvc */
	.arch_extension	sec		/* smc */

#define ZIMAGE_MAGIC	0x016f2818
#define ZIMAGE_ENDIAN	0x04030201	/* little-endian marker */

/* reg = address of sym: a link-time PC-relative offset, added to pc */
	.macro	adr_far, reg, tmp, sym
	ldr	\reg, 1001f
	adr	\tmp, 1001f
	add	\reg, \reg, \tmp
	b	1002f
1001:	.long	\sym - 1001b
1002:
	.endm

/*
 * An image offset as a header word: PC-relative to _head, so resolved at
 * link time.  ld gives a plain .long of an absolute linker-script symbol
 * an R_ARM_RELATIVE, which would change the header when the stub
 * relocates itself.
 */
#define IMG_OFF(sym)	((sym) - _head)

	.section .head.text, "ax"
	.globl	_head
_head:
	b	_start			/* ABI: 0x00 the entry (entry_offset 0) */
	.rept	8
	mov	r0, r0			/* 0x04..0x23: nops, as in a zImage */
	.endr
	.long	ZIMAGE_MAGIC		/* ABI: 0x24 zImage magic */
	.long	0			/* ABI: 0x28 start: run where loaded */
	.long	IMG_OFF(_stub_file_end)	/* ABI: 0x2c end: the image size */
	.long	ZIMAGE_ENDIAN		/* ABI: 0x30 endianness marker */
	.long	0			/* ABI: 0x34 no tag table */
	.long	0, 0			/* 0x38, 0x3c: CHARON_ARM_SELF_COPY */

	.org	CHARON_HDR_OFF_ARM
	/* entry: the branch at 0; no second entry */
	charon_image_header CHARON_ARCH_ARM, _head, 0x1000, _head
	.org	CHARON_HDR_OFF_ARM + CHARON_HDR_SIZE

	.section .text.entry, "ax"
	.type	_start, %function
_start:
	mov	r6, r2			/* r6 = r2: bootz's, QEMU's DTB */
	/*
	 * A flash image (charon image --flash) runs from memory it must not
	 * write: header words 0x38 and 0x3c say where in RAM and how many
	 * bytes; copy the whole image there and continue in the copy (where
	 * 0x38 equals the load address).  Both are 0 in every other image.
	 */
	adr_far	r7, r0, _head
	ldr	r0, [r7, #CHARON_ARM_SELF_COPY]
	cmp	r0, #0
	cmpne	r0, r7
	beq	2f
	ldr	r1, [r7, #CHARON_ARM_SELF_COPY + 4]
	mov	r2, r7
	mov	r3, r0
1:	ldr	r4, [r2], #4		/* the length is whole pages */
	str	r4, [r3], #4
	subs	r1, r1, #4
	bhi	1b
	dsb	sy
	mov	r1, #0
	mcr	p15, 0, r1, c7, c5, 0	/* ICIALLU */
	mcr	p15, 0, r1, c7, c5, 6	/* BPIALL */
	dsb	sy
	isb
	adr_far	r1, r2, _start
	sub	r1, r1, r7
	add	r0, r0, r1
	mov	r2, r6
	bx	r0			/* _start in the copy */
2:
	mrs	r4, cpsr		/* r4 = mode at entry, for arch_init */
	cpsid	aif			/* mask async aborts, IRQ, FIQ */
	adr_far	r5, r0, _head		/* r5 = load address = load offset */
	adr_far	sp, r0, _stack_top	/* sp = top of the stub's own stack */

	/* for (p = _bss_start; p < _bss_end; p += 4) *p = 0; */
	adr_far	r0, r1, _bss_start
	adr_far	r1, r2, _bss_end
	mov	r2, #0
.Lbss:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	.Lbss
	adr_far	r0, r1, arm_entry_cpsr
	str	r4, [r0]
	adr_far	r0, r1, pg_boot_arg	/* chainloader mode reads it (u64) */
	str	r6, [r0]
	mov	r1, #0
	str	r1, [r0, #4]

	mov	r0, r5			/* pg_relocate(u64 load_addr): r0:r1 */
	mov	r1, #0
	bl	pg_relocate		/* r0 = 0 or -LIB_E*, kept for pg_main */
	mov	r2, r0
	mov	r0, r5			/* pg_main(u64 load_addr, int status) */
	mov	r1, #0
	bl	pg_main
.Lhang:	wfi				/* pg_main never returns */
	b	.Lhang
	.size	_start, . - _start

/*
 * arm_enter(entry, r0, r1, r2): jump to entry in ARM state with r0..r2
 * set.  Called with interrupts masked, caches off and maintained; never
 * returns.
 */
	.text
	.globl	arm_enter
	.type	arm_enter, %function
arm_enter:
	mov	ip, r0			/* ip = next kernel's entry */
	mov	r0, r1			/* r0 = 0 */
	mov	r1, r2			/* r1 = machine type */
	mov	r2, r3			/* r2 = DTB or ATAG list */
	isb
	bx	ip
	.size	arm_enter, . - arm_enter

/*
 * psci_semihosting_exit(code): SYS_EXIT_EXTENDED { ApplicationExit, code };
 * QEMU (-semihosting-config enable=on) exits with status code.
 */
	.globl	psci_semihosting_exit
	.type	psci_semihosting_exit, %function
psci_semihosting_exit:
	sub	sp, sp, #8
	str	r0, [sp, #4]		/* the exit code */
	ldr	r0, =0x20026		/* ADP_Stopped_ApplicationExit */
	str	r0, [sp]
	mov	r1, sp
	mov	r0, #0x20		/* SYS_EXIT_EXTENDED */
	svc	0x123456		/* the A32 semihosting trap */
.Lsh_hang:
	wfi				/* no semihosting: stay here */
	b	.Lsh_hang
	.ltorg
	.size	psci_semihosting_exit, . - psci_semihosting_exit

/* psci_call(fn, conduit): SMC or HVC call with r0 = fn; returns r0 */
	.globl	psci_call
	.type	psci_call, %function
psci_call:
	cmp	r1, #CHARON_PSCI_SMC
	beq	.Lsmc
	hvc	#0
	bx	lr
.Lsmc:	smc	#0
	bx	lr
	.size	psci_call, . - psci_call
