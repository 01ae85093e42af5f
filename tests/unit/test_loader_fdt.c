// SPDX-License-Identifier: MIT
/*
 * libcharon unit tests, part two: device tree reading and editing (on
 * trees built here with libfdt's sequential-write API) and the arm64 boot
 * plan end to end (crafted stub, Image, initrd and DTB files).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>

#include <abi/params.h>
#include <charon/boot.h>
#include <charon/err.h>
#include <charon/fdt.h>
#include <charon/layout.h>
#include <charon/stub.h>

#include "test_loader.h"

/* ---- a device tree, built with the sequential-write API --------------- */

void tl_dtb_defaults(struct tl_dtb_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->psci_method = "hvc";
	o->stdout_path = "/pl011@9000000";
	o->mem_start = 0x40000000;
	o->mem_size = 0x40000000;
}

static void reg64(void *fdt, const char *name, uint64_t a, uint64_t s,
		  uint64_t a2, uint64_t s2)
{
	fdt64_t r[4] = { cpu_to_fdt64(a), cpu_to_fdt64(s), cpu_to_fdt64(a2),
			 cpu_to_fdt64(s2) };

	CHECK(fdt_property(fdt, name, r, s2 ? 32 : 16));
}

void *tl_dtb(const struct tl_dtb_opts *o, size_t *len)
{
	static const char pl011[] = "arm,pl011\0arm,primecell";
	static const char psci[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	fdt32_t r[4];
	char name[64];
	void *f = malloc(65536);

	assert_non_null(f);
	CHECK(fdt_create(f, 65536));
	if (o->rsv_size) {
		CHECK(fdt_add_reservemap_entry(f, o->rsv_start, o->rsv_size));
	}
	CHECK(fdt_finish_reservemap(f));
	CHECK(fdt_begin_node(f, ""));
	CHECK(fdt_property_u32(f, "#address-cells", 2));
	CHECK(fdt_property_u32(f, "#size-cells", 2));
	CHECK(fdt_property_string(f, "compatible", "linux,dummy-virt"));

	CHECK(fdt_begin_node(f, "aliases"));
	CHECK(fdt_property_string(f, "serial0", "/pl011@9000000"));
	/* hostile ones: loops, and aliases that name aliases */
	CHECK(fdt_property_string(f, "self", "self"));
	CHECK(fdt_property_string(f, "ping", "pong"));
	CHECK(fdt_property_string(f, "pong", "ping"));
	CHECK(fdt_property_string(f, "bus", "/soc"));
	CHECK(fdt_property_string(f, "uart2", "bus/serial@20000"));
	CHECK(fdt_end_node(f));

	if (!o->no_chosen) {
		CHECK(fdt_begin_node(f, "chosen"));
		if (o->stdout_path) {
			CHECK(fdt_property_string(f, "stdout-path",
						  o->stdout_path));
		}
		if (o->initrd_props) {
			CHECK(fdt_property_u32(f, "linux,initrd-start",
					       0x1000));
			CHECK(fdt_property_u32(f, "linux,initrd-end",
					       0x2000));
		}
		CHECK(fdt_end_node(f));
	}

	snprintf(name, sizeof(name), "memory@%llx",
		 (unsigned long long)o->mem_start);
	CHECK(fdt_begin_node(f, name));
	CHECK(fdt_property_string(f, "device_type", "memory"));
	reg64(f, "reg", o->mem_start, o->mem_size, o->mem2_start,
	      o->mem2_size);
	CHECK(fdt_end_node(f));

	if (o->resmem_size) {
		CHECK(fdt_begin_node(f, "reserved-memory"));
		CHECK(fdt_property_u32(f, "#address-cells", 2));
		CHECK(fdt_property_u32(f, "#size-cells", 2));
		CHECK(fdt_property(f, "ranges", NULL, 0));
		CHECK(fdt_begin_node(f, "fw@0"));
		reg64(f, "reg", o->resmem_start, o->resmem_size, 0, 0);
		CHECK(fdt_property(f, "no-map", NULL, 0));
		CHECK(fdt_end_node(f));
		CHECK(fdt_end_node(f));
	}

	CHECK(fdt_begin_node(f, "pl011@9000000"));
	CHECK(fdt_property(f, "compatible", pl011, sizeof(pl011)));
	reg64(f, "reg", 0x09000000, 0x1000, 0, 0);
	CHECK(fdt_end_node(f));

	/* a 16550 behind a bus that maps 0x0 -> 0x10000000 */
	CHECK(fdt_begin_node(f, "soc"));
	CHECK(fdt_property_string(f, "compatible", "simple-bus"));
	CHECK(fdt_property_u32(f, "#address-cells", 1));
	CHECK(fdt_property_u32(f, "#size-cells", 1));
	r[0] = cpu_to_fdt32(0);
	r[1] = cpu_to_fdt32(0);
	r[2] = cpu_to_fdt32(0x10000000);
	r[3] = cpu_to_fdt32(0x1000000);
	CHECK(fdt_property(f, "ranges", r, 16));
	CHECK(fdt_begin_node(f, "serial@20000"));
	CHECK(fdt_property_string(f, "compatible", "ns16550a"));
	r[0] = cpu_to_fdt32(0x20000);
	r[1] = cpu_to_fdt32(0x100);
	CHECK(fdt_property(f, "reg", r, 8));
	CHECK(fdt_property_u32(f, "reg-shift", 2));
	CHECK(fdt_end_node(f));
	CHECK(fdt_end_node(f));

	CHECK(fdt_begin_node(f, "uart@1000"));
	CHECK(fdt_property_string(f, "compatible", "acme,uart"));
	reg64(f, "reg", 0x1000, 0x100, 0, 0);
	CHECK(fdt_end_node(f));

	if (o->psci_method) {
		CHECK(fdt_begin_node(f, "psci"));
		CHECK(fdt_property(f, "compatible", psci, sizeof(psci)));
		CHECK(fdt_property_string(f, "method", o->psci_method));
		CHECK(fdt_end_node(f));
	}
	CHECK(fdt_end_node(f));
	CHECK(fdt_finish(f));
	CHECK(fdt_pack(f));
	*len = fdt_totalsize(f);
	return f;
}

/* ---- reading ----------------------------------------------------------- */

static void test_fdt_read(void **state)
{
	struct tl_dtb_opts o;
	struct charon_layout l = { 0 };
	struct charon_fdt_console con;
	struct charon_err err = { "" };
	uint32_t psci;
	size_t len;
	void *f;

	(void)state;
	tl_dtb_defaults(&o);
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_check("virt.dtb", f, len, &err));
	CHECK(charon_fdt_memory("virt.dtb", f, &l, &err));
	assert_int_equal(l.nr_ram, 1);
	assert_int_equal(l.ram[0].start, 0x40000000);
	assert_int_equal(l.ram[0].size, 0x40000000);
	CHECK(charon_fdt_console("virt.dtb", f, &con, &err));
	assert_int_equal(con.con.kind, CHARON_CON_PL011);
	assert_int_equal(con.con.base, 0x09000000);
	assert_int_equal(con.con.reg_shift, 0);
	assert_string_equal(con.path, "/pl011@9000000");
	assert_string_equal(con.compatible, "arm,pl011");
	CHECK(charon_fdt_psci("virt.dtb", f, &psci, &err));
	assert_int_equal(psci, CHARON_PSCI_HVC);
	free(f);
}

