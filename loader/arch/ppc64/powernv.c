// SPDX-License-Identifier: MIT
/*
 * powernv: the stub's ELF wrapper for skiboot, and what the loader reads
 * from the device tree skiboot builds (see <charon/powernv.h> for the
 * verified skiboot facts).  capture.c captures and caches that tree.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <charon/fdt.h>
#include <charon/powernv.h>
#include <lib/elf.h>

typedef unsigned long long ull;

#define STUB_PHOFF	sizeof(Elf64_Ehdr)
#define STUB_STROFF	(STUB_PHOFF + sizeof(Elf64_Phdr))
#define STUB_NSHDR	3
#define STUB_PALIGN	0x10000u

static const char stub_shstr[] = "\0.text\0.shstrtab";	/* + final NUL */
#define SHSTR_TEXT	1
#define SHSTR_SHSTRTAB	7

_Static_assert(STUB_STROFF + sizeof(stub_shstr) <=
	       CHARON_POWERNV_STUB_MIN_OFF, "stub ELF headers fit");


/* ---- the stub ELF -------------------------------------------------------- */

/**
 * charon_ppc64_stub_elf() - wrap a ppc64 stub image in an ELF that skiboot
 *	starts in place (QEMU -M powernv9 -kernel)
 * @name: the image's file name, for messages
 * @image: the flat stub image; its first byte is where it is entered
 * @len: its size (p_filesz)
 * @mem_size: bytes the stub occupies from its first byte (p_memsz); at
 *	least @len.  Nobody clears the bytes past @len: the stub must.
 * @p_offset: the image's offset in the ELF file: the stub runs at
 *	0x20000000 + @p_offset.  A multiple of 0x100, at least 0x100, and
 *	the whole @mem_size below 0x28000000 (where QEMU puts -initrd).
 * @entry_offset: where skiboot enters, as an offset in the image (the
 *	stub header's entry2_offset, its firmware entry); 4-byte aligned,
 *	inside the image
 * @endian: the ELF's byte order; skiboot enters both big-endian
 * @out: set to the malloc'd ELF (free() it)
 * @out_len: its size
 * @err: error message on failure
 *
 *	0x00	  Elf64_Ehdr	ET_EXEC, EM_PPC64, e_entry = p_vaddr
 *				+ @entry_offset,
 *				e_flags 2 (LE) or 1 (BE)
 *	0x40	  Elf64_Phdr	PT_LOAD: p_vaddr = p_paddr = 0x20000000
 *				+ @p_offset, RWX, p_align 0x10000
 *	0x78	  .shstrtab bytes
 *	@p_offset the image
 *	after it  Elf64_Shdr[3]	null, .text (SHF_ALLOC|SHF_EXECINSTR|
 *				SHF_WRITE over the image: without it
 *				skiboot reads a BE e_entry as a
 *				function descriptor), .shstrtab
 *
 * Return: 0, -EINVAL or -ERANGE for unusable arguments (naming them), or
 * -ENOMEM.
 */
