// SPDX-License-Identifier: MIT
/*
 * arm64 in the host's arch registry: the stub image's facts, QEMU's
 * defaults, the plan's steps (plan.c), and how a plan, a parameter block
 * and an Image are shown.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <charon/boot.h>
#include <charon/bytes.h>
#include <charon/gzip.h>
#include <charon/image-arm64.h>
#include <charon/inspect.h>
#include <charon/qemu.h>

#include "arm64.h"

typedef unsigned long long ull;

static const char *const *flip_labels(const struct charon_boot_opts *o)
{
	static const char *const labels[] = { "dtb", NULL };

	(void)o;
	return labels;
}

static void print_plan(const struct charon_boot *b, FILE *f)
{
	fprintf(f, "charon: entry 0x%llx, x0 = dtb 0x%llx, console %s at 0x%llx, PSCI %s, fail policy %s%s\n",
		(ull)b->params.next.entry, (ull)b->params.next.regs[0],
		charon_console_kind_name(b->params.console.kind),
		(ull)b->params.console.base, charon_psci_name(b->psci),
		charon_fail_policy_name(b->params.fail_policy),
		b->params.flags & CHARON_F_VERBOSE ? ", verbose" : "");
}

static void print_params(const struct charon_params *p, FILE *f)
{
	fprintf(f, "  next.arch     psci %llu (%s)\n",
		(ull)p->next.arch.raw[CHARON_ARM64_PSCI],
		charon_psci_name(p->next.arch.raw[CHARON_ARM64_PSCI]));
}

/* the stub is an Image too, so that QEMU -kernel and booti start it */
static void print_stub(const uint8_t *buf, size_t len, FILE *f)
{
	struct charon_arm64_image img;

	if (charon_arm64_image_parse("stub", buf, len, &img, NULL) == 0) {
		fprintf(f, "arm64 Image header: text_offset 0x%llx, image_size 0x%llx, flags 0x%llx\n",
			(ull)img.text_offset, (ull)img.image_size,
			(ull)img.flags);
	} else {
		fprintf(f, "arm64 Image header: not valid (QEMU -kernel and booti will not start this stub)\n");
	}
}

/**
 * charon_print_arm64_image() - describe an arm64 Image header
 * @name: file name
 * @img: the parsed image
 * @f: where to
 */
void charon_print_arm64_image(const char *name,
			      const struct charon_arm64_image *img, FILE *f)
{
	fprintf(f, "%s: arm64 Image", name);
	if (img->inflated) {
		fprintf(f, ", gzip-compressed (%zu bytes, %zu inflated)\n",
			img->file_len, img->len);
	} else {
		fprintf(f, ", %zu bytes\n", img->len);
	}
	fprintf(f, "  code0         0x%08x\n", img->code0);
	fprintf(f, "  code1         0x%08x\n", img->code1);
	fprintf(f, "  text_offset   0x%llx%s\n", (ull)img->text_offset,
		img->old ? " (assumed: image_size is 0)" : "");
	fprintf(f, "  image_size    0x%llx%s\n", (ull)img->image_size,
		img->old ? " (kernel older than 3.17)" : "");
	fprintf(f, "  flags         0x%llx\n", (ull)img->flags);
	fprintf(f, "    endianness  little\n");
	if (img->page_size) {
		fprintf(f, "    page size   %u KiB\n", img->page_size >> 10);
	} else {
		fprintf(f, "    page size   unspecified\n");
	}
	fprintf(f, "    placement   %s\n", img->anywhere ?
		"2 MiB aligned base anywhere in RAM" :
		"2 MiB aligned base as close as possible to the start of DRAM");
	fprintf(f, "  footprint     0x%llx bytes from the load address\n",
		(ull)img->mem_size);
}

static int inspect_kernel(const char *name, const uint8_t *buf, size_t len,
			  uint64_t ram_base, uint64_t ram_size, FILE *f,
			  struct charon_err *err)
{
	struct charon_arm64_image img;
	int rc;

	(void)ram_base;
	(void)ram_size;
	if (!charon_is_gzip(buf, len) &&
	    (len < CHARON_ARM64_IMAGE_HDR_SIZE ||
	     charon_get32(buf + CHARON_ARM64_IMAGE_MAGIC_OFF, CHARON_LE) !=
	     CHARON_ARM64_IMAGE_MAGIC)) {
		return -ENOENT;
	}
	rc = charon_arm64_image_open(name, buf, len, &img, err);
	if (!rc) {
		charon_print_arm64_image(name, &img, f);
		charon_arm64_image_free(&img);
	}
	return rc;
}

/*
 * charon image: the Image header's image_size (0x10, 64-bit LE) covers the
 * whole file, so QEMU and U-Boot's booti keep (or move) the payloads too
 */
static int image_fixup(uint8_t *img, size_t len, uint64_t self_copy,
		       struct charon_err *err)
{
	(void)err;
	charon_put64(img + 0x10, len, CHARON_LE);
	/* --flash: res2, res3 (entry.S copies the image to RAM first) */
	charon_put64(img + CHARON_ARM64_SELF_COPY, self_copy, CHARON_LE);
	charon_put64(img + CHARON_ARM64_SELF_COPY + 8, self_copy ? len : 0,
		     CHARON_LE);
	return 0;
}

const struct charon_arch charon_arch_arm64 = {
	.name = "arm64",
	.id = CHARON_ARCH_ARM64,
	.hdr_off = CHARON_HDR_OFF_ARM64,
	.endian = CHARON_LE,
	.kernel_format = "a Linux arm64 Image, plain or gzip-compressed",
	.kernel_file = "Image",
	.uses_dtb = true,
	.live = CHARON_LIVE_DT,
	.options = (const char *const[]){ "el2", NULL },
	.qemu = {
		.binary = "qemu-system-aarch64",
		.machine = "virt",
		.cpu = "cortex-a57",
		.memory = "1G",
		.exit = CHARON_QEMU_EXIT_SEMIHOSTING,
	},
	.image = {
		.window = (uint64_t)4 << 20,
		.fixup = image_fixup,
		/* QEMU virt: its tree is in the first MiB */
		.flash_copy_offset = (uint64_t)2 << 20,
	},
	.read_kernel = charon_arm64_read_kernel,
	.machine = charon_boot_dt_machine,
	.boot_room = charon_boot_dtb_room,
	.place = charon_arm64_place,
	.placed = charon_arm64_placed,
	.boot_data = charon_boot_make_dtb,
	.fill_next = charon_arm64_fill_next,
	.free = charon_arm64_free_kernel,
	.flip_labels = flip_labels,
	.print_plan = print_plan,
	.qemu_machine = charon_qemu_virt_machine,
	.print_params = print_params,
	.print_stub = print_stub,
	.inspect_kernel = inspect_kernel,
};
