/* SPDX-License-Identifier: MIT */
/*
 * Generic memory layout: place named segments inside RAM ranges.
 *
 * Segments are placed in three passes: FIXED ones are checked where they
 * are; HIGH ones go as high as they fit (in list order); LOW ones go, in
 * list order, each at the lowest address at or above the end of the
 * previous LOW segment.  Every placement honours the segment's alignment
 * (addr % align == align_offset), stays inside one RAM range and avoids
 * every segment already placed, keep-out ranges (memory reservations
 * already in the device tree) included.
 */
#ifndef CHARON_LAYOUT_H
#define CHARON_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/err.h>

#define CHARON_MAX_RAM		32
#define CHARON_MAX_SEGMENTS	72
#define CHARON_SEG_NAME_LEN	48

struct charon_mem_range {
	uint64_t start;
	uint64_t size;
};

enum charon_place {
	CHARON_PLACE_LOW,	/* lowest fit after the previous LOW segment */
	CHARON_PLACE_HIGH,	/* highest fit */
	CHARON_PLACE_FIXED,	/* at addr, checked */
	CHARON_PLACE_KEEPOUT,	/* at addr, avoided; may lie outside RAM */
};

struct charon_segment {
	char name[CHARON_SEG_NAME_LEN];
	uint64_t size;		/* bytes of memory the segment occupies */
	uint64_t align;		/* power of two; 0 means 1 */
	uint64_t align_offset;	/* addr % align == align_offset */
	enum charon_place place;
	uint64_t addr;		/* FIXED/KEEPOUT: input; others: result */
	bool placed;
};

struct charon_layout {
	struct charon_mem_range ram[CHARON_MAX_RAM];
	unsigned int nr_ram;
	struct charon_segment seg[CHARON_MAX_SEGMENTS];
	unsigned int nr_seg;
};

int charon_layout_add_ram(struct charon_layout *l, uint64_t start,
			  uint64_t size, struct charon_err *err);
int charon_layout_add_ram_clip(struct charon_layout *l, uint64_t start,
			       uint64_t size, uint64_t min, uint64_t max_end,
			       struct charon_err *err);
bool charon_layout_in_ram(const struct charon_layout *l, uint64_t start,
			  uint64_t size);
const struct charon_segment *
charon_layout_keepout_at(const struct charon_layout *l, uint64_t start,
			 uint64_t size);
struct charon_segment *charon_layout_add(struct charon_layout *l,
					 const char *name, uint64_t size,
					 uint64_t align,
					 enum charon_place place,
					 struct charon_err *err);
struct charon_segment *charon_layout_add_at(struct charon_layout *l,
					    const char *name, uint64_t size,
					    uint64_t align,
					    enum charon_place place,
					    uint64_t addr,
					    struct charon_err *err);
struct charon_segment *charon_layout_find(struct charon_layout *l,
					  const char *name);
int charon_layout_place(struct charon_layout *l, struct charon_err *err);
int charon_layout_pick(const struct charon_layout *l, const char *name,
		       uint64_t size, uint64_t align, bool high, uint64_t min,
		       uint64_t max_end, uint64_t *addr,
		       struct charon_err *err);
int charon_layout_check(const struct charon_layout *l,
			struct charon_err *err);
void charon_layout_ram_str(const struct charon_layout *l, char *buf,
			   size_t len);

#endif /* CHARON_LAYOUT_H */
