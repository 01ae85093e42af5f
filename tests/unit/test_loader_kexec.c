// SPDX-License-Identifier: MIT
/*
 * libcharon unit tests for `charon load` (kexec_load(2)), without calling
 * the kernel: /proc/iomem parsing, the serial console's port from a
 * command line, what charon_live_read() makes of a crafted proc/ and sys/
 * tree, and charon_kexec_build() turning a hand-made boot plan into the
 * page-aligned segments the kernel takes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <charon/boot.h>
#include <charon/err.h>
#include <charon/kexec.h>
#include <charon/live.h>

#include "test_loader.h"

#define PAGE	0x1000ull

/* ---- /proc/iomem ------------------------------------------------------ */

/* as a q35 guest with 5 GiB, crashkernel=256M shows it to root */
static const char iomem_q35[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-3ffdffff : System RAM\n"
	"  01000000-01e03fff : Kernel code\n"
	"  01e04000-0264bfff : Kernel rodata\n"
	"  02800000-02a7f2ff : Kernel data\n"
	"  02f6f000-031fffff : Kernel bss\n"
	"  2c000000-3bffffff : Crash kernel\n"
	"3ffe0000-3fffffff : Reserved\n"
	"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
	"  b0000000-bfffffff : Reserved\n"
	"    b0000000-b00fffff : System RAM\n"
	"fed00000-fed003ff : HPET 0\n"
	"100000000-13fffffff : System RAM\n";

static void test_iomem_nested(void **state)
{
	struct charon_live lv;
	struct charon_err err = { "" };

	(void)state;
	memset(&lv, 0, sizeof(lv));
	CHECK(charon_iomem_parse("/proc/iomem", iomem_q35, &lv, &err));
	/* top-level "System RAM" only: not the one nested under Reserved */
	assert_int_equal(lv.nr_ram, 3);
	assert_int_equal(lv.ram[0].start, 0x1000);
	assert_int_equal(lv.ram[0].size, 0x9ec00);
	assert_int_equal(lv.ram[1].start, 0x100000);
	assert_int_equal(lv.ram[1].size, 0x3fee0000);
	assert_int_equal(lv.ram[2].start, 0x100000000ull);
	assert_int_equal(lv.ram[2].size, 0x40000000ull);
	/* from the first "Kernel" start to the last one's end, exclusive */
	assert_int_equal(lv.kernel_start, 0x1000000);
	assert_int_equal(lv.kernel_end, 0x3200000);
	/* the crash kernel, nested in RAM, is kept out with its range */
	assert_int_equal(lv.nr_keepout, 1);
	assert_int_equal(lv.keepout[0].start, 0x2c000000);
	assert_int_equal(lv.keepout[0].size, 0x10000000);
	assert_non_null(strstr(lv.keepout[0].name, "rash"));
}

static void test_iomem_kernel_order(void **state)
{
	/* "Kernel" entries in any order, under two RAM ranges, no newline */
	static const char text[] =
		"00000000-0fffffff : System RAM\n"
		"  02000000-020fffff : Kernel data\n"
		"40000000-7fffffff : System RAM\n"
		"  40200000-40ffffff : Kernel code\n"
		"  41000000-412fffff : Kernel bss";
	struct charon_live lv;
	struct charon_err err = { "" };

	(void)state;
	memset(&lv, 0, sizeof(lv));
	CHECK(charon_iomem_parse("iomem", text, &lv, &err));
	assert_int_equal(lv.nr_ram, 2);
	assert_int_equal(lv.kernel_start, 0x2000000);
	assert_int_equal(lv.kernel_end, 0x41300000);
	assert_int_equal(lv.nr_keepout, 0);
	assert_int_equal(lv.ram[1].start, 0x40000000);
	assert_int_equal(lv.ram[1].size, 0x40000000);
}

static void test_iomem_not_root(void **state)
{
	/* what a reader without CAP_SYS_ADMIN sees: every address 0 */
	static const char text[] =
		"00000000-00000000 : Reserved\n"
		"00000000-00000000 : System RAM\n"
		"00000000-00000000 : System RAM\n"
		"  00000000-00000000 : Kernel code\n"
		"  00000000-00000000 : Crash kernel\n";
	struct charon_live lv;
	struct charon_err err = { "" };

	(void)state;
	memset(&lv, 0, sizeof(lv));
	assert_int_equal(charon_iomem_parse("/proc/iomem", text, &lv, &err),
			 -EPERM);
	assert_msg(err, "/proc/iomem");
	assert_msg(err, "root");
}

static void test_iomem_malformed(void **state)
{
	static const char *const bad[] = {
		/* not a range at all */
		"00000000-00000fff : Reserved\n"
		"00001000-0009fbff : System RAM\n"
		"\n"
		"  garbage\n",
		/* no " : NAME" */
		"00000000-00000fff : Reserved\n"
		"00001000-0009fbff : System RAM\n"
		"\n"
		"00100000-3ffdffff\n",
		/* end below start */
		"00000000-00000fff : Reserved\n"
		"00001000-0009fbff : System RAM\n"
		"\n"
		"3ffdffff-00100000 : System RAM\n",
		/* no end */
		"00000000-00000fff : Reserved\n"
		"00001000-0009fbff : System RAM\n"
		"\n"
		"00100000 : System RAM\n",
		/*
		 * the whole 64-bit space: end - start + 1 was 0, and it
		 * read as "no System RAM"
		 */
		"00000000-00000fff : Reserved\n"
		"00001000-0009fbff : System RAM\n"
		"\n"
		"0000000000000000-ffffffffffffffff : System RAM\n",
		/* Kernel code's end + 1 wrapped */
		"00000000-00000fff : Reserved\n"
		"00001000-0009fbff : System RAM\n"
		"\n"
		"  fffffffffffff000-ffffffffffffffff : Kernel code\n",
	};
	struct charon_live lv;
	struct charon_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&lv, 0, sizeof(lv));
		err.msg[0] = '\0';
		assert_int_equal(charon_iomem_parse("/proc/iomem", bad[i], &lv,
						    &err), -EINVAL);
		/* the blank line 3 counts: the bad one is line 4 */
		assert_msg(err, "/proc/iomem: line 4");
	}
}

