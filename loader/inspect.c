// SPDX-License-Identifier: MIT
/* charon inspect: show a stub's header and parameters, or an Image's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <abi/params.h>
#include <charon/bytes.h>
#include <charon/digest.h>
#include <charon/file.h>
#include <charon/gzip.h>
#include <charon/inspect.h>
#include <charon/util.h>

typedef unsigned long long ull;

static const char *ok(bool good)
{
	return good ? "" : "  <-- unexpected";
}

static void print_params(const struct charon_stub *stub,
			 const struct charon_params *p, FILE *f)
{
	char hex[CHARON_DIGEST_HEX_LEN], label[4 * CHARON_LABEL_LEN + 1];
	unsigned int i, n;

	fprintf(f, "parameter block at 0x%x:\n", stub->hdr.params_offset);
	fprintf(f, "  magic         0x%08x%s\n", p->magic,
		ok(p->magic == CHARON_PARAMS_MAGIC));
	fprintf(f, "  version       %u%s\n", p->version,
		ok(p->version == CHARON_ABI_VERSION));
	fprintf(f, "  size          0x%x%s\n", p->size,
		ok(p->size == sizeof(struct charon_params)));
	fprintf(f, "  flags         0x%x%s\n", p->flags,
		p->flags & CHARON_F_VERBOSE ? " (verbose)" : "");
	fprintf(f, "  fail_policy   %u (%s)\n", p->fail_policy,
		charon_fail_policy_name(p->fail_policy));
	fprintf(f, "  console       %s, base 0x%llx, reg_shift %u\n",
		charon_console_kind_name(p->console.kind),
		(ull)p->console.base, p->console.reg_shift);
	fprintf(f, "  next.entry    0x%llx\n", (ull)p->next.entry);
	fprintf(f, "  next.regs     0x%llx 0x%llx 0x%llx 0x%llx\n",
		(ull)p->next.regs[0], (ull)p->next.regs[1],
		(ull)p->next.regs[2], (ull)p->next.regs[3]);
	if (stub->arch->arch == CHARON_ARCH_ARM64) {
		fprintf(f, "  next.arch     psci %llu (%s)\n",
			(ull)p->next.arch.raw[CHARON_ARM64_PSCI],
			charon_psci_name(p->next.arch.raw[CHARON_ARM64_PSCI]));
	}
	fprintf(f, "  nr_regions    %u%s\n", p->nr_regions,
		ok(p->nr_regions <= CHARON_MAX_REGIONS));
	n = p->nr_regions < CHARON_MAX_REGIONS ? p->nr_regions :
	    CHARON_MAX_REGIONS;
	for (i = 0; i < n; i++) {
		const struct charon_region *r = &p->regions[i];

		charon_printable(label, sizeof(label), r->label,
				 CHARON_LABEL_LEN);
		charon_hex(r->sha256, CHARON_DIGEST_LEN, hex);
		fprintf(f, "  region %-2u     %-8s start 0x%llx len 0x%llx%s\n",
			i, label, (ull)r->start, (ull)r->len,
			r->start + r->len < r->start ? " (wraps)" : "");
		fprintf(f, "                sha256 %s\n", hex);
	}
	fprintf(f, "  nr_copies     %u%s\n", p->nr_copies,
		ok(p->nr_copies <= CHARON_MAX_COPIES));
	n = p->nr_copies < CHARON_MAX_COPIES ? p->nr_copies :
	    CHARON_MAX_COPIES;
	for (i = 0; i < n; i++) {
		fprintf(f, "  copy %-2u       src_offset 0x%llx dst 0x%llx len 0x%llx\n",
			i, (ull)p->copies[i].src_offset,
			(ull)p->copies[i].dst, (ull)p->copies[i].len);
	}
}

/**
 * charon_print_stub() - describe a stub image: header and parameter block
 * @stub: a stub opened with charon_stub_open()
 * @f: where to
 */
void charon_print_stub(const struct charon_stub *stub, FILE *f)
{
	const struct charon_image_header *h = &stub->hdr;
	struct charon_params p;

	fprintf(f, "%s: charon stub image, %s, %zu bytes\n", stub->name,
		stub->arch->name, stub->len);
	fprintf(f, "image header at 0x%zx:\n", stub->arch->hdr_off);
	fprintf(f, "  magic         0x%08x\n", h->magic);
	fprintf(f, "  abi_version   %u\n", h->abi_version);
	fprintf(f, "  arch          %u (%s)\n", h->arch,
		charon_arch_name(h->arch));
	fprintf(f, "  header_size   0x%x\n", h->header_size);
	fprintf(f, "  params_offset 0x%x\n", h->params_offset);
	fprintf(f, "  params_size   0x%x\n", h->params_size);
	fprintf(f, "  file_size     0x%x\n", h->file_size);
	fprintf(f, "  mem_size      0x%x\n", h->mem_size);
	fprintf(f, "  entry_offset  0x%x\n", h->entry_offset);
	fprintf(f, "  entry2_offset 0x%x\n", h->entry2_offset);
	fprintf(f, "  load_align    0x%x\n", h->load_align);
	if (charon_stub_params_empty(stub)) {
		fprintf(f, "parameter block at 0x%x: empty (as built)\n",
			h->params_offset);
		return;
	}
	charon_stub_read_params(stub, &p);
	print_params(stub, &p, f);
}

