# SPDX-License-Identifier: MIT
#
# Build rules for one target architecture: make ARCH=<arch>.
# Outputs go to $(O)/$(ARCH)/.

, := ,
SRCARCH := $(if $(filter ppc64le ppc64,$(ARCH)),ppc64,$(ARCH))
ifeq ($(filter $(ARCH),$(ARCHES)),)
$(error ARCH=$(ARCH) is not one of: $(ARCHES))
endif

include arch/$(SRCARCH)/arch.mk

CROSS_COMPILE ?= $(CROSS_COMPILE_DEFAULT)
CC := $(CROSS_COMPILE)gcc
AR := $(CROSS_COMPILE)ar
NM := $(CROSS_COMPILE)nm
OBJCOPY := $(CROSS_COMPILE)objcopy

# --- toolchain probe: fail early, say what to install ----------------------
ifeq ($(shell command -v $(CC) 2>/dev/null),)
ifeq ($(SKIP_MISSING),1)
TOOLCHAIN_MISSING := 1
else
$(error ARCH=$(ARCH): compiler '$(CC)' not found; install Debian's \
	$(DEB_CROSS_GCC) (scripts/install-deps) or set CROSS_COMPILE=)
endif
endif

OBJ := $(O)/$(ARCH)
# a change of flags rebuilds everything of this ARCH
BUILD_DEPS := mk/target.mk arch/$(SRCARCH)/arch.mk include/lib/hidden.h

# --- freestanding flags for everything that runs in the stub ---------------
GCC_INC := $(shell $(CC) -print-file-name=include 2>/dev/null)
# compiler helpers (e.g. __aeabi_uidiv on arm) come from libgcc in the link
LIBGCC := $(shell $(CC) $(ARCH_CFLAGS) -print-libgcc-file-name 2>/dev/null)

TARGET_CPPFLAGS := -nostdinc -isystem $(GCC_INC) -isystem $(NEWLIB_GEN) \
	-include include/lib/hidden.h \
	-isystem $(NEWLIB_INC) -Iinclude
TARGET_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-common -fno-strict-aliasing \
	-fpie -fvisibility=hidden -fno-plt \
	-fno-stack-protector -fno-stack-clash-protection \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-ffunction-sections -fdata-sections \
	$(ARCH_CFLAGS)
TARGET_ASFLAGS := -D__ASSEMBLY__ -g -Wa,--noexecstack $(ARCH_ASFLAGS)

# Instrumentation never reaches target code, whatever the environment adds.
NO_INSTR := -fsanitize% -fno-sanitize% -pg -fprofile% --coverage \
	-finstrument-functions% -fstack-protector%
TARGET_CFLAGS := $(filter-out $(NO_INSTR),$(TARGET_CFLAGS) $(EXTRA_TARGET_CFLAGS))

# --- newlib string routines: $(OBJ)/libnewlib-str.a -------------------------
NEWLIB_SRC := $(NEWLIB_DIR)/src/newlib/libc
NEWLIB_C := $(filter-out $(NEWLIB_ASM),$(NEWLIB_FUNCS))
NEWLIB_OBJS := $(addprefix $(OBJ)/newlib/,$(addsuffix .o,$(NEWLIB_FUNCS)))
NEWLIB_CFLAGS := $(filter-out -Werror -Wextra,$(TARGET_CFLAGS)) -w \
	-I$(NEWLIB_SRC)/string

$(addprefix $(OBJ)/newlib/,$(addsuffix .o,$(NEWLIB_ASM))): $(OBJ)/newlib/%.o: $(NEWLIB_STAMP) $(BUILD_DEPS)
	$(call msg,AS,newlib/$(NEWLIB_MACHINE)/$*.S)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TARGET_CPPFLAGS) $(TARGET_ASFLAGS) $(ARCH_CFLAGS) \
		-I$(NEWLIB_SRC)/machine/$(NEWLIB_MACHINE) \
		-c -o $@ $(NEWLIB_SRC)/machine/$(NEWLIB_MACHINE)/$*.S

