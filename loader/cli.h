/* SPDX-License-Identifier: MIT */
/*
 * What the charon CLI's commands share: errors and exit codes, option
 * checks, where the stub is found, and the printed layout.
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
int beside_exe(const char *rel, char *buf, size_t len);
const char *env_or_beside(const char *var, const char *rel, char *buf,
			  size_t len);
int find_stub(const char *arch, const char **path, char *buf, size_t len);
bool valid_flip(const char *s, bool have_initrd, bool atags, bool x86);
void print_layout(const struct charon_boot *b, const char *stub_file,
		  char (*files)[PATH_MAX], FILE *f);

int cmd_load(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_status(int argc, char **argv);
extern const char load_usage[], exec_usage[], unload_usage[],
	status_usage[];

#endif /* CHARON_CLI_H */
