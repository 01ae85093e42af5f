/* SPDX-License-Identifier: MIT */
/* ACPI tables the loader reads on machines without a full device tree */
#ifndef CHARON_ACPI_H
#define CHARON_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include <abi/params.h>
#include <charon/err.h>

int charon_acpi_spcr(const char *name, const uint8_t *t, size_t len,
		     struct charon_console *con, struct charon_err *err);
int charon_acpi_fadt_psci(const char *name, const uint8_t *t, size_t len,
			  uint32_t *conduit, struct charon_err *err);

#endif /* CHARON_ACPI_H */
