// SPDX-License-Identifier: MIT
/*
 * Chainloader mode (docs/chainloader.md), linked into charon-chain only:
 * the stub is the firmware's "kernel" and carries its payloads after its
 * own memory.  In the order of the boot flow:
 *
 *   3. pg_chain_check(): the descriptor and every copy, before anything
 *      is written: sources inside the image's payloads, destinations
 *      clear of the image and of each other;
 *   4. pg_chainload(): the device tree the kernel gets (an embedded one,
 *      its digest checked first; else the firmware's, from the entry
 *      register or the descriptor's fallback address) says where RAM is
 *      and what is reserved: every destination is checked against it,
 *      then the tree is opened into its own room and the payloads are
 *      moved; the generic flow then hashes them where they landed;
 *   5b. pg_chain_boot_data(): once verified, /chosen gets the command line
 *      (from a verified region) and the initrd, and the tree is packed;
 *      x86_64 (no tree: the PVH start info in ebx is the truth about RAM)
 *      boot_params gets the PVH memory map as its e820 table.
 *
 * libfdt is the kernel's copy (mk/libfdt.mk), with the stub's flags.
 */
#include <libfdt.h>
#include <lib/sha256.h>
#include <purgatory/arch.h>
#include <purgatory/pg.h>
#include <string.h>

typedef unsigned long long ull;

#define PG_MAX_RAM	16
#define PG_MAX_RSV	32

/* x86_64: the PVH start info (Xen's hvm_start_info), version 1 and up */
#define PVH_MAGIC	0x336ec578u
#define PVH_MAX_MAP	128	/* boot_params holds 128 e820 entries */
#define BP_RSDP		0x070	/* boot_params.acpi_rsdp_addr */
#define BP_E820_NR	0x1e8	/* boot_params.e820_entries */
#define BP_E820		0x2d0	/* boot_params.e820_table, 20 bytes each */

struct pg_pvh_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct pg_pvh_mem {
	uint64_t addr;
	uint64_t size;
	uint32_t type;		/* e820 types: 1 is RAM */
	uint32_t reserved;
};

struct pg_range {
	uint64_t start;
	uint64_t len;
};

/* what the tree says: RAM and what must stay untouched */
struct pg_machine {
	struct pg_range ram[PG_MAX_RAM];
	unsigned int nr_ram;
	struct pg_range rsv[PG_MAX_RSV];
	unsigned int nr_rsv;
};

static struct pg_machine pg_mach;

static const struct charon_chain *pg_chain(const struct charon_params *p)
{
	return (const struct charon_chain *)(const void *)(_stub_start +
							   p->chain_offset);
}

static uint64_t pg_image_start(void)
{
	return (uint64_t)(uintptr_t)_stub_start;
}

