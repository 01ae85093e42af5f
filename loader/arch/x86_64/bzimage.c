// SPDX-License-Identifier: MIT
/*
 * Linux x86 bzImage parsing (Documentation/arch/x86/boot.rst) and the
 * placement of its protected-mode kernel.  Every header field is checked
 * before it is used: the file is external input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charon/bytes.h>
#include <charon/file.h>
#include <charon/image-x86.h>
#include <charon/util.h>

typedef unsigned long long ull;

#define PAGE	4096ull
/* arch/x86/Kconfig: PHYSICAL_ALIGN's range on x86_64 ends at 16 MiB */
#define X86_MAX_PHYSICAL_ALIGN	0x1000000u

static uint16_t rd16(const uint8_t *b, size_t off)
{
	return charon_get16(b + off, CHARON_LE);
}

static uint32_t rd32(const uint8_t *b, size_t off)
{
	return charon_get32(b + off, CHARON_LE);
}

/* a hint for files that are kernels, but not bzImages */
static const char *what_else(const uint8_t *buf, size_t len)
{
	if (len >= 4 && !memcmp(buf, "\x7f" "ELF", 4)) {
		return " (an ELF file: a vmlinux? give the bzImage)";
	}
	if (len >= 0x40 && rd32(buf, 0x38) == 0x644d5241u) {
		return " (an arm64 Image)";
	}
	if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
		return " (a gzip stream)";
	}
	return "";
}

/* the fields, read without judging them */
static void read_fields(const uint8_t *buf, struct charon_x86_image *img)
{
	img->setup_sects = buf[CHARON_X86_SETUP_SECTS];
	img->syssize = rd32(buf, CHARON_X86_SYSSIZE);
	img->version = rd16(buf, CHARON_X86_VERSION);
	img->kernel_version = rd16(buf, CHARON_X86_KERNEL_VERSION);
	img->loadflags = buf[CHARON_X86_LOADFLAGS];
	img->code32_start = rd32(buf, CHARON_X86_CODE32_START);
	img->initrd_addr_max = rd32(buf, CHARON_X86_INITRD_ADDR_MAX);
	img->kernel_alignment = rd32(buf, CHARON_X86_KERNEL_ALIGNMENT);
	img->relocatable_kernel = buf[CHARON_X86_RELOCATABLE];
	img->min_alignment = buf[CHARON_X86_MIN_ALIGNMENT];
	img->xloadflags = rd16(buf, CHARON_X86_XLOADFLAGS);
	img->cmdline_size = rd32(buf, CHARON_X86_CMDLINE_SIZE);
	img->payload_offset = rd32(buf, CHARON_X86_PAYLOAD_OFFSET);
	img->payload_length = rd32(buf, CHARON_X86_PAYLOAD_LENGTH);
	img->pref_address = charon_get64(buf + CHARON_X86_PREF_ADDRESS,
					 CHARON_LE);
	img->init_size = rd32(buf, CHARON_X86_INIT_SIZE);
	img->handover_offset = rd32(buf, CHARON_X86_HANDOVER_OFFSET);
	/* protocol 2.15 added kernel_info_offset */
	img->kernel_info_offset = img->version >= 0x020f ?
		rd32(buf, CHARON_X86_KERNEL_INFO_OFFSET) : 0;
}

/* magic numbers and version: is this a bzImage we can boot at all? */
static int check_magic(const char *name, const uint8_t *buf, size_t len,
		       struct charon_x86_image *img, struct charon_err *err)
{
	uint16_t flag;
	uint32_t hdrs;

