// SPDX-License-Identifier: MIT
/*
 * x86_64 hooks: the I/O-port 16550 console, failure policy (halt, reset,
 * QEMU's isa-debug-exit), the kdump backup copy and the hand-over by the
 * 64-bit or the 32-bit boot protocol.
 */
#include <lib/sha256.h>
#include <purgatory/arch.h>
#include <purgatory/pg.h>
#include <string.h>

const uint32_t arch_reloc_relative = 8;	/* R_X86_64_RELATIVE */
uint64_t arch_addr_limit = ~0ull;

#define SZ_4G		0x100000000ull

#define COM_THR		0
#define COM_LSR		5
#define COM_LSR_THRE	(1u << 5)
#define UART_SPIN	100000

#define DEBUG_EXIT_PORT	0xf4	/* QEMU isa-debug-exit, the usual iobase */
#define RESET_CF9	0xcf9	/* PCI reset control register */
#define KBC_CMD		0x64	/* 8042: 0xfe pulses the reset line */

void x86_enter64(uint64_t entry, uint64_t boot_params)
	__attribute__((noreturn));
void x86_enter32(uint64_t entry, uint64_t boot_params)
	__attribute__((noreturn));
void x86_outl(uint32_t port, uint32_t v);
void x86_outb(uint32_t port, uint32_t v);
uint32_t x86_inb(uint32_t port);

extern const char _head[];
uint32_t x86_entry_path;	/* written by entry.S: 0 kexec, 1 PVH */


static uint64_t read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static uint64_t read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

const char *arch_init(const struct charon_params *p)
{
	(void)p;
	/* on our own map only the first 4 GiB exist */
	if (x86_entry_path == 1) {
		arch_addr_limit = SZ_4G - 1;
	}
	return NULL;
}

const char *arch_reg_name(unsigned int i)
{
	return i == 0 ? "rsi" : NULL;
}

void arch_describe(char *buf, unsigned int len)
{
	pg_snprint(buf, len, "x86_64 long mode via the %s entry, CR0 0x%llx, "
		   "CR4 0x%llx, SHA-256: %s",
		   x86_entry_path ? "PVH" : "kexec",
		   (unsigned long long)read_cr0(),
		   (unsigned long long)read_cr4(), sha256_impl_name());
}

int arch_console_putc(const struct charon_console *con, char c)
{
	unsigned int spin = UART_SPIN;
	uint32_t base = (uint32_t)con->base;

	if (con->kind != CHARON_CON_NS16550_IO || con->base > 0xfff8) {
		return -1;
	}
	while (!(x86_inb(base + COM_LSR) & COM_LSR_THRE) && --spin) {
	}
	x86_outb(base + COM_THR, (uint8_t)c);
	return 0;
}

void arch_fail(const struct charon_params *p, uint32_t policy)
{
	uint64_t port = p->next.arch.raw[CHARON_X86_EXIT_PORT];

	switch (policy) {
	case CHARON_FAIL_TEST_EXIT:
		if (port == 0 || port > 0xfffc) {
			port = DEBUG_EXIT_PORT;
		}
		x86_outl((uint32_t)port, 0);	/* QEMU exits with status 1 */
		pg_print("charon: no isa-debug-exit at port 0x%x; halting\n",
			 (unsigned int)port);
		break;
	case CHARON_FAIL_RESET:
		x86_outb(RESET_CF9, 0x02);
		x86_outb(RESET_CF9, 0x06);	/* hard reset */
		x86_outb(KBC_CMD, 0xfe);
		pg_print("charon: reset did not happen; halting\n");
		break;
	case CHARON_FAIL_POWEROFF:
		/* needs ACPI (FADT PM1a_CNT, \_S5): not in the stub */
		pg_print("charon: no power-off on x86_64; halting\n");
		break;
	default:
		break;
	}
	for (;;) {
		__asm__ volatile("cli; hlt");
	}
}

/*
 * The entry mode, what the 32-bit protocol needs below 4 GiB, and the
 * kdump backup region: the copy is the one write after verification, so
 * its destination may overlap neither the stub nor any verified region.
 */
