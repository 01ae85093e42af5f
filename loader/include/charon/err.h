/* SPDX-License-Identifier: MIT */
/*
 * Errors are values: every libcharon function that can fail returns 0 or a
 * negative errno-style code and fills a struct charon_err with a message
 * naming the file, the field and the value at fault.  Warnings (the loader
 * carries on) go through a handler the program may replace.
 */
#ifndef CHARON_ERR_H
#define CHARON_ERR_H

#include <stddef.h>

#define CHARON_ERR_LEN	2048

struct charon_err {
	char msg[CHARON_ERR_LEN];
};

int charon_errf(struct charon_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void charon_err_prefix(struct charon_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void charon_set_warn_handler(void (*fn)(const char *msg, void *arg),
			     void *arg);
void charon_warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* CHARON_ERR_H */
