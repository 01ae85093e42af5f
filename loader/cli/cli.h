/* SPDX-License-Identifier: MIT */
/*
 * What the charon CLI's commands share (cli.c): errors and exit codes,
 * the option rules the arch registry gives, where the stub is found, and
 * the printed layout.  One file per command: charon.c (dispatch, help),
 * cmd-qemu.c, cmd-image.c, cmd-inspect.c, cmd-kexec.c (load, exec, unload,
 * status).
 */
#ifndef CHARON_CLI_H
#define CHARON_CLI_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include <charon/boot.h>
#include <charon/err.h>

#define CHARON_VERSION	"0.1"

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

#define MAX_HOOKS	8

int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int runtime_error(const struct charon_err *err);
int bad_option(const char *cmd, int c, const struct option *opts,
	       char *const *argv);
int find_stub(const struct charon_arch *a, const char *file, const char *env,
	      const char **path, char *buf, size_t len);
int parse_arch(const char *cmd, const char *name,
	       const struct charon_arch **a);
int check_arch_options(const char *cmd, const struct charon_boot_opts *o,
		       const char *const *given, unsigned int nr_given);
int check_flips(const char *cmd, const struct charon_boot_opts *o,
		const char *const *flip, int nr_flip);
void print_layout(const struct charon_boot *b, const char *stub_file,
		  char (*files)[PATH_MAX], FILE *f);

/* charon qemu's and charon image's options (cmd-qemu.c) */
#include <charon/qemu.h>
struct qemu_args {
	const char *arch;
	struct charon_boot_opts boot;
	struct charon_qemu_run run;
	const char *workdir;
	bool dry_run;
	const char *flip[MAX_HOOKS];
	int nr_flip;
	const char *brk[MAX_HOOKS];
	int nr_brk;
	char **extra;
	/* charon image: -o, --ram BASE,SIZE instead of a QEMU machine */
	bool image;
	const char *output;
	bool ram_set;
	uint64_t ram_base, ram_size;
	bool user_dtb;			/* --dtb given: embedded in the image */
	bool machine_given;
	size_t nr_extra;
	/* the arch-only options given, for the registry's rules */
	const char *given[16];
	unsigned int nr_given;
};

int qemu_parse(int argc, char **argv, struct qemu_args *q);
int make_workdir(const char *want, char *buf, size_t len,
		 struct charon_err *err);
int image_parse_ram(const char *s, struct qemu_args *q);

int cmd_qemu(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_status(int argc, char **argv);
extern const char qemu_usage[], image_usage[], inspect_usage[], load_usage[], exec_usage[],
	unload_usage[], status_usage[];

#endif /* CHARON_CLI_H */
