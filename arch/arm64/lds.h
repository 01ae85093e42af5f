/* SPDX-License-Identifier: MIT */
/* arm64 values for linker/stub.lds.S */
#define LDS_OUTPUT_ARCH	aarch64
#define LDS_HDR_OFF	CHARON_HDR_OFF_ARM64
#define LDS_STACK_SIZE	0x2000
/* adrp makes the code page-relative: load on a 4 KiB boundary */
#define LDS_LOAD_ALIGN	0x1000
#define LDS_MAX_SIZE	0x10000
#define LDS_EXTRA_DATA
#define LDS_EXTRA_SECTIONS
