/* SPDX-License-Identifier: MIT */
/* arm's plan steps (plan.c), for its registry entry (ops.c). */
#ifndef CHARON_ARCH_ARM_H
#define CHARON_ARCH_ARM_H

#include <stdio.h>

#include <charon/boot.h>

int charon_arm_read_kernel(const struct charon_boot_opts *o,
			   struct charon_boot *b, struct charon_err *err);
int charon_arm_machine(const struct charon_boot_opts *o, struct charon_boot *b,
		       const uint8_t *dtb, struct charon_err *err);
int charon_arm_boot_room(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 size_t *room, struct charon_err *err);
int charon_arm_place(const struct charon_boot_opts *o, struct charon_boot *b,
		     size_t room, struct charon_err *err);
void charon_arm_crash_placed(const struct charon_boot_opts *o,
			     struct charon_boot *b,
			     const struct charon_segment *hdr,
			     const struct charon_segment *backup);
int charon_arm_placed(const struct charon_boot_opts *o, struct charon_boot *b,
		      struct charon_err *err);
int charon_arm_boot_data(const struct charon_boot_opts *o,
			 struct charon_boot *b, const uint8_t *dtb,
			 struct charon_err *err);
int charon_arm_fill_next(const struct charon_boot_opts *o,
			 struct charon_boot *b, struct charon_err *err);
void charon_arm_free_kernel(struct charon_boot *b);

#endif /* CHARON_ARCH_ARM_H */
