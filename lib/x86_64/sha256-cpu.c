// SPDX-License-Identifier: MIT
/*
 * Whether sha256_blocks_shani() can run on this CPU.  CPUID uses general
 * registers only, so this is safe to call before SSE is enabled.
 */
#include <cpuid.h>
#include <lib/sha256.h>

int sha256_x86_has_shani(void)
{
	unsigned int eax, ebx, ecx, edx;

	/* leaf 1: SSSE3 (pshufb, palignr) and SSE4.1 (pblendw) */
	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
		return 0;
	}
	if (!(ecx & bit_SSSE3) || !(ecx & bit_SSE4_1)) {
		return 0;
	}
	/* leaf 7, subleaf 0: SHA; fails when the CPU has no leaf 7 */
	if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
		return 0;
	}
	return !!(ebx & bit_SHA);
}
