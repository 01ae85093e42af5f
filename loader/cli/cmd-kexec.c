// SPDX-License-Identifier: MIT
/*
 * charon load / exec / unload / status: the stub as the purgatory of a
 * Linux kexec_load(2), on the machine that is running (docs/kexec.md).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <abi/params.h>
#include <charon/boot.h>
#include <charon/crash.h>
#include <charon/elfcore.h>
#include <charon/file.h>
#include <charon/kexec.h>
#include <charon/live.h>
#include <charon/util.h>

#include "cli.h"

typedef unsigned long long ull;

/* what `charon load` leaves for `charon status`, under the root */
#define STATE_DIR	"/run/charon"
#define STATE_FILE	"/run/charon/kexec"
#define STATE_FILE_CRASH "/run/charon/kexec-crash"

const char load_usage[] =
"Usage: charon load --kernel FILE [--initrd FILE] [--append STRING]\n"
"                   [--reuse-cmdline] [--dtb FILE] [OPTIONS]\n"
"\n"
"Load a kernel for kexec through the charon stub, on this machine: lay out\n"
"the kernel, initrd and device tree (x86_64: boot_params and the command\n"
"line) in the RAM /proc/iomem shows, fill the stub's parameter block with\n"
"their SHA-256 and hand them and the stub to kexec_load(2).  `charon exec`\n"
"then boots it: the stub verifies every segment before it jumps.\n"
"\n"
"Inputs:\n"
"  --kernel FILE        arm64: Image (plain or gzip); arm: zImage; x86_64:\n"
"                       bzImage; ppc64le, ppc64: vmlinux ELF (required)\n"
"  --initrd FILE        initramfs/initrd (/sys/firmware/initrd, the running\n"
"                       one, when booted with retain_initrd)\n"
"  --append STRING      the command line (after /proc/cmdline with\n"
"                       --reuse-cmdline); default empty\n"
"  --reuse-cmdline      start from the running kernel's /proc/cmdline\n"
"  --dtb FILE           arm, arm64, ppc64: the device tree to edit (default:\n"
"                       /sys/firmware/fdt, the one firmware booted us with)\n"
"  --stub FILE          stub image (default: $CHARON_STUB, else\n"
"                       <charon's dir>/../ARCH/charon-stub.bin)\n"
"  --stub-addr ADDR     load the stub at ADDR (default: top of RAM; x86_64:\n"
"                       top of the RAM below 4 GiB)\n"
"  --entry32            x86_64: enter the kernel by the 32-bit protocol\n"
"  --run-at-load        ppc64: the kernel runs where it is loaded\n"
"  --prerelocate        ppc64: apply the kernel's relocations here\n"
"  --arch ARCH          plan for ARCH (only with --dry-run; default: the\n"
"                       arch this charon runs on)\n"
"\n"
"Stub behaviour:\n"
"  --fail POLICY        on a verification failure: halt (default), reset,\n"
"                       poweroff or test-exit\n"
"  --verbose-stub       the stub prints each region as it verifies it\n"
"\n"
"Run:\n"
"  -p, --crash          load the crash kernel (KEXEC_ON_CRASH) into the\n"
"                       crashkernel= region, with charon's ELF core header:\n"
"                       the panicking kernel boots it (docs/kdump.md)\n"
"  --dry-run            plan and print, do not call kexec_load(2)\n"
"  --root DIR           read proc/ and sys/ under DIR instead of / (tests,\n"
"                       or planning from a copy of another machine's)\n"
"  -v, --verbose        also print the kexec segments as passed to the kernel\n"
"  --dump DIR           write each segment's bytes to DIR/LABEL (and the\n"
"                       stub's as DIR/stub), as they are loaded\n"
"  -h, --help           this text\n"
"\n"
"Test hooks (they make the boot fail on purpose):\n"
"  --flip-bit LABEL[:OFFSET]  after hashing, flip bit 0 of byte OFFSET\n"
"                       (default: the middle) of segment LABEL (kernel,\n"
"                       initrd, dtb; x86_64: kernel, initrd, boot_params,\n"
"                       cmdline) as loaded: the stub must refuse it\n"
"\n"
"Needs root, a kernel with CONFIG_KEXEC, kexec_load_disabled 0 and no\n"
"lockdown.  Manual: docs/kexec.md.\n";

