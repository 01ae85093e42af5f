/* SPDX-License-Identifier: MIT */
/*
 * A boot plan: the stub, the segments it verifies and hands over to, their
 * addresses, and the filled parameter block.  Back-ends (QEMU today; flat
 * image and kexec_load later) only decide where the bytes go.
 */
#ifndef CHARON_BOOT_H
#define CHARON_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/params.h>
#include <charon/err.h>
#include <charon/fdt.h>
#include <charon/image-arm64.h>
#include <charon/layout.h>
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
#define CHARON_BOOT_MAX_SEGS	3	/* kernel, initrd, dtb */

struct charon_boot {
	struct charon_stub stub;
	uint64_t stub_addr;
	uint64_t stub_size;	/* mem_size: the range the stub owns */
	struct charon_arm64_image kernel;
	struct charon_boot_seg seg[CHARON_BOOT_MAX_SEGS];
	unsigned int nr_seg;
	struct charon_layout layout;
	struct charon_fdt_console console;
	uint32_t psci;		/* CHARON_PSCI_* */
	struct charon_params params;	/* host byte order */
};

int charon_arm64_prepare(const struct charon_boot_opts *o,
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
