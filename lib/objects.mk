# SPDX-License-Identifier: MIT
# Code built for both the stub and the host.
lib-y := sha256.o rela.o elf.o

# Per architecture, in lib/<arch>/ (the target's SRCARCH, or the host's
# machine for host builds): accelerated SHA-256.  Basenames stay unique
# across lib/ since the objects share one archive.
lib-x86_64-y := x86_64/sha256-ni.o x86_64/sha256-cpu.o
