// SPDX-License-Identifier: MIT
/*
 * Linux arm64 Image parsing (Documentation/arch/arm64/booting.rst), with
 * gzip-compressed Images inflated first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charon/bytes.h>
#include <charon/file.h>
#include <charon/gzip.h>
#include <charon/image-arm64.h>
#include <charon/util.h>

/* an EFI zboot image: "MZ", then "zimg" at 0x4, compression name at 0x18 */
static bool is_zboot(const uint8_t *buf, size_t len)
{
	return len >= 0x20 && buf[0] == 'M' && buf[1] == 'Z' &&
	       !memcmp(buf + 4, "zimg", 4);
}

/**
 * charon_arm64_image_parse() - read and check an arm64 Image header
 * @name: file name, for messages
 * @buf: the (uncompressed) Image
 * @len: its length
 * @img: filled with the header fields; @img->data is not touched
 * @err: error message on failure
 *
 * Rejects files shorter than the header, a bad magic, big-endian kernels
 * and an image_size smaller than the file.  An image_size of 0 (kernels
 * older than 3.17) is accepted with a warning: text_offset is then 0x80000
 * and the footprint the file size plus CHARON_ARM64_OLD_MARGIN.
 *
 * Return: 0 or -EINVAL.
 */
int charon_arm64_image_parse(const char *name, const uint8_t *buf,
			     size_t len, struct charon_arm64_image *img,
			     struct charon_err *err)
{
	uint64_t fsize = len;
	char comp[33];
	uint32_t magic;

	if (len < CHARON_ARM64_IMAGE_HDR_SIZE) {
		return charon_errf(err, -EINVAL,
				   "Image: %s: file is %zu bytes, shorter than the %d-byte arm64 Image header",
				   name, len, CHARON_ARM64_IMAGE_HDR_SIZE);
	}
	magic = charon_get32(buf + CHARON_ARM64_IMAGE_MAGIC_OFF, CHARON_LE);
	if (magic != CHARON_ARM64_IMAGE_MAGIC) {
		if (is_zboot(buf, len)) {
			charon_printable(comp, sizeof(comp), buf + 0x18, 8);
			return charon_errf(err, -EINVAL,
					   "Image: %s: an EFI zboot image (\"zimg\" at 0x4, payload \"%s\"), not an arm64 Image; extract the Image from it first",
					   name, comp);
		}
		return charon_errf(err, -EINVAL,
				   "Image: %s: header magic at 0x38 is 0x%08x, expected 0x%08x (\"ARM\\x64\")",
				   name, magic, CHARON_ARM64_IMAGE_MAGIC);
	}
	img->code0 = charon_get32(buf + 0x00, CHARON_LE);
	img->code1 = charon_get32(buf + 0x04, CHARON_LE);
	img->text_offset = charon_get64(buf + 0x08, CHARON_LE);
	img->image_size = charon_get64(buf + 0x10, CHARON_LE);
	img->flags = charon_get64(buf + 0x18, CHARON_LE);

	if (img->flags & CHARON_ARM64_FLAG_BE) {
		return charon_errf(err, -EINVAL,
				   "Image: %s: flags at 0x18 is 0x%llx: bit 0 set (big-endian kernel); only little-endian kernels are supported",
				   name, (unsigned long long)img->flags);
	}
	switch ((img->flags & CHARON_ARM64_FLAG_PAGE_MASK) >>
		CHARON_ARM64_FLAG_PAGE_SHIFT) {
	case 1:
		img->page_size = 4096;
		break;
	case 2:
		img->page_size = 16384;
		break;
	case 3:
		img->page_size = 65536;
		break;
	default:
		img->page_size = 0;
		break;
	}
	img->anywhere = !!(img->flags & CHARON_ARM64_FLAG_ANYWHERE);

