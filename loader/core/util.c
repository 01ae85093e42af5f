// SPDX-License-Identifier: MIT
/* Small helpers shared by the library and the CLI. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <charon/err.h>
#include <charon/util.h>

/**
 * charon_strscpy() - copy a string, truncating to fit
 * @dst: destination, always NUL-terminated if @size > 0
 * @src: source
 * @size: size of @dst
 *
 * Return: the number of characters copied.
 */
size_t charon_strscpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (size == 0) {
		return 0;
	}
	n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

/**
 * charon_printable() - a string from a file, safe to print
 * @dst: destination, always NUL-terminated if @size > 0
 * @size: size of @dst
 * @src: the bytes (a label, a device tree string, ...)
 * @n: at most this many are read; a NUL ends the string earlier
 *
 * Printable ASCII is copied, every other byte becomes \\xNN, so a damaged
 * file cannot put control characters or invalid UTF-8 on a terminal.
 */
void charon_printable(char *dst, size_t size, const void *src, size_t n)
{
	const unsigned char *s = src;
	size_t i, o = 0;

	if (size == 0) {
		return;
	}
	for (i = 0; i < n && s[i]; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			if (o + 1 >= size) {
				break;
			}
			dst[o++] = (char)s[i];
		} else {
			if (o + 4 >= size) {
				break;
			}
			snprintf(dst + o, size - o, "\\x%02x", s[i]);
			o += 4;
		}
	}
	dst[o] = '\0';
}

/**
 * charon_parse_u64() - a number in C notation (decimal, 0x... or 0...)
 * @s: the text; it must start with a digit, so signs and blanks, which
 *	strtoull() would accept ("-1" as 2^64 - 1), are refused
 * @v: set to the value
 *
 * Return: 0, or -EINVAL for anything but a number below 2^64.
 */
int charon_parse_u64(const char *s, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (*s < '0' || *s > '9') {
		return -EINVAL;
	}
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end) {
		return -EINVAL;
	}
	*v = x;
	return 0;
}

/**
 * charon_join() - DIR/NAME into a buffer
 * @buf: the result
 * @len: its size
 * @dir: a directory
 * @name: a file name in it
 * @err: error message on failure
 *
 * Return: 0, or -ENAMETOOLONG.
 */
int charon_join(char *buf, size_t len, const char *dir, const char *name,
		struct charon_err *err)
{
	if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len) {
		return charon_errf(err, -ENAMETOOLONG, "%s/%s: path too long",
				   dir, name);
	}
	return 0;
}

/**
 * charon_beside_exe() - a path relative to this program's directory's
 *	parent: <dir of charon>/../REL (a build's $O, an install's prefix)
 * @rel: the relative path
 * @buf: the result
 * @len: its size
 *
 * Return: 0, -ENOENT when /proc/self/exe cannot be read, or
 * -ENAMETOOLONG.
 */
int charon_beside_exe(const char *rel, char *buf, size_t len)
{
	char exe[4096];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		return -ENOENT;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash) {
		return -ENOENT;
	}
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/../%s", exe, rel) >= len) {
		return -ENAMETOOLONG;
	}
	return 0;
}

/**
 * charon_env_or_beside() - $VAR if set and not empty, else
 *	charon_beside_exe(REL)
 * @var: the environment variable
 * @rel: the relative path
 * @buf: where the second is written
 * @len: its size
 *
 * Return: the path, or NULL when neither exists as a name.
 */
const char *charon_env_or_beside(const char *var, const char *rel, char *buf,
				 size_t len)
{
	const char *v = getenv(var);

	if (v && *v) {
		return v;
	}
	return charon_beside_exe(rel, buf, len) ? NULL : buf;
}