$(addprefix $(OBJ)/newlib/,$(addsuffix .o,$(NEWLIB_C))): $(OBJ)/newlib/%.o: $(NEWLIB_STAMP) $(BUILD_DEPS)
	$(call msg,CC,newlib/string/$*.c)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TARGET_CPPFLAGS) $(NEWLIB_CFLAGS) -c -o $@ $(NEWLIB_SRC)/string/$*.c

$(OBJ)/libnewlib-str.a: $(NEWLIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# --- lib/: code shared by stub and host: $(OBJ)/libcharon-lib.a -------------
include lib/objects.mk
LIB_OBJS := $(addprefix $(OBJ)/lib/,$(lib-y) $(lib-$(SRCARCH)-y))

$(OBJ)/lib/%.o: lib/%.c $(NEWLIB_STAMP) $(BUILD_DEPS)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TARGET_CPPFLAGS) $(TARGET_CFLAGS) -MMD -MP -c -o $@ $<

$(OBJ)/lib/%.o: lib/%.S $(NEWLIB_STAMP) $(BUILD_DEPS)
	$(call msg,AS,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TARGET_CPPFLAGS) $(TARGET_ASFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJS:.o=.d)

$(OBJ)/libcharon-lib.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# --- link check: the target libraries resolve among themselves -------------
$(OBJ)/.linkcheck: $(OBJ)/libcharon-lib.a $(OBJ)/libnewlib-str.a scripts/check-undefined
	$(call msg,CHECK,$(ARCH) target libraries have no undefined references)
	$(Q)scripts/check-undefined --nm $(NM) --provider $(LIBGCC) \
		$(OBJ)/libcharon-lib.a $(OBJ)/libnewlib-str.a
	$(Q)touch $@

# --- unit tests cross-built for the target, run under qemu-user ------------
# The test programs are hosted (the target's cross glibc, static) but link
# lib/ and newlib exactly as built for the stub.  Their mem*/str* symbols are
# renamed nl_* so the stub's objects call newlib's routines, not glibc's.
TEST_DIR := $(OBJ)/tests
TEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -Itests/unit \
	-I$(O)/gen $(filter -m%,$(ARCH_CFLAGS))
TEST_CFLAGS := $(filter-out -mgeneral-regs-only -msoft-float -mno-unaligned-access \
	-mstrict-align -mno-altivec -mno-vsx -mno-red-zone,$(TEST_CFLAGS)) -DTC_TARGET=1
TARGET_TESTS := $(TEST_DIR)/test-sha256 $(TEST_DIR)/test-string \
	$(TEST_DIR)/test-rela

