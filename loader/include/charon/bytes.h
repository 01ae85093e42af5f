/* SPDX-License-Identifier: MIT */
/*
 * Byte-order helpers: read and write fixed-width fields in a given byte
 * order, whatever the host's.  The stub's fields are in the stub's order
 * (little-endian on all targets but big-endian ppc64).
 */
#ifndef CHARON_BYTES_H
#define CHARON_BYTES_H

#include <stdint.h>

enum charon_endian {
	CHARON_LE = 0,
	CHARON_BE = 1,
};

/* charon_get16() - read a 16-bit field at @p in byte order @e */
static inline uint16_t charon_get16(const void *p, enum charon_endian e)
{
	const uint8_t *b = p;

	if (e == CHARON_BE) {
		return (uint16_t)(b[0] << 8 | b[1]);
	}
	return (uint16_t)(b[1] << 8 | b[0]);
}

/* charon_get32() - read a 32-bit field at @p in byte order @e */
static inline uint32_t charon_get32(const void *p, enum charon_endian e)
{
	const uint8_t *b = p;
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		v |= (uint32_t)b[e == CHARON_BE ? 3 - i : i] << (8 * i);
	}
	return v;
}

/* charon_get64() - read a 64-bit field at @p in byte order @e */
static inline uint64_t charon_get64(const void *p, enum charon_endian e)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		v |= (uint64_t)b[e == CHARON_BE ? 7 - i : i] << (8 * i);
	}
	return v;
}

/* charon_put16() - write @v as a 16-bit field at @p in byte order @e */
static inline void charon_put16(void *p, uint16_t v, enum charon_endian e)
{
	uint8_t *b = p;
	int i;

	for (i = 0; i < 2; i++) {
		b[e == CHARON_BE ? 1 - i : i] = (uint8_t)(v >> (8 * i));
	}
}

/* charon_put32() - write @v as a 32-bit field at @p in byte order @e */
static inline void charon_put32(void *p, uint32_t v, enum charon_endian e)
{
	uint8_t *b = p;
	int i;

	for (i = 0; i < 4; i++) {
		b[e == CHARON_BE ? 3 - i : i] = (uint8_t)(v >> (8 * i));
	}
}

/* charon_put64() - write @v as a 64-bit field at @p in byte order @e */
static inline void charon_put64(void *p, uint64_t v, enum charon_endian e)
{
	uint8_t *b = p;
	int i;

	for (i = 0; i < 8; i++) {
		b[e == CHARON_BE ? 7 - i : i] = (uint8_t)(v >> (8 * i));
	}
}

#endif /* CHARON_BYTES_H */
