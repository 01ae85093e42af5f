/* SPDX-License-Identifier: MIT */
/* x86_64 values for linker/stub.lds.S */
#define LDS_OUTPUT_ARCH	i386:x86-64
#define LDS_HDR_OFF	CHARON_HDR_OFF_X86_64
#define LDS_STACK_SIZE	0x2000
/* the PVH path's page tables are in bss, 4 KiB aligned */
#define LDS_LOAD_ALIGN	0x1000
/* 24 KiB of those page tables come on top of code and data */
#define LDS_MAX_SIZE	0x20000
#define LDS_EXTRA_DATA
#define LDS_EXTRA_SECTIONS
