/* SPDX-License-Identifier: MIT */
/*
 * The loader <-> stub contract: the stub image header and the parameter
 * block, the only thing a loader writes into the stub.
 *
 * Export-header rules: fixed-width types only, no prototypes, and no include
 * but the compiler's own freestanding <stdint.h>.  Assembly includes it with
 * __ASSEMBLY__ defined and sees only the constants.  Every multi-byte field is in the STUB's byte order (little-
 * endian except on big-endian ppc64).  Addresses are physical.  Offsets are
 * part of the ABI and are checked with _Static_assert below; assembly uses
 * the CHARON_*_OFF constants.  docs/abi.md describes each field.
 */
#ifndef ABI_PARAMS_H
#define ABI_PARAMS_H

#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#define CHARON_HDR_MAGIC	0x4e524843u	/* "CHRN" read as LE u32 */
#define CHARON_PARAMS_MAGIC	0x50524843u	/* "CHRP" read as LE u32 */
#define CHARON_ABI_VERSION	1u

#define CHARON_MAX_REGIONS	16
#define CHARON_MAX_COPIES	16
#define CHARON_LABEL_LEN	16
#define CHARON_PARAMS_SIZE	0x618	/* sizeof(struct charon_params) */
#define CHARON_HDR_SIZE		0x30	/* sizeof(struct charon_image_header) */
#define CHARON_DIGEST_LEN	32

/* where the image header sits in the stub image, per architecture */
#define CHARON_HDR_OFF_ARM64	0x40	/* after the Linux arm64 Image header */
#define CHARON_HDR_OFF_ARM	0x40	/* after the zImage header (0x24..0x3f) */
#define CHARON_HDR_OFF_X86_64	0x40	/* after the 64-bit entry's jump */
#define CHARON_HDR_OFF_PPC64	0x100	/* after the 256-byte entry block */

/*
 * arm64 flash images (charon image --flash): the Image header's res2 and
 * res3 (0x20, 0x28) hold where in RAM the stub copies the whole image
 * before it writes anything, and how many bytes (whole pages); 0: no copy
 */
#define CHARON_ARM64_SELF_COPY	0x20
/* arm flash images: the same in the zImage header's words 0x38, 0x3c */
#define CHARON_ARM_SELF_COPY	0x38

/* ppc64: the entry block, the stub's first bytes (docs/abi.md) */
#define CHARON_PPC64_BLOCK_SIZE	0x100
#define CHARON_PPC64_RUN_AT_LOAD 0x5c	/* __run_at_load, in block and kernel */
#define CHARON_PPC64_RUN0	0x72756e30u	/* "run0": may run at load */

/* charon_image_header.arch */
#define CHARON_ARCH_ARM64	1u
#define CHARON_ARCH_ARM		2u
#define CHARON_ARCH_PPC64LE	3u
#define CHARON_ARCH_PPC64	4u
#define CHARON_ARCH_X86_64	5u

/* charon_params.flags */
#define CHARON_F_VERBOSE	(1u << 0)	/* print each region as verified */

/* charon_params.fail_policy: what the stub does when it refuses to boot */
#define CHARON_FAIL_HALT	0u	/* stop the CPU, forever */
#define CHARON_FAIL_RESET	1u	/* reset the machine (PSCI SYSTEM_RESET on arm64) */
#define CHARON_FAIL_POWEROFF	2u	/* power off (PSCI SYSTEM_OFF on arm64) */
#define CHARON_FAIL_TEST_EXIT	3u	/* tests: leave QEMU with exit code 1
					   (arm64: semihosting SYS_EXIT) */

/* charon_next.arch.raw[] use per architecture */
#define CHARON_ARM64_PSCI	0	/* raw[0]: PSCI conduit, below */
#define CHARON_ARM_PSCI		0	/* raw[0]: PSCI conduit, below */
#define CHARON_PSCI_NONE	0u
#define CHARON_PSCI_HVC		1u
#define CHARON_PSCI_SMC		2u

/*
 * x86_64: raw[] indexes.  The kdump backup region (BACKUP_LEN 0: none) is
 * copied after verification, just before the jump.  ENTRY_MODE says how
 * next.entry is entered: 64-bit boot protocol (rsi = regs[0] = boot_params,
 * entry = load address + 0x200) or 32-bit protocol (esi = boot_params,
 * entry = code32_start, paging off).  EXIT_PORT is the isa-debug-exit port
 * for CHARON_FAIL_TEST_EXIT (0: 0xf4).
 */
#define CHARON_X86_BACKUP_SRC	0
#define CHARON_X86_BACKUP_DST	1
#define CHARON_X86_BACKUP_LEN	2
#define CHARON_X86_ENTRY_MODE	3
#define CHARON_X86_EXIT_PORT	4
#define CHARON_X86_ENTRY_64	0u
#define CHARON_X86_ENTRY_32	1u

/*
 * ppc64: raw[] indexes.  OPAL base and entry (0: none; then the stub uses
 * r8/r9 as firmware left them, if it was started by firmware); FLAGS:
 * the kernel's endianness and the run-at-load request.
 */
