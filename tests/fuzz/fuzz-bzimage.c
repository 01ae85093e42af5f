// SPDX-License-Identifier: MIT
/*
 * The x86 bzImage and its boot_params, the way the x86_64 plan uses them
 * for `charon qemu`: charon_x86_image_open(), QEMU's e820 map for a
 * machine and RAM size, its RAM in [1 MiB, 4 GiB) as the layout's,
 * charon_x86_place_boot() (kernel, initrd, boot_params, command line),
 * then charon_x86_boot_params() with the addresses it chose.
 *
 * Input: u8 flags (bit 0 pc instead of q35, bit 1 the 32-bit entry, bit 2
 * place after the kernel instead of high, bit 3 an AMD CPU), u16 the
 * command line's length (mod 4096), u16 RAM in MiB, u32 the initrd's
 * size (0: none), u32 the ACPI RSDP, then the bzImage.
 */
#include <charon/bootparams.h>
#include <charon/image-x86.h>

#include "fuzz.h"

#define RAM_MIN		((uint64_t)1 << 20)
#define RAM_END		((uint64_t)1 << 32)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int flags = (unsigned int)fuzz_take(&in, 1);
	size_t cmdline_len = fuzz_take(&in, 2) % 4096;
	uint64_t ram = fuzz_take(&in, 2) << 20;
	uint64_t initrd = fuzz_take(&in, 4);
	uint64_t rsdp = fuzz_take(&in, 4);
	bool entry32 = flags & 2;
	struct charon_x86_boot_in bi = { 0 };
	struct charon_err err = { "" };
	static struct charon_layout l;
	struct charon_x86_place place;
	struct charon_x86_image img;
	static struct charon_e820 e820;
	static uint8_t bp[CHARON_BP_SIZE];
	char *cmdline = NULL;

	fuzz_quiet();
	if (charon_x86_image_open("fuzz", in.p, in.n, &img, &err)) {
		return 0;
	}
	charon_x86_image_pm(&img);
	memset(&l, 0, sizeof(l));
	if (charon_e820_qemu(flags & 1 ? CHARON_QEMU_X86_PC : CHARON_QEMU_X86_Q35,
			     ram, flags & 8 ? CHARON_QEMU_E820_AMD_HT : 0, &e820,
			     &err) ||
	    charon_e820_layout(&e820, RAM_MIN, RAM_END, &l, &err) || !l.nr_ram) {
		goto out;
	}
	if (charon_x86_place_boot(&l, &img, cmdline_len, initrd, entry32,
				  flags & 4 ? CHARON_X86_AFTER_KERNEL :
				  CHARON_X86_HIGH, RAM_END, &place, &err)) {
		goto out;
	}
	cmdline = malloc(cmdline_len + 1);
	if (!cmdline) {
		goto out;
	}
	memset(cmdline, 'a', cmdline_len);
	cmdline[cmdline_len] = '\0';
	bi.kernel_addr = place.kernel.addr;
	bi.entry32 = entry32;
	bi.cmdline = cmdline;
	bi.cmdline_addr = place.cmdline_addr;
	bi.initrd_addr = place.initrd_addr;
	bi.initrd_size = initrd;
	bi.acpi_rsdp = rsdp;
	bi.e820 = &e820;
	charon_x86_boot_params("fuzz", &img, &bi, bp, &err);
out:
	free(cmdline);
	charon_x86_image_free(&img);
	return 0;
}
