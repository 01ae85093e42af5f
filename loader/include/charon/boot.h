/* SPDX-License-Identifier: MIT */
/*
 * A boot plan: the stub, the segments it verifies and hands over to, their
 * addresses, and the filled parameter block.  charon_boot_prepare() (core/
 * plan.c) builds one for any arch, calling that arch's operations
 * (<charon/arch.h>) for what its formats need; back-ends (QEMU, kexec_load)
 * only decide where the bytes go.  What only one arch's kernel needs lives
 * in the kernel union, what only one arch's options say in the options'
 * sub-struct of that arch.
 */
#ifndef CHARON_BOOT_H
#define CHARON_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/params.h>
#include <charon/arch.h>
#include <charon/bootparams.h>
#include <charon/err.h>
#include <charon/fdt.h>
#include <charon/image-arm.h>
#include <charon/image-arm64.h>
#include <charon/image-ppc64.h>
#include <charon/kcrctab.h>
#include <charon/layout.h>
#include <charon/live.h>
#include <charon/powernv.h>
#include <charon/stub.h>

struct charon_elfcore;

/* arm: hand over an ATAG list (r1 = machine_type) instead of the DTB */
struct charon_arm_opts {
	bool atags;
	uint32_t machine_type;
	bool machine_type_set;		/* given: only with atags */
};

/*
 * x86_64: the machine's memory map (RAM for the layout, and the e820
 * table in boot_params), the 32-bit boot protocol instead of the 64-bit
 * one, the kdump backup region (backup_len 0: none), the isa-debug-exit
 * port for test-exit (0: 0xf4)
 */
struct charon_x86_opts {
	struct charon_e820 e820;
	const char *e820_name;		/* the map, in messages */
	bool entry32;
	uint64_t backup_src;
	uint64_t backup_dst;
	uint64_t backup_len;
	const char *backup_spec;	/* SRC,DST,LEN as given, for messages */
	uint16_t exit_port;
};

/*
 * ppc64: the kernel runs where it is loaded (its "run0" word becomes 1);
 * its relocations are applied here for the kernel base
 */
struct charon_ppc64_opts {
	bool run_at_load;
	bool prerelocate;
};

struct charon_boot_opts {
	const struct charon_arch *arch;	/* from the registry; required */
	const char *stub_path;
	const char *kernel_path;
	const char *initrd_path;	/* NULL: none */
	const char *dtb_path;
	const char *bootargs;		/* NULL: leave /chosen bootargs */
	bool stub_addr_fixed;
	uint64_t stub_addr;
	uint32_t flags;			/* CHARON_F_* */
	uint32_t fail_policy;		/* CHARON_FAIL_* */
	/*
	 * Bytes at the start of the lowest RAM range that the back-end
	 * occupies itself (QEMU virt puts its own DTB there); kept out of
	 * the layout under the name ram_head_name.
	 */
	uint64_t ram_head_reserve;
	const char *ram_head_name;
	/*
	 * QEMU loads the segments, before the machine's firmware runs: keep
	 * out what both use then (powernv: skiboot.lid, QEMU's tree)
	 */
	bool qemu;
	/*
	 * charon image: the plan is for a chainloader image the firmware
	 * loads at the start of RAM (the arch's image window is kept out,
	 * no stub segment is placed); the stub builds the kernel's tree at
	 * run time in the "dtb" segment's room, which holds the command line
	 * at its end too
	 */
	bool image;
	bool flash;	/* charon image --flash: started in place from flash */
	uint64_t image_len;	/* the image's bytes, where the plan places
				   it as the stub (arch image.window 0) */
	struct charon_arm_opts arm;
	struct charon_x86_opts x86;
	struct charon_ppc64_opts ppc64;
	/*
	 * charon load (kexec_load(2)), NULL otherwise: the running system.
	 * RAM comes from its /proc/iomem, not the tree's /memory nodes or
	 * the e820 map's RAM, and its keep-outs are avoided; x86_64: its
	 * RSDP and serial port go into boot_params and the console; ppc64:
	 * its OPAL addresses win over the tree's, and the stub goes anywhere
	 * (the kernel enters its first byte; skiboot does not start it).
	 */
	const struct charon_live *live;
	/*
	 * charon load --crash: the crash kernel, in live->crash[0]; its ELF
	 * core header's contents (backup_* come from the plan) and, where
	 * the arch passes the header on the command line, the 16 hex digits
	 * of "elfcorehdr=0x0000000000000000" in bootargs to fill in
	 */
	bool crash;
	const struct charon_elfcore *core;
	char *elfcorehdr_digits;
};

/* one loaded segment: the bytes as they go to memory */
struct charon_boot_seg {
	char label[CHARON_LABEL_LEN];
	const char *src_path;	/* file the bytes came from */
	uint8_t *data;		/* the bytes (owned) */
	size_t len;
	uint64_t addr;
	uint64_t mem_size;	/* footprint reserved in the layout */
	bool modified;		/* differs from src_path: write a copy */
};

#define CHARON_BOOT_SEG_KERNEL	0
/* kernel, initrd, dtb/atags; x86_64: kernel, initrd, boot_params, cmdline
 * and, on UEFI, efi; kdump: and elfcorehdr */
#define CHARON_BOOT_MAX_SEGS	6

/* r1 with a device tree (booting.rst: "~0 when using a device tree") */
#define CHARON_ARM_MACH_DT	0xffffffffu