	if (len < CHARON_X86_HDR_MIN_END) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: file is %zu bytes, shorter than the x86 boot sector and setup header (0x%x bytes)",
				   name, len, CHARON_X86_HDR_MIN_END);
	}
	flag = rd16(buf, CHARON_X86_BOOT_FLAG);
	if (flag != CHARON_X86_BOOT_FLAG_MAGIC) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: boot_flag at 0x1fe is 0x%04x, expected 0xaa55: not an x86 bzImage%s",
				   name, flag, what_else(buf, len));
	}
	hdrs = rd32(buf, CHARON_X86_HEADER);
	if (hdrs != CHARON_X86_HDRS_MAGIC) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: setup header magic at 0x202 is 0x%08x, expected 0x%08x (\"HdrS\"): a kernel older than boot protocol 2.00, or not a kernel",
				   name, hdrs, CHARON_X86_HDRS_MAGIC);
	}
	if (img->version < CHARON_X86_MIN_VERSION) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: boot protocol version at 0x206 is %u.%02u (0x%04x); the 64-bit entry needs 2.12 (0x020c, Linux 3.8) or later",
				   name, img->version >> 8, img->version & 0xff,
				   img->version);
	}
	if (buf[CHARON_X86_JUMP] != CHARON_X86_JUMP_OPCODE) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: jump at 0x200 is 0x%02x, expected 0xeb (jmp rel8, whose offset gives the header's end)",
				   name, buf[CHARON_X86_JUMP]);
	}
	/* boot.rst: the header ends at 0x202 + the byte at 0x201 */
	img->hdr_end = CHARON_X86_HEADER + buf[CHARON_X86_JUMP + 1];
	if ((buf[CHARON_X86_JUMP + 1] & 0x80) ||
	    img->hdr_end < CHARON_X86_KERNEL_INFO_OFFSET) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: jump offset at 0x201 is 0x%02x: the setup header would end at 0x%zx, before the end of the protocol 2.12 fields (0x%x)",
				   name, buf[CHARON_X86_JUMP + 1], img->hdr_end,
				   CHARON_X86_KERNEL_INFO_OFFSET);
	}
	return 0;
}

/* sizes: setup, protected-mode kernel, payload, init_size */
static int check_sizes(const char *name, size_t len,
		       struct charon_x86_image *img, struct charon_err *err)
{
	uint64_t sys_bytes, pay_end;

	if (img->setup_sects == 0) {
		img->setup_sects = CHARON_X86_SETUP_SECTS_DEFAULT;
	}
	img->setup_size = (size_t)(img->setup_sects + 1) * CHARON_X86_SECTOR;
	if (len <= img->setup_size) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: setup_sects at 0x1f1 is %u, so the protected-mode kernel starts at 0x%zx, but the file is only 0x%zx bytes: truncated",
				   name, img->setup_sects, img->setup_size,
				   len);
	}
	img->pm_size = len - img->setup_size;
	sys_bytes = (uint64_t)img->syssize * 16;
	if (sys_bytes > img->pm_size) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: syssize at 0x1f4 is 0x%x (0x%llx bytes of protected-mode code), but 0x%zx bytes follow the setup at 0x%zx: truncated",
				   name, img->syssize, (ull)sys_bytes,
				   img->pm_size, img->setup_size);
	}
	/*
	 * The kernel's build always sets it; GRUB, QEMU and kexec-tools take
	 * the file's size whatever it says, and so do we.
	 */
	if (img->syssize == 0) {
		charon_warnf("kernel: %s: syssize at 0x1f4 is 0 (a kernel's build sets it); loading the 0x%zx bytes after the setup at 0x%zx",
			     name, img->pm_size, img->setup_size);
	}
	pay_end = (uint64_t)img->payload_offset + img->payload_length;
	if (img->payload_length && pay_end > img->pm_size) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: payload (payload_offset at 0x248 0x%x, payload_length at 0x24c 0x%x) ends at 0x%llx, past the 0x%zx bytes of protected-mode kernel: truncated",
				   name, img->payload_offset,
				   img->payload_length,
				   (ull)pay_end, img->pm_size);
	}
	if (img->init_size < img->pm_size) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: init_size at 0x260 is 0x%x, smaller than the 0x%zx bytes of protected-mode kernel",
				   name, img->init_size, img->pm_size);
	}
	if (img->init_size > CHARON_MAX_KERNEL_FOOTPRINT) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: init_size at 0x260 is 0x%x, more than the %llu MiB of KERNEL_IMAGE_SIZE (damaged header?)",
				   name, img->init_size,
				   (ull)(CHARON_MAX_KERNEL_FOOTPRINT >> 20));
	}
	img->mem_size = charon_round_up(img->init_size, PAGE);
	return 0;
}

/* what we need to place and enter it: bzImage, 64-bit, relocatable */
static int check_flags(const char *name, struct charon_x86_image *img,
		       struct charon_err *err)
{
	uint32_t a = img->kernel_alignment;

