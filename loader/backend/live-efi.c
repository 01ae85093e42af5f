// SPDX-License-Identifier: MIT
/*
 * What a UEFI boot adds to the running system's picture (charon load,
 * docs/kexec.md "arm64 booted through UEFI with ACPI"): the console and
 * the PSCI conduit from ACPI where the tree names neither, and the
 * "reserved" ranges of /proc/iomem that must stay untouched.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charon/acpi.h>
#include <charon/bytes.h>
#include <charon/live.h>

typedef unsigned long long ull;

/*
 * EFI on a tree arch: every "reserved" range nested in System RAM is kept
 * out.  arm64 Linux lists its memblock reservations there, the EFI
 * MEMRESERVE table's entries (GICv3 LPI tables) and the firmware's
 * runtime regions included; the EFI table itself is not in sysfs.  They
 * are merged (touching ones, then the closest) into at most
 * CHARON_LIVE_MAX_RESERVED keep-outs: a gap merged over is kept out too,
 * never the other way round.
 */
int charon_live_efi_reserved(const char *name, const char *text,
			      struct charon_live *lv, struct charon_err *err)
{
	struct charon_mem_range r[256], t;
	unsigned int n = 0, i, j, best;
	const char *line, *nl;
	ull start, end;
	int pos;

	for (line = text; *line; line = nl ? nl + 1 : line + strlen(line)) {
		size_t indent = strspn(line, " ");

		nl = strchr(line, '\n');
		pos = 0;
		if (!indent || sscanf(line + indent, "%llx-%llx : %n", &start,
				      &end, &pos) != 2 || !pos ||
		    strncmp(line + indent + pos, "reserved", 8) ||
		    (line[indent + pos + 8] != '\n' &&
		     line[indent + pos + 8] != '\0')) {
			continue;
		}
		if (n == sizeof(r) / sizeof(r[0])) {
			return charon_errf(err, -ENOSPC,
					   "%s: more than %zu nested \"reserved\" ranges",
					   name, sizeof(r) / sizeof(r[0]));
		}
		r[n].start = start;
		r[n++].size = end - start + 1;	/* checked by the parse */
	}
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && r[j - 1].start > r[j].start; j--) {
			t = r[j];
			r[j] = r[j - 1];
			r[j - 1] = t;
		}
	}
	/* overlapping or touching ranges are one */
	for (i = 0, j = 0; i < n; i++) {
		if (j && r[i].start <= r[j - 1].start + r[j - 1].size) {
			end = r[i].start + r[i].size;
			if (end > r[j - 1].start + r[j - 1].size) {
				r[j - 1].size = end - r[j - 1].start;
			}
		} else {
			r[j++] = r[i];
		}
	}
	n = j;
	/* too many: the two closest become one, gap included */
	while (n > CHARON_LIVE_MAX_RESERVED) {
		for (best = 0, j = 1; j + 1 < n; j++) {
			if (r[j + 1].start - (r[j].start + r[j].size) <
			    r[best + 1].start - (r[best].start + r[best].size)) {
				best = j;
			}
		}
		r[best].size = r[best + 1].start + r[best + 1].size -
			       r[best].start;
		memmove(&r[best + 1], &r[best + 2],
			(n - best - 2) * sizeof(r[0]));
		n--;
	}
	for (i = 0; i < n; i++) {
		int rc = charon_live_add_keepout(lv, "reserved (EFI, /proc/iomem)",
				     r[i].start, r[i].size, err);

		if (rc) {
			return rc;
		}
	}
	return 0;
}

/*
 * arm64 on ACPI: the console (SPCR) and the PSCI conduit (FACP), for a
 * tree that names neither; a table the stub cannot use is a warning
 */
int charon_live_acpi(const char *root, struct charon_live *lv,
		     struct charon_err *err)
{
	static const char spcr[] = "/sys/firmware/acpi/tables/SPCR";
	static const char facp[] = "/sys/firmware/acpi/tables/FACP";
	struct charon_err why = { "" };
	uint8_t *t;
	size_t len;
	int rc;

