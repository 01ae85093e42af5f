# SPDX-License-Identifier: MIT
# The stub's generic code.
purgatory-y := main.o verify.o console.o reloc.o
# chainloader mode: charon-chain.bin links chain.o (and libfdt), the kexec
# stub charon-stub.bin the refusal in chain-none.o
purgatory-kexec-y := chain-none.o
purgatory-chain-y := chain.o
