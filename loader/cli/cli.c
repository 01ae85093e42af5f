// SPDX-License-Identifier: MIT
/*
 * What the charon CLI's commands share (cli.h).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <abi/params.h>
#include <charon/boot.h>
#include <charon/digest.h>
#include <charon/util.h>

#include "cli.h"

typedef unsigned long long ull;

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "charon%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'charon %s%s--help'.\n", cmd ? cmd : "",
		cmd ? " " : "");
	return EXIT_USAGE;
}

int runtime_error(const struct charon_err *err)
{
	fprintf(stderr, "charon: error: %s\n", err->msg);
	return EXIT_RUNTIME;
}

/*
 * What getopt_long() refused (@c is ':' or '?'), named as the user wrote
 * it.  optind has moved past a long option but not past a short one in a
 * group ("-xh"); optopt is 0 for an unknown long option and the option's
 * value for a known one given a value it does not take ("--el2=yes").
 */
int bad_option(const char *cmd, int c, const struct option *opts,
		      char *const *argv)
{
	const char *arg = argv[optind - 1];
	const struct option *o;

	if (c == ':') {
		return usage_error(cmd, "option %s needs a value", arg);
	}
	for (o = opts; optopt && o->name; o++) {
		if (o->val == optopt) {
			return usage_error(cmd, "option --%s takes no value (%s)",
					   o->name, arg);
		}
	}
	if (optopt) {
		return usage_error(cmd, "unknown option -%c", optopt);
	}
	return usage_error(cmd, "unknown option %s", arg);
}

/*
 * The stub when --stub did not name one (*path NULL): $@env if set and not
 * empty, else <dir of this program>/../ARCH/@file in buf.  Says so and
 * returns EXIT_RUNTIME if there is none; -1 otherwise.
 */
int find_stub(const struct charon_arch *a, const char *file, const char *env,
	      const char **path, char *buf, size_t len)
{
	char rel[96];

	if (!*path) {
		*path = getenv(env);
	}
	if (*path && **path) {
		return -1;
	}
	snprintf(rel, sizeof(rel), "%s/%s", a->name, file);
	if (charon_beside_exe(rel, buf, len)) {
		fprintf(stderr, "charon: error: cannot find %s next to this program; use --stub\n",
			rel);
		return EXIT_RUNTIME;
	}
	*path = buf;
	return -1;
}

/* --arch NAME from the registry; Return: -1 to go on, else the exit code */
int parse_arch(const char *cmd, const char *name, const struct charon_arch **a)
{
	char all[128];

	*a = charon_arch_by_name(name);
	if (*a) {
		return -1;
	}
	charon_arch_list(all, sizeof(all), NULL, NULL);
	return usage_error(cmd, "--arch %s: not supported (supported: %s)",
			   name, all);
}

/*
 * The arch-only options given (long names, without "--") that the chosen
 * arch does not take, the --dtb of an arch without a device tree, and the
 * arch's own rules; Return: -1 to go on, else the exit code.
 */
int check_arch_options(const char *cmd, const struct charon_boot_opts *o,
		       const char *const *given, unsigned int nr_given)
{
	const struct charon_arch *a = o->arch;
	struct charon_err err = { "" };
	char owners[128];
	unsigned int i;

	for (i = 0; i < nr_given; i++) {
		if (charon_arch_takes(a, given[i]) ||
		    !charon_arch_option_owner(given[i], owners,
					      sizeof(owners))) {
			continue;
		}
		if (a->foreign_note) {
			return usage_error(cmd, "--%s: not with --arch %s (it is for --arch %s; %s)",
					   given[i], a->name, owners,
					   a->foreign_note);
		}
		return usage_error(cmd, "--%s: only with --arch %s", given[i],
				   owners);
	}
	if (o->dtb_path && !a->uses_dtb) {
		return usage_error(cmd, "--dtb: not with --arch %s (%s)",
				   a->name, a->foreign_note ? a->foreign_note :
				   "its kernel gets no device tree");
	}
	if (a->check_opts && a->check_opts(o, &err)) {
		return usage_error(cmd, "%s", err.msg);
	}
	return -1;
}

static bool is_label(const char *s, size_t n, const char *label)
{
	return n == strlen(label) && !strncmp(s, label, n);
}

