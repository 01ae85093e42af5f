// SPDX-License-Identifier: MIT
/*
 * The boot flow, in the order of docs/boot-flow.md:
 *
 *   1. entry code (arch/<arch>/entry.S): interrupts masked, own load address
 *      found PC-relatively, stack set, bss cleared, own .rela.dyn applied;
 *   2. arch early set-up and console;
 *   3. parameter block validated;
 *   4. chainloader copies (when the block lists any);
 *   5. every region's SHA-256 verified;
 *   6. post-verification arch work;
 *   7. hand-over to the next kernel.
 *
 * Any failure ends in pg_fail(): one message, then the failure policy.
 */
#include <lib/errors.h>
#include <lib/rela.h>
#include <purgatory/arch.h>
#include <purgatory/pg.h>

/* the parameter block, all zero until a loader patches the image */
struct charon_params pg_params __attribute__((section(".charon.params")));

static const char *const pg_policy_names[] = {
	[CHARON_FAIL_HALT] = "halt",
	[CHARON_FAIL_RESET] = "reset",
	[CHARON_FAIL_POWEROFF] = "power off",
	[CHARON_FAIL_TEST_EXIT] = "test exit",
};

static const char *pg_policy_name(uint32_t policy)
{
	if (policy < sizeof(pg_policy_names) / sizeof(pg_policy_names[0])) {
		return pg_policy_names[policy];
	}
	return "halt (unknown policy)";
}

void pg_main(uint64_t load_addr, int reloc_status)
{
	const struct charon_params *p = &pg_params;
	char state[96];
	unsigned int i;

	/* 2. arch early set-up, then the console the loader described */
	if (arch_init(p)) {
		pg_console_init(&p->console);
		pg_fail(p, arch_state_error());
	}
	pg_console_init(&p->console);
	arch_describe(state, sizeof(state));
	pg_print("charon: stub at 0x%llx-0x%llx, %s\n",
		 (unsigned long long)load_addr,
		 (unsigned long long)load_addr +
			 (unsigned long long)(_stub_end - _stub_start),
		 state);
	if (reloc_status) {
		pg_print("charon: .rela.dyn entry %u at 0x%llx: type %u is %s\n",
			 (unsigned int)pg_reloc_error.index,
			 (unsigned long long)pg_reloc_error.r_offset,
			 pg_reloc_error.type,
			 reloc_status == -LIB_ENOTSUP ?
				 "not RELATIVE" : "outside the image");
		pg_fail(p, "own relocation failed");
	}

	/* 3. nothing is trusted before the block is */
	if (pg_check_params(p)) {
		pg_fail(p, "malformed parameter block");
	}
	pg_print("charon: %u regions, entry 0x%llx, on failure: %s\n",
		 p->nr_regions, (unsigned long long)p->next.entry,
		 pg_policy_name(p->fail_policy));

	/* 4. chainloader mode */
	if (p->nr_copies) {
		pg_chainload(p);
	}

	/* 5. verify */
	if (pg_verify_regions(p)) {
		pg_fail(p, "refusing to boot an image that failed verification");
	}

	/* 6. post-verification arch work */
	if (arch_prepare_handover(p)) {
		pg_fail(p, "hand-over preparation failed");
	}

	/* 7. hand-over */
	pg_print("charon: all %u regions verified; jumping to 0x%llx with",
		 p->nr_regions, (unsigned long long)p->next.entry);
	for (i = 0; arch_reg_names[i]; i++) {
		pg_print(" %s=0x%llx", arch_reg_names[i],
			 (unsigned long long)p->next.regs[i]);
	}
	pg_print("\n");
	arch_boot_next(p);
}

void pg_fail(const struct charon_params *p, const char *why)
{
	uint32_t policy = p->fail_policy;

	/* an invalid block may carry any policy: only known ones count */
	if (p->magic != CHARON_PARAMS_MAGIC) {
		policy = CHARON_FAIL_HALT;
	}
	pg_print("charon: FAILED: %s\n", why);
	pg_print("charon: not booting; failure policy: %s\n",
		 pg_policy_name(policy));
	arch_fail(p, policy);
}
