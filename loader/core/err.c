// SPDX-License-Identifier: MIT
/* Error values and warnings. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <charon/err.h>

static void default_warn(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "charon: warning: %s\n", msg);
}

static void (*warn_fn)(const char *msg, void *arg) = default_warn;
static void *warn_arg;

/**
 * charon_errf() - record an error message
 * @err: where the message goes (may be NULL)
 * @code: the negative errno-style code to return
 * @fmt: printf format; the message names the file, the field and the value
 *
 * Return: @code, so callers can write ``return charon_errf(err, -EINVAL,
 * ...);``.
 */
int charon_errf(struct charon_err *err, int code, const char *fmt, ...)
{
	char msg[CHARON_ERR_LEN];
	va_list ap;

	if (err) {
		/* via a copy: @err's old message may be one of the arguments */
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		memcpy(err->msg, msg, sizeof(err->msg));
	}
	return code;
}

/**
 * charon_err_prefix() - put context in front of a recorded message
 * @err: the error (may be NULL)
 * @fmt: printf format of the prefix
 */
void charon_err_prefix(struct charon_err *err, const char *fmt, ...)
{
	char old[CHARON_ERR_LEN];
	char pre[CHARON_ERR_LEN];
	size_t n, m;
	va_list ap;

	if (!err) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	n = strlen(pre);
	m = strlen(old);
	if (m > sizeof(err->msg) - 1 - n) {
		m = sizeof(err->msg) - 1 - n;
	}
	memcpy(err->msg, pre, n);
	memcpy(err->msg + n, old, m);
	err->msg[n + m] = '\0';
}

/**
 * charon_set_warn_handler() - choose where warnings go
 * @fn: called with each warning message; NULL restores the default, which
 *	prints "charon: warning: <msg>" on stderr
 * @arg: passed to @fn
 */
void charon_set_warn_handler(void (*fn)(const char *msg, void *arg),
			     void *arg)
{
	warn_fn = fn ? fn : default_warn;
	warn_arg = arg;
}

/**
 * charon_warnf() - report something the loader accepts but the user should
 *	know about
 * @fmt: printf format
 */
void charon_warnf(const char *fmt, ...)
{
	char msg[CHARON_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn_fn(msg, warn_arg);
}
