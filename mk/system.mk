# SPDX-License-Identifier: MIT
#
# What the QEMU system tests and `make run` boot: Debian kernels (fetched
# through a private apt state, cached in $(O)/kernels) and the test
# initramfs with its marker-printing /init.

SYSTEM_ARCHES := arm64 arm x86_64 ppc64le
RUN_ARCH ?= $(if $(ARCH),$(ARCH),arm64)

KERNEL = $(O)/kernels/$(1)/vmlinuz
INITRAMFS = $(O)/initramfs/$(1).cpio.gz

$(O)/kernels/%/vmlinuz: scripts/fetch-kernels
	$(call msg,FETCH,Debian kernel for $*)
	$(Q)scripts/fetch-kernels --out $(O)/kernels $*

$(O)/initramfs/%.cpio.gz: scripts/mkinitramfs tests/system/initramfs/init.c
	$(call msg,CPIO,$@)
	$(Q)mkdir -p $(@D)
	$(Q)scripts/mkinitramfs --arch $* --out $@

system-deps: $(foreach a,$(SYSTEM_ARCHES),$(call KERNEL,$(a)) $(call INITRAMFS,$(a)))

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

.PHONY: system-deps run
