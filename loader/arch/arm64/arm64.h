/* SPDX-License-Identifier: MIT */
/* arm64's plan steps (plan.c), for its registry entry (ops.c). */
#ifndef CHARON_ARCH_ARM64_H
#define CHARON_ARCH_ARM64_H

#include <charon/boot.h>

int charon_arm64_read_kernel(const struct charon_boot_opts *o,
			     struct charon_boot *b, struct charon_err *err);
int charon_arm64_place(const struct charon_boot_opts *o,
		       struct charon_boot *b, size_t dtb_room,
		       struct charon_err *err);
int charon_arm64_placed(const struct charon_boot_opts *o,
			struct charon_boot *b, struct charon_err *err);
int charon_arm64_fill_next(const struct charon_boot_opts *o,
			   struct charon_boot *b, struct charon_err *err);
void charon_arm64_free_kernel(struct charon_boot *b);

#endif /* CHARON_ARCH_ARM64_H */
