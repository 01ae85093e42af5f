/* SPDX-License-Identifier: MIT */
/*
 * ppc64 entry (little-endian ELFv2 and big-endian ELFv1 from one source):
 * the 256-byte entry block, our image header, the OPAL call and the
 * hand-over.
 *
 * | entry     | offset          | caller and state                        |
 * |-----------|-----------------|-----------------------------------------|
 * | kexec     | 0 (entry_offset)| Linux kexec_sequence: the old kernel    |
 * |           |                 | copied the block to 0 and holds the     |
 * |           |                 | secondaries at 0x60; r3 = its physical  |
 * |           |                 | CPU id, r4 = our address; MMU off, the  |
 * |           |                 | old kernel's (= our) endianness         |
 * | firmware  | entry2_offset   | skiboot (powernv, QEMU -kernel): MMU    |
 * |           |                 | off, hypervisor mode, BIG-endian, r3 =  |
 * |           |                 | FDT, r8/r9 = OPAL base/entry; the block |
 * |           |                 | is copied to 0 by the stub itself       |
 * The firmware entry starts with an endian switch that works whichever
 * endianness it is started in.  Everything else comes from the parameter
 * block.
 *
 * Leaves for the next kernel: r3 = FDT, r4 = kernel base, r5 = 0 (next.
 * regs[0..2]), r8/r9 = OPAL base/entry (0 without OPAL), MMU off, MSR_LE
 * as the kernel's endianness (switched with rfid), at next.entry.
 */
#include <abi/params.h>
#include <purgatory/image-header.h>

#define MSR_LE		1
#define SPRN_HSRR0	314
#define SPRN_HSRR1	315
#define SPRN_PIR	1023

/* ELFv1 needs a 112-byte minimum frame, ELFv2 32: take 128 for both */
#define FRAME		128
#if _CALL_ELF == 2
#define TOC_SAVE	24
#else
#define TOC_SAVE	40
#endif

/*
 * An instruction word in the OTHER endianness: executed after the CPU
 * was started in the byte order we were not built for.
 */
	.macro	foreign, w
#ifdef __LITTLE_ENDIAN__
	.byte	((\w) >> 24) & 0xff, ((\w) >> 16) & 0xff
	.byte	((\w) >> 8) & 0xff, (\w) & 0xff
#else
	.byte	(\w) & 0xff, ((\w) >> 8) & 0xff
	.byte	((\w) >> 16) & 0xff, ((\w) >> 24) & 0xff
#endif
	.endm

/*
 * Flip MSR_LE and continue at the next native instruction, run in the
 * foreign byte order (encodings checked with GNU as -mbig):
 *   mfmsr r11; xori/ori r11,r11,1; li r10,0; mtmsrd r10,1 (EE, RI off);
 *   bcl 20,31,$+4; mflr r10; addi r10,r10,20; mtsrr0 r10; mtsrr1 r11; rfid
 * \or_le: 1 sets MSR_LE (ori), 0 flips it (xori).  Clobbers r10, r11.
 */
	.macro	foreign_switch, or_le
	foreign	0x7d6000a6
	.if	\or_le
	foreign	0x616b0001
	.else
	foreign	0x696b0001
	.endif
	foreign	0x39400000
	foreign	0x7d410164
	foreign	0x429f0005
	foreign	0x7d4802a6
	foreign	0x394a0014
	foreign	0x7d5a03a6
	foreign	0x7d7b03a6
	foreign	0x4c000024
	.endm

/*
 * A function C calls.  ELFv1: the symbol is a descriptor in .opd, the
 * code is the dot symbol (ld sends a bl to the code); ELFv2: plain code.
 */
	.macro	func, name
	.globl	\name
#if _CALL_ELF == 2
	.type	\name, @function
\name:
#else
	.pushsection .opd, "aw"
	.balign	8
\name:
	.quad	.\name, .TOC.@tocbase, 0
	.popsection
	.type	.\name, @function
.\name:
#endif
	.endm

	.macro	endfunc, name
#if _CALL_ELF == 2
	.size	\name, . - \name
#else
	.size	.\name, . - .\name
#endif
	.endm

/* reg = runtime address of sym, from rbase = runtime address of lbl */
	.macro	addr_of, reg, rbase, lbl, sym
	addis	\reg, \rbase, (\sym - \lbl)@ha
	addi	\reg, \reg, (\sym - \lbl)@l
	.endm

	.section .head.text, "ax"
	.globl	_head
_head:
	/*
	 * The entry block: word 0 is ours, 0x4..0xff are the next kernel's
	 * own bytes (the loader copies them in), so the secondaries the old
	 * kernel releases to 0x60 of the copy at 0 run the next kernel's
	 * hold loop, and 0x5c is its __run_at_load.
	 */
	b	kexec_entry		/* ABI: 0x00 the kexec entry */
	.org	CHARON_PPC64_RUN_AT_LOAD
	.long	CHARON_PPC64_RUN0	/* 0x5c: the loader's copy replaces it */
	.org	CHARON_PPC64_BLOCK_SIZE

	.org	CHARON_HDR_OFF_PPC64
	/* entry: the block's branch; 64 KiB aligned; the firmware entry */
#ifdef __LITTLE_ENDIAN__
	charon_image_header CHARON_ARCH_PPC64LE, _head, 0x10000, fw_entry