static int pg_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* a copy's name: the label of the region at its destination, if any */
static void pg_copy_name(const struct charon_params *p, uint64_t dst,
			 char out[CHARON_LABEL_LEN + 1])
{
	int r = pg_region_holding(p, dst, 1);
	unsigned int i;

	out[0] = '\0';
	if (r < 0) {
		return;
	}
	for (i = 0; i < CHARON_LABEL_LEN && p->regions[r].label[i]; i++) {
		char c = p->regions[r].label[i];

		out[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	out[i] = '\0';
}

int pg_chain_room_holds(const struct charon_params *p, uint64_t a,
			uint64_t n)
{
	const struct charon_chain *c = pg_chain(p);

	/* pg_chain_check() has passed: the descriptor is in the image */
	return p->chain_offset && c->fdt_dst && a >= c->fdt_dst &&
	       n <= c->fdt_room && a - c->fdt_dst <= c->fdt_room - n;
}

/* 3. the descriptor and the copies, before anything is written */
int pg_chain_check(const struct charon_params *p)
{
	uint64_t mem = (uint64_t)(_stub_end - _stub_start);
	uint64_t self = pg_image_start(), pay, end;
	const struct charon_chain *c;
	char name[CHARON_LABEL_LEN + 1];
	unsigned int i, j;

	if (!p->chain_offset) {
		if (p->nr_copies) {
			pg_print("charon: params: %u copies but no chain "
				 "descriptor (chain_offset 0)\n", p->nr_copies);
			return -PG_EPARAMS;
		}
		return 0;
	}
	if (p->chain_offset < mem || p->chain_offset % 8) {
		pg_print("charon: params: chain_offset 0x%x is inside the "
			 "stub's own memory (0x%llx bytes: bss, stack) or not "
			 "8-byte aligned\n", p->chain_offset, (ull)mem);
		return -PG_EPARAMS;
	}
	c = pg_chain(p);
	if (c->magic != CHARON_CHAIN_MAGIC || c->size != sizeof(*c)) {
		pg_print("charon: chain: descriptor at image offset 0x%x has "
			 "magic 0x%08x size 0x%x, expected 0x%08x 0x%x\n",
			 p->chain_offset, c->magic, c->size,
			 CHARON_CHAIN_MAGIC, (unsigned int)sizeof(*c));
		return -PG_EPARAMS;
	}
	pay = p->chain_offset + sizeof(*c);
	if (c->image_size < pay || self + c->image_size < self ||
	    self + c->image_size - 1 > arch_addr_limit) {
		pg_print("charon: chain: image_size 0x%llx: the image at "
			 "0x%llx would end before its descriptor or past the "
			 "address space\n", (ull)c->image_size, (ull)self);
		return -PG_EPARAMS;
	}
	end = self + c->image_size;
	if (c->dtb_offset && (c->dtb_offset < pay ||
			      c->dtb_offset > c->image_size ||
			      c->dtb_len > c->image_size - c->dtb_offset ||
			      c->dtb_len < sizeof(struct fdt_header))) {
		pg_print("charon: chain: embedded dtb [0x%llx, +0x%llx) is "
			 "outside the payloads [0x%llx, 0x%llx)\n",
			 (ull)c->dtb_offset, (ull)c->dtb_len, (ull)pay,
			 (ull)c->image_size);
		return -PG_EPARAMS;
	}
	for (i = 0; i < p->nr_copies; i++) {
		const struct charon_copy *k = &p->copies[i];

		pg_copy_name(p, k->dst, name);
		if (k->src_offset < pay || k->src_offset > c->image_size ||
		    k->len > c->image_size - k->src_offset) {
			pg_print("charon: chain: copy %u '%s' source "
				 "[0x%llx, +0x%llx) is outside the payloads "
				 "[0x%llx, 0x%llx)\n", i, name,
				 (ull)k->src_offset, (ull)k->len, (ull)pay,
				 (ull)c->image_size);
			return -PG_EPARAMS;
		}
		if (!k->len || k->dst + k->len < k->dst ||
		    k->dst + k->len - 1 > arch_addr_limit ||
		    pg_overlap(k->dst, k->len, self, end - self)) {
			pg_print("charon: chain: copy %u '%s' destination "
				 "[0x%llx, +0x%llx) is empty, wraps, or overlaps "
				 "the image itself [0x%llx, 0x%llx)\n", i, name,
				 (ull)k->dst, (ull)k->len, (ull)self, (ull)end);
			return -PG_EPARAMS;
		}
		for (j = 0; j < i; j++) {
			if (pg_overlap(k->dst, k->len, p->copies[j].dst,
				       p->copies[j].len)) {
				pg_print("charon: chain: copy %u '%s' overlaps "
					 "copy %u's destination\n", i, name, j);
				return -PG_EPARAMS;
			}
		}
		if (c->fdt_dst && pg_overlap(k->dst, k->len, c->fdt_dst,
					     c->fdt_room)) {
			pg_print("charon: chain: copy %u '%s' overlaps the "
				 "device tree's room [0x%llx, +0x%llx)\n", i,
				 name, (ull)c->fdt_dst, (ull)c->fdt_room);
			return -PG_EPARAMS;
		}
	}
	if (c->fdt_dst && (c->fdt_room < sizeof(struct fdt_header) ||
			   c->fdt_dst + c->fdt_room < c->fdt_dst ||
			   c->fdt_dst + c->fdt_room - 1 > arch_addr_limit ||
			   c->fdt_dst % 8 ||
			   pg_overlap(c->fdt_dst, c->fdt_room, self,
				      end - self) ||
			   pg_region_overlapping(p, c->fdt_dst,
						 c->fdt_room) >= 0)) {
		pg_print("charon: chain: device tree room [0x%llx, +0x%llx) "
			 "is too small, wraps, is not 8-byte aligned, or "
			 "overlaps the image or a region\n", (ull)c->fdt_dst,
			 (ull)c->fdt_room);
		return -PG_EPARAMS;
	}
	if (c->boot_params &&
	    (c->fdt_dst || pg_region_holding(p, c->boot_params, 4096) < 0 ||
	     p->regions[pg_region_holding(p, c->boot_params, 4096)].start !=
	     c->boot_params)) {
		pg_print("charon: chain: boot_params at 0x%llx is not the start "
			 "of a region of 4 KiB or more, or comes with a tree\n",
			 (ull)c->boot_params);
		return -PG_EPARAMS;
	}
	if (c->bootargs && (pg_region_holding(p, c->bootargs, 1) < 0 ||
			    p->regions[pg_region_holding(p, c->bootargs,
							 1)].start !=
			    c->bootargs)) {
		pg_print("charon: chain: bootargs at 0x%llx is not the start "
			 "of a region: it could not be verified\n",
			 (ull)c->bootargs);
		return -PG_EPARAMS;
	}
	return 0;
}

/* the #address-cells / #size-cells number at @cells (1 or 2 cells) */
static uint64_t pg_cells(const fdt32_t *cells, int n)
{
	uint64_t v = fdt32_ld(cells);

	return n == 2 ? v << 32 | fdt32_ld(cells + 1) : v;
}

/* every reg entry of @node into @r[*@nr] (room for @max) */
static int pg_reg(const void *fdt, int node, int ac, int sc,
		  struct pg_range *r, unsigned int *nr, unsigned int max)
{
	const fdt32_t *reg;
	int len, step = ac + sc;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		return -1;
	}
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg) {
		return 0;
	}
	for (; len >= step * 4; len -= step * 4, reg += step) {
		uint64_t size = pg_cells(reg + ac, sc);

		if (!size) {
			continue;
		}
		if (*nr == max) {
			return -1;
		}
		r[*nr].start = pg_cells(reg, ac);
		r[(*nr)++].len = size;
	}
	return 0;
}

