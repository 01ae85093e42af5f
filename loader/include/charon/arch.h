/* SPDX-License-Identifier: MIT */
/*
 * The host's arch registry: one table of per-arch operations
 * (loader/arch/registry.c), one ops file per arch (loader/arch/<arch>/
 * ops.c).  Generic code (the plan in core/plan.c, the CLI, the QEMU and
 * kexec back-ends, inspect) calls through it and never names an arch; the
 * host mirror of the stub's arch hooks (include/purgatory/arch.h).
 *
 * A boot plan runs the steps of charon_boot_prepare() in order, calling:
 *
 *	read_kernel	the kernel file into b->seg[0] (and the arch's
 *			kernel state in b->kernel)
 *	machine		RAM and keep-outs into b->layout, console and
 *			power control into b->console / b->psci
 *	boot_room	bytes the boot data (DTB, ATAGs, boot_params) need
 *	place		the arch's segments into b->layout (the stub's is
 *			already there unless stub_placed) and their rules
 *	placed		checks and facts once the layout has addresses
 *	boot_data	the boot data segments (DTB, ATAGs, boot_params,
 *			command line)
 *	fill_next	the parameter block's next.* (entry, registers, the
 *			arch union) and arch edits of the stub image
 *
 * and, for kdump (core/crash-plan.c):
 *
 *	crash_usable	the dump kernel's memory in its tree, where the
 *			arch does not read linux,usable-memory-range
 *	crash_placed	the arch's edits once the ELF core header (and a
 *			backup copy) have addresses
 *
 * A NULL hook is a step the arch does not have.
 */
#ifndef CHARON_ARCH_H
#define CHARON_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <abi/params.h>
#include <charon/bytes.h>
#include <charon/err.h>

struct charon_boot;
struct charon_boot_opts;
struct charon_live;
struct charon_qemu_run;
struct charon_params;
struct charon_segment;
struct charon_err;

/* which running-system facts charon load reads (backend/live.c) */
enum charon_live_arch {
	CHARON_LIVE_DT,		/* arm64, arm: RAM and keep-outs only */
	CHARON_LIVE_X86,	/* and the e820 map, RSDP, serial port */
	CHARON_LIVE_PPC64,	/* and OPAL, the running kernel's end */
};

/* how the stub's test-exit policy leaves QEMU */
enum charon_qemu_exit {
	CHARON_QEMU_EXIT_SEMIHOSTING,	/* -semihosting-config */
	CHARON_QEMU_EXIT_DEBUG_PORT,	/* -device isa-debug-exit */
	CHARON_QEMU_EXIT_FIRMWARE,	/* the firmware powers off (OPAL) */
};

struct charon_arch_qemu {
	const char *binary;		/* qemu-system-aarch64 */
	const char *machine;		/* virt */
	const char *cpu;		/* cortex-a57; NULL: QEMU's own */
	const char *memory;		/* 1G */
	enum charon_qemu_exit exit;
	/* the stub is QEMU's -kernel (an ELF wrapper), not a loader device */
	bool stub_is_kernel;
};

/* a row of the printed layout that nothing is loaded into */
struct charon_plan_row {
	const char *name;	/* "footprint", "backup" */
	uint64_t start;
	uint64_t len;
};

/* charon image: the chainloader image of this arch (core/image.c) */
struct charon_arch_image {
	/*
	 * how far past the start of RAM firmware may load the image (arm64:
	 * QEMU -kernel at +2 MiB, U-Boot's kernel_addr_r at +4 MiB); the
	 * layout keeps this and the image's own length out; 0: the plan
	 * places the image as it places the stub (x86_64)
	 */
	uint64_t window;
	/*
	 * the boot-format header's size fields for the whole image; a flash
	 * image (@self_copy not 0): where in RAM the stub copies itself
	 */
	int (*fixup)(uint8_t *img, size_t len, uint64_t self_copy,
		     struct charon_err *err);
	/* a flash image: the stub's copy in RAM, past the start of RAM */
	uint64_t flash_copy_offset;
	/*
	 * the image in the boot format's own container (x86_64: a PVH ELF
	 * loading it at b->stub_addr); NULL: the image is the file
	 */
	int (*wrap)(const struct charon_boot *b, const uint8_t *img,
		    size_t len, void **out, size_t *out_len,
		    struct charon_err *err);
};

