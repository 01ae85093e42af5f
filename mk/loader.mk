# SPDX-License-Identifier: MIT
# Host side: libcharon and the charon CLI (loader/); see docs/cli.md.
#
#   $(HOST)/libcharon.a        the library, -O2, no instrumentation
#   $(HOST)/charon             the CLI
#   $(HOST)/tests/charon-asan  the CLI with ASan+UBSan (tests/hostile/)
#   $(HOST)/tests/test-loader  cmocka unit tests, the library rebuilt
#                              with ASan+UBSan
#   $(HOST)/tests/test-loader-x86  the x86 (bzImage, boot_params, e820,
#                              PVH ELF) unit tests, likewise
#   $(HOST)/tests/test-loader-ppc64  the ppc64 (vmlinux ELF, relocation,
#                              __kcrctab, powernv) unit tests, likewise

LOADER_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -Iloader/include \
	-DCHARON_SRCDIR='"$(CURDIR)"'
LOADER_LDLIBS := -lfdt -lcrypto -lz -lelf
HOSTAR ?= ar

include loader/objects.mk

LOADER_OBJS := $(addprefix $(HOST)/loader/,$(loader-y))
LOADER_TEST_OBJS := $(addprefix $(HOST)/tests/loader/,$(loader-y))
LOADER_OBJS += $(addprefix $(HOST)/loader/lib/,$(loader-lib-y))
LOADER_TEST_OBJS += $(addprefix $(HOST)/lib/,$(loader-lib-y))

$(HOST)/loader/lib/%.o: lib/%.c
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(LOADER_CFLAGS) -MMD -MP -c -o $@ $<

$(HOST)/loader/%.o: loader/%.c
	$(call msg,HOSTCC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(LOADER_CFLAGS) -MMD -MP -c -o $@ $<

$(HOST)/libcharon.a: $(LOADER_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(HOSTAR) rcs $@ $^

$(HOST)/charon: $(addprefix $(HOST)/loader/,$(charon-cli-y)) $(HOST)/libcharon.a
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) $(LOADER_CFLAGS) -o $@ $^ $(LOADER_LDLIBS)

# the unit tests link the library built under the sanitizers
$(HOST)/tests/loader/%.o: loader/%.c
	$(call msg,HOSTCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Iloader/include \
		-DCHARON_SRCDIR='"$(CURDIR)"' -MMD -MP -c -o $@ $<

LOADER_TEST_SRCS := tests/unit/test_loader.c tests/unit/test_loader_fdt.c \
	tests/unit/test_loader_arm.c tests/unit/test_loader_common.c \
	tests/unit/test_loader_kexec.c

$(HOST)/tests/test-loader: $(LOADER_TEST_SRCS) tests/unit/test_loader.h \
		$(LOADER_TEST_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Iloader/include -o $@ \
		$(filter %.c %.o,$^) -lcmocka $(LOADER_LDLIBS)

# the x86 and ppc64 tests: the same library, libelf and libfdt
$(HOST)/tests/test-loader-x86: tests/unit/test_loader_x86.c \
		tests/unit/test_loader_common.c tests/unit/test_loader.h \
		$(LOADER_TEST_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Iloader/include -o $@ \
		$(filter %.c %.o,$^) -lcmocka $(LOADER_LDLIBS)

$(HOST)/tests/test-loader-ppc64: tests/unit/test_loader_ppc64.c \
		tests/unit/test_loader_common.c tests/unit/test_loader.h \
		$(LOADER_TEST_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Iloader/include -o $@ \
		$(filter %.c %.o,$^) -lcmocka $(LOADER_LDLIBS)

# the stub's chainloader mode built for the host, with Debian's libfdt
# (tests/unit/test_chain.py runs it on a QEMU virt tree)
$(HOST)/tests/test-chain-fdt: tests/unit/test_chain_fdt.c purgatory/chain.c \
		purgatory/verify.c $(HOST_LIB_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $(filter %.c %.o,$^) -lfdt \
		$(HOST_LDLIBS)

# the CLI under the sanitizers, for the hostile-input run (tests/hostile/)
$(HOST)/tests/charon-asan: $(addprefix $(HOST)/tests/loader/,$(charon-cli-y)) \
		$(LOADER_TEST_OBJS)
	$(call msg,HOSTLD,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $^ $(LOADER_LDLIBS)

-include $(LOADER_OBJS:.o=.d) $(LOADER_TEST_OBJS:.o=.d) \
	$(addprefix $(HOST)/loader/,$(charon-cli-y:.o=.d)) \
	$(addprefix $(HOST)/tests/loader/,$(charon-cli-y:.o=.d))

# charon qemu --arch ppc64le|ppc64 captures skiboot's device tree by
# booting the ppc64le kernel with this initramfs (docs/cli.md, "ppc64")
POWERNV_DUMPFDT := $(O)/initramfs/ppc64le-dumpfdt.cpio.gz
$(POWERNV_DUMPFDT): scripts/mkinitramfs tests/system/initramfs/dumpfdt.c
	$(call msg,CPIO,$@)
	$(Q)mkdir -p $(@D)
	$(Q)scripts/mkinitramfs --arch ppc64le --out $@ \
		--init-src tests/system/initramfs/dumpfdt.c
system-deps: $(POWERNV_DUMPFDT)
ifneq ($(filter ppc64le ppc64,$(ARCH)),)
run: $(POWERNV_DUMPFDT)
endif

host-tests: $(HOST)/charon $(HOST)/tests/charon-asan $(HOST)/tests/test-loader \
	$(HOST)/tests/test-loader-x86 $(HOST)/tests/test-loader-ppc64 \
	$(HOST)/tests/test-chain-fdt

# every CLI entry point fed damaged input (tests/hostile/hostile.py); make
# check runs a sample of it (tests/unit/test_hardening.py)
HOSTILE_ARGS ?= --jobs $(shell nproc)
hostile: $(HOST)/tests/charon-asan system-deps \
		$(foreach a,$(ARCHES),$(O)/$(a)/charon-stub.bin)
	$(Q)$(PYTHON) tests/hostile/hostile.py $(HOSTILE_ARGS)

.PHONY: host-tests hostile

