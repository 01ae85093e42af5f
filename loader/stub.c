// SPDX-License-Identifier: MIT
/*
 * The stub image header and the parameter block: validation, encoding in
 * the stub's byte order, decoding for inspect.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charon/digest.h>
#include <charon/file.h>
#include <charon/stub.h>

/* largest stub image we accept */
#define STUB_MAX_FILE	((size_t)64 << 20)

/* the targets whose stubs this loader knows: header offset, byte order */
static const struct charon_stub_arch stub_arches[] = {
	{ CHARON_ARCH_ARM64, "arm64", CHARON_HDR_OFF_ARM64, CHARON_LE },
	{ CHARON_ARCH_ARM, "arm", CHARON_HDR_OFF_ARM, CHARON_LE },
	{ CHARON_ARCH_PPC64LE, "ppc64le", CHARON_HDR_OFF_PPC64, CHARON_LE },
	{ CHARON_ARCH_PPC64, "ppc64", CHARON_HDR_OFF_PPC64, CHARON_BE },
	{ CHARON_ARCH_X86_64, "x86_64", CHARON_HDR_OFF_X86_64, CHARON_LE },
};

static const char *const arch_names[] = {
	[CHARON_ARCH_ARM64] = "arm64",
	[CHARON_ARCH_ARM] = "arm",
	[CHARON_ARCH_PPC64LE] = "ppc64le",
	[CHARON_ARCH_PPC64] = "ppc64",
	[CHARON_ARCH_X86_64] = "x86_64",
};

/**
 * charon_arch_name() - name of a CHARON_ARCH_* value
 * @arch: the value
 *
 * Return: "arm64" etc., or "unknown".
 */
const char *charon_arch_name(uint16_t arch)
{
	if (arch < sizeof(arch_names) / sizeof(arch_names[0]) &&
	    arch_names[arch]) {
		return arch_names[arch];
	}
	return "unknown";
}

/**
 * charon_stub_arch_by_id() - stub image facts for a CHARON_ARCH_* value
 * @arch: the value
 *
 * Return: the description, or NULL if this loader has none (yet).
 */
const struct charon_stub_arch *charon_stub_arch_by_id(uint16_t arch)
{
	size_t i;

	for (i = 0; i < sizeof(stub_arches) / sizeof(stub_arches[0]); i++) {
		if (stub_arches[i].arch == arch) {
			return &stub_arches[i];
		}
	}
	return NULL;
}

/**
 * charon_stub_arch_by_name() - stub image facts for an arch name
 * @name: "arm64" etc.
 *
 * Return: the description, or NULL if this loader has none (yet).
 */
const struct charon_stub_arch *charon_stub_arch_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(stub_arches) / sizeof(stub_arches[0]); i++) {
		if (!strcmp(stub_arches[i].name, name)) {
			return &stub_arches[i];
		}
	}
	return NULL;
}

/**
 * charon_stub_detect() - is a buffer a charon stub image, and for which arch?
 * @buf: the file's bytes
 * @len: their length
 *
 * Looks for CHARON_HDR_MAGIC at each known arch's header offset, in that
 * arch's byte order.  Several arches share an offset and byte order, so
 * the one the header's arch field names is preferred; when it names none
 * of them, the first match is returned and charon_stub_open() names the
 * mismatch.
 *
 * Return: the arch description, or NULL.
 */
const struct charon_stub_arch *charon_stub_detect(const uint8_t *buf,
						  size_t len)
{
	const struct charon_stub_arch *a, *first = NULL;
	size_t i;

	for (i = 0; i < sizeof(stub_arches) / sizeof(stub_arches[0]); i++) {
		a = &stub_arches[i];
		if (len < a->hdr_off + sizeof(struct charon_image_header) ||
		    charon_get32(buf + a->hdr_off, a->endian) !=
		    CHARON_HDR_MAGIC) {
			continue;
		}
		if (charon_get16(buf + a->hdr_off + 0x06, a->endian) ==
		    a->arch) {
			return a;
		}
		if (!first) {
			first = a;
		}
	}
	return first;
}

static void decode_header(const uint8_t *p, enum charon_endian e,
			  struct charon_image_header *h)
{
	int i;

