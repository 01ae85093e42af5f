// SPDX-License-Identifier: MIT
/*
 * x86_64 in the host's arch registry: the stub image's facts, QEMU's
 * defaults and its machines' e820 maps, the option rules, the plan's
 * steps (plan.c), and how a plan, a parameter block and a bzImage are
 * shown.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <charon/boot.h>
#include <charon/bootparams.h>
#include <charon/bytes.h>
#include <charon/image-x86.h>
#include <charon/inspect.h>
#include <charon/pvh.h>
#include <charon/qemu.h>
#include <charon/util.h>

#include "x86_64.h"

typedef unsigned long long ull;

#define STUB_ALIGN	4096ull
#define SZ_4G		((uint64_t)1 << 32)

/* what the plan can place: the stub and the backup copy below 4 GiB */
static int check_opts(const struct charon_boot_opts *o, struct charon_err *err)
{
	const struct charon_x86_opts *x = &o->x86;
	char spec[64];

	if (o->stub_addr_fixed &&
	    (o->stub_addr % STUB_ALIGN || o->stub_addr >= SZ_4G)) {
		return charon_errf(err, -EINVAL,
				   "--stub-addr 0x%llx: expected a 4 KiB aligned address below 4 GiB (the stub's PVH entry, how QEMU starts it, maps only the first 4 GiB, and its 32-bit hand-over runs there)",
				   (ull)o->stub_addr);
	}
	if (!x->backup_len) {
		return 0;
	}
	snprintf(spec, sizeof(spec), "0x%llx,0x%llx,0x%llx",
		 (ull)x->backup_src, (ull)x->backup_dst, (ull)x->backup_len);
	if (x->backup_src + x->backup_len > SZ_4G ||
	    x->backup_dst + x->backup_len > SZ_4G) {
		return charon_errf(err, -EINVAL,
				   "--kdump-backup %s: source and destination must end at or below 4 GiB (the stub maps only the first 4 GiB when QEMU starts it)",
				   x->backup_spec ? x->backup_spec : spec);
	}
	if (charon_overlaps(x->backup_src, x->backup_len, x->backup_dst,
			    x->backup_len)) {
		return charon_errf(err, -EINVAL,
				   "--kdump-backup %s: source and destination overlap",
				   x->backup_spec ? x->backup_spec : spec);
	}
	return 0;
}

static const char *const *flip_labels(const struct charon_boot_opts *o)
{
	static const char *const labels[] = { "boot_params", "cmdline", NULL };

	(void)o;
	return labels;
}

/* where the kernel went, how it is entered, the backup copy */
static void print_plan(const struct charon_boot *b, FILE *f)
{
	const struct charon_boot_x86 *x = &b->kernel.x86;
	const struct charon_x86_image *img = &x->img;

	fprintf(f, "charon: kernel at 0x%llx (%s 0x%llx), init_size 0x%x; %s boot protocol, entry 0x%llx, %s = boot_params 0x%llx\n",
		(ull)x->place.kernel.addr,
		x->place.kernel.at_pref ? "pref_address" :
		"pref_address taken or unusable:",
		(ull)img->pref_address, img->init_size,
		x->entry32 ? "32-bit" : "64-bit", (ull)b->params.next.entry,
		x->entry32 ? "esi" : "rsi", (ull)b->params.next.regs[0]);
	if (x->backup_len) {
		fprintf(f, "charon: kdump backup: the stub copies 0x%llx bytes from 0x%llx to 0x%llx before the jump\n",
			(ull)x->backup_len, (ull)x->backup_src,
			(ull)x->backup_dst);
	}
	fprintf(f, "charon: console %s at 0x%llx, test-exit port 0x%llx, fail policy %s%s\n",
		charon_console_kind_name(b->params.console.kind),
		(ull)b->params.console.base,
		(ull)b->params.next.arch.raw[CHARON_X86_EXIT_PORT],
		charon_fail_policy_name(b->params.fail_policy),
		b->params.flags & CHARON_F_VERBOSE ? ", verbose" : "");
}

/* nothing loaded: where the stub copies the kdump backup */
static unsigned int unloaded_rows(const struct charon_boot *b,
				  struct charon_plan_row *rows,
				  unsigned int max)
{
	if (!max || !b->kernel.x86.backup_len) {
		return 0;
	}
	rows[0].name = "backup";
	rows[0].start = b->kernel.x86.backup_dst;
	rows[0].len = b->kernel.x86.backup_len;
	return 1;
}

