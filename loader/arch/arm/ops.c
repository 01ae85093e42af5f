// SPDX-License-Identifier: MIT
/*
 * arm (32-bit) in the host's arch registry: the stub image's facts,
 * QEMU's defaults, the plan's steps (plan.c), and how a plan, a parameter
 * block and a zImage are shown (inspect.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <charon/boot.h>
#include <charon/bytes.h>
#include <charon/image-arm.h>
#include <charon/inspect.h>
#include <charon/qemu.h>

#include "arm.h"

typedef unsigned long long ull;

/* --atags and --machine-type go together, as r1 and r2 do */
static int check_opts(const struct charon_boot_opts *o, struct charon_err *err)
{
	if (o->arm.atags && !o->arm.machine_type_set) {
		return charon_errf(err, -EINVAL,
				   "--atags needs --machine-type N (r1: the board's number in arch/arm/tools/mach-types)");
	}
	if (!o->arm.atags && o->arm.machine_type_set) {
		return charon_errf(err, -EINVAL,
				   "--machine-type: only with --atags (with a device tree r1 is 0xffffffff)");
	}
	return 0;
}

static const char *const *flip_labels(const struct charon_boot_opts *o)
{
	static const char *const dtb[] = { "dtb", NULL };
	static const char *const atags[] = { "atags", NULL };

	return o->arm.atags ? atags : dtb;
}

/* where the zImage decompresses, and the registers */
static void print_plan(const struct charon_boot *b, FILE *f)
{
	const struct charon_boot_arm *arm = &b->kernel.arm;
	const struct charon_zimage *zi = &arm->zimage;
	const struct charon_zimage_fp *fp = &arm->fp;
	const struct charon_boot_seg *r2 = &b->seg[b->nr_seg - 1];

	fprintf(f, "charon: zImage at 0x%llx decompresses to 0x%llx (base 0x%llx + TEXT_OFFSET 0x%llx): kernel 0x%llx + bss 0x%llx; decompressor 0x%llx + heap 0x%llx %s; footprint [0x%llx, 0x%llx)\n",
		(ull)fp->load, (ull)fp->kernel_hi, (ull)fp->base,
		(ull)zi->text_hi, (ull)zi->out_size,
		(ull)(zi->kernel_size - zi->out_size), (ull)zi->run_size,
		(ull)zi->malloc_used,
		fp->relocates ? "copied past the kernel" : "in place",
		(ull)fp->start, (ull)arm->fp_end);
	fprintf(f, "charon: entry 0x%llx, r0 = 0, r1 = 0x%llx, r2 = %s 0x%llx, console %s at 0x%llx, PSCI %s, fail policy %s%s\n",
		(ull)b->params.next.entry, (ull)b->params.next.regs[1],
		r2->label, (ull)b->params.next.regs[2],
		charon_console_kind_name(b->params.console.kind),
		(ull)b->params.console.base, charon_psci_name(b->psci),
		charon_fail_policy_name(b->params.fail_policy),
		b->params.flags & CHARON_F_VERBOSE ? ", verbose" : "");
}

/* nothing loaded: what the decompressor will overwrite */
static unsigned int unloaded_rows(const struct charon_boot *b,
				  struct charon_plan_row *rows,
				  unsigned int max)
{
	if (!max) {
		return 0;
	}
	rows[0].name = "footprint";
	rows[0].start = b->kernel.arm.fp.start;
	rows[0].len = b->kernel.arm.fp_end - rows[0].start;
	return 1;
}

static void print_params(const struct charon_params *p, FILE *f)
{
	fprintf(f, "  next.arch     psci %llu (%s)\n",
		(ull)p->next.arch.raw[CHARON_ARM_PSCI],
		charon_psci_name(p->next.arch.raw[CHARON_ARM_PSCI]));
}

