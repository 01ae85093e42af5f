/* SPDX-License-Identifier: MIT */
/*
 * The stub image: its header (struct charon_image_header, read-only for
 * us) and the parameter block we fill, both in the stub's byte order.
 */
#ifndef CHARON_STUB_H
#define CHARON_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <abi/params.h>
#include <charon/arch.h>
#include <charon/bytes.h>
#include <charon/err.h>

/* a stub image read into memory; the image buffer is ours to patch */
struct charon_stub {
	char name[256];		/* file name, for messages */
	uint8_t *image;		/* the flat image (owned) */
	size_t len;
	const struct charon_arch *arch;	/* the registry's, header facts */
	struct charon_image_header hdr;	/* decoded, host byte order */
	uint64_t align;		/* load alignment: load_align, at least 4 KiB */
};

/* smallest alignment we give the stub, whatever load_align says */
#define CHARON_STUB_MIN_ALIGN	4096u

const struct charon_arch *charon_stub_detect(const uint8_t *buf, size_t len);

int charon_stub_open(const char *name, const uint8_t *buf, size_t len,
		     uint16_t arch, struct charon_stub *stub,
		     struct charon_err *err);
int charon_stub_load(const char *path, uint16_t arch, struct charon_stub *stub,
		     struct charon_err *err);
void charon_stub_free(struct charon_stub *stub);

void charon_params_init(struct charon_params *p);
int charon_params_add_region(struct charon_params *p, const char *label,
			     uint64_t start, const void *data, size_t len,
			     struct charon_err *err);
/* the codec (core/params.c): every field at its ABI offset */
void charon_params_encode(const struct charon_params *p, void *out,
			  enum charon_endian e);
void charon_params_decode(const void *in, struct charon_params *p,
			  enum charon_endian e);
void charon_chain_encode(const struct charon_chain *c, void *out,
			 enum charon_endian e);
void charon_chain_decode(const void *in, struct charon_chain *c,
			 enum charon_endian e);
void charon_header_encode(const struct charon_image_header *h, void *out,
			  enum charon_endian e);
void charon_header_decode(const void *in, struct charon_image_header *h,
			  enum charon_endian e);

/* one field of an ABI struct, for the codec and its tests */
struct charon_abi_field {
	const char *name;	/* NULL ends a table */
	size_t offset;		/* of the first element */
	unsigned int size;	/* bytes: 2, 4 or 8 for numbers */
	unsigned int count;	/* elements */
	size_t stride;		/* bytes from one element to the next */
	bool raw;		/* bytes copied as they are (label, digest) */
};

extern const struct charon_abi_field charon_params_fields[];
extern const struct charon_abi_field charon_header_fields[];
extern const struct charon_abi_field charon_chain_fields[];

bool charon_stub_params_empty(const struct charon_stub *stub);
void charon_stub_write_params(struct charon_stub *stub,
			      const struct charon_params *p);
void charon_stub_read_params(const struct charon_stub *stub,
			     struct charon_params *p);

const char *charon_fail_policy_name(uint32_t policy);
int charon_fail_policy_parse(const char *s, uint32_t *policy);
const char *charon_console_kind_name(uint32_t kind);
const char *charon_psci_name(uint64_t conduit);

#endif /* CHARON_STUB_H */
