# SPDX-License-Identifier: MIT
# In-tree fuzzing (docs/testing.md, "Fuzzing").
#
#   $(O)/fuzz/bin/fuzz-<t>     libFuzzer targets: clang, ASan+UBSan, the
#                              loader's library rebuilt with them
#   $(O)/fuzz/replay/fuzz-<t>  the same target with tests/fuzz/replay.c's
#                              main(), gcc, ASan+UBSan (no libFuzzer): make
#                              check replays the seeds and regress cases
#   $(O)/fuzz/corpus/<t>/      the corpus: seeds (tests/fuzz/seed-corpus)
#                              plus what the runs found
#   $(O)/fuzz/crashes/<t>/     reproducers of crashes
#
# make fuzz [FUZZ_SECONDS=60] [FUZZ_JOBS=1] [FUZZ_TARGETS="fdt stub"]

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ := $(O)/fuzz
FUZZ_ALL := arm64-image zimage bzimage ppc64-elf stub fdt live
# the stub's validator is built with x86_64's arch hooks, for an x86_64 host
ifeq ($(HOST_MACHINE),x86_64)
FUZZ_ALL += pg-params
endif
FUZZ_TARGETS ?= $(FUZZ_ALL)

FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
	-Iinclude -Iloader/include -DCHARON_SRCDIR='"$(CURDIR)"'
FUZZ_HDRS := tests/fuzz/fuzz.h

# --- the loader's library, under the fuzzer's instrumentation --------------
FUZZ_LOADER_OBJS := $(addprefix $(FUZZ)/obj/loader/,$(loader-y)) \
	$(addprefix $(FUZZ)/obj/lib/,$(loader-lib-y))

$(FUZZ)/obj/loader/%.o: loader/%.c
	$(call msg,FUZZCC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -MMD -MP -c -o $@ $<

$(FUZZ)/obj/lib/%.o: lib/%.c
	$(call msg,FUZZCC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -MMD -MP -c -o $@ $<

$(FUZZ)/obj/lib/%.o: lib/%.S
	$(call msg,FUZZAS,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) -D__ASSEMBLY__ -g -Iinclude -MMD -MP -c -o $@ $<

# --- the stub's validator for the host (purgatory/objects.mk's verify.o and
# console.o, x86_64's setup.o for arch_check_params(), lib/'s SHA-256) -------
FUZZ_PG_SRCS := purgatory/verify.c purgatory/chain-none.c purgatory/console.c \
	arch/x86_64/setup.c
FUZZ_PG_LIB := sha256.o $(lib-x86_64-y)
FUZZ_PG_OBJS := $(addprefix $(FUZZ)/obj/,$(FUZZ_PG_SRCS:.c=.o)) \
	$(addprefix $(FUZZ)/obj/lib/,$(FUZZ_PG_LIB))

$(FUZZ)/obj/purgatory/%.o: purgatory/%.c
	$(call msg,FUZZCC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -MMD -MP -c -o $@ $<

$(FUZZ)/obj/arch/%.o: arch/%.c
	$(call msg,FUZZCC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -MMD -MP -c -o $@ $<

# --- the targets ---------------------------------------------------------------
FUZZ_BINS := $(addprefix $(FUZZ)/bin/fuzz-,$(FUZZ_ALL))
FUZZ_REPLAYS := $(addprefix $(FUZZ)/replay/fuzz-,$(FUZZ_ALL))

$(FUZZ)/bin/fuzz-pg-params: tests/fuzz/fuzz-pg-params.c tests/fuzz/pg-shim.c \
		$(FUZZ_PG_OBJS)
	$(call msg,FUZZLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -o $@ $^

$(FUZZ)/bin/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_HDRS) $(FUZZ_LOADER_OBJS)
	$(call msg,FUZZLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SAN) -o $@ \
		$(filter %.c %.o,$^) $(LOADER_LDLIBS)

# replay drivers: gcc, the library as the cmocka tests build it
# ($(HOST)/tests/loader/, mk/loader.mk) and lib/ as mk/host.mk does
FUZZ_REPLAY_CFLAGS := $(HOST_CFLAGS) -Iloader/include -DCHARON_SRCDIR='"$(CURDIR)"'

$(FUZZ)/replay/fuzz-pg-params: tests/fuzz/fuzz-pg-params.c tests/fuzz/pg-shim.c \
		tests/fuzz/replay.c $(FUZZ_PG_SRCS) \
		$(addprefix $(HOST)/lib/,$(FUZZ_PG_LIB))
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(FUZZ_REPLAY_CFLAGS) -o $@ $(filter %.c %.o,$^)

$(FUZZ)/replay/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/replay.c $(FUZZ_HDRS) \
		$(LOADER_TEST_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(FUZZ_REPLAY_CFLAGS) -o $@ $(filter %.c %.o,$^) \
		$(LOADER_LDLIBS)

# kept: they are reached only through pattern rules
.SECONDARY: $(FUZZ_LOADER_OBJS) $(FUZZ_PG_OBJS)

-include $(FUZZ_LOADER_OBJS:.o=.d) $(FUZZ_PG_OBJS:.o=.d)

# --- goals ---------------------------------------------------------------------
fuzz-build: $(FUZZ_BINS) $(FUZZ_REPLAYS)

# the corpora: hand-made seeds, the fetched kernels' heads, the built
# stubs and probes, QEMU's and dtc's device trees (tests/fuzz/seed-corpus)
fuzz-corpus:
	$(Q)$(PYTHON) tests/fuzz/seed-corpus --build $(O) --out $(FUZZ)/corpus \
		$(FUZZ_TARGETS)

fuzz: deps
	$(Q)$(MAKE) fuzz-build
	$(Q)$(MAKE) fuzz-corpus
	$(Q)$(PYTHON) tests/fuzz/run-fuzz --fuzz-dir $(FUZZ) \
		--seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS) $(FUZZ_TARGETS)

# make check replays every seed and regress case, and runs each libFuzzer
# target briefly (tests/unit/test_fuzz_regress.py)
check-build: fuzz-build

.PHONY: fuzz fuzz-build fuzz-corpus