static void test_iomem_no_ram(void **state)
{
	static const char text[] =
		"00000000-00000fff : Reserved\n"
		"  00001000-0009fbff : System RAM\n"
		"fed00000-fed003ff : HPET 0\n";
	struct charon_live lv;
	struct charon_err err = { "" };

	(void)state;
	memset(&lv, 0, sizeof(lv));
	assert_int_equal(charon_iomem_parse("/proc/iomem", text, &lv, &err),
			 -EINVAL);
	assert_msg(err, "/proc/iomem");
	assert_msg(err, "System RAM");
	/* an empty file is no better */
	memset(&lv, 0, sizeof(lv));
	assert_true(charon_iomem_parse("/proc/iomem", "", &lv, &err) < 0);
}

/* ---- the serial console's port ---------------------------------------- */

static void test_com_port(void **state)
{
	static const struct {
		const char *cmdline;
		uint16_t port;
	} ok[] = {
		{ "console=ttyS0", 0x3f8 },
		{ "root=/dev/sda1 console=ttyS1,115200 quiet", 0x2f8 },
		{ "console=ttyS2", 0x3e8 },
		{ "console=ttyS3,9600n8", 0x2e8 },
		/* the last console= wins */
		{ "console=ttyS0 console=ttyS1", 0x2f8 },
		{ "console=ttyS1,115200 console=ttyS0", 0x3f8 },
		{ "console=uart,io,0x2f8,115200n8", 0x2f8 },
		{ "console=uart8250,io,0x3e8", 0x3e8 },
		{ "console=ttyS0\tconsole=uart,io,0x2e8,115200\n", 0x2e8 },
		/* a later non-serial console leaves the serial one */
		{ "console=ttyS1 console=tty0", 0x2f8 },
	};
	static const char *const none[] = {
		"console=tty0",
		"console=ttyS7",
		"console=ttyS4,115200",
		"console=ttyS99999999999",
		"console=ttyS1x",
		"console=ttyS",
		"console=uart,io,0x10000",
		"console=hvc0",
		"console=uart,mmio,0xfe215040",
		"xconsole=ttyS0",
		"root=/dev/sda1 quiet",
		"",
	};
	uint16_t port;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		port = 0x1234;
		if (charon_live_com_port(ok[i].cmdline, &port) != 0 ||
		    port != ok[i].port) {
			fail_msg("\"%s\": port 0x%x, expected 0x%x",
				 ok[i].cmdline, port, ok[i].port);
		}
	}
	tl_catch_warnings();
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		port = 0x1234;
		tl_last_warning[0] = '\0';
		if (charon_live_com_port(none[i], &port) != -ENOENT ||
		    port != 0x1234) {
			fail_msg("\"%s\": a port (0x%x), expected -ENOENT and the port untouched",
				 none[i], port);
		}
		/* a serial console= it cannot use is named, not skipped */
		if (!strncmp(none[i], "console=ttyS", 12) ||
		    !strncmp(none[i], "console=uart,io", 15)) {
			if (!strstr(tl_last_warning, none[i])) {
				fail_msg("\"%s\": no warning naming it (\"%s\")",
					 none[i], tl_last_warning);
			}
		} else if (tl_last_warning[0]) {
			fail_msg("\"%s\": warned \"%s\"", none[i],
				 tl_last_warning);
		}
	}
}

