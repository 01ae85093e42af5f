# SPDX-License-Identifier: MIT
loader-arch-y += arch/ppc64/vmlinux.o arch/ppc64/prerelocate.o arch/ppc64/kcrctab.o arch/ppc64/powernv.o arch/ppc64/capture.o arch/ppc64/plan.o arch/ppc64/ops.o