int charon_ppc64_stub_elf(const char *name, const void *image, size_t len,
			  uint64_t mem_size, uint64_t p_offset,
			  uint32_t entry_offset, enum charon_endian endian,
			  void **out, size_t *out_len, struct charon_err *err)
{
	const struct elfw elf = {
		ELFW_CLASS64, endian == CHARON_BE ? ELFW_DATA_BE : ELFW_DATA_LE
	};
	uint64_t addr = CHARON_POWERNV_KERNEL_ADDR + p_offset;
	uint64_t shoff, n;
	uint8_t *b, *sh;

	*out = NULL;
	*out_len = 0;
	if (len == 0 || mem_size < len) {
		return charon_errf(err, -EINVAL,
				   "stub-elf: %s: image is 0x%zx bytes and mem_size 0x%llx; want a non-empty image no larger than mem_size",
				   name, len, (ull)mem_size);
	}
	if (p_offset % CHARON_POWERNV_STUB_ALIGN ||
	    p_offset < CHARON_POWERNV_STUB_MIN_OFF) {
		return charon_errf(err, -EINVAL,
				   "stub-elf: %s: p_offset 0x%llx: want a multiple of 0x%x, at least 0x%x (the ELF headers come first)",
				   name, (ull)p_offset,
				   CHARON_POWERNV_STUB_ALIGN,
				   CHARON_POWERNV_STUB_MIN_OFF);
	}
	if (p_offset > CHARON_POWERNV_INITRD_ADDR ||
	    mem_size > CHARON_POWERNV_INITRD_ADDR - addr) {
		return charon_errf(err, -ERANGE,
				   "stub-elf: %s: the stub at 0x%llx (p_offset 0x%llx) with 0x%llx bytes would reach past 0x%llx, where QEMU loads -initrd",
				   name, (ull)addr, (ull)p_offset,
				   (ull)mem_size, CHARON_POWERNV_INITRD_ADDR);
	}
	if (entry_offset % 4 || entry_offset >= len) {
		return charon_errf(err, -EINVAL,
				   "stub-elf: %s: entry offset 0x%x: want a 4-byte aligned offset inside the 0x%zx-byte image",
				   name, entry_offset, len);
	}
	if (endian != CHARON_LE && endian != CHARON_BE) {
		return charon_errf(err, -EINVAL, "stub-elf: %s: byte order %d",
				   name, (int)endian);
	}
	shoff = (p_offset + len + 7) & ~(uint64_t)7;
	n = shoff + STUB_NSHDR * sizeof(Elf64_Shdr);
	b = calloc(1, n);
	if (!b) {
		return charon_errf(err, -ENOMEM, "stub-elf: %s: out of memory",
				   name);
	}
	/* ELFv2 for little-endian, ELFv1 for big-endian, as Linux's are */
	elfw_ehdr(&elf, &(struct elfw_ehdr){
			  .type = ELFW_ET_EXEC, .machine = EM_PPC64,
			  .flags = endian == CHARON_BE ? 1 : 2,
			  .entry = addr + entry_offset, .phoff = STUB_PHOFF,
			  .shoff = shoff, .phnum = 1, .shnum = STUB_NSHDR,
			  .shstrndx = 2 }, b);
	elfw_phdr(&elf, &(struct elfw_phdr){
			  .type = ELFW_PT_LOAD,
			  .flags = ELFW_PF_R | ELFW_PF_W | ELFW_PF_X,
			  .offset = p_offset, .vaddr = addr, .paddr = addr,
			  .filesz = len, .memsz = mem_size,
			  .align = STUB_PALIGN }, b + STUB_PHOFF);
	memcpy(b + STUB_STROFF, stub_shstr, sizeof(stub_shstr));
	memcpy(b + p_offset, image, len);
	sh = b + shoff;
	/* section 0 stays zero */
	elfw_shdr(&elf, &(struct elfw_shdr){
			  .name = SHSTR_TEXT, .type = ELFW_SHT_PROGBITS,
			  .flags = ELFW_SHF_ALLOC | ELFW_SHF_EXECINSTR |
				   ELFW_SHF_WRITE,
			  .addr = addr, .offset = p_offset, .size = len,
			  .addralign = 4 }, sh + sizeof(Elf64_Shdr));
	elfw_shdr(&elf, &(struct elfw_shdr){
			  .name = SHSTR_SHSTRTAB, .type = ELFW_SHT_STRTAB,
			  .offset = STUB_STROFF, .size = sizeof(stub_shstr),
			  .addralign = 1 }, sh + 2 * sizeof(Elf64_Shdr));
	*out = b;
	*out_len = n;
	return 0;
}

/* ---- reading the tree ---------------------------------------------------- */

static int read_u64_prop(const char *name, const void *fdt, int node,
			 const char *prop, uint64_t *v, struct charon_err *err)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, prop, &len);
	if (!p || (len != 8 && len != 4)) {
		return charon_errf(err, -EINVAL,
				   "powernv: %s: /ibm,opal %s is %s", name, prop,
				   p ? "not 1 or 2 cells" : "missing");
	}
	*v = len == 8 ? (uint64_t)fdt32_to_cpu(p[0]) << 32 |
		fdt32_to_cpu(p[1]) : fdt32_to_cpu(p[0]);
	return 0;
}

/**
 * charon_powernv_info() - OPAL addresses, boot CPU and console of a tree
 * @name: file name, for messages
 * @fdt: a checked skiboot device tree
 * @info: the result
 * @err: error message on failure
 *
 * Return: 0, or -EINVAL when /ibm,opal or its addresses are missing.
 */
