// SPDX-License-Identifier: MIT
/*
 * charon qemu: lay out the stub, the kernel, the initrd and the boot data
 * in a QEMU machine's RAM, fill the stub's parameter block and exec QEMU,
 * which starts the stub (docs/cli.md).  The arch's operations learn the
 * machine (its device tree, e820 map) and wrap the stub for -kernel.
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
#include <charon/file.h>
#include <charon/qemu.h>
#include <charon/util.h>

#include "cli.h"

const char qemu_usage[] =
"Usage: charon qemu --arch ARCH --kernel FILE [OPTIONS] [-- QEMU-ARGS...]\n"
"\n"
"Lay out the stub, the kernel, the initrd and the DTB (x86_64: boot_params\n"
"and the command line) in the machine's RAM, fill the stub's parameter block\n"
"(SHA-256 per segment) and exec QEMU, which starts the stub; the stub\n"
"verifies every segment and boots the kernel.\n"
"\n"
"Inputs:\n"
"  --arch ARCH          target architecture (required): arm64, arm, x86_64,\n"
"                       ppc64le or ppc64 (big-endian)\n"
"  --kernel FILE        arm64: Linux Image, plain or gzip-compressed;\n"
"                       arm: zImage; x86_64: bzImage; ppc64le, ppc64: a\n"
"                       vmlinux ELF, either byte order (required)\n"
"  --initrd FILE        initramfs/initrd\n"
"  --append STRING      kernel command line (arm, arm64, ppc64: /chosen\n"
"                       bootargs; x86_64: the cmdline segment, default empty)\n"
"  --dtb FILE           arm, arm64: device tree to edit (default: the\n"
"                       machine's own, from QEMU's -M ...,dumpdtb=); ppc64:\n"
"                       (default: skiboot's own, captured once per machine\n"
"                       configuration and cached, see docs/cli.md)\n"
"  --stub FILE          stub image (default: $CHARON_STUB, else\n"
"                       <charon's dir>/../ARCH/charon-stub.bin)\n"
"  --stub-addr ADDR     load the stub at ADDR (default: top of RAM;\n"
"                       x86_64: top of the RAM below 4 GiB; ppc64: where\n"
"                       skiboot runs it, 0x20000000 + p_offset, 64 KiB\n"
"                       aligned, default 0x20010000)\n"
"  --atags              arm: hand the kernel an ATAG list, not the DTB\n"
"  --machine-type N     arm, with --atags (required there): r1, the\n"
"                       board's number from arch/arm/tools/mach-types\n"
"  --entry32            x86_64: enter the kernel through the 32-bit boot\n"
"                       protocol (at code32_start, paging off), not the\n"
"                       64-bit one (at the load address + 0x200)\n"
"  --kdump-backup SRC,DST,LEN  x86_64: the kdump backup region: the stub\n"
"                       copies LEN bytes from SRC to DST after verifying,\n"
"                       just before the jump (for a crash kernel: SRC 0,\n"
"                       LEN 0xa0000, DST in its reserved RAM)\n"
"  --run-at-load        ppc64: the kernel runs where it is loaded (the stub\n"
"                       turns its \"run0\" word at 0x5c into 1), not copied\n"
"                       to 0\n"
"  --prerelocate        ppc64: apply the kernel's .rela.dyn here, for its\n"
"                       base (the __kcrctab rule decides what to skip)\n"
"\n"
"Machine (arm, arm64, ppc64: also used to dump or capture the DTB):\n"
"  --machine M          QEMU machine (default: virt; x86_64: q35, or pc;\n"
"                       ppc64: powernv9)\n"
"  --cpu C              CPU model (default: cortex-a57; arm: cortex-a15;\n"
"                       x86_64, ppc64: QEMU's own)\n"
"  --smp N              CPUs (default: 1)\n"
"  --memory SIZE        RAM, QEMU -m syntax (default: 1G; ppc64: 2G)\n"
"  --el2                arm64, arm: start at EL2, on arm in HYP mode (adds\n"
"                       virtualization=on to -M)\n"
"  --qemu BINARY        QEMU binary (default: qemu-system-aarch64; arm:\n"
"                       qemu-system-arm; x86_64: qemu-system-x86_64;\n"
"                       ppc64: qemu-system-ppc64)\n"
"\n"
"Stub behaviour:\n"
"  --fail POLICY        on a verification failure: halt, reset, poweroff or\n"
"                       test-exit (default for `charon qemu`: test-exit)\n"
"  --verbose-stub       the stub prints each region as it verifies it\n"
"\n"
"Run:\n"
"  --workdir DIR        where the patched stub, edited DTB and copies go\n"
"                       (default: a new directory $TMPDIR/charon-XXXXXX, kept)\n"
"  --dry-run            print the QEMU command line instead of running it\n"
"  -h, --help           this text\n"
"\n"
"Test hooks (for the test suite; they make the boot fail on purpose):\n"
"  --flip-bit LABEL[:OFFSET]  after hashing, flip bit 0 of byte OFFSET\n"
"                       (default: the middle) of segment LABEL (kernel,\n"
"                       initrd, dtb or atags; x86_64: kernel, initrd,\n"
"                       boot_params or cmdline) as loaded\n"
"  --break-params WHAT  corrupt the filled parameter block: magic, version,\n"
"                       size, nr-regions, overlap-stub, wrap; x86_64:\n"
"                       backup-over-region; ppc64: fdt-outside,\n"
"                       run-at-load-outside\n"
"\n"
"Arguments after -- are appended to QEMU's command line.\n";

/* the least RAM --memory may give a machine */
#define QEMU_MIN_MEMORY	(4u << 20)