/* ---- charon_live_read() on a crafted root ----------------------------- */

static void put(const char *root, const char *path, const void *data,
		size_t len)
{
	char full[PATH_MAX], *p;
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	for (p = full + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(full, 0755) && errno != EEXIST) {
			fail_msg("mkdir %s: %s", full, strerror(errno));
		}
		*p = '/';
	}
	f = fopen(full, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void put_str(const char *root, const char *path, const char *s)
{
	put(root, path, s, strlen(s));
}

static void put_be(const char *root, const char *path, uint64_t v,
		   size_t len)
{
	uint8_t b[8];
	size_t i;

	for (i = 0; i < len; i++) {
		b[i] = (uint8_t)(v >> (8 * (len - 1 - i)));
	}
	put(root, path, b, len);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void memmap_entry(const char *root, unsigned int n, const char *start,
			 const char *end, const char *type)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/start", n);
	put_str(root, path, start);
	snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/end", n);
	put_str(root, path, end);
	snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/type", n);
	put_str(root, path, type);
}

static void test_live_x86(void **state)
{
	static struct charon_live lv;
	struct charon_err err = { "" };
	char root[PATH_MAX], slash[PATH_MAX + 1];

	(void)state;
	tl_tmpdir(root, sizeof(root));
	put_str(root, "/proc/cmdline",
		"BOOT_IMAGE=/vmlinuz console=tty0 console=ttyS1,115200 \n");
	put_str(root, "/proc/iomem", iomem_q35);
	/* the files as sysfs shows them: 0x... and a newline; type names */
	memmap_entry(root, 0, "0x0\n", "0x9fbff\n", "System RAM\n");
	memmap_entry(root, 1, "0x9fc00\n", "0x9ffff\n", "Reserved\n");
	memmap_entry(root, 2, "0xf0000\n", "0xfffff\n", "Reserved\n");
	memmap_entry(root, 3, "0x100000\n", "0x3ffdffff\n", "System RAM\n");
	memmap_entry(root, 4, "0x3ffe0000\n", "0x3fffffff\n", "ACPI Tables\n");
	memmap_entry(root, 5, "0xfeffc000\n", "0xfeffffff\n", "Reserved\n");
	memmap_entry(root, 6, "0xfffc0000\n", "0xffffffff\n", "Reserved\n");
	memmap_entry(root, 7, "0x100000000\n", "0x13fffffff\n",
		     "System RAM\n");
	/* ACPI 2.0's RSDP is preferred to the 1.0 one */
	put_str(root, "/sys/firmware/efi/systab",
		"SMBIOS=0x7fb3e000\nACPI=0x7fb7e000\nACPI20=0x7fb7e014\n");

	/* a trailing slash on the root changes nothing */
	snprintf(slash, sizeof(slash), "%s/", root);
	CHECK(charon_live_read(slash, CHARON_LIVE_X86, &lv, &err));
	assert_string_equal(lv.cmdline,
			    "BOOT_IMAGE=/vmlinuz console=tty0 console=ttyS1,115200");
	assert_int_equal(lv.com_port, 0x2f8);
	assert_int_equal(lv.acpi_rsdp, 0x7fb7e014);
	assert_true(lv.have_e820);
	assert_int_equal(lv.e820.nr, 8);
	assert_int_equal(lv.e820.map[3].addr, 0x100000);
	assert_int_equal(lv.e820.map[3].size, 0x3fee0000);
	assert_int_equal(lv.e820.map[3].type, CHARON_E820_RAM);
	assert_int_equal(lv.e820.map[4].type, CHARON_E820_ACPI);
	assert_int_equal(lv.e820.map[5].type, CHARON_E820_RESERVED);
	assert_int_equal(lv.nr_ram, 3);
	assert_int_equal(lv.nr_keepout, 1);
	assert_int_equal(lv.keepout[0].start, 0x2c000000);
	assert_false(lv.have_opal);

	/* BIOS: no systab, the kernel scans for the RSDP itself */
	unlink(strcat(strcpy(slash, root), "/sys/firmware/efi/systab"));
	CHECK(charon_live_read(root, CHARON_LIVE_X86, &lv, &err));
	assert_int_equal(lv.acpi_rsdp, 0);

	/* a memmap entry that is not a number */
	memmap_entry(root, 8, "0x140000000\n", "lots\n", "System RAM\n");
	assert_int_equal(charon_live_read(root, CHARON_LIVE_X86, &lv, &err),
			 -EINVAL);
	assert_msg(err, "/sys/firmware/memmap/8");
	assert_msg(err, "lots");

	/* no memmap at all: x86 needs it, the device-tree arches do not */
	rm_tree(strcat(strcpy(slash, root), "/sys/firmware/memmap"));
	assert_int_equal(charon_live_read(root, CHARON_LIVE_X86, &lv, &err),
			 -ENOENT);
	assert_msg(err, "/sys/firmware/memmap");
	CHECK(charon_live_read(root, CHARON_LIVE_DT, &lv, &err));
	assert_false(lv.have_e820);
	assert_int_equal(lv.com_port, 0);

	/* no /proc/iomem */
	unlink(strcat(strcpy(slash, root), "/proc/iomem"));
	assert_true(charon_live_read(root, CHARON_LIVE_DT, &lv, &err) < 0);
	assert_msg(err, "/proc/iomem");
	rm_tree(root);
}

static void test_live_ppc64(void **state)
{
	static struct charon_live lv;
	struct charon_err err = { "" };
	char root[PATH_MAX], path[PATH_MAX + 64];
	const char *dt = "/proc/device-tree";

	(void)state;
	tl_tmpdir(root, sizeof(root));
	put_str(root, "/proc/cmdline", "root=/dev/sda2\n");
	put_str(root, "/proc/iomem",
		"00000000-7fffffff : System RAM\n"
		"  00000000-0173ffff : Kernel code\n"
		"  02a00000-02bfffff : Kernel bss\n");
	put_be(root, "/proc/device-tree/ibm,opal/opal-base-address",
	       0x30000000, 8);
	put_be(root, "/proc/device-tree/ibm,opal/opal-entry-address",
	       0x30003760, 8);
	/* a 4-byte kernel-end: Linux writes 8, but both are numbers */
	put_be(root, "/proc/device-tree/chosen/linux,kernel-end", 0x3000000,
	       4);

	CHECK(charon_live_read(root, CHARON_LIVE_PPC64, &lv, &err));
	assert_true(lv.have_opal);
	assert_int_equal(lv.opal_base, 0x30000000);
	assert_int_equal(lv.opal_entry, 0x30003760);
	assert_false(lv.have_e820);
	/* linux,kernel-end wins over iomem's "Kernel" lines */
	assert_int_equal(lv.nr_keepout, 1);
	assert_int_equal(lv.keepout[0].start, 0);
	assert_int_equal(lv.keepout[0].size, 0x3000000);

	/* a hash-MMU kernel's page table is kept out too */
	put_be(root, "/proc/device-tree/chosen/linux,htab-base", 0x7c000000,
	       8);
	put_be(root, "/proc/device-tree/chosen/linux,htab-size", 0x1000000,
	       8);
	CHECK(charon_live_read(root, CHARON_LIVE_PPC64, &lv, &err));
	assert_int_equal(lv.nr_keepout, 2);
	assert_int_equal(lv.keepout[1].start, 0x7c000000);
	assert_int_equal(lv.keepout[1].size, 0x1000000);

	/* without linux,kernel-end: the end of iomem's "Kernel" lines */
	snprintf(path, sizeof(path), "%s%s/chosen/linux,kernel-end", root, dt);
	unlink(path);
	CHECK(charon_live_read(root, CHARON_LIVE_PPC64, &lv, &err));
	assert_int_equal(lv.keepout[0].start, 0);
	assert_int_equal(lv.keepout[0].size, 0x2c00000);

	/* neither: refused, naming the property */
	put_str(root, "/proc/iomem", "00000000-7fffffff : System RAM\n");
	assert_int_equal(charon_live_read(root, CHARON_LIVE_PPC64, &lv, &err),
			 -ENOENT);
	assert_msg(err, "linux,kernel-end");

	/* a property of 3 bytes is no number */
	put_be(root, "/proc/device-tree/chosen/linux,kernel-end", 0x30000, 3);
	assert_int_equal(charon_live_read(root, CHARON_LIVE_PPC64, &lv, &err),
			 -EINVAL);
	assert_msg(err, "linux,kernel-end");
	assert_msg(err, "3 bytes");

	/* no OPAL (an entry address alone is not enough): not known */
	put_be(root, "/proc/device-tree/chosen/linux,kernel-end", 0x3000000,
	       8);
	snprintf(path, sizeof(path), "%s%s/ibm,opal/opal-base-address", root,
		 dt);
	unlink(path);
	CHECK(charon_live_read(root, CHARON_LIVE_PPC64, &lv, &err));
	assert_false(lv.have_opal);
	rm_tree(root);
}

/* ---- charon_kexec_build() on a hand-made plan ------------------------- */

/* bytes that differ from piece to piece and from zero */
static uint8_t *pattern(size_t len, unsigned int seed)
{
	uint8_t *p = malloc(len ? len : 1);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < len; i++) {
		p[i] = (uint8_t)(1 + (i * 31 + seed * 7 + (i >> 8)) % 255);
	}
	return p;
}

