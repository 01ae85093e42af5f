/* SPDX-License-Identifier: MIT */
/* ppc64's plan steps (plan.c), for its registry entries (ops.c). */
#ifndef CHARON_ARCH_PPC64_H
#define CHARON_ARCH_PPC64_H

#include <stdio.h>

#include <gelf.h>
#include <libelf.h>

#include <charon/boot.h>

int charon_ppc64_section_ok(const char *name, const char *sn, size_t idx,
			    const GElf_Shdr *sh, size_t len,
			    struct charon_err *err);
Elf *charon_ppc64_open_elf(const char *name, const uint8_t *buf, size_t len,
			   struct charon_err *err);
int charon_ppc64_read_kernel(const struct charon_boot_opts *o,
			     struct charon_boot *b, struct charon_err *err);
int charon_ppc64_machine(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_err *err);
void charon_ppc64_crash_usable(const struct charon_boot_opts *o,
			       struct charon_boot *b, const uint8_t *dtb);
void charon_ppc64_crash_placed(const struct charon_boot_opts *o,
			       struct charon_boot *b,
			       const struct charon_segment *hdr,
			       const struct charon_segment *backup);
int charon_ppc64_image_wrap(const struct charon_boot *b, const uint8_t *img,
			    size_t len, void **out, size_t *out_len,
			    struct charon_err *err);
int charon_ppc64_place(const struct charon_boot_opts *o, struct charon_boot *b,
		       size_t dtb_room, struct charon_err *err);
int charon_ppc64_boot_data(const struct charon_boot_opts *o,
			   struct charon_boot *b, const uint8_t *dtb,
			   struct charon_err *err);
int charon_ppc64_fill_next(const struct charon_boot_opts *o,
			   struct charon_boot *b, struct charon_err *err);
void charon_ppc64_free_kernel(struct charon_boot *b);
int charon_ppc64_stub_file(const struct charon_boot *b, void **out,
			   size_t *out_len, struct charon_err *err);
int charon_ppc64_qemu_machine(struct charon_qemu_run *q,
			      struct charon_boot_opts *o,
			      struct charon_err *err);

#endif /* CHARON_ARCH_PPC64_H */