/* a QEMU machine or CPU name, with its ,options: no blanks, no controls */
static bool printable_name(const char *s)
{
	if (!*s || *s == ',') {
		return false;
	}
	for (; *s; s++) {
		if ((unsigned char)*s <= 0x20 || *s == 0x7f) {
			return false;
		}
	}
	return true;
}

int make_workdir(const char *want, char *buf, size_t len,
			struct charon_err *err)
{
	const char *tmp = getenv("TMPDIR");
	int e;

	if (want) {
		e = charon_mkdir_p("--workdir", want, err);
		if (e) {
			return e;
		}
		snprintf(buf, len, "%s", want);
		return 0;
	}
	if (!tmp || !*tmp) {
		tmp = "/tmp";
	}
	snprintf(buf, len, "%s/charon-XXXXXX", tmp);
	if (!mkdtemp(buf)) {
		e = errno;
		return charon_errf(err, -e, "cannot create a directory %s: %s",
				   buf, strerror(e));
	}
	return 0;
}


static void given(struct qemu_args *q, const char *option)
{
	if (q->nr_given < sizeof(q->given) / sizeof(q->given[0])) {
		q->given[q->nr_given++] = option;
	}
}

enum {
	OPT_ARCH = 0x100, OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_DTB,
	OPT_MACHINE, OPT_CPU, OPT_SMP, OPT_MEMORY, OPT_EL2, OPT_STUB,
	OPT_STUB_ADDR, OPT_FAIL, OPT_VERBOSE_STUB, OPT_WORKDIR, OPT_DRY_RUN,
	OPT_FLIP_BIT, OPT_BREAK_PARAMS, OPT_QEMU, OPT_ATAGS, OPT_MACHINE_TYPE,
	OPT_ENTRY32, OPT_KDUMP_BACKUP, OPT_RUN_AT_LOAD, OPT_PRERELOCATE,
	OPT_OUTPUT, OPT_RAM, OPT_FLASH,
};

static const struct option qemu_opts[] = {
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "machine", required_argument, NULL, OPT_MACHINE },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "smp", required_argument, NULL, OPT_SMP },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "el2", no_argument, NULL, OPT_EL2 },
	{ "stub", required_argument, NULL, OPT_STUB },
	{ "stub-addr", required_argument, NULL, OPT_STUB_ADDR },
	{ "fail", required_argument, NULL, OPT_FAIL },
	{ "verbose-stub", no_argument, NULL, OPT_VERBOSE_STUB },
	{ "workdir", required_argument, NULL, OPT_WORKDIR },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "flip-bit", required_argument, NULL, OPT_FLIP_BIT },
	{ "break-params", required_argument, NULL, OPT_BREAK_PARAMS },
	{ "qemu", required_argument, NULL, OPT_QEMU },
	{ "atags", no_argument, NULL, OPT_ATAGS },
	{ "machine-type", required_argument, NULL, OPT_MACHINE_TYPE },
	{ "entry32", no_argument, NULL, OPT_ENTRY32 },
	{ "kdump-backup", required_argument, NULL, OPT_KDUMP_BACKUP },
	{ "run-at-load", no_argument, NULL, OPT_RUN_AT_LOAD },
	{ "prerelocate", no_argument, NULL, OPT_PRERELOCATE },
	{ "output", required_argument, NULL, 'o' },
	{ "ram", required_argument, NULL, OPT_RAM },
	{ "flash", no_argument, NULL, OPT_FLASH },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};


