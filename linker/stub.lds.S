/* SPDX-License-Identifier: MIT */
/*
 * The stub's linker script, shared by every architecture (preprocessed with
 * the arch's linker/arch-<arch>.h for the few values that differ).
 *
 * Linked as a PIE at address 0: a symbol's value is its offset in the
 * image.  The image is [ head | text | rodata | data | dynamic | rela.dyn ]
 * in the file, then bss and the stack in memory only.
 */
#include <abi/params.h>
#include STUB_ARCH_LDS_H

/* RELA (.rela.dyn) unless the arch's ABI says REL */
#ifndef LDS_DYNREL
#define LDS_DYNREL	.rela.dyn
#define LDS_DYNREL_IN	*(.rela.dyn) *(.rela.*)
#endif

OUTPUT_ARCH(LDS_OUTPUT_ARCH)
ENTRY(_head)

SECTIONS
{
	. = 0;
	_stub_start = .;

	/* the boot-format header and ours; the entry branch is its first word */
	.head : {
		KEEP(*(.head.text))
	}
	ASSERT(charon_image_header == _stub_start + LDS_HDR_OFF,
	       "charon image header is not at its ABI offset")

	.charon.params ALIGN(64) : {
		KEEP(*(.charon.params))
	}
	ASSERT(SIZEOF(.charon.params) == CHARON_PARAMS_SIZE,
	       "parameter block size differs from the ABI")

	.text ALIGN(64) : {
		*(.text.entry)
		*(.text .text.*)
		*(.plt) *(.iplt) *(.plt.got)
		*(.glue_7) *(.glue_7t) *(.vfp11_veneer) *(.v4_bx)
		*(.sfpr) *(.glink)
	}
	ASSERT(SIZEOF(.text) > 0, "no code")

	.rodata ALIGN(16) : {
		*(.rodata .rodata.*)
		*(.srodata .srodata.*)
	}

	.data ALIGN(16) : {
		*(.data .data.*)
		*(.data.rel.ro .data.rel.ro.*)
		*(.sdata .sdata.*)
		LDS_EXTRA_DATA
	}
	LDS_EXTRA_SECTIONS
	.got ALIGN(8) : {
		*(.got .got.*)
		*(.got.plt) *(.igot.plt)
	}


	LDS_DYNREL ALIGN(8) : {
		_rela_start = .;
		LDS_DYNREL_IN
		_rela_end = .;
	}
	_stub_file_end = .;

	.bss (NOLOAD) : ALIGN(16) {
		_bss_start = .;
		*(.bss .bss.*)
		*(.sbss .sbss.*)
		*(COMMON)
		*(.dynbss)
		. = ALIGN(16);
		_bss_end = .;
	}
	.stack (NOLOAD) : ALIGN(16) {
		. += LDS_STACK_SIZE;
		_stack_top = .;
	}
	. = ALIGN(LDS_LOAD_ALIGN);
	_stub_end = .;

	/* values the image headers carry, as absolute symbols */
	/* absolute: a header word must never be a dynamic relocation */
	_charon_file_size = ABSOLUTE(_stub_file_end - _stub_start);
	_charon_mem_size = ABSOLUTE(_stub_end - _stub_start);
	_charon_params_off = ABSOLUTE(ADDR(.charon.params) - _stub_start);

	ASSERT(_stub_end - _stub_start <= LDS_MAX_SIZE,
	       "stub is larger than its size limit")
	ASSERT(_rela_end - _rela_start == SIZEOF(LDS_DYNREL),
	       "the dynamic relocations are not bracketed")
	ASSERT(_rela_end > _rela_start,
	       "no dynamic relocation: pg_reloc_ptr (purgatory/reloc.c) must have one")

	/*
	 * PIE bookkeeping for a dynamic loader the stub does not have: the
	 * stub finds .rela.dyn through _rela_start/_rela_end.
	 */
	/DISCARD/ : {
		*(.dynamic) *(.dynsym) *(.dynstr) *(.hash) *(.gnu.hash)
		*(.gnu.version) *(.gnu.version_d) *(.gnu.version_r)
		*(.interp) *(.comment) *(.note .note.*)
		*(.eh_frame) *(.eh_frame_hdr) *(.sframe) *(.gnu.attributes)
		*(.ARM.attributes) *(.ARM.exidx*) *(.ARM.extab*)
		*(.debug_*)
	}
}
