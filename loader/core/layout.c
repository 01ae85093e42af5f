// SPDX-License-Identifier: MIT
/*
 * Generic segment layout inside RAM ranges; see <charon/layout.h> for the
 * placement rules.  All arithmetic is checked for wrap-around: sizes and
 * addresses come from files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charon/layout.h>
#include <charon/util.h>

typedef unsigned long long ull;

static uint64_t ram_end(const struct charon_mem_range *r)
{
	return r->start + r->size;	/* checked in charon_layout_add_ram() */
}

/**
 * charon_layout_add_ram() - add a RAM range
 * @l: the layout
 * @start: first byte
 * @size: bytes; 0 is ignored
 * @err: error message on failure
 *
 * Ranges are kept sorted; overlapping and adjacent ranges are merged.
 *
 * Return: 0, -EINVAL for a range that wraps, -ENOSPC when full.
 */
int charon_layout_add_ram(struct charon_layout *l, uint64_t start,
			  uint64_t size, struct charon_err *err)
{
	struct charon_mem_range *r;
	uint64_t end;
	unsigned int i, j;

	if (size == 0) {
		return 0;
	}
	if (__builtin_add_overflow(start, size, &end)) {
		return charon_errf(err, -EINVAL,
				   "layout: RAM range at 0x%llx of 0x%llx bytes wraps around",
				   (ull)start, (ull)size);
	}
	if (l->nr_ram >= CHARON_MAX_RAM) {
		return charon_errf(err, -ENOSPC,
				   "layout: more than %d RAM ranges",
				   CHARON_MAX_RAM);
	}
	for (i = 0; i < l->nr_ram && l->ram[i].start < start; i++) {
		;
	}
	memmove(&l->ram[i + 1], &l->ram[i],
		(l->nr_ram - i) * sizeof(l->ram[0]));
	l->ram[i].start = start;
	l->ram[i].size = size;
	l->nr_ram++;
	/* merge neighbours that touch or overlap */
	for (i = 0; i + 1 < l->nr_ram;) {
		r = &l->ram[i];
		if (l->ram[i + 1].start > ram_end(r)) {
			i++;
			continue;
		}
		end = ram_end(&l->ram[i + 1]);
		if (end > ram_end(r)) {
			r->size = end - r->start;
		}
		for (j = i + 1; j + 1 < l->nr_ram; j++) {
			l->ram[j] = l->ram[j + 1];
		}
		l->nr_ram--;
	}
	return 0;
}

/**
 * charon_layout_add_ram_clip() - add the part of a RAM range inside a window
 * @l: the layout
 * @start: first byte of the range
 * @size: its bytes
 * @min: the window's first byte
 * @max_end: the window's end (0: no limit)
 * @err: error message on failure
 *
 * Nothing is added when the range lies outside [@min, @max_end).
 *
 * Return: 0 or a negative errno code from charon_layout_add_ram().
 */
int charon_layout_add_ram_clip(struct charon_layout *l, uint64_t start,
			       uint64_t size, uint64_t min, uint64_t max_end,
			       struct charon_err *err)
{
	uint64_t a = start, end;

	if (__builtin_add_overflow(start, size, &end)) {
		/* refused, by name */
		return charon_layout_add_ram(l, start, size, err);
	}
	if (a < min) {
		a = min;
	}
	if (max_end && end > max_end) {
		end = max_end;
	}
	if (a >= end) {
		return 0;
	}
	return charon_layout_add_ram(l, a, end - a, err);
}

/**
 * charon_layout_add() - add a segment
 * @l: the layout
 * @name: shown in messages ("kernel", "stub", ...)
 * @size: bytes of memory it occupies; must not be 0
 * @align: power of two (0 means 1); set align_offset in the result for
 *	placements at an offset from an aligned base
 * @place: CHARON_PLACE_*; for FIXED and KEEPOUT set ->addr in the result
 * @err: error message on failure
 *
 * Return: the new segment, or NULL with @err set.
 */
struct charon_segment *charon_layout_add(struct charon_layout *l,
					 const char *name, uint64_t size,
					 uint64_t align,
					 enum charon_place place,
					 struct charon_err *err)
{
	struct charon_segment *s;