static void test_fdt_console(void **state)
{
	struct tl_dtb_opts o;
	struct charon_fdt_console con;
	struct charon_err err = { "" };
	size_t len;
	void *f;

	(void)state;
	/* an alias with options */
	tl_dtb_defaults(&o);
	o.stdout_path = "serial0:115200n8";
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_console("a.dtb", f, &con, &err));
	assert_int_equal(con.con.kind, CHARON_CON_PL011);
	assert_int_equal(con.con.base, 0x09000000);
	free(f);

	/* a 16550 behind a bus: translated base, reg-shift */
	o.stdout_path = "/soc/serial@20000";
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_console("b.dtb", f, &con, &err));
	assert_int_equal(con.con.kind, CHARON_CON_NS16550_MMIO);
	assert_int_equal(con.con.base, 0x10020000);
	assert_int_equal(con.con.reg_shift, 2);
	free(f);

	/* something the stub cannot drive */
	tl_catch_warnings();
	o.stdout_path = "/uart@1000";
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_console("c.dtb", f, &con, &err));
	assert_int_equal(con.con.kind, CHARON_CON_NONE);
	assert_non_null(strstr(tl_last_warning,
			       "c.dtb: console /uart@1000 (compatible \"acme,uart\") is not a PL011 or 16550"));
	free(f);

	/* a path to nowhere */
	o.stdout_path = "/nothing@0";
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_console("d.dtb", f, &con, &err));
	assert_int_equal(con.con.kind, CHARON_CON_NONE);
	assert_non_null(strstr(tl_last_warning, "\"/nothing@0\" does not name a node"));
	free(f);

	/* an alias of an alias, then a path below it */
	o.stdout_path = "uart2:9600";
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_console("g.dtb", f, &con, &err));
	assert_int_equal(con.con.kind, CHARON_CON_NS16550_MMIO);
	assert_int_equal(con.con.base, 0x10020000);
	assert_string_equal(con.path, "/soc/serial@20000");
	free(f);

	/*
	 * aliases that resolve to themselves: libfdt's own lookup recursed
	 * until the stack ran out (SIGSEGV); ours gives up, with a warning
	 */
	o.stdout_path = "self";
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_console("h.dtb", f, &con, &err));
	assert_int_equal(con.con.kind, CHARON_CON_NONE);
	assert_non_null(strstr(tl_last_warning, "h.dtb: /chosen stdout-path \"self\" does not name a node (aliases nest more than 8 deep"));
	free(f);
	o.stdout_path = "ping/x";
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_console("i.dtb", f, &con, &err));
	assert_int_equal(con.con.kind, CHARON_CON_NONE);
	assert_non_null(strstr(tl_last_warning, "aliases nest more than 8 deep"));
	free(f);
	o.stdout_path = "nosuch";
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_console("j.dtb", f, &con, &err));
	assert_int_equal(con.con.kind, CHARON_CON_NONE);
	assert_non_null(strstr(tl_last_warning, "nor an alias in /aliases"));
	free(f);

	/* none at all */
	o.stdout_path = NULL;
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_console("e.dtb", f, &con, &err));
	assert_int_equal(con.con.kind, CHARON_CON_NONE);
	free(f);
	o.no_chosen = true;
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_console("f.dtb", f, &con, &err));
	assert_int_equal(con.con.kind, CHARON_CON_NONE);
	free(f);
}

static void test_fdt_psci(void **state)
{
	struct tl_dtb_opts o;
	struct charon_err err = { "" };
	uint32_t psci = 99;
	size_t len;
	void *f;

	(void)state;
	tl_dtb_defaults(&o);
	o.psci_method = "smc";
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_psci("smc.dtb", f, &psci, &err));
	assert_int_equal(psci, CHARON_PSCI_SMC);
	free(f);

	o.psci_method = NULL;
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_psci("none.dtb", f, &psci, &err));
	assert_int_equal(psci, CHARON_PSCI_NONE);
	free(f);

	o.psci_method = "svc";
	f = tl_dtb(&o, &len);
	assert_int_equal(charon_fdt_psci("svc.dtb", f, &psci, &err),
			 -EINVAL);
	assert_string_equal(err.msg,
			    "dtb: svc.dtb: /psci method is \"svc\", expected \"hvc\" or \"smc\"");
	free(f);
}

