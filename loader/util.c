// SPDX-License-Identifier: MIT
/* Small helpers shared by the library and the CLI. */
#include <string.h>

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
