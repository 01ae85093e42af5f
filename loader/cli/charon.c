// SPDX-License-Identifier: MIT
/*
 * charon: the host-side loader's command line.
 *
 *	charon qemu --arch arm64|arm|x86_64|ppc64le|ppc64 --kernel K [options]
 *		[-- qemu ...]
 *	charon image --arch ARCH --kernel K [options] -o FILE
 *	charon inspect [--ram-base A] [--ram-size S] FILE
 *	charon load --kernel K [options]; charon exec | unload | status
 *
 * Exit codes: 0 success, 1 runtime error, 2 usage error.  `charon qemu`
 * execs QEMU, so a run's exit status is QEMU's.  docs/cli.md is the manual.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <abi/params.h>

#include "cli.h"

static const char main_usage[] =
"Usage: charon COMMAND [OPTIONS]\n"
"\n"
"Prepare the charon stub and boot a kernel through it.\n"
"\n"
"Commands:\n"
"  qemu      lay out stub, kernel, initrd and DTB (x86_64: boot_params) and\n"
"            start QEMU with them\n"
"  image     write one bootable file, the chainloader stub with kernel,\n"
"            initrd and command line, that QEMU -kernel and U-Boot start\n"
"  load      load a kernel for kexec through the stub (kexec_load(2));\n"
"            --crash: a crash kernel for kdump\n"
"  exec      reboot into the loaded kernel\n"
"  unload    drop the loaded kernel (--crash: the crash kernel)\n"
"  status    is a kernel (and a crash kernel) loaded, and which\n"
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

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "qemu", cmd_qemu, qemu_usage },
	{ "image", cmd_image, image_usage },
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