const char exec_usage[] =
"Usage: charon exec\n"
"\n"
"Sync the filesystems and reboot into the loaded kernel (reboot(2) with\n"
"LINUX_REBOOT_CMD_KEXEC).  Like `kexec -e`, it does not stop services\n"
"first; call it from your shutdown sequence for a clean one.\n";

const char unload_usage[] =
"Usage: charon unload [-p|--crash]\n"
"\n"
"Drop the loaded kernel, if any (kexec_load(2) with no segments); with\n"
"--crash, the loaded crash kernel.\n";

const char status_usage[] =
"Usage: charon status\n"
"\n"
"Say whether a kernel is loaded (/sys/kernel/kexec_loaded) and a crash\n"
"kernel (/sys/kernel/kexec_crash_loaded) and, for what charon loaded, what:\n"
"the files, command line and segments.\n";

struct load_args {
	const char *arch;		/* --arch, as given */
	struct charon_boot_opts boot;
	const char *append;
	bool reuse_cmdline;
	bool crash;			/* --crash: KEXEC_ON_CRASH */
	bool dry_run;
	bool verbose;
	const char *root;
	const char *dump;		/* --dump DIR */
	const char *flip[MAX_HOOKS];
	int nr_flip;
	const char *given[8];		/* the arch-only options given */
	unsigned int nr_given;
};

enum {
	OPT_ARCH = 0x100, OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_REUSE,
	OPT_DTB, OPT_STUB, OPT_STUB_ADDR, OPT_FAIL, OPT_VERBOSE_STUB,
	OPT_DRY_RUN, OPT_ROOT, OPT_FLIP_BIT, OPT_ENTRY32, OPT_RUN_AT_LOAD,
	OPT_PRERELOCATE, OPT_DUMP,
};

static const struct option load_opts[] = {
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "stub", required_argument, NULL, OPT_STUB },
	{ "stub-addr", required_argument, NULL, OPT_STUB_ADDR },
	{ "fail", required_argument, NULL, OPT_FAIL },
	{ "verbose-stub", no_argument, NULL, OPT_VERBOSE_STUB },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "crash", no_argument, NULL, 'p' },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "dump", required_argument, NULL, OPT_DUMP },
	{ "flip-bit", required_argument, NULL, OPT_FLIP_BIT },
	{ "entry32", no_argument, NULL, OPT_ENTRY32 },
	{ "run-at-load", no_argument, NULL, OPT_RUN_AT_LOAD },
	{ "prerelocate", no_argument, NULL, OPT_PRERELOCATE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* options that only make sense for some arches, and the hooks' labels */
static int check_load(const char *cmd, struct load_args *l)
{
	const struct charon_arch *native = charon_arch_native();
	int rc;

	if (l->arch) {
		rc = parse_arch(cmd, l->arch, &l->boot.arch);
		if (rc >= 0) {
			return rc;
		}
	} else if (!native) {
		return usage_error(cmd, "this charon was built for an arch it cannot kexec; give --arch with --dry-run");
	} else {
		l->boot.arch = native;
	}
	if (!l->dry_run && l->boot.arch != native) {
		return usage_error(cmd, "--arch %s: this charon runs on %s and can kexec only that (use --dry-run to plan for another arch)",
				   l->boot.arch->name,
				   native ? native->name : "an arch charon does not support");
	}
	if (!l->boot.kernel_path) {
		return usage_error(cmd, "--kernel is required");
	}
	rc = check_arch_options(cmd, &l->boot, l->given, l->nr_given);
	return rc >= 0 ? rc : check_flips(cmd, &l->boot, l->flip, l->nr_flip);
}

/* the options; -1 to go on, else the exit code */
static int parse_load(int argc, char **argv, struct load_args *l)
{
	const char *cmd = "load";
	int c;

	l->root = "";
	l->boot.fail_policy = CHARON_FAIL_HALT;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hvp", load_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(load_usage, stdout);
			return 0;
		case 'v':
			l->verbose = true;
			break;
		case OPT_ARCH:
			l->arch = optarg;
			break;
		case OPT_KERNEL:
			l->boot.kernel_path = optarg;
			break;
		case OPT_INITRD:
			l->boot.initrd_path = optarg;
			break;
		case OPT_APPEND:
			l->append = optarg;
			break;
		case OPT_REUSE:
			l->reuse_cmdline = true;
			break;
		case OPT_DTB:
			l->boot.dtb_path = optarg;
			break;
		case OPT_STUB:
			l->boot.stub_path = optarg;
			break;
		case OPT_STUB_ADDR:
			if (charon_parse_u64(optarg, &l->boot.stub_addr)) {
				return usage_error(cmd, "--stub-addr %s: expected an address (0x... or decimal)",
						   optarg);
			}
			l->boot.stub_addr_fixed = true;
			break;
		case OPT_FAIL:
			if (charon_fail_policy_parse(optarg,
						     &l->boot.fail_policy)) {
				return usage_error(cmd, "--fail %s: expected halt, reset, poweroff or test-exit",
						   optarg);
			}
			break;
		case OPT_VERBOSE_STUB:
			l->boot.flags |= CHARON_F_VERBOSE;
			break;
		case OPT_DRY_RUN:
			l->dry_run = true;
			break;
		case 'p':
			l->crash = true;
			break;
		case OPT_DUMP:
			l->dump = optarg;
			break;
		case OPT_ROOT:
			l->root = optarg;
			break;
		case OPT_FLIP_BIT:
			if (l->nr_flip == MAX_HOOKS) {
				return usage_error(cmd, "--flip-bit given more than %d times",
						   MAX_HOOKS);
			}
			l->flip[l->nr_flip++] = optarg;
			break;
		case OPT_ENTRY32:
			l->boot.x86.entry32 = true;
			l->given[l->nr_given++] = "entry32";
			break;
		case OPT_RUN_AT_LOAD:
			l->boot.ppc64.run_at_load = true;
			l->given[l->nr_given++] = "run-at-load";
			break;
		case OPT_PRERELOCATE:
			l->boot.ppc64.prerelocate = true;
			l->given[l->nr_given++] = "prerelocate";
			break;
		default:
			return bad_option(cmd, c, load_opts, argv);
		}
	}
	if (optind < argc) {
		return usage_error(cmd, "unexpected argument '%s'",
				   argv[optind]);
	}
	return check_load(cmd, l);
}

