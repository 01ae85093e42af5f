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

/* how many nodes @fdt has: the bound of the memory nodes' properties */
static int fdt_num_nodes(const void *fdt)
{
	int n = 0, off, depth = 0;

	for (off = fdt_next_node(fdt, -1, &depth); off >= 0;
	     off = fdt_next_node(fdt, off, &depth)) {
		n++;
	}
	return n;
}

/* @r as the root's <address size> cells (1 or 2 each) into @out */
static int put_cells(const void *fdt, const struct charon_mem_range *r,
		     unsigned int nr, fdt32_t *out, int *len)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	unsigned int i;
	int n = 0;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		return -FDT_ERR_BADNCELLS;
	}
	for (i = 0; i < nr; i++) {
		if ((ac == 1 && r[i].start >> 32) ||
		    (sc == 1 && r[i].size >> 32)) {
			return -FDT_ERR_BADVALUE;
		}
		if (ac == 2) {
			out[n++] = cpu_to_fdt32((uint32_t)(r[i].start >> 32));
		}
		out[n++] = cpu_to_fdt32((uint32_t)r[i].start);
		if (sc == 2) {
			out[n++] = cpu_to_fdt32((uint32_t)(r[i].size >> 32));
		}
		out[n++] = cpu_to_fdt32((uint32_t)r[i].size);
	}
	*len = n * (int)sizeof(fdt32_t);
	return 0;
}

static int set_or_del(void *fdt, int node, const char *prop,
		      const struct charon_mem_range *r, unsigned int nr)
{
	fdt32_t v[4 * CHARON_FDT_MAX_USABLE];
	int len, rc;

	if (!nr) {
		rc = fdt_delprop(fdt, node, prop);
		return rc == -FDT_ERR_NOTFOUND ? 0 : rc;
	}
	rc = put_cells(fdt, r, nr, v, &len);
	return rc ?: fdt_setprop(fdt, node, prop, v, len);
}

/*
 * kdump's properties, or the removal of stale ones; after set_chosen():
 * a memory node's edit moves every node after it, /chosen too
 */
static int set_kdump(void *fdt, const struct charon_fdt_edit *e)
{
	bool in_nodes = e->usable_memory;
	int rc = 0, node, chosen;

	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						  "memory", 7);
	     !rc && node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
						  "memory", 7)) {
		rc = set_or_del(fdt, node, "linux,usable-memory", e->usable,
				in_nodes ? e->nr_usable : 0);
	}
	chosen = fdt_path_offset(fdt, "/chosen");
	if (rc || chosen < 0) {
		return rc ?: chosen;
	}
	rc = set_or_del(fdt, chosen, "linux,elfcorehdr", &e->elfcorehdr,
			e->elfcorehdr.size ? 1 : 0);
	return rc ?: set_or_del(fdt, chosen, "linux,usable-memory-range",
				e->usable, in_nodes ? 0 : e->nr_usable);
}

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
	if (e->elfcorehdr.size || e->nr_usable) {
		/* the /chosen pair and range list, or one list per node */
		room += 2 * 64 + 16 * (size_t)e->nr_usable;
		if (e->usable_memory) {
			room += (size_t)(fdt_num_nodes(fdt) + 1) *
				(32 + 16 * (size_t)e->nr_usable);
		}
	}
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
	if (!rc) {
		rc = set_kdump(buf, e);
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
