// SPDX-License-Identifier: MIT
/*
 * ppc64le and big-endian ppc64 in the host's arch registry: the stub
 * images' facts, QEMU powernv's defaults and skiboot's device tree, the
 * option rules, the plan's steps (plan.c), and how a plan, a parameter
 * block and a vmlinux are shown.
 */
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charon/boot.h>
#include <charon/bytes.h>
#include <charon/image-ppc64.h>
#include <charon/inspect.h>
#include <charon/powernv.h>
#include <charon/qemu.h>
#include <charon/util.h>

#include "ppc64.h"

typedef unsigned long long ull;

/* QEMU powernv: the stub where skiboot runs its ELF -kernel */
static int check_opts(const struct charon_boot_opts *o, struct charon_err *err)
{
	uint64_t a = o->stub_addr;

	if (o->qemu && o->stub_addr_fixed &&
	    (a <= CHARON_POWERNV_KERNEL_ADDR || a % CHARON_PPC64_STUB_ALIGN ||
	     a >= CHARON_POWERNV_INITRD_ADDR)) {
		return charon_errf(err, -EINVAL,
				   "--stub-addr 0x%llx: expected 0x20000000 + p_offset, 64 KiB aligned, above 0x20000000 and below 0x28000000 (skiboot runs the -kernel ELF in place at 0x20000000 + p_offset, after its headers; QEMU puts -initrd at 0x28000000)",
				   (ull)a);
	}
	return 0;
}

static const char *const *flip_labels(const struct charon_boot_opts *o)
{
	static const char *const labels[] = { "dtb", NULL };

	(void)o;
	return labels;
}

/* the kernel's shape, the registers, OPAL, run-at-load */
static void print_plan(const struct charon_boot *b, FILE *f)
{
	const struct charon_boot_ppc64 *pp = &b->kernel.ppc64;
	const struct charon_ppc64_image *img = &pp->img;
	const struct charon_params *p = &b->params;

	fprintf(f, "charon: kernel: %s %s %s vmlinux, %srelocatable, %s; at 0x%llx, %s\n",
		img->endian == CHARON_LE ? "little-endian" : "big-endian",
		img->abi == 1 ? "ELFv1" : img->abi == 2 ? "ELFv2" :
		"ELF (no ABI in e_flags)",
		img->type == 2 ? "ET_EXEC" : "ET_DYN",
		img->relocatable ? "" : "not ",
		img->run0 ? "\"run0\" at 0x5c" : "no \"run0\" at 0x5c",
		(ull)pp->place.addr,
		pp->place.run_at_load ?
		"run at load (the stub writes 1 to its \"run0\" word)" :
		"copies itself to 0");
	/* p_offset 0: kexec, the kernel enters the stub's entry block */
	fprintf(f, "charon: kept out below 0x%llx (%s)",
		(ull)pp->place.low_end,
		pp->place.run_at_load ? "the kernel's exception vectors" :
		"the kernel's copy of itself");
	if (pp->p_offset) {
		fprintf(f, "; the stub ELF's headers at [0x%llx, 0x%llx)",
			(ull)CHARON_POWERNV_KERNEL_ADDR, (ull)b->stub_addr);
	}
	fputc('\n', f);
	if (pp->prerelocated) {
		fprintf(f, "charon: prerelocated for 0x%llx: %zu relocations; __kcrctab: %s%s%s\n",
			(ull)pp->place.addr, img->nr_rela,
			charon_kcrctab_case_name(pp->kcrctab.which),
			pp->kcrctab.why[0] ? ": " : "", pp->kcrctab.why);
	}
	fprintf(f, "charon: entry 0x%llx (%s of the stub at 0x%llx + 0x%x), r3 = dtb 0x%llx, r4 = 0x%llx, r5 = 0, OPAL base 0x%llx entry 0x%llx%s, flags 0x%llx, console %s terminal %llu, fail policy %s%s\n",
		(ull)p->next.entry,
		pp->p_offset ? "firmware entry" : "kexec entry, the block",
		(ull)b->stub_addr,
		pp->p_offset ? b->stub.hdr.entry2_offset : 0,
		(ull)p->next.regs[0],
		(ull)p->next.regs[1],
		(ull)p->next.arch.raw[CHARON_PPC64_OPAL_BASE],
		(ull)p->next.arch.raw[CHARON_PPC64_OPAL_ENTRY],
		pp->opal_live ? " (from /proc/device-tree)" :
		pp->opal_known ? " (from the tree)" :
		" (not in the tree: the stub uses r8/r9)",
		(ull)p->next.arch.raw[CHARON_PPC64_FLAGS],
		charon_console_kind_name(p->console.kind),
		(ull)p->console.base,
		charon_fail_policy_name(p->fail_policy),
		p->flags & CHARON_F_VERBOSE ? ", verbose" : "");
}

