// SPDX-License-Identifier: MIT
/*
 * Helpers every libcharon unit test program links (test-loader and
 * test-loader-x86): byte-order writes and reads independent of the
 * library, caught warnings, temporary files, a one-range layout and where
 * the real kernels are.  Nothing here needs libfdt, OpenSSL or zlib.
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <charon/err.h>
#include <charon/layout.h>

#include "test_loader.h"

void tl_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void tl_le32(uint8_t *p, uint32_t v)
{
	tl_le16(p, (uint16_t)v);
	tl_le16(p + 2, (uint16_t)(v >> 16));
}

void tl_le64(uint8_t *p, uint64_t v)
{
	tl_le32(p, (uint32_t)v);
	tl_le32(p + 4, (uint32_t)(v >> 32));
}

uint32_t tl_rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t tl_rd64(const uint8_t *p)
{
	return tl_rd32(p) | (uint64_t)tl_rd32(p + 4) << 32;
}

char tl_last_warning[512];
int tl_nr_warnings;

static void catch_warning(const char *msg, void *arg)
{
	(void)arg;
	snprintf(tl_last_warning, sizeof(tl_last_warning), "%s", msg);
	tl_nr_warnings++;
}

void tl_catch_warnings(void)
{
	tl_last_warning[0] = '\0';
	tl_nr_warnings = 0;
	charon_set_warn_handler(catch_warning, NULL);
}

void tl_tmpdir(char *buf, size_t len)
{
	const char *t = getenv("TMPDIR");

	snprintf(buf, len, "%s/charon-test-XXXXXX", t && *t ? t : "/tmp");
	assert_non_null(mkdtemp(buf));
}

void tl_write(const char *dir, const char *name, const void *data,
	      size_t len, char *path, size_t path_len)
{
	FILE *f;

	snprintf(path, path_len, "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

void tl_rmdir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

void tl_layout(struct charon_layout *l, uint64_t start, uint64_t size)
{
	memset(l, 0, sizeof(*l));
	assert_int_equal(charon_layout_add_ram(l, start, size, NULL), 0);
}

bool tl_real_kernel(const char *arch, char *path, size_t len)
{
	const char *o = getenv("O");
	const char *env;
	char var[64];
	size_t i;

	snprintf(var, sizeof(var), "CHARON_KERNEL_%s", arch);
	for (i = 0; var[i]; i++) {
		if (var[i] >= 'a' && var[i] <= 'z') {
			var[i] = (char)(var[i] - 'a' + 'A');
		}
	}
	env = getenv(var);
	if (env && *env) {
		snprintf(path, len, "%s", env);
	} else {
		snprintf(path, len, "%s/kernels/%s/vmlinuz",
			 o && *o ? o : "build", arch);
	}
	return access(path, R_OK) == 0;
}

void tl_need_kernel(const char *arch, char *path, size_t len)
{
	const char *no = getenv("CHARON_NO_KERNELS");

	if (tl_real_kernel(arch, path, len)) {
		return;
	}
	if (no && !strcmp(no, "1")) {
		skip();
	}
	fail_msg("%s: no %s kernel; run scripts/fetch-kernels %s (or set CHARON_NO_KERNELS=1 to skip)",
		 path, arch, arch);
}