static void test_fdt_memory(void **state)
{
	struct tl_dtb_opts o;
	struct charon_layout l = { 0 };
	struct charon_err err = { "" };
	struct charon_segment *s;
	char want[160];
	size_t len;
	void *f;

	(void)state;
	tl_dtb_defaults(&o);
	o.mem2_start = 0x100000000ull;
	o.mem2_size = 0x80000000ull;
	o.rsv_start = 0x40000000;
	o.rsv_size = 0x10000;
	o.resmem_start = 0x7f000000;
	o.resmem_size = 0x1000000;
	f = tl_dtb(&o, &len);
	CHECK(charon_fdt_memory("m.dtb", f, &l, &err));
	assert_int_equal(l.nr_ram, 2);
	assert_int_equal(l.ram[1].start, 0x100000000ull);
	assert_int_equal(l.ram[1].size, 0x80000000ull);
	CHECK(charon_fdt_keepouts("m.dtb", f, &l, &err));
	assert_int_equal(l.nr_seg, 2);
	s = charon_layout_find(&l, "memreserve[0]");
	assert_non_null(s);
	assert_int_equal(s->addr, 0x40000000);
	assert_int_equal(s->size, 0x10000);
	assert_int_equal(s->place, CHARON_PLACE_KEEPOUT);
	s = charon_layout_find(&l, "reserved-memory/fw@0");
	assert_non_null(s);
	assert_int_equal(s->addr, 0x7f000000);
	assert_int_equal(s->size, 0x1000000);

	/* a full layout: the error names the tree and the reservation */
	while (l.nr_seg < CHARON_MAX_SEGMENTS - 1) {
		assert_non_null(charon_layout_add(&l, "filler", 1, 1,
						  CHARON_PLACE_LOW, &err));
	}
	assert_int_equal(charon_fdt_keepouts("m.dtb", f, &l, &err), -ENOSPC);
	snprintf(want, sizeof(want),
		 "dtb: m.dtb: /reserved-memory/fw@0: layout: more than %d segments (adding reserved-memory/fw@0)",
		 CHARON_MAX_SEGMENTS);
	assert_string_equal(err.msg, want);
	l.nr_seg = CHARON_MAX_SEGMENTS;
	assert_int_equal(charon_fdt_keepouts("m.dtb", f, &l, &err), -ENOSPC);
	snprintf(want, sizeof(want),
		 "dtb: m.dtb: /memreserve/ entry 0: layout: more than %d segments (adding memreserve[0])",
		 CHARON_MAX_SEGMENTS);
	assert_string_equal(err.msg, want);
	free(f);

	/* RAM the layout had already: merged, and still found */
	o.mem2_size = 0;
	f = tl_dtb(&o, &len);
	memset(&l, 0, sizeof(l));
	CHECK(charon_layout_add_ram(&l, 0x40000000, 0x1000, &err));
	CHECK(charon_fdt_memory("m.dtb", f, &l, &err));
	assert_int_equal(l.nr_ram, 1);
	assert_int_equal(l.ram[0].start, 0x40000000);
	assert_int_equal(l.ram[0].size, 0x40000000);
	free(f);

	/* no memory node */
	o.mem_size = 0;
	o.mem2_size = 0;
	f = tl_dtb(&o, &len);
	memset(&l, 0, sizeof(l));
	assert_int_equal(charon_fdt_memory("nomem.dtb", f, &l, &err), -EINVAL);
	assert_msg(err, "dtb: nomem.dtb: no /memory node with a non-empty reg property");
	free(f);
}

static void test_fdt_bad(void **state)
{
	struct tl_dtb_opts o;
	struct charon_err err = { "" };
	uint8_t junk[64] = { 0xd0, 0x0d, 0xfe, 0xee };
	size_t len;
	uint8_t *f;

	(void)state;
	assert_int_equal(charon_fdt_check("junk.dtb", junk, sizeof(junk), &err),
			 -EINVAL);
	assert_string_equal(err.msg,
			    "dtb: junk.dtb: magic at 0x0 is 0xd00dfeee, expected 0xd00dfeed (flattened device tree)");
	assert_int_equal(charon_fdt_check("tiny.dtb", junk, 8, &err), -EINVAL);
	assert_msg(err, "dtb: tiny.dtb: file is 8 bytes, shorter than the 40-byte FDT header");

	tl_dtb_defaults(&o);
	f = tl_dtb(&o, &len);
	assert_int_equal(charon_fdt_check("cut.dtb", f, len - 16, &err),
			 -EINVAL);
	assert_msg(err, "dtb: cut.dtb: totalsize at 0x4 is");
	/* damage the structure block: the first token */
	f[fdt_off_dt_struct(f) + 3] = 0x42;
	assert_int_equal(charon_fdt_check("bad.dtb", f, len, &err), -EINVAL);
	assert_msg(err, "dtb: bad.dtb: structure block: bad tag or no FDT_END before 0x");
	free(f);

	/* a property length that wraps the offset back: libfdt 1.6.1 loops */
	f = tl_dtb(&o, &len);
	for (size_t off = fdt_off_dt_struct(f); off + 8 < len; off += 4) {
		if (fdt32_ld((const fdt32_t *)(f + off)) == FDT_PROP) {
			f[off + 4] = 0xff;
			f[off + 5] = 0xff;
			f[off + 6] = 0xff;
			f[off + 7] = 0xf4;
			break;
		}
	}
	assert_int_equal(charon_fdt_check("wrap.dtb", f, len, &err), -EINVAL);
	assert_msg(err, "length 0xfffffff4 or name offset 0x");
	free(f);
}

/* ---- editing ----------------------------------------------------------- */

uint64_t tl_prop_u64(const void *f, const char *path, const char *name)
{
	const void *p;
	fdt64_t v;
	int len;

	/* properties are only 4-byte aligned */
	p = fdt_getprop(f, fdt_path_offset(f, path), name, &len);
	assert_non_null(p);
	assert_int_equal(len, 8);
	memcpy(&v, p, 8);
	return fdt64_to_cpu(v);
}

