/* SPDX-License-Identifier: MIT */
/*
 * The Linux x86 bzImage: the real-mode setup header at 0x1f1
 * (Documentation/arch/x86/boot.rst), and where the protected-mode kernel
 * goes.  All fields are little-endian.  The offsets below are file
 * offsets; struct boot_params carries the same setup header at the same
 * offsets (<charon/bootparams.h>).
 *
 *	0x1f1 u8  setup_sects		0x224 u16 heap_end_ptr
 *	0x1f4 u32 syssize		0x228 u32 cmd_line_ptr
 *	0x1fa u16 vid_mode		0x22c u32 initrd_addr_max
 *	0x1fe u16 boot_flag 0xaa55	0x230 u32 kernel_alignment
 *	0x200 u16 jump (0xeb, disp8)	0x234 u8  relocatable_kernel
 *	0x202 u32 header "HdrS"		0x235 u8  min_alignment
 *	0x206 u16 version		0x236 u16 xloadflags
 *	0x20e u16 kernel_version	0x238 u32 cmdline_size
 *	0x210 u8  type_of_loader	0x248 u32 payload_offset
 *	0x211 u8  loadflags		0x24c u32 payload_length
 *	0x214 u32 code32_start		0x258 u64 pref_address
 *	0x218 u32 ramdisk_image		0x260 u32 init_size
 *	0x21c u32 ramdisk_size		0x264 u32 handover_offset
 *					0x268 u32 kernel_info_offset
 */
#ifndef CHARON_IMAGE_X86_H
#define CHARON_IMAGE_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/err.h>
#include <charon/layout.h>

/* setup header field offsets (boot.rst "The Real-Mode Kernel Header") */
#define CHARON_X86_SETUP_SECTS		0x1f1
#define CHARON_X86_SYSSIZE		0x1f4
#define CHARON_X86_VID_MODE		0x1fa
#define CHARON_X86_BOOT_FLAG		0x1fe
#define CHARON_X86_JUMP			0x200
#define CHARON_X86_HEADER		0x202
#define CHARON_X86_VERSION		0x206
#define CHARON_X86_KERNEL_VERSION	0x20e
#define CHARON_X86_TYPE_OF_LOADER	0x210
#define CHARON_X86_LOADFLAGS		0x211
#define CHARON_X86_CODE32_START		0x214
#define CHARON_X86_RAMDISK_IMAGE	0x218
#define CHARON_X86_RAMDISK_SIZE		0x21c
#define CHARON_X86_HEAP_END_PTR		0x224
#define CHARON_X86_CMD_LINE_PTR		0x228
#define CHARON_X86_INITRD_ADDR_MAX	0x22c
#define CHARON_X86_KERNEL_ALIGNMENT	0x230
#define CHARON_X86_RELOCATABLE		0x234
#define CHARON_X86_MIN_ALIGNMENT	0x235
#define CHARON_X86_XLOADFLAGS		0x236
#define CHARON_X86_CMDLINE_SIZE		0x238
#define CHARON_X86_PAYLOAD_OFFSET	0x248
#define CHARON_X86_PAYLOAD_LENGTH	0x24c
#define CHARON_X86_PREF_ADDRESS		0x258
#define CHARON_X86_INIT_SIZE		0x260
#define CHARON_X86_HANDOVER_OFFSET	0x264
#define CHARON_X86_KERNEL_INFO_OFFSET	0x268
/* the fields we read end here: a file must be at least this long */
#define CHARON_X86_HDR_MIN_END		0x26c

#define CHARON_X86_BOOT_FLAG_MAGIC	0xaa55u
#define CHARON_X86_JUMP_OPCODE		0xebu	/* jmp rel8 */
#define CHARON_X86_HDRS_MAGIC		0x53726448u	/* "HdrS" */
/* 2.12 added xloadflags (XLF_KERNEL_64) and the above-4G fields */
#define CHARON_X86_MIN_VERSION		0x020cu
#define CHARON_X86_SECTOR		512u
/* boot.rst: setup_sects 0 means 4 */
#define CHARON_X86_SETUP_SECTS_DEFAULT	4u