	h->magic = charon_get32(p + 0x00, e);
	h->abi_version = charon_get16(p + 0x04, e);
	h->arch = charon_get16(p + 0x06, e);
	h->header_size = charon_get32(p + 0x08, e);
	h->params_offset = charon_get32(p + 0x0c, e);
	h->params_size = charon_get32(p + 0x10, e);
	h->file_size = charon_get32(p + 0x14, e);
	h->mem_size = charon_get32(p + 0x18, e);
	h->entry_offset = charon_get32(p + 0x1c, e);
	h->load_align = charon_get32(p + 0x20, e);
	h->entry2_offset = charon_get32(p + 0x24, e);
	for (i = 0; i < 2; i++) {
		h->reserved[i] = charon_get32(p + 0x28 + 4 * i, e);
	}
}

/*
 * Validate the header of a stub image; the field offsets in messages are
 * file offsets, hdr_off + the field's offset in the header.
 */
static int check_header(const char *name, const struct charon_stub_arch *a,
			const struct charon_image_header *h, size_t len,
			struct charon_err *err)
{
	size_t o = a->hdr_off;
	uint64_t pend;

	if (h->magic != CHARON_HDR_MAGIC) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: header magic at 0x%zx is 0x%08x, expected 0x%08x (\"CHRN\")",
				   name, o, h->magic, CHARON_HDR_MAGIC);
	}
	if (h->abi_version != CHARON_ABI_VERSION) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: abi_version at 0x%zx is %u, this loader speaks ABI %u",
				   name, o + 0x04, h->abi_version,
				   CHARON_ABI_VERSION);
	}
	if (h->arch != a->arch) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: arch at 0x%zx is %u (%s), expected %u (%s)",
				   name, o + 0x06, h->arch,
				   charon_arch_name(h->arch), a->arch, a->name);
	}
	if (h->header_size < sizeof(struct charon_image_header)) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: header_size at 0x%zx is 0x%x, expected at least 0x%zx",
				   name, o + 0x08, h->header_size,
				   sizeof(struct charon_image_header));
	}
	if (h->file_size > len) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: file_size at 0x%zx is 0x%x, but the file has only 0x%zx bytes (truncated?)",
				   name, o + 0x14, h->file_size, len);
	}
	if ((uint64_t)o + h->header_size > h->file_size) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: header [0x%zx, 0x%llx) (header_size at 0x%zx is 0x%x) extends past file_size 0x%x",
				   name, o,
				   (unsigned long long)o + h->header_size,
				   o + 0x08, h->header_size, h->file_size);
	}
	if (h->params_size != sizeof(struct charon_params)) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: params_size at 0x%zx is 0x%x, expected 0x%zx (struct charon_params of ABI %u)",
				   name, o + 0x10, h->params_size,
				   sizeof(struct charon_params),
				   CHARON_ABI_VERSION);
	}
	pend = (uint64_t)h->params_offset + h->params_size;
	if (pend > h->file_size) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: parameter block [0x%x, 0x%llx) (params_offset at 0x%zx, params_size at 0x%zx) extends past file_size 0x%x",
				   name, h->params_offset,
				   (unsigned long long)pend, o + 0x0c, o + 0x10,
				   h->file_size);
	}
	if (h->params_offset < o + h->header_size) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: params_offset at 0x%zx is 0x%x, inside the image headers [0x0, 0x%llx)",
				   name, o + 0x0c, h->params_offset,
				   (unsigned long long)o + h->header_size);
	}
	if (h->params_offset & 7) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: params_offset at 0x%zx is 0x%x, not 8-byte aligned",
				   name, o + 0x0c, h->params_offset);
	}
	if (h->mem_size < h->file_size) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: mem_size at 0x%zx is 0x%x, smaller than file_size 0x%x",
				   name, o + 0x18, h->mem_size, h->file_size);
	}
	if (h->entry_offset >= h->file_size) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: entry_offset at 0x%zx is 0x%x, outside the image (file_size 0x%x)",
				   name, o + 0x1c, h->entry_offset,
				   h->file_size);
	}
	if (h->load_align & (h->load_align - 1)) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: load_align at 0x%zx is 0x%x, not a power of two",
				   name, o + 0x20, h->load_align);
	}
	return 0;
}

/**
 * charon_stub_open() - take a stub image from memory and check its header
 * @name: file name, for messages
 * @buf: the image (copied)
 * @len: its length
 * @arch: the CHARON_ARCH_* expected, or 0 to detect it
 * @stub: filled; free with charon_stub_free()
 * @err: error message on failure
 *
 * Checks the magic, abi_version == CHARON_ABI_VERSION, the arch,
 * params_size == sizeof(struct charon_params), that the parameter block
 * lies inside file_size and file_size inside the file.  Bytes past
 * file_size are kept (and loaded) with a warning.
 *
 * Return: 0 or a negative errno code.
 */
