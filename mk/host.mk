# SPDX-License-Identifier: MIT
#
# Host-side builds: lib/ under sanitizers for the unit tests, the generated
# test vectors, and the benchmarks.

HOSTCC ?= gcc
HOST := $(O)/host
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Iinclude -Itests/unit \
	-I$(O)/gen -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
HOST_LDLIBS := -lcmocka -lcrypto

# lib/ for the host: the same sources, hosted, instrumented
# (plus lib/<machine>/ for the host's machine, e.g. SHA-NI on x86_64)
include lib/objects.mk
HOST_MACHINE := $(firstword $(subst -, ,$(shell $(HOSTCC) -dumpmachine)))
HOST_LIB_OBJS := $(addprefix $(HOST)/lib/,$(lib-y) $(lib-$(HOST_MACHINE)-y))

$(HOST)/lib/%.o: lib/%.c
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c -o $@ $<

$(HOST)/lib/%.o: lib/%.S
	$(call msg,HOSTAS,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) -D__ASSEMBLY__ -g -Iinclude -MMD -MP -c -o $@ $<

-include $(HOST_LIB_OBJS:.o=.d)

# expected digests, computed by OpenSSL (through Python's hashlib), for the
# tests that cannot call OpenSSL themselves (the cross-built ones)
$(O)/gen/sha256_vectors.h: tests/unit/gen-sha256-vectors
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(PYTHON) tests/unit/gen-sha256-vectors > $@.tmp && mv $@.tmp $@

HOST_TESTS := $(HOST)/tests/test-sha256 $(HOST)/tests/test-rela

$(HOST)/tests/test-sha256: tests/unit/test_sha256.c \
		tests/unit/tc_cmocka.c tests/unit/tc.h tests/unit/tc_common.h $(O)/gen/sha256_vectors.h \
		$(HOST_LIB_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(filter %.c %.o,$^) $(HOST_LDLIBS)

$(HOST)/tests/test-rela: tests/unit/test_rela.c tests/unit/tc_cmocka.c \
		tests/unit/tc.h tests/unit/tc_common.h $(HOST_LIB_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(filter %.c %.o,$^) $(HOST_LDLIBS)

host-tests: $(HOST_TESTS)

# Benchmarks link lib/ exactly as built for the x86_64 stub, with the
# stub's newlib routines (its objects reference them as hidden symbols).
BENCH_LIBS := $(O)/x86_64/libcharon-lib.a $(O)/x86_64/libnewlib-str.a
BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude

$(HOST)/bench/sha256-bench: bench/sha256.c $(BENCH_LIBS)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(BENCH_CFLAGS) -o $@ $^ -lcrypto

$(HOST)/bench/sha256-ipb: bench/sha256_ipb.c $(BENCH_LIBS)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(BENCH_CFLAGS) -o $@ $^

bench-build: $(HOST)/bench/sha256-bench $(HOST)/bench/sha256-ipb

.PHONY: host-tests bench-build