/* @s without its crashkernel= words (a dump kernel reserves none) */
static void drop_crashkernel(const char *s, char *out, size_t len)
{
	size_t n = 0, w;

	out[0] = '\0';
	while (*s) {
		s += strspn(s, " ");
		w = strcspn(s, " ");
		if (w && strncmp(s, "crashkernel=", 12) && n + w + 2 < len) {
			n += (size_t)snprintf(out + n, len - n, "%s%.*s",
					      n ? " " : "", (int)w, s);
		}
		s += w;
	}
}

/* what --crash puts on the line for the arches that read it there */
#define ELFCOREHDR_SLOT	"elfcorehdr=0x0000000000000000"

/*
 * --reuse-cmdline and --append, joined; --crash: without crashkernel=,
 * and (but on arm64, whose tree says it) with elfcorehdr= to fill in
 */
static int make_cmdline(const struct load_args *l, const struct charon_live *lv,
			char *buf, size_t len, char **digits,
			struct charon_err *err)
{
	static char reused[CHARON_LIVE_CMDLINE_LEN];
	const char *head = l->reuse_cmdline ? lv->cmdline : "";
	const char *tail = l->append ? l->append : "";
	bool slot = l->crash && l->boot.arch->id != CHARON_ARCH_ARM64;
	int n;

	if (l->reuse_cmdline && lv->cmdline_len >= sizeof(lv->cmdline)) {
		return charon_errf(err, -E2BIG,
				   "--reuse-cmdline: /proc/cmdline is %zu bytes, longer than the %zu charon takes",
				   lv->cmdline_len, sizeof(lv->cmdline) - 1);
	}
	if (l->crash) {
		drop_crashkernel(head, reused, sizeof(reused));
		head = reused;
	}
	n = snprintf(buf, len, "%s%s%s%s%s", head, *head && *tail ? " " : "",
		     tail, slot && (*head || *tail) ? " " : "",
		     slot ? ELFCOREHDR_SLOT : "");
	if (n < 0 || (size_t)n >= len) {
		return charon_errf(err, -E2BIG,
				   "command line: longer than %zu bytes",
				   len - 1);
	}
	*digits = slot ? buf + n - 16 : NULL;
	return 0;
}