/* "SRC,DST,LEN": three numbers, LEN not 0, neither range wrapping */
static int parse_backup(const char *s, struct charon_x86_opts *o)
{
	uint64_t v[3];
	char part[32];
	size_t n;
	int i;

	for (i = 0; i < 3; i++) {
		n = strcspn(s, ",");
		if (n == 0 || n >= sizeof(part) || (i < 2) != (s[n] == ',')) {
			return -EINVAL;
		}
		memcpy(part, s, n);
		part[n] = '\0';
		if (charon_parse_u64(part, &v[i])) {
			return -EINVAL;
		}
		s += n + (i < 2);
	}
	if (v[2] == 0 || v[0] + v[2] < v[0] || v[1] + v[2] < v[1]) {
		return -ERANGE;
	}
	o->backup_src = v[0];
	o->backup_dst = v[1];
	o->backup_len = v[2];
	return 0;
}

/* Return: -1 to go on, else the exit code */
int qemu_parse(int argc, char **argv, struct qemu_args *q)
{
	const char *cmd = q->image ? "image" : "qemu";
	uint64_t v;
	int dd, c, rc;

	q->boot.fail_policy = q->image ? CHARON_FAIL_HALT :
					 CHARON_FAIL_TEST_EXIT;
	q->boot.qemu = !q->image;
	q->boot.image = q->image;

	for (dd = 1; dd < argc && strcmp(argv[dd], "--"); dd++) {
		;
	}
	if (dd < argc) {
		q->extra = argv + dd + 1;
		q->nr_extra = (size_t)(argc - dd - 1);
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(dd, argv, q->image ? "+:ho:" : "+:h",
				qemu_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(q->image ? image_usage : qemu_usage, stdout);
			return 0;
		case 'o':
		case OPT_RAM:
		case OPT_FLASH:
			if (!q->image) {
				return bad_option(cmd, c, qemu_opts, argv);
			}
			if (c == OPT_FLASH) {
				q->boot.flash = true;
			} else if (c == 'o') {
				q->output = optarg;
			} else if (image_parse_ram(optarg, q)) {
				return usage_error(cmd, "--ram %s: expected BASE,SIZE (an address and a size like 1G; neither 0, not wrapping)",
						   optarg);
			}
			break;
		case OPT_ARCH:
			q->arch = optarg;
			break;
		case OPT_KERNEL:
			q->boot.kernel_path = optarg;
			break;
		case OPT_INITRD:
			q->boot.initrd_path = optarg;
			break;
		case OPT_APPEND:
			q->boot.bootargs = optarg;
			break;
		case OPT_DTB:
			q->boot.dtb_path = optarg;
			q->user_dtb = true;
			break;
		case OPT_MACHINE:
			if (!printable_name(optarg)) {
				return usage_error(cmd, "--machine \"%s\": expected a QEMU machine name (qemu-system-<arch> -machine help)",
						   optarg);
			}
			q->run.m.machine = optarg;
			q->machine_given = true;
			break;
		case OPT_CPU:
			if (!printable_name(optarg)) {
				return usage_error(cmd, "--cpu \"%s\": expected a QEMU CPU model (qemu-system-<arch> -cpu help)",
						   optarg);
			}
			q->run.m.cpu = optarg;
			break;
		case OPT_SMP:
			if (charon_parse_u64(optarg, &v) || v == 0 || v > 512) {
				return usage_error(cmd, "--smp %s: expected a CPU count 1..512",
						   optarg);
			}
			q->run.m.smp = optarg;
			break;
		case OPT_MEMORY:
			if (charon_parse_mem_size(optarg, &v)) {
				return usage_error(cmd, "--memory %s: expected a size like 1G, 512M or 2048 (MiB)",
						   optarg);
			}
			if (v < QEMU_MIN_MEMORY) {
				return usage_error(cmd, "--memory %s: 0x%llx bytes, less than the %u MiB a kernel, its tree and the stub need",
						   optarg,
						   (unsigned long long)v,
						   QEMU_MIN_MEMORY >> 20);
			}
			q->run.m.memory = optarg;
			break;
		case OPT_EL2:
			q->run.m.el2 = true;
			given(q, "el2");
			break;
		case OPT_STUB:
			q->boot.stub_path = optarg;
			break;
		case OPT_STUB_ADDR:
			if (charon_parse_u64(optarg, &q->boot.stub_addr)) {
				return usage_error(cmd, "--stub-addr %s: expected an address (0x... or decimal)",
						   optarg);
			}
			q->boot.stub_addr_fixed = true;
			break;
		case OPT_FAIL:
			if (charon_fail_policy_parse(optarg,
						     &q->boot.fail_policy)) {
				return usage_error(cmd, "--fail %s: expected halt, reset, poweroff or test-exit",
						   optarg);
			}
			break;
		case OPT_VERBOSE_STUB:
			q->boot.flags |= CHARON_F_VERBOSE;
			break;
		case OPT_WORKDIR:
			q->workdir = optarg;
			break;
		case OPT_DRY_RUN:
			q->dry_run = true;
			break;
		case OPT_FLIP_BIT:
			if (q->nr_flip == MAX_HOOKS) {
				return usage_error(cmd, "--flip-bit given more than %d times",
						   MAX_HOOKS);
			}
			q->flip[q->nr_flip++] = optarg;
			break;
		case OPT_BREAK_PARAMS:
			if (!charon_boot_break_known(optarg)) {
				return usage_error(cmd, "--break-params %s: expected magic, version, size, nr-regions, overlap-stub, wrap, backup-over-region, fdt-outside or run-at-load-outside",
						   optarg);
			}
			if (q->nr_brk == MAX_HOOKS) {
				return usage_error(cmd, "--break-params given more than %d times",
						   MAX_HOOKS);
			}
			q->brk[q->nr_brk++] = optarg;
			break;
		case OPT_QEMU:
			q->run.m.binary = optarg;
			break;
		case OPT_ATAGS:
			q->boot.arm.atags = true;
			given(q, "atags");
			break;
		case OPT_MACHINE_TYPE:
			if (charon_parse_u64(optarg, &v) || v > UINT32_MAX) {
				return usage_error(cmd, "--machine-type %s: expected a number below 2^32",
						   optarg);
			}
			q->boot.arm.machine_type = (uint32_t)v;
			q->boot.arm.machine_type_set = true;
			given(q, "machine-type");
			break;
		case OPT_ENTRY32:
			q->boot.x86.entry32 = true;
			given(q, "entry32");
			break;
		case OPT_RUN_AT_LOAD:
			q->boot.ppc64.run_at_load = true;
			given(q, "run-at-load");
			break;
		case OPT_PRERELOCATE:
			q->boot.ppc64.prerelocate = true;
			given(q, "prerelocate");
			break;
		case OPT_KDUMP_BACKUP:
			if (parse_backup(optarg, &q->boot.x86)) {
				return usage_error(cmd, "--kdump-backup %s: expected SRC,DST,LEN (addresses and a length, 0x... or decimal; LEN not 0, neither range wrapping)",
						   optarg);
			}
			q->boot.x86.backup_spec = optarg;
			given(q, "kdump-backup");
			break;
		default:
			return bad_option(cmd, c, qemu_opts, argv);
		}
	}
	if (q->image && (dd < argc || q->dry_run)) {
		return usage_error(cmd, "%s: not with charon image (it runs nothing)",
				   q->dry_run ? "--dry-run" : "--");
	}
	if (optind < dd) {
		return usage_error(cmd, "unexpected argument '%s' (QEMU arguments go after --)",
				   argv[optind]);
	}
	if (!q->arch) {
		char all[128];

		charon_arch_list(all, sizeof(all), NULL, NULL);
		return usage_error(cmd, "--arch is required (supported: %s)",
				   all);
	}
	rc = parse_arch(cmd, q->arch, &q->boot.arch);
	if (rc >= 0) {
		return rc;
	}
	charon_qemu_defaults(q->boot.arch, &q->run.m);
	if (!q->boot.kernel_path) {
		return usage_error(cmd, "--kernel is required");
	}
	rc = check_arch_options(cmd, &q->boot, q->given, q->nr_given);
	return rc >= 0 ? rc : check_flips(cmd, &q->boot, q->flip, q->nr_flip);
}