/*
 * A tree charon edited before (the running kernel's, on a kexec): its
 * stub's /memreserve/ is dropped and not kept out, the firmware's stays.
 */
static void test_fdt_edit_old_stub(void **state)
{
	struct tl_dtb_opts o;
	struct charon_fdt_edit e = { 0 };
	struct charon_err err = { "" };
	struct charon_layout l = { 0 };
	void *f, *once, *twice;
	const fdt64_t *rec;
	size_t len, olen;
	uint64_t a, s;
	int n;

	(void)state;
	tl_dtb_defaults(&o);
	o.rsv_start = 0x1000;
	o.rsv_size = 0x2000;
	f = tl_dtb(&o, &len);
	e.stub.start = 0x7fffa000;
	e.stub.size = 0x6000;
	CHECK(charon_fdt_edit("1.dtb", f, &e, &once, &olen, &err));
	assert_int_equal(fdt_num_mem_rsv(once), 2);
	CHECK(charon_fdt_keepouts("1.dtb", once, &l, &err));
	assert_int_equal(l.nr_seg, 1);
	assert_int_equal(l.seg[0].addr, 0x1000);

	e.stub.start = 0x7fff4000;
	CHECK(charon_fdt_edit("2.dtb", once, &e, &twice, &olen, &err));
	assert_int_equal(fdt_num_mem_rsv(twice), 2);
	CHECK(fdt_get_mem_rsv(twice, 0, &a, &s));
	assert_int_equal(a, 0x1000);
	CHECK(fdt_get_mem_rsv(twice, 1, &a, &s));
	assert_int_equal(a, 0x7fff4000);
	assert_int_equal(s, 0x6000);
	rec = fdt_getprop(twice, fdt_path_offset(twice, "/chosen"),
			  CHARON_FDT_STUB_PROP, &n);
	assert_non_null(rec);
	assert_int_equal(n, 16);
	assert_int_equal(fdt64_ld(&rec[0]), 0x7fff4000);
	assert_int_equal(fdt64_ld(&rec[1]), 0x6000);
	free(twice);

	/* no stub this time: the old entry and the property both go */
	e.stub.size = 0;
	CHECK(charon_fdt_edit("3.dtb", once, &e, &twice, &olen, &err));
	assert_int_equal(fdt_num_mem_rsv(twice), 1);
	assert_null(fdt_getprop(twice, fdt_path_offset(twice, "/chosen"),
				CHARON_FDT_STUB_PROP, NULL));
	free(twice);
	free(once);
	free(f);
}

static void test_fdt_edit(void **state)
{
	struct tl_dtb_opts o;
	struct charon_fdt_edit e = { 0 };
	struct charon_err err = { "" };
	uint64_t a, s;
	size_t len, olen;
	const char *ba;
	void *f, *out;
	int n;

	(void)state;
	tl_dtb_defaults(&o);
	o.rsv_start = 0x1000;
	o.rsv_size = 0x2000;
	f = tl_dtb(&o, &len);
	e.bootargs = "console=ttyAMA0 earlycon rdinit=/init";
	e.initrd = true;
	e.initrd_start = 0x148000000ull;
	e.initrd_end = 0x148123456ull;
	e.rsv[0].start = 0x7fff0000;
	e.rsv[0].size = 0x10000;
	e.nr_rsv = 1;
	CHECK(charon_fdt_edit("e.dtb", f, &e, &out, &olen, &err));
	assert_int_equal(olen, fdt_totalsize(out));
	assert_true(olen <= charon_fdt_edit_room(f, &e));
	CHECK(fdt_check_full(out, olen));
	ba = fdt_getprop(out, fdt_path_offset(out, "/chosen"), "bootargs", &n);
	assert_non_null(ba);
	assert_string_equal(ba, "console=ttyAMA0 earlycon rdinit=/init");
	assert_int_equal(tl_prop_u64(out, "/chosen", "linux,initrd-start"),
			 0x148000000ull);
	assert_int_equal(tl_prop_u64(out, "/chosen", "linux,initrd-end"),
			 0x148123456ull);
	assert_int_equal(fdt_num_mem_rsv(out), 2);
	CHECK(fdt_get_mem_rsv(out, 0, &a, &s));
	assert_int_equal(a, 0x1000);
	assert_int_equal(s, 0x2000);
	CHECK(fdt_get_mem_rsv(out, 1, &a, &s));
	assert_int_equal(a, 0x7fff0000);
	assert_int_equal(s, 0x10000);
	/* the input is untouched; the rest of the tree too */
	assert_int_equal(fdt_num_mem_rsv(f), 1);
	assert_int_equal(fdt_getprop(f, fdt_path_offset(f, "/chosen"),
				     "bootargs", &n), NULL);
	assert_true(fdt_path_offset(out, "/pl011@9000000") >= 0);
	free(out);
	free(f);

	/* no /chosen: created; stale initrd properties: removed */
	o.no_chosen = true;
	o.rsv_size = 0;
	f = tl_dtb(&o, &len);
	memset(&e, 0, sizeof(e));
	e.bootargs = "quiet";
	CHECK(charon_fdt_edit("n.dtb", f, &e, &out, &olen, &err));
	ba = fdt_getprop(out, fdt_path_offset(out, "/chosen"), "bootargs", &n);
	assert_string_equal(ba, "quiet");
	assert_int_equal(fdt_num_mem_rsv(out), 0);
	free(out);
	free(f);

	o.no_chosen = false;
	o.initrd_props = true;
	f = tl_dtb(&o, &len);
	memset(&e, 0, sizeof(e));
	CHECK(charon_fdt_edit("s.dtb", f, &e, &out, &olen, &err));
	assert_null(fdt_getprop(out, fdt_path_offset(out, "/chosen"),
				"linux,initrd-start", &n));
	assert_null(fdt_getprop(out, fdt_path_offset(out, "/chosen"),
				"linux,initrd-end", &n));
	assert_null(fdt_getprop(out, fdt_path_offset(out, "/chosen"),
				"bootargs", &n));
	free(out);

	e.initrd = true;
	e.initrd_start = 0x2000;
	e.initrd_end = 0x1000;
	assert_int_equal(charon_fdt_edit("s.dtb", f, &e, &out, &olen, &err),
			 -EINVAL);
	assert_msg(err, "initrd end 0x1000 is below its start 0x2000");
	free(f);
}

