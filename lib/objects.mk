# SPDX-License-Identifier: MIT
# Code built for both the stub and the host.
lib-y := sha256.o rela.o
