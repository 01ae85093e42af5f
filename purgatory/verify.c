// SPDX-License-Identifier: MIT
/*
 * Validation of the parameter block and verification of every region.
 *
 * The block is external input: every count, length and address is checked
 * before use, and every problem is reported by name.
 */
#include <lib/sha256.h>
#include <purgatory/arch.h>
#include <purgatory/pg.h>
#include <string.h>

/* label as printable text: at most CHARON_LABEL_LEN bytes, NUL or not */
static void pg_label(const struct charon_region *r, char out[CHARON_LABEL_LEN + 1])
{
	unsigned int i;

	for (i = 0; i < CHARON_LABEL_LEN && r->label[i]; i++) {
		char c = r->label[i];

		out[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	out[i] = '\0';
}

/* [a, a + alen) and [b, b + blen) intersect; neither wraps */
static int pg_overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

int pg_params_header_ok(const struct charon_params *p)
{
	return p->magic == CHARON_PARAMS_MAGIC &&
	       p->version == CHARON_ABI_VERSION && p->size == sizeof(*p);
}

int pg_region_holding(const struct charon_params *p, uint64_t a, uint64_t n)
{
	unsigned int i;

	if (a + n < a) {
		return -1;
	}
	for (i = 0; i < p->nr_regions && i < CHARON_MAX_REGIONS; i++) {
		const struct charon_region *r = &p->regions[i];

		if (a >= r->start && n <= r->len && a - r->start <= r->len - n) {
			return (int)i;
		}
	}
	return -1;
}

int pg_region_overlapping(const struct charon_params *p, uint64_t a,
			  uint64_t n)
{
	unsigned int i;

	for (i = 0; i < p->nr_regions && i < CHARON_MAX_REGIONS; i++) {
		if (pg_overlaps(a, n, p->regions[i].start, p->regions[i].len)) {
			return (int)i;
		}
	}
	return -1;
}

int pg_overlaps_stub(uint64_t a, uint64_t n)
{
	return pg_overlaps(a, n, (uint64_t)(uintptr_t)_stub_start,
			   (uint64_t)(_stub_end - _stub_start));
}

static int pg_check_range(const char *what, unsigned int i, const char *label,
			  uint64_t start, uint64_t len)
{
	uint64_t self = (uint64_t)(uintptr_t)_stub_start;
	uint64_t self_len = (uint64_t)(_stub_end - _stub_start);

	if (len == 0) {
		pg_print("charon: params: %s %u '%s' has length 0\n", what, i,
			 label);
		return -PG_EPARAMS;
	}
	if (start + len < start) {
		pg_print("charon: params: %s %u '%s' start 0x%llx len 0x%llx "
			 "wraps around the address space\n", what, i, label,
			 (unsigned long long)start, (unsigned long long)len);
		return -PG_EPARAMS;
	}
	if (start + len - 1 > arch_addr_limit) {
		pg_print("charon: params: %s %u '%s' [0x%llx, 0x%llx) is beyond "
			 "what the stub can address (up to 0x%llx)\n", what, i,
			 label, (unsigned long long)start,
			 (unsigned long long)(start + len),
			 (unsigned long long)arch_addr_limit);
		return -PG_EPARAMS;
	}
	if (pg_overlaps(start, len, self, self_len)) {
		pg_print("charon: params: %s %u '%s' [0x%llx, 0x%llx) overlaps "
			 "the stub itself [0x%llx, 0x%llx)\n", what, i, label,
			 (unsigned long long)start,
			 (unsigned long long)(start + len),
			 (unsigned long long)self,
			 (unsigned long long)(self + self_len));
		return -PG_EPARAMS;
	}
	return 0;
}

int pg_check_params(const struct charon_params *p)
{
	char label[CHARON_LABEL_LEN + 1], other[CHARON_LABEL_LEN + 1];
	unsigned int i, j;
	int entry_verified = 0;

	if (p->magic != CHARON_PARAMS_MAGIC) {
		pg_print("charon: params: magic is 0x%08x, expected 0x%08x%s\n",
			 p->magic, CHARON_PARAMS_MAGIC,
			 p->magic ? "" : " (no loader filled the block)");
		return -PG_EPARAMS;
	}
	if (p->version != CHARON_ABI_VERSION) {
		pg_print("charon: params: ABI version is %u, this stub speaks %u\n",
			 p->version, CHARON_ABI_VERSION);
		return -PG_EPARAMS;
	}
	if (p->size != sizeof(*p)) {
		pg_print("charon: params: size is %u bytes, this stub's block is "
			 "%u\n", p->size, (unsigned int)sizeof(*p));
		return -PG_EPARAMS;
	}
	if (p->nr_regions == 0 || p->nr_regions > CHARON_MAX_REGIONS) {
		pg_print("charon: params: nr_regions is %u, must be 1..%u\n",
			 p->nr_regions, CHARON_MAX_REGIONS);
		return -PG_EPARAMS;
	}
	if (p->nr_copies > CHARON_MAX_COPIES) {
		pg_print("charon: params: nr_copies is %u, at most %u\n",
			 p->nr_copies, CHARON_MAX_COPIES);
		return -PG_EPARAMS;
	}
	for (i = 0; i < p->nr_regions; i++) {
		const struct charon_region *r = &p->regions[i];

		pg_label(r, label);
		if (pg_check_range("region", i, label, r->start, r->len)) {
			return -PG_EPARAMS;
		}
		for (j = 0; j < i; j++) {
			const struct charon_region *q = &p->regions[j];

			if (pg_overlaps(r->start, r->len, q->start, q->len)) {
				pg_label(q, other);
				pg_print("charon: params: region %u '%s' overlaps "
					 "region %u '%s'\n", i, label, j, other);
				return -PG_EPARAMS;
			}
		}
		if (p->next.entry >= r->start &&
		    p->next.entry - r->start < r->len) {
			entry_verified = 1;
		}
	}
	if (!entry_verified) {
		pg_print("charon: params: entry 0x%llx is in no region: it "
			 "could not be verified\n",
			 (unsigned long long)p->next.entry);
		return -PG_EPARAMS;
	}
	if (pg_chain_check(p)) {
		return -PG_EPARAMS;
	}
	return arch_check_params(p);
}

int pg_verify_regions(const struct charon_params *p)
{
	char label[CHARON_LABEL_LEN + 1];
	uint8_t digest[SHA256_DIGEST_SIZE];
	unsigned int i, bad = 0;

	for (i = 0; i < p->nr_regions; i++) {
		const struct charon_region *r = &p->regions[i];

		pg_label(r, label);
		sha256((const void *)(uintptr_t)r->start, r->len, digest);
		if (!memcmp(digest, r->sha256, sizeof(digest))) {
			if (p->flags & CHARON_F_VERBOSE) {
				pg_print("charon: region %u '%s' 0x%llx+0x%llx "
					 "ok\n", i, label,
					 (unsigned long long)r->start,
					 (unsigned long long)r->len);
			}
			continue;
		}
		bad++;
		pg_print("charon: region %u '%s' at 0x%llx, length 0x%llx: "
			 "SHA-256 MISMATCH\n", i, label,
			 (unsigned long long)r->start,
			 (unsigned long long)r->len);
		pg_print("charon:   expected ");
		pg_print_hex(r->sha256, sizeof(r->sha256));
		pg_print("\ncharon:   actual   ");
		pg_print_hex(digest, sizeof(digest));
		pg_print("\n");
	}
	return bad ? -PG_EDIGEST : 0;
}
