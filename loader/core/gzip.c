// SPDX-License-Identifier: MIT
/* gzip inflation with zlib, bounded. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include <zlib.h>

#include <charon/gzip.h>

/**
 * charon_is_gzip() - does a buffer start with the gzip magic (1f 8b)?
 * @p: the bytes
 * @len: how many
 *
 * Return: true for a gzip stream.
 */
bool charon_is_gzip(const uint8_t *p, size_t len)
{
	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/**
 * charon_gunzip() - inflate a gzip stream into a new buffer
 * @name: file name, for messages
 * @in: the gzip stream
 * @in_len: its length
 * @max: largest inflated size accepted
 * @out: set to a malloc'd buffer (free() it)
 * @out_len: set to the inflated length
 * @err: error message on failure
 *
 * Only the first gzip member is inflated; trailing bytes after it (padding)
 * are ignored with a warning.
 *
 * Return: 0, -EFBIG past @max, -EINVAL for corrupt or truncated data.
 */
int charon_gunzip(const char *name, const uint8_t *in, size_t in_len,
		  size_t max, uint8_t **out, size_t *out_len,
		  struct charon_err *err)
{
	size_t cap, in_pos = 0, chunk;
	uint8_t *buf, *nbuf;
	z_stream s = { 0 };
	int rc;

	*out = NULL;
	*out_len = 0;
	if (!charon_is_gzip(in, in_len)) {
		return charon_errf(err, -EINVAL, "gzip: %s: no gzip magic (1f 8b) at 0x0",
				   name);
	}
	cap = in_len < max / 4 ? in_len * 4 : max;
	if (cap < 4096) {
		cap = 4096;
	}
	buf = malloc(cap + 1);
	if (!buf) {
		return charon_errf(err, -ENOMEM, "gzip: %s: out of memory", name);
	}
	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) {
		free(buf);
		return charon_errf(err, -ENOMEM, "gzip: %s: inflateInit2 failed",
				   name);
	}
	for (;;) {
		if (s.avail_in == 0 && in_pos < in_len) {
			chunk = in_len - in_pos;
			if (chunk > UINT_MAX) {
				chunk = UINT_MAX;
			}
			s.next_in = (Bytef *)(in + in_pos);
			s.avail_in = (uInt)chunk;
			in_pos += chunk;
		}
		if (s.total_out == cap) {
			if (cap > max) {
				break;
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			nbuf = realloc(buf, cap + 1);
			if (!nbuf) {
				inflateEnd(&s);
				free(buf);
				return charon_errf(err, -ENOMEM,
						   "gzip: %s: out of memory (%zu bytes)",
						   name, cap);
			}
			buf = nbuf;
		}
		chunk = cap - s.total_out;
		if (chunk > UINT_MAX) {
			chunk = UINT_MAX;
		}
		s.next_out = buf + s.total_out;
		s.avail_out = (uInt)chunk;
		rc = inflate(&s, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			break;
		}
		if (rc == Z_BUF_ERROR && s.avail_in == 0 && in_pos == in_len) {
			inflateEnd(&s);
			free(buf);
			return charon_errf(err, -EINVAL,
					   "gzip: %s: truncated stream: input ended after %zu bytes (%lu inflated)",
					   name, in_len,
					   (unsigned long)s.total_out);
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			inflateEnd(&s);
			free(buf);
			return charon_errf(err, -EINVAL,
					   "gzip: %s: corrupt data near input offset 0x%zx: %s",
					   name, (size_t)s.total_in,
					   s.msg ? s.msg : zError(rc));
		}
	}
	if (s.total_out > max) {
		inflateEnd(&s);
		free(buf);
		return charon_errf(err, -EFBIG,
				   "gzip: %s: inflated size exceeds the limit of %zu bytes (%zu MiB)",
				   name, max, max >> 20);
	}
	if (s.total_in < in_len) {
		charon_warnf("gzip: %s: %zu bytes after the end of the gzip stream ignored",
			     name, in_len - (size_t)s.total_in);
	}
	*out_len = s.total_out;
	inflateEnd(&s);
	*out = buf;
	return 0;
}
