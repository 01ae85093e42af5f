// SPDX-License-Identifier: MIT
/*
 * Test hooks that damage a plan on purpose, after its digests were
 * computed: --break-params (a malformed parameter block) and --flip-bit
 * (one bit of a loaded segment).  The stub must refuse both by name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <charon/boot.h>
#include <charon/util.h>

typedef unsigned long long ull;

static int add_bad_region(struct charon_boot *b, const char *label,
			  uint64_t start, uint64_t len,
			  struct charon_err *err)
{
	struct charon_region *r;

	if (b->params.nr_regions >= CHARON_MAX_REGIONS) {
		return charon_errf(err, -ENOSPC,
				   "--break-params: no free region slot for \"%s\"",
				   label);
	}
	r = &b->params.regions[b->params.nr_regions++];
	memset(r, 0, sizeof(*r));
	r->start = start;
	r->len = len;
	memcpy(r->label, label, strlen(label));
	return 0;
}

enum break_what {
	BREAK_MAGIC,
	BREAK_VERSION,
	BREAK_SIZE,
	BREAK_NR_REGIONS,
	BREAK_OVERLAP_STUB,
	BREAK_WRAP,
	BREAK_BACKUP_OVER_REGION,
	BREAK_FDT_OUTSIDE,
	BREAK_RUN_AT_LOAD_OUTSIDE,
	NR_BREAK_WHATS,
};

static const char *const break_whats[NR_BREAK_WHATS] = {
	[BREAK_MAGIC] = "magic",
	[BREAK_VERSION] = "version",
	[BREAK_SIZE] = "size",
	[BREAK_NR_REGIONS] = "nr-regions",
	[BREAK_OVERLAP_STUB] = "overlap-stub",
	[BREAK_WRAP] = "wrap",
	[BREAK_BACKUP_OVER_REGION] = "backup-over-region",
	[BREAK_FDT_OUTSIDE] = "fdt-outside",
	[BREAK_RUN_AT_LOAD_OUTSIDE] = "run-at-load-outside",
};

/* an address past every region and the stub: in none of them */
static uint64_t past_everything(const struct charon_boot *b)
{
	const struct charon_params *p = &b->params;
	uint64_t end = b->stub_addr + b->stub_size;
	unsigned int i;

	for (i = 0; i < p->nr_regions && i < CHARON_MAX_REGIONS; i++) {
		if (p->regions[i].start + p->regions[i].len > end) {
			end = p->regions[i].start + p->regions[i].len;
		}
	}
	return charon_round_up(end, 0x10000) + 0x10000;
}

static bool is_ppc64(const struct charon_boot *b)
{
	return b->arch->id == CHARON_ARCH_PPC64LE ||
	       b->arch->id == CHARON_ARCH_PPC64;
}

/* the enum break_what of a name, NR_BREAK_WHATS if unknown */
static enum break_what break_lookup(const char *what)
{
	unsigned int i;

	for (i = 0; i < NR_BREAK_WHATS; i++) {
		if (!strcmp(what, break_whats[i])) {
			break;
		}
	}
	return i;
}

/**
 * charon_boot_break_known() - does charon_boot_break_params() know a name?
 * @what: the name
 *
 * For the CLI, which refuses an unknown one as a usage error before any
 * file is read.
 *
 * Return: true for magic, version, size, nr-regions, overlap-stub, wrap,
 * backup-over-region, fdt-outside and run-at-load-outside.
 */
bool charon_boot_break_known(const char *what)
{
	return break_lookup(what) != NR_BREAK_WHATS;
}

/**
 * charon_boot_break_params() - corrupt the filled parameter block (tests)
 * @b: the plan, after its block was filled
 * @what: "magic" (bit-inverted), "version" (+1), "size" (+8),
 *	"nr-regions" (17), "overlap-stub" (an extra region "stub" covering
 *	the stub's own range) or "wrap" (an extra region "wrap" at
 *	0xfffffffffffff000, 0x2000 bytes, wrapping around 2^64); for the
 *	writes the stub makes after verification: "backup-over-region"
 *	(x86_64: a kdump backup whose destination is the first region),
 *	"fdt-outside" (ppc64: r3, the tree whose header the stub writes, in
 *	no region) or "run-at-load-outside" (ppc64: run-at-load set, the
 *	kernel's word at r4 + 0x5c in no region)
 * @err: error message on failure
 *
 * The block is re-encoded into the stub image.
 *
 * Return: 0, or -EINVAL for an unknown @what.
 */
