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

/*
 * The stub's one data pointer: a RELATIVE relocation of its own that
 * pg_reloc_check() reads back, so every stub carries at least one (the
 * linker script asserts it) and a relocation that did not take is caught.
 */
static const char pg_reloc_anchor;
const char *const pg_reloc_ptr = &pg_reloc_anchor;

int pg_reloc_check(uint64_t *got, uint64_t *want)
{
	const char *const *volatile slot = &pg_reloc_ptr;

	*got = (uint64_t)(uintptr_t)*slot;
	*want = (uint64_t)(uintptr_t)&pg_reloc_anchor;
	return *got == *want ? 0 : -1;
}

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
