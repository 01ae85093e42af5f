/* SPDX-License-Identifier: MIT */
/*
 * Device tree reading and editing, all through libfdt: RAM ranges,
 * existing reservations, the console behind /chosen stdout-path, the
 * arm/arm64 PSCI conduit, /chosen bootargs, and the edits a boot needs
 * (/chosen and /memreserve/).
 */
#ifndef CHARON_FDT_H
#define CHARON_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/params.h>
#include <charon/err.h>
#include <charon/layout.h>

/* arm64 booting.rst: the DTB must not exceed 2 MiB (arm uses it too) */
#define CHARON_FDT_MAX_SIZE	((size_t)2 << 20)
#define CHARON_FDT_MAX_RSV	8
#define CHARON_FDT_MAX_USABLE	4

/* what the console detection found, for messages and inspect */
struct charon_fdt_console {
	struct charon_console con;
	char path[128];		/* node path, "" if none */
	char compatible[64];	/* first compatible string */
};

struct charon_fdt_edit {
	const char *bootargs;	/* NULL: leave /chosen bootargs alone */
	bool initrd;		/* set linux,initrd-*; else remove them */
	uint64_t initrd_start;
	uint64_t initrd_end;
	struct charon_mem_range rsv[CHARON_FDT_MAX_RSV];	/* to add */
	unsigned int nr_rsv;
	/*
	 * the stub's range (size 0: none): a /memreserve/ entry, recorded
	 * in /chosen as CHARON_FDT_STUB_PROP so that the next edit of this
	 * tree (a kexec from the kernel it booted) drops it again
	 */
	struct charon_mem_range stub;
	/*
	 * kdump (size 0: none, and a stale one from the input tree is
	 * removed): /chosen linux,elfcorehdr, linux,usable-memory-range (the
	 * crash region; the dump kernel's RAM on arm and arm64) and every
	 * memory node's linux,usable-memory (ppc64, which reads no
	 * usable-memory-range), in the root's address and size cells
	 */
	struct charon_mem_range elfcorehdr;
	struct charon_mem_range usable[CHARON_FDT_MAX_USABLE];
	unsigned int nr_usable;
	bool usable_memory;	/* the ranges go into the memory nodes */
};

/* /chosen property: <u64 start, u64 size> of the stub's /memreserve/ */
#define CHARON_FDT_STUB_PROP	"charon,stub"

int charon_fdt_check(const char *name, const void *fdt, size_t len,
		     struct charon_err *err);
int charon_fdt_memory(const char *name, const void *fdt,
		      struct charon_layout *l, struct charon_err *err);
int charon_fdt_keepouts(const char *name, const void *fdt,
			struct charon_layout *l, struct charon_err *err);
int charon_fdt_console(const char *name, const void *fdt,
		       struct charon_fdt_console *out, struct charon_err *err);
int charon_fdt_psci(const char *name, const void *fdt, uint32_t *conduit,
		    struct charon_err *err);
int charon_fdt_bootargs(const char *name, const void *fdt, const char **out,
			struct charon_err *err);
int charon_fdt_old_stub_rsv(const void *fdt);
size_t charon_fdt_edit_room(const void *fdt, const struct charon_fdt_edit *e);
int charon_fdt_edit(const char *name, const void *fdt,
		    const struct charon_fdt_edit *e, void **out,
		    size_t *out_len, struct charon_err *err);

#endif /* CHARON_FDT_H */
