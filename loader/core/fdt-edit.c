// SPDX-License-Identifier: MIT
/*
 * Editing a device tree through libfdt for a boot: /chosen bootargs and
 * initrd, the stub's /memreserve/ (recorded in /chosen, dropped again by
 * the next edit).  The tree is opened into a buffer of its own and packed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <charon/fdt.h>

typedef unsigned long long ull;

/**
 * charon_fdt_edit_room() - bytes charon_fdt_edit() opens the tree into
 * @fdt: a checked device tree
 * @e: the edits
 *
 * Return: the tree's packed size (its totalsize may include padding, as
 * QEMU's 1 MiB trees do) plus room for the new properties and
 * reservations; an upper bound of the edited, packed tree.
 */
size_t charon_fdt_edit_room(const void *fdt, const struct charon_fdt_edit *e)
{
	int nr = fdt_num_mem_rsv(fdt);
	size_t room;

	/* what fdt_open_into() needs: header, reservations, blocks */
	room = 40 + (size_t)(nr > 0 ? nr + 1 : 1) * 16 +
	       fdt_size_dt_struct(fdt) + fdt_size_dt_strings(fdt) + 1024;
	if (fdt_version(fdt) < 17) {
		/* no size_dt_struct: the whole tree is the bound */
		room = fdt_totalsize(fdt) + 1024;
	}

	if (e->bootargs) {
		room += strlen(e->bootargs) + 64;
	}
	room += 2 * 64;				/* linux,initrd-start/end */
	room += 64;				/* CHARON_FDT_STUB_PROP */
	room += (e->nr_rsv + 2) * 16;		/* memreserve entries */
	return (room + 7) & ~(size_t)7;
}

static int set_chosen(void *fdt, const struct charon_fdt_edit *e)
{
	int chosen, rc;

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND) {
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	}
	if (chosen < 0) {
		return chosen;
	}
	if (e->bootargs) {
		rc = fdt_setprop_string(fdt, chosen, "bootargs", e->bootargs);
		if (rc) {
			return rc;
		}
	}
	if (e->stub.size) {
		fdt64_t v[2] = { cpu_to_fdt64(e->stub.start),
				 cpu_to_fdt64(e->stub.size) };

		rc = fdt_setprop(fdt, chosen, CHARON_FDT_STUB_PROP, v,
				 sizeof(v));
	} else {
		rc = fdt_delprop(fdt, chosen, CHARON_FDT_STUB_PROP);
		rc = rc == -FDT_ERR_NOTFOUND ? 0 : rc;
	}
	if (rc) {
		return rc;
	}
	if (e->initrd) {
		rc = fdt_setprop_u64(fdt, chosen, "linux,initrd-start",
				     e->initrd_start);
		if (!rc) {
			rc = fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
					     e->initrd_end);
		}
		return rc;
	}
	/* a stale initrd from the input tree must not survive */
	rc = fdt_delprop(fdt, chosen, "linux,initrd-start");
	if (rc && rc != -FDT_ERR_NOTFOUND) {
		return rc;
	}
	rc = fdt_delprop(fdt, chosen, "linux,initrd-end");
	if (rc && rc != -FDT_ERR_NOTFOUND) {
		return rc;
	}
	return 0;
}

/**
 * charon_fdt_edit() - apply the boot's edits to a copy of a tree
 * @name: file name, for messages
 * @fdt: a checked device tree (not modified)
 * @e: the edits: /chosen bootargs (if given), linux,initrd-start/-end as
 *	64-bit values (or their removal), /memreserve/ entries to add, the
 *	stub's entry (an earlier stub's entry is dropped)
 * @out: set to the edited, packed tree (malloc'd; free() it)
 * @out_len: its size (fdt_totalsize)
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_fdt_edit(const char *name, const void *fdt,
		    const struct charon_fdt_edit *e, void **out,
		    size_t *out_len, struct charon_err *err)
{
	size_t room = charon_fdt_edit_room(fdt, e);
	unsigned int i;
	void *buf;
	int rc, old;

	/*
	 * fdt_open_into() moves a tree with ordered blocks whole, padding
	 * included: give it totalsize plus the room for the edits; fdt_pack()
	 * drops the padding afterwards.
	 */
	room += fdt_totalsize(fdt);

	*out = NULL;
	*out_len = 0;
	if (e->initrd && e->initrd_end < e->initrd_start) {
		return charon_errf(err, -EINVAL,
				   "dtb: %s: initrd end 0x%llx is below its start 0x%llx",
				   name, (ull)e->initrd_end,
				   (ull)e->initrd_start);
	}
	if (room > INT32_MAX) {
		return charon_errf(err, -EFBIG, "dtb: %s: too large to edit", name);
	}
	buf = malloc(room);
	if (!buf) {
		return charon_errf(err, -ENOMEM, "dtb: %s: out of memory", name);
	}
	rc = fdt_open_into(fdt, buf, (int)room);
	old = rc ? -1 : charon_fdt_old_stub_rsv(buf);
	if (old >= 0) {
		rc = fdt_del_mem_rsv(buf, old);
	}
	if (!rc) {
		rc = set_chosen(buf, e);
	}
	for (i = 0; !rc && i < e->nr_rsv; i++) {
		rc = fdt_add_mem_rsv(buf, e->rsv[i].start, e->rsv[i].size);
	}
	if (!rc && e->stub.size) {
		rc = fdt_add_mem_rsv(buf, e->stub.start, e->stub.size);
	}
	if (!rc) {
		rc = fdt_pack(buf);
	}
	/*
	 * Before v17 libfdt does not bound strings by size_dt_strings, so a
	 * tree may pass charon_fdt_check() with one running past it;
	 * fdt_open_into() makes a v17 tree and cuts it.  Never hand on a
	 * tree that is not sound.
	 */
	if (!rc) {
		rc = fdt_check_full(buf, fdt_totalsize(buf));
	}
	if (rc) {
		free(buf);
		return charon_errf(err, -EINVAL, "dtb: %s: editing failed: %s",
				   name, fdt_strerror(rc));
	}
	*out = buf;
	*out_len = fdt_totalsize(buf);
	return 0;
}
