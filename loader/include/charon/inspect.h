/* SPDX-License-Identifier: MIT */
/* charon inspect: describe a stub image or a kernel image. */
#ifndef CHARON_INSPECT_H
#define CHARON_INSPECT_H

#include <stdio.h>

#include <charon/err.h>
#include <charon/image-arm64.h>
#include <charon/stub.h>

void charon_print_stub(const struct charon_stub *stub, FILE *f);
void charon_print_arm64_image(const char *name,
			      const struct charon_arm64_image *img, FILE *f);
int charon_inspect(const char *path, FILE *f, struct charon_err *err);

#endif /* CHARON_INSPECT_H */
