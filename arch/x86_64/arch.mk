# SPDX-License-Identifier: MIT
# x86_64 target flags.

# The host compiler when the host is x86_64, the cross compiler otherwise.
ifeq ($(shell uname -m),x86_64)
CROSS_COMPILE_DEFAULT :=
else
CROSS_COMPILE_DEFAULT := x86_64-linux-gnu-
endif
DEB_CROSS_GCC := gcc
QEMU_USER :=

# General registers only (the kexec path enters with SSE disabled in CR4),
# no red zone, no CET instrumentation.
ARCH_CFLAGS := -m64 -mgeneral-regs-only -mno-red-zone -fcf-protection=none
ARCH_ASFLAGS := -m64

# newlib's x86_64 memcpy/memset use only general registers and string ops.
NEWLIB_MACHINE := x86_64
NEWLIB_ASM := memcpy memset

# the stub's arch objects (arch/x86_64/)
arch-y := entry.o setup.o
ARCH_RELOC_RELATIVE := R_X86_64_RELATIVE