#else
	charon_image_header CHARON_ARCH_PPC64, _head, 0x10000, fw_entry
#endif
	.org	CHARON_HDR_OFF_PPC64 + CHARON_HDR_SIZE

/*
 * Firmware entry, in either byte order: tdi 0,0,0x48 is a no-op in our
 * own order and reads as "b .+8" in the other, which lands on the switch.
 */
fw_entry:
	tdi	0, 0, 0x48
	b	1f
	foreign_switch 0
1:	mr	r28, r3			/* r28 = FDT */
	mr	r29, r8			/* r29 = OPAL base */
	mr	r30, r9			/* r30 = OPAL entry */
	li	r31, 1			/* r31 = entry path: firmware */
	b	common

kexec_entry:
	mr	r28, r3			/* r28 = our physical CPU id */
	li	r29, 0
	li	r30, 0
	li	r31, 0			/* r31 = entry path: kexec */

/* r28..r31 as above; MMU off, native byte order */
common:
	bcl	20, 31, 2f
2:	mflr	r12			/* r12 = runtime address of 2: */
	addr_of	r2, r12, 2b, .TOC.	/* r2 = our TOC */
	addr_of	r1, r12, 2b, _stack_top
	li	r0, 0
	stdu	r0, -FRAME(r1)		/* first frame, back chain 0 */
	addr_of	r27, r12, 2b, _head	/* r27 = load address */

	/* for (p = _bss_start; p < _bss_end; p += 8) *p = 0; */
	addr_of	r3, r12, 2b, _bss_start
	addr_of	r4, r12, 2b, _bss_end
3:	cmpld	r3, r4
	bge	4f
	std	r0, 0(r3)
	addi	r3, r3, 8
	b	3b
4:	addis	r3, r2, ppc64_entry@toc@ha
	addi	r3, r3, ppc64_entry@toc@l
	std	r31, 0(r3)		/* ppc64_entry[] = path, r3, r8, r9 */
	std	r28, 8(r3)
	std	r29, 16(r3)
	std	r30, 24(r3)

	mr	r3, r27
	bl	pg_relocate		/* r3 = 0 or -LIB_E*, kept */
	nop
	mr	r4, r3
	mr	r3, r27
	bl	pg_main			/* pg_main(load_addr, reloc_status) */
	nop
5:	b	5b			/* pg_main never returns */

	.text
/*
 * ppc64_enter(entry, r3, r4, r5, r8, r9, le): jump to entry with those
 * registers and MSR_LE = le, through rfid (which also switches the byte
 * order when it differs from ours).  Never returns.
 */
	func	ppc64_enter
	mtsrr0	r3
	mfmsr	r11
	rldicr	r11, r11, 0, 62		/* clear MSR_LE */
	or	r11, r11, r9		/* le: 0 or MSR_LE */
	li	r10, 0
	mtmsrd	r10, 1			/* EE and RI off while SRRs are live */
	mtsrr1	r11
	mr	r3, r4			/* r3 = FDT */
	mr	r4, r5			/* r4 = kernel base */
	mr	r5, r6			/* r5 = 0 */
	mr	r9, r8			/* r9 = OPAL entry */
	mr	r8, r7			/* r8 = OPAL base */
	rfid
	endfunc	ppc64_enter

/*
 * ppc64_opal_call(token, a0, a1, a2, base, entry): call OPAL, which runs
 * big-endian with r2 = its base, entered with hrfid at HSRR0 = entry and
 * returning to LR in big-endian mode.  Returns OPAL's r3.
 */
	func	ppc64_opal_call
	mflr	r0
	std	r0, 16(r1)
	stdu	r1, -FRAME(r1)
	std	r2, TOC_SAVE(r1)
	mfmsr	r11
	std	r11, FRAME - 8(r1)	/* our MSR, to restore */
	mr	r0, r3			/* r0 = token */
	mr	r3, r4
	mr	r4, r5
	mr	r5, r6
	mr	r2, r7			/* r2 = OPAL base */
	mtspr	SPRN_HSRR0, r8
	rldicr	r11, r11, 0, 62		/* OPAL runs big-endian */
	mtspr	SPRN_HSRR1, r11
	bcl	20, 31, 1f
1:	mflr	r12
	addi	r12, r12, 2f - 1b
	mtlr	r12			/* OPAL returns to 2: */
	hrfid
2:
#ifdef __LITTLE_ENDIAN__
	foreign_switch 1		/* back from big-endian */
#endif
	ld	r2, TOC_SAVE(r1)
	addi	r1, r1, FRAME
	ld	r0, 16(r1)
	mtlr	r0
	blr
	endfunc	ppc64_opal_call

/*
 * ppc64_hcall_put_term_char(vtermno, len, hi, lo): H_PUT_TERM_CHAR, for a
 * pseries guest; up to 16 bytes in hi:lo, first byte most significant.
 */
	func	ppc64_hcall_put_term_char
	mr	r7, r6
	mr	r6, r5
	mr	r5, r4
	mr	r4, r3
	li	r3, 0x58		/* H_PUT_TERM_CHAR */
	sc	1
	blr
	endfunc	ppc64_hcall_put_term_char

/* ppc64_read_pir(): this CPU's processor id */
	func	ppc64_read_pir
	mfspr	r3, SPRN_PIR
	blr
	endfunc	ppc64_read_pir
