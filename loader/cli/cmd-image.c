// SPDX-License-Identifier: MIT
/*
 * charon image: one bootable file, the chainloader stub with its payloads,
 * that firmware starts as if it were a kernel (docs/chainloader.md).  The
 * plan is charon qemu's for the machine the image is built for (--machine,
 * whose tree QEMU dumps, or --ram BASE,SIZE); the stub checks it against
 * the tree it boots with.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <abi/params.h>
#include <charon/boot.h>
#include <charon/fdt.h>
#include <charon/file.h>
#include <charon/image.h>
#include <charon/util.h>

#include "cli.h"

typedef unsigned long long ull;

const char image_usage[] =
"Usage: charon image --arch ARCH --kernel FILE [OPTIONS] -o FILE\n"
"\n"
"Write one file in the arch's boot format (arm64: an Image; arm: a zImage;\n"
"x86_64: a PVH ELF; ppc64le, ppc64: an ELF for skiboot) that QEMU -kernel,\n"
"U-Boot's booti/bootz and flash start as if it were a kernel: the\n"
"chainloader stub, its parameter block and the payloads.  The stub moves\n"
"each payload to the address laid out here, after checking it against the\n"
"RAM and reserved ranges of the device tree it is started with, verifies\n"
"each one's SHA-256 there, and gives the kernel that tree with /chosen\n"
"bootargs and the initrd set (x86_64: boot_params with the PVH memory map\n"
"as its e820).  See docs/chainloader.md.\n"
"\n"
"  -o, --output FILE    the image (required)\n"
"  --kernel, --initrd, --append, --stub, --fail, --verbose-stub, --el2,\n"
"  --flip-bit           as for charon qemu (--stub default:\n"
"                       <charon's dir>/../ARCH/charon-chain.bin; --fail\n"
"                       default: halt)\n"
"  --dtb FILE           embed this tree; the stub boots with it instead of\n"
"                       the firmware's\n"
"  --flash              arm64, arm: a flash image (QEMU -bios, a board's\n"
"                       boot flash):\n"
"                       the stub copies itself to RAM first and finds the\n"
"                       firmware's tree at the start of RAM\n"
"Where the payloads go (one of):\n"
"  --machine M, --cpu C, --memory SIZE, --smp N, --qemu BINARY\n"
"                       lay out for this QEMU machine's tree (default:\n"
"                       virt, 1G), dumped with -M ...,dumpdtb=\n"
"  --ram BASE,SIZE      arm64, arm: lay out for RAM at BASE (a board's;\n"
"                       SIZE like 512M, 2G or 0x...)\n"
"  --workdir DIR        where the dumped tree goes (default: a new\n"
"                       $TMPDIR/charon-XXXXXX)\n"
"  -h, --help           this text\n";

/* the board's RAM: a size in bytes (0x...) or with a K/M/G/T suffix */
int image_parse_ram(const char *s, struct qemu_args *q)
{
	const char *comma = strchr(s, ',');
	char base[32];
	uint64_t b, n;
	size_t bl;

	if (!comma || (bl = (size_t)(comma - s)) == 0 || bl >= sizeof(base)) {
		return -EINVAL;
	}
	memcpy(base, s, bl);
	base[bl] = '\0';
	if (charon_parse_u64(base, &b)) {
		return -EINVAL;
	}
	s = comma + 1;
	if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ?
	    charon_parse_u64(s, &n) : charon_parse_mem_size(s, &n)) {
		return -EINVAL;
	}
	if (!n || b + n < b) {
		return -ERANGE;
	}
	q->ram_set = true;
	q->ram_base = b;
	q->ram_size = n;
	return 0;
}

/* --ram: the plan's tree, one memory node (the stub reads the real one) */
static int ram_tree(const struct qemu_args *q, const char *path,
		    struct charon_err *err)
{
	char name[40], buf[1024];
	fdt64_t reg[2] = { cpu_to_fdt64(q->ram_base),
			   cpu_to_fdt64(q->ram_size) };
	int rc;

	snprintf(name, sizeof(name), "memory@%llx", (ull)q->ram_base);
	rc = fdt_create(buf, sizeof(buf));
	rc = rc ?: fdt_finish_reservemap(buf);
	rc = rc ?: fdt_begin_node(buf, "");
	rc = rc ?: fdt_property_u32(buf, "#address-cells", 2);
	rc = rc ?: fdt_property_u32(buf, "#size-cells", 2);
	rc = rc ?: fdt_begin_node(buf, name);
	rc = rc ?: fdt_property_string(buf, "device_type", "memory");
	rc = rc ?: fdt_property(buf, "reg", reg, sizeof(reg));
	rc = rc ?: fdt_end_node(buf);
	rc = rc ?: fdt_begin_node(buf, "chosen");
	rc = rc ?: fdt_end_node(buf);
	rc = rc ?: fdt_end_node(buf);
	rc = rc ?: fdt_finish(buf);
	if (rc) {
		return charon_errf(err, -EINVAL, "--ram: a tree for it: %s",
				   fdt_strerror(rc));
	}
	return charon_write_file(path, buf, fdt_totalsize(buf), err);
}