#define CHARON_PPC64_OPAL_BASE	0
#define CHARON_PPC64_OPAL_ENTRY	1
#define CHARON_PPC64_FLAGS	2
#define CHARON_PPC64_F_KERNEL_LE	(1u << 0)	/* enter with MSR_LE set */
#define CHARON_PPC64_F_RUN_AT_LOAD	(1u << 1)	/* write 1 to 0x5c */
/*
 * kdump: [BACKUP_DST, + BACKUP_LEN) gets a copy of physical 0 (the dump
 * kernel's vectors go there) after verification; BACKUP_LEN 0: none.  The
 * source is always 0; CHARON_PPC64_BACKUP_LEN is what charon load --crash
 * copies, as Linux's ppc64 kexec-tools does.
 */
#define CHARON_PPC64_BACKUP_DST	3
#define CHARON_PPC64_BACKUP_LEN_IDX	4
#define CHARON_PPC64_BACKUP_LEN	0x10000u

/* charon_console.kind */
#define CHARON_CON_NONE		0u
#define CHARON_CON_PL011	1u
#define CHARON_CON_NS16550_MMIO	2u
#define CHARON_CON_NS16550_IO	3u
#define CHARON_CON_OPAL		4u	/* OPAL console, base = terminal */
#define CHARON_CON_HVTERM	5u	/* H_PUT_TERM_CHAR, base = vtermno */

/* struct charon_params offsets assembly reads (checked below) */
#define CHARON_P_MAGIC		0x000
#define CHARON_P_VERSION	0x004
#define CHARON_P_SIZE		0x008
#define CHARON_P_FAIL_POLICY	0x018
#define CHARON_P_CON_KIND	0x020
#define CHARON_P_CON_SHIFT	0x024
#define CHARON_P_CON_BASE	0x028
#define CHARON_P_NEXT_RAW	0x058

#ifndef __ASSEMBLY__
/*
 * The image header: found at CHARON_HDR_OFF_<arch> in the stub image (flat
 * binary), written at build time, read-only for loaders.
 */
struct charon_image_header {
	uint32_t magic;		/* 0x00 CHARON_HDR_MAGIC */
	uint16_t abi_version;	/* 0x04 CHARON_ABI_VERSION */
	uint16_t arch;		/* 0x06 CHARON_ARCH_* */
	uint32_t header_size;	/* 0x08 sizeof(struct charon_image_header) */
	uint32_t params_offset;	/* 0x0c image offset of the parameter block */
	uint32_t params_size;	/* 0x10 sizeof(struct charon_params) of this stub */
	uint32_t file_size;		/* 0x14 bytes of the flat image */
	uint32_t mem_size;		/* 0x18 bytes the stub occupies, bss and stack included */
	uint32_t entry_offset;	/* 0x1c image offset of the entry point */
	uint32_t load_align;	/* 0x20 required load address alignment */
	uint32_t entry2_offset;	/* 0x24 second entry, 0 = none (x86_64:
				   the 32-bit PVH entry) */
	uint32_t reserved[2];	/* 0x28 zero */
};					/* 0x30 */

struct charon_region {
	uint64_t start;	/* 0x00 first byte */
	uint64_t len;		/* 0x08 bytes; start + len must not wrap */
	char label[CHARON_LABEL_LEN];	/* 0x10 NUL-padded, e.g. "kernel" */
	uint8_t sha256[CHARON_DIGEST_LEN]; /* 0x20 expected digest */
};					/* 0x40 */

struct charon_copy {			/* chainloader mode: image -> RAM */
	uint64_t src_offset;	/* 0x00 offset in the stub image */
	uint64_t dst;		/* 0x08 destination address */
	uint64_t len;		/* 0x10 bytes */
};					/* 0x18 */

/*
 * Chainloader mode (docs/chainloader.md): the stub is the firmware's
 * "kernel" and carries its payloads.  This descriptor lies in the image at
 * params.chain_offset, after the stub's mem_size (bss and stack are never
 * over it), and the payloads after it; copies[] move them to their
 * destinations, checked against the RAM and the reserved ranges of the
 * device tree the stub boots with; the regions are hashed there.
 */
#define CHARON_CHAIN_MAGIC	0x43524843u	/* "CHRC" read as LE u32 */
#define CHARON_CHAIN_SIZE	0x78		/* sizeof(struct charon_chain) */