int charon_stub_open(const char *name, const uint8_t *buf, size_t len,
		     uint16_t arch, struct charon_stub *stub,
		     struct charon_err *err)
{
	const struct charon_stub_arch *a;
	int rc;

	memset(stub, 0, sizeof(*stub));
	snprintf(stub->name, sizeof(stub->name), "%s", name);
	if (arch) {
		a = charon_stub_arch_by_id(arch);
		if (!a) {
			return charon_errf(err, -ENOTSUP,
					   "stub: %s: %s stubs are not supported by this loader yet",
					   name, charon_arch_name(arch));
		}
	} else {
		a = charon_stub_detect(buf, len);
		if (!a) {
			return charon_errf(err, -EINVAL,
					   "stub: %s: no charon header (magic 0x%08x \"CHRN\" at 0x%x for arm64, arm and x86_64, at 0x%x for ppc64le and, big-endian, ppc64)",
					   name, CHARON_HDR_MAGIC,
					   CHARON_HDR_OFF_ARM64,
					   CHARON_HDR_OFF_PPC64);
		}
	}
	if (len < a->hdr_off + sizeof(struct charon_image_header)) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: file is %zu bytes, too short for the %s charon header at [0x%zx, 0x%zx)",
				   name, len, a->name, a->hdr_off,
				   a->hdr_off +
				   sizeof(struct charon_image_header));
	}
	decode_header(buf + a->hdr_off, a->endian, &stub->hdr);
	rc = check_header(name, a, &stub->hdr, len, err);
	if (rc) {
		return rc;
	}
	if (len > stub->hdr.mem_size) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: file has 0x%zx bytes, more than mem_size 0x%x",
				   name, len, stub->hdr.mem_size);
	}
	if (len > stub->hdr.file_size) {
		charon_warnf("stub: %s: file has 0x%zx bytes, file_size at 0x%zx says 0x%x; loading the whole file",
			     name, len, a->hdr_off + 0x14, stub->hdr.file_size);
	}
	stub->image = malloc(len);
	if (!stub->image) {
		return charon_errf(err, -ENOMEM, "stub: %s: out of memory", name);
	}
	memcpy(stub->image, buf, len);
	stub->len = len;
	stub->arch = a;
	stub->align = stub->hdr.load_align > CHARON_STUB_MIN_ALIGN ?
		      stub->hdr.load_align : CHARON_STUB_MIN_ALIGN;
	return 0;
}

/**
 * charon_stub_load() - read a stub image file and check its header
 * @path: the file
 * @arch: the CHARON_ARCH_* expected, or 0 to detect it
 * @stub: filled; free with charon_stub_free()
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_stub_load(const char *path, uint16_t arch, struct charon_stub *stub,
		     struct charon_err *err)
{
	uint8_t *buf;
	size_t len;
	int rc;

	memset(stub, 0, sizeof(*stub));
	rc = charon_read_input("stub", path, STUB_MAX_FILE, &buf, &len, err);
	if (!rc) {
		rc = charon_stub_open(path, buf, len, arch, stub, err);
		free(buf);
	}
	return rc;
}

/**
 * charon_stub_free() - release a stub image
 * @stub: the stub
 */
void charon_stub_free(struct charon_stub *stub)
{
	free(stub->image);
	stub->image = NULL;
	stub->len = 0;
}

/**
 * charon_params_init() - an empty parameter block of this ABI
 * @p: the block, host byte order
 *
 * Zeroes everything and sets magic, version and size; the failure policy
 * is CHARON_FAIL_HALT.
 */
void charon_params_init(struct charon_params *p)
{
	memset(p, 0, sizeof(*p));
	p->magic = CHARON_PARAMS_MAGIC;
	p->version = CHARON_ABI_VERSION;
	p->size = sizeof(*p);
	p->fail_policy = CHARON_FAIL_HALT;
}

/**
 * charon_params_add_region() - append a region and its SHA-256
 * @p: the block
 * @label: at most CHARON_LABEL_LEN - 1 characters ("kernel", ...)
 * @start: load address
 * @data: the bytes that will be at @start
 * @len: their length
 * @err: error message on failure
 *
 * Return: 0, -ENOSPC when the block is full, -EINVAL for a bad label or a
 * range that wraps.
 */
int charon_params_add_region(struct charon_params *p, const char *label,
			     uint64_t start, const void *data, size_t len,
			     struct charon_err *err)
{
	struct charon_region *r;
	uint64_t end;