/* the stub carries zImage header words so bootz and QEMU start it */
static void print_stub(const uint8_t *buf, size_t len, FILE *f)
{
	uint32_t magic = charon_get32(buf + 0x24, CHARON_LE);
	uint32_t start = charon_get32(buf + 0x28, CHARON_LE);
	uint32_t end = charon_get32(buf + 0x2c, CHARON_LE);
	uint32_t endian = charon_get32(buf + 0x30, CHARON_LE);
	bool good = magic == CHARON_ZIMAGE_MAGIC && start == 0 &&
		    end <= len && endian == CHARON_ZIMAGE_ENDIAN_FLAG;

	fprintf(f, "zImage header: magic 0x%08x, start 0x%x, end 0x%x, endianness 0x%08x%s\n",
		magic, start, end, endian,
		good ? "" :
		" (not valid: bootz and other zImage loaders will not start this stub)");
}

static int inspect_kernel(const char *name, const uint8_t *buf, size_t len,
			  uint64_t ram_base, uint64_t ram_size, FILE *f,
			  struct charon_err *err)
{
	struct charon_zimage zi;
	int rc;

	if (!charon_zimage_detect(buf, len)) {
		return -ENOENT;
	}
	memset(&zi, 0, sizeof(zi));
	rc = charon_zimage_parse(name, buf, len, &zi, err);
	if (!rc) {
		charon_print_zimage(name, &zi, ram_base, ram_size, f);
	}
	return rc;
}

/*
 * charon image: the zImage header's end (0x2c, start 0: where loaded)
 * covers the whole file, so bootz reserves the payloads too
 */
static int image_fixup(uint8_t *img, size_t len, uint64_t self_copy,
		       struct charon_err *err)
{
	if (self_copy > UINT32_MAX - len) {
		return charon_errf(err, -ERANGE,
				   "image: --flash: the copy at 0x%llx would pass 4 GiB",
				   (unsigned long long)self_copy);
	}
	charon_put32(img + 0x2c, (uint32_t)len, CHARON_LE);
	/* --flash: entry.S copies the image to RAM first */
	charon_put32(img + CHARON_ARM_SELF_COPY, (uint32_t)self_copy,
		     CHARON_LE);
	charon_put32(img + CHARON_ARM_SELF_COPY + 4,
		     self_copy ? (uint32_t)len : 0, CHARON_LE);
	return 0;
}

const struct charon_arch charon_arch_arm = {
	.name = "arm",
	.id = CHARON_ARCH_ARM,
	.hdr_off = CHARON_HDR_OFF_ARM,
	.endian = CHARON_LE,
	.kernel_format = "an arm zImage",
	.kernel_file = "zImage",
	.uses_dtb = true,
	.live = CHARON_LIVE_DT,
	.options = (const char *const[]){ "el2", "atags", "machine-type",
					  NULL },
	.qemu = {
		.binary = "qemu-system-arm",
		.machine = "virt",
		.cpu = "cortex-a15",
		.memory = "1G",
		.exit = CHARON_QEMU_EXIT_SEMIHOSTING,
	},
	.image = {
		/* QEMU -kernel at +64 KiB, U-Boot's kernel_addr_r +4 MiB */
		.window = (uint64_t)4 << 20,
		.fixup = image_fixup,
		/* QEMU virt: its tree is in the first MiB */
		.flash_copy_offset = (uint64_t)2 << 20,
	},
	.check_opts = check_opts,
	.read_kernel = charon_arm_read_kernel,
	.machine = charon_arm_machine,
	.boot_room = charon_arm_boot_room,
	.place = charon_arm_place,
	.placed = charon_arm_placed,
	.crash_placed = charon_arm_crash_placed,
	.crash_hdr_align = (uint64_t)1 << 20,	/* a section */
	.boot_data = charon_arm_boot_data,
	.fill_next = charon_arm_fill_next,
	.free = charon_arm_free_kernel,
	.flip_labels = flip_labels,
	.print_plan = print_plan,
	.unloaded_rows = unloaded_rows,
	.qemu_machine = charon_qemu_virt_machine,
	.print_params = print_params,
	.print_stub = print_stub,
	.inspect_kernel = inspect_kernel,
};
