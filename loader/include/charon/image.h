/* SPDX-License-Identifier: MIT */
/*
 * The chainloader image (core/image.c, docs/chainloader.md): the stub,
 * its filled block, a chain descriptor and the payloads in one file.
 */
#ifndef CHARON_IMAGE_H
#define CHARON_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include <charon/boot.h>
#include <charon/err.h>

uint64_t charon_image_len(const struct charon_boot_opts *o,
			  const struct charon_boot *b, size_t dtb_len);
int charon_image_build(const struct charon_boot_opts *o, struct charon_boot *b,
		       const uint8_t *dtb, size_t dtb_len, uint8_t **out,
		       size_t *len, struct charon_err *err);

#endif /* CHARON_IMAGE_H */