struct charon_chain {
	uint32_t magic;		/* 0x00 CHARON_CHAIN_MAGIC */
	uint32_t size;		/* 0x04 sizeof(struct charon_chain) */
	uint64_t image_size;	/* 0x08 bytes of the image, payloads included;
				   copy sources lie in [chain_offset, this) */
	uint64_t fdt_dst;	/* 0x10 where the stub builds the kernel's
				   device tree (the tree it booted with,
				   edited); 0: no tree */
	uint64_t fdt_room;	/* 0x18 bytes at fdt_dst */
	uint64_t fdt_fallback;	/* 0x20 where the firmware's tree is when the
				   entry register holds none (a flash or
				   bare-metal start: QEMU virt's RAM start);
				   0: none */
	uint64_t bootargs;	/* 0x28 start of the region holding /chosen
				   bootargs, NUL-terminated; 0: leave them */
	uint64_t initrd_start;	/* 0x30 /chosen linux,initrd-start */
	uint64_t initrd_end;	/* 0x38 linux,initrd-end; 0: no initrd */
	uint64_t dtb_offset;	/* 0x40 an embedded tree (--dtb) that wins
				   over the firmware's: image offset; 0: none */
	uint64_t dtb_len;	/* 0x48 its bytes */
	uint8_t dtb_sha256[CHARON_DIGEST_LEN]; /* 0x50 checked before use */
	uint64_t boot_params;	/* 0x70 x86_64: the boot_params region, whose
				   e820 table and RSDP the stub fills from
				   the PVH start info (ebx); 0: a tree arch */
};					/* 0x78 */

struct charon_console {
	uint32_t kind;		/* 0x00 CHARON_CON_* */
	uint32_t reg_shift;		/* 0x04 register stride = 1 << reg_shift */
	uint64_t base;	/* 0x08 MMIO address or I/O port */
};					/* 0x10 */

struct charon_next {
	uint64_t entry;	/* 0x00 address the stub jumps to */
	uint64_t regs[4];	/* 0x08 boot registers, arch order:
					   arm64 x0..x3, arm r0..r2,
					   ppc64 r3..r5, x86_64 rsi */
	union {				/* 0x28 */
		uint64_t raw[8];
	} arch;
};					/* 0x68 */

struct charon_params {
	uint32_t magic;		/* 0x000 CHARON_PARAMS_MAGIC */
	uint32_t version;		/* 0x004 CHARON_ABI_VERSION */
	uint32_t size;		/* 0x008 sizeof(struct charon_params) */
	uint32_t flags;		/* 0x00c CHARON_F_* */
	uint32_t nr_regions;	/* 0x010 <= CHARON_MAX_REGIONS */
	uint32_t nr_copies;		/* 0x014 <= CHARON_MAX_COPIES */
	uint32_t fail_policy;	/* 0x018 CHARON_FAIL_* */
	uint32_t chain_offset;	/* 0x01c chainloader mode: image offset of
				   the struct charon_chain; 0: none */
	struct charon_console console;	/* 0x020 */
	struct charon_next next;	/* 0x030 */
	struct charon_region regions[CHARON_MAX_REGIONS]; /* 0x098 */
	struct charon_copy copies[CHARON_MAX_COPIES];	  /* 0x498 */
};					/* 0x618 */

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define CHARON_ABI_CHECK(type, field, off)				\
	_Static_assert(__builtin_offsetof(struct type, field) == (off),	\
		       #type "." #field " moved")
CHARON_ABI_CHECK(charon_image_header, params_offset, 0x0c);
CHARON_ABI_CHECK(charon_image_header, entry_offset, 0x1c);
CHARON_ABI_CHECK(charon_region, sha256, 0x20);
CHARON_ABI_CHECK(charon_copy, len, 0x10);
CHARON_ABI_CHECK(charon_console, base, 0x08);
CHARON_ABI_CHECK(charon_chain, fdt_dst, 0x10);
CHARON_ABI_CHECK(charon_chain, dtb_sha256, 0x50);
CHARON_ABI_CHECK(charon_params, chain_offset, 0x01c);
CHARON_ABI_CHECK(charon_next, regs, 0x08);
CHARON_ABI_CHECK(charon_next, arch, 0x28);
CHARON_ABI_CHECK(charon_params, console, 0x020);
CHARON_ABI_CHECK(charon_params, next, 0x030);
CHARON_ABI_CHECK(charon_params, regions, 0x098);
CHARON_ABI_CHECK(charon_params, copies, 0x498);
CHARON_ABI_CHECK(charon_params, magic, CHARON_P_MAGIC);
CHARON_ABI_CHECK(charon_params, version, CHARON_P_VERSION);
CHARON_ABI_CHECK(charon_params, size, CHARON_P_SIZE);
CHARON_ABI_CHECK(charon_params, fail_policy, CHARON_P_FAIL_POLICY);
CHARON_ABI_CHECK(charon_params, console.kind, CHARON_P_CON_KIND);
CHARON_ABI_CHECK(charon_params, console.reg_shift, CHARON_P_CON_SHIFT);
CHARON_ABI_CHECK(charon_params, console.base, CHARON_P_CON_BASE);
CHARON_ABI_CHECK(charon_params, next.arch.raw, CHARON_P_NEXT_RAW);
_Static_assert(sizeof(struct charon_image_header) == CHARON_HDR_SIZE,
	       "image header size");
_Static_assert(sizeof(struct charon_region) == 0x40, "region size");
_Static_assert(sizeof(struct charon_next) == 0x68, "next size");
_Static_assert(sizeof(struct charon_chain) == CHARON_CHAIN_SIZE,
	       "chain descriptor size");
_Static_assert(sizeof(struct charon_params) == CHARON_PARAMS_SIZE,
	       "parameter block size");
#endif /* C11 */
#endif /* !__ASSEMBLY__ */

#endif /* ABI_PARAMS_H */
