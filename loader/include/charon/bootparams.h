/* SPDX-License-Identifier: MIT */
/*
 * The x86 zero page (struct boot_params, Documentation/arch/x86/
 * zero-page.rst) that the 32- and 64-bit boot protocols hand the kernel in
 * esi/rsi, its e820 memory map, the e820 map QEMU's pc and q35 machines
 * report, and the placement of kernel, initrd, boot_params and command
 * line.  The setup header sits in boot_params at the same offsets as in
 * the bzImage file (CHARON_X86_* in <charon/image-x86.h>).
 *
 *	0x070 u64 acpi_rsdp_addr	0x1c0     efi_info (32 bytes)
 *					0x1e8 u8  e820_entries
 *	0x0c0 u32 ext_ramdisk_image	0x1ef u8  sentinel (left 0)
 *	0x0c4 u32 ext_ramdisk_size	0x1f1     setup header (copied)
 *	0x0c8 u32 ext_cmd_line_ptr	0x1ec u8  secure_boot
 *					0x250 u64 setup_data (in the header)
 *					0x2d0     e820_table[128], 20 bytes
 *					          each: u64 addr, u64 size,
 *					          u32 type
 */
#ifndef CHARON_BOOTPARAMS_H
#define CHARON_BOOTPARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/err.h>
#include <charon/image-x86.h>
#include <charon/layout.h>

#define CHARON_BP_SIZE			4096
#define CHARON_BP_ACPI_RSDP_ADDR	0x070
#define CHARON_BP_EXT_RAMDISK_IMAGE	0x0c0
#define CHARON_BP_EXT_RAMDISK_SIZE	0x0c4
#define CHARON_BP_EXT_CMD_LINE_PTR	0x0c8
#define CHARON_BP_E820_ENTRIES		0x1e8
#define CHARON_BP_SENTINEL		0x1ef
#define CHARON_BP_HDR			0x1f1
/* the setup header ends by 0x290 (edd_mbr_sig_buffer) whatever the jump */
#define CHARON_BP_HDR_LIMIT		0x290
#define CHARON_BP_E820_TABLE		0x2d0
/* UEFI (struct efi_info, arch/x86/include/uapi/asm/bootparam.h) */
#define CHARON_BP_EFI_INFO		0x1c0
#define CHARON_BP_EFI_MEMDESC_SIZE	0x1c8
#define CHARON_BP_EFI_MEMMAP		0x1d0
#define CHARON_BP_EFI_MEMMAP_SIZE	0x1d4
#define CHARON_BP_EFI_MEMMAP_HI		0x1dc
#define CHARON_BP_SECURE_BOOT		0x1ec
#define CHARON_BP_SETUP_DATA		0x250
/* struct setup_data: u64 next, u32 type, u32 len, then the data */
#define CHARON_SETUP_DATA_HDR		16
#define CHARON_SETUP_EFI		4
/* struct efi_setup_data: fw_vendor, unused, tables, smbios, reserved[8] */
#define CHARON_EFI_SETUP_DATA_SIZE	96
/* efi_memory_desc_t: u32 type, pad, u64 phys, virt, num_pages, attribute */
#define CHARON_EFI_DESC_SIZE		40
#define CHARON_BP_E820_MAX		128
#define CHARON_BP_E820_ENTRY_SIZE	20

/* boot.rst type_of_loader: 0xff, "undefined", for a loader without an ID */
#define CHARON_BP_LOADER_UNDEFINED	0xffu

/* e820 types (the kernel treats any other as reserved) */
#define CHARON_E820_RAM			1u
#define CHARON_E820_RESERVED		2u
#define CHARON_E820_ACPI		3u
#define CHARON_E820_NVS			4u
#define CHARON_E820_UNUSABLE		5u
#define CHARON_E820_PMEM		7u

struct charon_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

/* a sorted, merged, non-overlapping map, as boot_params carries it */
struct charon_e820 {
	struct charon_e820_entry map[CHARON_BP_E820_MAX];
	unsigned int nr;
};

enum charon_qemu_x86_machine {
	CHARON_QEMU_X86_Q35,	/* -M q35 (pc-q35-*) */
	CHARON_QEMU_X86_PC,	/* -M pc (pc-i440fx-*) */
};

/*
 * QEMU reserves the AMD HyperTransport window [0xfd00000000, 1 TiB) when
 * the CPU's vendor is AMD, which TCG's default CPU (qemu64) is.
 */
#define CHARON_QEMU_E820_AMD_HT		(1u << 0)
#define CHARON_QEMU_AMD_HT_START	0xfd00000000ull
#define CHARON_QEMU_AMD_HT_END		0x10000000000ull

/* what goes into boot_params besides the kernel's own header */
struct charon_x86_boot_in {
	uint64_t kernel_addr;	/* protected-mode kernel's load address */
	bool entry32;		/* 32-bit boot protocol (else 64-bit) */
	const char *cmdline;	/* NULL means "" */
	uint64_t cmdline_addr;	/* where the NUL-terminated copy goes */
	uint64_t initrd_addr;
	uint64_t initrd_size;	/* 0: no initrd */
	uint64_t acpi_rsdp;	/* 0: the kernel searches the BIOS areas */
	const struct charon_e820 *e820;
};

/* every address charon_x86_place_boot() chose */
struct charon_x86_place {
	struct charon_x86_kernel_place kernel;
	uint64_t bp_addr;	/* boot_params, one page */
	uint64_t cmdline_addr;
	uint64_t cmdline_size;	/* bytes reserved: length + NUL */
	uint64_t initrd_addr;	/* 0 without an initrd */
	uint64_t initrd_size;	/* bytes reserved (page-rounded) */
};

const char *charon_e820_type_name(uint32_t type);
int charon_e820_build(const char *name, const struct charon_e820_entry *in,
		      size_t n, struct charon_e820 *out,
		      struct charon_err *err);
int charon_qemu_x86_machine_parse(const char *s,
				  enum charon_qemu_x86_machine *m);
unsigned int charon_qemu_x86_e820_flags(const char *cpu);
int charon_e820_qemu(enum charon_qemu_x86_machine m, uint64_t ram_size,
		     unsigned int flags, struct charon_e820 *out,
		     struct charon_err *err);
int charon_e820_layout(const struct charon_e820 *t, uint64_t min,
		       uint64_t max_end, struct charon_layout *l,
		       struct charon_err *err);

/* where charon_x86_place_boot() puts initrd, boot_params and cmdline */
enum charon_x86_where {
	CHARON_X86_HIGH,	/* as high as they fit (kexec-tools, GRUB) */
	/*
	 * bottom-up from the kernel's end: for firmware that runs after
	 * they are loaded and allocates scratch memory top-down (QEMU's
	 * SeaBIOS and its option ROMs)
	 */
	CHARON_X86_AFTER_KERNEL,
};

int charon_x86_place_boot(struct charon_layout *l,
			  const struct charon_x86_image *img,
			  size_t cmdline_len, uint64_t initrd_size,
			  bool entry32, enum charon_x86_where where,
			  uint64_t limit, struct charon_x86_place *out,
			  struct charon_err *err);
int charon_x86_boot_params(const char *name,
			   const struct charon_x86_image *img,
			   const struct charon_x86_boot_in *in,
			   uint8_t bp[CHARON_BP_SIZE], struct charon_err *err);

#endif /* CHARON_BOOTPARAMS_H */
