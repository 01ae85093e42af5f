# SPDX-License-Identifier: MIT
# arm (32-bit, ARMv7-A, little-endian) target flags.

CROSS_COMPILE_DEFAULT := arm-linux-gnueabihf-
DEB_CROSS_GCC := gcc-arm-linux-gnueabihf
QEMU_USER := qemu-arm-static

# ARM state, no VFP/NEON in our code (the hard-float ABI is kept so the
# objects also link into the cross-built unit tests), and no unaligned
# accesses: with the MMU off memory is Strongly-ordered and an unaligned
# access faults.
ARCH_CFLAGS := -march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard -marm \
	-mgeneral-regs-only -mno-unaligned-access
ARCH_ASFLAGS := -march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard -marm

# newlib's ARM routines that need neither NEON nor unaligned accesses.
# Its memcpy.S assembles to nothing without __ARM_FEATURE_UNALIGNED (the
# ARMv7-A variant relies on unaligned loads), so memcpy comes from newlib's
# generic C here; scripts/check-undefined catches such gaps.
NEWLIB_MACHINE := arm
NEWLIB_ASM := memchr strlen strcmp

# the stub's arch objects (arch/arm/) and its relocation format: the ARM
# ELF ABI uses REL (.rel.dyn, addends in place), so lib/rela's rel32 engine
arch-y := entry.o setup.o
ARCH_RELOC_RELATIVE := R_ARM_RELATIVE
ARCH_RELOC_FORMAT := rel32