	if (img->image_size == 0) {
		/*
		 * booting.rst: before v3.17 image_size is zero and
		 * text_offset is 0x80000; the footprint is unknown.
		 */
		img->old = true;
		img->text_offset = CHARON_ARM64_OLD_TEXT_OFFSET;
		img->mem_size = fsize + CHARON_ARM64_OLD_MARGIN;
		charon_warnf("Image: %s: image_size at 0x10 is 0 (kernel older than 3.17): assuming text_offset 0x%llx and a footprint of the file size + %llu MiB",
			     name, (unsigned long long)img->text_offset,
			     (unsigned long long)
			     (CHARON_ARM64_OLD_MARGIN >> 20));
	} else {
		img->old = false;
		if (img->image_size < fsize) {
			return charon_errf(err, -EINVAL,
					   "Image: %s: image_size at 0x10 is 0x%llx, smaller than the file (0x%llx bytes)",
					   name,
					   (unsigned long long)img->image_size,
					   (unsigned long long)fsize);
		}
		if (img->image_size > CHARON_MAX_KERNEL_FOOTPRINT) {
			return charon_errf(err, -EINVAL,
					   "Image: %s: image_size at 0x10 is 0x%llx, more than the %llu MiB any kernel needs (damaged header?)",
					   name,
					   (unsigned long long)img->image_size,
					   (unsigned long long)
					   (CHARON_MAX_KERNEL_FOOTPRINT >> 20));
		}
		img->mem_size = img->image_size;
	}
	if (img->text_offset >= CHARON_ARM64_KERNEL_ALIGN ||
	    (img->text_offset & 7)) {
		return charon_errf(err, -EINVAL,
				   "Image: %s: text_offset at 0x8 is 0x%llx, expected an 8-byte aligned offset below 2 MiB",
				   name, (unsigned long long)img->text_offset);
	}
	return 0;
}

/**
 * charon_arm64_image_open() - take an Image (plain or gzip) from memory
 * @name: file name, for messages
 * @buf: the file's bytes (copied; the caller keeps them)
 * @len: their length
 * @img: filled; @img->data holds the bytes to load (free with
 *	charon_arm64_image_free())
 * @err: error message on failure
 *
 * A gzip stream is inflated (at most CHARON_GUNZIP_MAX bytes) and the
 * inflated Image parsed.
 *
 * Return: 0 or a negative errno code.
 */
int charon_arm64_image_open(const char *name, const uint8_t *buf,
			    size_t len, struct charon_arm64_image *img,
			    struct charon_err *err)
{
	char iname[300];
	uint8_t *data;
	size_t dlen;
	int rc;

	memset(img, 0, sizeof(*img));
	snprintf(iname, sizeof(iname), "%s", name);
	if (charon_is_gzip(buf, len)) {
		rc = charon_gunzip(name, buf, len, CHARON_GUNZIP_MAX, &data,
				   &dlen, err);
		if (rc) {
			return rc;
		}
		img->inflated = true;
		snprintf(iname, sizeof(iname), "%s (inflated)", name);
	} else {
		dlen = len;
		data = malloc(dlen ? dlen : 1);
		if (!data) {
			return charon_errf(err, -ENOMEM, "Image: %s: out of memory",
					   name);
		}
		memcpy(data, buf, dlen);
	}
	rc = charon_arm64_image_parse(iname, data, dlen, img, err);
	if (rc) {
		free(data);
		img->inflated = false;
		return rc;
	}
	img->data = data;
	img->len = dlen;
	img->file_len = len;
	return 0;
}

/**
 * charon_arm64_image_load() - read an Image file (plain or gzip)
 * @path: the file
 * @img: filled as by charon_arm64_image_open()
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_arm64_image_load(const char *path, struct charon_arm64_image *img,
			    struct charon_err *err)
{
	uint8_t *buf;
	size_t len;
	int rc;

	memset(img, 0, sizeof(*img));
	rc = charon_read_input("Image", path, CHARON_GUNZIP_MAX, &buf, &len,
			       err);
	if (!rc) {
		rc = charon_arm64_image_open(path, buf, len, img, err);
		free(buf);
	}
	return rc;
}

/**
 * charon_arm64_image_free() - release what charon_arm64_image_open() took
 * @img: the image
 */
void charon_arm64_image_free(struct charon_arm64_image *img)
{
	free(img->data);
	img->data = NULL;
	img->len = 0;
}