	if (p->nr_regions >= CHARON_MAX_REGIONS) {
		return charon_errf(err, -ENOSPC,
				   "params: region \"%s\": the block holds at most %d regions",
				   label, CHARON_MAX_REGIONS);
	}
	if (strlen(label) >= CHARON_LABEL_LEN) {
		return charon_errf(err, -EINVAL,
				   "params: region label \"%s\" is longer than %d characters",
				   label, CHARON_LABEL_LEN - 1);
	}
	if (__builtin_add_overflow(start, (uint64_t)len, &end)) {
		return charon_errf(err, -EINVAL,
				   "params: region \"%s\" at 0x%llx + 0x%zx wraps around",
				   label, (unsigned long long)start, len);
	}
	r = &p->regions[p->nr_regions];
	memset(r, 0, sizeof(*r));
	r->start = start;
	r->len = len;
	memcpy(r->label, label, strlen(label));
	if (charon_sha256(data, len, r->sha256, err)) {
		return -EIO;
	}
	p->nr_regions++;
	return 0;
}

/**
 * charon_params_encode() - write a parameter block in a byte order
 * @p: the block, host byte order
 * @out: CHARON_PARAMS_SIZE bytes, at the ABI offsets
 * @e: the stub's byte order
 */
void charon_params_encode(const struct charon_params *p, void *out,
			  enum charon_endian e)
{
	uint8_t *b = out;
	uint8_t *r;
	int i, j;

	memset(b, 0, CHARON_PARAMS_SIZE);
	charon_put32(b + 0x000, p->magic, e);
	charon_put32(b + 0x004, p->version, e);
	charon_put32(b + 0x008, p->size, e);
	charon_put32(b + 0x00c, p->flags, e);
	charon_put32(b + 0x010, p->nr_regions, e);
	charon_put32(b + 0x014, p->nr_copies, e);
	charon_put32(b + 0x018, p->fail_policy, e);
	charon_put32(b + 0x01c, p->reserved0, e);
	charon_put32(b + 0x020, p->console.kind, e);
	charon_put32(b + 0x024, p->console.reg_shift, e);
	charon_put64(b + 0x028, p->console.base, e);
	charon_put64(b + 0x030, p->next.entry, e);
	for (i = 0; i < 4; i++) {
		charon_put64(b + 0x038 + 8 * i, p->next.regs[i], e);
	}
	for (i = 0; i < 8; i++) {
		charon_put64(b + 0x058 + 8 * i, p->next.arch.raw[i], e);
	}
	for (i = 0; i < CHARON_MAX_REGIONS; i++) {
		r = b + 0x098 + 0x40 * i;
		charon_put64(r + 0x00, p->regions[i].start, e);
		charon_put64(r + 0x08, p->regions[i].len, e);
		memcpy(r + 0x10, p->regions[i].label, CHARON_LABEL_LEN);
		memcpy(r + 0x20, p->regions[i].sha256, CHARON_DIGEST_LEN);
	}
	for (j = 0; j < CHARON_MAX_COPIES; j++) {
		r = b + 0x498 + 0x18 * j;
		charon_put64(r + 0x00, p->copies[j].src_offset, e);
		charon_put64(r + 0x08, p->copies[j].dst, e);
		charon_put64(r + 0x10, p->copies[j].len, e);
	}
}

/**
 * charon_params_decode() - read a parameter block in a byte order
 * @in: CHARON_PARAMS_SIZE bytes, at the ABI offsets
 * @p: the block, host byte order
 * @e: the stub's byte order
 */
void charon_params_decode(const void *in, struct charon_params *p,
			  enum charon_endian e)
{
	const uint8_t *b = in;
	const uint8_t *r;
	int i, j;

	memset(p, 0, sizeof(*p));
	p->magic = charon_get32(b + 0x000, e);
	p->version = charon_get32(b + 0x004, e);
	p->size = charon_get32(b + 0x008, e);
	p->flags = charon_get32(b + 0x00c, e);
	p->nr_regions = charon_get32(b + 0x010, e);
	p->nr_copies = charon_get32(b + 0x014, e);
	p->fail_policy = charon_get32(b + 0x018, e);
	p->reserved0 = charon_get32(b + 0x01c, e);
	p->console.kind = charon_get32(b + 0x020, e);
	p->console.reg_shift = charon_get32(b + 0x024, e);
	p->console.base = charon_get64(b + 0x028, e);
	p->next.entry = charon_get64(b + 0x030, e);
	for (i = 0; i < 4; i++) {
		p->next.regs[i] = charon_get64(b + 0x038 + 8 * i, e);
	}
	for (i = 0; i < 8; i++) {
		p->next.arch.raw[i] = charon_get64(b + 0x058 + 8 * i, e);
	}
	for (i = 0; i < CHARON_MAX_REGIONS; i++) {
		r = b + 0x098 + 0x40 * i;
		p->regions[i].start = charon_get64(r + 0x00, e);
		p->regions[i].len = charon_get64(r + 0x08, e);
		memcpy(p->regions[i].label, r + 0x10, CHARON_LABEL_LEN);
		memcpy(p->regions[i].sha256, r + 0x20, CHARON_DIGEST_LEN);
	}
	for (j = 0; j < CHARON_MAX_COPIES; j++) {
		r = b + 0x498 + 0x18 * j;
		p->copies[j].src_offset = charon_get64(r + 0x00, e);
		p->copies[j].dst = charon_get64(r + 0x08, e);
		p->copies[j].len = charon_get64(r + 0x10, e);
	}
}

