// SPDX-License-Identifier: MIT
/*
 * ppc64 hooks: the OPAL and hvterm consoles, failure policy through OPAL,
 * and the post-verification steps of the hand-over: run-at-load, the
 * entry block at 0, the boot CPU in the FDT, cache flushes.
 */
#include <purgatory/arch.h>
#include <purgatory/pg.h>
#include <string.h>

const uint32_t arch_reloc_relative = 22;	/* R_PPC64_RELATIVE */
uint64_t arch_addr_limit = ~0ull;

#define MSR_HV		(1ull << 60)
#define MSR_IR		(1ull << 5)
#define MSR_DR		(1ull << 4)
#define MSR_LE		(1ull << 0)

#define OPAL_CONSOLE_WRITE	1
#define OPAL_CEC_POWER_DOWN	5
#define OPAL_CEC_REBOOT		6
#define OPAL_POLL_EVENTS	10
#define OPAL_SUCCESS		0
#define OPAL_BUSY		(-2)
#define OPAL_BUSY_EVENT		(-12)
#define OPAL_SPIN		1000

#define FDT_MAGIC		0xd00dfeedu
#define FDT_OFF_VERSION		20
#define FDT_OFF_BOOT_CPU	28

#define CACHE_STEP		32	/* no ppc64 CPU has smaller lines */

void ppc64_enter(uint64_t entry, uint64_t r3, uint64_t r4, uint64_t r5,
		 uint64_t r8, uint64_t r9, uint64_t le)
	__attribute__((noreturn));
int64_t ppc64_opal_call(uint64_t token, uint64_t a0, uint64_t a1,
			uint64_t a2, uint64_t base, uint64_t entry);
int64_t ppc64_hcall_put_term_char(uint64_t vtermno, uint64_t len,
				  uint64_t hi, uint64_t lo);
uint64_t ppc64_read_pir(void);

/* written by entry.S: entry path (0 kexec, 1 firmware), r3, r8, r9 */
uint64_t ppc64_entry[4];
#define ENTRY_FIRMWARE	(ppc64_entry[0] == 1)

static uint64_t ppc64_msr;
static uint64_t opal_base, opal_entry;

static uint64_t mfmsr(void)
{
	uint64_t v;

	__asm__ volatile("mfmsr %0" : "=r"(v));
	return v;
}

