// SPDX-License-Identifier: MIT
/*
 * charon: the host-side loader's command line.
 *
 *	charon qemu --arch arm64|arm|x86_64|ppc64le|ppc64 --kernel K [options]
 *		[-- qemu ...]
 *	charon inspect [--ram-base A] [--ram-size S] FILE
 *	charon load --kernel K [options]; charon exec | unload | status
 *
 * Exit codes: 0 success, 1 runtime error, 2 usage error.  `charon qemu`
 * execs QEMU, so a run's exit status is QEMU's.  docs/cli.md is the manual.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <abi/params.h>
#include <charon/boot.h>
#include <charon/bootparams.h>
#include <charon/digest.h>
#include <charon/file.h>
#include <charon/inspect.h>
#include <charon/qemu.h>
#include <charon/util.h>

#include "cli.h"

/* x86_64 under QEMU: the stub is entered by PVH, paging off */
#define X86_STUB_ALIGN	4096ull
#define X86_4G		((uint64_t)1 << 32)

/*
 * QEMU's arm boot code loads the machine's own DTB at the start of RAM
 * even without -kernel (for firmware); virt's is 1 MiB.  The layout keeps
 * out of it.
 */
#define QEMU_DTB_RESERVE	((uint64_t)1 << 20)

typedef unsigned long long ull;

static const char main_usage[] =
"Usage: charon COMMAND [OPTIONS]\n"
"\n"
"Prepare the charon stub and boot a kernel through it.\n"
"\n"
"Commands:\n"
"  qemu      lay out stub, kernel, initrd and DTB (x86_64: boot_params) and\n"
"            start QEMU with them\n"
"  load      load a kernel for kexec through the stub (kexec_load(2))\n"
"  exec      reboot into the loaded kernel\n"
"  unload    drop the loaded kernel\n"
"  status    is a kernel loaded, and which\n"
"  inspect   show a stub image's header and parameters, or a kernel's header\n"
"            (arm64 Image, arm zImage with its decompression footprint,\n"
"            x86 bzImage, ppc64 vmlinux ELF)\n"
"  help [COMMAND]  this text, or a command's\n"
"\n"
"Options:\n"
"  -h, --help      this text\n"
"  -V, --version   the version and the parameter block ABI\n"
"\n"
"Exit codes: 0 success, 1 runtime error, 2 usage error; `charon qemu`\n"
"exits with QEMU's status.  Manual: docs/cli.md.\n";

static const char qemu_usage[] =
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
"                       size, nr-regions, overlap-stub, wrap\n"
"\n"
"Arguments after -- are appended to QEMU's command line.\n";

static const char inspect_usage[] =
"Usage: charon inspect [--ram-base ADDR] [--ram-size SIZE] FILE\n"
"\n"
"If FILE is a charon stub image, print its image header and, if filled, its\n"
"parameter block (regions with digests, next kernel, console, policy).\n"
"If FILE is a Linux arm64 Image (plain or gzip), print its header fields.\n"
"If FILE is an arm zImage, print its header, size table and where its\n"
"decompressor writes for RAM at ADDR of SIZE bytes.\n"
"If FILE is an x86 bzImage, print its setup header fields.\n"
"If FILE is a ppc64 vmlinux ELF, print its byte order, ABI, type, entry,\n"
"whether it is relocatable and may run at its load address, its size.\n"
"\n"
"  --ram-base ADDR   RAM start for the zImage footprint (default: 0x40000000,\n"
"                    QEMU virt)\n"
"  --ram-size SIZE   RAM size, QEMU -m syntax (default: 1G)\n"
"  -h, --help        this text\n";



static int make_workdir(const char *want, char *buf, size_t len,
			struct charon_err *err)
{
	const char *tmp = getenv("TMPDIR");
	int e;

