// SPDX-License-Identifier: MIT
/*
 * arm64 hooks: state checks at entry, failure policy (PSCI, semihosting),
 * cache maintenance and the hand-over.
 */
#include <purgatory/arch.h>
#include <purgatory/pg.h>
#include "../psci/psci.h"

uint64_t arch_addr_limit = ~0ull;
const uint32_t arch_reloc_relative = 1027;	/* R_AARCH64_RELATIVE */

#define SCTLR_M		(1ull << 0)	/* MMU */
#define SCTLR_C		(1ull << 2)	/* data cache */
#define SCTLR_I		(1ull << 12)	/* instruction cache */


void arm64_enter(uint64_t entry, uint64_t x0, uint64_t x1, uint64_t x2,
		 uint64_t x3) __attribute__((noreturn));

static unsigned int arm64_el;
static uint64_t arm64_sctlr;

#define read_sysreg(r) ({						\
	uint64_t __v;							\
	__asm__ volatile("mrs %0, " #r : "=r"(__v));			\
	__v;								\
})

const char *arch_init(const struct charon_params *p)
{
	(void)p;
	arm64_el = (unsigned int)(read_sysreg(CurrentEL) >> 2) & 3;
	switch (arm64_el) {
	case 2:
		arm64_sctlr = read_sysreg(sctlr_el2);
		break;
	case 1:
		arm64_sctlr = read_sysreg(sctlr_el1);
		break;
	default:
		return "entered at EL3 or EL0: the next kernel must be "
		       "entered at EL2 or EL1 (booting.rst)";
	}
	if (arm64_sctlr & SCTLR_M) {
		return "entered with the MMU on (SCTLR_ELx.M = 1); the stub "
		       "needs the MMU off, as kexec and booti leave it";
	}
	return NULL;
}

const char *arch_reg_name(unsigned int i)
{
	switch (i) {
	case 0:
		return "x0";
	case 1:
		return "x1";
	case 2:
		return "x2";
	case 3:
		return "x3";
	default:
		return NULL;
	}
}

int arch_check_params(const struct charon_params *p)
{
	/* the stub writes nothing but its own bss after verification */
	(void)p;
	return 0;
}

void arch_describe(char *buf, unsigned int len)
{
	pg_snprint(buf, len, "arm64 EL%u, SCTLR_EL%u 0x%llx", arm64_el,
		   arm64_el, (unsigned long long)arm64_sctlr);
}

int arch_console_putc(const struct charon_console *con, char c)
{
	(void)con;
	(void)c;
	return -1;
}

void arch_fail(const struct charon_params *p, uint32_t policy)
{
	psci_fail(p, policy);
}

/*
 * Clean and invalidate [start, start + len) to the point of coherency, by
 * VA (never set/way): a dirty line the previous owner left is written
 * back now, before the bytes are hashed, and none stays to be written
 * back over them later.
 */
static void arm64_civac(uint64_t start, uint64_t len)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	uint64_t line = 4ull << ((ctr >> 16) & 0xf);	/* DminLine, words */
	uint64_t p = start & ~(line - 1);

	for (; p < start + len; p += line) {
		__asm__ volatile("dc civac, %0" : : "r"(p) : "memory");
	}
}

void arch_pre_verify(const struct charon_params *p)
{
	unsigned int i;

	for (i = 0; i < p->nr_regions; i++) {
		arm64_civac(p->regions[i].start, p->regions[i].len);
	}
	__asm__ volatile("dsb sy" : : : "memory");
}

int arch_prepare_handover(const struct charon_params *p)
{
	/* the regions were cleaned before hashing and not written since */
	(void)p;
	__asm__ volatile("dsb sy\n\tic iallu\n\tdsb sy\n\tisb" : : : "memory");
	return 0;
}

void arch_boot_next(const struct charon_params *p)
{
	arm64_enter(p->next.entry, p->next.regs[0], p->next.regs[1],
		    p->next.regs[2], p->next.regs[3]);
}