static struct charon_boot *new_plan(void)
{
	struct charon_boot *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	return b;
}

static void add_seg(struct charon_boot *b, const char *label, size_t len,
		    uint64_t addr, uint64_t mem_size)
{
	struct charon_boot_seg *s = &b->seg[b->nr_seg];

	assert_true(b->nr_seg < CHARON_BOOT_MAX_SEGS);
	snprintf(s->label, sizeof(s->label), "%s", label);
	s->data = pattern(len, b->nr_seg + 1);
	s->len = len;
	s->addr = addr;
	s->mem_size = mem_size;
	b->nr_seg++;
}

static void set_stub(struct charon_boot *b, size_t len, uint64_t addr,
		     uint64_t size, uint32_t entry_offset)
{
	b->stub.image = pattern(len, 99);
	b->stub.len = len;
	b->stub_addr = addr;
	b->stub_size = size;
	b->stub.hdr.entry_offset = entry_offset;
}

static void free_plan(struct charon_boot *b)
{
	unsigned int i;

	for (i = 0; i < b->nr_seg; i++) {
		free(b->seg[i].data);
	}
	free(b->stub.image);
	free(b);
}

static bool all_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i]) {
			return false;
		}
	}
	return true;
}

/* what every kexec segment list must be: aligned, sorted, disjoint */
static void check_shape(const struct charon_kexec *k, uint64_t page)
{
	unsigned int i;

	assert_true(k->nr >= 1 && k->nr <= CHARON_KEXEC_MAX_SEGS);
	for (i = 0; i < k->nr; i++) {
		const struct charon_kexec_seg *s = &k->seg[i];

		if (s->mem % page || s->memsz % page || !s->memsz ||
		    s->bufsz > s->memsz || !s->buf) {
			fail_msg("segment %u (%s): mem 0x%llx memsz 0x%llx bufsz 0x%zx: not page aligned, or more bytes than memory",
				 i, s->label, (unsigned long long)s->mem,
				 (unsigned long long)s->memsz, s->bufsz);
		}
		if (i && k->seg[i - 1].mem + k->seg[i - 1].memsz > s->mem) {
			fail_msg("segment %u (%s) at 0x%llx: below the end of %s",
				 i, s->label, (unsigned long long)s->mem,
				 k->seg[i - 1].label);
		}
	}
}