	if (l->nr_seg >= CHARON_MAX_SEGMENTS) {
		charon_errf(err, -ENOSPC, "layout: more than %d segments (adding %s)",
			    CHARON_MAX_SEGMENTS, name);
		return NULL;
	}
	if (size == 0) {
		charon_errf(err, -EINVAL, "layout: segment %s is empty", name);
		return NULL;
	}
	if (align == 0) {
		align = 1;
	}
	if (align & (align - 1)) {
		charon_errf(err, -EINVAL,
			    "layout: segment %s: alignment 0x%llx is not a power of two",
			    name, (ull)align);
		return NULL;
	}
	s = &l->seg[l->nr_seg++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->size = size;
	s->align = align;
	s->place = place;
	return s;
}

/**
 * charon_layout_add_at() - add a segment that is where it is
 * @l: the layout
 * @name: shown in messages
 * @size: bytes; not 0
 * @align: as for charon_layout_add()
 * @place: CHARON_PLACE_FIXED (checked in RAM) or CHARON_PLACE_KEEPOUT
 *	(avoided, may lie outside RAM)
 * @addr: its first byte
 * @err: error message on failure
 *
 * Return: the new segment, or NULL with @err set.
 */
struct charon_segment *charon_layout_add_at(struct charon_layout *l,
					    const char *name, uint64_t size,
					    uint64_t align,
					    enum charon_place place,
					    uint64_t addr,
					    struct charon_err *err)
{
	struct charon_segment *s;

	s = charon_layout_add(l, name, size, align, place, err);
	if (s) {
		s->addr = addr;
	}
	return s;
}

/**
 * charon_layout_find() - a segment by name
 * @l: the layout
 * @name: its name
 *
 * Return: the segment or NULL.
 */
struct charon_segment *charon_layout_find(struct charon_layout *l,
					  const char *name)
{
	unsigned int i;

	for (i = 0; i < l->nr_seg; i++) {
		if (!strcmp(l->seg[i].name, name)) {
			return &l->seg[i];
		}
	}
	return NULL;
}

/**
 * charon_layout_ram_str() - the RAM ranges as "[a, b), [c, d)"
 * @l: the layout
 * @buf: output
 * @len: its size
 */
void charon_layout_ram_str(const struct charon_layout *l, char *buf,
			   size_t len)
{
	size_t n = 0;
	unsigned int i;
	int w;

	if (len == 0) {
		return;
	}
	buf[0] = '\0';
	if (l->nr_ram == 0) {
		snprintf(buf, len, "(none)");
		return;
	}
	for (i = 0; i < l->nr_ram && n < len; i++) {
		w = snprintf(buf + n, len - n, "%s[0x%llx, 0x%llx)",
			     i ? ", " : "", (ull)l->ram[i].start,
			     (ull)ram_end(&l->ram[i]));
		if (w < 0) {
			break;
		}
		n += (size_t)w;
	}
}

/**
 * charon_layout_in_ram() - does [@start, @start + @size) fit in one RAM range?
 * @l: the layout
 * @start: first byte
 * @size: bytes
 *
 * Return: true if it does.
 */
bool charon_layout_in_ram(const struct charon_layout *l, uint64_t start,
			  uint64_t size)
{
	unsigned int i;

	for (i = 0; i < l->nr_ram; i++) {
		if (start >= l->ram[i].start &&
		    size <= l->ram[i].size &&
		    start - l->ram[i].start <= l->ram[i].size - size) {
			return true;
		}
	}
	return false;
}

/**
 * charon_layout_keepout_at() - a keep-out overlapping [@start, @start + @size)
 * @l: the layout
 * @start: first byte
 * @size: bytes; the range must not wrap
 *
 * Return: the first CHARON_PLACE_KEEPOUT segment that overlaps, or NULL.
 */
const struct charon_segment *
charon_layout_keepout_at(const struct charon_layout *l, uint64_t start,
			 uint64_t size)
{
	unsigned int i;

	for (i = 0; i < l->nr_seg; i++) {
		if (l->seg[i].place == CHARON_PLACE_KEEPOUT &&
		    charon_overlaps(start, size, l->seg[i].addr,
				    l->seg[i].size)) {
			return &l->seg[i];
		}
	}
	return NULL;
}

/* FIXED and KEEPOUT segments are where they are, placed or not */
static bool is_placed(const struct charon_segment *s)
{
	return s->placed || s->place == CHARON_PLACE_FIXED ||
	       s->place == CHARON_PLACE_KEEPOUT;
}

/* the first placed segment other than @self overlapping [start, +size) */
static const struct charon_segment *
conflict(const struct charon_layout *l, const struct charon_segment *self,
	 uint64_t start, uint64_t size)
{
	unsigned int i;

	for (i = 0; i < l->nr_seg; i++) {
		const struct charon_segment *s = &l->seg[i];

		if (s != self && is_placed(s) &&
		    charon_overlaps(start, size, s->addr, s->size)) {
			return s;
		}
	}
	return NULL;
}

/* smallest y >= x with y % align == off, false if none below 2^64 */
static bool align_up(uint64_t x, uint64_t align, uint64_t off, uint64_t *y)
{
	uint64_t b;

	if (x <= off) {
		*y = off;
		return true;
	}
	b = x - off;
	if (__builtin_add_overflow(b, align - 1, &b)) {
		return false;
	}
	b &= ~(align - 1);
	return !__builtin_add_overflow(b, off, y);
}

/* largest y <= x with y % align == off, false if none */
static bool align_down(uint64_t x, uint64_t align, uint64_t off, uint64_t *y)
{
	if (x < off) {
		return false;
	}
	*y = ((x - off) & ~(align - 1)) + off;
	return true;
}

static void seg_desc(const struct charon_segment *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s [0x%llx, 0x%llx)", s->name, (ull)s->addr,
		 (ull)(s->addr + s->size));
}