/* the arm kernel: a zImage and what its decompressor will overwrite */
struct charon_boot_arm {
	struct charon_zimage zimage;	/* data: moved to seg[0] */
	struct charon_zimage_fp fp;
	uint64_t fp_end;	/* footprint end, page aligned */
	uint32_t machine_type;	/* r1 */
	unsigned int nr_dt_keepouts;	/* the tree's, first in the layout */
	const char *cmdline;	/* ATAG mode: the command line (in dtb) */
};

/* COM1, the console of QEMU's pc and q35 (and of most PCs) */
#define CHARON_X86_COM1		0x3f8u
/* QEMU's isa-debug-exit port, as CHARON_FAIL_TEST_EXIT uses it by default */
#define CHARON_X86_EXIT_PORT_DEFAULT	0xf4u

/* skiboot runs an ELF -kernel in place at 0x20000000 + p_offset (powernv.h) */
#define CHARON_PPC64_STUB_P_OFFSET	0x10000ull
#define CHARON_PPC64_STUB_ALIGN		0x10000ull

/* the ppc64 kernel: a vmlinux ELF, where it went, what skiboot said */
struct charon_boot_ppc64 {
	struct charon_ppc64_image img;
	struct charon_ppc64_place place;
	struct charon_powernv_info opal;
	bool opal_known;		/* the tree has /ibm,opal */
	bool opal_live;			/* ... from /proc/device-tree */
	bool prerelocated;
	struct charon_kcrctab kcrctab;	/* the rule --prerelocate applied */
	uint64_t p_offset;	/* the stub ELF's: stub_addr - 0x20000000 */
};

/* the x86_64 kernel: a bzImage, where its pieces went, the memory map */
struct charon_boot_x86 {
	struct charon_x86_image img;	/* the whole file */
	struct charon_x86_place place;
	struct charon_e820 e820;	/* as in boot_params */
	bool entry32;			/* the 32-bit boot protocol */
	uint64_t backup_src;		/* kdump backup, len 0: none */
	uint64_t backup_dst;
	uint64_t backup_len;
	const char *cmdline;		/* as it goes to the cmdline segment */
	uint64_t efi_addr;		/* UEFI: SETUP_EFI and the map; 0: none */
	uint64_t efi_size;
};

struct charon_boot {
	const struct charon_arch *arch;	/* the ops that built it */
	struct charon_stub stub;
	uint64_t stub_addr;
	uint64_t stub_size;	/* mem_size: the range the stub owns */
	union {
		struct charon_arm64_image arm64;
		struct charon_boot_arm arm;
		struct charon_boot_x86 x86;
		struct charon_boot_ppc64 ppc64;
	} kernel;
	struct charon_boot_seg seg[CHARON_BOOT_MAX_SEGS];
	unsigned int nr_seg;
	struct charon_layout layout;
	struct charon_fdt_edit edit;	/* the DTB's edits, when one is made */
	struct charon_fdt_console console;
	uint32_t psci;		/* CHARON_PSCI_* */
	bool psci_acpi;		/* it came from the FADT, not the tree */
	struct charon_params params;	/* host byte order */
	/*
	 * kdump: what the stub copies before the dump kernel overwrites it
	 * (x86_64: the RAM below 640 KiB; ppc64: the first 64 KiB), to the
	 * layout's "backup" segment; the core header reads it from there
	 */
	uint64_t backup_src, backup_len;
};

int charon_boot_prepare(const struct charon_boot_opts *o,
			struct charon_boot *b, struct charon_err *err);
void charon_boot_free(struct charon_boot *b);

/* steps the arches share, for their operations (core/plan.c) */
struct charon_boot_seg *charon_boot_add_seg(struct charon_boot *b,
					    const char *label,
					    const char *src, uint8_t *data,
					    size_t len);
struct charon_boot_seg *charon_boot_seg_find(struct charon_boot *b,
					     const char *label);
int charon_boot_live(const struct charon_boot_opts *o, struct charon_boot *b,
		     bool ram, struct charon_err *err);
int charon_boot_dt_machine(const struct charon_boot_opts *o,
			   struct charon_boot *b, const uint8_t *dtb,
			   struct charon_err *err);
struct charon_segment *charon_boot_ram_head(const struct charon_boot_opts *o,
					    struct charon_boot *b,
					    struct charon_err *err);
struct charon_segment *charon_boot_add_stub(const struct charon_boot_opts *o,
					    struct charon_boot *b,
					    struct charon_err *err);
int charon_boot_add_initrd(struct charon_boot *b, struct charon_err *err);
int charon_boot_dtb_room(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 size_t *room, struct charon_err *err);
int charon_boot_make_dtb(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_err *err);
void charon_boot_encode(struct charon_boot *b);

/* charon image: the tree's room beyond what this tree's edit needs */
#define CHARON_IMAGE_FDT_SLACK	((size_t)64 << 10)

/* kdump's steps (core/crash-plan.c) */
void charon_crash_usable(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb);
int charon_crash_place(const struct charon_boot_opts *o,
		       struct charon_boot *b, struct charon_err *err);
void charon_crash_too_small(const struct charon_boot_opts *o,
			    struct charon_err *err);
int charon_crash_header(const struct charon_boot_opts *o,
			struct charon_boot *b, struct charon_err *err);
void charon_crash_rsv(struct charon_fdt_edit *e, uint64_t start,
		      uint64_t size);

/* test hooks that damage a plan on purpose (core/hooks.c) */
bool charon_boot_break_known(const char *what);
int charon_boot_break_params(struct charon_boot *b, const char *what,
			     struct charon_err *err);
int charon_boot_flip_bit(struct charon_boot *b, const char *spec,
			 struct charon_err *err);

#endif /* CHARON_BOOT_H */