static void test_kexec_segments(void **state)
{
	struct charon_boot *b = new_plan();
	struct charon_kexec k;
	struct charon_err err = { "" };

	(void)state;
	/* not in address order: initrd first, the kernel with its bss */
	add_seg(b, "initrd", 0x1234, 0x4000000, 0x2000);
	add_seg(b, "kernel", 0x3000, 0x200000, 0x10000);
	add_seg(b, "dtb", 0x1ddb, 0x3000000, 0x3000);
	set_stub(b, 0x800, 0x7fff0000, 0x10000, 0x40);

	CHECK(charon_kexec_build(b, PAGE, &k, &err));
	check_shape(&k, PAGE);
	assert_int_equal(k.nr, 4);
	assert_string_equal(k.seg[0].label, "kernel");
	assert_int_equal(k.seg[0].mem, 0x200000);
	assert_int_equal(k.seg[0].memsz, 0x10000);
	assert_int_equal(k.seg[0].bufsz, 0x3000);
	assert_memory_equal(k.seg[0].buf, b->seg[1].data, 0x3000);
	assert_string_equal(k.seg[1].label, "dtb");
	assert_int_equal(k.seg[1].mem, 0x3000000);
	assert_int_equal(k.seg[1].memsz, 0x3000);
	assert_int_equal(k.seg[1].bufsz, 0x1ddb);
	assert_memory_equal(k.seg[1].buf, b->seg[2].data, 0x1ddb);
	assert_string_equal(k.seg[2].label, "initrd");
	assert_int_equal(k.seg[2].mem, 0x4000000);
	/* a length not a page multiple: memsz rounds up */
	assert_int_equal(k.seg[2].memsz, 0x2000);
	assert_int_equal(k.seg[2].bufsz, 0x1234);
	assert_memory_equal(k.seg[2].buf, b->seg[0].data, 0x1234);
	assert_string_equal(k.seg[3].label, "stub");
	assert_int_equal(k.seg[3].mem, 0x7fff0000);
	assert_int_equal(k.seg[3].memsz, 0x10000);
	assert_int_equal(k.seg[3].bufsz, 0x800);
	assert_memory_equal(k.seg[3].buf, b->stub.image, 0x800);
	/* the kernel enters the stub at its entry_offset */
	assert_int_equal(k.entry, 0x7fff0040);

	charon_kexec_free(&k);
	assert_int_equal(k.nr, 0);
	assert_null(k.seg[0].buf);
	charon_kexec_free(&k);	/* twice is harmless */
	free_plan(b);
}

