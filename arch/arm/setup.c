// SPDX-License-Identifier: MIT
/*
 * arm (32-bit) hooks: state checks at entry, failure policy (PSCI,
 * semihosting), cache maintenance and the hand-over.
 */
#include <purgatory/arch.h>
#include <purgatory/pg.h>
#include "../psci/psci.h"

uint64_t arch_addr_limit = 0xffffffffull;
const uint32_t arch_reloc_relative = 23;	/* R_ARM_RELATIVE */

#define PSR_MODE_MASK	0x1fu
#define PSR_MODE_SVC	0x13u
#define PSR_MODE_HYP	0x1au

#define SCTLR_M		(1u << 0)	/* MMU */
#define SCTLR_C		(1u << 2)	/* data cache */
#define SCTLR_I		(1u << 12)	/* instruction cache */


void arm_enter(uint32_t entry, uint32_t r0, uint32_t r1, uint32_t r2)
	__attribute__((noreturn));

uint32_t arm_entry_cpsr;	/* written by entry.S */
static uint32_t arm_sctlr;

static int arm_hyp(void)
{
	return (arm_entry_cpsr & PSR_MODE_MASK) == PSR_MODE_HYP;
}

/* SCTLR of the mode we run in: HSCTLR in HYP, SCTLR in SVC */
static uint32_t arm_read_sctlr(void)
{
	uint32_t v;

	if (arm_hyp()) {
		__asm__ volatile("mrc p15, 4, %0, c1, c0, 0" : "=r"(v));
	} else {
		__asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(v));
	}
	return v;
}

static void arm_write_sctlr(uint32_t v)
{
	if (arm_hyp()) {
		__asm__ volatile("mcr p15, 4, %0, c1, c0, 0\n\tisb"
				 : : "r"(v) : "memory");
	} else {
		__asm__ volatile("mcr p15, 0, %0, c1, c0, 0\n\tisb"
				 : : "r"(v) : "memory");
	}
}

static const char *arm_mode_name(uint32_t cpsr)
{
	switch (cpsr & PSR_MODE_MASK) {
	case PSR_MODE_SVC:
		return "SVC";
	case PSR_MODE_HYP:
		return "HYP";
	default:
		return "unsupported";
	}
}

const char *arch_init(const struct charon_params *p)
{
	uint32_t mode = arm_entry_cpsr & PSR_MODE_MASK;

	(void)p;
	if (mode != PSR_MODE_SVC && mode != PSR_MODE_HYP) {
		return "entered in a mode other than SVC or HYP; the next "
		       "kernel must be entered in one of them (booting.rst)";
	}
	arm_sctlr = arm_read_sctlr();
	if (arm_sctlr & SCTLR_M) {
		return "entered with the MMU on (SCTLR.M = 1); the stub needs "
		       "the MMU off, as kexec and bootz leave it";
	}
	return NULL;
}

const char *arch_reg_name(unsigned int i)
{
	switch (i) {
	case 0:
		return "r0";
	case 1:
		return "r1";
	case 2:
		return "r2";
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
	pg_snprint(buf, len, "arm %s mode, CPSR 0x%x, %sSCTLR 0x%x",
		   arm_mode_name(arm_entry_cpsr), arm_entry_cpsr,
		   arm_hyp() ? "H" : "", arm_sctlr);
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
 * Clean and invalidate [start, start + len) to the point of coherency by
 * VA (DCCIMVAC; never set/way).
 */
static void arm_civac(uint32_t start, uint32_t len)
{
	uint32_t ctr, line, p;

	__asm__ volatile("mrc p15, 0, %0, c0, c0, 1" : "=r"(ctr));
	line = 4u << ((ctr >> 16) & 0xf);	/* DminLine, in words */
	for (p = start & ~(line - 1); p - start < len || p < start;
	     p += line) {
		__asm__ volatile("mcr p15, 0, %0, c7, c14, 1"
				 : : "r"(p) : "memory");
		if (p + line < p) {
			break;		/* the last line of the address space */
		}
	}
}

/*
 * With the MMU off data accesses do not allocate in the cache, but lines
 * the previous owner left may still be dirty: write them back and drop
 * them before the bytes are hashed, so none is written back over them
 * later.  The regions were checked to lie below 4 GiB.
 */
void arch_pre_verify(const struct charon_params *p)
{
	unsigned int i;

	for (i = 0; i < p->nr_regions; i++) {
		arm_civac((uint32_t)p->regions[i].start,
			  (uint32_t)p->regions[i].len);
	}
	__asm__ volatile("dsb sy" : : : "memory");
}

int arch_prepare_handover(const struct charon_params *p)
{
	/* the regions were cleaned before hashing: the D-cache off, for
	 * the kernel */
	(void)p;
	arm_write_sctlr(arm_read_sctlr() & ~SCTLR_C);
	/* ICIALLU and BPIALL: invalidate I-cache and branch predictor */
	__asm__ volatile("mcr p15, 0, %0, c7, c5, 0\n\t"
			 "mcr p15, 0, %0, c7, c5, 6\n\t"
			 "dsb sy\n\tisb" : : "r"(0) : "memory");
	return 0;
}

/*
 * libgcc's 64-bit division (the number printing) calls these on a zero
 * divisor; its own versions raise a signal.  Ours give 0, as the run-time
 * ABI allows; no caller divides by zero.
 */
int __aeabi_idiv0(int r);
long long __aeabi_ldiv0(long long r);

int __aeabi_idiv0(int r)
{
	(void)r;
	return 0;
}

long long __aeabi_ldiv0(long long r)
{
	(void)r;
	return 0;
}

void arch_boot_next(const struct charon_params *p)
{
	arm_enter((uint32_t)p->next.entry, (uint32_t)p->next.regs[0],
		  (uint32_t)p->next.regs[1], (uint32_t)p->next.regs[2]);
}