/* loadflags */
#define CHARON_X86_LOADED_HIGH		(1u << 0)
#define CHARON_X86_KASLR_FLAG		(1u << 1)	/* kernel's own */
#define CHARON_X86_QUIET_FLAG		(1u << 5)
#define CHARON_X86_KEEP_SEGMENTS	(1u << 6)	/* obsolete */
#define CHARON_X86_CAN_USE_HEAP		(1u << 7)

/* xloadflags */
#define CHARON_X86_XLF_KERNEL_64	(1u << 0)	/* entry at +0x200 */
/* XLF_CAN_BE_LOADED_ABOVE_4G: kernel, boot_params, cmdline, initrd */
#define CHARON_X86_XLF_ABOVE_4G		(1u << 1)
#define CHARON_X86_XLF_EFI_HANDOVER_32	(1u << 2)
#define CHARON_X86_XLF_EFI_HANDOVER_64	(1u << 3)
#define CHARON_X86_XLF_EFI_KEXEC	(1u << 4)
#define CHARON_X86_XLF_5LEVEL		(1u << 5)
#define CHARON_X86_XLF_5LEVEL_ENABLED	(1u << 6)

/* the 64-bit entry point, from the protected-mode kernel's load address */
#define CHARON_X86_ENTRY64_OFFSET	0x200u
/*
 * Where we put the kernel when pref_address is taken: the lowest
 * kernel_alignment-aligned address at or above 16 MiB (the kernel's own
 * default LOAD_PHYSICAL_ADDR; below it live the BIOS, ISA DMA and the
 * real-mode trampoline the kernel allocates itself).
 */
#define CHARON_X86_KERNEL_MIN_ADDR	((uint64_t)16 << 20)
#define CHARON_X86_4G			((uint64_t)1 << 32)

struct charon_x86_image {
	/* setup header fields, as read */
	unsigned int setup_sects;	/* as used: 4 when the file says 0 */
	uint32_t syssize;
	uint16_t version;
	uint16_t kernel_version;
	uint8_t loadflags;
	uint32_t code32_start;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable_kernel;
	uint8_t min_alignment;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t payload_offset;
	uint32_t payload_length;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t handover_offset;
	uint32_t kernel_info_offset;	/* 0 before protocol 2.15 */
	/* decoded */
	size_t hdr_end;		/* header end: 0x202 + jump's disp8 */
	size_t setup_size;	/* (setup_sects + 1) * 512: file offset of
				   the protected-mode kernel */
	size_t pm_size;		/* protected-mode kernel bytes */
	uint64_t mem_size;	/* footprint from the load address: init_size
				   rounded up to 4 KiB */
	char version_str[128];	/* the kernel_version string, printable */
	/* the whole file (owned) */
	uint8_t *data;
	size_t len;
};

/* where the kernel goes, as charon_x86_kernel_add() chose it */
struct charon_x86_kernel_place {
	uint64_t addr;		/* protected-mode kernel's address */
	uint64_t size;		/* bytes reserved there (mem_size) */
	uint64_t entry;		/* 64-bit: addr + 0x200; 32-bit: addr */
	bool at_pref;		/* addr == pref_address */
};

int charon_x86_image_parse(const char *name, const uint8_t *buf, size_t len,
			   struct charon_x86_image *img,
			   struct charon_err *err);
int charon_x86_image_open(const char *name, const uint8_t *buf, size_t len,
			  struct charon_x86_image *img,
			  struct charon_err *err);
int charon_x86_image_load(const char *path, struct charon_x86_image *img,
			  struct charon_err *err);
void charon_x86_image_free(struct charon_x86_image *img);
const uint8_t *charon_x86_image_pm(const struct charon_x86_image *img);

int charon_x86_kernel_add(struct charon_layout *l,
			  const struct charon_x86_image *img, bool entry32,
			  uint64_t limit, struct charon_x86_kernel_place *out,
			  struct charon_err *err);

#endif /* CHARON_IMAGE_X86_H */