int arch_check_params(const struct charon_params *p)
{
	const uint64_t *a = p->next.arch.raw;
	uint64_t src = a[CHARON_X86_BACKUP_SRC];
	uint64_t dst = a[CHARON_X86_BACKUP_DST];
	uint64_t len = a[CHARON_X86_BACKUP_LEN];
	uint64_t self_end = (uint64_t)(uintptr_t)_stub_end;
	int r;

	if (a[CHARON_X86_ENTRY_MODE] > CHARON_X86_ENTRY_32) {
		pg_print("charon: params: next.arch[%u] entry mode is %llu, "
			 "expected 0 (64-bit) or 1 (32-bit)\n",
			 CHARON_X86_ENTRY_MODE,
			 (unsigned long long)a[CHARON_X86_ENTRY_MODE]);
		return -PG_EPARAMS;
	}
	if (a[CHARON_X86_ENTRY_MODE] == CHARON_X86_ENTRY_32 &&
	    (self_end > SZ_4G || p->next.entry >= SZ_4G ||
	     p->next.regs[0] >= SZ_4G)) {
		pg_print("charon: the 32-bit boot protocol needs the stub, the "
			 "entry 0x%llx and boot_params 0x%llx below 4 GiB\n",
			 (unsigned long long)p->next.entry,
			 (unsigned long long)p->next.regs[0]);
		return -PG_EPARAMS;
	}
	if (!len) {
		return 0;
	}
	if (src + len < src || dst + len < dst ||
	    src + len - 1 > arch_addr_limit ||
	    dst + len - 1 > arch_addr_limit) {
		pg_print("charon: params: backup region src 0x%llx dst 0x%llx "
			 "len 0x%llx wraps or is beyond 0x%llx\n",
			 (unsigned long long)src, (unsigned long long)dst,
			 (unsigned long long)len,
			 (unsigned long long)arch_addr_limit);
		return -PG_EPARAMS;
	}
	if (pg_overlaps_stub(dst, len) ||
	    (src < dst + len && dst < src + len)) {
		pg_print("charon: params: backup region destination [0x%llx, "
			 "0x%llx) overlaps %s\n", (unsigned long long)dst,
			 (unsigned long long)(dst + len),
			 pg_overlaps_stub(dst, len) ? "the stub" :
			 "its own source");
		return -PG_EPARAMS;
	}
	r = pg_region_overlapping(p, dst, len);
	if (r >= 0) {
		pg_print("charon: params: backup region destination [0x%llx, "
			 "0x%llx) overlaps region %d [0x%llx, 0x%llx): the copy "
			 "would change verified bytes\n",
			 (unsigned long long)dst,
			 (unsigned long long)(dst + len), r,
			 (unsigned long long)p->regions[r].start,
			 (unsigned long long)(p->regions[r].start +
					      p->regions[r].len));
		return -PG_EPARAMS;
	}
	return 0;
}

void arch_pre_verify(const struct charon_params *p)
{
	/* x86 caches are coherent with what the previous owner wrote */
	(void)p;
}

/* kdump: save the low memory the crash kernel will run over */
int arch_prepare_handover(const struct charon_params *p)
{
	const uint64_t *a = p->next.arch.raw;
	uint64_t src = a[CHARON_X86_BACKUP_SRC];
	uint64_t dst = a[CHARON_X86_BACKUP_DST];
	uint64_t len = a[CHARON_X86_BACKUP_LEN];

	if (!len) {
		return 0;
	}
	memmove((void *)(uintptr_t)dst, (const void *)(uintptr_t)src,
		(size_t)len);
	pg_print("charon: backup region 0x%llx+0x%llx copied to 0x%llx\n",
		 (unsigned long long)src, (unsigned long long)len,
		 (unsigned long long)dst);
	return 0;
}

void arch_boot_next(const struct charon_params *p)
{
	if (p->next.arch.raw[CHARON_X86_ENTRY_MODE] == CHARON_X86_ENTRY_32) {
		x86_enter32(p->next.entry, p->next.regs[0]);
	}
	x86_enter64(p->next.entry, p->next.regs[0]);
}