/* next.arch.raw[] of a ppc64 block */
static void print_params(const struct charon_params *p, FILE *f)
{
	const uint64_t *a = p->next.arch.raw;
	uint64_t fl = a[CHARON_PPC64_FLAGS];

	fprintf(f, "  next.arch     OPAL base 0x%llx entry 0x%llx%s\n",
		(ull)a[CHARON_PPC64_OPAL_BASE], (ull)a[CHARON_PPC64_OPAL_ENTRY],
		a[CHARON_PPC64_OPAL_ENTRY] ? "" :
		" (0: r8/r9 from firmware)");
	fprintf(f, "                flags 0x%llx (kernel %s-endian%s)%s\n",
		(ull)fl, fl & CHARON_PPC64_F_KERNEL_LE ? "little" : "big",
		fl & CHARON_PPC64_F_RUN_AT_LOAD ? ", run at load" : "",
		fl & ~(uint64_t)(CHARON_PPC64_F_KERNEL_LE |
				 CHARON_PPC64_F_RUN_AT_LOAD) ?
		"  <-- unexpected" : "");
}

static void print_stub(const uint8_t *buf, size_t len, FILE *f)
{
	enum charon_endian e = charon_get32(buf + CHARON_HDR_OFF_PPC64,
					    CHARON_LE) == CHARON_HDR_MAGIC ?
			       CHARON_LE : CHARON_BE;
	struct charon_image_header h;

	(void)len;
	charon_header_decode(buf + CHARON_HDR_OFF_PPC64, &h, e);
	fprintf(f, "entry block [0, 0x100): word 0 the stub's branch, 0x4..0xff for the next kernel's own bytes (\"run0\" at 0x5c: 0x%08x); firmware entry at 0x%x: skiboot starts the stub wrapped in an ELF at 0x20000000 + p_offset (charon qemu writes it as stub.elf)\n",
		charon_get32(buf + CHARON_PPC64_RUN_AT_LOAD, e),
		h.entry2_offset);
}

void charon_print_ppc64_image(const char *name,
			      const struct charon_ppc64_image *img, FILE *f)
{
	unsigned int i;

	fprintf(f, "%s: ppc64 vmlinux ELF, %s-endian, %s, %s\n", name,
		img->endian == CHARON_LE ? "little" : "big",
		img->abi == 1 ? "ELFv1" : img->abi == 2 ? "ELFv2" :
		"no ABI in e_flags", img->type == ET_EXEC ? "ET_EXEC" :
		"ET_DYN");
	fprintf(f, "  entry         0x%llx (image offset 0x%llx)\n",
		(ull)img->entry, (ull)(img->entry - img->vaddr));
	fprintf(f, "  vaddr         0x%llx, paddr 0x%llx, align 0x%llx\n",
		(ull)img->vaddr, (ull)img->paddr, (ull)img->align);
	for (i = 0; i < img->nr_load; i++) {
		fprintf(f, "  PT_LOAD %-2u    offset 0x%llx at +0x%llx filesz 0x%llx memsz 0x%llx\n",
			i, (ull)img->load[i].offset, (ull)img->load[i].at,
			(ull)img->load[i].filesz, (ull)img->load[i].memsz);
	}
	fprintf(f, "  memsz         0x%llx (the image from vaddr)\n",
		(ull)img->mem_size);
	fprintf(f, "  run0          %s\n", img->run0 ?
		"yes: \"run0\" at 0x5c, it can run at its load address" :
		"no: it cannot run at its load address");
	fprintf(f, "  relocatable   %s", img->relocatable ? "yes" : "no");
	if (img->relocatable) {
		fprintf(f, ", %zu .rela.dyn entries%s", img->nr_rela,
			img->self_relocating ?
			", relocates itself (`relocate`)" : "");
	}
	fputc('\n', f);
	if (img->sym_end_interrupts != CHARON_PPC64_NO_SYM) {
		fprintf(f, "  __end_interrupts +0x%llx\n",
			(ull)img->sym_end_interrupts);
	}
	fprintf(f, "  symbols       %s\n", img->has_symtab ? ".symtab" :
		"none (stripped)");
}

