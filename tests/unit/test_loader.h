/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the libcharon unit tests (test_loader*.c): crafted
 * stub images, arm64 Images, device trees and boot plan inputs, written
 * independently of the library (own byte-order writes, libfdt's
 * sequential-write API).  test_loader_common.c has what test-loader-x86
 * links too; the rest is test-loader's (test_loader.c, _fdt.c).
 */
#ifndef TESTS_UNIT_TEST_LOADER_H
#define TESTS_UNIT_TEST_LOADER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/arch.h>
#include <charon/boot.h>
#include <charon/layout.h>

struct charon_boot_opts;

/* checks for cmocka tests (include <cmocka.h> first) */
#define CHECK(x)	assert_int_equal((x), 0)

#define assert_msg(err, sub)						\
	do {								\
		if (!strstr((err).msg, (sub))) {			\
			print_error("message \"%s\"\n  lacks \"%s\"\n",	\
				    (err).msg, (sub));			\
			fail();						\
		}							\
	} while (0)

/* the crafted stub: where things are */
#define TL_STUB_PARAMS_OFF	0x100u
#define TL_STUB_FILE_SIZE	0x800u
#define TL_STUB_MEM_SIZE	0x10000u
#define TL_STUB_ALIGN		0x1000u

/* ---- test_loader_common.c ---- */

/* little-endian writes and reads */
void tl_le16(uint8_t *p, uint16_t v);
void tl_le32(uint8_t *p, uint32_t v);
void tl_le64(uint8_t *p, uint64_t v);
uint32_t tl_rd32(const uint8_t *p);
uint64_t tl_rd64(const uint8_t *p);

/* a fresh temporary directory and files in it */
void tl_tmpdir(char *buf, size_t len);
void tl_write(const char *dir, const char *name, const void *data,
	      size_t len, char *path, size_t path_len);
void tl_rmdir(const char *dir);

/* warnings are collected here instead of being printed */
extern char tl_last_warning[512];
extern int tl_nr_warnings;
void tl_catch_warnings(void);

/* a layout with one RAM range */
void tl_layout(struct charon_layout *l, uint64_t start, uint64_t size);

/*
 * The real kernel of @arch ("arm64", "arm", "x86_64") that
 * scripts/fetch-kernels provides: $CHARON_KERNEL_<ARCH>, else
 * $O/kernels/<arch>/vmlinuz (build/ without O).  Return: whether it is
 * readable.
 */
bool tl_real_kernel(const char *arch, char *path, size_t len);
/* the same, or the test fails (skips with CHARON_NO_KERNELS=1) */
void tl_need_kernel(const char *arch, char *path, size_t len);

/* ---- test_loader.c, test_loader_fdt.c ---- */

/* a flat stub image of TL_STUB_FILE_SIZE bytes (malloc'd) */
uint8_t *tl_stub(size_t *len);
/* an arm64 Image of @len bytes with the given header fields (malloc'd) */
uint8_t *tl_image(size_t len, uint64_t text_offset, uint64_t image_size,
		  uint64_t flags);
/* gzip a buffer (malloc'd) */
uint8_t *tl_gzip(const uint8_t *in, size_t len, size_t *out_len);
/* SHA-256 computed here, not by the library under test */
void tl_sha256(const void *p, size_t n, uint8_t out[32]);

/* which device tree tl_dtb() builds */
struct tl_dtb_opts {
	const char *psci_method;	/* NULL: no /psci node */
	const char *stdout_path;	/* NULL: none */
	uint64_t mem_start, mem_size;	/* /memory@... */
	uint64_t mem2_start, mem2_size;	/* a second reg entry if size != 0 */
	uint64_t rsv_start, rsv_size;	/* a /memreserve/ if size != 0 */
	uint64_t resmem_start, resmem_size; /* /reserved-memory child */
	bool initrd_props;		/* /chosen linux,initrd-* present */
	bool no_chosen;			/* no /chosen node at all */
};
void tl_dtb_defaults(struct tl_dtb_opts *o);
/* a device tree (malloc'd, 64 KiB buffer, packed) */
void *tl_dtb(const struct tl_dtb_opts *o, size_t *len);
/* a 64-bit property of a device tree node, which must exist */
uint64_t tl_prop_u64(const void *f, const char *path, const char *name);

/* the input files of a boot plan, in a fresh temporary directory */
struct tl_plan_files {
	char dir[PATH_MAX];
	char stub[PATH_MAX], kernel[PATH_MAX], initrd[PATH_MAX], dtb[PATH_MAX];
	uint8_t *kernel_data, *initrd_data;
	size_t kernel_len, initrd_len;
};

#define TL_PLAN_INITRD_LEN	0x5432

/*
 * Write @stub (freed here) as stub.bin, @kernel (kept in @p) as
 * @kernel_name, an initrd of TL_PLAN_INITRD_LEN bytes and the device
 * tree @o (NULL: tl_dtb_defaults()) as virt.dtb.
 */
void tl_plan_files(struct tl_plan_files *p, uint8_t *stub, size_t stub_len,
		   const char *kernel_name, uint8_t *kernel,
		   size_t kernel_len, const struct tl_dtb_opts *o);
void tl_plan_files_free(struct tl_plan_files *p);
/* options for those files: all four, a command line, test-exit */
void tl_plan_opts(const struct tl_plan_files *p, struct charon_boot_opts *o);

/* the options, for the registry's arch @name (the plan's o->arch) */
static inline const struct charon_boot_opts *
tl_as(struct charon_boot_opts *o, const char *name)
{
	o->arch = charon_arch_by_name(name);
	return o;
}
/* region @i of the encoded parameter block @q: range, label, SHA-256 */
void tl_check_region(const uint8_t *q, int i, const char *label,
		     uint64_t start, const void *data, size_t len);

/* the FDT test group (test_loader_fdt.c) */
int tl_run_fdt_tests(void);
/* the arm groups: zImage, ATAGs, arm boot plan (test_loader_arm.c) */
int tl_run_arm_tests(void);
/* charon load: /proc/iomem, live system, kexec segments (test_loader_kexec.c) */
int tl_run_kexec_tests(void);

#endif /* TESTS_UNIT_TEST_LOADER_H */