/* next.arch.raw[] of an x86_64 block */
static void print_params(const struct charon_params *p, FILE *f)
{
	const uint64_t *a = p->next.arch.raw;
	uint64_t mode = a[CHARON_X86_ENTRY_MODE];

	fprintf(f, "  next.arch     entry mode %llu (%s), exit port 0x%llx%s\n",
		(ull)mode,
		mode == CHARON_X86_ENTRY_64 ? "64-bit boot protocol" :
		mode == CHARON_X86_ENTRY_32 ? "32-bit boot protocol" :
		"unknown",
		(ull)a[CHARON_X86_EXIT_PORT],
		a[CHARON_X86_EXIT_PORT] ? "" : " (0xf4)");
	if (a[CHARON_X86_BACKUP_LEN]) {
		fprintf(f, "                kdump backup src 0x%llx dst 0x%llx len 0x%llx\n",
			(ull)a[CHARON_X86_BACKUP_SRC],
			(ull)a[CHARON_X86_BACKUP_DST],
			(ull)a[CHARON_X86_BACKUP_LEN]);
	} else {
		fprintf(f, "                kdump backup none\n");
	}
}

static void print_stub(const uint8_t *buf, size_t len, FILE *f)
{
	struct charon_image_header h;

	(void)len;
	charon_header_decode(buf + CHARON_HDR_OFF_X86_64, &h, CHARON_LE);
	fprintf(f, "PVH entry at 0x%x: QEMU's -kernel starts the stub wrapped in an ELF with a Xen PVH note (charon qemu writes it as stub.elf)\n",
		h.entry2_offset);
}

static void print_flags(const char *name, unsigned int v,
			const char *const *bits, unsigned int nr, FILE *f)
{
	unsigned int i;
	bool any = false;

	fprintf(f, "  %-13s 0x%x", name, v);
	for (i = 0; i < nr; i++) {
		if (bits[i] && (v & (1u << i))) {
			fprintf(f, "%s%s", any ? " " : " (", bits[i]);
			any = true;
		}
	}
	fprintf(f, "%s\n", any ? ")" : "");
}

/**
 * charon_print_x86_image() - describe an x86 bzImage's setup header
 * @name: file name
 * @img: the parsed image
 * @f: where to
 *
 * The protocol version, the fields a loader uses (boot.rst), flags
 * decoded, and what charon loads: the protected-mode code and the
 * init_size footprint from its load address.
 */
void charon_print_x86_image(const char *name,
			    const struct charon_x86_image *img, FILE *f)
{
	static const char *const lf[8] = {
		"LOADED_HIGH", "KASLR_FLAG", NULL, NULL, NULL, "QUIET_FLAG",
		"KEEP_SEGMENTS", "CAN_USE_HEAP",
	};
	static const char *const xlf[7] = {
		"KERNEL_64", "CAN_BE_LOADED_ABOVE_4G", "EFI_HANDOVER_32",
		"EFI_HANDOVER_64", "EFI_KEXEC", "5LEVEL", "5LEVEL_ENABLED",
	};

	fprintf(f, "%s: x86 bzImage, %zu bytes, boot protocol %u.%02u\n",
		name, img->len, img->version >> 8, img->version & 0xff);
	if (img->version_str[0]) {
		fprintf(f, "  kernel        %s\n", img->version_str);
	}
	fprintf(f, "  setup_sects   %u (setup 0x%zx bytes)\n",
		img->setup_sects, img->setup_size);
	fprintf(f, "  syssize       0x%x (0x%llx bytes)\n", img->syssize,
		(ull)img->syssize * 16);
	print_flags("loadflags", img->loadflags, lf, 8, f);
	print_flags("xloadflags", img->xloadflags, xlf, 7, f);
	fprintf(f, "  code32_start  0x%x\n", img->code32_start);
	fprintf(f, "  pref_address  0x%llx\n", (ull)img->pref_address);
	fprintf(f, "  kernel_alignment 0x%x, min_alignment %u%s\n",
		img->kernel_alignment, img->min_alignment,
		img->relocatable_kernel ? ", relocatable" :
		", not relocatable");
	fprintf(f, "  init_size     0x%x\n", img->init_size);
	fprintf(f, "  initrd_addr_max 0x%x\n", img->initrd_addr_max);
	fprintf(f, "  cmdline_size  0x%x\n", img->cmdline_size);
	fprintf(f, "  payload       offset 0x%x, length 0x%x\n",
		img->payload_offset, img->payload_length);
	fprintf(f, "  handover_offset 0x%x\n", img->handover_offset);
	if (img->version >= 0x020f) {
		fprintf(f, "  kernel_info_offset 0x%x\n",
			img->kernel_info_offset);
	}
	fprintf(f, "loaded by charon: the protected-mode code, file offset 0x%zx, 0x%zx bytes; footprint 0x%llx bytes (init_size) from the load address\n",
		img->setup_size, img->pm_size, (ull)img->mem_size);
	fprintf(f, "  entry         64-bit: load address + 0x%x; 32-bit: the load address (code32_start)\n",
		CHARON_X86_ENTRY64_OFFSET);
}

