// SPDX-License-Identifier: MIT
/*
 * The stub's own relocation, called from entry code before anything else
 * in C: the stub is linked at 0, so the load address is the offset.
 * pg_relocate() is documented in purgatory/pg.h.
 *
 * Runs unrelocated: nothing here (or in lib/rela.c) may use an absolute
 * address.  A failure is kept in pg_reloc_error (bss is already clear) and
 * reported by pg_main() once the console exists.
 */
#include <lib/rela.h>
#include <purgatory/arch.h>
#include <purgatory/pg.h>

struct rela_error pg_reloc_error;

#ifdef PG_RELOC_REL32
/* linker-script symbols around .rel.dyn (32-bit arm: REL, not RELA) */
extern const struct rel32 _rela_start[], _rela_end[];

int pg_relocate(uint64_t load_addr)
{
	return rel32_apply(_stub_start, 0,
			   (uint32_t)(_stub_file_end - _stub_start),
			   _rela_start, (size_t)(_rela_end - _rela_start),
			   arch_reloc_relative, (uint32_t)load_addr, 0, 0,
			   &pg_reloc_error);
}
#else
/* linker-script symbols around .rela.dyn */
extern const struct rela64 _rela_start[], _rela_end[];

int pg_relocate(uint64_t load_addr)
{
	return rela64_apply(_stub_start, 0,
			    (uint64_t)(_stub_file_end - _stub_start),
			    _rela_start, (size_t)(_rela_end - _rela_start),
			    arch_reloc_relative, load_addr, 0, 0,
			    &pg_reloc_error);
}
#endif
