// SPDX-License-Identifier: MIT
/* Whole-file reads and writes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charon/file.h>

/**
 * charon_read_file() - read a whole file into a new buffer
 * @path: the file
 * @max: largest size accepted, in bytes
 * @data: set to a malloc'd buffer (free() it); at least one byte is
 *	allocated even for an empty file
 * @len: set to the number of bytes read
 * @err: error message on failure
 *
 * Return: 0, or a negative errno code (-EFBIG past @max).
 */
int charon_read_file(const char *path, size_t max, uint8_t **data,
		     size_t *len, struct charon_err *err)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf, *nbuf;
	struct stat st;
	ssize_t r;
	int fd, e;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		return charon_errf(err, -e, "%s: cannot open: %s", path,
				   strerror(e));
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return charon_errf(err, -EISDIR, "%s: is a directory, expected a file",
				   path);
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uint64_t)st.st_size > max) {
			close(fd);
			return charon_errf(err, -EFBIG,
					   "%s: file is %llu bytes, larger than the limit of %zu bytes",
					   path, (unsigned long long)st.st_size,
					   max);
		}
		cap = (size_t)st.st_size + 1;
	}
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return charon_errf(err, -ENOMEM, "%s: out of memory (%zu bytes)",
				   path, cap);
	}
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				break;
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				free(buf);
				close(fd);
				return charon_errf(err, -ENOMEM,
						   "%s: out of memory (%zu bytes)",
						   path, cap);
			}
			buf = nbuf;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r < 0) {
			e = errno;
			free(buf);
			close(fd);
			return charon_errf(err, -e, "%s: read error: %s", path,
					   strerror(e));
		}
		if (r == 0) {
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		free(buf);
		return charon_errf(err, -EFBIG,
				   "%s: file is larger than the limit of %zu bytes",
				   path, max);
	}
	*data = buf;
	*len = n;
	return 0;
}

/**
 * charon_read_input() - read a whole input file, naming its role in errors
 * @what: the file's role: "stub", "kernel", "initrd", ...; a message
 *	starts "WHAT: PATH: "
 * @path: the file
 * @max: largest size accepted, in bytes
 * @data: as for charon_read_file()
 * @len: as for charon_read_file()
 * @err: error message on failure
 *
 * Return: 0, or a negative errno code (-EFBIG past @max).
 */
int charon_read_input(const char *what, const char *path, size_t max,
		      uint8_t **data, size_t *len, struct charon_err *err)
{
	int rc;

	rc = charon_read_file(path, max, data, len, err);
	if (rc) {
		charon_err_prefix(err, "%s: ", what);
	}
	return rc;
}

/**
 * charon_write_file() - create or replace a file with the given bytes
 * @path: the file
 * @data: the bytes
 * @len: how many
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_write_file(const char *path, const void *data, size_t len,
		      struct charon_err *err)
{
	const uint8_t *p = data;
	ssize_t r;
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		return charon_errf(err, -e, "%s: cannot create: %s", path,
				   strerror(e));
	}
	while (len) {
		r = write(fd, p, len);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			e = r < 0 ? errno : EIO;
			close(fd);
			return charon_errf(err, -e, "%s: write error: %s", path,
					   strerror(e));
		}
		p += r;
		len -= (size_t)r;
	}
	if (close(fd)) {
		e = errno;
		return charon_errf(err, -e, "%s: write error: %s", path,
				   strerror(e));
	}
	return 0;
}
