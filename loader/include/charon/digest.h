/* SPDX-License-Identifier: MIT */
/* SHA-256 on the host: OpenSSL's libcrypto (EVP). */
#ifndef CHARON_DIGEST_H
#define CHARON_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include <abi/params.h>
#include <charon/err.h>

/* characters charon_hex() writes for a digest, NUL included */
#define CHARON_DIGEST_HEX_LEN	(2 * CHARON_DIGEST_LEN + 1)

int charon_sha256(const void *data, size_t len,
		  uint8_t out[CHARON_DIGEST_LEN], struct charon_err *err);
void charon_hex(const uint8_t *p, size_t n, char *out);

#endif /* CHARON_DIGEST_H */
