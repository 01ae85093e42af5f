// SPDX-License-Identifier: MIT
/*
 * Device tree reading and editing through libfdt.  Nothing here writes
 * FDT bytes by hand; every length read from the tree is checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <abi/params.h>
#include <charon/fdt.h>
#include <charon/util.h>

typedef unsigned long long ull;

/*
 * One walk over the structure block's tags before libfdt sees it: every
 * tag inside the block, every property's length within it (libfdt 1.6.1's
 * fdt_next_tag() does not catch a length that wraps the offset back, and
 * fdt_check_full() then loops forever: found by fuzzing), names
 * NUL-terminated inside it, name offsets inside the strings block.
 */
static int check_struct(const char *name, const void *fdt,
			struct charon_err *err)
{
	const uint8_t *p = fdt;
	uint32_t total = fdt_totalsize(fdt), st = fdt_off_dt_struct(fdt);
	uint32_t strs = fdt_off_dt_strings(fdt);
	uint64_t end, off, n;
	uint32_t tag, plen, nameoff;

	/* the block's end: its size (v17), else the strings or the tree end */
	if (fdt_version(fdt) >= 17) {
		end = (uint64_t)st + fdt_size_dt_struct(fdt);
	} else {
		end = strs > st ? strs : total;
	}
	if (st > total || end > total || st % 4) {
		return charon_errf(err, -EINVAL,
				   "dtb: %s: structure block [0x%x, 0x%llx) (off_dt_struct at 0x8) is not 4-byte aligned inside totalsize 0x%x",
				   name, st, (unsigned long long)end, total);
	}
	for (off = st; off + 4 <= end;) {
		tag = fdt32_ld((const fdt32_t *)(p + off));
		if (tag == FDT_END) {
			return 0;
		}
		if (tag == FDT_END_NODE || tag == FDT_NOP) {
			off += 4;
			continue;
		}
		if (tag == FDT_BEGIN_NODE) {
			const uint8_t *z = memchr(p + off + 4, '\0',
						  end - off - 4);

			if (!z) {
				break;
			}
			off = ((uint64_t)(z - p) + 1 + 3) & ~(uint64_t)3;
			continue;
		}
		if (tag != FDT_PROP || off + 12 > end) {
			break;
		}
		plen = fdt32_ld((const fdt32_t *)(p + off + 4));
		nameoff = fdt32_ld((const fdt32_t *)(p + off + 8));
		n = ((uint64_t)plen + 3) & ~(uint64_t)3;
		if (n > end - off - 12 || nameoff >= fdt_size_dt_strings(fdt)) {
			return charon_errf(err, -EINVAL,
					   "dtb: %s: property at 0x%llx: length 0x%x or name offset 0x%x runs past its block",
					   name, (unsigned long long)off, plen,
					   nameoff);
		}
		off += 12 + n;
	}
	return charon_errf(err, -EINVAL,
			   "dtb: %s: structure block: bad tag or no FDT_END before 0x%llx",
			   name, (unsigned long long)end);
}

/*
 * The reservation map, with its terminating entry, must end before the
 * structure block starts: libfdt does not check that (before v17 it
 * cannot tell the block's size), and fdt_open_into() lays the two out one
 * after the other, so a map that runs into the block grows the tree past
 * what charon_fdt_edit_room() allows (found by fuzzing).
 */
static int check_rsvmap(const char *name, const void *fdt,
			struct charon_err *err)
{
	uint32_t rsv = fdt_off_mem_rsvmap(fdt), st = fdt_off_dt_struct(fdt);
	uint32_t total = fdt_totalsize(fdt);
	const uint8_t *p = fdt;
	uint64_t off;

	/* the entry that ends it has size 0 (libfdt's and Linux's rule) */
	for (off = rsv; off + 16 <= total; off += 16) {
		if (!fdt64_ld((const fdt64_t *)(p + off + 8))) {
			break;
		}
	}
	if (off + 16 > total || (rsv < st && off + 16 > st)) {
		return charon_errf(err, -EINVAL,
				   "dtb: %s: the memory reservation map at 0x%x (off_mem_rsvmap at 0x10) runs %s",
				   name, rsv,
				   off + 16 > total ? "past totalsize without its terminating entry" :
				   "into the structure block (off_dt_struct at 0x8)");
	}
	return 0;
}

