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

/* <dir of this program>/../REL */
int beside_exe(const char *rel, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		return -ENOENT;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash) {
		return -ENOENT;
	}
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/../%s", exe, rel) >= len) {
		return -ENAMETOOLONG;
	}
	return 0;
}

/* $VAR if set and not empty, else <charon's dir>/../REL */
const char *env_or_beside(const char *var, const char *rel, char *buf,
				 size_t len)
{
	const char *v = getenv(var);

	if (v && *v) {
		return v;
	}
	return beside_exe(rel, buf, len) ? NULL : buf;
}

/*
 * The stub when --stub did not name one (*path NULL): $CHARON_STUB if set
 * and not empty, else <dir of this program>/../ARCH/charon-stub.bin in buf.
 * Says so and returns EXIT_RUNTIME if there is none; -1 otherwise.
 */
int find_stub(const char *arch, const char **path, char *buf, size_t len)
{
	char rel[64];

	if (!*path) {
		*path = getenv("CHARON_STUB");
	}
	if (*path && **path) {
		return -1;
	}
	snprintf(rel, sizeof(rel), "%s/charon-stub.bin", arch);
	if (beside_exe(rel, buf, len)) {
		fprintf(stderr, "charon: error: cannot find the stub next to this program; use --stub\n");
		return EXIT_RUNTIME;
	}
	*path = buf;
	return -1;
}

static bool is_label(const char *s, size_t n, const char *label)
{
	return n == strlen(label) && !strncmp(s, label, n);
}

bool valid_flip(const char *s, bool have_initrd, bool atags, bool x86)
{
	size_t n = strcspn(s, ":");

	if (is_label(s, n, "kernel") ||
	    (is_label(s, n, "initrd") && have_initrd)) {
		return true;
	}
	if (x86) {
		return is_label(s, n, "boot_params") ||
		       is_label(s, n, "cmdline");
	}
	return (is_label(s, n, "dtb") && !atags) ||
	       (is_label(s, n, "atags") && atags);
}

struct shown {
	const char *name;
	uint64_t start, len, reserved;
	const char *file;
};

/* arm: where the zImage decompresses, and the registers */
static void print_arm(const struct charon_boot *b, FILE *f)
{
	const struct charon_boot_arm *arm = &b->kernel.arm;
	const struct charon_zimage *zi = &arm->zimage;
	const struct charon_zimage_fp *fp = &arm->fp;
	const struct charon_boot_seg *r2 = &b->seg[b->nr_seg - 1];

	fprintf(f, "charon: zImage at 0x%llx decompresses to 0x%llx (base 0x%llx + TEXT_OFFSET 0x%llx): kernel 0x%llx + bss 0x%llx; decompressor 0x%llx + heap 0x%llx %s; footprint [0x%llx, 0x%llx)\n",
		(ull)fp->load, (ull)fp->kernel_hi, (ull)fp->base,
		(ull)zi->text_hi, (ull)zi->out_size,
		(ull)(zi->kernel_size - zi->out_size), (ull)zi->run_size,
		(ull)zi->malloc_used,
		fp->relocates ? "copied past the kernel" : "in place",
		(ull)fp->start, (ull)arm->fp_end);
	fprintf(f, "charon: entry 0x%llx, r0 = 0, r1 = 0x%llx, r2 = %s 0x%llx, console %s at 0x%llx, PSCI %s, fail policy %s%s\n",
		(ull)b->params.next.entry, (ull)b->params.next.regs[1],
		r2->label, (ull)b->params.next.regs[2],
		charon_console_kind_name(b->params.console.kind),
		(ull)b->params.console.base,
		charon_psci_name(b->psci),
		charon_fail_policy_name(b->params.fail_policy),
		b->params.flags & CHARON_F_VERBOSE ? ", verbose" : "");
}

/* x86_64: where the kernel went, how it is entered, the backup copy */
static void print_x86(const struct charon_boot *b, FILE *f)
{
	const struct charon_boot_x86 *x = &b->kernel.x86;
	const struct charon_x86_image *img = &x->img;

	fprintf(f, "charon: kernel at 0x%llx (%s 0x%llx), init_size 0x%x; %s boot protocol, entry 0x%llx, %s = boot_params 0x%llx\n",
		(ull)x->place.kernel.addr,
		x->place.kernel.at_pref ? "pref_address" :
		"pref_address taken or unusable:",
		(ull)img->pref_address, img->init_size,
		x->entry32 ? "32-bit" : "64-bit", (ull)b->params.next.entry,
		x->entry32 ? "esi" : "rsi", (ull)b->params.next.regs[0]);
	if (x->backup_len) {
		fprintf(f, "charon: kdump backup: the stub copies 0x%llx bytes from 0x%llx to 0x%llx before the jump\n",
			(ull)x->backup_len, (ull)x->backup_src,
			(ull)x->backup_dst);
	}
	fprintf(f, "charon: console %s at 0x%llx, test-exit port 0x%llx, fail policy %s%s\n",
		charon_console_kind_name(b->params.console.kind),
		(ull)b->params.console.base,
		(ull)b->params.next.arch.raw[CHARON_X86_EXIT_PORT],
		charon_fail_policy_name(b->params.fail_policy),
		b->params.flags & CHARON_F_VERBOSE ? ", verbose" : "");
}