/* --crash: the region, and what the ELF core header is made of */
static int crash_inputs(const struct load_args *l,
			const struct charon_live *lv,
			struct charon_elfcore *core, struct charon_err *err)
{
	bool ppc = l->boot.arch->live == CHARON_LIVE_PPC64;

	if (!lv->nr_crash) {
		return charon_errf(err, -ENOENT,
				   "--crash: no crash kernel region is reserved (%s): boot the running kernel with crashkernel=SIZE, e.g. crashkernel=256M (docs/kdump.md)",
				   ppc ? "/proc/device-tree/chosen/linux,crashkernel-base and -size are missing or 0" :
				   "/proc/iomem has no \"Crash kernel\"");
	}
	return charon_crash_read(l->root, l->boot.arch->id, lv, core, err);
}

/*
 * kexec_load(2) wants segments aligned to the running kernel's pages (64
 * KiB on Debian's ppc64el); planning for another arch, assume 4 KiB
 */
static uint64_t page_size(const struct load_args *l)
{
	long n = sysconf(_SC_PAGESIZE);

	if (l->boot.arch == charon_arch_native() && n > 0 && !(n & (n - 1))) {
		return (uint64_t)n;
	}
	return 4096;
}

static void print_segments(const struct charon_kexec *k, FILE *f)
{
	unsigned int i;

	fprintf(f, "charon: kexec segments (entry 0x%llx):\n", (ull)k->entry);
	for (i = 0; i < k->nr; i++) {
		fprintf(f, "  %-24s mem 0x%016llx memsz 0x%-9llx bufsz 0x%zx\n",
			k->seg[i].label, (ull)k->seg[i].mem,
			(ull)k->seg[i].memsz, k->seg[i].bufsz);
	}
}

/* -v: what the plan kept out and why, and where console and PSCI came from */
static void print_keepouts(const struct charon_boot *b, FILE *f)
{
	const struct charon_layout *l = &b->layout;
	unsigned int i;

	fprintf(f, "charon: kept out of the layout:\n");
	for (i = 0; i < l->nr_seg; i++) {
		if (l->seg[i].place != CHARON_PLACE_KEEPOUT) {
			continue;
		}
		fprintf(f, "  [0x%016llx, 0x%016llx) %s\n",
			(ull)l->seg[i].addr,
			(ull)(l->seg[i].addr + l->seg[i].size), l->seg[i].name);
	}
	if (!strncmp(b->console.path, "ACPI", 4)) {
		fprintf(f, "charon: the device tree names no console: pl011 or 16550 from ACPI SPCR\n");
	}
	if (b->psci_acpi) {
		fprintf(f, "charon: the device tree names no PSCI: the conduit from ACPI FACP's ARM boot flags\n");
	}
}

/* --dump DIR: the segments' bytes, one file each */
static int dump_segments(const char *dir, const struct charon_boot *b,
			 struct charon_err *err)
{
	char path[PATH_MAX];
	unsigned int i;
	int rc;

	rc = charon_mkdir_p("--dump", dir, err);
	for (i = 0; !rc && i <= b->nr_seg; i++) {
		const char *label = i < b->nr_seg ? b->seg[i].label : "stub";

		rc = charon_join(path, sizeof(path), dir, label, err);
		rc = rc ?: charon_write_file(path,
					     i < b->nr_seg ? b->seg[i].data :
					     b->stub.image,
					     i < b->nr_seg ? b->seg[i].len :
					     b->stub.len, err);
	}
	return rc;
}

