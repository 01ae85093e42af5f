// SPDX-License-Identifier: MIT
/*
 * The loader's one fork/exec runner (<charon/proc.h>): QEMU dumping a
 * machine's device tree, QEMU booting the capture kernel, `QEMU
 * --version`.  stdin is /dev/null, stdout and stderr are read from one
 * pipe, bounded, with a deadline and an optional stop line.
 */
#define _GNU_SOURCE	/* memmem */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <charon/file.h>
#include <charon/proc.h>
#include <charon/util.h>

#define OUTPUT_MAX	((size_t)64 << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* the output so far holds a complete line containing @stop */
static bool has_stop_line(const char *buf, size_t n, const char *stop)
{
	const char *p = buf, *end = buf + n, *hit;

	while ((hit = memmem(p, end - p, stop, strlen(stop)))) {
		if (memchr(hit, '\n', end - hit)) {
			return true;
		}
		p = hit + 1;
	}
	return false;
}

static pid_t spawn(char *const argv[], int out)
{
	pid_t pid = fork();
	int devnull;

	if (pid != 0) {
		return pid;
	}
	devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0) {
		dup2(devnull, 0);
	}
	dup2(out, 1);
	dup2(out, 2);
	execvp(argv[0], argv);
	dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* read the child's output into o until EOF, the stop line or the deadline */
static int collect(const struct charon_proc *p, int fd,
		   struct charon_proc_out *o, double deadline,
		   struct charon_err *err)
{
	size_t cap = 1 << 16;
	char *nb;
	ssize_t r;

	o->text = malloc(cap);
	if (!o->text) {
		return charon_errf(err, -ENOMEM, "%s: out of memory",
				   p->argv[0]);
	}
	for (;;) {
		struct pollfd pf = { fd, POLLIN, 0 };
		double left = deadline - now();

		if (p->timeout && left <= 0) {
			return charon_errf(err, -ETIMEDOUT,
					   "%s: no result after %u s",
					   p->argv[0], p->timeout);
		}
		if (poll(&pf, 1, p->timeout ? (int)(left * 1000) + 1 : -1) <=
		    0) {
			continue;
		}
		if (cap - o->len < 4096) {
			nb = cap < OUTPUT_MAX ? realloc(o->text, cap * 2) :
			     NULL;
			if (!nb) {
				return charon_errf(err, -EFBIG,
						   "%s: more than %zu bytes of output",
						   p->argv[0], cap);
			}
			o->text = nb;
			cap *= 2;
		}
		r = read(fd, o->text + o->len, cap - o->len - 1);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			return 0;	/* EOF: it exited */
		}
		o->len += (size_t)r;
		o->text[o->len] = '\0';
		if (p->stop && has_stop_line(o->text, o->len, p->stop)) {
			o->stopped = true;
			return 0;
		}
	}
}

/**
 * charon_proc_run() - run a program and take what it prints
 * @p: what to run, how long, when to stop it
 * @o: its output (free with charon_proc_out_free(), also after a
 *	failure, when it has what arrived)
 * @err: why it failed
 *
 * Return: 0 when it exited with status 0, or when the stop line came (it
 * is then killed); -ETIMEDOUT, -EFBIG (more than 64 MiB of output), -EIO
 * (a non-zero exit or a signal, named in @err), or another negative errno
 * code.
 */
int charon_proc_run(const struct charon_proc *p, struct charon_proc_out *o,
		    struct charon_err *err)
{
	double t0 = now();
	int fds[2], status = 0, rc;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	if (pipe(fds)) {
		rc = -errno;
		return charon_errf(err, rc, "%s: pipe: %s", p->argv[0],
				   strerror(-rc));
	}
	fflush(NULL);
	pid = spawn(p->argv, fds[1]);
	close(fds[1]);
	if (pid < 0) {
		rc = -errno;
		close(fds[0]);
		return charon_errf(err, rc, "%s: fork: %s", p->argv[0],
				   strerror(-rc));
	}
	rc = collect(p, fds[0], o, t0 + p->timeout, err);
	close(fds[0]);
	if (o->stopped || rc) {
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	o->seconds = now() - t0;
	if (p->log && o->text) {
		struct charon_err ignore;

		charon_write_file(p->log, o->text, o->len, &ignore);
	}
	if (!rc && !o->stopped && (!WIFEXITED(status) || WEXITSTATUS(status))) {
		rc = charon_errf(err, -EIO, "%s: %s %d%s", p->argv[0],
				 WIFEXITED(status) ? "exited with status" :
				 "killed by signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) :
				 WTERMSIG(status),
				 p->stop ? " before its last line" : "");
	}
	return rc;
}

/**
 * charon_proc_out_free() - release what charon_proc_run() read
 * @o: the output
 */
void charon_proc_out_free(struct charon_proc_out *o)
{
	free(o->text);
	o->text = NULL;
	o->len = 0;
}

/**
 * charon_proc_last_line() - the last non-empty line it printed
 * @o: the output
 * @buf: the line, for messages ("" if none)
 * @len: its size
 */
void charon_proc_last_line(const struct charon_proc_out *o, char *buf,
			   size_t len)
{
	const char *e, *p;

	buf[0] = '\0';
	if (!o->text) {
		return;
	}
	e = o->text + o->len;
	while (e > o->text && (e[-1] == '\n' || e[-1] == '\r')) {
		e--;
	}
	for (p = e; p > o->text && p[-1] != '\n'; p--) {
	}
	snprintf(buf, len, "%.*s", (int)(e - p), p);
}
