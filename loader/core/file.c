// SPDX-License-Identifier: MIT
/* Whole-file reads and writes. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include <charon/file.h>
#include <charon/util.h>

/**
 * charon_file_kind() - what a file that is not a regular one is
 * @mode: its st_mode
 *
 * Return: "a directory", "a FIFO", ... for messages.
 */
const char *charon_file_kind(unsigned int mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFREG:
		return "a regular file";
	default:
		return "not a regular file";
	}
}

/* is @fd on sysfs or procfs, whose st_size says nothing? */
static bool pseudo_fs(int fd)
{
	struct statfs fs;

	return !fstatfs(fd, &fs) && (fs.f_type == SYSFS_MAGIC ||
				     fs.f_type == PROC_SUPER_MAGIC);
}

static bool has_control(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			return true;
		}
	}
	return false;
}

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
	char shown[256];
	struct stat st;
	ssize_t r;
	int fd, e;

	*data = NULL;
	*len = 0;
	if (!*path) {
		return charon_errf(err, -ENOENT, "\"\": an empty file name");
	}
	if (has_control(path)) {
		charon_printable(shown, sizeof(shown), path, strlen(path));
		return charon_errf(err, -EINVAL,
				   "\"%s\": a file name with control characters",
				   shown);
	}
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		return charon_errf(err, -e, "%s: cannot open: %s", path,
				   strerror(e));
	}
	if (fstat(fd, &st)) {
		e = errno;
		close(fd);
		return charon_errf(err, -e, "%s: cannot stat: %s", path,
				   strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return charon_errf(err, S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL,
				   "%s: is %s, expected a regular file", path,
				   charon_file_kind(st.st_mode));
	}
	fcntl(fd, F_SETFL, 0);
	/* sysfs and procfs sizes are made up (a page, 0): read and see */
	if (st.st_size > 0 && !pseudo_fs(fd)) {
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

/**
 * charon_mkdir_p() - create @path and its missing parents, as mkdir -p
 * @what: how the error names @path, e.g. "--workdir"
 * @path: the directory
 * @err: error message on failure
 *
 * Return: 0 when @path is (now) a directory, or -errno.
 */
int charon_mkdir_p(const char *what, const char *path, struct charon_err *err)
{
	char buf[4096];
	struct stat st;
	size_t i, n = strlen(path);
	int e;

	if (!n || n >= sizeof(buf)) {
		return charon_errf(err, -EINVAL, "%s \"%s\": %s", what, path,
				   n ? "path too long" : "empty");
	}
	if (has_control(path)) {
		charon_printable(buf, sizeof(buf), path, n);
		return charon_errf(err, -EINVAL,
				   "%s \"%s\": a file name with control characters",
				   what, buf);
	}
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0') {
			continue;
		}
		buf[i] = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST) {
			e = errno;
			return charon_errf(err, -e, "%s %s: cannot create %s: %s",
					   what, path, buf, strerror(e));
		}
		buf[i] = path[i];
	}
	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		return charon_errf(err, -ENOTDIR, "%s %s: not a directory",
				   what, path);
	}
	return 0;
}
