/* SPDX-License-Identifier: MIT */
/*
 * A minimal ELF wrapper that QEMU's x86 -kernel boots through the Xen PVH
 * direct boot ABI: the stub image as one PT_LOAD at its load address, and
 * a PT_NOTE holding the PVH entry note (name "Xen", type
 * XEN_ELFNOTE_PHYS32_ENTRY, the 32-bit physical entry address).
 *
 *	0x000 Elf64_Ehdr	ET_EXEC, EM_X86_64, e_entry = the PVH entry
 *	0x040 Elf64_Phdr[0]	PT_LOAD: p_offset 0x1000, p_paddr =
 *				p_vaddr = load address, p_filesz =
 *				image, p_memsz = mem_size, p_align 0x1000
 *	0x078 Elf64_Phdr[1]	PT_NOTE: the note below, p_align 4
 *	0x0b0 note		namesz 4, descsz 8, type 18, "Xen\0",
 *				u64 entry (upper half 0)
 *	0x1000 the image
 */
#ifndef CHARON_PVH_H
#define CHARON_PVH_H

#include <stddef.h>
#include <stdint.h>

#include <charon/err.h>

#define CHARON_PVH_NOTE_NAME		"Xen"
#define CHARON_XEN_ELFNOTE_PHYS32_ENTRY	18u
#define CHARON_PVH_NOTE_OFF		0xb0u
#define CHARON_PVH_DATA_OFF		0x1000u
#define CHARON_PVH_ALIGN		0x1000u
/* QEMU reads a multiboot header, if any, from the first 8 KiB first */
#define CHARON_PVH_MULTIBOOT_MAGIC	0x1badb002u
#define CHARON_PVH_MULTIBOOT_SEARCH	8192u

int charon_pvh_elf(const char *name, const void *image, size_t len,
		   uint64_t mem_size, uint64_t load_addr,
		   uint32_t entry_offset, void **out, size_t *out_len,
		   struct charon_err *err);

#endif /* CHARON_PVH_H */
