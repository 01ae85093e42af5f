// SPDX-License-Identifier: MIT
/*
 * The stub's chainloader mode (purgatory/chain.c, with the block checks of
 * purgatory/verify.c) built for the host and run on a real QEMU virt tree
 * ($CHARON_TEST_VIRT_DTB, dumped by tests/unit/test_chain.py): the same
 * source as in charon-chain.bin, against Debian's libfdt.  "RAM" is a host
 * buffer, which the tree's memory node is made to describe; the image is
 * a host buffer laid out as the stub's extent symbols say.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>
#include <openssl/sha.h>

#include <purgatory/arch.h>
#include <purgatory/pg.h>

#define STUB_MEM	0x10000u
#define IMAGE_SIZE	(1u << 20)
#define RAM_SIZE	(8u << 20)

/* the stub's extent: 64 KiB of stub, then room for the payloads */
__asm__(".section .bss\n"
	".balign 4096\n"
	".globl _stub_start\n_stub_start:\n"
	".space 0x8000\n"
	".globl _stub_file_end\n_stub_file_end:\n"
	".space 0x8000\n"
	".globl _stub_end\n_stub_end:\n"
	".space 0xf0000\n"
	".previous\n");

/* --- what chain.c and verify.c need from the rest of the stub ---------- */
struct charon_params pg_params;
uint64_t pg_boot_arg;
uint64_t arch_addr_limit = UINT64_MAX;
const uint32_t arch_reloc_relative = 0;
static char said[8192];
static size_t said_len;
static struct charon_console con_seen;

void pg_print(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	said_len += (size_t)vsnprintf(said + said_len,
				      sizeof(said) - said_len, fmt, ap);
	va_end(ap);
	if (said_len >= sizeof(said)) {
		said_len = sizeof(said) - 1;
	}
}

void pg_print_hex(const uint8_t *buf, unsigned int len)
{
	while (len--) {
		pg_print("%02x", *buf++);
	}
}

void pg_console_init(const struct charon_console *con)
{
	con_seen = *con;
}

int arch_check_params(const struct charon_params *p)
{
	(void)p;
	return 0;
}

/* --- the machine: a real tree, its memory node moved onto our RAM ------ */
static uint8_t *ram;
static uint8_t tree[1 << 20];

static const char *kernel_text = "a kernel, of sorts";
static const char cmdline[] = "console=ttyAMA0 charon.test=host";

static void load_tree(uint64_t rsv_start, uint64_t rsv_size)
{
	const char *path = getenv("CHARON_TEST_VIRT_DTB");
	fdt64_t reg[2] = { cpu_to_fdt64((uintptr_t)ram),
			   cpu_to_fdt64(RAM_SIZE) };
	uint8_t raw[1 << 20];
	FILE *f;
	size_t n;
	int mem;

	assert_non_null(path);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(raw, 1, sizeof(raw), f);
	fclose(f);
	assert_true(n > 0);
	assert_int_equal(fdt_open_into(raw, tree, sizeof(tree)), 0);
	mem = fdt_node_offset_by_prop_value(tree, -1, "device_type",
					    "memory", sizeof("memory"));
	assert_true(mem >= 0);
	assert_int_equal(fdt_setprop(tree, mem, "reg", reg, sizeof(reg)), 0);
	if (rsv_size) {
		assert_int_equal(fdt_add_mem_rsv(tree, rsv_start, rsv_size), 0);
	}
	assert_int_equal(fdt_pack(tree), 0);
	pg_boot_arg = (uintptr_t)tree;
}

static void region(struct charon_params *p, const char *label, uint64_t at,
		   const void *data, size_t len)
{
	struct charon_region *r = &p->regions[p->nr_regions++];

	r->start = at;
	r->len = len;
	strncpy(r->label, label, sizeof(r->label));
	SHA256(data, len, r->sha256);
}

/* a block as charon image fills it: kernel and command line, a tree room */
static struct charon_chain *setup(void)
{
	struct charon_params *p = &pg_params;
	struct charon_chain *c;
	uint64_t base = (uintptr_t)ram;

