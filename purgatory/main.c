// SPDX-License-Identifier: MIT
/*
 * The boot flow, in the order of docs/boot-flow.md:
 *
 *   1. entry code (arch/<arch>/entry.S): interrupts masked, own load address
 *      found PC-relatively, stack set, bss cleared, own .rela.dyn applied;
 *   2. arch early set-up; the console, once the block's header is right;
 *   3. parameter block validated, the arch's checks included: every
 *      address the stub will write to later is allowed here or refused;
 *   4. chainloader mode (the block has a chain descriptor): the device
 *      tree, every destination checked against it, the copies; then the
 *      arch's pre-verification work (arm, arm64: clean+invalidate to PoC);
 *   5. every region's SHA-256 verified; chainloader mode: the kernel's
 *      tree gets the verified command line and the initrd;
 *   6. post-verification arch work;
 *   7. hand-over to the next kernel.
 *
 * Any failure ends in pg_fail(): one message, then the failure policy.
 * Until the stub knows its own relocation worked, nothing here reads a data
 * pointer: string literals are reached PC-relatively, tables are not used.
 */
#include <lib/errors.h>
#include <lib/rela.h>
#include <purgatory/arch.h>
#include <purgatory/pg.h>

/* the parameter block, all zero until a loader patches the image */
struct charon_params pg_params __attribute__((section(".charon.params")));

/* the entry register that may hold a device tree (chainloader mode) */
uint64_t pg_boot_arg;

/* a switch, not a table: a table of pointers needs relocating */
static const char *pg_policy_name(uint32_t policy)
{
	switch (policy) {
	case CHARON_FAIL_HALT:
		return "halt";
	case CHARON_FAIL_RESET:
		return "reset";
	case CHARON_FAIL_POWEROFF:
		return "power off";
	case CHARON_FAIL_TEST_EXIT:
		return "test exit";
	default:
		return "halt (unknown policy)";
	}
}

/* 1. the stub's own relocation failed: say where, with no data pointer */
static void __attribute__((noreturn))
pg_reloc_failed(const struct charon_params *p, int status)
{
	pg_print("charon: .rela.dyn entry %u at 0x%llx: type %u is %s\n",
		 (unsigned int)pg_reloc_error.index,
		 (unsigned long long)pg_reloc_error.r_offset,
		 pg_reloc_error.type,
		 status == -LIB_ENOTSUP ? "not RELATIVE" : "outside the image");
	pg_fail(p, "own relocation failed");
}

void pg_main(uint64_t load_addr, int reloc_status)
{
	const struct charon_params *p = &pg_params;
	const char *why, *reg;
	uint64_t got, want;
	char state[96];
	unsigned int i;

	/* 2. arch early set-up, then the console the loader described */
	why = arch_init(p);
	if (pg_params_header_ok(p)) {
		pg_console_init(&p->console);
	}
	pg_chain_console(p);
	if (reloc_status) {
		pg_reloc_failed(p, reloc_status);
	}
	if (pg_reloc_check(&got, &want)) {
		pg_print("charon: own relocation did not take: a pointer reads "
			 "0x%llx, its target is at 0x%llx\n",
			 (unsigned long long)got, (unsigned long long)want);
		pg_fail(p, "own relocation failed");
	}
	if (why) {
		pg_fail(p, why);
	}
	arch_describe(state, sizeof(state));
	pg_print("charon: stub at 0x%llx-0x%llx, %s\n",
		 (unsigned long long)load_addr,
		 (unsigned long long)load_addr +
			 (unsigned long long)(_stub_end - _stub_start),
		 state);

	/* 3. nothing is trusted before the block is */
	if (pg_check_params(p)) {
		pg_fail(p, "malformed parameter block");
	}
	pg_print("charon: %u regions, entry 0x%llx, on failure: %s\n",
		 p->nr_regions, (unsigned long long)p->next.entry,
		 pg_policy_name(p->fail_policy));

	/* 4. chainloader mode; no stale line may survive the hashing */
	if (p->chain_offset && pg_chainload(p)) {
		pg_fail(p, "chainloader: refusing to copy the payloads");
	}
	arch_pre_verify(p);

	/* 5. verify; then the chainloader's tree gets what was verified */
	if (pg_verify_regions(p)) {
		pg_fail(p, "refusing to boot an image that failed verification");
	}
	if (p->chain_offset && pg_chain_boot_data(p)) {
		pg_fail(p, "chainloader: the kernel's boot data");
	}

	/* 6. post-verification arch work */
	if (arch_prepare_handover(p)) {
		pg_fail(p, "hand-over preparation failed");
	}

	/* 7. hand-over */
	pg_print("charon: all %u regions verified; jumping to 0x%llx with",
		 p->nr_regions, (unsigned long long)p->next.entry);
	for (i = 0; (reg = arch_reg_name(i)); i++) {
		pg_print(" %s=0x%llx", reg,
			 (unsigned long long)p->next.regs[i]);
	}
	pg_print("\n");
	arch_boot_next(p);
}

void pg_fail(const struct charon_params *p, const char *why)
{
	uint32_t policy = p->fail_policy;

	/* an invalid block may carry any policy: only known ones count */
	if (!pg_params_header_ok(p)) {
		policy = CHARON_FAIL_HALT;
	}
	pg_print("charon: FAILED: %s\n", why);
	pg_print("charon: not booting; failure policy: %s\n",
		 pg_policy_name(policy));
	arch_fail(p, policy);
}