/**
 * charon_print_ppc64_image() - describe a ppc64 vmlinux ELF
 * @name: file name
 * @img: the parsed image
 * @f: where to
 */
static int inspect_kernel(const char *name, const uint8_t *buf, size_t len,
			  uint64_t ram_base, uint64_t ram_size, FILE *f,
			  struct charon_err *err)
{
	struct charon_x86_image img;
	int rc;

	(void)ram_base;
	(void)ram_size;
	if (len < CHARON_X86_HDR_MIN_END ||
	    charon_get16(buf + CHARON_X86_BOOT_FLAG, CHARON_LE) !=
	    CHARON_X86_BOOT_FLAG_MAGIC ||
	    charon_get32(buf + CHARON_X86_HEADER, CHARON_LE) !=
	    CHARON_X86_HDRS_MAGIC) {
		return -ENOENT;
	}
	rc = charon_x86_image_open(name, buf, len, &img, err);
	if (!rc) {
		charon_print_x86_image(name, &img, f);
		charon_x86_image_free(&img);
	}
	return rc;
}

/* charon qemu: the machine's e820 map, from -M and -m */
static int qemu_machine(struct charon_qemu_run *q, struct charon_boot_opts *o,
			struct charon_err *err)
{
	enum charon_qemu_x86_machine m;
	uint64_t ram;
	int rc;

	q->usage_error = true;
	if (charon_qemu_x86_machine_parse(q->m.machine, &m)) {
		return charon_errf(err, -EINVAL,
				   "--machine %s: expected q35 or pc (or a versioned pc-q35-X.Y, pc-i440fx-X.Y) with --arch x86_64",
				   q->m.machine);
	}
	if (charon_parse_mem_size(q->m.memory, &ram)) {
		return charon_errf(err, -EINVAL,
				   "--memory %s: expected a size like 1G, 512M or 2048 (MiB)",
				   q->m.memory);
	}
	rc = charon_e820_qemu(m, ram, charon_qemu_x86_e820_flags(q->m.cpu),
			      &o->x86.e820, err);
	if (rc) {
		charon_err_prefix(err, "--memory %s: ", q->m.memory);
		return rc;
	}
	q->usage_error = false;
	snprintf(q->machine_name, sizeof(q->machine_name), "QEMU %s -m %s",
		 m == CHARON_QEMU_X86_Q35 ? "q35" : "pc", q->m.memory);
	o->x86.e820_name = q->machine_name;
	o->x86.exit_port = CHARON_QEMU_X86_EXIT_PORT;
	return 0;
}

/*
 * charon image: a PVH ELF loading the whole image where the plan placed
 * the stub (QEMU -kernel enters it at entry2_offset, ebx = start info)
 */
static int image_wrap(const struct charon_boot *b, const uint8_t *img,
		      size_t len, void **out, size_t *out_len,
		      struct charon_err *err)
{
	return charon_pvh_elf(b->stub.name, img, len, len, b->stub_addr,
			      b->stub.hdr.entry2_offset, out, out_len, err);
}

const struct charon_arch charon_arch_x86_64 = {
	.name = "x86_64",
	.id = CHARON_ARCH_X86_64,
	.hdr_off = CHARON_HDR_OFF_X86_64,
	.endian = CHARON_LE,
	.kernel_format = "an x86 bzImage",
	.kernel_file = "kernel.bin",	/* the protected-mode code */
	.uses_dtb = false,
	.live = CHARON_LIVE_X86,
	.options = (const char *const[]){ "entry32", "kdump-backup", NULL },
	.foreign_note = "an x86 kernel gets boot_params and an e820 map",
	.qemu = {
		.binary = "qemu-system-x86_64",
		.machine = "q35",
		.memory = "1G",
		.exit = CHARON_QEMU_EXIT_DEBUG_PORT,
		.stub_is_kernel = true,
	},
	.image = {
		.wrap = image_wrap,
	},
	.check_opts = check_opts,
	.read_kernel = charon_x86_read_kernel,
	.machine = charon_x86_machine,
	.place = charon_x86_place,
	.stub_placed = true,
	.placed = charon_x86_placed,
	.boot_data = charon_x86_boot_data,
	.fill_next = charon_x86_fill_next,
	.free = charon_x86_free_kernel,
	.flip_labels = flip_labels,
	.print_plan = print_plan,
	.unloaded_rows = unloaded_rows,
	.qemu_machine = qemu_machine,
	.qemu_stub_file = charon_x86_pvh_stub,
	.print_params = print_params,
	.print_stub = print_stub,
	.inspect_kernel = inspect_kernel,
};