	memset(p, 0, sizeof(*p));
	memset(_stub_start, 0, IMAGE_SIZE);
	memset(ram, 0xee, RAM_SIZE);
	said_len = 0;
	said[0] = '\0';
	p->magic = CHARON_PARAMS_MAGIC;
	p->version = CHARON_ABI_VERSION;
	p->size = sizeof(*p);
	p->chain_offset = STUB_MEM;
	c = (struct charon_chain *)(void *)(_stub_start + STUB_MEM);
	c->magic = CHARON_CHAIN_MAGIC;
	c->size = sizeof(*c);
	c->image_size = IMAGE_SIZE;
	c->fdt_dst = base + (3u << 20);
	c->fdt_room = 256u << 10;
	c->bootargs = base + (4u << 20);
	c->initrd_start = base + (5u << 20);
	c->initrd_end = base + (5u << 20) + 0x1234;
	memcpy(_stub_start + 0x11000, kernel_text, strlen(kernel_text));
	memcpy(_stub_start + 0x12000, cmdline, sizeof(cmdline));
	p->copies[0] = (struct charon_copy){ 0x11000, base + (1u << 20),
					     strlen(kernel_text) };
	p->copies[1] = (struct charon_copy){ 0x12000, c->bootargs,
					     sizeof(cmdline) };
	p->nr_copies = 2;
	region(p, "kernel", base + (1u << 20), kernel_text,
	       strlen(kernel_text));
	region(p, "cmdline", c->bootargs, cmdline, sizeof(cmdline));
	p->next.entry = base + (1u << 20);
	return c;
}

static void test_boot_edits_the_firmwares_tree(void **state)
{
	struct charon_params *p = &pg_params;
	struct charon_chain *c;
	const void *v;
	const fdt64_t *q;
	int chosen, len;

	(void)state;
	c = setup();
	load_tree(0, 0);
	assert_int_equal(pg_check_params(p), 0);
	assert_int_equal(pg_chainload(p), 0);
	assert_memory_equal(ram + (1u << 20), kernel_text, strlen(kernel_text));
	assert_int_equal(pg_verify_regions(p), 0);
	assert_int_equal(pg_chain_boot_data(p), 0);

	v = (const void *)(uintptr_t)c->fdt_dst;
	assert_int_equal(fdt_check_header(v), 0);
	assert_true(fdt_totalsize(v) < c->fdt_room);	/* packed */
	chosen = fdt_path_offset(v, "/chosen");
	assert_true(chosen >= 0);
	assert_string_equal(fdt_getprop(v, chosen, "bootargs", &len), cmdline);
	q = fdt_getprop(v, chosen, "linux,initrd-start", &len);
	assert_non_null(q);
	assert_int_equal(fdt64_ld(q), c->initrd_start);
	q = fdt_getprop(v, chosen, "linux,initrd-end", &len);
	assert_int_equal(fdt64_ld(q), c->initrd_end);
	/* the rest of the firmware's tree is still there */
	assert_true(fdt_path_offset(v, "/pl011@9000000") >= 0);
	assert_true(fdt_path_offset(v, "/psci") >= 0);
	assert_non_null(strstr(said, "the firmware's, from the entry register"));
}

static void test_destination_outside_ram(void **state)
{
	(void)state;
	setup();
	pg_params.copies[0].dst = (uintptr_t)ram + RAM_SIZE - 4;
	pg_params.regions[0].start = pg_params.copies[0].dst;
	pg_params.next.entry = pg_params.copies[0].dst;
	load_tree(0, 0);
	assert_int_equal(pg_check_params(&pg_params), 0);
	assert_int_equal(pg_chainload(&pg_params), -PG_EPARAMS);
	assert_non_null(strstr(said, "copy 0 'kernel'"));
	assert_non_null(strstr(said, "is outside the RAM the device tree"));
	/* nothing was copied */
	assert_int_equal(ram[RAM_SIZE - 4], 0xee);
}

static void test_destination_on_memreserve(void **state)
{
	char want[128];

	(void)state;
	setup();
	load_tree((uintptr_t)ram + (1u << 20) + 8, 0x100);
	assert_int_equal(pg_chainload(&pg_params), -PG_EPARAMS);
	snprintf(want, sizeof(want), "overlaps the reserved range [0x%llx,",
		 (unsigned long long)(uintptr_t)ram + (1u << 20) + 8);
	assert_non_null(strstr(said, want));
	assert_int_equal(ram[1u << 20], 0xee);
}

static void test_room_on_the_firmwares_tree(void **state)
{
	struct charon_chain *c;

	(void)state;
	c = setup();
	load_tree(0, 0);
	memcpy(ram + (3u << 20), tree, fdt_totalsize(tree));
	pg_boot_arg = (uintptr_t)ram + (3u << 20);
	assert_int_equal(pg_chainload(&pg_params), -PG_EPARAMS);
	assert_non_null(strstr(said, "overlaps the tree itself"));
	(void)c;
}