	rc = charon_live_read_file(root, spcr, &t, &len, true, err);
	if (rc) {
		return rc;
	}
	if (t && !charon_acpi_spcr(spcr, t, len, &lv->acpi_con, &why)) {
		lv->have_acpi_con = true;
	} else if (t) {
		charon_warnf("%s; no console from ACPI", why.msg);
	}
	free(t);
	rc = charon_live_read_file(root, facp, &t, &len, true, err);
	if (rc) {
		return rc;
	}
	if (t && !charon_acpi_fadt_psci(facp, t, len, &lv->acpi_psci, &why)) {
		lv->have_acpi_psci = true;
	} else if (t) {
		charon_warnf("%s; no PSCI from ACPI", why.msg);
	}
	free(t);
	return 0;
}


/* a "0x..." sysfs number; *have false (and 0 returned) if it is missing */
static int read_number(const char *root, const char *path, uint64_t *v,
		       bool *have, struct charon_err *err)
{
	uint8_t *d;
	size_t len;
	char *end;
	int rc;

	*have = false;
	rc = charon_live_read_file(root, path, &d, &len, true, err);
	if (rc || !d) {
		return rc;
	}
	d[len] = '\0';	/* charon_read_file() leaves room */
	errno = 0;
	*v = strtoull((char *)d, &end, 0);
	if (end == (char *)d || errno || (*end && *end != '\n')) {
		rc = charon_errf(err, -EINVAL,
				 "%s%s: \"%.*s\" is not a number", root, path,
				 (int)strcspn((char *)d, "\n"), (char *)d);
	}
	free(d);
	*have = !rc;
	return rc;
}

static int no_efi(const char *why, const char *root, const char *path)
{
	charon_warnf("%s%s: %s: the next kernel gets no EFI (no efivars, no EFI runtime services)",
		     root, path, why);
	return 0;
}

/* runtime-map entry @n: its five files, checked */
static int read_desc(const char *root, unsigned int n,
		     struct charon_efi_desc *d, bool *have,
		     struct charon_err *err)
{
	static const char *const field[] = {
		"type", "phys_addr", "virt_addr", "num_pages", "attribute",
	};
	uint64_t v[5];
	char path[512];
	unsigned int i;
	bool got;
	int rc;

	for (i = 0; i < 5; i++) {
		snprintf(path, sizeof(path),
			 "/sys/firmware/efi/runtime-map/%u/%s", n, field[i]);
		rc = read_number(root, path, &v[i], &got, err);
		if (rc) {
			return rc;
		}
		if (!got && i == 0) {
			*have = false;
			return 0;	/* the end of the map */
		}
		if (!got) {
			return charon_errf(err, -ENOENT, "%s%s: missing", root,
					   path);
		}
	}
	snprintf(path, sizeof(path), "%s/sys/firmware/efi/runtime-map/%u",
		 root, n);
	if (v[0] > UINT32_MAX) {
		return charon_errf(err, -EINVAL, "%s/type: 0x%llx is not a 32-bit EFI memory type",
				   path, (ull)v[0]);
	}
	if (v[1] % 4096 || !v[3] || v[3] > (UINT64_MAX - v[1]) / 4096 + 1) {
		return charon_errf(err, -EINVAL, "%s: phys_addr 0x%llx, num_pages 0x%llx: not a page-aligned range inside 64 bits",
				   path, (ull)v[1], (ull)v[3]);
	}
	if (!(v[4] & CHARON_EFI_MEMORY_RUNTIME)) {
		return charon_errf(err, -EINVAL, "%s/attribute: 0x%llx lacks EFI_MEMORY_RUNTIME (bit 63): not a runtime region",
				   path, (ull)v[4]);
	}
	d->type = (uint32_t)v[0];
	d->phys = v[1];
	d->virt = v[2];
	d->pages = v[3];
	d->attr = v[4];
	*have = true;
	return 0;
}

