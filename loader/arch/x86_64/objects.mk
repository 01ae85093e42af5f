# SPDX-License-Identifier: MIT
loader-arch-y += arch/x86_64/bzimage.o arch/x86_64/bootparams.o arch/x86_64/pvh.o arch/x86_64/plan.o arch/x86_64/efi.o arch/x86_64/ops.o
