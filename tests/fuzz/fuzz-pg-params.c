// SPDX-License-Identifier: MIT
/*
 * The stub's own check of the parameter block, built for the host:
 * purgatory/verify.c's pg_check_params() with x86_64's
 * arch_check_params(), in the order pg_main() runs them: the header
 * check, the console taken from a trusted header, then the whole block.
 * After a block passes, the lookups the later steps use.
 *
 * Input: u8 the entry path (bit 0: PVH, where arch_init() limits the
 * stub to the first 4 GiB), then the block as the loader wrote it
 * (little-endian, the host's order; zero-padded when short).
 */
#include <purgatory/arch.h>
#include <purgatory/pg.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern uint32_t x86_entry_path;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct charon_params p;
	struct charon_console con;
	unsigned int i;

	if (size < 1) {
		return 0;
	}
	/* arch_init()'s effect, without its control-register reads */
	x86_entry_path = data[0] & 1;
	arch_addr_limit = x86_entry_path ? 0xffffffffull : ~0ull;
	memset(&p, 0, sizeof(p));
	memcpy(&p, data + 1, size - 1 < sizeof(p) ? size - 1 : sizeof(p));

	if (pg_params_header_ok(&p)) {
		/*
		 * The console as given, except memory-mapped ones: the stub
		 * would write to that address, which on the host is not a
		 * UART.  I/O-port consoles go to the shim's ports.
		 */
		con = p.console;
		if (con.kind == CHARON_CON_PL011 ||
		    con.kind == CHARON_CON_NS16550_MMIO) {
			con.kind = CHARON_CON_NONE;
		}
		pg_console_init(&con);
	}
	if (pg_check_params(&p)) {
		return 0;
	}
	for (i = 0; i < p.nr_regions; i++) {
		pg_region_holding(&p, p.regions[i].start, p.regions[i].len);
		pg_region_overlapping(&p, p.regions[i].start, 1);
	}
	pg_region_holding(&p, p.next.entry, 1);
	pg_overlaps_stub(p.next.entry, 1);
	return 0;
}