/* the plan, with the image's own length kept out after the window */
static int image_plan(struct qemu_args *q, struct charon_boot *b,
		      size_t dtb_len, struct charon_err *err)
{
	struct charon_boot_opts *o = &q->boot;
	const uint64_t window = o->arch->image.window;
	uint64_t len;
	int rc;

	if (window) {
		o->ram_head_name = "image";
		o->ram_head_reserve = window;
	}
	rc = charon_boot_prepare(o, b, err);
	if (rc) {
		return rc;
	}
	/* the payloads' length does not depend on where they go */
	len = charon_image_len(o, b, dtb_len);
	charon_boot_free(b);
	if (window) {
		o->ram_head_reserve = window +
				      charon_round_up(len, (uint64_t)2 << 20);
	} else {
		o->image_len = len;	/* placed where the stub would be */
	}
	return charon_boot_prepare(o, b, err);
}

int cmd_image(int argc, char **argv)
{
	struct qemu_args q = { .image = true };
	struct charon_err err = { "" };
	struct charon_boot b = { 0 };
	char stub_default[PATH_MAX], workdir[PATH_MAX], ram_dtb[PATH_MAX];
	char files[CHARON_BOOT_MAX_SEGS][PATH_MAX];
	uint8_t *img = NULL, *dtb = NULL;
	size_t img_len = 0, dtb_len = 0;
	const struct charon_arch *arch;
	unsigned int i;
	int rc;

	rc = qemu_parse(argc, argv, &q);
	if (rc >= 0) {
		return rc;
	}
	arch = q.boot.arch;
	if (!arch->image.fixup && !arch->image.wrap) {
		return usage_error("image", "--arch %s: no chainloader image for this arch yet (arm64 has one)",
				   arch->name);
	}
	if (!q.output) {
		return usage_error("image", "-o FILE is required");
	}
	if (q.ram_set && !arch->uses_dtb) {
		return usage_error("image", "--ram: arches with a device tree only (%s: --machine and --memory give the e820 map)",
				   arch->name);
	}
	if (q.ram_set && q.machine_given) {
		return usage_error("image", "--ram and --machine: give one");
	}
	rc = find_stub(arch, "charon-chain.bin", "CHARON_CHAIN_STUB",
		       &q.boot.stub_path, stub_default, sizeof(stub_default));
	if (rc >= 0) {
		return rc;
	}
	if (make_workdir(q.workdir, workdir, sizeof(workdir), &err)) {
		return runtime_error(&err);
	}
	q.run.workdir = workdir;

	/* the machine the payloads are laid out for */
	if (q.user_dtb) {
		rc = charon_read_file(q.boot.dtb_path, CHARON_FDT_MAX_SIZE,
				      &dtb, &dtb_len, &err);
	} else if (q.ram_set) {
		rc = charon_join(ram_dtb, sizeof(ram_dtb), workdir, "ram.dtb",
				 &err);
		rc = rc ?: ram_tree(&q, ram_dtb, &err);
		q.boot.dtb_path = ram_dtb;
	} else if (arch->qemu_machine) {
		rc = arch->qemu_machine(&q.run, &q.boot, &err);
	}
	rc = rc ?: image_plan(&q, &b, dtb_len, &err);
	for (i = 0; !rc && i < (unsigned int)q.nr_flip; i++) {
		rc = charon_boot_flip_bit(&b, q.flip[i], &err);
	}
	rc = rc ?: charon_image_build(&q.boot, &b, dtb, dtb_len, &img,
				      &img_len, &err);
	rc = rc ?: charon_write_file(q.output, img, img_len, &err);
	free(img);
	free(dtb);
	if (rc) {
		charon_boot_free(&b);
		return runtime_error(&err);
	}
	for (i = 0; i < b.nr_seg; i++) {
		charon_strscpy(files[i], b.seg[i].src_path, sizeof(files[i]));
	}
	print_layout(&b, q.boot.stub_path, files, stdout);
	printf("charon: image %s: 0x%zx bytes, %u payloads", q.output, img_len,
	       b.params.nr_copies);
	if (charon_boot_seg_find(&b, "dtb")) {
		printf(", the tree built at 0x%llx",
		       (ull)charon_boot_seg_find(&b, "dtb")->addr);
	}
	printf("\n");
	charon_boot_free(&b);
	return 0;
}
