// SPDX-License-Identifier: MIT
/*
 * What the stub needs from ACPI on a machine whose device tree names no
 * console and no PSCI (arm64 booted through UEFI with ACPI: the EFI stub's
 * tree has /chosen only): the console from the SPCR table, the PSCI
 * conduit from the FADT's ARM boot flags.  Both tables are external
 * input: every field is checked before it is used.  Facts: ACPI 6.x
 * (FADT ARM_BOOT_ARCH), Microsoft's SPCR specification (interface types,
 * the base address as a Generic Address Structure).
 */
#include <errno.h>
#include <string.h>

#include <abi/params.h>
#include <charon/acpi.h>
#include <charon/bytes.h>

#define ACPI_HDR_LEN		36
#define SPCR_TYPE		36	/* u8 interface type */
#define SPCR_GAS		40	/* base address, a GAS */
#define SPCR_MIN_LEN		(SPCR_GAS + 12)
#define GAS_SPACE_MEMORY	0
#define GAS_SPACE_IO		1
#define FADT_ARM_BOOT		129	/* u16 ARM_BOOT_ARCH (ACPI 5.1+) */
#define FADT_MIN_LEN		(FADT_ARM_BOOT + 2)
#define ARM_PSCI_COMPLIANT	(1u << 0)
#define ARM_PSCI_USE_HVC	(1u << 1)

/* the table's signature and its header's length, checked */
static int check_table(const char *name, const char *sig, const uint8_t *t,
		       size_t len, size_t min, struct charon_err *err)
{
	uint32_t tl;

	if (len < ACPI_HDR_LEN || memcmp(t, sig, 4)) {
		return charon_errf(err, -EINVAL,
				   "%s: %zu bytes, not an ACPI %s table (signature)",
				   name, len, sig);
	}
	tl = charon_get32(t + 4, CHARON_LE);
	if (tl > len || tl < min) {
		return charon_errf(err, -EINVAL,
				   "%s: header length %u: the file has %zu bytes, the %s fields need %zu",
				   name, tl, len, sig, min);
	}
	return 0;
}

/**
 * charon_acpi_spcr() - the console an SPCR table describes
 * @name: the file, for messages
 * @t: the table
 * @len: its bytes
 * @con: the console (PL011 for the PL011 and SBSA types, 16550 MMIO or
 *	port I/O with the register shift of the access size)
 * @err: error message for a table the stub cannot use
 *
 * Return: 0, or -EINVAL naming the field and the value.
 */
int charon_acpi_spcr(const char *name, const uint8_t *t, size_t len,
		     struct charon_console *con, struct charon_err *err)
{
	const uint8_t *gas = t + SPCR_GAS;
	unsigned int type;
	int rc;

	rc = check_table(name, "SPCR", t, len, SPCR_MIN_LEN, err);
	if (rc) {
		return rc;
	}
	memset(con, 0, sizeof(*con));
	type = t[SPCR_TYPE];
	con->base = charon_get64(gas + 4, CHARON_LE);
	switch (type) {
	case 0x03:	/* ARM PL011 */
	case 0x0d:	/* ARM SBSA generic UART, 32-bit only */
	case 0x0e:	/* ARM SBSA generic UART */
		con->kind = CHARON_CON_PL011;
		break;
	case 0x00:	/* 16550 */
	case 0x01:	/* 16550 subset (16450) */
	case 0x12:	/* 16550 compatible, the register width from the GAS */
		con->kind = gas[0] == GAS_SPACE_IO ? CHARON_CON_NS16550_IO :
			    CHARON_CON_NS16550_MMIO;
		/* GAS access size: 1 byte, 2 word, 3 dword, 4 qword */
		con->reg_shift = gas[3] >= 1 && gas[3] <= 4 ? gas[3] - 1u : 0;
		break;
	default:
		return charon_errf(err, -EINVAL,
				   "%s: interface type 0x%02x at 0x%x is not a PL011, an SBSA UART or a 16550 (the stub drives those)",
				   name, type, SPCR_TYPE);
	}
	if (gas[0] != GAS_SPACE_MEMORY &&
	    !(gas[0] == GAS_SPACE_IO && con->kind == CHARON_CON_NS16550_IO)) {
		return charon_errf(err, -EINVAL,
				   "%s: base address space %u at 0x%x: want system memory (0) or, for a 16550, I/O (1)",
				   name, gas[0], SPCR_GAS);
	}
	if (!con->base) {
		return charon_errf(err, -EINVAL,
				   "%s: base address 0 at 0x%x: the console is not configured",
				   name, SPCR_GAS + 4);
	}
	return 0;
}

/**
 * charon_acpi_fadt_psci() - the PSCI conduit a FADT's ARM boot flags say
 * @name: the file, for messages
 * @t: the table
 * @len: its bytes
 * @conduit: CHARON_PSCI_HVC, _SMC, or _NONE when the flags say PSCI is
 *	not there
 * @err: error message for a table too short or too old to say
 *
 * Return: 0 or -EINVAL.
 */
int charon_acpi_fadt_psci(const char *name, const uint8_t *t, size_t len,
			  uint32_t *conduit, struct charon_err *err)
{
	uint16_t flags;
	int rc;

	rc = check_table(name, "FACP", t, len, FADT_MIN_LEN, err);
	if (rc) {
		return rc;
	}
	if (t[8] < 5) {
		return charon_errf(err, -EINVAL,
				   "%s: FADT revision %u: ARM boot flags came with revision 5 (ACPI 5.1)",
				   name, t[8]);
	}
	flags = charon_get16(t + FADT_ARM_BOOT, CHARON_LE);
	*conduit = !(flags & ARM_PSCI_COMPLIANT) ? CHARON_PSCI_NONE :
		   flags & ARM_PSCI_USE_HVC ? CHARON_PSCI_HVC :
		   CHARON_PSCI_SMC;
	return 0;
}
