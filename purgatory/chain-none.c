// SPDX-License-Identifier: MIT
/*
 * The kexec stub (charon-stub) has no chainloader mode: libfdt and the
 * run-time tree edit are linked into charon-chain only (purgatory/chain.c),
 * so a block that asks for copies is refused by name.
 */
#include <purgatory/pg.h>

int pg_chain_check(const struct charon_params *p)
{
	if (p->chain_offset || p->nr_copies) {
		pg_print("charon: params: chain_offset 0x%x, %u copies: this "
			 "stub has no chainloader mode (charon image uses "
			 "charon-chain.bin)\n", p->chain_offset, p->nr_copies);
		return -PG_EPARAMS;
	}
	return 0;
}

int pg_chainload(const struct charon_params *p)
{
	(void)p;
	return -PG_EPARAMS;
}

int pg_chain_boot_data(const struct charon_params *p)
{
	(void)p;
	return -PG_EPARAMS;
}

int pg_chain_room_holds(const struct charon_params *p, uint64_t a,
			uint64_t n)
{
	(void)p;
	(void)a;
	(void)n;
	return 0;
}

void pg_chain_console(const struct charon_params *p)
{
	(void)p;
}
