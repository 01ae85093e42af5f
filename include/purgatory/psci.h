/* SPDX-License-Identifier: MIT */
/*
 * PSCI for the failure policies, shared by arm and arm64 (the same
 * SMC32 function IDs and the same conduit slot, next.arch.raw[0]).
 */
#ifndef PURGATORY_PSCI_H
#define PURGATORY_PSCI_H

#include <abi/params.h>
#include <stdint.h>

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

#endif /* PURGATORY_PSCI_H */
