# SPDX-License-Identifier: MIT
loader-arch-y += arch/arm64/image.o arch/arm64/plan.o arch/arm64/ops.o