	if (!(img->loadflags & CHARON_X86_LOADED_HIGH)) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: loadflags at 0x211 is 0x%02x: LOADED_HIGH (bit 0) clear, a zImage loaded at 0x10000; only bzImage kernels are supported",
				   name, img->loadflags);
	}
	if (!(img->xloadflags & CHARON_X86_XLF_KERNEL_64)) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: xloadflags at 0x236 is 0x%04x: XLF_KERNEL_64 (bit 0) clear, no 64-bit entry point at 0x200 (a 32-bit kernel?)",
				   name, img->xloadflags);
	}
	if (!img->relocatable_kernel) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: relocatable_kernel at 0x234 is 0: the kernel runs only at pref_address 0x%llx; non-relocatable kernels are not supported",
				   name, (ull)img->pref_address);
	}
	if (a == 0 || (a & (a - 1))) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: kernel_alignment at 0x230 is 0x%x, not a power of two",
				   name, a);
	}
	if (a > X86_MAX_PHYSICAL_ALIGN) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: kernel_alignment at 0x230 is 0x%x, more than the 16 MiB CONFIG_PHYSICAL_ALIGN allows",
				   name, a);
	}
	if (img->min_alignment &&
	    (img->min_alignment > 31 ||
	     ((uint32_t)1 << img->min_alignment) > a)) {
		return charon_errf(err, -EINVAL,
				   "kernel: %s: min_alignment at 0x235 is %u (2^%u), larger than kernel_alignment 0x%x",
				   name, img->min_alignment, img->min_alignment,
				   a);
	}
	return 0;
}

/* kernel_version: a pointer, less 0x200, to a string in the setup code */
static void read_version_str(const uint8_t *buf,
			     struct charon_x86_image *img)
{
	size_t off = (size_t)img->kernel_version + CHARON_X86_SECTOR;

	img->version_str[0] = '\0';
	if (!img->kernel_version || off >= img->setup_size) {
		return;
	}
	charon_printable(img->version_str, sizeof(img->version_str),
			 buf + off, img->setup_size - off);
}

/**
 * charon_x86_image_parse() - read and check a bzImage's setup header
 * @name: file name, for messages
 * @buf: the file
 * @len: its length
 * @img: filled with the header fields; @img->data is not touched
 * @err: error message on failure, naming the field, its offset and value
 *
 * Accepts a bzImage (LOADED_HIGH) of boot protocol 2.12 or later with a
 * 64-bit entry (XLF_KERNEL_64) that is relocatable, with a power-of-two
 * kernel_alignment.  Rejects a bad boot_flag or "HdrS" magic, an older
 * protocol, a file shorter than the setup (setup_sects, 0 meaning 4) plus
 * syssize paragraphs or the payload, and an init_size smaller than the
 * protected-mode kernel.  A syssize of 0 is only warned about.
 *
 * Return: 0 or -EINVAL.
 */
int charon_x86_image_parse(const char *name, const uint8_t *buf, size_t len,
			   struct charon_x86_image *img,
			   struct charon_err *err)
{
	int rc;

	if (len >= CHARON_X86_HDR_MIN_END) {
		read_fields(buf, img);
	}
	rc = check_magic(name, buf, len, img, err);
	if (!rc) {
		rc = check_sizes(name, len, img, err);
	}
	if (!rc) {
		rc = check_flags(name, img, err);
	}
	if (rc) {
		return rc;
	}
	read_version_str(buf, img);
	return 0;
}

