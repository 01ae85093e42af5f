// SPDX-License-Identifier: MIT
/*
 * charon inspect: show a stub's header and parameters, or a kernel's
 * header (core/inspect.c, and the arch's own printers).
 */
#include <getopt.h>
#include <stdio.h>

#include <charon/inspect.h>
#include <charon/qemu.h>
#include <charon/util.h>

#include "cli.h"

const char inspect_usage[] =
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



int cmd_inspect(int argc, char **argv)
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
	if (io.ram_size > UINT64_MAX - io.ram_base) {
		return usage_error("inspect", "--ram-base 0x%llx with --ram-size 0x%llx: the range wraps past 2^64",
				   (unsigned long long)io.ram_base,
				   (unsigned long long)io.ram_size);
	}
	if (charon_inspect(argv[optind], &io, stdout, &err)) {
		return runtime_error(&err);
	}
	return 0;
}

