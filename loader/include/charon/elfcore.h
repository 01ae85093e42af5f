/* SPDX-License-Identifier: MIT */
/*
 * The ELF core header a dump kernel turns into /proc/vmcore (kdump): what
 * the crashed kernel's memory was and where its notes are.  Linux's
 * fs/proc/vmcore.c reads it at the address given by elfcorehdr= (or
 * /chosen linux,elfcorehdr); makedumpfile reads /proc/vmcore.
 *
 *   ELF header            ET_CORE, the target's class, byte order, machine
 *   PT_NOTE per CPU       crash_notes: the registers each CPU saves there
 *                         when the kernel panics
 *   PT_NOTE               VMCOREINFO: symbols and sizes makedumpfile needs
 *   PT_LOAD (optional)    the kernel text at its virtual address (x86_64,
 *                         arm64: makedumpfile finds phys_base/kimage_voffset
 *                         with it)
 *   PT_LOAD per RAM range System RAM minus the crash region; p_offset is
 *                         the physical address (the dump kernel reads
 *                         /proc/vmcore's bytes from there), except for the
 *                         backed-up range, whose p_offset is its copy
 */
#ifndef CHARON_ELFCORE_H
#define CHARON_ELFCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/err.h>
#include <charon/layout.h>

#define CHARON_ELFCORE_MAX_CPUS	256
#define CHARON_ELFCORE_MAX_RAM	(2 * CHARON_MAX_RAM)

struct charon_elfcore_note {
	uint64_t addr;		/* physical */
	uint64_t size;
};

struct charon_elfcore {
	uint8_t class;		/* ELFW_CLASS32 (arm) or ELFW_CLASS64 */
	uint8_t data;		/* ELFW_DATA_LE or ELFW_DATA_BE */
	uint16_t machine;	/* EM_* */
	/* the RAM the dump shows, ascending, disjoint */
	struct charon_mem_range ram[CHARON_ELFCORE_MAX_RAM];
	unsigned int nr_ram;
	struct charon_elfcore_note cpu[CHARON_ELFCORE_MAX_CPUS];
	unsigned int nr_cpu;
	struct charon_elfcore_note vmcoreinfo;
	/* the kernel image's mapping: [text_vaddr, + text_size) at text_paddr */
	bool have_text;
	uint64_t text_vaddr, text_paddr, text_size;
	/* the linear map: vaddr = paddr + linear_offset; else vaddr 0 */
	bool have_linear;
	uint64_t linear_offset;
	/* [backup_src, + backup_len) reads from its copy at backup_dst */
	uint64_t backup_src, backup_dst, backup_len;
};

int charon_elfcore_set_ram(struct charon_elfcore *c,
			   const struct charon_mem_range *ram, unsigned int nr,
			   const struct charon_mem_range *minus,
			   unsigned int nr_minus, struct charon_err *err);
size_t charon_elfcore_size(const struct charon_elfcore *c);
int charon_elfcore_write(const struct charon_elfcore *c, void *out,
			 size_t len, struct charon_err *err);

#endif /* CHARON_ELFCORE_H */
