// SPDX-License-Identifier: MIT
/* Runner for the host test programs: every case is a cmocka test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tc_common.h"

static void tc_cmocka_case(void **state)
{
	const struct tc_case *c = *state;
	struct tc t = { .name = c->name };

	c->fn(&t);
	assert_int_equal(t.failures, 0);
}

int main(void)
{
	struct CMUnitTest *tests = calloc(tc_ncases, sizeof(*tests));
	size_t i;
	int rc;

	if (!tests) {
		return 2;
	}
	for (i = 0; i < tc_ncases; i++) {
		tests[i].name = tc_cases[i].name;
		tests[i].test_func = tc_cmocka_case;
		tests[i].initial_state = (void *)&tc_cases[i];
	}
	rc = _cmocka_run_group_tests("unit", tests, tc_ncases, NULL, NULL);
	free(tests);
	return rc;
}
