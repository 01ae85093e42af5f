# SPDX-License-Identifier: MIT
# libcharon and the charon CLI, folder by folder (docs/porting.md):
#   core/     the plan, layout, stub and parameter block, device trees,
#             files, digests, errors
#   arch/     the registry, and one folder per arch (its objects.mk)
#   backend/  QEMU, kexec_load(2), the running system, the process runner
#   cli/      the charon command, one file per command
loader-core-y := core/err.o core/util.o core/file.o core/digest.o \
	core/gzip.o core/layout.o core/fdt.o core/fdt-edit.o core/stub.o core/params.o \
	core/plan.o core/hooks.o core/inspect.o core/elfcore.o \
	core/crash-plan.o core/image.o \
	core/acpi.o
loader-arch-y := arch/registry.o
include $(sort $(wildcard loader/arch/*/objects.mk))
loader-backend-y := backend/qemu.o backend/kexec.o backend/live.o backend/live-efi.o \
	backend/proc.o backend/crash.o
loader-y := $(loader-core-y) $(loader-arch-y) $(loader-backend-y)
charon-cli-y := cli/charon.o cli/cli.o cli/cmd-qemu.o cli/cmd-inspect.o \
	cli/cmd-kexec.o cli/cmd-image.o
# lib/ code the host library uses, not re-implemented (lib/objects.mk)
loader-lib-y := rela.o elf.o
