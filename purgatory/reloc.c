// SPDX-License-Identifier: MIT
/*
 * The stub's own relocation, called from entry code before anything else
 * in C: the stub is linked at 0, so the load address is the offset.
 *
 * Runs unrelocated: nothing here (or in lib/rela.c) may use an absolute
 * address.  A failure is kept in pg_reloc_error (bss is already clear) and
 * reported by pg_main() once the console exists.
 */
#include <lib/rela.h>
#include <purgatory/arch.h>
#include <purgatory/pg.h>

/* linker-script symbols around .rela.dyn */
extern const struct rela64 _rela_start[], _rela_end[];

struct rela_error pg_reloc_error;

/**
 * pg_relocate() - apply the stub's own .rela.dyn for its load address
 * @load_addr: where the stub's first byte is
 * Return: 0, or a negative LIB_E* code (details in pg_reloc_error)
 */
int pg_relocate(uint64_t load_addr)
{
	return rela64_apply(_stub_start, 0,
			    (uint64_t)(_stub_file_end - _stub_start),
			    _rela_start, (size_t)(_rela_end - _rela_start),
			    arch_reloc_relative, load_addr, 0, 0,
			    &pg_reloc_error);
}
