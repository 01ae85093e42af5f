# SPDX-License-Identifier: MIT
#
# charon top-level Makefile.  `make help` lists the targets and variables.

ARCHES := arm64 arm ppc64le ppc64 x86_64

O ?= build
V ?= 0
PYTHON ?= /usr/bin/python3
export O V

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' '$(1)' '$(2)';
endif
MAKEFLAGS += --no-print-directory

.DEFAULT_GOAL := all
include mk/newlib.mk
include mk/libfdt.mk

# ---------------------------------------------------------------------------
ifneq ($(ARCH),)
# One target architecture.
include mk/target.mk

all: target

else
# Every target architecture whose toolchain is installed (the rest are
# skipped with the reason), the host charon, the static charons whose
# target libraries are fetched, and what `charon qemu --arch ppc64le`
# needs to capture skiboot's device tree.
all: $(addprefix build-,$(ARCHES)) host-charon

build-%: $(NEWLIB_STAMP)
	$(Q)$(MAKE) ARCH=$* SKIP_MISSING=1 target

endif

# ---------------------------------------------------------------------------
# Host side: unit tests (cmocka, ASan+UBSan) and benchmarks.
include mk/host.mk
include mk/loader.mk
include mk/static.mk
include mk/system.mk
include mk/fuzz.mk

deps:
	$(Q)scripts/install-deps

# make check: install what is missing, build all five targets and the host
# tests, run the whole suite; ends with pytest's summary line.
check: deps
	$(Q)$(MAKE) check-build
	$(Q)$(PYTHON) -m pytest $(PYTEST_ARGS) tests

check-build: host-tests system-deps $(STATIC_CHARONS) $(addprefix check-build-,$(ARCHES))
	$(Q)$(MAKE) bench-build

# Not in CI: boot every other kernel set's Debian kernels through the stub
# in QEMU, on every arch the set has (docs/kernels.md, "Kernel sets")
check-kernels: deps
	$(Q)$(MAKE) check-build
	$(Q)for s in $(OTHER_KERNEL_SETS); do \
		echo "check-kernels: booting the $$s kernels"; \
		CHARON_KERNEL_SET=$$s CHARON_KERNEL_SETS=$$s $(PYTHON) -m pytest \
			-rs $(PYTEST_ARGS) -k test_debian_kernel_boots tests/system \
			|| exit 1; \
	done

check-build-%: $(NEWLIB_STAMP) $(O)/gen/sha256_vectors.h
	$(Q)$(MAKE) ARCH=$* target-tests

bench: deps
	$(Q)$(MAKE) ARCH=x86_64 target
	$(Q)$(MAKE) bench-build
	$(O)/host/bench/sha256-bench

bench-callgrind: deps
	$(Q)$(MAKE) ARCH=x86_64 target
	$(Q)$(MAKE) bench-build
	$(Q)scripts/callgrind-ipb $(O)/host/bench/sha256-ipb

clean:
	rm -rf $(O)

help:
	@echo 'charon: kexec purgatory / boot stub for arm64 arm ppc64le ppc64 x86_64'
	@echo
	@echo 'The two commands a newcomer needs (each installs its dependencies):'
	@echo '  make run         build and boot the default kernel through the stub in QEMU'
	@echo '  make check       build all five targets and run the whole test suite'
	@echo
	@echo 'Targets:'
	@echo '  all (default)    build every target whose cross compiler is installed (the'
	@echo '                   others are skipped with the reason) and build/host/charon'
	@echo '  deps             scripts/install-deps: apt-install what is missing'
	@echo '  static-charon    the charon CLI linked -static for ARCH= (default: arm64 arm'
	@echo '                   x86_64 ppc64le): $$(O)/<arch>/charon-static'
	@echo '  check-kernels    boot the other kernel sets ($(OTHER_KERNEL_SETS)) through the'
	@echo '                   stub in QEMU (not in make check: slow)'
	@echo '  hostile          every CLI entry point fed damaged input, under ASan+UBSan:'
	@echo '                   totals of clean errors, signals, hangs (HOSTILE_ARGS=...)'
	@echo '  capture-crash-roots  refresh the kdump test roots (tests/unit/data/'
	@echo '                   crash-roots/) from QEMU guests; not in make check'
	@echo '  soak             SOAK_KEXECS (20) kexecs in a row in one VM per arch'
	@echo '                   (SOAK_ARCHES, SOAK_JOBS at a time); not in make check'
	@echo '  kdump-compare    the kdump scenario once with charon load --crash, once with'
	@echo "                   kexec-tools' kexec -p per arch (KDUMP_COMPARE_ARCHES): a"
	@echo '                   markdown table (docs/kdump.md); not in make check'
	@echo '  fuzz             build the libFuzzer targets (clang), seed their corpora and'
	@echo '                   run each FUZZ_SECONDS (60); crashes: $$(O)/fuzz/crashes/'
	@echo '  bench            SHA-256 throughput, ours vs OpenSSL (ratios)'
	@echo '  bench-callgrind  instructions per byte of our portable SHA-256'
	@echo '  print-flags      with ARCH=: show the compiler and freestanding flags'
	@echo '  clean            remove $$(O)'
	@echo
	@echo 'Variables:'
	@echo '  ARCH=<a>         one of: $(ARCHES)'
	@echo '  CROSS_COMPILE=p  toolchain prefix (default per ARCH, e.g. aarch64-linux-gnu-)'
	@echo '  O=dir            build directory (default: build)'
	@echo '  V=1              show full commands'
	@echo '  PYTEST_ARGS=...  extra pytest arguments for make check (e.g. -k sha256)'
	@echo '  FUZZ_SECONDS=n   make fuzz: seconds per target (default 60)'
	@echo '  FUZZ_JOBS=n      make fuzz: targets run at a time (default 1)'
	@echo '  FUZZ_TARGETS=... make fuzz: which targets (default: all)'
	@echo '  KERNEL_SET=s     the Debian kernels booted: bookworm (default, Linux 6.1)'
	@echo '                   or trixie (Linux 6.12); $$(O)/kernels/<set>/<arch>/'
	@echo '  KERNEL_SETS=...  the sets make check runs the kernel-dependent unit tests'
	@echo '                   against (default: bookworm trixie)'
	@echo '  RUN_ARCH=<a>     the arch make run boots: arm64 (default), arm, x86_64,'
	@echo '                   ppc64le; ARCH=<a> works too'
	@echo '  RUN_APPEND=...   the kernel command line make run passes'

.PHONY: all deps check check-build check-kernels run bench bench-callgrind clean help
