/* SPDX-License-Identifier: MIT */
/* arm values for linker/stub.lds.S */
#define LDS_OUTPUT_ARCH	arm
#define LDS_HDR_OFF	CHARON_HDR_OFF_ARM
#define LDS_STACK_SIZE	0x2000
/* nothing page-relative in the code; 4 KiB keeps loaders simple */
#define LDS_LOAD_ALIGN	0x1000
#define LDS_MAX_SIZE	0x10000
#define LDS_EXTRA_DATA
#define LDS_EXTRA_SECTIONS
/* the ARM ELF ABI's dynamic relocations are REL: .rel.dyn */
#define LDS_DYNREL	.rel.dyn
#define LDS_DYNREL_IN	*(.rel.dyn) *(.rel.*)