static void test_copy_source_outside_the_payloads(void **state)
{
	(void)state;
	setup();
	pg_params.copies[1].src_offset = 0x100;	/* inside the stub */
	assert_int_equal(pg_check_params(&pg_params), -PG_EPARAMS);
	assert_non_null(strstr(said, "copy 1 'cmdline' source"));
	setup();
	pg_params.copies[0].len = IMAGE_SIZE;	/* past image_size */
	assert_int_equal(pg_check_params(&pg_params), -PG_EPARAMS);
	assert_non_null(strstr(said, "is outside the payloads"));
}

static void test_copies_overlapping_each_other(void **state)
{
	(void)state;
	setup();
	pg_params.copies[1].dst = pg_params.copies[0].dst + 4;
	assert_int_equal(pg_check_params(&pg_params), -PG_EPARAMS);
	assert_non_null(strstr(said, "overlaps copy 0's destination"));
}

static void test_bootargs_must_be_a_verified_region(void **state)
{
	(void)state;
	setup();
	pg_params.nr_regions = 1;	/* no "cmdline" region */
	assert_int_equal(pg_check_params(&pg_params), -PG_EPARAMS);
	assert_non_null(strstr(said, "could not be verified"));
}

static void test_no_tree_at_all(void **state)
{
	(void)state;
	setup();
	pg_boot_arg = 0;
	assert_int_equal(pg_chainload(&pg_params), -PG_EPARAMS);
	assert_non_null(strstr(said, "no device tree"));
}

static void test_embedded_tree_checked_before_use(void **state)
{
	struct charon_chain *c;

	(void)state;
	c = setup();
	load_tree(0, 0);
	memcpy(_stub_start + 0x20000, tree, fdt_totalsize(tree));
	c->dtb_offset = 0x20000;
	c->dtb_len = fdt_totalsize(tree);
	SHA256(tree, c->dtb_len, c->dtb_sha256);
	pg_boot_arg = 0;	/* the firmware gives none: the image's wins */
	assert_int_equal(pg_check_params(&pg_params), 0);
	assert_int_equal(pg_chainload(&pg_params), 0);
	assert_non_null(strstr(said, "embedded in the image"));
	setup();
	load_tree(0, 0);
	memcpy(_stub_start + 0x20000, tree, fdt_totalsize(tree));
	c->dtb_offset = 0x20000;
	c->dtb_len = fdt_totalsize(tree);
	SHA256(tree, c->dtb_len, c->dtb_sha256);
	_stub_start[0x20000 + 0x80] ^= 1;
	assert_int_equal(pg_chainload(&pg_params), -PG_EPARAMS);
	assert_non_null(strstr(said, "SHA-256 MISMATCH"));
}

static void test_console_from_stdout_path(void **state)
{
	(void)state;
	setup();
	load_tree(0, 0);
	memset(&pg_params, 0, sizeof(pg_params));	/* no loader filled it */
	memset(&con_seen, 0, sizeof(con_seen));
	pg_chain_console(&pg_params);
	assert_int_equal(con_seen.kind, CHARON_CON_PL011);
	assert_int_equal(con_seen.base, 0x9000000);
	/* a block that names a console keeps it */
	setup();
	pg_params.console.kind = CHARON_CON_NS16550_MMIO;
	memset(&con_seen, 0, sizeof(con_seen));
	pg_chain_console(&pg_params);
	assert_int_equal(con_seen.kind, CHARON_CON_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_edits_the_firmwares_tree),
		cmocka_unit_test(test_destination_outside_ram),
		cmocka_unit_test(test_destination_on_memreserve),
		cmocka_unit_test(test_room_on_the_firmwares_tree),
		cmocka_unit_test(test_copy_source_outside_the_payloads),
		cmocka_unit_test(test_copies_overlapping_each_other),
		cmocka_unit_test(test_bootargs_must_be_a_verified_region),
		cmocka_unit_test(test_no_tree_at_all),
		cmocka_unit_test(test_embedded_tree_checked_before_use),
		cmocka_unit_test(test_console_from_stdout_path),
	};

	ram = aligned_alloc(1u << 20, RAM_SIZE);
	if (!ram) {
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