static uint32_t bswap32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static uint64_t be64(uint64_t v)
{
#ifdef __LITTLE_ENDIAN__
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

static uint32_t be32(uint32_t v)
{
#ifdef __LITTLE_ENDIAN__
	return bswap32(v);
#else
	return v;
#endif
}

const char *arch_init(const struct charon_params *p)
{
	ppc64_msr = mfmsr();
	/* OPAL: the loader's word first, else what firmware passed */
	opal_base = p->next.arch.raw[CHARON_PPC64_OPAL_BASE];
	opal_entry = p->next.arch.raw[CHARON_PPC64_OPAL_ENTRY];
	if ((!opal_base || !opal_entry) && ENTRY_FIRMWARE) {
		opal_base = ppc64_entry[2];
		opal_entry = ppc64_entry[3];
	}
	/* skiboot's tree (r3), for the chainloader */
	pg_boot_arg = ENTRY_FIRMWARE ? ppc64_entry[1] : 0;
	if (ppc64_msr & (MSR_IR | MSR_DR)) {
		return "entered with translation on (MSR IR/DR set); the stub "
		       "needs real mode, as kexec and skiboot leave it";
	}
	return NULL;
}

const char *arch_reg_name(unsigned int i)
{
	switch (i) {
	case 0:
		return "r3";
	case 1:
		return "r4";
	case 2:
		return "r5";
	default:
		return NULL;
	}
}

void arch_describe(char *buf, unsigned int len)
{
	pg_snprint(buf, len, "ppc64 %s, MSR 0x%llx%s, %s entry, OPAL %s",
		   (ppc64_msr & MSR_LE) ? "LE" : "BE",
		   (unsigned long long)ppc64_msr,
		   (ppc64_msr & MSR_HV) ? " (HV)" : "",
		   ENTRY_FIRMWARE ? "firmware" : "kexec",
		   opal_entry ? "present" : "absent");
}

static void opal_poll(void)
{
	ppc64_opal_call(OPAL_POLL_EVENTS, 0, 0, 0, opal_base, opal_entry);
}

int arch_console_putc(const struct charon_console *con, char c)
{
	unsigned int spin;

	if (con->kind == CHARON_CON_OPAL && opal_entry) {
		for (spin = 0; spin < OPAL_SPIN; spin++) {
			uint64_t len = be64(1);	/* OPAL reads it big-endian */
			int64_t rc;

			rc = ppc64_opal_call(OPAL_CONSOLE_WRITE, con->base,
					     (uint64_t)(uintptr_t)&len,
					     (uint64_t)(uintptr_t)&c,
					     opal_base, opal_entry);
			if (rc == OPAL_SUCCESS && be64(len) == 1) {
				return 0;
			}
			if (rc != OPAL_SUCCESS && rc != OPAL_BUSY &&
			    rc != OPAL_BUSY_EVENT) {
				return -1;
			}
			opal_poll();
		}
		return -1;
	}
	if (con->kind == CHARON_CON_HVTERM) {
		ppc64_hcall_put_term_char(con->base, 1,
					  (uint64_t)(uint8_t)c << 56, 0);
		return 0;
	}
	return -1;
}

void arch_fail(const struct charon_params *p, uint32_t policy)
{
	(void)p;
	if (opal_entry) {
		switch (policy) {
		case CHARON_FAIL_RESET:
			ppc64_opal_call(OPAL_CEC_REBOOT, 0, 0, 0, opal_base,
					opal_entry);
			break;
		case CHARON_FAIL_POWEROFF:
		case CHARON_FAIL_TEST_EXIT:
			ppc64_opal_call(OPAL_CEC_POWER_DOWN, 0, 0, 0,
					opal_base, opal_entry);
			break;
		default:
			break;
		}
		/* the request completes while OPAL is polled */
		if (policy != CHARON_FAIL_HALT) {
			for (;;) {
				opal_poll();
			}
		}
	} else if (policy != CHARON_FAIL_HALT) {
		pg_print("charon: no OPAL to reset or power off with; "
			 "halting\n");
	}
	for (;;) {
		__asm__ volatile("" : : : "memory");
	}
}

/* write back [start, start + len) and drop it from the i-cache */
static void flush_range(uint64_t start, uint64_t len)
{
	uint64_t p, end = start + len;

	for (p = start & ~(uint64_t)(CACHE_STEP - 1); p < end; p += CACHE_STEP) {
		__asm__ volatile("dcbst 0, %0" : : "r"(p) : "memory");
	}
	__asm__ volatile("sync" : : : "memory");
	for (p = start & ~(uint64_t)(CACHE_STEP - 1); p < end; p += CACHE_STEP) {
		__asm__ volatile("icbi 0, %0" : : "r"(p) : "memory");
	}
	__asm__ volatile("sync; isync" : : : "memory");
}

/* a 32-bit word in the kernel's byte order */
static uint32_t kernel_word(uint32_t v, int kernel_le)
{
#ifdef __LITTLE_ENDIAN__
	return kernel_le ? v : bswap32(v);
#else
	return kernel_le ? bswap32(v) : v;
#endif
}

/*
 * The flags word, and every address the hand-over writes: the kernel's
 * "run0" word (in the region holding the kernel base), the FDT header's
 * boot CPU (in the region holding the tree), and on a firmware entry the
 * 256-byte block at 0 (outside every region and the stub).
 */
int arch_check_params(const struct charon_params *p)
{
	uint64_t flags = p->next.arch.raw[CHARON_PPC64_FLAGS];
	uint64_t base = p->next.regs[1];
	uint64_t fdt = p->next.regs[0];
	uint64_t bdst = p->next.arch.raw[CHARON_PPC64_BACKUP_DST];
	uint64_t blen = p->next.arch.raw[CHARON_PPC64_BACKUP_LEN_IDX];
	int r;

	if (flags & ~(uint64_t)(CHARON_PPC64_F_KERNEL_LE |
				CHARON_PPC64_F_RUN_AT_LOAD)) {
		pg_print("charon: params: next.arch[%u] flags 0x%llx has "
			 "unknown bits\n", CHARON_PPC64_FLAGS,
			 (unsigned long long)flags);
		return -PG_EPARAMS;
	}
	if ((flags & CHARON_PPC64_F_RUN_AT_LOAD) &&
	    pg_region_holding(p, base + CHARON_PPC64_RUN_AT_LOAD, 4) < 0) {
		pg_print("charon: params: run-at-load writes the kernel's word "
			 "at 0x%llx (r4 0x%llx + 0x%x), which is in no region\n",
			 (unsigned long long)(base + CHARON_PPC64_RUN_AT_LOAD),
			 (unsigned long long)base, CHARON_PPC64_RUN_AT_LOAD);
		return -PG_EPARAMS;
	}
	if (pg_region_holding(p, fdt, FDT_OFF_BOOT_CPU + 4) < 0 &&
	    !pg_chain_room_holds(p, fdt, FDT_OFF_BOOT_CPU + 4)) {
		pg_print("charon: params: r3 0x%llx: the FDT header the stub "
			 "writes the boot CPU into is in no region\n",
			 (unsigned long long)fdt);
		return -PG_EPARAMS;
	}
	/* kdump: the copy of [0, len) must change no verified byte */
	if (blen) {
		if (blen > CHARON_PPC64_BACKUP_LEN || bdst < blen ||
		    bdst + blen < bdst) {
			pg_print("charon: params: backup of [0, 0x%llx) to "
				 "0x%llx: expected at most 0x%x bytes, the "
				 "copy after its source, no wrap\n",
				 (unsigned long long)blen,
				 (unsigned long long)bdst,
				 CHARON_PPC64_BACKUP_LEN);
			return -PG_EPARAMS;
		}
		r = pg_region_overlapping(p, bdst, blen);
		if (r >= 0 || pg_overlaps_stub(bdst, blen)) {
			pg_print("charon: params: backup destination [0x%llx, "
				 "0x%llx) overlaps %s\n",
				 (unsigned long long)bdst,
				 (unsigned long long)(bdst + blen),
				 r >= 0 ? "a verified region" : "the stub");
			return -PG_EPARAMS;
		}
	}
	r = pg_region_overlapping(p, 0, CHARON_PPC64_BLOCK_SIZE);
	if (ENTRY_FIRMWARE &&
	    (r >= 0 || pg_overlaps_stub(0, CHARON_PPC64_BLOCK_SIZE))) {
		pg_print("charon: params: the entry block the stub copies to "
			 "[0, 0x%x) would overwrite %s\n",
			 CHARON_PPC64_BLOCK_SIZE,
			 r >= 0 ? "a verified region" : "the stub");
		return -PG_EPARAMS;
	}
	return 0;
}

void arch_pre_verify(const struct charon_params *p)
{
	/* real-mode accesses are cache-coherent with the previous owner's */
	(void)p;
}

int arch_prepare_handover(const struct charon_params *p)
{
	uint64_t flags = p->next.arch.raw[CHARON_PPC64_FLAGS];
	int kernel_le = !!(flags & CHARON_PPC64_F_KERNEL_LE);
	uint64_t base = p->next.regs[1];
	uint64_t fdt = p->next.regs[0];
	volatile uint32_t *kw = (volatile uint32_t *)(uintptr_t)
		(base + CHARON_PPC64_RUN_AT_LOAD);
	uintptr_t self = (uintptr_t)_stub_start;
	uint32_t *bw;
	const volatile uint32_t *fw = (const volatile uint32_t *)(uintptr_t)fdt;
	uint32_t cpu;
	unsigned int i;

	/*
	 * _stub_start + 0x5c as a constant would be a TOC entry, which
	 * needs relocating; scripts/check-stub refuses those
	 */
	__asm__("" : "+r"(self));
	bw = (uint32_t *)(self + CHARON_PPC64_RUN_AT_LOAD);

	/* 1. run-at-load, only for a kernel that says it can ("run0") */
	if (flags & CHARON_PPC64_F_RUN_AT_LOAD) {
		uint32_t v = kernel_word(*kw, kernel_le);

		if (v != CHARON_PPC64_RUN0) {
			pg_print("charon: run-at-load requested, but the kernel "
				 "at 0x%llx has 0x%08x at +0x%x, not \"run0\" "
				 "(0x%08x): it cannot run at its load address\n",
				 (unsigned long long)base, v,
				 CHARON_PPC64_RUN_AT_LOAD, CHARON_PPC64_RUN0);
			return -PG_EPARAMS;
		}
		*kw = kernel_word(1, kernel_le);
		/* 2. the entry block carries the same value */
		*bw = kernel_word(1, kernel_le);
		pg_print("charon: run-at-load: 1 written at 0x%llx and in the "
			 "entry block\n",
			 (unsigned long long)(base + CHARON_PPC64_RUN_AT_LOAD));
	}

	/*
	 * kdump: the crashed kernel's first bytes, before the dump kernel's
	 * vectors go there (Linux already put the entry block at 0)
	 */
	if (p->next.arch.raw[CHARON_PPC64_BACKUP_LEN_IDX]) {
		uint64_t dst = p->next.arch.raw[CHARON_PPC64_BACKUP_DST];
		uint64_t len = p->next.arch.raw[CHARON_PPC64_BACKUP_LEN_IDX];
		uintptr_t zero = 0;

		__asm__("" : "+r"(zero));
		memcpy((void *)(uintptr_t)dst, (const void *)zero, len);
		flush_range(dst, len);
		pg_print("charon: kdump backup: 0x%llx bytes from 0 to 0x%llx\n",
			 (unsigned long long)len, (unsigned long long)dst);
	}

	/* 3. the block at 0, unless the old kernel put it there (kexec) */
	if (ENTRY_FIRMWARE) {
		uintptr_t zero = 0;

		/* address 0 is memory here: keep the compiler from knowing */
		__asm__("" : "+r"(zero));
		memcpy((void *)zero, _stub_start, CHARON_PPC64_BLOCK_SIZE);
		flush_range(0, CHARON_PPC64_BLOCK_SIZE);
	}

	/* 4. the boot CPU in the FDT header (version >= 2) */
	cpu = ENTRY_FIRMWARE ? (uint32_t)ppc64_read_pir() :
			       (uint32_t)ppc64_entry[1];
	if (be32(fw[0]) == FDT_MAGIC &&
	    be32(fw[FDT_OFF_VERSION / 4]) >= 2) {
		((volatile uint32_t *)(uintptr_t)fdt)[FDT_OFF_BOOT_CPU / 4] =
			be32(cpu);
	} else {
		pg_print("charon: r3 0x%llx is not an FDT of version >= 2; boot "
			 "CPU not recorded\n", (unsigned long long)fdt);
	}

	/* 5. everything written or loaded reaches memory and the i-cache */
	for (i = 0; i < p->nr_regions; i++) {
		flush_range(p->regions[i].start, p->regions[i].len);
	}
	return 0;
}

void arch_boot_next(const struct charon_params *p)
{
	uint64_t le = (p->next.arch.raw[CHARON_PPC64_FLAGS] &
		       CHARON_PPC64_F_KERNEL_LE) ? MSR_LE : 0;

	ppc64_enter(p->next.entry, p->next.regs[0], p->next.regs[1],
		    p->next.regs[2], opal_base, opal_entry, le);
}
