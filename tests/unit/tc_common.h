/* SPDX-License-Identifier: MIT */
/* tc_fail() and tc_check_mem(), shared by both runners */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tc.h"

void tc_fail(struct tc *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	t->failures++;
	fprintf(stderr, "  FAIL %s (%s:%d): ", t->name, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void tc_hex(const char *tag, const uint8_t *p, size_t n)
{
	size_t i;

	fprintf(stderr, "       %s ", tag);
	for (i = 0; i < n && i < 64; i++) {
		fprintf(stderr, "%02x", p[i]);
	}
	fprintf(stderr, "%s\n", n > 64 ? "..." : "");
}

int tc_check_mem(struct tc *t, const char *file, int line, const void *got,
		 const void *want, size_t len, const char *what, size_t arg)
{
	if (!memcmp(got, want, len)) {
		return 1;
	}
	tc_fail(t, file, line, "%s (%zu) differs", what, arg);
	tc_hex("got: ", got, len);
	tc_hex("want:", want, len);
	return 0;
}
