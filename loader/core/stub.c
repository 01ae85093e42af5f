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
/* bss + stack past file_size, and load_align: far above any stub built */
#define CHARON_STUB_MAX_BSS	(16u << 20)
#define CHARON_STUB_MAX_ALIGN	(2u << 20)

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
const struct charon_arch *charon_stub_detect(const uint8_t *buf, size_t len)
{
	const struct charon_arch *a, *first = NULL;

	for (a = charon_arch_next(NULL); a; a = charon_arch_next(a)) {
		if (len < a->hdr_off + sizeof(struct charon_image_header) ||
		    charon_get32(buf + a->hdr_off, a->endian) !=
		    CHARON_HDR_MAGIC) {
			continue;
		}
		if (charon_get16(buf + a->hdr_off + 0x06, a->endian) ==
		    a->id) {
			return a;
		}
		if (!first) {
			first = a;
		}
	}
	return first;
}

/*
 * Validate the header of a stub image; the field offsets in messages are
 * file offsets, hdr_off + the field's offset in the header.
 */
static int check_header(const char *name, const struct charon_arch *a,
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
	if (h->arch != a->id) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: arch at 0x%zx is %u (%s), expected %u (%s)",
				   name, o + 0x06, h->arch,
				   charon_arch_name(h->arch), a->id, a->name);
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
	if (h->mem_size - h->file_size > CHARON_STUB_MAX_BSS) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: mem_size at 0x%zx is 0x%x: 0x%x bytes of bss and stack past file_size 0x%x, more than %u KiB (damaged header?)",
				   name, o + 0x18, h->mem_size,
				   h->mem_size - h->file_size, h->file_size,
				   CHARON_STUB_MAX_BSS >> 10);
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
	if (h->load_align > CHARON_STUB_MAX_ALIGN) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: load_align at 0x%zx is 0x%x, more than 0x%x",
				   name, o + 0x20, h->load_align,
				   CHARON_STUB_MAX_ALIGN);
	}
	return 0;
}

/* "0x40 for arm64 (little-endian), ..." from the registry */
static void header_places(char *buf, size_t len)
{
	const struct charon_arch *a;
	size_t n = 0;

	buf[0] = '\0';
	for (a = charon_arch_next(NULL); a && n < len;
	     a = charon_arch_next(a)) {
		n += (size_t)snprintf(buf + n, len - n, "%s0x%zx for %s (%s-endian)",
				      n ? ", " : "", a->hdr_off, a->name,
				      a->endian == CHARON_BE ? "big" :
				      "little");
	}
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
	const struct charon_arch *a;
	uint32_t chain;
	int rc;

	memset(stub, 0, sizeof(*stub));
	snprintf(stub->name, sizeof(stub->name), "%s", name);
	if (arch) {
		a = charon_arch_by_id(arch);
		if (!a) {
			return charon_errf(err, -ENOTSUP,
					   "stub: %s: %s stubs are not supported by this loader yet",
					   name, charon_arch_name(arch));
		}
	} else {
		a = charon_stub_detect(buf, len);
		if (!a) {
			char where[256];

			header_places(where, sizeof(where));
			return charon_errf(err, -EINVAL,
					   "stub: %s: no charon header (magic 0x%08x \"CHRN\" at %s)",
					   name, CHARON_HDR_MAGIC, where);
		}
	}
	if (len < a->hdr_off + sizeof(struct charon_image_header)) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: file is %zu bytes, too short for the %s charon header at [0x%zx, 0x%zx)",
				   name, len, a->name, a->hdr_off,
				   a->hdr_off +
				   sizeof(struct charon_image_header));
	}
	charon_header_decode(buf + a->hdr_off, &stub->hdr, a->endian);
	rc = check_header(name, a, &stub->hdr, len, err);
	if (rc) {
		return rc;
	}
	/* a chainloader image (charon image) carries payloads past mem_size */
	chain = charon_get32(buf + stub->hdr.params_offset +
			     offsetof(struct charon_params, chain_offset),
			     a->endian);
	if (len > stub->hdr.mem_size && !chain) {
		return charon_errf(err, -EINVAL,
				   "stub: %s: file has 0x%zx bytes, more than mem_size 0x%x",
				   name, len, stub->hdr.mem_size);
	}
	if (len > stub->hdr.file_size && !chain) {
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