/* RAM (the memory nodes) and reserved ranges (/memreserve/, /reserved-memory) */
static int pg_read_machine(const void *fdt, struct pg_machine *m)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	int node, rm, n, i;
	uint64_t a, s;

	m->nr_ram = m->nr_rsv = 0;
	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						  "memory", sizeof("memory"));
	     node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
						  "memory", sizeof("memory"))) {
		if (pg_reg(fdt, node, ac, sc, m->ram, &m->nr_ram,
			   PG_MAX_RAM)) {
			pg_print("charon: chain: device tree: a memory node's "
				 "reg has cells %d/%d or more than %u ranges\n",
				 ac, sc, PG_MAX_RAM);
			return -PG_EPARAMS;
		}
	}
	n = fdt_num_mem_rsv(fdt);
	for (i = 0; i < n && m->nr_rsv < PG_MAX_RSV; i++) {
		if (!fdt_get_mem_rsv(fdt, i, &a, &s) && s) {
			m->rsv[m->nr_rsv].start = a;
			m->rsv[m->nr_rsv++].len = s;
		}
	}
	rm = fdt_path_offset(fdt, "/reserved-memory");
	if (rm >= 0) {
		int rac = fdt_address_cells(fdt, rm);
		int rsc = fdt_size_cells(fdt, rm);

		fdt_for_each_subnode(node, fdt, rm) {
			if (pg_reg(fdt, node, rac, rsc, m->rsv, &m->nr_rsv,
				   PG_MAX_RSV)) {
				break;
			}
		}
	}
	if (!m->nr_ram) {
		pg_print("charon: chain: the device tree describes no RAM (no "
			 "memory node with a reg)\n");
		return -PG_EPARAMS;
	}
	return 0;
}

/* [a, a + n) lies in the RAM and on nothing reserved, or say why not */
static int pg_dst_ok(const struct pg_machine *m, const char *what,
		     unsigned int idx, const char *name, uint64_t a,
		     uint64_t n)
{
	unsigned int i;

	for (i = 0; i < m->nr_ram; i++) {
		if (a >= m->ram[i].start && n <= m->ram[i].len &&
		    a - m->ram[i].start <= m->ram[i].len - n) {
			break;
		}
	}
	if (i == m->nr_ram) {
		pg_print("charon: chain: %s %u '%s' [0x%llx, 0x%llx) is "
			 "outside the RAM the device tree describes:", what,
			 idx, name, (ull)a, (ull)(a + n));
		for (i = 0; i < m->nr_ram; i++) {
			pg_print(" [0x%llx, 0x%llx)", (ull)m->ram[i].start,
				 (ull)(m->ram[i].start + m->ram[i].len));
		}
		pg_print("\n");
		return -PG_EPARAMS;
	}
	for (i = 0; i < m->nr_rsv; i++) {
		if (pg_overlap(a, n, m->rsv[i].start, m->rsv[i].len)) {
			pg_print("charon: chain: %s %u '%s' [0x%llx, 0x%llx) "
				 "overlaps the reserved range [0x%llx, 0x%llx) "
				 "of the device tree\n", what, idx, name,
				 (ull)a, (ull)(a + n), (ull)m->rsv[i].start,
				 (ull)(m->rsv[i].start + m->rsv[i].len));
			return -PG_EPARAMS;
		}
	}
	return 0;
}