static void test_kexec_unaligned(void **state)
{
	struct charon_boot *b = new_plan();
	struct charon_kexec k;
	struct charon_err err = { "" };

	(void)state;
	/* x86_64's command line, at the end of a page, before boot_params */
	add_seg(b, "kernel", 0x5000, 0x1000000, 0x3f98001);
	add_seg(b, "cmdline", 0x2b, 0x3ffd1fd0, 0x2b);
	add_seg(b, "boot_params", 0x1000, 0x3ffd2000, 0x1000);
	set_stub(b, 0x3e60, 0x3ffd3000, 0xd000, 0);

	CHECK(charon_kexec_build(b, PAGE, &k, &err));
	check_shape(&k, PAGE);
	assert_int_equal(k.nr, 4);
	/* memsz covers the kernel's whole footprint, rounded up to pages */
	assert_string_equal(k.seg[0].label, "kernel");
	assert_int_equal(k.seg[0].memsz, 0x3f99000);
	assert_int_equal(k.seg[0].bufsz, 0x5000);
	/* the command line: zeros in front up to its offset in the page */
	assert_string_equal(k.seg[1].label, "cmdline");
	assert_int_equal(k.seg[1].mem, 0x3ffd1000);
	assert_int_equal(k.seg[1].memsz, 0x1000);
	assert_int_equal(k.seg[1].bufsz, 0xffb);
	assert_true(all_zero(k.seg[1].buf, 0xfd0));
	assert_memory_equal(k.seg[1].buf + 0xfd0, b->seg[1].data, 0x2b);
	/* the next page is its own segment, not merged */
	assert_string_equal(k.seg[2].label, "boot_params");
	assert_int_equal(k.seg[2].mem, 0x3ffd2000);
	assert_string_equal(k.seg[3].label, "stub");
	assert_int_equal(k.seg[3].memsz, 0xd000);
	assert_int_equal(k.entry, 0x3ffd3000);
	charon_kexec_free(&k);
	free_plan(b);
}