/* ---- boot plan inputs (shared with test_loader_arm.c) ------------------ */

void tl_plan_files(struct tl_plan_files *p, uint8_t *stub, size_t stub_len,
		   const char *kernel_name, uint8_t *kernel,
		   size_t kernel_len, const struct tl_dtb_opts *o)
{
	struct tl_dtb_opts def;
	size_t len, i;
	void *f;

	memset(p, 0, sizeof(*p));
	tl_tmpdir(p->dir, sizeof(p->dir));
	tl_write(p->dir, "stub.bin", stub, stub_len, p->stub, sizeof(p->stub));
	free(stub);
	p->kernel_data = kernel;
	p->kernel_len = kernel_len;
	tl_write(p->dir, kernel_name, p->kernel_data, p->kernel_len, p->kernel,
		 sizeof(p->kernel));
	p->initrd_len = TL_PLAN_INITRD_LEN;
	p->initrd_data = malloc(TL_PLAN_INITRD_LEN);
	assert_non_null(p->initrd_data);
	for (i = 0; i < TL_PLAN_INITRD_LEN; i++) {
		p->initrd_data[i] = (uint8_t)(i * 13 + 5);
	}
	tl_write(p->dir, "initrd", p->initrd_data, p->initrd_len, p->initrd,
		 sizeof(p->initrd));
	if (!o) {
		tl_dtb_defaults(&def);
		o = &def;
	}
	f = tl_dtb(o, &len);
	tl_write(p->dir, "virt.dtb", f, len, p->dtb, sizeof(p->dtb));
	free(f);
}

void tl_plan_files_free(struct tl_plan_files *p)
{
	free(p->kernel_data);
	free(p->initrd_data);
	tl_rmdir(p->dir);
}

void tl_plan_opts(const struct tl_plan_files *p, struct charon_boot_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->stub_path = p->stub;
	o->kernel_path = p->kernel;
	o->initrd_path = p->initrd;
	o->dtb_path = p->dtb;
	o->bootargs = "console=ttyAMA0 rdinit=/init";
	o->fail_policy = CHARON_FAIL_TEST_EXIT;
}

void tl_check_region(const uint8_t *q, int i, const char *label,
		     uint64_t start, const void *data, size_t len)
{
	const uint8_t *r = q + 0x098 + 0x40 * i;
	char want_label[16] = { 0 };
	uint8_t want[32];

	memcpy(want_label, label, strlen(label));
	assert_int_equal(tl_rd64(r + 0x00), start);
	assert_int_equal(tl_rd64(r + 0x08), len);
	assert_memory_equal(r + 0x10, want_label, 16);
	tl_sha256(data, len, want);
	assert_memory_equal(r + 0x20, want, 32);
}

/* ---- the arm64 boot plan ----------------------------------------------- */

#define PLAN_KERNEL_LEN		0x3000
#define PLAN_IMAGE_SIZE		0x1400000	/* 20 MiB */

/* the crafted stub, an arm64 Image of 0x3000 bytes (20 MiB image_size) */
static void plan_files(struct tl_plan_files *p, const struct tl_dtb_opts *o)
{
	size_t len;
	uint8_t *stub = tl_stub(&len);

	tl_plan_files(p, stub, len, "Image",
		      tl_image(PLAN_KERNEL_LEN, 0, PLAN_IMAGE_SIZE, 0xa),
		      PLAN_KERNEL_LEN, o);
}

static void test_plan_arm64(void **state)
{
	struct tl_plan_files pf;
	struct charon_boot_opts o;
	struct charon_boot b;
	struct charon_err err = { "" };
	struct charon_boot_seg *k, *i, *d;
	struct charon_segment *ds;
	const uint8_t *q;
	uint64_t a, s;
	const char *ba;
	int n;

	(void)state;
	plan_files(&pf, NULL);
	tl_plan_opts(&pf, &o);
	o.flags = CHARON_F_VERBOSE;
	if (charon_boot_prepare(tl_as(&o, "arm64"), &b, &err)) {
		fail_msg("prepare: %s", err.msg);
	}
	k = charon_boot_seg_find(&b, "kernel");
	i = charon_boot_seg_find(&b, "initrd");
	d = charon_boot_seg_find(&b, "dtb");
	assert_non_null(k);
	assert_non_null(i);
	assert_non_null(d);
	ds = charon_layout_find(&b.layout, "dtb");

	/* layout */
	assert_int_equal(b.stub_addr, 0x80000000 - TL_STUB_MEM_SIZE);
	assert_int_equal(b.stub_size, TL_STUB_MEM_SIZE);
	assert_int_equal(k->addr, 0x40000000);
	assert_int_equal(k->mem_size, PLAN_IMAGE_SIZE);
	assert_int_equal(d->addr, 0x41400000);
	assert_int_equal(i->addr, d->addr + ds->size);
	assert_int_equal(i->addr % 4096, 0);
	assert_false(k->modified);
	assert_false(i->modified);
	assert_true(d->modified);
	assert_memory_equal(k->data, pf.kernel_data, pf.kernel_len);

	/* the edited DTB */
	CHECK(fdt_check_full(d->data, d->len));
	ba = fdt_getprop(d->data, fdt_path_offset(d->data, "/chosen"),
			 "bootargs", &n);
	assert_string_equal(ba, "console=ttyAMA0 rdinit=/init");
	assert_int_equal(tl_prop_u64(d->data, "/chosen", "linux,initrd-start"),
			 i->addr);
	assert_int_equal(tl_prop_u64(d->data, "/chosen", "linux,initrd-end"),
			 i->addr + TL_PLAN_INITRD_LEN);
	assert_int_equal(fdt_num_mem_rsv(d->data), 1);
	CHECK(fdt_get_mem_rsv(d->data, 0, &a, &s));
	assert_int_equal(a, b.stub_addr);
	assert_int_equal(s, TL_STUB_MEM_SIZE);

	/* the parameter block, byte by byte at the ABI offsets */
	q = b.stub.image + TL_STUB_PARAMS_OFF;
	assert_int_equal(tl_rd32(q + 0x000), CHARON_PARAMS_MAGIC);
	assert_int_equal(tl_rd32(q + 0x004), CHARON_ABI_VERSION);
	assert_int_equal(tl_rd32(q + 0x008), 0x618);
	assert_int_equal(tl_rd32(q + 0x00c), CHARON_F_VERBOSE);
	assert_int_equal(tl_rd32(q + 0x010), 3);
	assert_int_equal(tl_rd32(q + 0x014), 0);
	assert_int_equal(tl_rd32(q + 0x018), CHARON_FAIL_TEST_EXIT);
	assert_int_equal(tl_rd32(q + 0x020), CHARON_CON_PL011);
	assert_int_equal(tl_rd32(q + 0x024), 0);
	assert_int_equal(tl_rd64(q + 0x028), 0x09000000);
	assert_int_equal(tl_rd64(q + 0x030), 0x40000000);
	assert_int_equal(tl_rd64(q + 0x038), d->addr);
	assert_int_equal(tl_rd64(q + 0x040), 0);
	assert_int_equal(tl_rd64(q + 0x048), 0);
	assert_int_equal(tl_rd64(q + 0x050), 0);
	assert_int_equal(tl_rd64(q + 0x058), CHARON_PSCI_HVC);
	tl_check_region(q, 0, "kernel", 0x40000000, pf.kernel_data,
		     pf.kernel_len);
	tl_check_region(q, 1, "initrd", i->addr, pf.initrd_data, pf.initrd_len);
	tl_check_region(q, 2, "dtb", d->addr, d->data, d->len);
	assert_int_equal(tl_rd64(q + 0x098 + 3 * 0x40), 0);
	charon_boot_free(&b);
	tl_plan_files_free(&pf);
}