/* what `charon status` shows; a failure only warns */
static void write_state(const char *root, const struct load_args *l,
			const struct charon_boot *b,
			const struct charon_kexec *k)
{
	struct charon_err err;
	char run[512], dir[512], file[512];
	size_t n = 0, len = 8192;
	unsigned int i;
	char *text;

	if (charon_live_path(root, "/run", run, sizeof(run), &err) ||
	    charon_live_path(root, STATE_DIR, dir, sizeof(dir), &err) ||
	    charon_live_path(root, l->crash ? STATE_FILE_CRASH : STATE_FILE,
			     file, sizeof(file), &err)) {
		return;
	}
	text = malloc(len);
	if (!text) {
		return;
	}
#define ADD(...) \
	(n += (size_t)snprintf(text + n, n < len ? len - n : 0, __VA_ARGS__))
	ADD("arch: %s\nkernel: %s%s\n", l->boot.arch->name, l->boot.kernel_path,
	    l->crash ? " (crash kernel, KEXEC_ON_CRASH)" : "");
	ADD("initrd: %s\n", l->boot.initrd_path ? l->boot.initrd_path :
	    "(none)");
	if (l->boot.arch->uses_dtb) {
		ADD("dtb: %s\n", l->boot.dtb_path);
	}
	ADD("cmdline: %s\n", l->boot.bootargs);
	ADD("fail policy: %s\n",
	    charon_fail_policy_name(b->params.fail_policy));
	ADD("entry: 0x%llx (the stub's kexec entry)\n", (ull)k->entry);
	for (i = 0; i < b->params.nr_regions; i++) {
		ADD("region %-12.*s 0x%016llx 0x%-9llx sha256 ", CHARON_LABEL_LEN,
		    b->params.regions[i].label,
		    (ull)b->params.regions[i].start,
		    (ull)b->params.regions[i].len);
		for (unsigned int j = 0; j < 32; j++) {
			ADD("%02x", b->params.regions[i].sha256[j]);
		}
		ADD("\n");
	}
#undef ADD
	mkdir(run, 0755);	/* an initramfs may have no /run */
	mkdir(dir, 0755);
	if (n >= len || charon_write_file(file, text, n, &err)) {
		charon_warnf("cannot record what was loaded in %s (charon status will not show it)",
			     file);
	}
	free(text);
}

int cmd_load(int argc, char **argv)
{
	static char files[CHARON_BOOT_MAX_SEGS][PATH_MAX];
	static char cmdline[CHARON_LIVE_CMDLINE_LEN + sizeof(ELFCOREHDR_SLOT)];
	static struct charon_elfcore core;
	static struct charon_live lv;
	struct load_args l = { 0 };
	struct charon_err err = { "" };
	struct charon_kexec k = { 0 };
	char stub_default[PATH_MAX], dtb[PATH_MAX];
	struct charon_boot b;
	unsigned int i;
	int rc;

	rc = parse_load(argc, argv, &l);
	if (rc >= 0) {
		return rc;
	}
	rc = find_stub(l.boot.arch, "charon-stub.bin", "CHARON_STUB",
		       &l.boot.stub_path, stub_default,
		       sizeof(stub_default));
	if (rc >= 0) {
		return rc;
	}
	if (!l.dry_run && charon_kexec_preflight(l.root, &err)) {
		return runtime_error(&err);
	}
	rc = charon_live_read(l.root, l.boot.arch->live, &lv, &err);
	lv.page = page_size(&l);
	rc = rc ?: make_cmdline(&l, &lv, cmdline, sizeof(cmdline),
				&l.boot.elfcorehdr_digits, &err);
	if (!rc && l.crash) {
		rc = crash_inputs(&l, &lv, &core, &err);
		l.boot.crash = true;
		l.boot.core = &core;
		/* the dump kernel runs where it was loaded, not at 0 */
		l.boot.ppc64.run_at_load = true;
	}
	if (!rc && l.boot.arch->uses_dtb && !l.boot.dtb_path) {
		rc = charon_live_path(l.root, "/sys/firmware/fdt", dtb,
				      sizeof(dtb), &err);
		l.boot.dtb_path = dtb;
		if (!rc && access(dtb, R_OK)) {
			rc = charon_errf(&err, -ENOENT,
					 "%s: missing (the running kernel did not keep the tree firmware gave it); give --dtb",
					 dtb);
		}
	}
	if (rc) {
		return runtime_error(&err);
	}
	l.boot.live = &lv;
	l.boot.bootargs = cmdline;

	rc = charon_boot_prepare(&l.boot, &b, &err);
	for (i = 0; !rc && i < (unsigned int)l.nr_flip; i++) {
		rc = charon_boot_flip_bit(&b, l.flip[i], &err);
	}
	rc = rc ?: charon_kexec_build(&b, lv.page, &k, &err);
	if (rc) {
		charon_kexec_free(&k);
		charon_boot_free(&b);
		return runtime_error(&err);
	}
	for (i = 0; i < b.nr_seg; i++) {
		snprintf(files[i], sizeof(files[i]), "%s%s",
			 b.seg[i].src_path, b.seg[i].modified ? " (edited)" :
			 "");
	}
	print_layout(&b, l.boot.stub_path, files, stdout);
	if (l.verbose) {
		print_keepouts(&b, stdout);
		print_segments(&k, stdout);
	}
	if (l.dump && dump_segments(l.dump, &b, &err)) {
		charon_kexec_free(&k);
		charon_boot_free(&b);
		return runtime_error(&err);
	}
	if (!l.dry_run) {
		rc = charon_kexec_load(&k, l.root, l.crash, &err);
		if (!rc) {
			write_state(l.root, &l, &b, &k);
			if (l.crash) {
				printf("charon: loaded the crash kernel, %u segments, entry 0x%llx: a panic boots it\n",
				       k.nr, (ull)k.entry);
			} else {
				printf("charon: loaded %u segments, entry 0x%llx; `charon exec` boots it\n",
				       k.nr, (ull)k.entry);
			}
		}
	}
	charon_kexec_free(&k);
	charon_boot_free(&b);
	fflush(stdout);
	return rc ? runtime_error(&err) : 0;
}

