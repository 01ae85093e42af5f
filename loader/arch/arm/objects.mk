# SPDX-License-Identifier: MIT
loader-arch-y += arch/arm/zimage.o arch/arm/atags.o arch/arm/plan.o arch/arm/inspect.o arch/arm/ops.o
