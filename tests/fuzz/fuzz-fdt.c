// SPDX-License-Identifier: MIT
/*
 * Device trees: charon_fdt_check(), then on a tree it accepts every
 * reader (memory, keep-outs, console, PSCI, bootargs, the old stub's
 * reservation) and the edit path: charon_fdt_edit_room() and
 * charon_fdt_edit(), whose result must fit the room (documented as an
 * upper bound) and pass charon_fdt_check() again.
 *
 * Input: u8 flags (bit 0 set bootargs, bit 1 set the initrd), u8 the
 * /memreserve/ entries to add (n % 9), u8 the bootargs' length, u8 0,
 * u32 initrd start in pages, u32 its length, u32 the stub's start in
 * pages, u32 its size; the bootargs; per added entry u32 start in pages
 * and u32 size; then the DTB.
 */
#include <charon/fdt.h>

#include "fuzz.h"

#define PAGE	4096ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int flags = (unsigned int)fuzz_take(&in, 1);
	unsigned int nr_rsv = (unsigned int)(fuzz_take(&in, 1) % (CHARON_FDT_MAX_RSV + 1));
	size_t args_len = fuzz_take(&in, 1);
	uint64_t initrd, initrd_len, stub, stub_len;
	struct charon_fdt_edit e = { 0 };
	struct charon_err err = { "" };
	struct charon_fdt_console con;
	static struct charon_layout l;
	const char *bootargs;
	char *args = NULL;
	void *out = NULL;
	uint32_t conduit;
	size_t out_len, room;
	uint8_t *fdt = NULL;
	unsigned int i;

	fuzz_quiet();
	fuzz_take(&in, 1);
	initrd = fuzz_take(&in, 4) * PAGE;
	initrd_len = fuzz_take(&in, 4);
	stub = fuzz_take(&in, 4) * PAGE;
	stub_len = fuzz_take(&in, 4);
	if (args_len > in.n) {
		return 0;
	}
	args = fuzz_text(in.p, args_len);
	in.p += args_len;
	in.n -= args_len;
	for (i = 0; i < nr_rsv; i++) {
		e.rsv[i].start = fuzz_take(&in, 4) * PAGE;
		e.rsv[i].size = fuzz_take(&in, 4);
	}
	e.nr_rsv = nr_rsv;
	e.bootargs = flags & 1 ? args : NULL;
	e.initrd = flags & 2;
	e.initrd_start = initrd;
	e.initrd_end = initrd + initrd_len;
	e.stub.start = stub;
	e.stub.size = stub_len;

	fdt = fuzz_copy(&in);
	if (!args || !fdt || charon_fdt_check("fuzz", fdt, in.n, &err)) {
		goto out;
	}
	memset(&l, 0, sizeof(l));
	charon_fdt_memory("fuzz", fdt, &l, &err);
	charon_fdt_keepouts("fuzz", fdt, &l, &err);
	charon_fdt_console("fuzz", fdt, &con, &err);
	charon_fdt_psci("fuzz", fdt, &conduit, &err);
	charon_fdt_bootargs("fuzz", fdt, &bootargs, &err);
	charon_fdt_old_stub_rsv(fdt);

	room = charon_fdt_edit_room(fdt, &e);
	if (room > CHARON_FDT_MAX_SIZE) {
		goto out;	/* the plan stops here (-EFBIG) */
	}
	if (charon_fdt_edit("fuzz", fdt, &e, &out, &out_len, &err)) {
		goto out;
	}
	if (out_len > room) {
		abort();	/* charon_fdt_edit_room() is an upper bound */
	}
	if (charon_fdt_check("fuzz (edited)", out, out_len, &err)) {
		abort();	/* the edit must leave a sound tree */
	}
	charon_fdt_old_stub_rsv(out);
	charon_fdt_bootargs("fuzz (edited)", out, &bootargs, &err);
out:
	free(out);
	free(fdt);
	free(args);
	return 0;
}
