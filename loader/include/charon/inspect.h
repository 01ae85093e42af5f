/* SPDX-License-Identifier: MIT */
/* charon inspect: describe a stub image or a kernel image. */
#ifndef CHARON_INSPECT_H
#define CHARON_INSPECT_H

#include <stdint.h>
#include <stdio.h>

#include <charon/err.h>
#include <charon/image-arm.h>
#include <charon/image-arm64.h>
#include <charon/image-ppc64.h>
#include <charon/image-x86.h>
#include <charon/stub.h>

/* QEMU virt's RAM, for a zImage's footprint when none is given */
#define CHARON_INSPECT_RAM_BASE	0x40000000ull
#define CHARON_INSPECT_RAM_SIZE	((uint64_t)1 << 30)

struct charon_inspect_opts {
	uint64_t ram_base;	/* RAM for a zImage's footprint */
	uint64_t ram_size;
};

void charon_print_stub(const struct charon_stub *stub, FILE *f);
void charon_print_arm64_image(const char *name,
			      const struct charon_arm64_image *img, FILE *f);
void charon_print_x86_image(const char *name,
			    const struct charon_x86_image *img, FILE *f);
void charon_print_ppc64_image(const char *name,
			      const struct charon_ppc64_image *img, FILE *f);
void charon_print_zimage(const char *name, const struct charon_zimage *zi,
			 uint64_t ram_base, uint64_t ram_size, FILE *f);
int charon_inspect(const char *path, const struct charon_inspect_opts *o,
		   FILE *f, struct charon_err *err);

#endif /* CHARON_INSPECT_H */