/* a UART node's kind, or CHARON_CON_NONE for one the stub cannot drive */
static uint32_t pg_uart_kind(const void *fdt, int node)
{
	if (!fdt_node_check_compatible(fdt, node, "arm,pl011")) {
		return CHARON_CON_PL011;
	}
	if (!fdt_node_check_compatible(fdt, node, "ns16550a") ||
	    !fdt_node_check_compatible(fdt, node, "ns16550") ||
	    !fdt_node_check_compatible(fdt, node, "snps,dw-apb-uart")) {
		return CHARON_CON_NS16550_MMIO;
	}
	return CHARON_CON_NONE;
}

/*
 * The block names no console (or is not filled in at all: a bare stub that
 * booti started): the one the entry register's tree names in /chosen
 * stdout-path, a PL011 or a 16550 whose parent maps 1:1
 */
void pg_chain_console(const struct charon_params *p)
{
	const void *fdt = (const void *)(uintptr_t)pg_boot_arg;
	struct charon_console con = { 0 };
	const char *path, *colon;
	const fdt32_t *v;
	int node, parent, len, ac, sc;

	if ((pg_params_header_ok(p) && p->console.kind != CHARON_CON_NONE) ||
	    !pg_boot_arg || (pg_boot_arg & 7) || fdt_check_header(fdt)) {
		return;
	}
	node = fdt_path_offset(fdt, "/chosen");
	path = node < 0 ? NULL : fdt_getprop(fdt, node, "stdout-path", &len);
	if (!path || len < 2 || path[len - 1]) {
		return;
	}
	colon = memchr(path, ':', (size_t)len);
	len = colon ? (int)(colon - path) : len - 1;
	if (path[0] != '/') {
		path = fdt_get_alias_namelen(fdt, path, len);
		len = path ? (int)strlen(path) : 0;
	}
	node = path ? fdt_path_offset_namelen(fdt, path, len) : -1;
	parent = node < 0 ? -1 : fdt_parent_offset(fdt, node);
	if (parent < 0) {
		return;
	}
	/* a parent that translates addresses: not ours to work out */
	if (parent && (!fdt_getprop(fdt, parent, "ranges", &len) || len)) {
		return;
	}
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	v = fdt_getprop(fdt, node, "reg", &len);
	con.kind = pg_uart_kind(fdt, node);
	if (!v || ac < 1 || ac > 2 || sc < 0 || len < 4 * (ac + sc) ||
	    con.kind == CHARON_CON_NONE) {
		return;
	}
	con.base = pg_cells(v, ac);
	v = fdt_getprop(fdt, node, "reg-shift", &len);
	con.reg_shift = v && len == 4 ? fdt32_ld(v) & 7 : 0;
	pg_console_init(&con);
	pg_print("charon: console from the device tree's stdout-path: %s at "
		 "0x%llx\n", con.kind == CHARON_CON_PL011 ? "pl011" : "16550",
		 (ull)con.base);
}

/* the tree the kernel gets: embedded (digest checked), else firmware's */
static const void *pg_find_fdt(const struct charon_chain *c,
			       const char **from)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	const void *t;

	if (c->dtb_offset) {
		t = _stub_start + c->dtb_offset;
		sha256(t, c->dtb_len, digest);
		if (memcmp(digest, c->dtb_sha256, sizeof(digest))) {
			pg_print("charon: chain: embedded dtb at image offset "
				 "0x%llx, 0x%llx bytes: SHA-256 MISMATCH\n",
				 (ull)c->dtb_offset, (ull)c->dtb_len);
			return NULL;
		}
		*from = "embedded in the image";
		return fdt_check_header(t) || fdt_totalsize(t) > c->dtb_len ?
		       NULL : t;
	}
	t = (const void *)(uintptr_t)pg_boot_arg;
	*from = "the firmware's, from the entry register";
	if (pg_boot_arg && !(pg_boot_arg & 7) && !fdt_check_header(t)) {
		return t;
	}
	t = (const void *)(uintptr_t)c->fdt_fallback;
	*from = "the firmware's, at the start of RAM";
	if (c->fdt_fallback && !fdt_check_header(t)) {
		return t;
	}
	pg_print("charon: chain: no device tree: the entry register holds "
		 "0x%llx, the fallback address 0x%llx has none\n",
		 (ull)pg_boot_arg, (ull)c->fdt_fallback);
	return NULL;
}

