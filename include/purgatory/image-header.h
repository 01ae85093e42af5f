/* SPDX-License-Identifier: MIT */
/*
 * The charon image header (struct charon_image_header, include/abi/
 * params.h) as one assembler macro for every arch's entry.S, placed at the
 * arch's CHARON_HDR_OFF_<arch>.  Every word is a link-time constant: an
 * offset is written as "sym - _head", which the linker resolves (a plain
 * absolute symbol would become a dynamic relocation, and the header must
 * not change when the stub relocates itself; scripts/check-stub checks).
 *
 *	charon_image_header ARCH, ENTRY, ALIGN, ENTRY2
 *
 * ARCH: CHARON_ARCH_*; ENTRY: the kexec entry's symbol (entry_offset);
 * ALIGN: load_align; ENTRY2: the second entry's symbol, or _head for none
 * (entry2_offset 0).
 */
#ifndef PURGATORY_IMAGE_HEADER_H
#define PURGATORY_IMAGE_HEADER_H

#ifdef __ASSEMBLY__
#include <abi/params.h>

	.macro	charon_image_header arch, entry, align, entry2
	.globl	charon_image_header
charon_image_header:
	.long	CHARON_HDR_MAGIC	/* 0x00 magic */
	.short	CHARON_ABI_VERSION	/* 0x04 abi_version */
	.short	\arch			/* 0x06 arch */
	.long	CHARON_HDR_SIZE		/* 0x08 header_size */
	.long	pg_params - _head	/* 0x0c params_offset */
	.long	CHARON_PARAMS_SIZE	/* 0x10 params_size */
	.long	_stub_file_end - _head	/* 0x14 file_size */
	.long	_stub_end - _head	/* 0x18 mem_size */
	.long	\entry - _head		/* 0x1c entry_offset */
	.long	\align			/* 0x20 load_align */
	.long	\entry2 - _head		/* 0x24 entry2_offset, 0: none */
	.long	0, 0			/* 0x28 reserved */
	.endm
#endif /* __ASSEMBLY__ */

#endif /* PURGATORY_IMAGE_HEADER_H */
