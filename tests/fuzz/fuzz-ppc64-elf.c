// SPDX-License-Identifier: MIT
/*
 * The ppc64 vmlinux ELF, as the ppc64 plan reads it: charon_ppc64_image_
 * parse(), the stub's flags, charon_ppc64_kernel_add() in one RAM range
 * from 0, the raw image, the dynamic relocations with the __kcrctab rule,
 * and --prerelocate for the base kernel_add() chose.
 *
 * Input: u8 flags (bit 0 run at load), u8 RAM size in 256 MiB units
 * (0: 256 MiB), u8 the base's alignment as 64 KiB << (n % 8), then the
 * ELF.  The raw image is built only up to 64 MiB (the parser allows 2 GiB:
 * fine for the loader, too much memory for a fuzzer).
 */
#include <charon/image-ppc64.h>
#include <charon/kcrctab.h>

#include "fuzz.h"

#define FUZZ_RAW_MAX	((uint64_t)64 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	bool run_at_load = fuzz_take(&in, 1) & 1;
	uint64_t ram = ((fuzz_take(&in, 1) & 0xff) ?: 1) << 28;
	uint64_t align = CHARON_PPC64_KERNEL_ALIGN << (fuzz_take(&in, 1) % 8);
	struct charon_err err = { "" };
	struct charon_ppc64_image img;
	struct charon_ppc64_place place;
	struct charon_elf_rela rela;
	struct charon_kcrctab rule;
	static struct charon_layout l;
	uint8_t *buf = fuzz_copy(&in), *raw;
	size_t raw_len;

	fuzz_quiet();
	if (!buf || charon_ppc64_image_parse("fuzz", buf, in.n, &img, &err)) {
		free(buf);
		return 0;
	}
	charon_ppc64_flags(&img, run_at_load);
	/* as the plan does: without "run0", placed as if it could run at load */
	img.run0 |= run_at_load;
	if (!charon_ppc64_elf_rela("fuzz", &img, &rela, &err)) {
		if (!charon_kcrctab_rule("fuzz", &rela, &rule, &err)) {
			charon_kcrctab_free(&rule);
		}
		charon_elf_rela_free(&rela);
	}
	memset(&l, 0, sizeof(l));
	if (charon_layout_add_ram(&l, 0, ram, &err) ||
	    charon_ppc64_kernel_add(&l, &img, run_at_load, 0, align, &place,
				    &err)) {
		place.addr = 0;
	}
	if (img.mem_size <= FUZZ_RAW_MAX) {
		if (!charon_ppc64_image_raw("fuzz", &img, &raw, &raw_len, &err)) {
			free(raw);
		}
		if (place.addr &&
		    !charon_ppc64_prerelocate("fuzz", &img, place.addr, &raw,
					      &raw_len, &rule, &err)) {
			free(raw);
			charon_kcrctab_free(&rule);
		}
	}
	charon_ppc64_image_free(&img);
	free(buf);
	return 0;
}
