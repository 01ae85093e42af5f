/* SPDX-License-Identifier: MIT */
/*
 * arm64 specifics of the parameter block.  These constants belong in
 * include/abi/params.h (the stub reads them); they live here until they
 * are moved there.
 */
#ifndef CHARON_ARM64_H
#define CHARON_ARM64_H

/* index into charon_params.next.arch.raw[] */
#ifndef CHARON_ARM64_ARCH_PSCI
#define CHARON_ARM64_ARCH_PSCI	0	/* PSCI conduit, CHARON_ARM64_PSCI_* */
#endif

/* PSCI conduit, from the device tree's /psci "method" */
#ifndef CHARON_ARM64_PSCI_NONE
#define CHARON_ARM64_PSCI_NONE	0u
#define CHARON_ARM64_PSCI_HVC	1u
#define CHARON_ARM64_PSCI_SMC	2u
#endif

#endif /* CHARON_ARM64_H */