/* a ppc64 vmlinux: ELF64 and EM_PPC64, either byte order */
static bool is_ppc64_elf(const uint8_t *buf, size_t len)
{
	enum charon_endian e;

	if (len < sizeof(Elf64_Ehdr) || memcmp(buf, ELFMAG, SELFMAG) ||
	    buf[EI_CLASS] != ELFCLASS64) {
		return false;
	}
	e = buf[EI_DATA] == ELFDATA2MSB ? CHARON_BE : CHARON_LE;
	return charon_get16(buf + offsetof(Elf64_Ehdr, e_machine), e) ==
	       EM_PPC64;
}

static int inspect_kernel(const char *name, const uint8_t *buf, size_t len,
			  uint64_t ram_base, uint64_t ram_size, FILE *f,
			  struct charon_err *err)
{
	struct charon_ppc64_image img;
	int rc;

	(void)ram_base;
	(void)ram_size;
	if (!is_ppc64_elf(buf, len)) {
		return -ENOENT;
	}
	rc = charon_ppc64_image_parse(name, buf, len, &img, err);
	if (!rc) {
		charon_print_ppc64_image(name, &img, f);
		charon_ppc64_image_free(&img);
	}
	return rc;
}

/*
 * What to run when the capture lacks its kernel or initramfs: commands
 * that work as printed, with this charon's build directory.
 */
static const char *capture_hint(char *buf, size_t len)
{
	char odir[PATH_MAX], real[PATH_MAX];

	if (charon_beside_exe("", odir, sizeof(odir)) ||
	    !realpath(odir, real)) {
		return NULL;
	}
	if ((size_t)snprintf(buf, len,
			     "give --dtb, give a little-endian ppc64 Linux vmlinux as --kernel or in $CHARON_POWERNV_KERNEL, or fetch one: %s/scripts/fetch-kernels --out %s/kernels/bookworm ppc64le; the initramfs: make -C %s O=%s %s/initramfs/ppc64le-dumpfdt.cpio.gz",
			     CHARON_SRCDIR, real, CHARON_SRCDIR, real,
			     real) >= len) {
		return NULL;
	}
	return buf;
}

/**
 * charon_ppc64_qemu_machine() - charon qemu: skiboot's device tree
 * @q: the QEMU run: its machine options; q->dtb gets the tree's path
 * @o: the plan's options: o->dtb_path, when not given, becomes skiboot's
 *	own tree for these machine options, from the cache or captured now
 *	(docs/cli.md, "ppc64"); any little-endian ppc64 Linux kernel can
 *	dump it: $CHARON_POWERNV_KERNEL, --kernel if it is one, else the
 *	project's own
 * @err: error message on failure, with the commands that make what the
 *	capture lacks
 *
 * Return: 0 or a negative errno code.
 */
int charon_ppc64_qemu_machine(struct charon_qemu_run *q,
			      struct charon_boot_opts *o,
			      struct charon_err *err)
{
	struct charon_powernv_opts po = { 0 };
	struct charon_powernv_capture cap;
	char kernel[PATH_MAX], initrd[PATH_MAX], cache[PATH_MAX];
	char hint[3 * PATH_MAX];
	int rc;