/* ppc64: the kernel's shape, the registers, OPAL, run-at-load */
static void print_ppc64(const struct charon_boot *b, FILE *f)
{
	const struct charon_boot_ppc64 *pp = &b->kernel.ppc64;
	const struct charon_ppc64_image *img = &pp->img;
	const struct charon_params *p = &b->params;

	fprintf(f, "charon: kernel: %s %s %s vmlinux, %srelocatable, %s; at 0x%llx, %s\n",
		img->endian == CHARON_LE ? "little-endian" : "big-endian",
		img->abi == 1 ? "ELFv1" : img->abi == 2 ? "ELFv2" :
		"ELF (no ABI in e_flags)",
		img->type == 2 ? "ET_EXEC" : "ET_DYN",
		img->relocatable ? "" : "not ",
		img->run0 ? "\"run0\" at 0x5c" : "no \"run0\" at 0x5c",
		(ull)pp->place.addr,
		pp->place.run_at_load ?
		"run at load (the stub writes 1 to its \"run0\" word)" :
		"copies itself to 0");
	/* p_offset 0: kexec, the kernel enters the stub's entry block */
	fprintf(f, "charon: kept out below 0x%llx (%s)",
		(ull)pp->place.low_end,
		pp->place.run_at_load ? "the kernel's exception vectors" :
		"the kernel's copy of itself");
	if (pp->p_offset) {
		fprintf(f, "; the stub ELF's headers at [0x%llx, 0x%llx)",
			(ull)CHARON_POWERNV_KERNEL_ADDR, (ull)b->stub_addr);
	}
	fputc('\n', f);
	if (pp->prerelocated) {
		fprintf(f, "charon: prerelocated for 0x%llx: %zu relocations; __kcrctab: %s%s%s\n",
			(ull)pp->place.addr, img->nr_rela,
			charon_kcrctab_case_name(pp->kcrctab.which),
			pp->kcrctab.why[0] ? ": " : "", pp->kcrctab.why);
	}
	fprintf(f, "charon: entry 0x%llx (%s of the stub at 0x%llx + 0x%x), r3 = dtb 0x%llx, r4 = 0x%llx, r5 = 0, OPAL base 0x%llx entry 0x%llx%s, flags 0x%llx, console %s terminal %llu, fail policy %s%s\n",
		(ull)p->next.entry,
		pp->p_offset ? "firmware entry" : "kexec entry, the block",
		(ull)b->stub_addr,
		pp->p_offset ? b->stub.hdr.entry2_offset : 0,
		(ull)p->next.regs[0],
		(ull)p->next.regs[1],
		(ull)p->next.arch.raw[CHARON_PPC64_OPAL_BASE],
		(ull)p->next.arch.raw[CHARON_PPC64_OPAL_ENTRY],
		pp->opal_live ? " (from /proc/device-tree)" :
		pp->opal_known ? " (from the tree)" :
		" (not in the tree: the stub uses r8/r9)",
		(ull)p->next.arch.raw[CHARON_PPC64_FLAGS],
		charon_console_kind_name(p->console.kind),
		(ull)p->console.base,
		charon_fail_policy_name(p->fail_policy),
		p->flags & CHARON_F_VERBOSE ? ", verbose" : "");
}

void print_layout(const struct charon_boot *b, const char *stub_file,
			 char (*files)[PATH_MAX], FILE *f)
{
	struct shown s[CHARON_BOOT_MAX_SEGS + 2], t;
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
	if (b->arch == CHARON_ARCH_ARM) {
		/* nothing loaded: what the decompressor will overwrite */
		s[n].name = "footprint";
		s[n].start = b->kernel.arm.fp.start;
		s[n].len = b->kernel.arm.fp_end - s[n].start;
		s[n].reserved = s[n].len;
		s[n++].file = "-";
	}
	if (b->arch == CHARON_ARCH_X86_64 && b->kernel.x86.backup_len) {
		/* nothing loaded: where the stub copies the kdump backup */
		s[n].name = "backup";
		s[n].start = b->kernel.x86.backup_dst;
		s[n].len = b->kernel.x86.backup_len;
		s[n].reserved = s[n].len;
		s[n++].file = "-";
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
	if (b->arch == CHARON_ARCH_ARM) {
		print_arm(b, f);
		return;
	}
	if (b->arch == CHARON_ARCH_X86_64) {
		print_x86(b, f);
		return;
	}
	if (b->arch == CHARON_ARCH_PPC64LE || b->arch == CHARON_ARCH_PPC64) {
		print_ppc64(b, f);
		return;
	}
	fprintf(f, "charon: entry 0x%llx, x0 = dtb 0x%llx, console %s at 0x%llx, PSCI %s, fail policy %s%s\n",
		(ull)b->params.next.entry, (ull)b->params.next.regs[0],
		charon_console_kind_name(b->params.console.kind),
		(ull)b->params.console.base,
		charon_psci_name(b->psci),
		charon_fail_policy_name(b->params.fail_policy),
		b->params.flags & CHARON_F_VERBOSE ? ", verbose" : "");
}