static void placed_str(const struct charon_layout *l, char *buf, size_t len)
{
	char d[CHARON_SEG_NAME_LEN + 48];
	size_t n = 0;
	unsigned int i;
	int w;

	snprintf(buf, len, "nothing");
	for (i = 0; i < l->nr_seg && n < len; i++) {
		if (!is_placed(&l->seg[i])) {
			continue;
		}
		seg_desc(&l->seg[i], d, sizeof(d));
		w = snprintf(buf + n, len - n, "%s%s", n ? ", " : "", d);
		if (w < 0) {
			break;
		}
		n += (size_t)w;
	}
}

static int no_room(const struct charon_layout *l,
		   const struct charon_segment *s, uint64_t above,
		   struct charon_err *err)
{
	char ram[256], placed[256], where[48] = "";

	charon_layout_ram_str(l, ram, sizeof(ram));
	placed_str(l, placed, sizeof(placed));
	if (above) {
		snprintf(where, sizeof(where), " at or above 0x%llx",
			 (ull)above);
	}
	return charon_errf(err, -ENOSPC,
			   "layout: no room for %s (0x%llx bytes, alignment 0x%llx + 0x%llx) in RAM %s%s; placed: %s",
			   s->name, (ull)s->size, (ull)s->align,
			   (ull)s->align_offset, ram, where, placed);
}

static int place_low(struct charon_layout *l, struct charon_segment *s,
		     uint64_t cursor, struct charon_err *err)
{
	const struct charon_segment *c;
	const struct charon_mem_range *r;
	uint64_t a, end;
	unsigned int i;

	for (i = 0; i < l->nr_ram; i++) {
		r = &l->ram[i];
		a = cursor > r->start ? cursor : r->start;
		for (;;) {
			if (!align_up(a, s->align, s->align_offset, &a) ||
			    __builtin_add_overflow(a, s->size, &end) ||
			    end > ram_end(r)) {
				break;
			}
			c = conflict(l, s, a, s->size);
			if (!c) {
				s->addr = a;
				s->placed = true;
				return 0;
			}
			a = c->addr + c->size;
		}
	}
	return no_room(l, s, cursor, err);
}

static int place_high(struct charon_layout *l, struct charon_segment *s,
		      struct charon_err *err)
{
	const struct charon_segment *c;
	const struct charon_mem_range *r;
	uint64_t a;
	unsigned int i;