	if (want) {
		if (mkdir(want, 0755) && errno != EEXIST) {
			e = errno;
			return charon_errf(err, -e, "--workdir %s: cannot create: %s",
					   want, strerror(e));
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

struct qemu_args {
	const char *arch;
	struct charon_boot_opts boot;
	struct charon_qemu_machine m;
	const char *workdir;
	bool dry_run;
	const char *flip[MAX_HOOKS];
	int nr_flip;
	const char *brk[MAX_HOOKS];
	int nr_brk;
	char **extra;
	size_t nr_extra;
	bool machine_type_set;
	bool x86;			/* --arch x86_64 */
	bool ppc64;			/* --arch ppc64le or ppc64 */
	bool dtb_set, el2_set;		/* what x86_64 refuses */
	const char *backup;		/* --kdump-backup, as given */
	struct charon_e820 e820;	/* x86_64: the machine's map */
	char e820_name[64];
};

enum {
	OPT_ARCH = 0x100, OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_DTB,
	OPT_MACHINE, OPT_CPU, OPT_SMP, OPT_MEMORY, OPT_EL2, OPT_STUB,
	OPT_STUB_ADDR, OPT_FAIL, OPT_VERBOSE_STUB, OPT_WORKDIR, OPT_DRY_RUN,
	OPT_FLIP_BIT, OPT_BREAK_PARAMS, OPT_QEMU, OPT_ATAGS, OPT_MACHINE_TYPE,
	OPT_ENTRY32, OPT_KDUMP_BACKUP, OPT_RUN_AT_LOAD, OPT_PRERELOCATE,
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
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};


/* "SRC,DST,LEN": three numbers, LEN not 0, neither range wrapping */
static int parse_backup(const char *s, struct charon_boot_opts *o)
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

/* ppc64: what it refuses, where its stub can go; Return: as below */
static int check_ppc64_options(const char *cmd, struct qemu_args *q)
{
	const char *bad = q->el2_set ? "--el2" :
			  q->boot.atags ? "--atags" :
			  q->machine_type_set ? "--machine-type" :
			  q->boot.entry32 ? "--entry32" :
			  q->backup ? "--kdump-backup" : NULL;
	uint64_t a = q->boot.stub_addr;

	if (bad) {
		return usage_error(cmd, "%s: not with --arch %s (it is %s's; a ppc64 kernel gets r3 = the device tree from skiboot's powernv machine)",
				   bad, q->arch,
				   !strcmp(bad, "--entry32") ||
				   !strcmp(bad, "--kdump-backup") ?
				   "x86_64" : "arm");
	}
	if (q->boot.stub_addr_fixed &&
	    (a <= CHARON_POWERNV_KERNEL_ADDR ||
	     a % CHARON_PPC64_STUB_ALIGN ||
	     a >= CHARON_POWERNV_INITRD_ADDR)) {
		return usage_error(cmd, "--stub-addr 0x%llx: expected 0x20000000 + p_offset, 64 KiB aligned, above 0x20000000 and below 0x28000000 (skiboot runs the -kernel ELF in place at 0x20000000 + p_offset, after its headers; QEMU puts -initrd at 0x28000000)",
				   (ull)a);
	}
	return -1;
}

/* what only one arch family takes; Return: -1 to go on, else exit code */
static int check_arch_options(const char *cmd, struct qemu_args *q)
{
	if (!q->ppc64 && (q->boot.run_at_load || q->boot.prerelocate)) {
		return usage_error(cmd, "%s: only with --arch ppc64le or ppc64",
				   q->boot.run_at_load ? "--run-at-load" :
				   "--prerelocate");
	}
	if (q->ppc64) {
		return check_ppc64_options(cmd, q);
	}
	if (!q->x86) {
		if (q->boot.entry32 || q->backup) {
			return usage_error(cmd, "%s: only with --arch x86_64",
					   q->boot.entry32 ? "--entry32" :
					   "--kdump-backup");
		}
		return -1;
	}
	if (q->el2_set) {
		return usage_error(cmd, "--el2: not with --arch x86_64 (EL2 and HYP mode are arm's; QEMU's x86 machines start the stub in 32-bit protected mode)");
	}
	if (q->boot.atags || q->machine_type_set) {
		return usage_error(cmd, "%s: not with --arch x86_64 (an x86 kernel gets boot_params and an e820 map)",
				   q->boot.atags ? "--atags" : "--machine-type");
	}
	if (q->dtb_set) {
		return usage_error(cmd, "--dtb: not with --arch x86_64 (an x86 kernel gets boot_params and an e820 map)");
	}
	if (q->boot.stub_addr_fixed &&
	    (q->boot.stub_addr % X86_STUB_ALIGN ||
	     q->boot.stub_addr >= X86_4G)) {
		return usage_error(cmd, "--stub-addr 0x%llx: expected a 4 KiB aligned address below 4 GiB (QEMU starts the x86_64 stub in 32-bit mode, and it maps only the first 4 GiB)",
				   (ull)q->boot.stub_addr);
	}
	if (q->backup &&
	    (q->boot.backup_src + q->boot.backup_len > X86_4G ||
	     q->boot.backup_dst + q->boot.backup_len > X86_4G)) {
		return usage_error(cmd, "--kdump-backup %s: source and destination must end at or below 4 GiB (the stub maps only the first 4 GiB when QEMU starts it)",
				   q->backup);
	}
	if (q->backup &&
	    q->boot.backup_src < q->boot.backup_dst + q->boot.backup_len &&
	    q->boot.backup_dst < q->boot.backup_src + q->boot.backup_len) {
		return usage_error(cmd, "--kdump-backup %s: source and destination overlap",
				   q->backup);
	}
	return -1;
}

/* x86_64: the machine's e820 map, from -M and -m; Return: as above */
static int x86_machine(const char *cmd, struct qemu_args *q)
{
	enum charon_qemu_x86_machine m;
	struct charon_err err = { "" };
	uint64_t ram;

	if (charon_qemu_x86_machine_parse(q->m.machine, &m)) {
		return usage_error(cmd, "--machine %s: expected q35 or pc (or a versioned pc-q35-X.Y, pc-i440fx-X.Y) with --arch x86_64",
				   q->m.machine);
	}
	if (charon_parse_mem_size(q->m.memory, &ram)) {
		return usage_error(cmd, "--memory %s: expected a size like 1G, 512M or 2048 (MiB)",
				   q->m.memory);
	}
	if (charon_e820_qemu(m, ram, charon_qemu_x86_e820_flags(q->m.cpu),
			     &q->e820, &err)) {
		return usage_error(cmd, "--memory %s: %s", q->m.memory,
				   err.msg);
	}
	snprintf(q->e820_name, sizeof(q->e820_name), "QEMU %s -m %s",
		 m == CHARON_QEMU_X86_Q35 ? "q35" : "pc", q->m.memory);
	q->boot.e820 = &q->e820;
	q->boot.e820_name = q->e820_name;
	q->boot.exit_port = q->m.debug_exit_port;
	return -1;
}

/* Return: -1 to go on, else the exit code */
static int parse_qemu(int argc, char **argv, struct qemu_args *q)
{
	const char *cmd = "qemu";
	uint64_t v;
	int dd, c, i, rc;

	q->boot.fail_policy = CHARON_FAIL_TEST_EXIT;

	for (dd = 1; dd < argc && strcmp(argv[dd], "--"); dd++) {
		;
	}
	if (dd < argc) {
		q->extra = argv + dd + 1;
		q->nr_extra = (size_t)(argc - dd - 1);
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(dd, argv, "+:h", qemu_opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(qemu_usage, stdout);
			return 0;
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
			q->dtb_set = true;
			break;
		case OPT_MACHINE:
			q->m.machine = optarg;
			break;
		case OPT_CPU:
			q->m.cpu = optarg;
			break;
		case OPT_SMP:
			if (charon_parse_u64(optarg, &v) || v == 0 || v > 512) {
				return usage_error(cmd, "--smp %s: expected a CPU count 1..512",
						   optarg);
			}
			q->m.smp = optarg;
			break;
		case OPT_MEMORY:
			if (charon_parse_mem_size(optarg, &v)) {
				return usage_error(cmd, "--memory %s: expected a size like 1G, 512M or 2048 (MiB)",
						   optarg);
			}
			q->m.memory = optarg;
			break;
		case OPT_EL2:
			q->m.el2 = true;
			q->el2_set = true;
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
				return usage_error(cmd, "--break-params %s: expected magic, version, size, nr-regions, overlap-stub or wrap",
						   optarg);
			}
			if (q->nr_brk == MAX_HOOKS) {
				return usage_error(cmd, "--break-params given more than %d times",
						   MAX_HOOKS);
			}
			q->brk[q->nr_brk++] = optarg;
			break;
		case OPT_QEMU:
			q->m.binary = optarg;
			break;
		case OPT_ATAGS:
			q->boot.atags = true;
			break;
		case OPT_MACHINE_TYPE:
			if (charon_parse_u64(optarg, &v) || v > UINT32_MAX) {
				return usage_error(cmd, "--machine-type %s: expected a number below 2^32",
						   optarg);
			}
			q->boot.machine_type = (uint32_t)v;
			q->machine_type_set = true;
			break;
		case OPT_ENTRY32:
			q->boot.entry32 = true;
			break;
		case OPT_RUN_AT_LOAD:
			q->boot.run_at_load = true;
			break;
		case OPT_PRERELOCATE:
			q->boot.prerelocate = true;
			break;
		case OPT_KDUMP_BACKUP:
			if (parse_backup(optarg, &q->boot)) {
				return usage_error(cmd, "--kdump-backup %s: expected SRC,DST,LEN (addresses and a length, 0x... or decimal; LEN not 0, neither range wrapping)",
						   optarg);
			}
			q->backup = optarg;
			break;
		default:
			return bad_option(cmd, c, qemu_opts, argv);
		}
	}
	if (optind < dd) {
		return usage_error(cmd, "unexpected argument '%s' (QEMU arguments go after --)",
				   argv[optind]);
	}
	if (!q->arch) {
		return usage_error(cmd, "--arch is required (supported: arm64, arm, x86_64, ppc64le, ppc64)");
	}
	if (charon_qemu_defaults(q->arch, &q->m)) {
		return usage_error(cmd, "--arch %s: not supported yet (supported: arm64, arm, x86_64, ppc64le, ppc64)",
				   q->arch);
	}
	if (!q->boot.kernel_path) {
		return usage_error(cmd, "--kernel is required");
	}
	q->x86 = !strcmp(q->arch, "x86_64");
	q->ppc64 = !strcmp(q->arch, "ppc64le") || !strcmp(q->arch, "ppc64");
	rc = check_arch_options(cmd, q);
	if (rc < 0 && q->x86) {
		rc = x86_machine(cmd, q);
	}
	if (rc >= 0) {
		return rc;
	}
	if (strcmp(q->arch, "arm") && (q->boot.atags || q->machine_type_set)) {
		return usage_error(cmd, "%s: only with --arch arm",
				   q->boot.atags ? "--atags" : "--machine-type");
	}
	if (q->boot.atags && !q->machine_type_set) {
		return usage_error(cmd, "--atags needs --machine-type N (r1: the board's number in arch/arm/tools/mach-types)");
	}
	if (!q->boot.atags && q->machine_type_set) {
		return usage_error(cmd, "--machine-type: only with --atags (with a device tree r1 is 0xffffffff)");
	}
	for (i = 0; i < q->nr_flip; i++) {
		if (!valid_flip(q->flip[i], q->boot.initrd_path != NULL,
				q->boot.atags, q->x86)) {
			return usage_error(cmd, "--flip-bit %s: expected LABEL[:OFFSET] with LABEL kernel, %s%s",
					   q->flip[i],
					   q->x86 ? "boot_params, cmdline" :
					   q->boot.atags ? "atags" : "dtb",
					   q->boot.initrd_path ?
					   " or initrd" :
					   " (or initrd, with --initrd)");
		}
	}
	return -1;
}

/* the workdir file for a segment's bytes */
static const char *copy_name(const struct charon_boot *b, const char *label)
{
	if (!strcmp(label, "kernel")) {
		switch (b->arch) {
		case CHARON_ARCH_ARM:
			return "zImage";
		case CHARON_ARCH_X86_64:
			return "kernel.bin";	/* the protected-mode code */
		case CHARON_ARCH_PPC64LE:
		case CHARON_ARCH_PPC64:
			return "vmlinux.raw";	/* the PT_LOAD image */
		default:
			return "Image";
		}
	}
	if (!strcmp(label, "initrd")) {
		return "initrd";
	}
	if (!strcmp(label, "atags")) {
		return "atags.bin";
	}
	if (!strcmp(label, "boot_params")) {
		return "boot_params.bin";
	}
	if (!strcmp(label, "cmdline")) {
		return "cmdline.bin";
	}
	return "charon.dtb";
}

static int join(char *buf, size_t len, const char *dir, const char *name,
		struct charon_err *err)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len) {
		return charon_errf(err, -ENAMETOOLONG, "%s/%s: path too long",
				   dir, name);
	}
	return 0;
}


