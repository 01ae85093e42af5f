# SPDX-License-Identifier: MIT
#
# What the QEMU system tests and `make run` boot: Debian kernels (fetched
# through a private apt state, cached in $(O)/kernels) and the test
# initramfs with its marker-printing /init.

SYSTEM_ARCHES := arm64 arm x86_64 ppc64le
RUN_ARCH ?= $(if $(ARCH),$(ARCH),arm64)

# The kernel set: which Debian release the kernels come from (bookworm,
# Linux 6.1; or trixie, Linux 6.12).  KERNEL_SET is what the system tests
# and make run boot; make check also runs the kernel-dependent unit tests
# against every set in KERNEL_SETS (docs/kernels.md, "Kernel sets").
KERNEL_SET ?= bookworm
KERNEL_SETS ?= bookworm trixie
KERNEL_ARCHES := arm64 arm x86_64 ppc64le
KERNEL = $(O)/kernels/$(KERNEL_SET)/$(1)/vmlinuz
INITRAMFS = $(O)/initramfs/$(1).cpio.gz
export CHARON_KERNEL_SET := $(KERNEL_SET)
export CHARON_KERNEL_SETS := $(KERNEL_SETS)

# the set booted: every kernel must be there
$(O)/kernels/$(KERNEL_SET)/%/vmlinuz: scripts/fetch-kernels
	$(call msg,FETCH,Debian $(KERNEL_SET) kernel for $*)
	$(Q)scripts/fetch-kernels --set $(KERNEL_SET) \
		--out $(O)/kernels/$(KERNEL_SET) $*

# the other sets: a kernel the archive does not serve is recorded as
# missing, and the tests that need it skip, naming it
OTHER_KERNEL_SETS := $(filter-out $(KERNEL_SET),$(KERNEL_SETS))
define other_kernel_set
$(O)/kernels/$(1)/%/.fetched: scripts/fetch-kernels
	$$(call msg,FETCH,Debian $(1) kernel for $$*)
	$(Q)scripts/fetch-kernels --set $(1) --allow-missing \
		--out $(O)/kernels/$(1) $$*
	$(Q)touch $$@
endef
$(foreach s,$(OTHER_KERNEL_SETS),$(eval $(call other_kernel_set,$(s))))
OTHER_KERNELS := $(foreach s,$(OTHER_KERNEL_SETS),$(foreach a,$(KERNEL_ARCHES),\
	$(O)/kernels/$(s)/$(a)/.fetched))

$(O)/initramfs/%.cpio.gz: scripts/mkinitramfs tests/system/initramfs/init.c
	$(call msg,CPIO,$@)
	$(Q)mkdir -p $(@D)
	$(Q)scripts/mkinitramfs --arch $* --out $@

# The kexec tests (tests/system/test_kexec.py): the test initramfs with the
# static charon (stripped), the stub and the kernel itself inside, so that
# /init can kexec the same kernel through the stub (docs/testing.md).
KEXEC_INITRAMFS = $(O)/initramfs/$(1)-kexec.cpio.gz

# $(1) = arch
define kexec_initramfs
$(O)/static/$(1)/charon: $(O)/$(1)/charon-static
	$$(call msg,STRIP,$$@)
	$(Q)$(STATIC_TRIPLET_$(1))-strip -o $$@ $$<

$(call KEXEC_INITRAMFS,$(1)): scripts/mkinitramfs tests/system/initramfs/init.c \
		$(O)/static/$(1)/charon $(O)/$(1)/charon-stub.bin $(call KERNEL,$(1))
	$$(call msg,CPIO,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)scripts/mkinitramfs --arch $(1) --out $$@ \
		--add $(O)/static/$(1)/charon:/bin/charon \
		--add $(O)/$(1)/charon-stub.bin:/boot/charon-stub.bin \
		--add $(call KERNEL,$(1)):/boot/vmlinuz

# the stub first, so that check-build-$(1)'s make does not build it too
check-build-$(1): $(O)/$(1)/charon-stub.bin
endef

$(foreach a,$(SYSTEM_ARCHES),$(eval $(call kexec_initramfs,$(a))))

# The kdump tests (tests/system/test_kdump.py): the kexec initramfs plus
# Debian 12's makedumpfile and vmcore-dmesg with their shared libraries and
# one module of the booted kernel, for the dump kernel (docs/testing.md,
# "kdump"), and kexec-tools' kexec with its libraries for make
# kdump-compare.  scripts/fetch-kdump-tools fetches them through the
# private apt state of $(O)/target-libs into $(O)/kdump-tools/<arch>.
KDUMP_INITRAMFS = $(O)/initramfs/$(1)-kdump.cpio.gz
KDUMP_TOOLS = $(O)/kdump-tools/$(1)