	for (i = l->nr_ram; i-- > 0;) {
		r = &l->ram[i];
		if (r->size < s->size ||
		    !align_down(ram_end(r) - s->size, s->align,
				s->align_offset, &a)) {
			continue;
		}
		while (a >= r->start) {
			c = conflict(l, s, a, s->size);
			if (!c) {
				s->addr = a;
				s->placed = true;
				return 0;
			}
			if (c->addr < s->size ||
			    !align_down(c->addr - s->size, s->align,
					s->align_offset, &a)) {
				break;
			}
		}
	}
	return no_room(l, s, 0, err);
}

/* alignment, wrap-around and RAM of one placed segment */
static int check_one(const struct charon_layout *l,
		     const struct charon_segment *s, struct charon_err *err)
{
	char ram[256];
	uint64_t end;

	if (__builtin_add_overflow(s->addr, s->size, &end)) {
		return charon_errf(err, -EINVAL,
				   "layout: %s at 0x%llx of 0x%llx bytes wraps around",
				   s->name, (ull)s->addr, (ull)s->size);
	}
	if (s->place == CHARON_PLACE_KEEPOUT) {
		return 0;
	}
	if (s->addr % s->align != s->align_offset % s->align) {
		return charon_errf(err, -EINVAL,
				   "layout: %s address 0x%llx is not 0x%llx modulo 0x%llx (required alignment)",
				   s->name, (ull)s->addr,
				   (ull)(s->align_offset % s->align),
				   (ull)s->align);
	}
	if (!charon_layout_in_ram(l, s->addr, s->size)) {
		charon_layout_ram_str(l, ram, sizeof(ram));
		return charon_errf(err, -ERANGE,
				   "layout: %s [0x%llx, 0x%llx) is outside RAM %s",
				   s->name, (ull)s->addr, (ull)end, ram);
	}
	return 0;
}

/* overlaps between placed segments, naming the later one first */
static int check_overlaps(const struct charon_layout *l,
			  struct charon_err *err)
{
	const struct charon_segment *a, *b;
	char da[CHARON_SEG_NAME_LEN + 48], db[CHARON_SEG_NAME_LEN + 48];
	unsigned int i, j;

	for (i = 0; i < l->nr_seg; i++) {
		a = &l->seg[i];
		for (j = 0; j < i && is_placed(a); j++) {
			b = &l->seg[j];
			if (!is_placed(b) ||
			    (a->place == CHARON_PLACE_KEEPOUT &&
			     b->place == CHARON_PLACE_KEEPOUT) ||
			    !charon_overlaps(a->addr, a->size, b->addr,
					    b->size)) {
				continue;
			}
			seg_desc(a, da, sizeof(da));
			seg_desc(b, db, sizeof(db));
			return charon_errf(err, -EINVAL,
					   "layout: %s overlaps %s", da, db);
		}
	}
	return 0;
}

/**
 * charon_layout_check() - validate a layout whose segments are all placed
 * @l: the layout
 * @err: error message on failure: an unplaced segment, a misaligned one,
 *	one outside RAM (naming its range and the RAM ranges), or two that
 *	overlap (naming both, with their ranges)
 *
 * Return: 0 or a negative errno code.
 */
int charon_layout_check(const struct charon_layout *l, struct charon_err *err)
{
	unsigned int i;
	int rc;

	for (i = 0; i < l->nr_seg; i++) {
		if (!is_placed(&l->seg[i])) {
			return charon_errf(err, -EINVAL,
					   "layout: %s has no address",
					   l->seg[i].name);
		}
	}
	for (i = 0; i < l->nr_seg; i++) {
		rc = check_one(l, &l->seg[i], err);
		if (rc) {
			return rc;
		}
	}
	return check_overlaps(l, err);
}

/**
 * charon_layout_place() - give every segment an address
 * @l: the layout
 * @err: error message on failure
 *
 * FIXED and KEEPOUT segments are checked in place; HIGH segments are put
 * as high as they fit, in list order; LOW segments in list order, each at
 * the lowest fit at or above the end of the previous LOW segment.  The
 * result is checked with charon_layout_check().
 *
 * Return: 0 or a negative errno code.
 */
