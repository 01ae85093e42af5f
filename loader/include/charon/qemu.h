/* SPDX-License-Identifier: MIT */
/* The QEMU back-end: machine device tree from QEMU, the run command line. */
#ifndef CHARON_QEMU_H
#define CHARON_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <charon/arch.h>
#include <charon/err.h>

struct charon_boot_opts;

/* a growable, NULL-terminated argument vector */
struct charon_argv {
	char **v;
	size_t n;
	size_t cap;
};

int charon_argv_add(struct charon_argv *a, const char *s);
int charon_argv_addf(struct charon_argv *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void charon_argv_free(struct charon_argv *a);
void charon_argv_print(const struct charon_argv *a, FILE *f);

struct charon_qemu_machine {
	const char *binary;	/* qemu-system-aarch64 / -arm / -x86_64 */
	const char *machine;	/* virt; x86_64: q35 */
	const char *cpu;	/* cortex-a57 / cortex-a15; NULL: no -cpu */
	const char *smp;	/* 1 */
	const char *memory;	/* 1G */
	bool el2;		/* virtualization=on: EL2 (arm64), HYP (arm) */
	/*
	 * how a test-exit leaves QEMU: isa-debug-exit at this I/O port
	 * (x86_64), or semihosting when 0 (arm, arm64) unless opal_exit
	 * (ppc64 powernv: the stub powers the machine off through OPAL, no
	 * device needed)
	 */
	uint16_t debug_exit_port;
	bool opal_exit;
	const char *kernel;	/* -kernel FILE (x86_64: the PVH stub;
				   ppc64: the stub ELF skiboot starts) */
};

/* where charon puts QEMU's isa-debug-exit on x86_64 */
#define CHARON_QEMU_X86_EXIT_PORT	0xf4u

/* one -device loader */
struct charon_qemu_load {
	const char *file;	/* NULL: only set the PC */
	uint64_t addr;
	bool set_pc;		/* cpu-num=0 */
};

/*
 * QEMU's arm boot code loads the machine's own DTB at the start of RAM
 * even without -kernel (for firmware); virt's is 1 MiB.  The layout keeps
 * out of it.
 */
#define CHARON_QEMU_DTB_RESERVE	((uint64_t)1 << 20)

/* what charon qemu knows of the run before the plan (arch.h: qemu_machine) */
struct charon_qemu_run {
	struct charon_qemu_machine m;
	const char *workdir;
	char dtb[4096];		/* a tree the machine step dumped or found */
	char log[4096];		/* QEMU's output while it did */
	char machine_name[96];	/* the machine, for messages */
	bool usage_error;	/* the failure is the options': exit 2 */
};

void charon_qemu_defaults(const struct charon_arch *a,
			  struct charon_qemu_machine *m);
int charon_qemu_base_argv(const struct charon_qemu_machine *m,
			  const char *dumpdtb, struct charon_argv *a);
int charon_qemu_run_argv(const struct charon_qemu_machine *m,
			 const struct charon_qemu_load *loads, size_t nr,
			 char *const *extra, size_t nr_extra,
			 struct charon_argv *a, struct charon_err *err);
int charon_qemu_dumpdtb(const struct charon_qemu_machine *m,
			const char *out, const char *log,
			struct charon_err *err);
int charon_qemu_virt_machine(struct charon_qemu_run *q,
			     struct charon_boot_opts *o,
			     struct charon_err *err);
int charon_parse_mem_size(const char *s, uint64_t *bytes);

#endif /* CHARON_QEMU_H */