# $(1) = arch
define kdump_initramfs
$(call KDUMP_TOOLS,$(1))/packages: scripts/fetch-kdump-tools $(call KERNEL,$(1))
	$$(call msg,FETCH,$$(@D))
	$(Q)scripts/fetch-kdump-tools --out $(O)/kdump-tools \
		--kernels $(O)/kernels/$(KERNEL_SET) --apt-state $(O)/target-libs $(1)

$(call KDUMP_INITRAMFS,$(1)): scripts/mkinitramfs tests/system/initramfs/init.c \
		$(O)/static/$(1)/charon $(O)/$(1)/charon-stub.bin $(call KERNEL,$(1)) \
		$(call KDUMP_TOOLS,$(1))/packages
	$$(call msg,CPIO,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)scripts/mkinitramfs --arch $(1) --out $$@ \
		--add $(O)/static/$(1)/charon:/bin/charon \
		--add $(O)/$(1)/charon-stub.bin:/boot/charon-stub.bin \
		--add $(call KERNEL,$(1)):/boot/vmlinuz \
		--sysroot $(call KDUMP_TOOLS,$(1))/root \
		--add-dynamic /usr/bin/makedumpfile:/usr/bin/makedumpfile \
		--add-dynamic /sbin/vmcore-dmesg:/sbin/vmcore-dmesg \
		--add-dynamic /sbin/kexec:/sbin/kexec \
		--add $(call KDUMP_TOOLS,$(1))/modules:/lib/modules \
		$$(if $$(wildcard $(call KDUMP_TOOLS,$(1))/efi-modules),--add $(call KDUMP_TOOLS,$(1))/efi-modules:/lib/efi-modules)
endef

$(foreach a,$(SYSTEM_ARCHES),$(eval $(call kdump_initramfs,$(a))))

# An arch's stub as seen from a make of another (or no) ARCH: only that
# ARCH's make knows its sources, so it is asked every time; the stub's
# mtime then says whether what contains it is out of date.
$(O)/%/charon-stub.bin: $(NEWLIB_STAMP) FORCE
	$(Q)$(MAKE) ARCH=$* target

FORCE:

system-deps: $(foreach a,$(SYSTEM_ARCHES),$(call KERNEL,$(a)) $(call INITRAMFS,$(a)) \
	$(call KEXEC_INITRAMFS,$(a)) $(call KDUMP_INITRAMFS,$(a))) $(OTHER_KERNELS)

# make run: build, fetch, and boot the default kernel through the stub
RUN_CONSOLE_arm64 := ttyAMA0
RUN_CONSOLE_arm := ttyAMA0
RUN_CONSOLE_x86_64 := ttyS0
RUN_CONSOLE_ppc64le := hvc0
RUN_APPEND ?= console=$(RUN_CONSOLE_$(RUN_ARCH)) panic=-1 charon.run=1
run: deps
	$(Q)$(MAKE) ARCH=$(RUN_ARCH) target
	$(Q)$(MAKE) $(HOST)/charon $(call KERNEL,$(RUN_ARCH)) $(call INITRAMFS,$(RUN_ARCH))
	$(HOST)/charon qemu --arch $(RUN_ARCH) --kernel $(call KERNEL,$(RUN_ARCH)) \
		--initrd $(call INITRAMFS,$(RUN_ARCH)) --append "$(RUN_APPEND)" \
		--stub $(O)/$(RUN_ARCH)/charon-stub.bin --verbose-stub

# make soak (not in make check): SOAK_KEXECS kexecs in a row in one VM per
# arch, SOAK_JOBS VMs at a time; tests/system/soak.py reports each arch
SOAK_KEXECS ?= 20
SOAK_JOBS ?= 1
SOAK_ARCHES ?= $(SYSTEM_ARCHES)
soak: deps
	$(Q)$(MAKE) system-deps
	$(Q)$(PYTHON) tests/system/soak.py --kexecs $(SOAK_KEXECS) \
		--jobs $(SOAK_JOBS) $(SOAK_ARCHES)

# make kdump-compare (not in make check): the kdump scenario of
# test_kdump.py once with charon load --crash and once with Debian's kexec -p
# per arch, side by side as a markdown table (docs/kdump.md)
KDUMP_COMPARE_ARCHES ?= $(SYSTEM_ARCHES)
kdump-compare: deps
	$(Q)$(MAKE) $(foreach a,$(KDUMP_COMPARE_ARCHES),$(call KDUMP_INITRAMFS,$(a)))
	$(Q)$(PYTHON) tests/system/kdump_compare.py $(KDUMP_COMPARE_ARCHES)

# make capture-crash-roots (not in make check): refresh the kdump test roots
# tests/unit/data/crash-roots/<arch>/ from QEMU guests
capture-crash-roots: deps
	$(Q)$(MAKE) system-deps
	$(Q)$(PYTHON) tests/system/capture_crash_roots.py $(SYSTEM_ARCHES)

.PHONY: system-deps run soak kdump-compare capture-crash-roots FORCE
