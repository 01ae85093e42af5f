// SPDX-License-Identifier: MIT
/*
 * What the stub's validator (purgatory/verify.c, with x86_64's
 * arch_check_params() from arch/x86_64/setup.c and the console from
 * purgatory/console.c) needs from the rest of the stub when it is built
 * for the host: the linker script's extent symbols and x86_64's entry.S
 * routines.  No part of the validator is replaced.
 *
 * The stub's extent: 16 KiB of file and 8 KiB of bss/stack, at a host
 * address (nothing reads there: the validator only compares addresses).
 */
#include <stdint.h>
#include <stdlib.h>

__asm__(".section .bss\n"
	".balign 4096\n"
	".globl _stub_start\n_stub_start:\n.globl _head\n_head:\n"
	".space 0x4000\n"
	".globl _stub_file_end\n_stub_file_end:\n"
	".space 0x2000\n"
	".globl _stub_end\n_stub_end:\n"
	".space 16\n"
	".previous\n");

/* entry.S: port I/O (the 16550's LSR reads "transmitter empty") */
void x86_outl(uint32_t port, uint32_t v);
void x86_outb(uint32_t port, uint32_t v);
uint32_t x86_inb(uint32_t port);
void x86_enter64(uint64_t entry, uint64_t boot_params);
void x86_enter32(uint64_t entry, uint64_t boot_params);

void x86_outl(uint32_t port, uint32_t v)
{
	(void)port;
	(void)v;
}

void x86_outb(uint32_t port, uint32_t v)
{
	(void)port;
	(void)v;
}

uint32_t x86_inb(uint32_t port)
{
	(void)port;
	return 0x20;
}

/* never reached from the validator */
void x86_enter64(uint64_t entry, uint64_t boot_params)
{
	(void)entry;
	(void)boot_params;
	abort();
}

void x86_enter32(uint64_t entry, uint64_t boot_params)
{
	(void)entry;
	(void)boot_params;
	abort();
}
