// SPDX-License-Identifier: MIT
/*
 * The PVH ELF wrapper for QEMU's x86 -kernel (see <charon/pvh.h>).
 *
 * What QEMU does with -kernel on pc/q35 (hw/i386/x86.c, x86_load_linux):
 * a file with "HdrS" at 0x202 is booted as a Linux bzImage; else one with
 * a multiboot header in its first 8 KiB as multiboot; else an ELF is
 * loaded by its PT_LOAD segments (at p_paddr, memsz zero-filled) and must
 * carry an ELF note of type XEN_ELFNOTE_PHYS32_ENTRY, found by type in a
 * PT_NOTE, with name and descriptor aligned to that PT_NOTE's p_align.
 * QEMU's pvh.bin option ROM then enters that address in 32-bit protected
 * mode, paging off, ebx = struct hvm_start_info.  ELF32 and ELF64 are both
 * accepted; for ELF64 QEMU up to 9.1 reads the descriptor as a host
 * size_t (8 bytes), later versions as a u32, so we write a u64 whose upper
 * half is 0, as Linux's own PVH note does.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <charon/bytes.h>
#include <charon/pvh.h>
#include <lib/elf.h>

typedef unsigned long long ull;

#define LE		CHARON_LE
#define NOTE_NAMESZ	4u	/* "Xen\0" */
#define NOTE_DESCSZ	8u
#define NOTE_SIZE	(sizeof(Elf64_Nhdr) + NOTE_NAMESZ + NOTE_DESCSZ)
#define PVH_MIN_ADDR	0x100000ull	/* the BIOS owns the first MiB */
#define PVH_MAX_END	0x100000000ull	/* entered with paging off */

_Static_assert(sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr) ==
	       CHARON_PVH_NOTE_OFF, "PVH note offset");
_Static_assert(CHARON_PVH_NOTE_OFF + NOTE_SIZE <= CHARON_PVH_DATA_OFF,
	       "PVH headers fit before the image");
_Static_assert(CHARON_PVH_NOTE_OFF + NOTE_SIZE <= 0x202,
	       "nothing of ours at 0x202, where QEMU looks for \"HdrS\"");

/* QEMU tries multiboot before ELF: a header there would win */
static int check_multiboot(const char *name, const uint8_t *b, size_t len,
			   struct charon_err *err)
{
	size_t i, end = len < CHARON_PVH_MULTIBOOT_SEARCH ? len :
		CHARON_PVH_MULTIBOOT_SEARCH;
	uint32_t magic, flags, sum;

	for (i = 0; i + 12 <= end; i += 4) {
		magic = charon_get32(b + i, LE);
		flags = charon_get32(b + i + 4, LE);
		sum = charon_get32(b + i + 8, LE);
		if (magic == CHARON_PVH_MULTIBOOT_MAGIC &&
		    (uint32_t)(magic + flags + sum) == 0) {
			return charon_errf(err, -EINVAL,
					   "pvh: %s: a multiboot header at ELF offset 0x%zx (the first 8 KiB) would make QEMU boot it as multiboot",
					   name, i);
		}
	}
	return 0;
}

/**
 * charon_pvh_elf() - wrap a stub image in a PVH-bootable ELF, in memory
 * @name: the image's file name, for messages
 * @image: the flat stub image
 * @len: its size (p_filesz)
 * @mem_size: bytes the stub occupies from its load address (p_memsz; QEMU
 *	zero-fills past @len); at least @len
 * @load_addr: physical load address: 4 KiB aligned, at or above 1 MiB,
 *	and the whole @mem_size below 4 GiB (the PVH entry runs with paging
 *	off)
 * @entry_offset: the 32-bit PVH entry's offset in @image (the stub
 *	header's entry2_offset); not 0
 * @out: set to the malloc'd ELF (free() it)
 * @out_len: its size: CHARON_PVH_DATA_OFF + @len
 * @err: error message on failure
 *
 * The ELF has one PT_LOAD (the image at @load_addr) and one PT_NOTE (the
 * Xen PVH entry note, @load_addr + @entry_offset); e_entry is the same
 * address.
 *
 * Return: 0, -EINVAL or -ERANGE for unusable arguments (naming them), or
 * -ENOMEM.
 */