static void test_kexec_merge(void **state)
{
	struct charon_boot *b = new_plan();
	struct charon_kexec k;
	struct charon_err err = { "" };

	(void)state;
	/* a and b share the page at 0x100000; c starts on the next one */
	add_seg(b, "b", 0x200, 0x100800, 0x200);
	add_seg(b, "a", 0x100, 0x100000, 0x100);
	add_seg(b, "c", 0x10, 0x101000, 0x10);
	set_stub(b, 0x800, 0x200000, 0x1000, 0x20);

	CHECK(charon_kexec_build(b, PAGE, &k, &err));
	check_shape(&k, PAGE);
	assert_int_equal(k.nr, 3);
	assert_string_equal(k.seg[0].label, "a+b");
	assert_int_equal(k.seg[0].mem, 0x100000);
	assert_int_equal(k.seg[0].memsz, 0x1000);
	assert_int_equal(k.seg[0].bufsz, 0xa00);
	assert_memory_equal(k.seg[0].buf, b->seg[1].data, 0x100);
	assert_true(all_zero(k.seg[0].buf + 0x100, 0x700));
	assert_memory_equal(k.seg[0].buf + 0x800, b->seg[0].data, 0x200);
	assert_string_equal(k.seg[1].label, "c");
	assert_int_equal(k.seg[1].mem, 0x101000);
	assert_string_equal(k.seg[2].label, "stub");
	assert_int_equal(k.entry, 0x200020);
	charon_kexec_free(&k);
	free_plan(b);

	/*
	 * A footprint past its bytes reaches into the next piece's page:
	 * x (0x10 bytes, 0x1800 reserved) and y at 0x301900 are one
	 * segment, its bytes x, zeros, y; the stub right after y's page
	 * shares a page with z, which ends in it.
	 */
	b = new_plan();
	add_seg(b, "x", 0x10, 0x300000, 0x1800);
	add_seg(b, "y", 0x100, 0x301900, 0x100);
	add_seg(b, "z", 0x80, 0x302f00, 0x80);
	set_stub(b, 0x40, 0x302f80, 0x80, 0);
	CHECK(charon_kexec_build(b, PAGE, &k, &err));
	check_shape(&k, PAGE);
	assert_int_equal(k.nr, 2);
	assert_string_equal(k.seg[0].label, "x+y");
	assert_int_equal(k.seg[0].mem, 0x300000);
	assert_int_equal(k.seg[0].memsz, 0x2000);
	assert_int_equal(k.seg[0].bufsz, 0x1a00);
	assert_memory_equal(k.seg[0].buf, b->seg[0].data, 0x10);
	assert_true(all_zero(k.seg[0].buf + 0x10, 0x1900 - 0x10));
	assert_memory_equal(k.seg[0].buf + 0x1900, b->seg[1].data, 0x100);
	assert_string_equal(k.seg[1].label, "z+stub");
	assert_int_equal(k.seg[1].mem, 0x302000);
	assert_int_equal(k.seg[1].memsz, 0x1000);
	assert_int_equal(k.seg[1].bufsz, 0xfc0);
	assert_true(all_zero(k.seg[1].buf, 0xf00));
	assert_memory_equal(k.seg[1].buf + 0xf00, b->seg[2].data, 0x80);
	assert_memory_equal(k.seg[1].buf + 0xf80, b->stub.image, 0x40);
	assert_int_equal(k.entry, 0x302f80);
	charon_kexec_free(&k);
	free_plan(b);
}

static void test_kexec_overlap(void **state)
{
	struct charon_boot *b = new_plan();
	struct charon_kexec k;
	struct charon_err err = { "" };

	(void)state;
	/* the initrd's bytes fall in the kernel's bss */
	add_seg(b, "kernel", 0x1000, 0x1000000, 0x100000);
	add_seg(b, "initrd", 0x1000, 0x1080000, 0x1000);
	set_stub(b, 0x800, 0x7fff0000, 0x10000, 0);
	assert_int_equal(charon_kexec_build(b, PAGE, &k, &err), -EINVAL);
	assert_msg(err, "kernel [0x1000000, 0x1100000)");
	assert_msg(err, "initrd [0x1080000, 0x1081000)");
	charon_kexec_free(&k);
	free_plan(b);

	/* the stub over the dtb, after a segment was already built */
	b = new_plan();
	add_seg(b, "kernel", 0x1000, 0x1000000, 0x1000);
	add_seg(b, "dtb", 0x800, 0x2000000, 0x3000);
	set_stub(b, 0x800, 0x2002000, 0x10000, 0);
	err.msg[0] = '\0';
	assert_int_equal(charon_kexec_build(b, PAGE, &k, &err), -EINVAL);
	assert_msg(err, "dtb");
	assert_msg(err, "stub");
	charon_kexec_free(&k);
	free_plan(b);

	/* two pieces at one address */
	b = new_plan();
	add_seg(b, "kernel", 0x1000, 0x1000000, 0x1000);
	set_stub(b, 0x800, 0x1000000, 0x1000, 0);
	err.msg[0] = '\0';
	assert_int_equal(charon_kexec_build(b, PAGE, &k, &err), -EINVAL);
	assert_msg(err, "kernel");
	assert_msg(err, "stub");
	charon_kexec_free(&k);
	free_plan(b);
}

