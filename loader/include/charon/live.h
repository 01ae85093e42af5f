/* SPDX-License-Identifier: MIT */
/*
 * What the running Linux system says about its machine, for `charon load`
 * (kexec_load(2)): RAM from /proc/iomem, ranges to keep out, the command
 * line; x86_64: the firmware's e820 map from /sys/firmware/memmap, the
 * ACPI RSDP, the serial console's port; ppc64: OPAL's addresses and the
 * running kernel's end from /proc/device-tree.
 *
 * Every path is read under a root directory ("" or "/": the real system;
 * a directory holding proc/ and sys/ copies for tests and for planning on
 * another machine).
 */
#ifndef CHARON_LIVE_H
#define CHARON_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <charon/arch.h>
#include <charon/bootparams.h>
#include <charon/err.h>
#include <charon/layout.h>

#define CHARON_LIVE_MAX_KEEPOUTS	32
/* EFI: at most this many merged "reserved" ranges kept out (live.c) */
#define CHARON_LIVE_MAX_RESERVED	20
#define CHARON_LIVE_CMDLINE_LEN		4096
#define CHARON_LIVE_MAX_CRASH		2

struct charon_live_keepout {
	char name[CHARON_SEG_NAME_LEN];
	uint64_t start;
	uint64_t size;
};

/* x86_64 on UEFI: what the next kernel needs to keep EFI (live-efi.c) */
#define CHARON_LIVE_EFI_MAP_MAX		128
/* boot_params' efi_info (zero-page.rst 0x1c0, 32 bytes) */
#define CHARON_EFI_INFO_OFFSET		0x1c0
#define CHARON_EFI_INFO_SIZE		32
#define CHARON_EFI_SIGNATURE_EL64	0x34364c45u	/* "EL64" */
#define CHARON_EFI_MEMORY_RUNTIME	(1ull << 63)

struct charon_efi_desc {	/* one /sys/firmware/efi/runtime-map entry */
	uint32_t type;
	uint64_t phys, virt, pages, attr;
};

struct charon_live_efi {
	bool have;		/* EL64, a runtime map: pass EFI on */
	/* /sys/kernel/boot_params/data: efi_info, secure_boot (0x1ec) */
	uint8_t info[CHARON_EFI_INFO_SIZE];
	uint8_t secure_boot;
	/* /sys/firmware/efi/fw_vendor, config_table; systab's SMBIOS= */
	uint64_t fw_vendor, tables, smbios;
	struct charon_efi_desc map[CHARON_LIVE_EFI_MAP_MAX];
	unsigned int nr_map;
};

struct charon_live {
	char root[256];		/* "" for the real system */
	uint64_t page;		/* kexec's page size: keep-outs grow to it */
	/* /proc/iomem: top-level "System RAM" */
	struct charon_mem_range ram[CHARON_MAX_RAM];
	unsigned int nr_ram;
	/* "Kernel code" .. "Kernel bss": the running kernel, 0 if unknown */
	uint64_t kernel_start, kernel_end;
	/* what no segment may overlap: "Crash kernel"; ppc64 below */
	struct charon_live_keepout keepout[CHARON_LIVE_MAX_KEEPOUTS];
	unsigned int nr_keepout;
	/*
	 * the crashkernel= region(s): "Crash kernel" in /proc/iomem (x86_64:
	 * also "Crash kernel low"); ppc64: /proc/device-tree/chosen/
	 * linux,crashkernel-base and -size
	 */
	struct charon_mem_range crash[CHARON_LIVE_MAX_CRASH];
	unsigned int nr_crash;
	char cmdline[CHARON_LIVE_CMDLINE_LEN];	/* /proc/cmdline */
	size_t cmdline_len;	/* its length, even when cmdline[] is cut */
	/* x86_64 */
	struct charon_e820 e820;	/* /sys/firmware/memmap */
	bool have_e820;
	uint64_t acpi_rsdp;	/* /sys/firmware/efi/systab; 0: BIOS scan */
	uint16_t com_port;	/* console=ttySn / uart,io,ADDR; 0: none */
	struct charon_live_efi efi;
	/*
	 * arm64 on ACPI (the tree names neither): the console from
	 * /sys/firmware/acpi/tables/SPCR, the PSCI conduit from FACP
	 */
	bool have_acpi_con;
	struct charon_console acpi_con;
	bool have_acpi_psci;
	uint32_t acpi_psci;
	/* ppc64: /proc/device-tree */
	bool have_opal;
	uint64_t opal_base, opal_entry;
};


int charon_live_path(const char *root, const char *path, char *buf,
		     size_t len, struct charon_err *err);
int charon_iomem_parse(const char *name, const char *text,
		       struct charon_live *lv, struct charon_err *err);
int charon_live_com_port(const char *cmdline, uint16_t *port);
/* the buffer cores of what charon_live_read() reads by path */
int charon_memmap_entry(unsigned int n, char *s, char *x, char *t,
			struct charon_e820_entry *e, struct charon_err *err);
int charon_live_be_number(const char *name, const uint8_t *data, size_t len,
			  uint64_t *v, struct charon_err *err);
uint64_t charon_systab_rsdp(const char *text);
uint64_t charon_systab_value(const char *text, const char *key);
int charon_live_read(const char *root, enum charon_live_arch arch,
		     struct charon_live *lv, struct charon_err *err);
/* for the readers of backend/live-efi.c */
int charon_live_read_file(const char *root, const char *path, uint8_t **data,
			  size_t *len, bool optional, struct charon_err *err);
int charon_live_add_keepout(struct charon_live *lv, const char *name,
			    uint64_t start, uint64_t size,
			    struct charon_err *err);
int charon_live_efi_reserved(const char *name, const char *text,
			     struct charon_live *lv, struct charon_err *err);
int charon_live_acpi(const char *root, struct charon_live *lv,
		     struct charon_err *err);
int charon_live_x86_efi(const char *root, struct charon_live *lv,
			struct charon_err *err);

#endif /* CHARON_LIVE_H */
