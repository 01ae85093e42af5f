/* SPDX-License-Identifier: MIT */
/*
 * The failure policies of arm and arm64 (shared by arch/arm and arch/arm64,
 * hence its own folder): PSCI (the same SMC32 function
 * IDs and the same conduit slot, next.arch.raw[0]) and semihosting.  Each
 * arch's entry.S provides the two calls, register-sized arguments.
 */
#ifndef PURGATORY_PSCI_H
#define PURGATORY_PSCI_H

#include <abi/params.h>
#include <purgatory/pg.h>
#include <stdint.h>

/* SMC or HVC (conduit: CHARON_PSCI_SMC or _HVC) with fn; returns x0/r0 */
unsigned long psci_call(unsigned long fn, unsigned long conduit);
/* semihosting exit with status code (QEMU -semihosting); no return */
void psci_semihosting_exit(unsigned long code) __attribute__((noreturn));

#define PSCI_SYSTEM_OFF		0x84000008u
#define PSCI_SYSTEM_RESET	0x84000009u

/* the block's conduit, or CHARON_PSCI_NONE for anything else */
static inline uint64_t psci_conduit(const struct charon_params *p)
{
	uint64_t c = p->next.arch.raw[CHARON_ARM64_PSCI];

	return (c == CHARON_PSCI_HVC || c == CHARON_PSCI_SMC) ?
	       c : CHARON_PSCI_NONE;
}

/* the PSCI function a failure policy asks for, or 0 */
static inline uint32_t psci_policy_fn(uint32_t policy)
{
	switch (policy) {
	case CHARON_FAIL_RESET:
		return PSCI_SYSTEM_RESET;
	case CHARON_FAIL_POWEROFF:
		return PSCI_SYSTEM_OFF;
	default:
		return 0;
	}
}

/**
 * psci_fail() - arch_fail() for arm and arm64; never returns
 * @p: the parameter block (only the conduit is read, checked)
 * @policy: CHARON_FAIL_*; unknown values halt
 */
static inline void __attribute__((noreturn))
psci_fail(const struct charon_params *p, uint32_t policy)
{
	uint64_t conduit = psci_conduit(p);
	uint32_t fn = psci_policy_fn(policy);

	if (policy == CHARON_FAIL_TEST_EXIT) {
		psci_semihosting_exit(1);
	}
	if (fn && conduit != CHARON_PSCI_NONE) {
		pg_print("charon: PSCI %s (%s)\n",
			 fn == PSCI_SYSTEM_RESET ? "SYSTEM_RESET" : "SYSTEM_OFF",
			 conduit == CHARON_PSCI_HVC ? "hvc" : "smc");
		psci_call(fn, (unsigned long)conduit);
		pg_print("charon: PSCI returned; halting\n");
	} else if (fn) {
		pg_print("charon: no PSCI to %s with; halting\n",
			 fn == PSCI_SYSTEM_RESET ? "reset" : "power off");
	}
	for (;;) {
		__asm__ volatile("wfi");
	}
}

#endif /* PURGATORY_PSCI_H */
