// SPDX-License-Identifier: MIT
/*
 * charon inspect: show a stub's header and parameters, an arm64 Image's
 * header, an arm zImage's header, size table and decompression
 * footprint, an x86 bzImage's setup header, or what the loader reads
 * from a ppc64 vmlinux ELF.
 */
#include <elf.h>
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

/* charon image: the chain descriptor and each payload's destination */
static void print_chain(const struct charon_stub *stub,
			const struct charon_params *p, FILE *f)
{
	char hex[CHARON_DIGEST_HEX_LEN];
	struct charon_chain c;

	if ((uint64_t)p->chain_offset + CHARON_CHAIN_SIZE > stub->len) {
		fprintf(f, "chain descriptor at 0x%x: past the file's 0x%zx bytes  <-- unexpected\n",
			p->chain_offset, stub->len);
		return;
	}
	charon_chain_decode(stub->image + p->chain_offset, &c,
			    stub->arch->endian);
	fprintf(f, "chain descriptor at 0x%x:\n", p->chain_offset);
	fprintf(f, "  magic         0x%08x%s\n", c.magic,
		ok(c.magic == CHARON_CHAIN_MAGIC));
	fprintf(f, "  size          0x%x%s\n", c.size,
		ok(c.size == CHARON_CHAIN_SIZE));
	fprintf(f, "  image_size    0x%llx%s\n", (ull)c.image_size,
		ok(c.image_size <= stub->len));
	fprintf(f, "  fdt_dst       0x%llx room 0x%llx (the kernel's tree, built at run time)\n",
		(ull)c.fdt_dst, (ull)c.fdt_room);
	fprintf(f, "  fdt_fallback  0x%llx\n", (ull)c.fdt_fallback);
	fprintf(f, "  bootargs      0x%llx\n", (ull)c.bootargs);
	fprintf(f, "  initrd        0x%llx-0x%llx\n", (ull)c.initrd_start,
		(ull)c.initrd_end);
	if (c.dtb_offset) {
		charon_hex(c.dtb_sha256, CHARON_DIGEST_LEN, hex);
		fprintf(f, "  embedded dtb  offset 0x%llx len 0x%llx sha256 %s\n",
			(ull)c.dtb_offset, (ull)c.dtb_len, hex);
	} else {
		fprintf(f, "  embedded dtb  none (the firmware's tree)\n");
	}
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
	if (stub->arch->print_params) {
		stub->arch->print_params(p, f);
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
	fprintf(f, "  chain_offset  0x%x%s\n", p->chain_offset,
		p->chain_offset ? " (a chainloader image)" : "");
	if (p->chain_offset) {
		print_chain(stub, p, f);
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
 * charon_inspect() - describe a file: a charon stub, or a kernel of any
 *	arch's format
 * @path: the file
 * @o: the RAM a zImage's footprint is shown for
 * @f: where to
 * @err: error message when the file is none of them (or damaged)
 *
 * A stub is shown with its header, its parameter block and its
 * boot-format header; a kernel by the first arch whose format it is.
 *
 * Return: 0 or a negative errno code.
 */
int charon_inspect(const char *path, const struct charon_inspect_opts *o,
		   FILE *f, struct charon_err *err)
{
	const struct charon_arch *a;
	struct charon_stub stub;
	char formats[512];
	size_t n = 0;
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
			if (stub.arch->print_stub) {
				stub.arch->print_stub(buf, len, f);
			}
			charon_stub_free(&stub);
		}
		free(buf);
		return rc;
	}
	for (a = charon_arch_next(NULL); a; a = charon_arch_next(a)) {
		if (!a->inspect_kernel) {
			continue;
		}
		rc = a->inspect_kernel(path, buf, len, o->ram_base,
				       o->ram_size, f, err);
		if (rc != -ENOENT) {
			free(buf);
			return rc;
		}
	}
	free(buf);
	formats[0] = '\0';
	for (a = charon_arch_next(NULL); a && n < sizeof(formats);
	     a = charon_arch_next(a)) {
		if (a->inspect_kernel && !strstr(formats, a->kernel_format)) {
			n += (size_t)snprintf(formats + n, sizeof(formats) - n,
					      ", not %s", a->kernel_format);
		}
	}
	return charon_errf(err, -EINVAL,
			   "inspect: %s: not a charon stub (no magic 0x%08x \"CHRN\" in its image header)%s",
			   path, CHARON_HDR_MAGIC, formats);
}
