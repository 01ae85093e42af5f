# SPDX-License-Identifier: MIT
# The charon CLI as a static binary for each target architecture, to run
# inside a test initramfs (issue 7); see docs/building.md, "Static charon".
#
#   $(O)/target-libs/<arch>/   libfdt, libcrypto, zlib, libelf headers and
#                              .a files of <arch>, fetched from Debian by
#                              scripts/fetch-target-libs
#   $(O)/static/<arch>/        the objects
#   $(O)/<arch>/charon-static  the binary: the same sources as
#                              $(HOST)/charon, no sanitizers, -static
#
# make static-charon ARCH=<a> builds one; without ARCH, all of them.

STATIC_ARCHES := arm64 arm x86_64 ppc64le

STATIC_CC_arm64 := aarch64-linux-gnu-gcc
STATIC_CC_arm := arm-linux-gnueabihf-gcc
STATIC_CC_x86_64 := x86_64-linux-gnu-gcc
STATIC_CC_ppc64le := powerpc64le-linux-gnu-gcc
STATIC_TRIPLET_arm64 := aarch64-linux-gnu
STATIC_TRIPLET_arm := arm-linux-gnueabihf
STATIC_TRIPLET_x86_64 := x86_64-linux-gnu
STATIC_TRIPLET_ppc64le := powerpc64le-linux-gnu

# the order a static link needs: libelf uses zlib; libcrypto uses libc's
# dlopen and threads
STATIC_LIBS := libfdt.a libcrypto.a libelf.a libz.a
STATIC_SYSLIBS := -ldl -pthread

# $(1) = arch
define static_charon
STATIC_TL_$(1) := $(O)/target-libs/$(1)
STATIC_OBJS_$(1) := $(addprefix $(O)/static/$(1)/loader/,$(charon-cli-y) $(loader-y)) \
	$(addprefix $(O)/static/$(1)/loader/lib/,$(loader-lib-y))
STATIC_CFLAGS_$(1) := $(LOADER_CFLAGS) \
	-isystem $(O)/target-libs/$(1)/usr/include \
	-isystem $(O)/target-libs/$(1)/usr/include/$(STATIC_TRIPLET_$(1))

$(O)/target-libs/$(1)/packages:
	$$(call msg,FETCH,$$(@D))
	$(Q)scripts/fetch-target-libs --out $(O)/target-libs $(1)

$(O)/static/$(1)/loader/lib/%.o: lib/%.c mk/static.mk | $(O)/target-libs/$(1)/packages
	$$(call msg,CC,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(STATIC_CC_$(1)) $$(STATIC_CFLAGS_$(1)) -MMD -MP -c -o $$@ $$<

$(O)/static/$(1)/loader/%.o: loader/%.c mk/static.mk | $(O)/target-libs/$(1)/packages
	$$(call msg,CC,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(STATIC_CC_$(1)) $$(STATIC_CFLAGS_$(1)) -MMD -MP -c -o $$@ $$<

$(O)/$(1)/charon-static: $$(STATIC_OBJS_$(1)) $(O)/target-libs/$(1)/packages
	$$(call msg,LD,$$@)
	$(Q)mkdir -p $$(@D)
	$(Q)$(STATIC_CC_$(1)) -static -o $$@ $$(STATIC_OBJS_$(1)) \
		$(addprefix $(O)/target-libs/$(1)/usr/lib/$(STATIC_TRIPLET_$(1))/,$(STATIC_LIBS)) \
		$(STATIC_SYSLIBS) 2>$$@.ldwarn || { cat $$@.ldwarn >&2; exit 1; }

-include $$(STATIC_OBJS_$(1):.o=.d)
endef

$(foreach a,$(STATIC_ARCHES),$(eval $(call static_charon,$(a))))

ifeq ($(ARCH),)
static-charon: $(foreach a,$(STATIC_ARCHES),$(O)/$(a)/charon-static)
else ifneq ($(filter $(ARCH),$(STATIC_ARCHES)),)
static-charon: $(O)/$(ARCH)/charon-static
else
static-charon:
	@echo 'static-charon: ARCH=$(ARCH) is not one of: $(STATIC_ARCHES)' >&2; exit 1
endif

.PHONY: static-charon

# what make check-build builds (tests/unit/test_static.py runs them)
STATIC_CHARONS := $(foreach a,$(STATIC_ARCHES),$(O)/$(a)/charon-static)

# Plain `make`: the static charons whose target libraries are already
# fetched (make static-charon fetches them; make check does)
STATIC_PRESENT := $(foreach a,$(STATIC_ARCHES),$(if $(wildcard \
	$(O)/target-libs/$(a)/packages),$(a)))
STATIC_ABSENT := $(filter-out $(STATIC_PRESENT),$(STATIC_ARCHES))

# Plain `make` builds what a user runs on the host: charon, the static
# charons whose libraries are here, and (with the ppc64le cross compiler)
# the initramfs that captures skiboot's tree for charon qemu --arch ppc64*
HAVE_PPC64LE_CC := $(shell command -v powerpc64le-linux-gnu-gcc 2>/dev/null)
host-charon: $(HOST)/charon \
		$(foreach a,$(STATIC_PRESENT),$(O)/$(a)/charon-static) \
		$(if $(HAVE_PPC64LE_CC),$(POWERNV_DUMPFDT))
	@echo "  DONE    host: $(HOST)/charon"
	$(if $(STATIC_ABSENT),@echo "  SKIP    static charon for $(STATIC_ABSENT): target libraries not fetched (make static-charon)")
	$(if $(HAVE_PPC64LE_CC),,@echo "  SKIP    $(POWERNV_DUMPFDT): no powerpc64le-linux-gnu-gcc (apt install gcc-powerpc64le-linux-gnu)")

.PHONY: host-charon