/*
 * x86_64 booted through 64-bit UEFI: what the next kernel needs to keep
 * EFI, as Linux's own kexec_file_load gives it (arch/x86/kernel/
 * kexec-bzimage64.c, setup_efi_state()): efi_info and secure_boot from
 * the boot_params this kernel was started with, the runtime regions with
 * the virtual addresses SetVirtualAddressMap() fixed, and the firmware
 * vendor, configuration table and SMBIOS addresses.  Anything missing is
 * a warning: the kexec still works, without EFI.  A runtime region inside
 * System RAM (boot services data the kernel kept for the firmware) is
 * kept out of the layout.
 */
int charon_live_x86_efi(const char *root, struct charon_live *lv,
			struct charon_err *err)
{
	static const char bpd[] = "/sys/kernel/boot_params/data";
	struct charon_live_efi *e = &lv->efi;
	char name[CHARON_SEG_NAME_LEN];
	uint8_t *d;
	size_t len;
	bool got;
	unsigned int i, j;
	int rc;

	memset(e, 0, sizeof(*e));
	rc = charon_live_read_file(root, "/sys/firmware/efi/systab", &d, &len,
				   true, err);
	if (rc || !d) {
		return rc;	/* not booted through UEFI */
	}
	d[len] = '\0';
	e->smbios = charon_systab_value((char *)d, "SMBIOS=");
	free(d);
	rc = charon_live_read_file(root, bpd, &d, &len, true, err);
	if (rc || !d) {
		return rc ?: no_efi("missing", root, bpd);
	}
	if (len < 0x1f0) {
		free(d);
		return charon_errf(err, -EINVAL, "%s%s: %zu bytes, too short for boot_params (efi_info at 0x1c0, secure_boot at 0x1ec)",
				   root, bpd, len);
	}
	memcpy(e->info, d + CHARON_EFI_INFO_OFFSET, sizeof(e->info));
	e->secure_boot = d[0x1ec];
	free(d);
	if (charon_get32(e->info, CHARON_LE) != CHARON_EFI_SIGNATURE_EL64) {
		return no_efi("efi_loader_signature is not \"EL64\" (a 32-bit UEFI)",
			      root, bpd);
	}
	rc = read_number(root, "/sys/firmware/efi/fw_vendor", &e->fw_vendor,
			 &got, err);
	if (rc || !got) {
		return rc ?: no_efi("missing", root,
				    "/sys/firmware/efi/fw_vendor");
	}
	rc = read_number(root, "/sys/firmware/efi/config_table", &e->tables,
			 &got, err);
	if (rc || !got) {
		return rc ?: no_efi("missing", root,
				    "/sys/firmware/efi/config_table");
	}
	for (i = 0; ; i++) {
		struct charon_efi_desc one;

		rc = read_desc(root, i, &one, &got, err);
		if (rc || !got) {
			break;
		}
		if (i == CHARON_LIVE_EFI_MAP_MAX) {
			return charon_errf(err, -ENOSPC, "%s/sys/firmware/efi/runtime-map: more than %d entries",
					   root, CHARON_LIVE_EFI_MAP_MAX);
		}
		e->map[i] = one;
	}
	if (rc) {
		return rc;
	}
	if (!i) {
		return no_efi("missing or empty (the running kernel needs CONFIG_EFI_RUNTIME_MAP and EFI runtime services)",
			      root, "/sys/firmware/efi/runtime-map");
	}
	e->nr_map = i;
	e->have = true;
	for (i = 0; i < e->nr_map; i++) {
		uint64_t a = e->map[i].phys, n = e->map[i].pages * 4096;

		for (j = 0; j < lv->nr_ram; j++) {
			const struct charon_mem_range *r = &lv->ram[j];

			if (a < r->start + r->size && r->start < a + n) {
				snprintf(name, sizeof(name),
					 "EFI runtime (runtime-map/%u)", i);
				rc = charon_live_add_keepout(lv, name, a, n,
							     err);
				if (rc) {
					return rc;
				}
				break;
			}
		}
	}
	return 0;
}