static void test_plan_gzip_no_initrd(void **state)
{
	struct tl_plan_files pf;
	struct charon_boot_opts o;
	struct charon_boot b;
	struct charon_err err = { "" };
	struct charon_boot_seg *k, *d;
	struct tl_dtb_opts dopt;
	uint8_t *z;
	size_t zlen;
	const uint8_t *q;
	int n;

	(void)state;
	tl_dtb_defaults(&dopt);
	dopt.initrd_props = true;	/* stale ones must go */
	dopt.psci_method = "smc";
	plan_files(&pf, &dopt);
	z = tl_gzip(pf.kernel_data, pf.kernel_len, &zlen);
	tl_write(pf.dir, "Image.gz", z, zlen, pf.kernel, sizeof(pf.kernel));
	free(z);
	tl_plan_opts(&pf, &o);
	o.initrd_path = NULL;
	o.bootargs = NULL;
	if (charon_boot_prepare(tl_as(&o, "arm64"), &b, &err)) {
		fail_msg("prepare: %s", err.msg);
	}
	assert_int_equal(b.nr_seg, 2);
	k = charon_boot_seg_find(&b, "kernel");
	d = charon_boot_seg_find(&b, "dtb");
	assert_null(charon_boot_seg_find(&b, "initrd"));
	assert_true(k->modified);	/* inflated: QEMU loads a copy */
	assert_int_equal(k->len, pf.kernel_len);
	assert_memory_equal(k->data, pf.kernel_data, pf.kernel_len);
	assert_null(fdt_getprop(d->data, fdt_path_offset(d->data, "/chosen"),
				"linux,initrd-start", &n));
	assert_null(fdt_getprop(d->data, fdt_path_offset(d->data, "/chosen"),
				"bootargs", &n));
	q = b.stub.image + TL_STUB_PARAMS_OFF;
	assert_int_equal(tl_rd32(q + 0x010), 2);
	/* the digest is of the inflated Image, what is loaded */
	tl_check_region(q, 0, "kernel", 0x40000000, pf.kernel_data,
		     pf.kernel_len);
	tl_check_region(q, 1, "dtb", d->addr, d->data, d->len);
	assert_int_equal(tl_rd64(q + 0x058), CHARON_PSCI_SMC);
	charon_boot_free(&b);
	tl_plan_files_free(&pf);
}

static void test_plan_stub_addr(void **state)
{
	static const uint64_t addrs[] = { 0x40000000, 0x60000000, 0x7fff0000 };
	struct tl_plan_files pf;
	struct charon_boot_opts o;
	struct charon_boot b;
	struct charon_err err = { "" };
	struct charon_boot_seg *d;
	uint64_t a, s;
	size_t n;

	(void)state;
	plan_files(&pf, NULL);
	tl_plan_opts(&pf, &o);
	o.stub_addr_fixed = true;
	for (n = 0; n < 3; n++) {
		o.stub_addr = addrs[n];
		if (charon_boot_prepare(tl_as(&o, "arm64"), &b, &err)) {
			fail_msg("prepare at 0x%llx: %s",
				 (unsigned long long)addrs[n], err.msg);
		}
		assert_int_equal(b.stub_addr, addrs[n]);
		assert_int_equal(b.seg[0].addr,
				 n == 0 ? 0x40200000 : 0x40000000);
		d = charon_boot_seg_find(&b, "dtb");
		CHECK(fdt_get_mem_rsv(d->data, 0, &a, &s));
		assert_int_equal(a, addrs[n]);
		assert_int_equal(s, TL_STUB_MEM_SIZE);
		charon_boot_free(&b);
	}

	o.stub_addr = 0x30000000;
	assert_int_equal(charon_boot_prepare(tl_as(&o, "arm64"), &b, &err), -ERANGE);
	charon_boot_free(&b);
	assert_string_equal(err.msg,
			    "layout: stub [0x30000000, 0x30010000) is outside RAM [0x40000000, 0x80000000)");
	o.stub_addr = 0x40000800;
	assert_int_equal(charon_boot_prepare(tl_as(&o, "arm64"), &b, &err), -EINVAL);
	charon_boot_free(&b);
	assert_msg(err, "layout: stub address 0x40000800 is not 0x0 modulo 0x1000");
	tl_plan_files_free(&pf);
}