/**
 * charon_print_arm64_image() - describe an arm64 Image header
 * @name: file name
 * @img: the parsed image
 * @f: where to
 */
void charon_print_arm64_image(const char *name,
			      const struct charon_arm64_image *img, FILE *f)
{
	fprintf(f, "%s: arm64 Image", name);
	if (img->inflated) {
		fprintf(f, ", gzip-compressed (%zu bytes, %zu inflated)\n",
			img->file_len, img->len);
	} else {
		fprintf(f, ", %zu bytes\n", img->len);
	}
	fprintf(f, "  code0         0x%08x\n", img->code0);
	fprintf(f, "  code1         0x%08x\n", img->code1);
	fprintf(f, "  text_offset   0x%llx%s\n", (ull)img->text_offset,
		img->old ? " (assumed: image_size is 0)" : "");
	fprintf(f, "  image_size    0x%llx%s\n", (ull)img->image_size,
		img->old ? " (kernel older than 3.17)" : "");
	fprintf(f, "  flags         0x%llx\n", (ull)img->flags);
	fprintf(f, "    endianness  little\n");
	if (img->page_size) {
		fprintf(f, "    page size   %u KiB\n", img->page_size >> 10);
	} else {
		fprintf(f, "    page size   unspecified\n");
	}
	fprintf(f, "    placement   %s\n", img->anywhere ?
		"2 MiB aligned base anywhere in RAM" :
		"2 MiB aligned base as close as possible to the start of DRAM");
	fprintf(f, "  footprint     0x%llx bytes from the load address\n",
		(ull)img->mem_size);
}

/**
 * charon_inspect() - describe a file: a charon stub or an arm64 Image
 * @path: the file
 * @f: where to
 * @err: error message when the file is neither (or damaged)
 *
 * Return: 0 or a negative errno code.
 */
int charon_inspect(const char *path, FILE *f, struct charon_err *err)
{
	struct charon_arm64_image img;
	struct charon_stub stub;
	uint8_t *buf;
	size_t len;
	int rc;

	rc = charon_read_file(path, CHARON_FILE_MAX, &buf, &len, err);
	if (rc) {
		charon_err_prefix(err, "inspect: ");
		return rc;
	}
	if (charon_stub_detect(buf, len)) {
		rc = charon_stub_open(path, buf, len, 0, &stub, err);
		if (!rc) {
			charon_print_stub(&stub, f);
			charon_stub_free(&stub);
		}
		if (!rc && stub.arch->arch == CHARON_ARCH_ARM64) {
			if (charon_arm64_image_parse(path, buf, len, &img,
						     NULL) == 0) {
				fprintf(f, "arm64 Image header: text_offset 0x%llx, image_size 0x%llx, flags 0x%llx\n",
					(ull)img.text_offset,
					(ull)img.image_size, (ull)img.flags);
			} else {
				fprintf(f, "arm64 Image header: not valid (QEMU -kernel and booti will not start this stub)\n");
			}
		}
		free(buf);
		return rc;
	}
	if (charon_is_gzip(buf, len) ||
	    (len >= CHARON_ARM64_IMAGE_HDR_SIZE &&
	     charon_get32(buf + CHARON_ARM64_IMAGE_MAGIC_OFF, CHARON_LE) ==
	     CHARON_ARM64_IMAGE_MAGIC)) {
		rc = charon_arm64_image_open(path, buf, len, &img, err);
		if (!rc) {
			charon_print_arm64_image(path, &img, f);
			charon_arm64_image_free(&img);
		}
		free(buf);
		return rc;
	}
	free(buf);
	return charon_errf(err, -EINVAL,
			   "inspect: %s: not a charon stub (no magic 0x%08x \"CHRN\" at 0x%x) and not an arm64 Image (plain: magic 0x%08x \"ARM\\x64\" at 0x38; or gzip-compressed)",
			   path, CHARON_HDR_MAGIC, CHARON_HDR_OFF_ARM64,
			   CHARON_ARM64_IMAGE_MAGIC);
}