/*
 * arm, arm64: without --dtb, QEMU dumps the machine's own tree into the
 * workdir; it sits at the start of RAM, which the layout keeps out.
 */
static int arm_machine_dtb(struct qemu_args *q, const char *workdir,
			   char *dtb, char *log, struct charon_err *err)
{
	struct stat st;

	q->boot.ram_head_reserve = QEMU_DTB_RESERVE;
	q->boot.ram_head_name = "qemu-dtb";
	if (q->boot.dtb_path) {
		return 0;
	}
	if (join(dtb, PATH_MAX, workdir, "machine.dtb", err) ||
	    join(log, PATH_MAX, workdir, "dumpdtb.log", err) ||
	    charon_qemu_dumpdtb(&q->m, dtb, log, err)) {
		return -EIO;
	}
	q->boot.dtb_path = dtb;
	if (stat(dtb, &st) == 0 && (uint64_t)st.st_size > QEMU_DTB_RESERVE) {
		q->boot.ram_head_reserve = (uint64_t)st.st_size;
	}
	return 0;
}

/*
 * What to run when the capture lacks its kernel or initramfs: commands
 * that work as printed, with this charon's build directory.
 */
static const char *powernv_hint(char *buf, size_t len)
{
	char odir[PATH_MAX], real[PATH_MAX];

	if (beside_exe("", odir, sizeof(odir)) || !realpath(odir, real)) {
		return NULL;
	}
	if ((size_t)snprintf(buf, len,
		 "give --dtb, give a little-endian ppc64 Linux vmlinux as --kernel or in $CHARON_POWERNV_KERNEL, or fetch one: %s/scripts/fetch-kernels --out %s/kernels/bookworm ppc64le; the initramfs: make -C %s O=%s %s/initramfs/ppc64le-dumpfdt.cpio.gz",
		 CHARON_SRCDIR, real, CHARON_SRCDIR, real, real) >= len) {
		return NULL;
	}
	return buf;
}