/* the back-end's own use of the start of RAM (QEMU's DTB) is kept out */
static void test_plan_ram_head(void **state)
{
	struct tl_plan_files pf;
	struct charon_boot_opts o;
	struct charon_boot b;
	struct charon_err err = { "" };

	(void)state;
	plan_files(&pf, NULL);
	tl_plan_opts(&pf, &o);
	o.ram_head_reserve = 0x100000;
	o.ram_head_name = "qemu-dtb";
	if (charon_boot_prepare(tl_as(&o, "arm64"), &b, &err)) {
		fail_msg("prepare: %s", err.msg);
	}
	assert_int_equal(b.seg[0].addr, 0x40200000);
	charon_boot_free(&b);

	o.stub_addr_fixed = true;
	o.stub_addr = 0x400f0000;
	assert_int_equal(charon_boot_prepare(tl_as(&o, "arm64"), &b, &err), -EINVAL);
	charon_boot_free(&b);
	assert_string_equal(err.msg,
			    "layout: stub [0x400f0000, 0x40100000) overlaps qemu-dtb [0x40000000, 0x40100000)");
	o.stub_addr = 0x40100000;
	CHECK(charon_boot_prepare(tl_as(&o, "arm64"), &b, &err));
	assert_int_equal(b.seg[0].addr, 0x40200000);
	charon_boot_free(&b);
	tl_plan_files_free(&pf);
}

static void test_plan_errors(void **state)
{
	struct tl_plan_files pf;
	struct charon_boot_opts o;
	struct charon_boot b;
	struct charon_err err = { "" };
	struct tl_dtb_opts dopt;
	char path[PATH_MAX + 128], bad[PATH_MAX];
	uint8_t *img;

	(void)state;
	tl_dtb_defaults(&dopt);
	dopt.mem_size = 0x1000000;	/* 16 MiB: too small for 20 MiB */
	plan_files(&pf, &dopt);
	tl_plan_opts(&pf, &o);
	assert_int_equal(charon_boot_prepare(tl_as(&o, "arm64"), &b, &err), -ENOSPC);
	charon_boot_free(&b);
	assert_msg(err, "layout: no room for kernel (0x1400000 bytes");
	assert_msg(err, "in RAM [0x40000000, 0x41000000)");
	tl_plan_files_free(&pf);

	plan_files(&pf, NULL);
	tl_plan_opts(&pf, &o);
	tl_write(pf.dir, "bad.dtb", "not a device tree, clearly not one, no..",
		 40, bad, sizeof(bad));
	o.dtb_path = bad;
	assert_int_equal(charon_boot_prepare(tl_as(&o, "arm64"), &b, &err), -EINVAL);
	charon_boot_free(&b);
	snprintf(path, sizeof(path), "dtb: %s: magic at 0x0 is 0x6e6f7420", bad);
	assert_msg(err, path);

	tl_plan_opts(&pf, &o);
	tl_write(pf.dir, "empty", "", 0, bad, sizeof(bad));
	o.initrd_path = bad;
	assert_int_equal(charon_boot_prepare(tl_as(&o, "arm64"), &b, &err), -EINVAL);
	charon_boot_free(&b);
	snprintf(path, sizeof(path), "initrd: %s: file is empty", bad);
	assert_string_equal(err.msg, path);

	tl_plan_opts(&pf, &o);
	o.kernel_path = pf.initrd;
	assert_int_equal(charon_boot_prepare(tl_as(&o, "arm64"), &b, &err), -EINVAL);
	charon_boot_free(&b);
	snprintf(path, sizeof(path), "Image: %s: header magic at 0x38", pf.initrd);
	assert_msg(err, path);

	tl_plan_opts(&pf, &o);
	o.stub_path = pf.kernel;
	assert_int_equal(charon_boot_prepare(tl_as(&o, "arm64"), &b, &err), -EINVAL);
	charon_boot_free(&b);
	snprintf(path, sizeof(path), "stub: %s: header magic at 0x40", pf.kernel);
	assert_msg(err, path);

	/* a kernel that is only big-endian */
	img = tl_image(0x1000, 0, 0x200000, 1);
	tl_write(pf.dir, "be", img, 0x1000, bad, sizeof(bad));
	free(img);
	tl_plan_opts(&pf, &o);
	o.kernel_path = bad;
	assert_int_equal(charon_boot_prepare(tl_as(&o, "arm64"), &b, &err), -EINVAL);
	charon_boot_free(&b);
	assert_msg(err, "big-endian kernel");
	tl_plan_files_free(&pf);
}

