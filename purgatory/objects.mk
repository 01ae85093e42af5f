# SPDX-License-Identifier: MIT
# The stub's generic code.
purgatory-y := main.o verify.o console.o reloc.o
