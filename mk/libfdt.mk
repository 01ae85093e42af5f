# SPDX-License-Identifier: MIT
#
# libfdt for the chainloader stub (charon-chain), built per ARCH from the
# copy in Debian's linux-source-6.1 (scripts/dtc/libfdt, BSD-2-Clause or
# GPL-2.0+): the archive serves no device-tree-compiler source tarball.
# The tarball (/usr/src/linux-source-6.1.tar.xz) is read once into
# $(O)/libfdt-src; nothing from it is copied into our tree.  The host keeps
# Debian's libfdt-dev.

LIBFDT_TARBALL ?= $(firstword $(wildcard /usr/src/linux-source-6.1.tar.xz \
	/usr/src/linux-source-*.tar.xz))
LIBFDT_DIR := $(O)/libfdt-src
LIBFDT_STAMP := $(LIBFDT_DIR)/.unpacked
# what the stub's run-time tree edit calls (purgatory/chain.c)
LIBFDT_FUNCS := fdt fdt_ro fdt_rw fdt_addresses fdt_strerror

$(LIBFDT_STAMP):
	@if [ -z "$(LIBFDT_TARBALL)" ]; then \
		echo "error: no linux-source tarball in /usr/src; install" \
		     "Debian's linux-source-6.1 (scripts/install-deps)" >&2; \
		exit 1; \
	fi
	$(call msg,UNPACK,$(LIBFDT_TARBALL): scripts/dtc/libfdt)
	$(Q)rm -rf $(LIBFDT_DIR) && mkdir -p $(LIBFDT_DIR)
	$(Q)tar -xJf $(LIBFDT_TARBALL) -C $(LIBFDT_DIR) --strip-components=4 \
		--wildcards '*/scripts/dtc/libfdt/*'
	$(Q)for f in $(LIBFDT_FUNCS); do test -f $(LIBFDT_DIR)/$$f.c || \
		{ echo "error: $(LIBFDT_TARBALL) has no scripts/dtc/libfdt/$$f.c" >&2; exit 1; }; done
	$(Q)touch $@
