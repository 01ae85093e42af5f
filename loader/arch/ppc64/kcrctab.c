// SPDX-License-Identifier: MIT
/*
 * The __kcrctab rule (see <charon/kcrctab.h>): from an ELF's relocations,
 * symbols and section headers, the ranges the RELA engine must leave
 * alone.  The engine only honours ranges; the decision is made here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charon/kcrctab.h>

typedef unsigned long long ull;

/**
 * charon_elf_rela_free() - free what an extraction allocated
 * @r: the relocations; zeroed
 */
void charon_elf_rela_free(struct charon_elf_rela *r)
{
	free(r->rela);
	free(r->syms);
	free(r->kcrctab);
	memset(r, 0, sizeof(*r));
}

/**
 * charon_kcrctab_free() - free the skip ranges
 * @k: the rule's result; zeroed
 */
void charon_kcrctab_free(struct charon_kcrctab *k)
{
	free(k->skip);
	memset(k, 0, sizeof(*k));
}

/**
 * charon_kcrctab_case_name() - a short name for a case, for messages
 * @c: the case
 *
 * Return: a static string.
 */
const char *charon_kcrctab_case_name(enum charon_kcrctab_case c)
{
	switch (c) {
	case CHARON_KCRCTAB_NONE:
		return "none";
	case CHARON_KCRCTAB_CLEAN:
		return "clean";
	case CHARON_KCRCTAB_UNDONE:
		return "undone";
	case CHARON_KCRCTAB_SKIP:
		return "skip";
	}
	return "?";
}

/* the __kcrctab* section holding @addr, or NULL */
static const struct charon_elf_section *
kcrctab_at(const struct charon_elf_rela *r, uint64_t addr)
{
	size_t i;

	for (i = 0; i < r->nr_kcrctab; i++) {
		if (addr >= r->kcrctab[i].start && addr < r->kcrctab[i].end) {
			return &r->kcrctab[i];
		}
	}
	return NULL;
}

/*
 * Would this relocation add the load offset to its target?  RELATIVE
 * always does; ADDR64/UADDR64 do unless the symbol is absolute (or
 * undefined weak).  Anything else is no CRC fix-up we know; the engine
 * refuses unknown types itself.
 */
static bool moves(const struct charon_elf_rela *r, const struct rela64 *e)
{
	uint32_t type = RELA64_TYPE(e->r_info);
	uint32_t sym = RELA64_SYM(e->r_info);

	if (type == r->types.relative) {
		return true;
	}
	if (type == r->types.addr64 ||
	    (r->types.uaddr64 && type == r->types.uaddr64)) {
		return sym && sym < r->nr_syms &&
		       !(r->syms[sym].flags & RELA_SYM_ABS);
	}
	return false;
}

static int cmp_skip(const void *a, const void *b)
{
	const struct rela_skip *x = a, *y = b;

	if (x->start != y->start) {
		return x->start < y->start ? -1 : 1;
	}
	return 0;
}

/* one 8-byte range per moving CRC relocation, sorted and merged */
static int build_skips(const char *name, const struct charon_elf_rela *r,
		       struct charon_kcrctab *k, struct charon_err *err)
{
	size_t i, n = 0;

	k->skip = calloc(k->nr_moving, sizeof(*k->skip));
	if (!k->skip) {
		return charon_errf(err, -ENOMEM, "kcrctab: %s: out of memory",
				   name);
	}
	for (i = 0; i < r->nr_rela; i++) {
		const struct rela64 *e = &r->rela[i];

		if (kcrctab_at(r, e->r_offset) && moves(r, e)) {
			k->skip[n].start = e->r_offset;
			k->skip[n].end = e->r_offset + 8;
			n++;
		}
	}
	qsort(k->skip, n, sizeof(*k->skip), cmp_skip);
	k->nr_skip = 0;
	for (i = 0; i < n; i++) {
		struct rela_skip *last = k->nr_skip ?
			&k->skip[k->nr_skip - 1] : NULL;

		if (last && k->skip[i].start <= last->end) {
			if (k->skip[i].end > last->end) {
				last->end = k->skip[i].end;
			}
			continue;
		}
		k->skip[k->nr_skip++] = k->skip[i];
	}
	return 0;
}

/**
 * charon_kcrctab_rule() - decide which relocations must leave CRCs alone
 * @name: the ELF's file name, for messages
 * @r: its relocations, symbols and __kcrctab* sections
 * @out: the case, the skip ranges (free with charon_kcrctab_free()) and a
 *	one-line explanation
 * @err: error message on failure
 *
 * A relocation "moves a CRC" when its target lies in a __kcrctab* section
 * and it adds the load offset: RELATIVE, or ADDR64/UADDR64 against a
 * symbol that is not absolute.  (ADDR64/UADDR64 against the absolute
 * __crc_* symbol itself yields the CRC exactly and is applied, as today's
 * ld emits for a -shared link; skipping it would leave the 0 that ld wrote
 * in the section.)  Then:
 *	no __kcrctab* section, or no relocation moves a CRC: nothing to skip;
 *	the kernel defines `reloc_start`: it subtracts the offset from the
 *		CRCs itself, so skipping would double-correct: nothing;
 *	otherwise: skip exactly the targets of the moving CRC relocations
 *		(8 bytes each, merged into ranges).
 *
 * Return: 0 or -ENOMEM.
 */
int charon_kcrctab_rule(const char *name, const struct charon_elf_rela *r,
			struct charon_kcrctab *out, struct charon_err *err)
{
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	out->nr_sections = r->nr_kcrctab;
	for (i = 0; i < r->nr_rela; i++) {
		if (kcrctab_at(r, r->rela[i].r_offset)) {
			out->nr_targeting++;
			out->nr_moving += moves(r, &r->rela[i]);
		}
	}
	if (!r->nr_kcrctab) {
		out->which = CHARON_KCRCTAB_NONE;
		snprintf(out->why, sizeof(out->why),
			 "kcrctab: %s: no __kcrctab section (no CONFIG_MODVERSIONS): nothing to skip",
			 name);
		return 0;
	}
	if (!out->nr_moving) {
		out->which = CHARON_KCRCTAB_CLEAN;
		if (!out->nr_targeting) {
			snprintf(out->why, sizeof(out->why),
				 "kcrctab: %s: %zu __kcrctab section(s) with no relocation (CRCs are plain numbers, as since Linux 4.10): nothing to skip",
				 name, out->nr_sections);
		} else {
			snprintf(out->why, sizeof(out->why),
				 "kcrctab: %s: %zu __kcrctab section(s); their %zu relocation(s) are against absolute CRC symbols and keep the CRCs: nothing to skip",
				 name, out->nr_sections, out->nr_targeting);
		}
		return 0;
	}
	if (r->reloc_start) {
		out->which = CHARON_KCRCTAB_UNDONE;
		snprintf(out->why, sizeof(out->why),
			 "kcrctab: %s: %zu relocation(s) add the load offset to CRCs in __kcrctab*, and the kernel defines reloc_start (it subtracts the offset itself): applied, nothing skipped",
			 name, out->nr_moving);
		return 0;
	}
	out->which = CHARON_KCRCTAB_SKIP;
	rc = build_skips(name, r, out, err);
	if (rc) {
		return rc;
	}
	snprintf(out->why, sizeof(out->why),
		 "kcrctab: %s: %zu relocation(s) would add the load offset to CRCs in __kcrctab*, and the kernel does not undo it (no reloc_start): skipped (%zu range(s))",
		 name, out->nr_moving, out->nr_skip);
	return 0;
}
