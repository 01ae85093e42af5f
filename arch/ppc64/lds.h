/* SPDX-License-Identifier: MIT */
/* ppc64 values for linker/stub.lds.S (ppc64le and ppc64) */
#define LDS_OUTPUT_ARCH	powerpc:common64
#define LDS_HDR_OFF	CHARON_HDR_OFF_PPC64
#define LDS_STACK_SIZE	0x4000
/* kernels and loaders place ppc64 images on 64 KiB boundaries */
#define LDS_LOAD_ALIGN	0x10000
#define LDS_MAX_SIZE	0x20000
#define LDS_EXTRA_DATA	*(.branch_lt)
/*
 * ELFv1 function descriptors (.opd: relocated by design; code that runs
 * before the stub's relocation calls directly, see arch.mk) and TOC
 * entries (.toc: an entry holding an address needs relocating, and a
 * TOC-indirect load of it before pg_relocate() would read a link-time
 * value).  Kept as their own sections so scripts/check-stub can refuse
 * any relocation into .toc.
 */
#define LDS_EXTRA_SECTIONS						\
	.opd ALIGN(8) : { *(.opd) }					\
	.toc ALIGN(8) : { *(.toc) }