int charon_powernv_info(const char *name, const void *fdt,
			struct charon_powernv_info *info,
			struct charon_err *err)
{
	const char *s;
	int node, rc, len;

	memset(info, 0, sizeof(*info));
	node = fdt_path_offset(fdt, "/ibm,opal");
	if (node < 0) {
		return charon_errf(err, -EINVAL,
				   "powernv: %s: no /ibm,opal node: not an OPAL machine's tree",
				   name);
	}
	rc = read_u64_prop(name, fdt, node, "opal-base-address",
			   &info->opal_base, err);
	if (!rc) {
		rc = read_u64_prop(name, fdt, node, "opal-entry-address",
				   &info->opal_entry, err);
	}
	if (rc) {
		return rc;
	}
	info->boot_cpuid = fdt_boot_cpuid_phys(fdt);
	node = fdt_path_offset(fdt, "/chosen");
	s = node < 0 ? NULL : fdt_getprop(fdt, node, "stdout-path", &len);
	if (!s && node >= 0) {
		s = fdt_getprop(fdt, node, "linux,stdout-path", &len);
	}
	if (s && len > 0 && s[len - 1] == '\0') {
		snprintf(info->stdout_path, sizeof(info->stdout_path), "%s", s);
	}
	return 0;
}

static int keepout(struct charon_layout *l, const char *what, uint64_t addr,
		   uint64_t size, struct charon_err *err)
{
	struct charon_segment *s;

	s = charon_layout_add_at(l, what, size, 0, CHARON_PLACE_KEEPOUT, addr,
				 err);
	if (!s) {
		return -EINVAL;
	}
	return 0;
}

/* the end of the reserved ranges that run on without a hole from @base */
static uint64_t reserved_run_end(const void *fdt, uint64_t base)
{
	uint64_t end = base, a, s;
	bool grew = true;
	int i, n = fdt_num_mem_rsv(fdt);

	while (grew) {
		grew = false;
		for (i = 0; i < n; i++) {
			if (fdt_get_mem_rsv(fdt, i, &a, &s) || !s) {
				continue;
			}
			if (a <= end && a + s > end) {
				end = a + s;
				grew = true;
			}
		}
	}
	return end;
}

/**
 * charon_powernv_keepouts() - keep segments away from skiboot (and QEMU)
 * @name: file name, for messages
 * @fdt: skiboot's checked device tree
 * @qemu: the segments are loaded by QEMU before skiboot boots (not after,
 *	by kexec): also keep out what QEMU and booting skiboot use
 * @l: the layout; gets KEEPOUT segments
 * @err: error message on failure
 *
 * Always: every /memreserve/ entry and /reserved-memory child
 * (charon_fdt_keepouts()), and skiboot's boot-time use: from
 * opal-base-address to the end of the reserved ranges that follow it
 * without a hole, plus CHARON_POWERNV_SKIBOOT_SLACK (skiboot writes the
 * page past them while it boots).  With @qemu also skiboot.lid at 0 and
 * QEMU's device tree for skiboot at 0x1000000.
 *
 * Return: 0 or a negative errno code.
 */
int charon_powernv_keepouts(const char *name, const void *fdt, bool qemu,
			    struct charon_layout *l, struct charon_err *err)
{
	struct charon_powernv_info info;
	uint64_t end;
	int rc;

	rc = charon_fdt_keepouts(name, fdt, l, err);
	if (!rc) {
		rc = charon_powernv_info(name, fdt, &info, err);
	}
	if (rc) {
		return rc;
	}
	end = reserved_run_end(fdt, info.opal_base);
	rc = keepout(l, "skiboot (boot-time use)", info.opal_base,
		     end - info.opal_base + CHARON_POWERNV_SKIBOOT_SLACK, err);
	if (!rc && qemu) {
		rc = keepout(l, "QEMU: skiboot.lid at 0", 0,
			     CHARON_POWERNV_QEMU_FW_SIZE, err);
	}
	if (!rc && qemu) {
		rc = keepout(l, "QEMU: skiboot's input tree",
			     CHARON_POWERNV_QEMU_FDT_ADDR,
			     CHARON_POWERNV_QEMU_FDT_SIZE, err);
	}
	return rc;
}