/* a command without options but -h */
static int no_options(const char *cmd, const char *usage, int argc,
		      char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "--help"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc > 1) {
		return usage_error(cmd, "unexpected argument '%s'", argv[1]);
	}
	return -1;
}

int cmd_exec(int argc, char **argv)
{
	struct charon_err err = { "" };
	int rc = no_options("exec", exec_usage, argc, argv);

	bool loaded;

	if (rc >= 0) {
		return rc;
	}
	if (charon_kexec_preflight("", &err) ||
	    charon_kexec_loaded("", false, &loaded, &err)) {
		return runtime_error(&err);
	}
	if (loaded) {
		printf("charon: rebooting into the loaded kernel\n");
		fflush(NULL);
	}
	charon_kexec_reboot("", &err);
	return runtime_error(&err);
}

int cmd_unload(int argc, char **argv)
{
	struct charon_err err = { "" };
	bool crash = argc == 2 && (!strcmp(argv[1], "--crash") ||
				   !strcmp(argv[1], "-p"));
	int rc = no_options("unload", unload_usage, crash ? 1 : argc, argv);
	char file[512];

	if (rc >= 0) {
		return rc;
	}
	if (charon_kexec_preflight("", &err) ||
	    charon_kexec_unload("", crash, &err)) {
		return runtime_error(&err);
	}
	if (!charon_live_path("", crash ? STATE_FILE_CRASH : STATE_FILE, file,
			      sizeof(file), &err)) {
		unlink(file);
	}
	printf("charon: %s\n", crash ? "crash kernel unloaded" : "unloaded");
	return 0;
}

/* "WHAT: loaded" and charon's record of it, or "WHAT: not loaded" */
static void show_state(const char *what, bool loaded, const char *file)
{
	struct charon_err err;
	uint8_t *text;
	size_t len;

	if (!loaded) {
		printf("%s: not loaded\n", what);
		return;
	}
	printf("%s: loaded\n", what);
	if (charon_read_file(file, 1 << 16, &text, &len, &err)) {
		printf("(not by this charon: %s has no record)\n", file);
		return;
	}
	fwrite(text, 1, len, stdout);
	free(text);
}

int cmd_status(int argc, char **argv)
{
	struct charon_err err = { "" };
	int rc = no_options("status", status_usage, argc, argv);
	bool loaded;

	if (rc >= 0) {
		return rc;
	}
	if (charon_kexec_loaded("", false, &loaded, &err)) {
		return runtime_error(&err);
	}
	show_state("kexec", loaded, STATE_FILE);
	/* a kernel without CONFIG_CRASH_DUMP has no such file: say so */
	if (charon_kexec_loaded("", true, &loaded, &err)) {
		printf("kexec crash: unknown (%s)\n", err.msg);
		return 0;
	}
	show_state("kexec crash", loaded, STATE_FILE_CRASH);
	return 0;
}