static void test_plan_hooks(void **state)
{
	static const char *const whats[] = {
		"magic", "version", "size", "nr-regions", "overlap-stub", "wrap",
	};
	struct tl_plan_files pf;
	struct charon_boot_opts o;
	struct charon_boot b;
	struct charon_err err = { "" };
	struct charon_boot_seg *k, *i, *d;
	const uint8_t *q;
	uint8_t before[32];
	size_t n;

	(void)state;
	plan_files(&pf, NULL);
	tl_plan_opts(&pf, &o);
	for (n = 0; n < sizeof(whats) / sizeof(whats[0]); n++) {
		if (charon_boot_prepare(tl_as(&o, "arm64"), &b, &err)) {
			fail_msg("prepare: %s", err.msg);
		}
		assert_true(charon_boot_break_known(whats[n]));
		CHECK(charon_boot_break_params(&b, whats[n], &err));
		q = b.stub.image + TL_STUB_PARAMS_OFF;
		switch (n) {
		case 0:
			assert_int_equal(tl_rd32(q), ~CHARON_PARAMS_MAGIC);
			break;
		case 1:
			assert_int_equal(tl_rd32(q + 4), 2);
			break;
		case 2:
			assert_int_equal(tl_rd32(q + 8), 0x620);
			break;
		case 3:
			assert_int_equal(tl_rd32(q + 0x10), 17);
			break;
		case 4:
			assert_int_equal(tl_rd32(q + 0x10), 4);
			assert_int_equal(tl_rd64(q + 0x098 + 3 * 0x40),
					 b.stub_addr);
			assert_int_equal(tl_rd64(q + 0x098 + 3 * 0x40 + 8),
					 TL_STUB_MEM_SIZE);
			assert_string_equal((const char *)q + 0x098 +
					    3 * 0x40 + 0x10, "stub");
			break;
		default:
			assert_int_equal(tl_rd32(q + 0x10), 4);
			assert_int_equal(tl_rd64(q + 0x098 + 3 * 0x40),
					 0xfffffffffffff000ull);
			assert_int_equal(tl_rd64(q + 0x098 + 3 * 0x40 + 8),
					 0x2000);
			break;
		}
		charon_boot_free(&b);
	}
	CHECK(charon_boot_prepare(tl_as(&o, "arm64"), &b, &err));
	assert_int_equal(charon_boot_break_params(&b, "everything", &err),
			 -EINVAL);
	assert_msg(err, "--break-params: unknown \"everything\"");
	assert_false(charon_boot_break_known("everything"));

	/* flip-bit: after hashing, so the digests stay those of the original */
	k = charon_boot_seg_find(&b, "kernel");
	i = charon_boot_seg_find(&b, "initrd");
	d = charon_boot_seg_find(&b, "dtb");
	q = b.stub.image + TL_STUB_PARAMS_OFF;
	memcpy(before, q + 0x098 + 0x20, 32);
	CHECK(charon_boot_flip_bit(&b, "kernel", &err));
	assert_true(k->modified);
	assert_int_equal(k->data[PLAN_KERNEL_LEN / 2],
			 pf.kernel_data[PLAN_KERNEL_LEN / 2] ^ 1);
	assert_memory_equal(q + 0x098 + 0x20, before, 32);
	CHECK(charon_boot_flip_bit(&b, "initrd:0x10", &err));
	assert_int_equal(i->data[0x10], pf.initrd_data[0x10] ^ 1);
	assert_int_equal(i->data[0x11], pf.initrd_data[0x11]);
	CHECK(charon_boot_flip_bit(&b, "dtb:0", &err));
	assert_int_equal(((uint8_t *)d->data)[0], 0xd0 ^ 1);

	assert_int_equal(charon_boot_flip_bit(&b, "stub", &err), -EINVAL);
	assert_msg(err, "--flip-bit: no loaded segment \"stub\" (have: kernel, initrd, dtb)");
	assert_int_equal(charon_boot_flip_bit(&b, "initrd:0x5432", &err),
			 -EINVAL);
	assert_msg(err, "--flip-bit: offset 0x5432 is outside initrd (0x5432 bytes)");
	assert_int_equal(charon_boot_flip_bit(&b, "kernel:zz", &err), -EINVAL);
	assert_msg(err, "--flip-bit: offset \"zz\" is not a number");
	assert_int_equal(charon_boot_flip_bit(&b, "kernel: -1", &err),
			 -EINVAL);
	assert_msg(err, "--flip-bit: offset \" -1\" is not a number");
	assert_int_equal(charon_boot_flip_bit(&b, ":3", &err), -EINVAL);
	charon_boot_free(&b);
	tl_plan_files_free(&pf);
}

/* the real Debian kernel, when scripts/fetch-kernels has run */
static void test_plan_real_kernel(void **state)
{
	struct tl_plan_files pf;
	struct charon_boot_opts o;
	struct charon_boot b;
	struct charon_err err = { "" };
	char path[PATH_MAX];

	(void)state;
	if (!tl_real_kernel("arm64", path, sizeof(path))) {
		/* test_image_real_kernel reports the missing kernel */
		skip();
	}
	plan_files(&pf, NULL);
	tl_plan_opts(&pf, &o);
	o.kernel_path = path;
	if (charon_boot_prepare(tl_as(&o, "arm64"), &b, &err)) {
		fail_msg("prepare: %s", err.msg);
	}
	assert_int_equal(b.seg[0].addr, 0x40000000 + b.kernel.arm64.text_offset);
	assert_int_equal(b.seg[0].mem_size, b.kernel.arm64.mem_size);
	tl_check_region(b.stub.image + TL_STUB_PARAMS_OFF, 0, "kernel",
		     b.seg[0].addr, b.seg[0].data, b.seg[0].len);
	charon_boot_free(&b);
	tl_plan_files_free(&pf);
}

int tl_run_fdt_tests(void)
{
	const struct CMUnitTest fdt[] = {
		cmocka_unit_test(test_fdt_read),
		cmocka_unit_test(test_fdt_console),
		cmocka_unit_test(test_fdt_psci),
		cmocka_unit_test(test_fdt_memory),
		cmocka_unit_test(test_fdt_bad),
		cmocka_unit_test(test_fdt_edit),
		cmocka_unit_test(test_fdt_edit_old_stub),
	};
	const struct CMUnitTest plan[] = {
		cmocka_unit_test(test_plan_arm64),
		cmocka_unit_test(test_plan_gzip_no_initrd),
		cmocka_unit_test(test_plan_stub_addr),
		cmocka_unit_test(test_plan_ram_head),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_plan_hooks),
		cmocka_unit_test(test_plan_real_kernel),
	};

	return cmocka_run_group_tests_name("fdt", fdt, NULL, NULL) +
	       cmocka_run_group_tests_name("plan", plan, NULL, NULL);
}