	if (o->dtb_path) {
		return 0;
	}
	po.qemu = q->m.binary;
	po.machine = q->m.machine;
	po.memory = q->m.memory;
	po.smp = q->m.smp;
	po.kernel = getenv("CHARON_POWERNV_KERNEL");
	if (!po.kernel || !*po.kernel) {
		po.kernel = charon_powernv_capture_kernel(o->kernel_path) ?
			    o->kernel_path :
			    charon_env_or_beside("CHARON_POWERNV_KERNEL",
						 "kernels/bookworm/ppc64le/vmlinuz",
						 kernel, sizeof(kernel));
	}
	po.initrd = charon_env_or_beside("CHARON_POWERNV_INITRD",
					 "initramfs/ppc64le-dumpfdt.cpio.gz",
					 initrd, sizeof(initrd));
	po.hint = capture_hint(hint, sizeof(hint));
	po.cache_dir = charon_env_or_beside("CHARON_CACHE", "powernv", cache,
					    sizeof(cache));
	if (!po.cache_dir) {
		return charon_errf(err, -ENOENT,
				   "powernv: no cache directory: set CHARON_CACHE or give --dtb");
	}
	rc = charon_powernv_fdt(&po, &cap, err);
	if (rc) {
		charon_err_prefix(err, "--dtb not given, and ");
		return rc;
	}
	if (!realpath(cap.path, q->dtb)) {
		charon_strscpy(q->dtb, cap.path, sizeof(q->dtb));
	}
	if (cap.cached) {
		printf("charon: skiboot's device tree: %s (cached)\n", q->dtb);
	} else {
		printf("charon: skiboot's device tree: %s (captured in %.1f s, %zu bytes, by booting %s)\n",
		       q->dtb, cap.seconds, cap.size, po.kernel);
	}
	o->dtb_path = q->dtb;
	return 0;
}

#define PPC64_OPS							\
	.kernel_format = "a ppc64 vmlinux ELF, either byte order",	\
	.kernel_file = "vmlinux.raw",	/* the PT_LOAD image */		\
	.uses_dtb = true,						\
	.live = CHARON_LIVE_PPC64,					\
	.options = (const char *const[]){ "run-at-load", "prerelocate",	\
					  NULL },			\
	.foreign_note = "a ppc64 kernel gets r3 = the device tree from skiboot's powernv machine", \
	.qemu = {							\
		.binary = "qemu-system-ppc64",				\
		.machine = "powernv9",					\
		.memory = "2G",						\
		.exit = CHARON_QEMU_EXIT_FIRMWARE,			\
		.stub_is_kernel = true,					\
	},								\
	.check_opts = check_opts,					\
	.read_kernel = charon_ppc64_read_kernel,			\
	.machine = charon_ppc64_machine,				\
	.boot_room = charon_boot_dtb_room,				\
	.place = charon_ppc64_place,					\
	.stub_placed = true,						\
	.image = { .wrap = charon_ppc64_image_wrap },			\
	.crash_usable = charon_ppc64_crash_usable,			\
	.crash_placed = charon_ppc64_crash_placed,			\
	.boot_data = charon_ppc64_boot_data,				\
	.fill_next = charon_ppc64_fill_next,				\
	.free = charon_ppc64_free_kernel,				\
	.flip_labels = flip_labels,					\
	.print_plan = print_plan,					\
	.qemu_machine = charon_ppc64_qemu_machine,			\
	.qemu_stub_file = charon_ppc64_stub_file,			\
	.print_params = print_params,					\
	.print_stub = print_stub,					\
	.inspect_kernel = inspect_kernel

const struct charon_arch charon_arch_ppc64le = {
	.name = "ppc64le",
	.id = CHARON_ARCH_PPC64LE,
	.hdr_off = CHARON_HDR_OFF_PPC64,
	.endian = CHARON_LE,
	PPC64_OPS,
};

const struct charon_arch charon_arch_ppc64 = {
	.name = "ppc64",
	.id = CHARON_ARCH_PPC64,
	.hdr_off = CHARON_HDR_OFF_PPC64,
	.endian = CHARON_BE,
	PPC64_OPS,
};