/**
 * charon_fdt_check() - check that a buffer holds a sound device tree
 * @name: file name, for messages
 * @fdt: the bytes
 * @len: their length
 * @err: error message on failure
 *
 * Return: 0 or -EINVAL.
 */
int charon_fdt_check(const char *name, const void *fdt, size_t len,
		     struct charon_err *err)
{
	uint32_t magic, total;
	int rc;

	if (len < 40) {
		return charon_errf(err, -EINVAL,
				   "dtb: %s: file is %zu bytes, shorter than the 40-byte FDT header",
				   name, len);
	}
	magic = fdt_magic(fdt);
	if (magic != FDT_MAGIC) {
		return charon_errf(err, -EINVAL,
				   "dtb: %s: magic at 0x0 is 0x%08x, expected 0x%08x (flattened device tree)",
				   name, magic, FDT_MAGIC);
	}
	total = fdt_totalsize(fdt);
	if (total > len) {
		return charon_errf(err, -EINVAL,
				   "dtb: %s: totalsize at 0x4 is 0x%x, but the file has only 0x%zx bytes",
				   name, total, len);
	}
	/*
	 * Before v16 node names were full paths; libfdt's handling of such
	 * trees is little used (1.6.1's fdt_check_full() dereferences NULL
	 * on some), and no current producer writes them (dtc, QEMU, Linux:
	 * v17).
	 */
	if (fdt_version(fdt) < 16) {
		return charon_errf(err, -EINVAL,
				   "dtb: %s: version at 0x14 is %u; device trees before version 16 are not supported",
				   name, fdt_version(fdt));
	}
	rc = check_struct(name, fdt, err);
	if (rc) {
		return rc;
	}
	rc = fdt_check_full(fdt, len);
	if (rc) {
		return charon_errf(err, -EINVAL, "dtb: %s: invalid device tree: %s",
				   name, fdt_strerror(rc));
	}
	return check_rsvmap(name, fdt, err);
}

/* read @cells big-endian cells (1 or 2) as one number */
static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < cells; i++) {
		v = v << 32 | fdt32_to_cpu(p[i]);
	}
	return v;
}

/* a node's path for messages: damaged names are escaped */
static void node_path(const void *fdt, int node, char *buf, int len)
{
	char raw[256];

	if (fdt_get_path(fdt, node, raw, sizeof(raw)) < 0) {
		snprintf(buf, (size_t)len, "(node at 0x%x)", node);
		return;
	}
	charon_printable(buf, (size_t)len, raw, sizeof(raw));
}

/* #address-cells / #size-cells of a bus node, limited to what we read */
static int bus_cells(const char *name, const void *fdt, int bus, int *ac,
		     int *sc, struct charon_err *err)
{
	char path[128];

	*ac = fdt_address_cells(fdt, bus);
	*sc = fdt_size_cells(fdt, bus);
	if (*ac < 1 || *ac > 2 || *sc < 0 || *sc > 2) {
		node_path(fdt, bus, path, sizeof(path));
		return charon_errf(err, -EINVAL,
				   "dtb: %s: %s: #address-cells %d / #size-cells %d, expected 1..2 / 0..2",
				   name, path, *ac, *sc);
	}
	return 0;
}

static bool node_disabled(const void *fdt, int node)
{
	const char *st;
	int len;

	st = fdt_getprop(fdt, node, "status", &len);
	return st && len > 0 && strnlen(st, (size_t)len) < (size_t)len &&
	       strcmp(st, "okay") && strcmp(st, "ok");
}

/* a reservation of the tree, kept out of the layout; size 0 is ignored */
static int add_keepout(struct charon_layout *l, const char *seg_name,
		       uint64_t addr, uint64_t size, struct charon_err *err)
{
	struct charon_segment *s;

	if (size == 0) {
		return 0;
	}
	s = charon_layout_add_at(l, seg_name, size, 1, CHARON_PLACE_KEEPOUT,
				 addr, err);
	if (!s) {
		return -ENOSPC;
	}
	return 0;
}