/*
 * fdt_open_into() wants a room as large as the tree's totalsize, which
 * firmware pads (QEMU virt: 1 MiB for a few KiB of tree): only the blocks
 * in use are moved when the padded tree would not fit; the firmware's
 * copy is not written
 */
static int pg_fdt_into(const void *fdt, void *dst, uint64_t room)
{
	uint64_t used = (uint64_t)fdt_off_dt_strings(fdt) +
			fdt_size_dt_strings(fdt);
	uint64_t st = (uint64_t)fdt_off_dt_struct(fdt) +
		      fdt_size_dt_struct(fdt);

	if (st > used) {
		used = st;
	}
	if (fdt_totalsize(fdt) > room && used <= room &&
	    used <= fdt_totalsize(fdt)) {
		memmove(dst, fdt, used);
		fdt_set_totalsize(dst, (uint32_t)used);
		fdt = dst;
	}
	return fdt_open_into(fdt, dst, (int)room);
}

/* the PVH start info in the entry register (ebx), or NULL */
static const struct pg_pvh_info *pg_pvh(void)
{
	const struct pg_pvh_info *si =
		(const struct pg_pvh_info *)(uintptr_t)pg_boot_arg;

	if (!pg_boot_arg || (pg_boot_arg & 7) || si->magic != PVH_MAGIC ||
	    si->version < 1 || !si->memmap_paddr || !si->memmap_entries ||
	    si->memmap_entries > PVH_MAX_MAP) {
		return NULL;
	}
	return si;
}

/* x86_64: RAM (type 1) and everything else of the PVH memory map */
static int pg_read_pvh(struct pg_machine *m)
{
	const struct pg_pvh_info *si = pg_pvh();
	const struct pg_pvh_mem *e;
	unsigned int i;

	if (!si) {
		pg_print("charon: chain: no PVH memory map: ebx 0x%llx holds "
			 "no hvm_start_info (version 1, 1..%u entries)\n",
			 (ull)pg_boot_arg, PVH_MAX_MAP);
		return -PG_EPARAMS;
	}
	pg_print("charon: memory map from the PVH start info at 0x%llx: %u "
		 "entries\n", (ull)pg_boot_arg, si->memmap_entries);
	e = (const struct pg_pvh_mem *)(uintptr_t)si->memmap_paddr;
	m->nr_ram = m->nr_rsv = 0;
	for (i = 0; i < si->memmap_entries; i++) {
		struct pg_range *r = e[i].type == 1 ? m->ram : m->rsv;
		unsigned int *n = e[i].type == 1 ? &m->nr_ram : &m->nr_rsv;

		if (!e[i].size) {
			continue;
		}
		if (*n == (e[i].type == 1 ? PG_MAX_RAM : PG_MAX_RSV)) {
			pg_print("charon: chain: the PVH memory map has more "
				 "than %u RAM or %u other ranges\n", PG_MAX_RAM,
				 PG_MAX_RSV);
			return -PG_EPARAMS;
		}
		r[*n].start = e[i].addr;
		r[(*n)++].len = e[i].size;
	}
	return 0;
}

/* x86_64, verified: boot_params' e820 table and RSDP from the PVH info */
static int pg_chain_e820(const struct charon_chain *c)
{
	const struct pg_pvh_info *si = pg_pvh();
	uint8_t *bp = (uint8_t *)(uintptr_t)c->boot_params;
	const struct pg_pvh_mem *e;
	unsigned int i;

	if (!si) {
		return -PG_EPARAMS;
	}
	e = (const struct pg_pvh_mem *)(uintptr_t)si->memmap_paddr;
	for (i = 0; i < si->memmap_entries; i++) {
		memcpy(bp + BP_E820 + i * 20, &e[i].addr, 8);
		memcpy(bp + BP_E820 + i * 20 + 8, &e[i].size, 8);
		memcpy(bp + BP_E820 + i * 20 + 16, &e[i].type, 4);
	}
	bp[BP_E820_NR] = (uint8_t)si->memmap_entries;
	if (si->rsdp_paddr) {
		memcpy(bp + BP_RSDP, &si->rsdp_paddr, 8);
	}
	pg_print("charon: boot_params at 0x%llx: e820 from the PVH memory "
		 "map, %u entries%s\n", (ull)c->boot_params,
		 si->memmap_entries, si->rsdp_paddr ? ", RSDP" : "");
	return 0;
}

