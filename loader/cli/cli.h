/* SPDX-License-Identifier: MIT */
/*
 * What the charon CLI's commands share (cli.c): errors and exit codes,
 * the option rules the arch registry gives, where the stub is found, and
 * the printed layout.  One file per command: charon.c (dispatch, help),
 * cmd-qemu.c, cmd-inspect.c, cmd-kexec.c (load, exec, unload, status).
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
int find_stub(const struct charon_arch *a, const char **path, char *buf,
	      size_t len);
int parse_arch(const char *cmd, const char *name,
	       const struct charon_arch **a);
int check_arch_options(const char *cmd, const struct charon_boot_opts *o,
		       const char *const *given, unsigned int nr_given);
int check_flips(const char *cmd, const struct charon_boot_opts *o,
		const char *const *flip, int nr_flip);
void print_layout(const struct charon_boot *b, const char *stub_file,
		  char (*files)[PATH_MAX], FILE *f);

int cmd_qemu(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_status(int argc, char **argv);
extern const char qemu_usage[], inspect_usage[], load_usage[], exec_usage[],
	unload_usage[], status_usage[];

#endif /* CHARON_CLI_H */