/**
 * charon_stub_params_empty() - is the stub's parameter block still all zero?
 * @stub: the stub
 *
 * Return: true as built, false once a loader filled it.
 */
bool charon_stub_params_empty(const struct charon_stub *stub)
{
	const uint8_t *p = stub->image + stub->hdr.params_offset;
	size_t i;

	for (i = 0; i < stub->hdr.params_size; i++) {
		if (p[i]) {
			return false;
		}
	}
	return true;
}

/**
 * charon_stub_write_params() - patch the parameter block into the image
 * @stub: the stub (its header was checked by charon_stub_open())
 * @p: the block, host byte order
 */
void charon_stub_write_params(struct charon_stub *stub,
			      const struct charon_params *p)
{
	charon_params_encode(p, stub->image + stub->hdr.params_offset,
			     stub->arch->endian);
}

/**
 * charon_stub_read_params() - read the parameter block out of the image
 * @stub: the stub
 * @p: the block, host byte order
 */
void charon_stub_read_params(const struct charon_stub *stub,
			     struct charon_params *p)
{
	charon_params_decode(stub->image + stub->hdr.params_offset, p,
			     stub->arch->endian);
}

static const char *const fail_names[] = {
	[CHARON_FAIL_HALT] = "halt",
	[CHARON_FAIL_RESET] = "reset",
	[CHARON_FAIL_POWEROFF] = "poweroff",
	[CHARON_FAIL_TEST_EXIT] = "test-exit",
};

/**
 * charon_fail_policy_name() - name of a CHARON_FAIL_* value
 * @policy: the value
 *
 * Return: "halt", "reset", "poweroff", "test-exit" or "unknown".
 */
const char *charon_fail_policy_name(uint32_t policy)
{
	if (policy < sizeof(fail_names) / sizeof(fail_names[0])) {
		return fail_names[policy];
	}
	return "unknown";
}

/**
 * charon_fail_policy_parse() - CHARON_FAIL_* value of a name
 * @s: "halt", "reset", "poweroff" or "test-exit"
 * @policy: set to the value
 *
 * Return: 0, or -EINVAL for an unknown name.
 */
int charon_fail_policy_parse(const char *s, uint32_t *policy)
{
	uint32_t i;

	for (i = 0; i < sizeof(fail_names) / sizeof(fail_names[0]); i++) {
		if (!strcmp(s, fail_names[i])) {
			*policy = i;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *const con_names[] = {
	[CHARON_CON_NONE] = "none",
	[CHARON_CON_PL011] = "pl011",
	[CHARON_CON_NS16550_MMIO] = "ns16550-mmio",
	[CHARON_CON_NS16550_IO] = "ns16550-io",
	[CHARON_CON_OPAL] = "opal",
	[CHARON_CON_HVTERM] = "hvterm",
};

/**
 * charon_console_kind_name() - name of a CHARON_CON_* value
 * @kind: the value
 *
 * Return: "none", "pl011", ... or "unknown".
 */
const char *charon_console_kind_name(uint32_t kind)
{
	if (kind < sizeof(con_names) / sizeof(con_names[0])) {
		return con_names[kind];
	}
	return "unknown";
}

/**
 * charon_psci_name() - name of an arm/arm64 PSCI conduit (CHARON_PSCI_*)
 * @conduit: the value, as in next.arch.raw[CHARON_ARM64_PSCI] (or
 *	CHARON_ARM_PSCI)
 *
 * Return: "none", "hvc", "smc" or "unknown".
 */
const char *charon_psci_name(uint64_t conduit)
{
	switch (conduit) {
	case CHARON_PSCI_NONE:
		return "none";
	case CHARON_PSCI_HVC:
		return "hvc";
	case CHARON_PSCI_SMC:
		return "smc";
	default:
		return "unknown";
	}
}
