/* SPDX-License-Identifier: MIT */
/*
 * Running a helper program (QEMU) and reading what it says: the one
 * fork/exec runner of the loader (backend/proc.c).
 */
#ifndef CHARON_PROC_H
#define CHARON_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include <charon/err.h>

struct charon_proc {
	char *const *argv;	/* argv[0] is looked up in PATH */
	const char *stop;	/* NULL, or kill it (SIGKILL) once a complete
				   line containing this has arrived */
	unsigned int timeout;	/* seconds; 0: no limit */
	const char *log;	/* NULL, or also write its output here */
};

struct charon_proc_out {
	char *text;		/* stdout and stderr, NUL-terminated (owned) */
	size_t len;
	bool stopped;		/* killed after the stop line */
	double seconds;		/* how long it ran */
};

int charon_proc_run(const struct charon_proc *p, struct charon_proc_out *o,
		    struct charon_err *err);
void charon_proc_out_free(struct charon_proc_out *o);
void charon_proc_last_line(const struct charon_proc_out *o, char *buf,
			   size_t len);

#endif /* CHARON_PROC_H */
