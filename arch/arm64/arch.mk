# SPDX-License-Identifier: MIT
# arm64 (AArch64, little-endian) target flags.

CROSS_COMPILE_DEFAULT := aarch64-linux-gnu-
DEB_CROSS_GCC := gcc-aarch64-linux-gnu
QEMU_USER := qemu-aarch64-static

# No FP/SIMD in our code (the kexec path may enter with FP traps enabled);
# -mstrict-align because with the MMU off all memory is Device memory, where
# an unaligned access faults on hardware (QEMU does not model that).
ARCH_CFLAGS := -mgeneral-regs-only -mstrict-align -mcmodel=small
ARCH_ASFLAGS :=

# newlib's AArch64 routines where they are safe with the MMU off.  Its memset
# zeroes with DC ZVA and stores q registers: DC ZVA faults on Device memory
# and q registers need FP enabled, so memset comes from newlib's generic C;
# its memchr uses NEON (v registers), so memchr does too.  check-stub's
# --no-simd refuses any FP/SIMD register in the linked stub.
NEWLIB_MACHINE := aarch64
NEWLIB_ASM := memcpy memmove memcmp strlen strnlen strcmp strncmp

# the stub's arch objects (arch/arm64/) and the linker script's values
arch-y := entry.o setup.o
ARCH_RELOC_RELATIVE := R_AARCH64_RELATIVE
ARCH_CHECK_STUB = --no-simd $(CROSS_COMPILE)objdump