/*
 * Add each (address, size) pair of @node's reg as RAM, or as a keep-out
 * named @seg_name when that is not NULL.  Returns how many pairs had a
 * non-zero size, or a negative errno code.
 */
static int add_reg(const char *name, const void *fdt, int node, int ac,
		   int sc, struct charon_layout *l, const char *seg_name,
		   struct charon_err *err)
{
	const fdt32_t *reg;
	uint64_t addr, size;
	char path[128];
	int len, n, i, rc, added = 0;

	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg) {
		return 0;
	}
	n = (ac + sc) * 4;
	if (len % n) {
		node_path(fdt, node, path, sizeof(path));
		return charon_errf(err, -EINVAL,
				   "dtb: %s: %s: reg is %d bytes, not a multiple of (#address-cells %d + #size-cells %d) * 4",
				   name, path, len, ac, sc);
	}
	for (i = 0; i < len / n; i++) {
		addr = read_cells(reg + i * (ac + sc), ac);
		size = read_cells(reg + i * (ac + sc) + ac, sc);
		if (seg_name) {
			rc = add_keepout(l, seg_name, addr, size, err);
		} else {
			rc = charon_layout_add_ram(l, addr, size, err);
		}
		if (rc) {
			node_path(fdt, node, path, sizeof(path));
			charon_err_prefix(err, "dtb: %s: %s: ", name, path);
			return rc;
		}
		added += size != 0;
	}
	return added;
}

/**
 * charon_fdt_memory() - add the RAM ranges of the /memory nodes
 * @name: file name, for messages
 * @fdt: a checked device tree
 * @l: the layout to add RAM ranges to
 * @err: error message on failure
 *
 * Reads every enabled root-level node with device_type "memory" (or named
 * memory / memory@...) and its reg, with the root's #address-cells and
 * #size-cells.
 *
 * Return: 0, or -EINVAL (also when no RAM is found).
 */
int charon_fdt_memory(const char *name, const void *fdt,
		      struct charon_layout *l, struct charon_err *err)
{
	int node, ac, sc, len, rc, added = 0;
	const char *dt, *nn;

	rc = bus_cells(name, fdt, 0, &ac, &sc, err);
	if (rc) {
		return rc;
	}
	fdt_for_each_subnode(node, fdt, 0) {
		nn = fdt_get_name(fdt, node, NULL);
		dt = fdt_getprop(fdt, node, "device_type", &len);
		if (dt) {
			if (len != 7 || memcmp(dt, "memory", 7)) {
				continue;
			}
		} else if (!nn || (strcmp(nn, "memory") &&
				   strncmp(nn, "memory@", 7))) {
			continue;
		}
		if (node_disabled(fdt, node)) {
			continue;
		}
		rc = add_reg(name, fdt, node, ac, sc, l, NULL, err);
		if (rc < 0) {
			return rc;
		}
		added += rc;
	}
	if (!added) {
		return charon_errf(err, -EINVAL,
				   "dtb: %s: no /memory node with a non-empty reg property",
				   name);
	}
	return 0;
}

/*
 * The /memreserve/ entry an earlier charon made for its stub (what
 * /chosen's CHARON_FDT_STUB_PROP records), or -1.  That stub is gone
 * once its kernel runs: the range is free again.
 */
int charon_fdt_old_stub_rsv(const void *fdt)
{
	const fdt64_t *v;
	uint64_t addr, size;
	int chosen, len, i, n;

	chosen = fdt_path_offset(fdt, "/chosen");
	v = chosen < 0 ? NULL :
	    fdt_getprop(fdt, chosen, CHARON_FDT_STUB_PROP, &len);
	if (!v || len != 16) {
		return -1;
	}
	n = fdt_num_mem_rsv(fdt);
	for (i = 0; i < n; i++) {
		if (!fdt_get_mem_rsv(fdt, i, &addr, &size) &&
		    addr == fdt64_ld(&v[0]) && size == fdt64_ld(&v[1])) {
			return i;
		}
	}
	return -1;
}