/* the workdir file for a segment's bytes */
static const char *copy_name(const struct charon_boot *b, const char *label,
			     char *buf, size_t len)
{
	if (!strcmp(label, "kernel")) {
		return b->arch->kernel_file;
	}
	if (!strcmp(label, "dtb")) {
		return "charon.dtb";
	}
	if (!strcmp(label, "initrd")) {
		return "initrd";
	}
	snprintf(buf, len, "%s.bin", label);
	return buf;
}

/* the patched stub as the file QEMU's -kernel starts (x86 PVH, ppc64) */
static int stub_kernel_file(const struct charon_boot *b, const char *workdir,
			    char *elf, struct charon_err *err)
{
	size_t len;
	void *out;
	int rc;

	rc = charon_join(elf, PATH_MAX, workdir, "stub.elf", err);
	rc = rc ?: b->arch->qemu_stub_file(b, &out, &len, err);
	if (rc) {
		return rc;
	}
	rc = charon_write_file(elf, out, len, err);
	free(out);
	return rc;
}

int cmd_qemu(int argc, char **argv)
{
	struct qemu_args q = { 0 };
	struct charon_err err = { "" };
	struct charon_qemu_load loads[CHARON_BOOT_MAX_SEGS + 2];
	struct charon_argv a = { 0 };
	struct charon_boot b;
	char stub_default[PATH_MAX], workdir[PATH_MAX];
	char stub_file[PATH_MAX], stub_elf[PATH_MAX], name[64];
	char files[CHARON_BOOT_MAX_SEGS][PATH_MAX];
	const struct charon_arch *arch;
	struct charon_boot_seg *s;
	unsigned int i, nl = 0;
	bool loader_stub;
	int rc;

	rc = qemu_parse(argc, argv, &q);
	if (rc >= 0) {
		return rc;
	}
	arch = q.boot.arch;
	loader_stub = !arch->qemu.stub_is_kernel;
	rc = find_stub(arch, "charon-stub.bin", "CHARON_STUB",
		       &q.boot.stub_path, stub_default,
		       sizeof(stub_default));
	if (rc >= 0) {
		return rc;
	}
	if (make_workdir(q.workdir, workdir, sizeof(workdir), &err)) {
		return runtime_error(&err);
	}
	printf("charon: workdir %s\n", workdir);
	q.run.workdir = workdir;

	/* the machine (its tree, its e820 map), then the plan */
	if (arch->qemu_machine && arch->qemu_machine(&q.run, &q.boot, &err)) {
		if (q.run.usage_error) {
			return usage_error("qemu", "%s", err.msg);
		}
		return runtime_error(&err);
	}
	rc = charon_boot_prepare(&q.boot, &b, &err);
	for (i = 0; !rc && i < (unsigned int)q.nr_brk; i++) {
		rc = charon_boot_break_params(&b, q.brk[i], &err);
	}
	for (i = 0; !rc && i < (unsigned int)q.nr_flip; i++) {
		rc = charon_boot_flip_bit(&b, q.flip[i], &err);
	}
	/* the files QEMU loads: copies only where the bytes differ */
	rc = rc ?: charon_join(stub_file, sizeof(stub_file), workdir,
			       "charon-stub.bin", &err);
	rc = rc ?: charon_write_file(stub_file, b.stub.image, b.stub.len, &err);
	if (!rc && !loader_stub) {
		rc = stub_kernel_file(&b, workdir, stub_elf, &err);
		q.run.m.kernel = stub_elf;
	}
	for (i = 0; !rc && i < b.nr_seg; i++) {
		s = &b.seg[i];
		if (!s->modified) {
			/* absolute, so the printed command works anywhere */
			if (!realpath(s->src_path, files[i])) {
				charon_strscpy(files[i], s->src_path,
					       sizeof(files[i]));
			}
			continue;
		}
		rc = charon_join(files[i], sizeof(files[i]), workdir,
				 copy_name(&b, s->label, name, sizeof(name)),
				 &err);
		rc = rc ?: charon_write_file(files[i], s->data, s->len, &err);
	}
	if (rc) {
		charon_boot_free(&b);
		return runtime_error(&err);
	}
	print_layout(&b, loader_stub ? stub_file : stub_elf, files, stdout);

	/*
	 * The stub is a loader device that starts CPU 0, unless it is
	 * QEMU's -kernel (x86_64: PVH; ppc64: skiboot starts it)
	 */
	if (loader_stub) {
		loads[nl].file = stub_file;
		loads[nl].addr = b.stub_addr;
		loads[nl++].set_pc = b.stub.hdr.entry_offset == 0;
	}
	for (i = 0; i < b.nr_seg; i++) {
		loads[nl].file = files[i];
		loads[nl].addr = b.seg[i].addr;
		loads[nl++].set_pc = false;
	}
	if (loader_stub && b.stub.hdr.entry_offset) {
		loads[nl].file = NULL;
		loads[nl].addr = b.stub_addr + b.stub.hdr.entry_offset;
		loads[nl++].set_pc = true;
	}
	rc = charon_qemu_run_argv(&q.run.m, loads, nl, q.extra, q.nr_extra, &a,
				  &err);
	charon_boot_free(&b);
	if (rc) {
		charon_argv_free(&a);
		return runtime_error(&err);
	}
	if (q.dry_run) {
		charon_argv_print(&a, stdout);
		charon_argv_free(&a);
		return 0;
	}
	printf("charon: starting ");
	charon_argv_print(&a, stdout);
	fflush(NULL);
	execvp(a.v[0], a.v);
	charon_errf(&err, -errno, "cannot run %s: %s", a.v[0],
		    strerror(errno));
	charon_argv_free(&a);
	return runtime_error(&err);
}
