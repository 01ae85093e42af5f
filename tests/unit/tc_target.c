// SPDX-License-Identifier: MIT
/*
 * Runner for the cross-built target test programs (run under qemu-user).
 * Prints one line per case and ends with "N passed, N failed".
 */
#include "tc_common.h"

int main(void)
{
	size_t i, passed = 0, failed = 0;

	for (i = 0; i < tc_ncases; i++) {
		struct tc t = { .name = tc_cases[i].name };

		tc_cases[i].fn(&t);
		printf("%s %s\n", t.failures ? "FAIL" : "ok  ", t.name);
		if (t.failures) {
			failed++;
		} else {
			passed++;
		}
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}