struct charon_arch {
	const char *name;		/* "arm64": --arch, file names */
	uint16_t id;			/* CHARON_ARCH_* */
	size_t hdr_off;			/* CHARON_HDR_OFF_*: the stub header */
	enum charon_endian endian;	/* the stub's byte order */
	const char *kernel_format;	/* for messages: "an arm64 Image" */
	const char *kernel_file;	/* the kernel segment's workdir name */
	bool uses_dtb;			/* the machine comes from a DTB */
	enum charon_live_arch live;
	/* the long options only this arch takes (NULL-terminated) */
	const char *const *options;
	/*
	 * why another arch's options do not apply here, for the message
	 * ("--el2: not with --arch x86_64 (it is arm64's, arm's; NOTE)");
	 * NULL: "--entry32: only with --arch x86_64"
	 */
	const char *foreign_note;
	struct charon_arch_qemu qemu;
	struct charon_arch_image image;

	/* the arch's rules for the command line's options (the CLI asks) */
	int (*check_opts)(const struct charon_boot_opts *o,
			  struct charon_err *err);

	/* --- the plan's steps (core/plan.c), NULL: none ----------------- */
	int (*read_kernel)(const struct charon_boot_opts *o,
			   struct charon_boot *b, struct charon_err *err);
	int (*machine)(const struct charon_boot_opts *o,
		       struct charon_boot *b, const uint8_t *dtb,
		       struct charon_err *err);
	int (*boot_room)(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 size_t *room, struct charon_err *err);
	int (*place)(const struct charon_boot_opts *o, struct charon_boot *b,
		     size_t room, struct charon_err *err);
	int (*placed)(const struct charon_boot_opts *o, struct charon_boot *b,
		      struct charon_err *err);
	int (*boot_data)(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_err *err);
	int (*fill_next)(const struct charon_boot_opts *o,
			 struct charon_boot *b, struct charon_err *err);
	/* the stub places itself, in place(), not at the top of RAM */
	bool stub_placed;
	/* kdump (core/crash-plan.c), NULL: the generic rule */
	void (*crash_usable)(const struct charon_boot_opts *o,
			     struct charon_boot *b, const uint8_t *dtb);
	void (*crash_placed)(const struct charon_boot_opts *o,
			     struct charon_boot *b,
			     const struct charon_segment *hdr,
			     const struct charon_segment *backup);
	/* the ELF core header's alignment; 0: a page */
	uint64_t crash_hdr_align;
	void (*free)(struct charon_boot *b);

	/* --- around the plan -------------------------------------------- */
	/* the segment labels --flip-bit may name, after kernel and initrd */
	const char *const *(*flip_labels)(const struct charon_boot_opts *o);
	/* the plan's arch lines, after the layout table */
	void (*print_plan)(const struct charon_boot *b, FILE *f);
	/*
	 * rows of the layout table with nothing loaded (the footprint a
	 * decompressor writes, a backup copy's destination); Return: how
	 * many, at most @max
	 */
	unsigned int (*unloaded_rows)(const struct charon_boot *b,
				      struct charon_plan_row *rows,
				      unsigned int max);
	/* charon qemu: learn the machine (DTB, e820 map), before the plan */
	int (*qemu_machine)(struct charon_qemu_run *q,
			    struct charon_boot_opts *o,
			    struct charon_err *err);
	/* charon qemu: the stub as the file QEMU's -kernel starts */
	int (*qemu_stub_file)(const struct charon_boot *b, void **out,
			      size_t *len, struct charon_err *err);
	/* inspect: next.arch of a filled parameter block */
	void (*print_params)(const struct charon_params *p, FILE *f);
	/* inspect: the stub's boot-format header, as firmware sees it */
	void (*print_stub)(const uint8_t *buf, size_t len, FILE *f);
	/*
	 * inspect: a kernel file of this arch's format; -ENOENT when it is
	 * not one (the next arch is asked)
	 */
	int (*inspect_kernel)(const char *name, const uint8_t *buf,
			      size_t len, uint64_t ram_base, uint64_t ram_size,
			      FILE *f, struct charon_err *err);
};

const struct charon_arch *charon_arch_by_name(const char *name);
const struct charon_arch *charon_arch_by_id(uint16_t id);
const struct charon_arch *charon_arch_next(const struct charon_arch *a);
const struct charon_arch *charon_arch_native(void);
const char *charon_arch_name(uint16_t id);
void charon_arch_list(char *buf, size_t len, bool (*which)(
			      const struct charon_arch *a, const void *arg),
		      const void *arg);
const char *charon_arch_option_owner(const char *option, char *buf,
				     size_t len);
bool charon_arch_takes(const struct charon_arch *a, const char *option);

#endif /* CHARON_ARCH_H */