int charon_layout_place(struct charon_layout *l, struct charon_err *err)
{
	struct charon_segment *s;
	uint64_t cursor = 0;
	unsigned int i;
	int rc;

	if (l->nr_ram == 0) {
		return charon_errf(err, -EINVAL, "layout: no RAM ranges");
	}
	for (i = 0; i < l->nr_seg; i++) {
		s = &l->seg[i];
		s->align_offset %= s->align;
		s->placed = s->place == CHARON_PLACE_FIXED ||
			    s->place == CHARON_PLACE_KEEPOUT;
		if (s->placed) {
			rc = check_one(l, s, err);
			if (rc) {
				return rc;
			}
		}
	}
	rc = check_overlaps(l, err);
	if (rc) {
		return rc;
	}
	for (i = 0; i < l->nr_seg; i++) {
		s = &l->seg[i];
		if (s->place == CHARON_PLACE_HIGH) {
			rc = place_high(l, s, err);
			if (rc) {
				return rc;
			}
		}
	}
	for (i = 0; i < l->nr_seg; i++) {
		s = &l->seg[i];
		if (s->place == CHARON_PLACE_LOW) {
			rc = place_low(l, s, cursor, err);
			if (rc) {
				return rc;
			}
			cursor = s->addr + s->size;
		}
	}
	return charon_layout_check(l, err);
}

/* a segment in @l that already has its address */
static bool has_addr(const struct charon_segment *s)
{
	return s->placed || s->place == CHARON_PLACE_FIXED ||
	       s->place == CHARON_PLACE_KEEPOUT;
}

static struct charon_segment *keepout(struct charon_layout *l,
				      const char *name, uint64_t addr,
				      uint64_t size, struct charon_err *err)
{
	struct charon_segment *s;

	s = charon_layout_add(l, name, size, 1, CHARON_PLACE_KEEPOUT, err);
	if (s) {
		s->addr = addr;
	}
	return s;
}

/**
 * charon_layout_pick() - choose an address inside a window, without placing
 * @l: the layout: its RAM ranges and every segment that has an address
 *	(FIXED, KEEPOUT, or placed) are respected; it is not modified
 * @name: the segment's name, for messages
 * @size: bytes
 * @align: power of two (0 means 1)
 * @high: the highest fit (else the lowest)
 * @min: lowest acceptable address
 * @max_end: the segment must end at or below this (0: no limit)
 * @addr: the chosen address
 * @err: error message on failure (the layout's "no room" message)
 *
 * The layout API places HIGH and LOW segments anywhere in RAM; boot
 * protocol limits (x86's initrd_addr_max, 4 GiB for 32-bit pointers, a
 * kernel base above what it overwrites) are windows.  This places the one
 * segment in a scratch copy of @l whose window edges are keep-outs, so the
 * caller can add it to @l as a FIXED segment.
 *
 * Return: 0, -ENOSPC when nothing fits, or another negative errno code.
 */
int charon_layout_pick(const struct charon_layout *l, const char *name,
		    uint64_t size, uint64_t align, bool high, uint64_t min,
		    uint64_t max_end, uint64_t *addr, struct charon_err *err)
{
	struct charon_layout *t;
	struct charon_segment *s;
	char what[CHARON_SEG_NAME_LEN];
	unsigned int i;
	int rc = -EINVAL;

	t = calloc(1, sizeof(*t));
	if (!t) {
		return charon_errf(err, -ENOMEM, "layout: out of memory");
	}
	memcpy(t->ram, l->ram, sizeof(t->ram));
	t->nr_ram = l->nr_ram;
	for (i = 0; i < l->nr_seg; i++) {
		if (has_addr(&l->seg[i]) &&
		    !keepout(t, l->seg[i].name, l->seg[i].addr,
			     l->seg[i].size, err)) {
			goto out;
		}
	}
	if (min) {
		snprintf(what, sizeof(what), "(below 0x%llx)", (ull)min);
		if (!keepout(t, what, 0, min, err)) {
			goto out;
		}
	}
	if (max_end && max_end != UINT64_MAX) {
		snprintf(what, sizeof(what), "(from 0x%llx)", (ull)max_end);
		if (!keepout(t, what, max_end, UINT64_MAX - max_end, err)) {
			goto out;
		}
	}
	s = charon_layout_add(t, name, size, align,
			      high ? CHARON_PLACE_HIGH : CHARON_PLACE_LOW, err);
	if (!s) {
		goto out;
	}
	rc = charon_layout_place(t, err);
	if (!rc) {
		*addr = s->addr;
	}
out:
	free(t);
	return rc;
}
