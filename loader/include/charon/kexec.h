/* SPDX-License-Identifier: MIT */
/*
 * A boot plan as Linux's kexec_load(2) takes it: segments aligned to the
 * running kernel's page size,
 * the stub's entry as the image's start; loading, unloading, executing
 * and asking what is loaded, with errors that say why the kernel refused.
 */
#ifndef CHARON_KEXEC_H
#define CHARON_KEXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/boot.h>
#include <charon/err.h>

/* KEXEC_SEGMENT_MAX in include/uapi/linux/kexec.h */
#define CHARON_KEXEC_MAX_SEGS	16

struct charon_kexec_seg {
	char label[64];		/* "kernel", "boot_params+cmdline", "stub" */
	uint8_t *buf;		/* owned; starts at mem */
	size_t bufsz;
	uint64_t mem;		/* page aligned (the running kernel's pages) */
	uint64_t memsz;		/* page multiple; zero-filled past bufsz */
};

struct charon_kexec {
	struct charon_kexec_seg seg[CHARON_KEXEC_MAX_SEGS];
	unsigned int nr;
	uint64_t entry;		/* the stub's kexec entry */
};

int charon_kexec_build(const struct charon_boot *b, uint64_t page,
		       struct charon_kexec *k, struct charon_err *err);
void charon_kexec_free(struct charon_kexec *k);

int charon_kexec_preflight(const char *root, struct charon_err *err);
int charon_kexec_load(const struct charon_kexec *k, const char *root,
		      bool crash, struct charon_err *err);
int charon_kexec_unload(const char *root, bool crash, struct charon_err *err);
int charon_kexec_loaded(const char *root, bool crash, bool *loaded,
			struct charon_err *err);
int charon_kexec_reboot(const char *root, struct charon_err *err);

#endif /* CHARON_KEXEC_H */