/**
 * charon_fdt_keepouts() - add the tree's existing reservations as keep-outs
 * @name: file name, for messages
 * @fdt: a checked device tree
 * @l: the layout; gets one CHARON_PLACE_KEEPOUT segment per /memreserve/
 *	entry ("memreserve[i]") and per /reserved-memory child with a reg
 *	("reserved-memory/<node>"); not for the entry of an earlier charon
 *	stub (/chosen CHARON_FDT_STUB_PROP), which is free again
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_fdt_keepouts(const char *name, const void *fdt,
			struct charon_layout *l, struct charon_err *err)
{
	char sname[CHARON_SEG_NAME_LEN];
	uint64_t addr, size;
	const char *nn;
	int i, n, rm, node, ac, sc, rc, old = charon_fdt_old_stub_rsv(fdt);

	n = fdt_num_mem_rsv(fdt);
	for (i = 0; i < n; i++) {
		if (i == old || fdt_get_mem_rsv(fdt, i, &addr, &size)) {
			continue;
		}
		snprintf(sname, sizeof(sname), "memreserve[%d]", i);
		rc = add_keepout(l, sname, addr, size, err);
		if (rc) {
			charon_err_prefix(err, "dtb: %s: /memreserve/ entry %d: ",
					  name, i);
			return rc;
		}
	}
	rm = fdt_path_offset(fdt, "/reserved-memory");
	if (rm < 0) {
		return 0;
	}
	rc = bus_cells(name, fdt, rm, &ac, &sc, err);
	if (rc) {
		return rc;
	}
	fdt_for_each_subnode(node, fdt, rm) {
		if (node_disabled(fdt, node)) {
			continue;
		}
		nn = fdt_get_name(fdt, node, NULL);
		memcpy(sname, "reserved-memory/", 16);
		charon_printable(sname + 16, sizeof(sname) - 16, nn ? nn : "?",
				 CHARON_SEG_NAME_LEN);
		rc = add_reg(name, fdt, node, ac, sc, l, sname, err);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

/*
 * Translate a bus address at @node's parent bus up to a CPU physical
 * address through each ancestor's "ranges".  Returns false when the tree
 * does not say (no ranges) or the address is not covered.
 */
static bool translate(const void *fdt, int node, uint64_t *addr)
{
	const fdt32_t *r;
	uint64_t caddr, paddr, size;
	int bus, up, cac, csc, pac, len, n, i;

	bus = fdt_parent_offset(fdt, node);
	while (bus > 0) {
		up = fdt_parent_offset(fdt, bus);
		if (up < 0) {
			return false;
		}
		r = fdt_getprop(fdt, bus, "ranges", &len);
		if (!r) {
			return false;
		}
		if (len == 0) {
			bus = up;
			continue;
		}
		cac = fdt_address_cells(fdt, bus);
		csc = fdt_size_cells(fdt, bus);
		pac = fdt_address_cells(fdt, up);
		if (cac < 1 || cac > 2 || csc < 1 || csc > 2 || pac < 1 ||
		    pac > 2) {
			return false;
		}
		n = cac + pac + csc;
		for (i = 0; i + n <= len / 4; i += n) {
			caddr = read_cells(r + i, cac);
			paddr = read_cells(r + i + cac, pac);
			size = read_cells(r + i + cac + pac, csc);
			if (*addr >= caddr && *addr - caddr < size) {
				*addr = paddr + (*addr - caddr);
				break;
			}
		}
		if (i + n > len / 4) {
			return false;
		}
		bus = up;
	}
	return true;
}

/* aliases that name aliases: as deep as we follow them */
#define ALIAS_HOPS	8

/*
 * The node of a stdout-path (without ":options"): an absolute path, or an
 * alias, possibly followed by "/more", resolved here through /aliases at
 * most ALIAS_HOPS times.  libfdt is handed only absolute paths: its own
 * alias lookup recurses without end on an alias that names itself.
 * Returns the node, or a negative libfdt code with *why set.
 */
