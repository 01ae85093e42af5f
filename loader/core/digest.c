// SPDX-License-Identifier: MIT
/* SHA-256 through OpenSSL's EVP interface. */
#include <errno.h>

#include <openssl/evp.h>

#include <charon/digest.h>

/**
 * charon_sha256() - SHA-256 of a buffer
 * @data: the bytes
 * @len: how many
 * @out: the 32-byte digest
 * @err: error message on failure
 *
 * Return: 0, or -EIO if libcrypto fails.
 */
int charon_sha256(const void *data, size_t len,
		  uint8_t out[CHARON_DIGEST_LEN], struct charon_err *err)
{
	unsigned int n = 0;
	EVP_MD_CTX *ctx;
	int ok;

	ctx = EVP_MD_CTX_new();
	if (!ctx) {
		return charon_errf(err, -ENOMEM, "sha256: EVP_MD_CTX_new failed");
	}
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, data, len) &&
	     EVP_DigestFinal_ex(ctx, out, &n) && n == CHARON_DIGEST_LEN;
	EVP_MD_CTX_free(ctx);
	if (!ok) {
		return charon_errf(err, -EIO, "sha256: OpenSSL digest of %zu bytes failed",
				   len);
	}
	return 0;
}

/**
 * charon_hex() - format bytes as lower-case hex
 * @p: the bytes
 * @n: how many
 * @out: 2 * @n + 1 characters
 */
void charon_hex(const uint8_t *p, size_t n, char *out)
{
	static const char x[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = x[p[i] >> 4];
		out[2 * i + 1] = x[p[i] & 15];
	}
	out[2 * n] = '\0';
}
