/* SPDX-License-Identifier: MIT */
/* The stub's generic code: console, formatting, verification, failure. */
#ifndef PURGATORY_PG_H
#define PURGATORY_PG_H

#include <abi/params.h>
#include <stdarg.h>
#include <stdint.h>

/* the block the loader patched, at header.params_offset */
extern struct charon_params pg_params;

/* linker-script symbols: the stub's own extent in memory */
extern char _stub_start[], _stub_file_end[], _stub_end[];

/* stub error codes (negated on return) */
#define PG_EPARAMS	1	/* malformed parameter block */
#define PG_EDIGEST	2	/* a region's digest does not match */
#define PG_ESTATE	3	/* CPU state we cannot work in */

/**
 * pg_console_init() - select the console described by @con
 * Unknown kinds select no console (output is dropped).
 */
void pg_console_init(const struct charon_console *con);

/**
 * pg_print() - formatted console output
 * @fmt: a small printf-like format: %s %c %d %u %x %lx %llx %p and %%,
 *	with an optional '0' flag and width (e.g. %016llx); 'l'/'ll' select
 *	64-bit arguments
 */
void pg_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** pg_print_hex() - @len bytes as lowercase hex, no separators */
void pg_print_hex(const uint8_t *buf, unsigned int len);

/** pg_snprint() - format into @buf (always NUL-terminated) */
int pg_snprint(char *buf, unsigned int len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * pg_params_header_ok() - magic, version and size are this stub's
 * Until they are, nothing the block says is used: no console, no
 * failure policy but halt.
 */
int pg_params_header_ok(const struct charon_params *p);

/**
 * pg_region_holding() - the region that holds [@a, @a + @n) whole
 * Return: its index, or -1 (also when the range wraps).
 */
int pg_region_holding(const struct charon_params *p, uint64_t a, uint64_t n);

/**
 * pg_region_overlapping() - the first region sharing a byte with
 *	[@a, @a + @n)
 * Return: its index, or -1.
 */
int pg_region_overlapping(const struct charon_params *p, uint64_t a,
			  uint64_t n);

/** pg_overlaps_stub() - does [@a, @a + @n) share a byte with the stub? */
int pg_overlaps_stub(uint64_t a, uint64_t n);

/**
 * pg_check_params() - validate the block before anything trusts it
 * The generic fields, then arch_check_params().
 * Return: 0, or -PG_EPARAMS after printing what is wrong.
 */
int pg_check_params(const struct charon_params *p);

/**
 * pg_verify_regions() - SHA-256 of every region against its digest
 * Return: 0, or -PG_EDIGEST after printing every damaged region.
 */
int pg_verify_regions(const struct charon_params *p);

/*
 * Chainloader mode (purgatory/chain.c in charon-chain; chain-none.c in the
 * kexec stub refuses it).  The firmware's entry register that may hold a
 * device tree (arm64 x0; 0 where the arch's entry does not record one),
 * stored by the entry code after bss is cleared.
 */
extern uint64_t pg_boot_arg;

/**
 * pg_chain_console() - no console in the block (or no valid block): the
 *	one the entry register's device tree names in /chosen stdout-path
 *	(charon-chain; the kexec stub has none)
 */
void pg_chain_console(const struct charon_params *p);

/**
 * pg_chain_room_holds() - is [@a, @a + @n) inside the room where the
 *	chainloader builds the kernel's tree (which no region covers)?
 * Return: 1 or 0 (always 0 in the kexec stub).
 */
int pg_chain_room_holds(const struct charon_params *p, uint64_t a,
			uint64_t n);

/**
 * pg_chain_check() - the chain descriptor and the copies, from
 *	pg_check_params(), before anything is written
 * Return: 0, or -PG_EPARAMS after printing what is wrong.
 */
int pg_chain_check(const struct charon_params *p);

/**
 * pg_chainload() - the device tree, every destination checked against
 *	its RAM and reserved ranges, the tree into its room, the copies
 * Return: 0, or -PG_EPARAMS after printing what is wrong.
 */
int pg_chainload(const struct charon_params *p);

/**
 * pg_chain_boot_data() - after verification: /chosen bootargs and initrd
 *	in the kernel's tree; x86_64: boot_params' e820 from the PVH map
 * Return: 0, or -PG_EPARAMS after printing what is wrong.
 */
int pg_chain_boot_data(const struct charon_params *p);

/**
 * pg_fail() - print why, then apply the failure policy; never returns
 * Safe before relocation: it reads no data pointer.
 */
void __attribute__((noreturn)) pg_fail(const struct charon_params *p,
				       const char *why);

/* set by pg_relocate() (entry code) when the stub's own relocation fails */
struct rela_error;
extern struct rela_error pg_reloc_error;

/**
 * pg_relocate() - apply the stub's own dynamic relocations for its load
 *	address (.rela.dyn, or .rel.dyn on 32-bit arm)
 * @load_addr: where the stub's first byte is
 * Return: 0, or a negative LIB_E* code (details in pg_reloc_error)
 */
int pg_relocate(uint64_t load_addr);

/**
 * pg_reloc_check() - did the stub's own relocation take?
 * @got: what its one relocated pointer holds
 * @want: where that pointer points, found PC-relatively
 * Return: 0 if they agree, -1 if not.
 */
int pg_reloc_check(uint64_t *got, uint64_t *want);

/** pg_main() - the boot flow; called from entry code, never returns */
void __attribute__((noreturn)) pg_main(uint64_t load_addr, int reloc_status);

#endif /* PURGATORY_PG_H */