/* 4. the tree, the checks against it, the tree into its room, the copies */
int pg_chainload(const struct charon_params *p)
{
	const struct charon_chain *c = pg_chain(p);
	char name[CHARON_LABEL_LEN + 1];
	const char *from = "";
	const void *fdt;
	unsigned int i;
	int rc;

	if (c->boot_params) {
		fdt = NULL;
		if (pg_read_pvh(&pg_mach)) {
			return -PG_EPARAMS;
		}
	} else {
		fdt = pg_find_fdt(c, &from);
		if (!fdt) {
			return -PG_EPARAMS;
		}
		pg_print("charon: device tree at 0x%llx (0x%x bytes): %s\n",
			 (ull)(uintptr_t)fdt, fdt_totalsize(fdt), from);
		if (pg_read_machine(fdt, &pg_mach)) {
			return -PG_EPARAMS;
		}
	}
	for (i = 0; i < p->nr_copies; i++) {
		pg_copy_name(p, p->copies[i].dst, name);
		if (pg_dst_ok(&pg_mach, "copy", i, name, p->copies[i].dst,
			      p->copies[i].len)) {
			return -PG_EPARAMS;
		}
	}
	if (c->fdt_dst && fdt) {
		if (pg_dst_ok(&pg_mach, "room", 0, "dtb", c->fdt_dst,
			      c->fdt_room)) {
			return -PG_EPARAMS;
		}
		if (pg_overlap(c->fdt_dst, c->fdt_room, (uintptr_t)fdt,
			       fdt_totalsize(fdt))) {
			pg_print("charon: chain: the device tree's room "
				 "[0x%llx, +0x%llx) overlaps the tree itself\n",
				 (ull)c->fdt_dst, (ull)c->fdt_room);
			return -PG_EPARAMS;
		}
		rc = pg_fdt_into(fdt, (void *)(uintptr_t)c->fdt_dst,
				 c->fdt_room);
		if (rc) {
			pg_print("charon: chain: device tree into [0x%llx, "
				 "+0x%llx): %s\n", (ull)c->fdt_dst,
				 (ull)c->fdt_room, fdt_strerror(rc));
			return -PG_EPARAMS;
		}
	}
	/* the tree is in its room: the copies may land where it was */
	for (i = 0; i < p->nr_copies; i++) {
		const struct charon_copy *k = &p->copies[i];

		memmove((void *)(uintptr_t)k->dst, _stub_start + k->src_offset,
			k->len);
	}
	return 0;
}

/* 5b. verified: /chosen gets the command line and the initrd */
int pg_chain_boot_data(const struct charon_params *p)
{
	const struct charon_chain *c = pg_chain(p);
	void *fdt = (void *)(uintptr_t)c->fdt_dst;
	const char *args;
	int chosen, r, rc = 0;

	if (c->boot_params) {
		return pg_chain_e820(c);
	}
	if (!c->fdt_dst) {
		return 0;
	}
	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0) {
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	}
	if (chosen < 0) {
		rc = chosen;
	}
	if (!rc && c->bootargs) {
		r = pg_region_holding(p, c->bootargs, 1);
		args = (const char *)(uintptr_t)c->bootargs;
		if (!memchr(args, '\0', p->regions[r].len)) {
			pg_print("charon: chain: bootargs region %u has no NUL "
				 "in its 0x%llx bytes\n", (unsigned int)r,
				 (ull)p->regions[r].len);
			return -PG_EPARAMS;
		}
		rc = fdt_setprop_string(fdt, chosen, "bootargs", args);
	}
	if (!rc && c->initrd_end > c->initrd_start) {
		rc = fdt_setprop_u64(fdt, chosen, "linux,initrd-start",
				     c->initrd_start);
		rc = rc ?: fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
					   c->initrd_end);
	}
	rc = rc ?: fdt_pack(fdt);
	if (rc) {
		pg_print("charon: chain: editing the device tree at 0x%llx: "
			 "%s\n", (ull)c->fdt_dst, fdt_strerror(rc));
		return -PG_EPARAMS;
	}
	pg_print("charon: device tree at 0x%llx: %s%s, 0x%x bytes\n",
		 (ull)c->fdt_dst, c->bootargs ? "bootargs" : "",
		 c->initrd_end > c->initrd_start ? ", initrd" : "",
		 fdt_totalsize(fdt));
	return 0;
}