int charon_boot_break_params(struct charon_boot *b, const char *what,
			     struct charon_err *err)
{
	struct charon_params *p = &b->params;
	int rc = 0;

	switch (break_lookup(what)) {
	case BREAK_MAGIC:
		p->magic = ~p->magic;
		break;
	case BREAK_VERSION:
		p->version += 1;
		break;
	case BREAK_SIZE:
		p->size += 8;
		break;
	case BREAK_NR_REGIONS:
		p->nr_regions = CHARON_MAX_REGIONS + 1;
		break;
	case BREAK_OVERLAP_STUB:
		rc = add_bad_region(b, "stub", b->stub_addr, b->stub_size, err);
		break;
	case BREAK_WRAP:
		rc = add_bad_region(b, "wrap", 0xfffffffffffff000ull, 0x2000,
				    err);
		break;
	case BREAK_BACKUP_OVER_REGION:
		if (b->arch->id != CHARON_ARCH_X86_64 || !p->nr_regions) {
			return charon_errf(err, -EINVAL,
					   "--break-params %s: x86_64 only", what);
		}
		p->next.arch.raw[CHARON_X86_BACKUP_SRC] = past_everything(b);
		p->next.arch.raw[CHARON_X86_BACKUP_DST] = p->regions[0].start;
		p->next.arch.raw[CHARON_X86_BACKUP_LEN] = 0x1000;
		break;
	case BREAK_FDT_OUTSIDE:
	case BREAK_RUN_AT_LOAD_OUTSIDE:
		if (!is_ppc64(b)) {
			return charon_errf(err, -EINVAL,
					   "--break-params %s: ppc64 only", what);
		}
		if (break_lookup(what) == BREAK_FDT_OUTSIDE) {
			p->next.regs[0] = past_everything(b);
		} else {
			p->next.arch.raw[CHARON_PPC64_FLAGS] |=
				CHARON_PPC64_F_RUN_AT_LOAD;
			p->next.regs[1] = past_everything(b);
		}
		break;
	default:
		return charon_errf(err, -EINVAL,
				   "--break-params: unknown \"%s\"; expected magic, version, size, nr-regions, overlap-stub, wrap, backup-over-region (x86_64), fdt-outside or run-at-load-outside (ppc64)",
				   what);
	}
	if (!rc) {
		charon_boot_encode(b);
	}
	return rc;
}

/* "kernel, initrd, dtb": the plan's segment labels, in plan order */
static void seg_names(const struct charon_boot *b, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < b->nr_seg && n < len; i++) {
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
				      b->seg[i].label);
	}
}

/**
 * charon_boot_flip_bit() - damage one loaded segment after hashing (tests)
 * @b: the plan, after its digests were computed
 * @spec: "LABEL" or "LABEL:OFFSET"; flips bit 0 of the byte at OFFSET
 *	(C notation, default the middle byte) of that segment as loaded
 * @err: error message on failure
 *
 * Return: 0, or -EINVAL for an unknown label or an offset outside the
 * segment.
 */
int charon_boot_flip_bit(struct charon_boot *b, const char *spec,
			 struct charon_err *err)
{
	char label[CHARON_LABEL_LEN], have[4 * CHARON_LABEL_LEN];
	struct charon_boot_seg *s;
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	uint64_t off;

	if (n == 0 || n >= sizeof(label)) {
		return charon_errf(err, -EINVAL,
				   "--flip-bit: \"%s\": expected LABEL[:OFFSET]",
				   spec);
	}
	memcpy(label, spec, n);
	label[n] = '\0';
	s = charon_boot_seg_find(b, label);
	if (!s) {
		seg_names(b, have, sizeof(have));
		return charon_errf(err, -EINVAL,
				   "--flip-bit: no loaded segment \"%s\" (have: %s)",
				   label, have);
	}
	if (colon) {
		if (charon_parse_u64(colon + 1, &off)) {
			return charon_errf(err, -EINVAL,
					   "--flip-bit: offset \"%s\" is not a number",
					   colon + 1);
		}
	} else {
		off = s->len / 2;
	}
	if (off >= s->len) {
		return charon_errf(err, -EINVAL,
				   "--flip-bit: offset 0x%llx is outside %s (0x%zx bytes)",
				   (ull)off, label, s->len);
	}
	s->data[off] ^= 1;
	s->modified = true;
	return 0;
}

