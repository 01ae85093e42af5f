/* SPDX-License-Identifier: MIT */
/*
 * kdump's inputs from the running system (backend/crash.c): what goes into
 * the ELF core header charon writes for the dump kernel (charon/elfcore.h).
 */
#ifndef CHARON_CRASH_H
#define CHARON_CRASH_H

#include <stdint.h>

#include <charon/arch.h>
#include <charon/elfcore.h>
#include <charon/err.h>
#include <charon/live.h>

int charon_crash_read(const char *root, uint16_t arch,
		      const struct charon_live *lv, struct charon_elfcore *c,
		      struct charon_err *err);

#endif /* CHARON_CRASH_H */
