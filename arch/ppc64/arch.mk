# SPDX-License-Identifier: MIT
# ppc64 target flags, for both ppc64le (ELFv2) and big-endian ppc64 (ELFv1).

ifeq ($(ARCH),ppc64le)
CROSS_COMPILE_DEFAULT := powerpc64le-linux-gnu-
DEB_CROSS_GCC := gcc-powerpc64le-linux-gnu
QEMU_USER := qemu-ppc64le-static
ARCH_CFLAGS := -mlittle-endian -mabi=elfv2
else
CROSS_COMPILE_DEFAULT := powerpc64-linux-gnu-
DEB_CROSS_GCC := gcc-powerpc64-linux-gnu
QEMU_USER := qemu-ppc64-static
ARCH_CFLAGS := -mbig-endian -mabi=elfv1
endif

# No FP, AltiVec or VSX in our code: the MSR bits that enable them are not
# ours to assume at entry.
ARCH_CFLAGS += -mcmodel=medium -msoft-float -mno-altivec -mno-vsx
ARCH_ASFLAGS := $(filter -m%-endian,$(ARCH_CFLAGS)) -Wa,-mregnames
# Address 0 is memory the stub writes (the entry block).  Calls must stay
# direct "bl": with -fno-plt (or function CSE) ELFv1 code calls through
# function descriptors, whose words hold link-time addresses until the
# stub has relocated itself, and pg_relocate() runs before that.
ARCH_CFLAGS += -fno-delete-null-pointer-checks -fno-function-cse -fplt

# newlib has no optimised string routines for ppc64: all generic C.
NEWLIB_MACHINE :=
NEWLIB_ASM :=

# the stub's arch objects (arch/ppc64/)
arch-y := entry.o setup.o
ARCH_RELOC_RELATIVE := R_PPC64_RELATIVE
ARCH_CHECK_STUB := --no-relocs-in .toc
