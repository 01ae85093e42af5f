// SPDX-License-Identifier: MIT
/*
 * The stub image and the ABI codec: charon_stub_open() (the header found
 * by its arch, or detected), the parameter block read back out of an
 * opened stub, written and read again; and charon_params_decode() /
 * charon_header_decode() on raw bytes in both byte orders, each checked
 * to survive an encode/decode round trip unchanged.
 *
 * Input: u8 the expected CHARON_ARCH_* (n % 6; 0: detect), then the
 * stub image (also the raw bytes the codec reads, when long enough).
 */
#include <charon/stub.h>

#include "fuzz.h"

static void roundtrip(const uint8_t *raw, enum charon_endian e)
{
	static struct charon_params p, q;
	static uint8_t enc[CHARON_PARAMS_SIZE];
	struct charon_image_header h, g;

	charon_params_decode(raw, &p, e);
	charon_params_encode(&p, enc, e);
	charon_params_decode(enc, &q, e);
	if (memcmp(&p, &q, sizeof(p))) {
		abort();	/* the codec lost or moved a field */
	}
	charon_header_decode(raw, &h, e);
	charon_header_encode(&h, enc, e);
	charon_header_decode(enc, &g, e);
	if (memcmp(&h, &g, sizeof(h))) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint16_t arch = (uint16_t)(fuzz_take(&in, 1) % 6);
	struct charon_err err = { "" };
	static struct charon_params p;
	struct charon_stub stub;

	fuzz_quiet();
	if (in.n >= CHARON_PARAMS_SIZE) {
		roundtrip(in.p, CHARON_LE);
		roundtrip(in.p, CHARON_BE);
	}
	charon_stub_detect(in.p, in.n);
	if (charon_stub_open("fuzz", in.p, in.n, arch, &stub, &err)) {
		return 0;
	}
	if (charon_stub_params_empty(&stub)) {
		charon_params_init(&p);
	} else {
		charon_stub_read_params(&stub, &p);
	}
	charon_stub_write_params(&stub, &p);
	charon_stub_read_params(&stub, &p);
	charon_stub_free(&stub);
	return 0;
}