/*
 * ppc64: without --dtb, skiboot's own tree for these machine options,
 * from the cache or captured now (docs/cli.md, "ppc64").
 */
static int ppc64_machine_dtb(struct qemu_args *q, char *dtb,
			     struct charon_err *err)
{
	struct charon_powernv_opts o = { 0 };
	struct charon_powernv_capture cap;
	char kernel[PATH_MAX], initrd[PATH_MAX], cache[PATH_MAX];
	char hint[3 * PATH_MAX];
	int rc;

	q->boot.ppc64_stub_arch = !strcmp(q->arch, "ppc64") ?
				  CHARON_ARCH_PPC64 : CHARON_ARCH_PPC64LE;
	q->boot.powernv_qemu = true;
	if (q->boot.dtb_path) {
		return 0;
	}
	o.qemu = q->m.binary;
	o.machine = q->m.machine;
	o.memory = q->m.memory;
	o.smp = q->m.smp;
	/*
	 * Any little-endian ppc64 Linux kernel can dump the tree: the one
	 * to boot, if it is one, else the project's own.
	 */
	o.kernel = getenv("CHARON_POWERNV_KERNEL");
	if (!o.kernel || !*o.kernel) {
		o.kernel = charon_powernv_capture_kernel(q->boot.kernel_path) ?
			   q->boot.kernel_path :
			   env_or_beside("CHARON_POWERNV_KERNEL",
					 "kernels/bookworm/ppc64le/vmlinuz",
					 kernel, sizeof(kernel));
	}
	o.initrd = env_or_beside("CHARON_POWERNV_INITRD",
				 "initramfs/ppc64le-dumpfdt.cpio.gz", initrd,
				 sizeof(initrd));
	o.hint = powernv_hint(hint, sizeof(hint));
	o.cache_dir = env_or_beside("CHARON_CACHE", "powernv", cache,
				    sizeof(cache));
	if (!o.cache_dir) {
		return charon_errf(err, -ENOENT,
				   "powernv: no cache directory: set CHARON_CACHE or give --dtb");
	}
	rc = charon_powernv_fdt(&o, &cap, err);
	if (rc) {
		charon_err_prefix(err, "--dtb not given, and ");
		return rc;
	}
	if (realpath(cap.path, dtb)) {
		charon_strscpy(cap.path, dtb, sizeof(cap.path));
	}
	if (cap.cached) {
		printf("charon: skiboot's device tree: %s (cached)\n", cap.path);
	} else {
		printf("charon: skiboot's device tree: %s (captured in %.1f s, %zu bytes, by booting %s)\n",
		       cap.path, cap.seconds, cap.size, o.kernel);
	}
	charon_strscpy(dtb, cap.path, PATH_MAX);
	q->boot.dtb_path = dtb;
	return 0;
}

