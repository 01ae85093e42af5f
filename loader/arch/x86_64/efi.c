// SPDX-License-Identifier: MIT
/*
 * x86_64 on UEFI: the next kernel keeps EFI (docs/kexec.md, "UEFI").
 *
 * A kernel that finds efi_info in boot_params and a SETUP_EFI entry on
 * its setup_data list boots in "kexec mode" (arch/x86/platform/efi:
 * efi_setup, kexec_enter_virtual_mode()): it does not call
 * SetVirtualAddressMap() again, which UEFI allows only once per boot, but
 * maps every runtime region at the virtual address the first kernel gave
 * it, and takes the firmware vendor string and the configuration table
 * from SETUP_EFI, since the system table's own pointers are virtual by
 * now.  The loader gives it what Linux's kexec_file_load does
 * (setup_efi_state()), read by charon_live_x86_efi(): one segment "efi"
 *
 *	0x00	struct setup_data { next, type SETUP_EFI, len 96 }
 *	0x10	struct efi_setup_data { fw_vendor, 0, tables, smbios, 0... }
 *	0x70	the runtime map, 40-byte efi_memory_desc_t each
 *
 * and in boot_params: efi_info (signature, system table and descriptor
 * version as the running kernel was given them; descriptor size 40, the
 * map's address and size), secure_boot, and setup_data pointing at the
 * segment.  The stub verifies it as any other region.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <charon/boot.h>
#include <charon/bytes.h>
#include <charon/util.h>

#include "x86_64.h"

#define MAP_OFFSET	(CHARON_SETUP_DATA_HDR + CHARON_EFI_SETUP_DATA_SIZE)

static const struct charon_live_efi *live_efi(const struct charon_boot_opts *o)
{
	return o->live && o->live->efi.have ? &o->live->efi : NULL;
}

/* 3. the segment, as high as it fits below @max_end; none without EFI */
int charon_x86_efi_place(const struct charon_boot_opts *o,
			 struct charon_boot *b, uint64_t max_end,
			 struct charon_err *err)
{
	const struct charon_live_efi *e = live_efi(o);
	struct charon_boot_x86 *x = &b->kernel.x86;
	uint64_t addr;
	int rc;

	x->efi_addr = 0;
	x->efi_size = 0;
	if (!e) {
		return 0;
	}
	x->efi_size = MAP_OFFSET + (uint64_t)e->nr_map * CHARON_EFI_DESC_SIZE;
	rc = charon_layout_pick(&b->layout, "efi", x->efi_size, 16, true, 0,
				max_end, &addr, err);
	if (!rc && !charon_layout_add_at(&b->layout, "efi", x->efi_size, 16,
					 CHARON_PLACE_FIXED, addr, err)) {
		rc = -EINVAL;
	}
	if (rc) {
		charon_err_prefix(err, "efi (SETUP_EFI and the runtime map): ");
		return rc;
	}
	x->efi_addr = addr;
	return 0;
}

/* 4. the segment's bytes, and boot_params' EFI fields pointing at them */
int charon_x86_efi_data(const struct charon_boot_opts *o,
			struct charon_boot *b, uint8_t *bp,
			struct charon_err *err)
{
	const struct charon_live_efi *e = live_efi(o);
	struct charon_boot_x86 *x = &b->kernel.x86;
	struct charon_boot_seg *s;
	uint64_t map = x->efi_addr + MAP_OFFSET;
	uint8_t *d, *p;
	unsigned int i;

	if (!e || !x->efi_addr) {
		return 0;
	}
	d = calloc(1, x->efi_size);
	if (!d) {
		return charon_errf(err, -ENOMEM, "efi: out of memory");
	}
	/* the list's head: whatever the kernel's header had (0) goes next */
	charon_put64(d, charon_get64(bp + CHARON_BP_SETUP_DATA, CHARON_LE),
		     CHARON_LE);
	charon_put32(d + 8, CHARON_SETUP_EFI, CHARON_LE);
	charon_put32(d + 12, CHARON_EFI_SETUP_DATA_SIZE, CHARON_LE);
	p = d + CHARON_SETUP_DATA_HDR;
	charon_put64(p, e->fw_vendor, CHARON_LE);
	charon_put64(p + 16, e->tables, CHARON_LE);
	charon_put64(p + 24, e->smbios, CHARON_LE);
	for (i = 0; i < e->nr_map; i++) {
		p = d + MAP_OFFSET + (size_t)i * CHARON_EFI_DESC_SIZE;
		charon_put32(p, e->map[i].type, CHARON_LE);
		charon_put64(p + 8, e->map[i].phys, CHARON_LE);
		charon_put64(p + 16, e->map[i].virt, CHARON_LE);
		charon_put64(p + 24, e->map[i].pages, CHARON_LE);
		charon_put64(p + 32, e->map[i].attr, CHARON_LE);
	}
	memcpy(bp + CHARON_BP_EFI_INFO, e->info, sizeof(e->info));
	charon_put32(bp + CHARON_BP_EFI_MEMDESC_SIZE, CHARON_EFI_DESC_SIZE,
		     CHARON_LE);
	charon_put32(bp + CHARON_BP_EFI_MEMMAP, (uint32_t)map, CHARON_LE);
	charon_put32(bp + CHARON_BP_EFI_MEMMAP_HI, (uint32_t)(map >> 32),
		     CHARON_LE);
	charon_put32(bp + CHARON_BP_EFI_MEMMAP_SIZE,
		     e->nr_map * CHARON_EFI_DESC_SIZE, CHARON_LE);
	bp[CHARON_BP_SECURE_BOOT] = e->secure_boot;
	charon_put64(bp + CHARON_BP_SETUP_DATA, x->efi_addr, CHARON_LE);
	s = charon_boot_add_seg(b, "efi", "/sys/firmware/efi/runtime-map", d,
				x->efi_size);
	s->modified = true;
	s->addr = x->efi_addr;
	s->mem_size = x->efi_size;
	return 0;
}
