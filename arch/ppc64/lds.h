/* SPDX-License-Identifier: MIT */
/* ppc64 values for linker/stub.lds.S (ppc64le and ppc64) */
#define LDS_OUTPUT_ARCH	powerpc:common64
#define LDS_HDR_OFF	CHARON_HDR_OFF_PPC64
#define LDS_STACK_SIZE	0x4000
/* kernels and loaders place ppc64 images on 64 KiB boundaries */
#define LDS_LOAD_ALIGN	0x10000
#define LDS_MAX_SIZE	0x20000
/* ELFv1 function descriptors and TOC entries */
#define LDS_EXTRA_DATA	*(.opd) *(.toc) *(.branch_lt)