/* ppc64: the patched stub as the ELF skiboot starts (QEMU's -kernel) */
static int ppc64_stub_elf(const struct charon_boot *b, const char *workdir,
			  char *elf, struct charon_err *err)
{
	size_t len;
	void *out;
	int rc;

	rc = join(elf, PATH_MAX, workdir, "stub.elf", err);
	rc = rc ?: charon_ppc64_stub_file(b, &out, &len, err);
	if (rc) {
		return rc;
	}
	rc = charon_write_file(elf, out, len, err);
	free(out);
	return rc;
}

/* x86_64: the patched stub as the PVH ELF QEMU's -kernel starts */
static int x86_stub_elf(const struct charon_boot *b, const char *workdir,
			char *elf, struct charon_err *err)
{
	size_t len;
	void *out;
	int rc;

	rc = join(elf, PATH_MAX, workdir, "stub.elf", err);
	rc = rc ?: charon_x86_pvh_stub(b, &out, &len, err);
	if (rc) {
		return rc;
	}
	rc = charon_write_file(elf, out, len, err);
	free(out);
	return rc;
}

static int cmd_qemu(int argc, char **argv)
{
	struct qemu_args q = { 0 };
	struct charon_err err = { "" };
	struct charon_qemu_load loads[CHARON_BOOT_MAX_SEGS + 2];
	struct charon_argv a = { 0 };
	struct charon_boot b;
	char stub_default[PATH_MAX], workdir[PATH_MAX], dtb[PATH_MAX];
	char log[PATH_MAX], stub_file[PATH_MAX], stub_elf[PATH_MAX];
	char files[CHARON_BOOT_MAX_SEGS][PATH_MAX];
	struct charon_boot_seg *s;
	unsigned int i, nl = 0;
	int rc;

	rc = parse_qemu(argc, argv, &q);
	if (rc >= 0) {
		return rc;
	}
	rc = find_stub(q.arch, &q.boot.stub_path, stub_default,
		       sizeof(stub_default));
	if (rc >= 0) {
		return rc;
	}
	if (make_workdir(q.workdir, workdir, sizeof(workdir), &err)) {
		return runtime_error(&err);
	}
	printf("charon: workdir %s\n", workdir);

	if (q.x86) {
		rc = charon_x86_prepare(&q.boot, &b, &err);
	} else if (q.ppc64) {
		if (ppc64_machine_dtb(&q, dtb, &err)) {
			return runtime_error(&err);
		}
		rc = charon_ppc64_prepare(&q.boot, &b, &err);
	} else if (arm_machine_dtb(&q, workdir, dtb, log, &err)) {
		return runtime_error(&err);
	} else if (!strcmp(q.arch, "arm")) {
		rc = charon_arm_prepare(&q.boot, &b, &err);
	} else {
		rc = charon_arm64_prepare(&q.boot, &b, &err);
	}
	for (i = 0; !rc && i < (unsigned int)q.nr_brk; i++) {
		rc = charon_boot_break_params(&b, q.brk[i], &err);
	}
	for (i = 0; !rc && i < (unsigned int)q.nr_flip; i++) {
		rc = charon_boot_flip_bit(&b, q.flip[i], &err);
	}
	/* the files QEMU loads: copies only where the bytes differ */
	rc = rc ?: join(stub_file, sizeof(stub_file), workdir,
			"charon-stub.bin", &err);
	rc = rc ?: charon_write_file(stub_file, b.stub.image, b.stub.len, &err);
	if (!rc && q.x86) {
		rc = x86_stub_elf(&b, workdir, stub_elf, &err);
		q.m.kernel = stub_elf;
	}
	if (!rc && q.ppc64) {
		rc = ppc64_stub_elf(&b, workdir, stub_elf, &err);
		q.m.kernel = stub_elf;
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
		rc = join(files[i], sizeof(files[i]), workdir,
			  copy_name(&b, s->label), &err);
		rc = rc ?: charon_write_file(files[i], s->data, s->len, &err);
	}
	if (rc) {
		charon_boot_free(&b);
		return runtime_error(&err);
	}
	print_layout(&b, q.x86 || q.ppc64 ? stub_elf : stub_file, files,
		     stdout);

	/*
	 * x86_64: QEMU's -kernel starts the stub (PVH); ppc64: skiboot
	 * starts it from QEMU's -kernel; no loader device for it
	 */
	if (!q.x86 && !q.ppc64) {
		loads[nl].file = stub_file;
		loads[nl].addr = b.stub_addr;
		loads[nl++].set_pc = b.stub.hdr.entry_offset == 0;
	}
	for (i = 0; i < b.nr_seg; i++) {
		loads[nl].file = files[i];
		loads[nl].addr = b.seg[i].addr;
		loads[nl++].set_pc = false;
	}
	if (!q.x86 && !q.ppc64 && b.stub.hdr.entry_offset) {
		loads[nl].file = NULL;
		loads[nl].addr = b.stub_addr + b.stub.hdr.entry_offset;
		loads[nl++].set_pc = true;
	}
	rc = charon_qemu_run_argv(&q.m, loads, nl, q.extra, q.nr_extra, &a,
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

static int cmd_inspect(int argc, char **argv)
{
	enum { OPT_RAM_BASE = 0x100, OPT_RAM_SIZE };
	static const struct option opts[] = {
		{ "ram-base", required_argument, NULL, OPT_RAM_BASE },
		{ "ram-size", required_argument, NULL, OPT_RAM_SIZE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct charon_inspect_opts io = {
		.ram_base = CHARON_INSPECT_RAM_BASE,
		.ram_size = CHARON_INSPECT_RAM_SIZE,
	};
	struct charon_err err = { "" };
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(inspect_usage, stdout);
			return 0;
		case OPT_RAM_BASE:
			if (charon_parse_u64(optarg, &io.ram_base)) {
				return usage_error("inspect", "--ram-base %s: expected an address (0x... or decimal)",
						   optarg);
			}
			break;
		case OPT_RAM_SIZE:
			if (charon_parse_mem_size(optarg, &io.ram_size)) {
				return usage_error("inspect", "--ram-size %s: expected a size like 1G, 512M or 2048 (MiB)",
						   optarg);
			}
			break;
		default:
			return bad_option("inspect", c, opts, argv);
		}
	}
	if (argc - optind != 1) {
		return usage_error("inspect", "expected one FILE");
	}
	if (charon_inspect(argv[optind], &io, stdout, &err)) {
		return runtime_error(&err);
	}
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "qemu", cmd_qemu, qemu_usage },
	{ "inspect", cmd_inspect, inspect_usage },
	{ "load", cmd_load, load_usage },
	{ "exec", cmd_exec, exec_usage },
	{ "unload", cmd_unload, unload_usage },
	{ "status", cmd_status, status_usage },
	{ "help", cmd_help, main_usage },
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(name, commands[i].name)) {
			return &commands[i];
		}
	}
	return NULL;
}

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		fputs(main_usage, stdout);
		return 0;
	}
	c = find_command(argv[1]);
	if (!c) {
		return usage_error(NULL, "help: unknown command '%s'", argv[1]);
	}
	fputs(c->usage, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;
	const char *cmd;

	if (argc < 2) {
		fputs(main_usage, stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		fputs(main_usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("charon %s (parameter block ABI %u)\n", CHARON_VERSION,
		       CHARON_ABI_VERSION);
		return 0;
	}
	c = find_command(cmd);
	if (!c) {
		return usage_error(NULL, "unknown command '%s'", cmd);
	}
	return c->run(argc - 1, argv + 1);
}
