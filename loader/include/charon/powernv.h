/* SPDX-License-Identifier: MIT */
/*
 * powernv (OPAL/skiboot machines, QEMU -M powernv9): the ELF wrapper that
 * makes skiboot start the stub, the device tree skiboot builds (captured
 * once per machine configuration and cached), and what in it matters for
 * placement and hand-over.
 *
 * What skiboot (QEMU 7.2's skiboot.lid, "OPAL v7.0") does with -kernel F,
 * verified with probe payloads (tests/unit/test_loader_ppc64.py):
 *	QEMU copies F, as raw bytes, to 0x20000000; skiboot finds an ELF64
 *	EM_PPC64 there and runs it in place, at
 *	    0x20000000 + p_offset + e_entry - p_vaddr
 *	(first PT_LOAD), whatever p_vaddr/p_paddr, e_type and e_flags say;
 *	nothing copies segments or clears p_memsz beyond p_filesz;
 *	big-endian ELF: when no section header marks e_entry as inside an
 *	    executable (SHF_EXECINSTR) section, skiboot takes e_entry for an
 *	    ELFv1 function descriptor and jumps to the address stored there;
 *	little-endian ELF (ELFDATA2LSB): accepted ("64-bit LE kernel
 *	    discovered") and entered the same way;
 *	both are entered big-endian (MSR = 0x9000000000000000: SF, HV; LE,
 *	    IR, DR, EE clear), r3 = its device tree, r4 = r5 = 0, r8 = OPAL
 *	    base (0x30000000), r9 = OPAL entry (0x30003760);
 *	on the CPU whose PIR is the tree's boot_cpuid_phys: 0 with -smp 1,
 *	    4 with -smp 4 (four one-thread cores: PIRs 0, 4, 8, 0xc).
 * QEMU loads -initrd at 0x28000000 and gives skiboot its own device tree at
 * 0x1000000; skiboot lives from 0x30000000 and, while it boots, writes one
 * page past the last range it reserves in the tree it hands over
 * (0x32910000..0x32911000 with -smp 1, 0x33170000..0x33171000 with
 * -smp 4: the range grows with the CPU count).
 */
#ifndef CHARON_POWERNV_H
#define CHARON_POWERNV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/bytes.h>
#include <charon/err.h>
#include <charon/layout.h>

/* QEMU's powernv loads -kernel here, and skiboot runs an ELF from here */
#define CHARON_POWERNV_KERNEL_ADDR	0x20000000ull
/* QEMU loads -initrd here: the end of the -kernel window */
#define CHARON_POWERNV_INITRD_ADDR	0x28000000ull
/* QEMU's device tree for skiboot, and room for it */
#define CHARON_POWERNV_QEMU_FDT_ADDR	0x01000000ull
#define CHARON_POWERNV_QEMU_FDT_SIZE	0x00100000ull
/* QEMU loads skiboot.lid (2.5 MB today) at 0 */
#define CHARON_POWERNV_QEMU_FW_SIZE	0x00400000ull
/* skiboot's boot-time writes past its last reserved range: one page seen */
#define CHARON_POWERNV_SKIBOOT_SLACK	0x00010000ull

/* the stub ELF: p_offset is a multiple of this, at least MIN_OFF */
#define CHARON_POWERNV_STUB_ALIGN	0x100u
#define CHARON_POWERNV_STUB_MIN_OFF	0x100u

/* the dump format of tests/system/initramfs/dumpfdt.c */
#define CHARON_POWERNV_DUMP_MARKER	"CHARON-FDT: "

int charon_ppc64_stub_elf(const char *name, const void *image, size_t len,
			  uint64_t mem_size, uint64_t p_offset,
			  uint32_t entry_offset, enum charon_endian endian,
			  void **out, size_t *out_len, struct charon_err *err);

/* how to run QEMU for the capture; the machine options form the cache key */
struct charon_powernv_opts {
	const char *qemu;	/* NULL: qemu-system-ppc64 from PATH */
	const char *machine;	/* -M, NULL: powernv9 */
	const char *memory;	/* -m, NULL: 2G */
	const char *smp;	/* -smp, NULL: QEMU's default (1) */
	const char *const *extra; /* more options, NULL-terminated; or NULL */
	const char *kernel;	/* a ppc64le Linux vmlinux (console=hvc0) */
	const char *initrd;	/* built from dumpfdt.c */
	const char *cache_dir;	/* created if missing */
	const char *hint;	/* how to get a missing kernel or initramfs,
				   for the message; NULL: none */
	unsigned int timeout;	/* seconds; 0: 600 */
};

/* what charon_powernv_fdt() did */
struct charon_powernv_capture {
	char path[4096];	/* the cached .dtb */
	char key[17];		/* 16 hex digits of the key's SHA-256 */
	bool cached;		/* a cache hit: QEMU did not run */
	double seconds;		/* QEMU's run, when it ran */
	size_t size;		/* the blob's size as dumped */
};

/* what the loader needs from skiboot's tree */
struct charon_powernv_info {
	uint64_t opal_base;	/* /ibm,opal opal-base-address */
	uint64_t opal_entry;	/* /ibm,opal opal-entry-address */
	uint32_t boot_cpuid;	/* the header's boot_cpuid_phys */
	char stdout_path[128];	/* /chosen [linux,]stdout-path */
};

bool charon_powernv_capture_kernel(const char *path);
int charon_powernv_fdt_key(const struct charon_powernv_opts *o, char *key,
			   size_t key_len, char *text, size_t text_len,
			   struct charon_err *err);
int charon_powernv_parse_dump(const char *name, const char *out,
			      size_t out_len, uint8_t **fdt, size_t *fdt_len,
			      struct charon_err *err);
int charon_powernv_clean_fdt(const char *name, const void *fdt, size_t len,
			     void **out, size_t *out_len,
			     struct charon_err *err);
int charon_powernv_fdt(const struct charon_powernv_opts *o,
		       struct charon_powernv_capture *cap,
		       struct charon_err *err);
int charon_powernv_info(const char *name, const void *fdt,
			struct charon_powernv_info *info,
			struct charon_err *err);
int charon_powernv_keepouts(const char *name, const void *fdt, bool qemu,
			    struct charon_layout *l, struct charon_err *err);

#endif /* CHARON_POWERNV_H */