/**
 * charon_x86_image_open() - take a bzImage from memory
 * @name: file name, for messages
 * @buf: the file's bytes (copied; the caller keeps them)
 * @len: their length
 * @img: filled; @img->data holds the whole file (free with
 *	charon_x86_image_free())
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_x86_image_open(const char *name, const uint8_t *buf, size_t len,
			  struct charon_x86_image *img,
			  struct charon_err *err)
{
	int rc;

	memset(img, 0, sizeof(*img));
	rc = charon_x86_image_parse(name, buf, len, img, err);
	if (rc) {
		return rc;
	}
	img->data = malloc(len);
	if (!img->data) {
		return charon_errf(err, -ENOMEM, "kernel: %s: out of memory",
				   name);
	}
	memcpy(img->data, buf, len);
	img->len = len;
	return 0;
}

/**
 * charon_x86_image_load() - read and check a bzImage file
 * @path: the file
 * @img: filled as by charon_x86_image_open()
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_x86_image_load(const char *path, struct charon_x86_image *img,
			  struct charon_err *err)
{
	uint8_t *buf;
	size_t len;
	int rc;

	memset(img, 0, sizeof(*img));
	rc = charon_read_input("kernel", path, CHARON_FILE_MAX, &buf, &len,
			       err);
	if (rc) {
		return rc;
	}
	rc = charon_x86_image_parse(path, buf, len, img, err);
	if (rc) {
		free(buf);
		return rc;
	}
	img->data = buf;
	img->len = len;
	return 0;
}

/**
 * charon_x86_image_free() - release what charon_x86_image_open() took
 * @img: the image
 */
void charon_x86_image_free(struct charon_x86_image *img)
{
	free(img->data);
	img->data = NULL;
	img->len = 0;
}

/**
 * charon_x86_image_pm() - the protected-mode kernel: the bytes to load
 * @img: an opened image
 *
 * Return: @img->data + @img->setup_size; @img->pm_size bytes follow.
 */
const uint8_t *charon_x86_image_pm(const struct charon_x86_image *img)
{
	return img->data + img->setup_size;
}

/**
 * charon_x86_kernel_add() - place the protected-mode kernel
 * @l: the layout (RAM and the segments already fixed); gets a FIXED
 *	segment "kernel" of @img->mem_size bytes
 * @img: the parsed bzImage
 * @entry32: enter through the 32-bit boot protocol (at the load address,
 *	paging off) instead of the 64-bit entry at load address + 0x200
 * @limit: the kernel must end at or below this (0: no limit)
 * @out: where it went
 * @err: error message on failure
 *
 * The kernel reserves init_size bytes (rounded up to 4 KiB) from its load
 * address, not just the file size.  It goes at pref_address when that is
 * kernel_alignment aligned and the whole footprint is free RAM; else at
 * the lowest kernel_alignment-aligned fit at or above 16 MiB
 * (CHARON_X86_KERNEL_MIN_ADDR).  It must end below 4 GiB unless it is
 * entered in 64-bit mode and sets XLF_CAN_BE_LOADED_ABOVE_4G, and at or
 * below @limit.
 *
 * Return: 0 or a negative errno code.
 */
int charon_x86_kernel_add(struct charon_layout *l,
			  const struct charon_x86_image *img, bool entry32,
			  uint64_t limit, struct charon_x86_kernel_place *out,
			  struct charon_err *err)
{
	struct charon_segment *s;
	uint64_t align = img->kernel_alignment, max_end = limit, pref, addr;
	int rc = -ENOSPC;

	memset(out, 0, sizeof(*out));
	if ((entry32 || !(img->xloadflags & CHARON_X86_XLF_ABOVE_4G)) &&
	    (!max_end || max_end > CHARON_X86_4G)) {
		max_end = CHARON_X86_4G;
	}
	pref = img->pref_address;
	if (pref && pref % align == 0 && pref + img->mem_size > pref) {
		/* the window is exactly the footprint at pref_address */
		rc = charon_layout_pick(l, "kernel", img->mem_size, align, false,
				     pref, pref + img->mem_size, &addr, NULL);
		if (!rc && max_end && addr + img->mem_size > max_end) {
			rc = -ENOSPC;
		}
	}
	if (rc) {
		rc = charon_layout_pick(l, "kernel", img->mem_size, align, false,
				     CHARON_X86_KERNEL_MIN_ADDR, max_end,
				     &addr, err);
		if (rc) {
			charon_err_prefix(err, "kernel: ");
			return rc;
		}
	}
	s = charon_layout_add(l, "kernel", img->mem_size, align,
			      CHARON_PLACE_FIXED, err);
	if (!s) {
		return -EINVAL;
	}
	s->addr = addr;
	out->addr = addr;
	out->size = img->mem_size;
	out->entry = entry32 ? addr : addr + CHARON_X86_ENTRY64_OFFSET;
	out->at_pref = addr == pref;
	return 0;
}
