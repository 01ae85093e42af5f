// SPDX-License-Identifier: MIT
/*
 * The arm zImage: charon_zimage_parse(), then, as the arm plan and
 * `charon inspect` do, charon_zimage_place() in one RAM range below
 * 4 GiB, charon_zimage_footprint() at RAM + 0x8000 (kexec-tools' load
 * address) and the two kexec rules.
 *
 * Input: u32 RAM base (4 KiB units are kept), u32 RAM size, u32 the
 * reserved head of RAM (load_min - base, reduced modulo the size), then
 * the zImage.
 */
#include <charon/image-arm.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint64_t base = fuzz_take(&in, 4) & ~0xfffull;
	uint64_t ram = fuzz_take(&in, 4) & ~0xfffull;
	uint64_t head = fuzz_take(&in, 4);
	struct charon_err err = { "" };
	struct charon_zimage_fp fp;
	struct charon_zimage zi = { 0 };	/* parse leaves zi.data alone */

	fuzz_quiet();
	if (charon_zimage_parse("fuzz", in.p, in.n, &zi, &err)) {
		return 0;
	}
	/* the callers' RAM: non-empty, ending at or below 4 GiB */
	if (ram && base + ram <= CHARON_ZIMAGE_ADDR_LIMIT) {
		charon_zimage_place("fuzz", &zi, base, base + ram,
				    base + head % ram, &fp, &err);
		charon_zimage_footprint(&zi, base + 0x8000, &fp);
		charon_zimage_kexec_fixed_end(&zi, base);
		charon_zimage_kexec_ratio_end(&zi, base);
	}
	charon_zimage_free(&zi);
	return 0;
}
