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

