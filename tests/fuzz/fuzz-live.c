// SPDX-License-Identifier: MIT
/*
 * What `charon load` reads from the running system, from buffers:
 * /proc/iomem (charon_iomem_parse()), the command line's serial port
 * (charon_live_com_port()), /sys/firmware/memmap's entries
 * (charon_memmap_entry(), then charon_e820_build() over them), the EFI
 * systab's RSDP (charon_systab_rsdp()) and a /proc/device-tree number
 * (charon_live_be_number()).
 *
 * Input: u8 which (n % 5), then the text or bytes.  For the memmap, the
 * text is split at NUL bytes into start, end, type, start, ... (at most
 * CHARON_BP_E820_MAX entries), as the files of memmap/0, memmap/1, ...
 */
#include <charon/bootparams.h>
#include <charon/live.h>

#include "fuzz.h"

static void memmap(const uint8_t *p, size_t n)
{
	static struct charon_e820_entry e[CHARON_BP_E820_MAX];
	static struct charon_e820 map;
	struct charon_err err = { "" };
	char *t = fuzz_text(p, n), *f[3], *s;
	unsigned int nr = 0, k;

	if (!t) {
		return;
	}
	s = t;
	while (nr < CHARON_BP_E820_MAX) {
		for (k = 0; k < 3; k++) {
			if (s > t + n) {
				break;
			}
			f[k] = s;
			s += strlen(s) + 1;
		}
		if (k < 3 || charon_memmap_entry(nr, f[0], f[1], f[2], &e[nr],
						 &err)) {
			break;
		}
		nr++;
	}
	if (nr) {
		charon_e820_build("fuzz", e, nr, &map, &err);
	}
	free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int which = (unsigned int)(fuzz_take(&in, 1) % 5);
	struct charon_err err = { "" };
	static struct charon_live lv;
	uint16_t port;
	uint64_t v;
	char *t;

	fuzz_quiet();
	switch (which) {
	case 0:
	case 1:
	case 3:
		t = fuzz_text(in.p, in.n);
		if (!t) {
			return 0;
		}
		if (which == 0) {
			memset(&lv, 0, sizeof(lv));
			charon_iomem_parse("fuzz", t, &lv, &err);
		} else if (which == 1) {
			/* charon_live_read() keeps at most this much */
			t[strnlen(t, CHARON_LIVE_CMDLINE_LEN - 1)] = '\0';
			charon_live_com_port(t, &port);
		} else {
			charon_systab_rsdp(t);
		}
		free(t);
		break;
	case 2:
		memmap(in.p, in.n);
		break;
	default:
		charon_live_be_number("fuzz", in.p, in.n, &v, &err);
		break;
	}
	return 0;
}
