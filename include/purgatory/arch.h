/* SPDX-License-Identifier: MIT */
/*
 * The hooks the generic boot flow (purgatory/main.c) calls.  Every
 * architecture implements all of them in arch/<arch>/; there are no weak
 * defaults, so a missing hook is a link error.
 *
 * Context for all hooks: one CPU, interrupts masked, MMU and data cache in
 * whatever state arch_init() left them (off on arm64), stack inside the
 * stub, the stub already relocated.
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
 * Return: 0, or a negative code when the stub cannot run in this state;
 * pg_main() then reports arch_state_error() and fails.
 */
int arch_init(const struct charon_params *p);

/**
 * arch_state_error() - why arch_init() refused, as text
 */
const char *arch_state_error(void);

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
 * arch_fail() - carry out the failure policy; never returns
 * @p: the parameter block (may be invalid: only fail_policy and next.arch
 *	are read, defensively)
 * @policy: CHARON_FAIL_*; unknown values halt
 */
void __attribute__((noreturn)) arch_fail(const struct charon_params *p,
					 uint32_t policy);

/**
 * arch_prepare_handover() - post-verification work before the jump
 * @p: the validated, verified parameter block
 *
 * arm64: clean the verified regions to the point of coherency and
 * invalidate the instruction cache.
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

/* constants an arch exposes to the generic code */
extern const uint32_t arch_id;		/* CHARON_ARCH_* */
extern const uint32_t arch_reloc_relative; /* e.g. R_AARCH64_RELATIVE */
/* next.regs[]'s names in hand-over order, NULL-terminated: "x0", ... */
extern const char *const arch_reg_names[];

/*
 * The last address the stub can read, final after arch_init(): 4 GiB - 1
 * on 32-bit arm, and on x86_64 when the stub runs on its own identity map
 * (PVH entry); regions beyond it are refused by name.
 */
extern uint64_t arch_addr_limit;

#endif /* PURGATORY_ARCH_H */