static int stdout_node(const void *fdt, const char *sp, int plen,
		       const char **why)
{
	char path[256], next[256];
	const char *val;
	int aliases, hops, n, len;

	if (plen <= 0 || (size_t)plen >= sizeof(path)) {
		*why = plen <= 0 ? "empty" : "longer than 255 bytes";
		return -FDT_ERR_BADPATH;
	}
	memcpy(path, sp, (size_t)plen);
	path[plen] = '\0';
	for (hops = 0; path[0] != '/'; hops++) {
		if (hops == ALIAS_HOPS) {
			*why = "aliases nest more than 8 deep (a loop?)";
			return -FDT_ERR_BADPATH;
		}
		aliases = fdt_path_offset(fdt, "/aliases");
		n = (int)strcspn(path, "/");
		val = aliases < 0 ? NULL :
		      fdt_getprop_namelen(fdt, aliases, path, n, &len);
		if (!val || len <= 0 || strnlen(val, (size_t)len) >= (size_t)len) {
			*why = "not an absolute path, nor an alias in /aliases";
			return -FDT_ERR_NOTFOUND;
		}
		if ((size_t)snprintf(next, sizeof(next), "%s%s", val,
				     path + n) >= sizeof(next)) {
			*why = "its alias expands past 255 bytes";
			return -FDT_ERR_BADPATH;
		}
		memcpy(path, next, sizeof(path));
	}
	return fdt_path_offset(fdt, path);
}

/**
 * charon_fdt_console() - the console /chosen stdout-path points at
 * @name: file name, for messages
 * @fdt: a checked device tree
 * @out: the console descriptor (CHARON_CON_NONE if there is none or it is
 *	of a kind the stub cannot drive), with the node path and its first
 *	compatible string
 * @err: error message on failure
 *
 * stdout-path may be an alias (followed at most 8 deep) and may carry
 * ":options".  "arm,pl011" gives
 * CHARON_CON_PL011 and "ns16550a"/"ns16550" CHARON_CON_NS16550_MMIO with
 * the reg-shift property; base is the node's first reg address translated
 * through the parents' ranges.
 *
 * Return: 0, or -EINVAL for a malformed property.
 */
int charon_fdt_console(const char *name, const void *fdt,
		       struct charon_fdt_console *out, struct charon_err *err)
{
	const fdt32_t *reg, *shift;
	const char *sp, *colon, *compat, *why = NULL;
	int chosen, node, parent, len, plen, ac, sc;
	char psp[128];
	uint64_t base;

	memset(out, 0, sizeof(*out));
	out->con.kind = CHARON_CON_NONE;
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0) {
		return 0;
	}
	sp = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!sp) {
		sp = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	}
	if (!sp) {
		return 0;
	}
	if (len <= 0 || strnlen(sp, (size_t)len) >= (size_t)len) {
		return charon_errf(err, -EINVAL,
				   "dtb: %s: /chosen stdout-path is not a NUL-terminated string",
				   name);
	}
	colon = strchr(sp, ':');
	plen = colon ? (int)(colon - sp) : (int)strlen(sp);
	node = stdout_node(fdt, sp, plen, &why);
	if (node < 0) {
		charon_printable(psp, sizeof(psp), sp, (size_t)len);
		charon_warnf("dtb: %s: /chosen stdout-path \"%s\" does not name a node (%s); no console for the stub",
			     name, psp, why ? why : fdt_strerror(node));
		return 0;
	}
	node_path(fdt, node, out->path, sizeof(out->path));
	compat = fdt_getprop(fdt, node, "compatible", &len);
	if (compat && len > 0) {
		charon_printable(out->compatible, sizeof(out->compatible),
				 compat, (size_t)len);
	}
	if (fdt_node_check_compatible(fdt, node, "arm,pl011") == 0) {
		out->con.kind = CHARON_CON_PL011;
	} else if (fdt_node_check_compatible(fdt, node, "ns16550a") == 0 ||
		   fdt_node_check_compatible(fdt, node, "ns16550") == 0) {
		out->con.kind = CHARON_CON_NS16550_MMIO;
		shift = fdt_getprop(fdt, node, "reg-shift", &len);
		if (shift && len == 4) {
			out->con.reg_shift = fdt32_to_cpu(*shift);
		}
		if (out->con.reg_shift > 4) {
			return charon_errf(err, -EINVAL,
					   "dtb: %s: %s: reg-shift is %u, expected 0..4",
					   name, out->path,
					   out->con.reg_shift);
		}
	} else {
		charon_warnf("dtb: %s: console %s (compatible \"%s\") is not a PL011 or 16550; no console for the stub",
			     name, out->path, out->compatible);
		return 0;
	}
	parent = fdt_parent_offset(fdt, node);
	if (parent < 0) {
		out->con.kind = CHARON_CON_NONE;
		return 0;
	}
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (ac < 1 || ac > 2 || sc < 0 || !reg || len < ac * 4) {
		charon_warnf("dtb: %s: console %s has no usable reg; no console for the stub",
			     name, out->path);
		out->con.kind = CHARON_CON_NONE;
		return 0;
	}
	base = read_cells(reg, ac);
	if (!translate(fdt, node, &base)) {
		charon_warnf("dtb: %s: console %s: reg address 0x%llx cannot be translated through the parents' ranges; no console for the stub",
			     name, out->path, (ull)base);
		out->con.kind = CHARON_CON_NONE;
		return 0;
	}
	out->con.base = base;
	return 0;
}

