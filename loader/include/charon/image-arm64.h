/* SPDX-License-Identifier: MIT */
/*
 * The Linux arm64 Image header (Documentation/arch/arm64/booting.rst):
 *
 *	0x00 u32 code0		0x20 u64 res2
 *	0x04 u32 code1		0x28 u64 res3
 *	0x08 u64 text_offset	0x30 u64 res4
 *	0x10 u64 image_size	0x38 u32 magic "ARM\x64"
 *	0x18 u64 flags		0x3c u32 res5 (PE header offset)
 *
 * All fields little-endian.  A gzip-compressed Image is inflated first.
 */
#ifndef CHARON_IMAGE_ARM64_H
#define CHARON_IMAGE_ARM64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/err.h>

#define CHARON_ARM64_IMAGE_HDR_SIZE	64
#define CHARON_ARM64_IMAGE_MAGIC	0x644d5241u	/* "ARM\x64" */
#define CHARON_ARM64_IMAGE_MAGIC_OFF	0x38

#define CHARON_ARM64_FLAG_BE		(1ull << 0)
#define CHARON_ARM64_FLAG_PAGE_SHIFT	1
#define CHARON_ARM64_FLAG_PAGE_MASK	(3ull << 1)
#define CHARON_ARM64_FLAG_ANYWHERE	(1ull << 3)

/* the kernel's base must be 2 MiB aligned; text_offset is added to it */
#define CHARON_ARM64_KERNEL_ALIGN	((uint64_t)2 << 20)
/* pre-3.17 kernels (image_size 0): text_offset is 0x80000 ... */
#define CHARON_ARM64_OLD_TEXT_OFFSET	0x80000ull
/* ... and the footprint is unknown: file size plus this margin */
#define CHARON_ARM64_OLD_MARGIN		((uint64_t)32 << 20)

struct charon_arm64_image {
	/* header fields, as read */
	uint32_t code0;
	uint32_t code1;
	uint64_t text_offset;	/* as used: 0x80000 when image_size is 0 */
	uint64_t image_size;	/* as read: 0 on kernels older than 3.17 */
	uint64_t flags;
	/* decoded */
	unsigned int page_size;	/* 0 (unspecified), 4096, 16384 or 65536 */
	bool anywhere;		/* flags bit 3: any 2 MiB aligned base */
	bool old;		/* image_size was 0 */
	uint64_t mem_size;	/* footprint from the load address */
	/* the bytes to load: the file, or its inflated copy (owned) */
	uint8_t *data;
	size_t len;
	bool inflated;
	size_t file_len;	/* bytes of the file as given */
};

int charon_arm64_image_parse(const char *name, const uint8_t *buf,
			     size_t len, struct charon_arm64_image *img,
			     struct charon_err *err);
int charon_arm64_image_open(const char *name, const uint8_t *buf,
			    size_t len, struct charon_arm64_image *img,
			    struct charon_err *err);
int charon_arm64_image_load(const char *path, struct charon_arm64_image *img,
			    struct charon_err *err);
void charon_arm64_image_free(struct charon_arm64_image *img);

#endif /* CHARON_IMAGE_ARM64_H */
