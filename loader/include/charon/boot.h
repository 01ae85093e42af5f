/* SPDX-License-Identifier: MIT */
/*
 * A boot plan: the stub, the segments it verifies and hands over to, their
 * addresses, and the filled parameter block.  Back-ends (QEMU today; flat
 * image and kexec_load later) only decide where the bytes go.  One plan
 * type for every architecture; what only one kernel format needs lives
 * in the kernel union, selected by the plan's arch.
 */
#ifndef CHARON_BOOT_H
#define CHARON_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/params.h>
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

struct charon_boot_opts {
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
	/* arm: hand over an ATAG list (r1 = machine_type) instead of the DTB */
	bool atags;
	uint32_t machine_type;
	/*
	 * x86_64: the machine's memory map (RAM for the layout, and the
	 * e820 table in boot_params); enter the kernel through the 32-bit
	 * boot protocol instead of the 64-bit one; the kdump backup region
	 * (backup_len 0: none); the isa-debug-exit port for test-exit.
	 */
	const struct charon_e820 *e820;
	const char *e820_name;		/* the map, in messages */
	bool entry32;
	uint64_t backup_src;
	uint64_t backup_dst;
	uint64_t backup_len;
	uint16_t exit_port;
	/*
	 * ppc64: which stub (CHARON_ARCH_PPC64LE or CHARON_ARCH_PPC64); the
	 * kernel runs where it is loaded (its "run0" word becomes 1); its
	 * relocations are applied here for the kernel base; QEMU loads the
	 * segments before skiboot boots (keep out what both use then)
	 */
	uint16_t ppc64_stub_arch;
	bool run_at_load;
	bool prerelocate;
	bool powernv_qemu;
	/*
	 * charon load (kexec_load(2)), NULL otherwise: the running system.
	 * RAM comes from its /proc/iomem, not the tree's /memory nodes or
	 * o->e820's RAM, and its keep-outs are avoided; x86_64: its RSDP
	 * and serial port go into boot_params and the console; ppc64: its
	 * OPAL addresses win over the tree's, and the stub goes anywhere
	 * (the kernel enters its first byte; skiboot does not start it).
	 */
	const struct charon_live *live;
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
/* kernel, initrd, dtb/atags; x86_64: kernel, initrd, boot_params, cmdline */
#define CHARON_BOOT_MAX_SEGS	4

/* r1 with a device tree (booting.rst: "~0 when using a device tree") */
#define CHARON_ARM_MACH_DT	0xffffffffu

/* the arm kernel: a zImage and what its decompressor will overwrite */
struct charon_boot_arm {
	struct charon_zimage zimage;	/* data: moved to seg[0] */
	struct charon_zimage_fp fp;
	uint64_t fp_end;	/* footprint end, page aligned */
	bool atags;		/* r2 is an ATAG list, not the DTB */
	uint32_t machine_type;	/* r1 */
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
	uint64_t p_offset;		/* the stub ELF's: stub_addr - 0x20000000 */
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
};

struct charon_boot {
	uint16_t arch;		/* CHARON_ARCH_*: which kernel member */
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
	struct charon_fdt_console console;
	uint32_t psci;		/* CHARON_PSCI_* */
	struct charon_params params;	/* host byte order */
};

int charon_arm64_prepare(const struct charon_boot_opts *o,
			 struct charon_boot *b, struct charon_err *err);
int charon_arm_prepare(const struct charon_boot_opts *o,
		       struct charon_boot *b, struct charon_err *err);
int charon_x86_prepare(const struct charon_boot_opts *o,
		       struct charon_boot *b, struct charon_err *err);
int charon_ppc64_prepare(const struct charon_boot_opts *o,
			 struct charon_boot *b, struct charon_err *err);
int charon_ppc64_stub_file(const struct charon_boot *b, void **out,
			   size_t *out_len, struct charon_err *err);
int charon_x86_pvh_stub(const struct charon_boot *b, void **out,
			size_t *out_len, struct charon_err *err);

/* shared by the per-arch plans (boot.c) */
struct charon_boot_seg *charon_boot_add_seg(struct charon_boot *b,
					    const char *label,
					    const char *src, uint8_t *data,
					    size_t len);
int charon_boot_read_stub(const struct charon_boot_opts *o,
			  struct charon_boot *b, uint16_t arch,
			  struct charon_err *err);
int charon_boot_read_initrd(const struct charon_boot_opts *o,
			    struct charon_boot *b, struct charon_err *err);
int charon_boot_read_dtb(const struct charon_boot_opts *o,
			 const struct charon_boot *b, uint8_t **dtb,
			 size_t *len, struct charon_err *err);
int charon_boot_live(const struct charon_boot_opts *o, struct charon_boot *b,
		     bool ram, struct charon_err *err);
int charon_boot_machine(const struct charon_boot_opts *o,
			struct charon_boot *b, const uint8_t *dtb,
			struct charon_err *err);
struct charon_segment *charon_boot_ram_head(const struct charon_boot_opts *o,
					    struct charon_boot *b,
					    struct charon_err *err);
struct charon_segment *charon_boot_add_stub(const struct charon_boot_opts *o,
					    struct charon_boot *b,
					    struct charon_err *err);
int charon_boot_dtb_room(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_fdt_edit *edit, size_t *room,
			 struct charon_err *err);
int charon_boot_make_dtb(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_fdt_edit *edit, struct charon_err *err);
int charon_boot_fill_params(const struct charon_boot_opts *o,
			    struct charon_boot *b, struct charon_err *err);

struct charon_boot_seg *charon_boot_seg_find(struct charon_boot *b,
					     const char *label);
bool charon_boot_break_known(const char *what);
int charon_boot_break_params(struct charon_boot *b, const char *what,
			     struct charon_err *err);
int charon_boot_flip_bit(struct charon_boot *b, const char *spec,
			 struct charon_err *err);
void charon_boot_encode(struct charon_boot *b);
void charon_boot_free(struct charon_boot *b);

#endif /* CHARON_BOOT_H */
