/* SPDX-License-Identifier: MIT */
/*
 * The hooks the generic boot flow (purgatory/main.c) calls, in the order
 * of docs/boot-flow.md.  Every architecture implements all of them in
 * arch/<arch>/; there are no weak defaults, so a missing hook is a link
 * error.
 *
 * Context for all hooks: one CPU, interrupts masked, MMU and data cache in
 * whatever state arch_init() left them (off on arm64), stack inside the
 * stub.  arch_init() runs before the stub's own relocation is known to
 * have worked: it and every hook before arch_check_params() use no data
 * pointer (no table of strings, no stored string address).
 */
#ifndef PURGATORY_ARCH_H
#define PURGATORY_ARCH_H

#include <abi/params.h>
#include <stdint.h>

/**
 * arch_init() - early per-arch checks and set-up
 * @p: the parameter block (not yet validated: read only what is needed)
 *
 * Called first from pg_main(), before the console exists.  Records the
 * state the stub was entered in (exception level, mode) for later hooks.
 * Return: NULL, or why the stub cannot run in this state (a string
 * literal); pg_main() then fails with it.
 */
const char *arch_init(const struct charon_params *p);

/**
 * arch_describe() - one line about the CPU state, for the banner
 * @buf: output; @len: its size
 */
void arch_describe(char *buf, unsigned int len);

/**
 * arch_console_putc() - write one byte to an arch-specific console
 * @con: the console descriptor (kind is not PL011 or NS16550: those are
 *	generic MMIO drivers in purgatory/console.c)
 * @c: the byte
 * Return: 0, or -1 when this arch has no such console.
 */
int arch_console_putc(const struct charon_console *con, char c);

/**
 * arch_check_params() - the arch's part of validating the block
 * @p: the block, its generic part already validated (header, regions,
 *	copies, the entry inside a region)
 *
 * Called from pg_check_params(), before anything is hashed or written.
 * Checks the next.arch words and every address the stub will write to
 * later (arch_prepare_handover()), against the regions and the stub, and
 * prints what is wrong by name.
 * Return: 0, or -PG_EPARAMS.
 */
int arch_check_params(const struct charon_params *p);

/**
 * arch_pre_verify() - between validation (and the chainloader's copies)
 *	and hashing
 * @p: the validated block
 *
 * arm, arm64: clean and invalidate every region to the point of coherency
 * by VA, so that no dirty line the previous owner left can be written back
 * over bytes already verified.  Others: nothing.
 */
void arch_pre_verify(const struct charon_params *p);

/**
 * arch_fail() - carry out the failure policy; never returns
 * @p: the parameter block (may be invalid: only next.arch is read, and
 *	only when the caller found the block's header valid)
 * @policy: CHARON_FAIL_*; unknown values halt
 */
void __attribute__((noreturn)) arch_fail(const struct charon_params *p,
					 uint32_t policy);

/**
 * arch_prepare_handover() - post-verification work before the jump
 * @p: the validated, verified parameter block
 *
 * Writes only where arch_check_params() allowed.  arm64: invalidate the
 * instruction cache; ppc64: run-at-load, the entry block, the boot CPU.
 * Return: 0, or a negative code (the boot then fails).
 */
int arch_prepare_handover(const struct charon_params *p);

/**
 * arch_boot_next() - enter the next kernel with the arch's register ABI
 * @p: the validated, verified parameter block
 *
 * Never returns.  Registers: p->next.regs in the arch's order.
 */
void __attribute__((noreturn)) arch_boot_next(const struct charon_params *p);

/**
 * arch_reg_name() - the name of next.regs[@i] in hand-over order
 * @i: 0, 1, ...
 * Return: "x0", ..., or NULL after the last register the arch hands over.
 */
const char *arch_reg_name(unsigned int i);

/* the stub's own RELATIVE relocation type, e.g. R_AARCH64_RELATIVE */
extern const uint32_t arch_reloc_relative;

/*
 * The last address the stub can read, final after arch_init(): 4 GiB - 1
 * on 32-bit arm, and on x86_64 when the stub runs on its own identity map
 * (PVH entry); regions beyond it are refused by name.
 */
extern uint64_t arch_addr_limit;

#endif /* PURGATORY_ARCH_H */