int charon_pvh_elf(const char *name, const void *image, size_t len,
		   uint64_t mem_size, uint64_t load_addr,
		   uint32_t entry_offset, void **out, size_t *out_len,
		   struct charon_err *err)
{
	const struct elfw elf = { ELFW_CLASS64, ELFW_DATA_LE };
	uint64_t entry = load_addr + entry_offset;
	uint8_t *b, desc[NOTE_DESCSZ];
	size_t n;
	int rc;

	*out = NULL;
	*out_len = 0;
	if (len == 0 || mem_size < len) {
		return charon_errf(err, -EINVAL,
				   "pvh: %s: image is 0x%zx bytes and mem_size 0x%llx; want a non-empty image no larger than mem_size",
				   name, len, (ull)mem_size);
	}
	if (entry_offset == 0 || entry_offset >= len) {
		return charon_errf(err, -EINVAL,
				   "pvh: %s: PVH entry offset (entry2_offset) 0x%x is %s",
				   name, entry_offset,
				   entry_offset ? "outside the image" :
				   "0: the stub has no 32-bit PVH entry");
	}
	if (load_addr % CHARON_PVH_ALIGN || load_addr < PVH_MIN_ADDR ||
	    load_addr > PVH_MAX_END || mem_size > PVH_MAX_END - load_addr) {
		return charon_errf(err, -ERANGE,
				   "pvh: %s: load address 0x%llx (0x%llx bytes): want 4 KiB aligned, at or above 1 MiB and ending below 4 GiB (the PVH entry runs in 32-bit mode, paging off)",
				   name, (ull)load_addr, (ull)mem_size);
	}
	if (__builtin_add_overflow((size_t)CHARON_PVH_DATA_OFF, len, &n)) {
		return charon_errf(err, -EINVAL, "pvh: %s: image too large",
				   name);
	}
	b = calloc(1, n);
	if (!b) {
		return charon_errf(err, -ENOMEM, "pvh: %s: out of memory",
				   name);
	}
	elfw_ehdr(&elf, &(struct elfw_ehdr){
			  .type = ELFW_ET_EXEC, .machine = EM_X86_64,
			  .entry = entry, .phoff = sizeof(Elf64_Ehdr),
			  .phnum = 2, .shstrndx = SHN_UNDEF }, b);
	elfw_phdr(&elf, &(struct elfw_phdr){
			  .type = ELFW_PT_LOAD,
			  .flags = ELFW_PF_R | ELFW_PF_W | ELFW_PF_X,
			  .offset = CHARON_PVH_DATA_OFF, .vaddr = load_addr,
			  .paddr = load_addr, .filesz = len, .memsz = mem_size,
			  .align = CHARON_PVH_ALIGN }, b + sizeof(Elf64_Ehdr));
	elfw_phdr(&elf, &(struct elfw_phdr){
			  .type = ELFW_PT_NOTE, .flags = ELFW_PF_R,
			  .offset = CHARON_PVH_NOTE_OFF, .filesz = NOTE_SIZE,
			  .memsz = NOTE_SIZE, .align = 4 },
		  b + sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr));
	/* the entry as a u64 whose upper half is 0, as Linux's own note */
	elfw_put(&elf, desc, entry, 8);
	elfw_note(&elf, CHARON_PVH_NOTE_NAME, CHARON_XEN_ELFNOTE_PHYS32_ENTRY,
		  desc, NOTE_DESCSZ, b + CHARON_PVH_NOTE_OFF);
	memcpy(b + CHARON_PVH_DATA_OFF, image, len);
	rc = check_multiboot(name, b, n, err);
	if (rc) {
		free(b);
		return rc;
	}
	*out = b;
	*out_len = n;
	return 0;
}