/*
 * Every --flip-bit names a segment the plan will have: kernel, initrd
 * (with --initrd) or one of the arch's; Return: -1 to go on, else the
 * exit code.
 */
int check_flips(const char *cmd, const struct charon_boot_opts *o,
		const char *const *flip, int nr_flip)
{
	const char *const *labels = o->arch->flip_labels ?
				    o->arch->flip_labels(o) : NULL;
	const char *const *l;
	char names[128];
	uint64_t off;
	size_t n = 0;
	int i;

	names[0] = '\0';
	for (l = labels; l && *l; l++) {
		n += (size_t)snprintf(names + n, sizeof(names) - n, ", %s",
				      *l);
	}
	for (i = 0; i < nr_flip; i++) {
		size_t len = strcspn(flip[i], ":");
		bool ok = is_label(flip[i], len, "kernel") ||
			  (is_label(flip[i], len, "initrd") && o->initrd_path);

		for (l = labels; !ok && l && *l; l++) {
			ok = is_label(flip[i], len, *l);
		}
		if (ok && flip[i][len] == ':' &&
		    charon_parse_u64(flip[i] + len + 1, &off)) {
			return usage_error(cmd, "--flip-bit %s: OFFSET \"%s\" is not a number (decimal or 0x hex)",
					   flip[i], flip[i] + len + 1);
		}
		if (!ok) {
			return usage_error(cmd, "--flip-bit %s: expected LABEL[:OFFSET] with LABEL kernel%s%s",
					   flip[i], names,
					   o->initrd_path ? " or initrd" :
					   " (or initrd, with --initrd)");
		}
	}
	return -1;
}

struct shown {
	const char *name;
	uint64_t start, len, reserved;
	const char *file;
};

void print_layout(const struct charon_boot *b, const char *stub_file,
			 char (*files)[PATH_MAX], FILE *f)
{
	struct shown s[CHARON_BOOT_MAX_SEGS + 4], t;
	char ram[256];
	unsigned int i, j, n = 0;
	int w = 9;	/* the name column: "footprint" */

	for (i = 0; i < b->nr_seg; i++) {
		s[n].name = b->seg[i].label;
		s[n].start = b->seg[i].addr;
		s[n].len = b->seg[i].len;
		s[n].reserved = b->seg[i].mem_size;
		s[n++].file = files[i];
	}
	s[n].name = "stub";
	s[n].start = b->stub_addr;
	s[n].len = b->stub.len;
	s[n].reserved = b->stub_size;
	s[n++].file = stub_file;
	if (b->arch->unloaded_rows) {
		struct charon_plan_row rows[2];
		unsigned int k, nr = b->arch->unloaded_rows(b, rows, 2);

		for (k = 0; k < nr; k++) {
			s[n].name = rows[k].name;
			s[n].start = rows[k].start;
			s[n].len = rows[k].len;
			s[n].reserved = rows[k].len;
			s[n++].file = "-";
		}
	}
	/* kdump's backup copy, where the arch shows none itself */
	for (i = 0; b->backup_len && i < b->layout.nr_seg; i++) {
		const struct charon_segment *bs = &b->layout.seg[i];

		for (j = 0; j < n && strcmp(s[j].name, "backup"); j++) {
		}
		if (!strcmp(bs->name, "backup") && j == n) {
			s[n].name = "backup";
			s[n].start = bs->addr;
			s[n].len = b->backup_len;
			s[n].reserved = bs->size;
			s[n++].file = "-";
		}
	}
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && s[j - 1].start > s[j].start; j--) {
			t = s[j];
			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	}
	for (i = 0; i < n; i++) {
		if (strlen(s[i].name) > (size_t)w) {
			w = (int)strlen(s[i].name);
		}
	}
	charon_layout_ram_str(&b->layout, ram, sizeof(ram));
	fprintf(f, "charon: layout, RAM %s:\n", ram);
	fprintf(f, "  %-*s %-18s %-18s %-10s %-10s %s\n", w, "segment",
		"start", "end", "size", "reserved", "file");
	for (i = 0; i < n; i++) {
		fprintf(f, "  %-*s 0x%016llx 0x%016llx 0x%-8llx 0x%-8llx %s\n",
			w, s[i].name, (ull)s[i].start,
			(ull)(s[i].start + s[i].len), (ull)s[i].len,
			(ull)s[i].reserved, s[i].file);
	}
	b->arch->print_plan(b, f);
}
