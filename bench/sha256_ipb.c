// SPDX-License-Identifier: MIT
/*
 * bench/sha256_ipb - a fixed workload for callgrind: 8 MiB through the
 * portable compression function, as built for the x86_64 stub.
 * scripts/callgrind-ipb divides its instruction count by the bytes hashed.
 */
#include <lib/sha256.h>
#include <stdio.h>
#include <stdlib.h>

#define IPB_BYTES	((size_t)8 << 20)

int main(void)
{
	uint32_t state[8] = { 0 };
	uint8_t *buf = calloc(1, IPB_BYTES);
	size_t i;

	if (!buf) {
		return 2;
	}
	for (i = 0; i < IPB_BYTES; i++) {
		buf[i] = (uint8_t)(i * 131 + (i >> 9));
	}
	sha256_blocks_generic(state, buf, IPB_BYTES / SHA256_BLOCK_SIZE);
	/* keep the result alive; the byte count for the script */
	printf("bytes %zu state0 %08x\n", IPB_BYTES, state[0]);
	free(buf);
	return 0;
}
