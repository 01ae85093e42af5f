/* SPDX-License-Identifier: MIT */
/* x86_64's plan steps (plan.c), for its registry entry (ops.c). */
#ifndef CHARON_ARCH_X86_64_H
#define CHARON_ARCH_X86_64_H

#include <charon/boot.h>

int charon_x86_read_kernel(const struct charon_boot_opts *o,
			   struct charon_boot *b, struct charon_err *err);
int charon_x86_machine(const struct charon_boot_opts *o, struct charon_boot *b,
		       const uint8_t *dtb, struct charon_err *err);
int charon_x86_place(const struct charon_boot_opts *o, struct charon_boot *b,
		     size_t room, struct charon_err *err);
int charon_x86_placed(const struct charon_boot_opts *o, struct charon_boot *b,
		      struct charon_err *err);
int charon_x86_boot_data(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_err *err);
int charon_x86_fill_next(const struct charon_boot_opts *o,
			 struct charon_boot *b, struct charon_err *err);
void charon_x86_free_kernel(struct charon_boot *b);
int charon_x86_efi_place(const struct charon_boot_opts *o,
			 struct charon_boot *b, uint64_t max_end,
			 struct charon_err *err);
int charon_x86_efi_data(const struct charon_boot_opts *o,
			struct charon_boot *b, uint8_t *bp,
			struct charon_err *err);
int charon_x86_pvh_stub(const struct charon_boot *b, void **out,
			size_t *out_len, struct charon_err *err);

#endif /* CHARON_ARCH_X86_64_H */
