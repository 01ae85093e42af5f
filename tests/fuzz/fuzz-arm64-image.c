// SPDX-License-Identifier: MIT
/*
 * The arm64 Image: charon_arm64_image_open() on the whole input (plain,
 * or gzip inflated and parsed), and the gzip path itself with a small
 * bound so that inflating stays fast.
 */
#include <charon/gzip.h>
#include <charon/image-arm64.h>

#include "fuzz.h"

#define FUZZ_GUNZIP_MAX	((size_t)16 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct charon_err err = { "" };
	struct charon_arm64_image img;
	uint8_t *out = NULL;
	size_t out_len = 0;

	fuzz_quiet();
	if (!charon_arm64_image_open("fuzz", data, size, &img, &err)) {
		charon_arm64_image_free(&img);
	}
	if (charon_is_gzip(data, size) &&
	    !charon_gunzip("fuzz", data, size, FUZZ_GUNZIP_MAX, &out, &out_len,
			   &err)) {
		if (out_len > FUZZ_GUNZIP_MAX) {
			abort();
		}
		/* parse reads the buffer and does not keep it */
		charon_arm64_image_parse("fuzz (inflated)", out, out_len, &img,
					 &err);
		free(out);
	}
	return 0;
}