static void test_kexec_64k(void **state)
{
	struct charon_boot *b = new_plan();
	struct charon_kexec k;
	struct charon_err err = { "" };

	(void)state;
	/*
	 * ppc64el's 64 KiB pages: a plan laid out in 4 KiB steps (kernel
	 * 64 KiB aligned, initrd and dtb on the next 4 KiB pages) becomes
	 * one segment, the stub at the top another.
	 */
	add_seg(b, "kernel", 0x20000, 0x3000000, 0x287d000);
	add_seg(b, "initrd", 0x5d506, 0x587d000, 0x5e000);
	add_seg(b, "dtb", 0x3cda, 0x58db000, 0x5000);
	set_stub(b, 0x45f0, 0x7fff0000, 0x10000, 0);
	CHECK(charon_kexec_build(b, 0x10000, &k, &err));
	check_shape(&k, 0x10000);
	assert_int_equal(k.nr, 2);
	assert_string_equal(k.seg[0].label, "kernel+initrd+dtb");
	assert_int_equal(k.seg[0].mem, 0x3000000);
	assert_int_equal(k.seg[0].memsz, 0x58e0000 - 0x3000000);
	assert_int_equal(k.seg[0].bufsz, 0x58decda - 0x3000000);
	assert_memory_equal(k.seg[0].buf, b->seg[0].data, 0x20000);
	assert_true(all_zero(k.seg[0].buf + 0x20000,
			     0x287d000 - 0x20000));
	assert_memory_equal(k.seg[0].buf + 0x287d000, b->seg[1].data,
			    0x5d506);
	assert_memory_equal(k.seg[0].buf + 0x28db000, b->seg[2].data, 0x3cda);
	assert_string_equal(k.seg[1].label, "stub");
	assert_int_equal(k.seg[1].mem, 0x7fff0000);
	assert_int_equal(k.seg[1].memsz, 0x10000);
	charon_kexec_free(&k);

	/* a piece in the middle of a 64 KiB page: zeros from its start */
	free_plan(b);
	b = new_plan();
	add_seg(b, "kernel", 0x100, 0x2345600, 0x100);
	set_stub(b, 0x800, 0x7fff0000, 0x10000, 0x80);
	CHECK(charon_kexec_build(b, 0x10000, &k, &err));
	check_shape(&k, 0x10000);
	assert_int_equal(k.seg[0].mem, 0x2340000);
	assert_int_equal(k.seg[0].memsz, 0x10000);
	assert_int_equal(k.seg[0].bufsz, 0x5700);
	assert_true(all_zero(k.seg[0].buf, 0x5600));
	assert_memory_equal(k.seg[0].buf + 0x5600, b->seg[0].data, 0x100);
	assert_int_equal(k.entry, 0x7fff0080);
	charon_kexec_free(&k);
	free_plan(b);
}

/* a segment grown to 64 KiB pages must not swallow a keep-out or leave RAM */
static void test_kexec_grown(void **state)
{
	struct charon_boot *b = new_plan();
	struct charon_segment *ko;
	struct charon_kexec k;
	struct charon_err err = { "" };

	(void)state;
	assert_int_equal(charon_layout_add_ram(&b->layout, 0, 0x80000000,
					       &err), 0);
	ko = charon_layout_add(&b->layout, "firmware", 0x1000, 1,
			       CHARON_PLACE_KEEPOUT, &err);
	assert_non_null(ko);
	ko->addr = 0x587d000;
	add_seg(b, "kernel", 0x20000, 0x3000000, 0x287d000);
	add_seg(b, "initrd", 0x1000, 0x587e000, 0x1000);
	set_stub(b, 0x45f0, 0x7fff0000, 0x10000, 0);
	/* at 4 KiB the pieces stay clear of it */
	CHECK(charon_kexec_build(b, PAGE, &k, &err));
	charon_kexec_free(&k);
	assert_int_equal(charon_kexec_build(b, 0x10000, &k, &err), -ERANGE);
	assert_msg(err, "kernel+initrd");
	assert_msg(err, "firmware [0x587d000, 0x587e000)");
	charon_kexec_free(&k);

	/* the stub's last page runs past the end of RAM */
	ko->addr = 0x10000000;
	b->layout.ram[0].size = 0x7fff8000;
	assert_int_equal(charon_kexec_build(b, 0x10000, &k, &err), -ERANGE);
	assert_msg(err, "stub");
	assert_msg(err, "not inside one RAM range");
	charon_kexec_free(&k);
	free_plan(b);
}

int tl_run_kexec_tests(void)
{
	const struct CMUnitTest live[] = {
		cmocka_unit_test(test_iomem_nested),
		cmocka_unit_test(test_iomem_kernel_order),
		cmocka_unit_test(test_iomem_not_root),
		cmocka_unit_test(test_iomem_malformed),
		cmocka_unit_test(test_iomem_no_ram),
		cmocka_unit_test(test_com_port),
		cmocka_unit_test(test_live_x86),
		cmocka_unit_test(test_live_ppc64),
	};
	const struct CMUnitTest kexec[] = {
		cmocka_unit_test(test_kexec_segments),
		cmocka_unit_test(test_kexec_unaligned),
		cmocka_unit_test(test_kexec_merge),
		cmocka_unit_test(test_kexec_overlap),
		cmocka_unit_test(test_kexec_64k),
		cmocka_unit_test(test_kexec_grown),
	};

	return cmocka_run_group_tests_name("live", live, NULL, NULL) +
	       cmocka_run_group_tests_name("kexec", kexec, NULL, NULL);
}