/**
 * charon_fdt_psci() - the PSCI conduit of an arm or arm64 machine
 * @name: file name, for messages
 * @fdt: a checked device tree
 * @conduit: CHARON_PSCI_NONE, _HVC or _SMC
 * @err: error message on failure
 *
 * Reads "method" of /psci (or of the first node compatible with
 * "arm,psci-0.2" / "arm,psci").
 *
 * Return: 0, or -EINVAL for a method other than "hvc" or "smc".
 */
int charon_fdt_psci(const char *name, const void *fdt, uint32_t *conduit,
		    struct charon_err *err)
{
	char pm[64];
	const char *m;
	int node, len;

	*conduit = CHARON_PSCI_NONE;
	node = fdt_path_offset(fdt, "/psci");
	if (node < 0) {
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	}
	if (node < 0) {
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
	}
	if (node < 0) {
		return 0;
	}
	m = fdt_getprop(fdt, node, "method", &len);
	if (!m) {
		charon_warnf("dtb: %s: PSCI node has no \"method\"; the stub will not use PSCI",
			     name);
		return 0;
	}
	if (len == 4 && !memcmp(m, "hvc", 4)) {
		*conduit = CHARON_PSCI_HVC;
	} else if (len == 4 && !memcmp(m, "smc", 4)) {
		*conduit = CHARON_PSCI_SMC;
	} else {
		charon_printable(pm, sizeof(pm), m, len > 0 ? (size_t)len : 0);
		return charon_errf(err, -EINVAL,
				   "dtb: %s: /psci method is \"%s\", expected \"hvc\" or \"smc\"",
				   name, pm);
	}
	return 0;
}

/**
 * charon_fdt_bootargs() - the tree's /chosen bootargs
 * @name: file name, for messages
 * @fdt: a checked device tree
 * @out: set to the string inside @fdt, or NULL when there is none
 * @err: error message on failure
 *
 * Return: 0, or -EINVAL when bootargs is not a NUL-terminated string.
 */
int charon_fdt_bootargs(const char *name, const void *fdt, const char **out,
			struct charon_err *err)
{
	const char *ba;
	int chosen, len;

	*out = NULL;
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0) {
		return 0;
	}
	ba = fdt_getprop(fdt, chosen, "bootargs", &len);
	if (!ba) {
		return 0;
	}
	if (len <= 0 || strnlen(ba, (size_t)len) >= (size_t)len) {
		return charon_errf(err, -EINVAL,
				   "dtb: %s: /chosen bootargs is not a NUL-terminated string",
				   name);
	}
	*out = ba;
	return 0;
}