$(TEST_DIR)/librenamed.a: $(OBJ)/libcharon-lib.a $(OBJ)/libnewlib-str.a tests/unit/newlib.syms
	$(call msg,OBJCOPY,$@)
	$(Q)mkdir -p $(@D)/renamed && rm -f $@ $(@D)/renamed/*
	$(Q)cd $(@D)/renamed && for a in $(abspath $(OBJ)/libcharon-lib.a $(OBJ)/libnewlib-str.a); do \
		$(AR) x $$a; done
	$(Q)for o in $(@D)/renamed/*.o; do \
		$(OBJCOPY) --redefine-syms=tests/unit/newlib.syms $$o; done
	$(Q)$(AR) rcs $@ $(@D)/renamed/*.o

$(TEST_DIR)/test-sha256: tests/unit/test_sha256.c \
		tests/unit/tc_target.c tests/unit/tc.h tests/unit/tc_common.h $(O)/gen/sha256_vectors.h \
		$(TEST_DIR)/librenamed.a
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -static -o $@ $(filter %.c,$^) $(TEST_DIR)/librenamed.a

$(TEST_DIR)/test-string: tests/unit/test_string.c tests/unit/tc_target.c \
		tests/unit/tc.h $(TEST_DIR)/librenamed.a
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -static -o $@ $(filter %.c,$^) $(TEST_DIR)/librenamed.a

$(TEST_DIR)/test-rela: tests/unit/test_rela.c tests/unit/tc_target.c \
		tests/unit/tc.h tests/unit/tc_common.h $(TEST_DIR)/librenamed.a
	$(call msg,CCLD,$@)
	$(Q)$(CC) $(TEST_CFLAGS) -static -o $@ $(filter %.c,$^) $(TEST_DIR)/librenamed.a

# the probe payload of the system tests, a bare-metal "kernel" that prints
# the state it was entered with
PROBE_SRC := $(wildcard tests/system/probe/$(SRCARCH).S)
ifneq ($(PROBE_SRC),)
PROBE := $(OBJ)/probe.bin
$(PROBE): $(PROBE_SRC) $(BUILD_DEPS)
	$(call msg,PROBE,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ARCH_ASFLAGS) -c -o $(OBJ)/probe.o $<
	$(Q)$(CROSS_COMPILE)ld -Ttext=0 -o $(OBJ)/probe.elf $(OBJ)/probe.o
	$(Q)$(OBJCOPY) -O binary $(OBJ)/probe.elf $@
endif

# the run command for a target test, used by the pytest driver
$(TEST_DIR)/runner: $(MAKEFILE_LIST)
	$(Q)mkdir -p $(@D)
	$(Q)echo "$(QEMU_USER)" > $@

# --- the stub: $(OBJ)/charon-stub.elf and the flat $(OBJ)/charon-stub.bin ---
ifneq ($(arch-y),)
include purgatory/objects.mk
LD := $(CROSS_COMPILE)ld
READELF := $(CROSS_COMPILE)readelf
STUB_COMMON_OBJS := $(addprefix $(OBJ)/arch/,$(arch-y)) \
	$(addprefix $(OBJ)/purgatory/,$(purgatory-y))
STUB_OBJS := $(STUB_COMMON_OBJS) \
	$(addprefix $(OBJ)/purgatory/,$(purgatory-kexec-y))
CHAIN_OBJS := $(STUB_COMMON_OBJS) \
	$(addprefix $(OBJ)/purgatory/,$(purgatory-chain-y))
STUB_LIBS := $(OBJ)/libcharon-lib.a $(OBJ)/libnewlib-str.a $(LIBGCC)
STUB := $(OBJ)/charon-stub.bin
CHAIN := $(OBJ)/charon-chain.bin
STUB_LDFLAGS := -pie --no-dynamic-linker -z norelro -z noexecstack \
	-z max-page-size=4096 --orphan-handling=error --gc-sections \
	--no-undefined --build-id=none \
	--no-warn-rwx-segments

$(OBJ)/arch/%.o: arch/$(SRCARCH)/%.S $(NEWLIB_STAMP) $(BUILD_DEPS)
	$(call msg,AS,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TARGET_CPPFLAGS) $(TARGET_ASFLAGS) -MMD -MP -c -o $@ $<

# The boot flow runs once and is not where time goes: built for size.
# lib/ (hashing, the whole cost of a boot) stays at -O2.
STUB_COLD_CFLAGS := $(TARGET_CFLAGS) -Os \
	$(if $(filter rel32,$(ARCH_RELOC_FORMAT)),-DPG_RELOC_REL32)

$(OBJ)/arch/%.o: arch/$(SRCARCH)/%.c $(NEWLIB_STAMP) $(BUILD_DEPS)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TARGET_CPPFLAGS) $(STUB_COLD_CFLAGS) -MMD -MP -c -o $@ $<

$(OBJ)/purgatory/%.o: purgatory/%.c $(NEWLIB_STAMP) $(BUILD_DEPS)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TARGET_CPPFLAGS) $(STUB_COLD_CFLAGS) -MMD -MP -c -o $@ $<

-include $(STUB_OBJS:.o=.d) $(CHAIN_OBJS:.o=.d)

# libfdt (mk/libfdt.mk), for the chainloader's run-time tree edit only:
# the kexec stub does not link it.  Its code is not ours: no -Werror.
LIBFDT_OBJS := $(addprefix $(OBJ)/libfdt/,$(addsuffix .o,$(LIBFDT_FUNCS)))
LIBFDT_CFLAGS := $(filter-out -Werror -Wextra,$(STUB_COLD_CFLAGS)) -w

$(LIBFDT_OBJS): $(OBJ)/libfdt/%.o: $(LIBFDT_STAMP) $(NEWLIB_STAMP) $(BUILD_DEPS)
	$(call msg,CC,libfdt/$*.c)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TARGET_CPPFLAGS) -I$(LIBFDT_DIR) $(LIBFDT_CFLAGS) -c -o $@ \
		$(LIBFDT_DIR)/$*.c

$(OBJ)/libfdt.a: $(LIBFDT_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(addprefix $(OBJ)/purgatory/,$(purgatory-chain-y)): $(LIBFDT_STAMP)
$(addprefix $(OBJ)/purgatory/,$(purgatory-chain-y)): \
	TARGET_CPPFLAGS += -I$(LIBFDT_DIR)

$(OBJ)/stub.lds: linker/stub.lds.S arch/$(SRCARCH)/lds.h include/abi/params.h
	$(call msg,LDS,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -E -P -x c -D__ASSEMBLY__ -Iinclude \
		-DSTUB_ARCH_LDS_H='"arch/$(SRCARCH)/lds.h"' -I. -o $@ $<

# One RWX segment is intended: the stub writes its own relocations and data
# with the MMU off, where permissions do not exist.
# link, then refuse anything but RELATIVE dynamic relocations and any
# undefined symbol (scripts/check-stub)
$(OBJ)/charon-stub.elf: $(STUB_OBJS) $(STUB_LIBS) $(OBJ)/stub.lds scripts/check-stub
	$(call msg,LD,$@)
	$(Q)$(LD) $(STUB_LDFLAGS) -T $(OBJ)/stub.lds -Map $(OBJ)/charon-stub.map \
		-o $@ $(STUB_OBJS) --start-group $(STUB_LIBS) --end-group
	$(Q)scripts/check-stub --readelf $(READELF) --relative $(ARCH_RELOC_RELATIVE) \
		$(ARCH_CHECK_STUB) $@

$(OBJ)/charon-chain.elf: $(CHAIN_OBJS) $(STUB_LIBS) $(OBJ)/libfdt.a $(OBJ)/stub.lds scripts/check-stub
	$(call msg,LD,$@)
	$(Q)$(LD) $(STUB_LDFLAGS) -T $(OBJ)/stub.lds -Map $(OBJ)/charon-chain.map \
		-o $@ $(CHAIN_OBJS) --start-group $(OBJ)/libfdt.a $(STUB_LIBS) --end-group
	$(Q)scripts/check-stub --readelf $(READELF) --relative $(ARCH_RELOC_RELATIVE) \
		$(ARCH_CHECK_STUB) $@

$(STUB) $(CHAIN): $(OBJ)/%.bin: $(OBJ)/%.elf
	$(call msg,OBJCOPY,$@)
	$(Q)$(OBJCOPY) -O binary $< $@
	$(Q)want=$$(printf "%d" 0x$$($(NM) $< | awk '$$3 == "_charon_file_size" { print $$1 }')); \
	got=$$(stat -c %s $@); \
	if [ "$$want" != "$$got" ]; then \
		echo "error: $@ is $$got bytes, the image header says $$want" >&2; \
		rm -f $@; exit 1; \
	fi
endif

# --- goals -------------------------------------------------------------------
ifeq ($(TOOLCHAIN_MISSING),1)
target target-tests:
	@echo "  SKIP    $(ARCH): compiler '$(CC)' not found (apt install $(DEB_CROSS_GCC))"
else
target: $(OBJ)/libcharon-lib.a $(OBJ)/libnewlib-str.a $(OBJ)/.linkcheck $(STUB) $(CHAIN)
	@echo "  DONE    $(ARCH): $(if $(STUB),$(STUB) ($$(stat -c %s $(STUB)) bytes)$(,) $(CHAIN) ($$(stat -c %s $(CHAIN)) bytes), libraries only: no stub for $(ARCH) yet)"

target-tests: target $(TARGET_TESTS) $(TEST_DIR)/runner $(PROBE)
endif

print-flags:
	@echo "CC       = $(CC)"
	@echo "CFLAGS   = $(TARGET_CPPFLAGS) $(TARGET_CFLAGS)"
	@echo "ASFLAGS  = $(TARGET_ASFLAGS)"

.PHONY: target target-tests print-flags
