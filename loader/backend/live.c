// SPDX-License-Identifier: MIT
/*
 * The running system's machine, as Linux shows it (charon/live.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <charon/file.h>
#include <charon/live.h>
#include <charon/util.h>

typedef unsigned long long ull;

#define TEXT_MAX	((size_t)1 << 20)

/**
 * charon_live_path() - a system path under a root directory
 * @root: "" or "/" for the real system, else a directory
 * @path: absolute, e.g. "/proc/iomem"
 * @buf: the result
 * @len: its size
 * @err: error message on failure
 *
 * Return: 0, or -ENAMETOOLONG.
 */
int charon_live_path(const char *root, const char *path, char *buf,
		     size_t len, struct charon_err *err)
{
	size_t n = strlen(root);

	while (n && root[n - 1] == '/') {
		n--;
	}
	if ((size_t)snprintf(buf, len, "%.*s%s", (int)n, root, path) >= len) {
		return charon_errf(err, -ENAMETOOLONG, "%s%s: path too long",
				   root, path);
	}
	return 0;
}

/* a file under the root (room for a NUL after it); *data NULL if missing */
int charon_live_read_file(const char *root, const char *path, uint8_t **data,
		    size_t *len, bool optional, struct charon_err *err)
{
	char full[512];
	int rc;

	*data = NULL;
	*len = 0;
	rc = charon_live_path(root, path, full, sizeof(full), err);
	if (rc) {
		return rc;
	}
	rc = charon_read_file(full, TEXT_MAX, data, len, err);
	if (rc == -ENOENT && optional) {
		*data = NULL;
		return 0;
	}
	return rc;
}

/* a text file under the root, NUL-terminated; *text NULL if it is missing */
static int read_text(const char *root, const char *path, char **text,
		     bool optional, struct charon_err *err)
{
	uint8_t *data;
	size_t len;
	int rc;

	*text = NULL;
	rc = charon_live_read_file(root, path, &data, &len, optional, err);
	if (rc || !data) {
		return rc;
	}
	data[len] = '\0';	/* charon_read_file() leaves room */
	*text = (char *)data;
	return 0;
}

/* a big-endian 4- or 8-byte device-tree property; -ENOENT if missing */
static int read_be(const char *root, const char *path, uint64_t *v,
		   struct charon_err *err)
{
	char full[512];
	uint8_t *data;
	size_t len;
	int rc;

	rc = charon_live_path(root, path, full, sizeof(full), err);
	if (rc) {
		return rc;
	}
	rc = charon_read_file(full, 64, &data, &len, err);
	if (rc) {
		return rc;
	}
	rc = charon_live_be_number(full, data, len, v, err);
	free(data);
	return rc;
}

/**
 * charon_live_be_number() - a device-tree property's value as a number
 * @name: the file, for messages
 * @data: its bytes
 * @len: their count: 4 or 8 (big-endian)
 * @v: the value
 * @err: error message on failure
 *
 * Return: 0, or -EINVAL for any other length.
 */
int charon_live_be_number(const char *name, const uint8_t *data, size_t len,
			  uint64_t *v, struct charon_err *err)
{
	size_t i;

	if (len != 4 && len != 8) {
		return charon_errf(err, -EINVAL,
				   "%s: %zu bytes, expected a 4- or 8-byte number",
				   name, len);
	}
	*v = 0;
	for (i = 0; i < len; i++) {
		*v = *v << 8 | data[i];
	}
	return 0;
}

int charon_live_add_keepout(struct charon_live *lv, const char *name,
		       uint64_t start, uint64_t size, struct charon_err *err)
{
	struct charon_live_keepout *k;

	if (lv->nr_keepout >= CHARON_LIVE_MAX_KEEPOUTS) {
		return charon_errf(err, -ENOSPC,
				   "more than %d ranges to keep out (at \"%s\")",
				   CHARON_LIVE_MAX_KEEPOUTS, name);
	}
	k = &lv->keepout[lv->nr_keepout++];
	charon_strscpy(k->name, name, sizeof(k->name));
	k->start = start;
	k->size = size;
	return 0;
}

/* a crashkernel= region; the larger first (x86_64: "Crash kernel low") */
static int add_crash(struct charon_live *lv, const char *name, uint64_t start,
		     uint64_t size, struct charon_err *err)
{
	if (lv->nr_crash == CHARON_LIVE_MAX_CRASH) {
		return charon_errf(err, -ENOSPC,
				   "%s: more than %d crashkernel regions",
				   name, CHARON_LIVE_MAX_CRASH);
	}
	lv->crash[lv->nr_crash].start = start;
	lv->crash[lv->nr_crash++].size = size;
	if (lv->nr_crash == 2 && lv->crash[1].size > lv->crash[0].size) {
		struct charon_mem_range t = lv->crash[0];

		lv->crash[0] = lv->crash[1];
		lv->crash[1] = t;
	}
	return 0;
}

/**
 * charon_iomem_parse() - RAM, the kernel and keep-outs from /proc/iomem
 * @name: the file, for messages
 * @text: its contents, NUL-terminated
 * @lv: gets ram[] (top-level "System RAM"), kernel_start/_end (the
 *	"Kernel ..." entries) and a keep-out per "Crash kernel"
 * @err: error message on failure
 *
 * Return: 0; -EPERM when every address reads 0 (what Linux shows to a
 * reader without CAP_SYS_ADMIN); -EINVAL for a malformed line or no RAM.
 */
int charon_iomem_parse(const char *name, const char *text,
		       struct charon_live *lv, struct charon_err *err)
{
	const char *line = text, *nl, *label;
	bool nonzero = false;
	unsigned int lineno = 0;
	ull start, end;
	size_t indent;
	int pos, rc;

	lv->nr_ram = 0;
	lv->nr_crash = 0;
	lv->kernel_start = lv->kernel_end = 0;
	for (; *line; line = nl ? nl + 1 : line + strlen(line)) {
		char lab[CHARON_SEG_NAME_LEN];

		nl = strchr(line, '\n');
		lineno++;
		indent = strspn(line, " ");
		if (line[indent] == '\n' || !line[indent]) {
			continue;
		}
		pos = 0;
		if (sscanf(line + indent, "%llx-%llx : %n", &start, &end,
			   &pos) != 2 || !pos || end < start) {
			return charon_errf(err, -EINVAL,
					   "%s: line %u: expected \"START-END : NAME\"",
					   name, lineno);
		}
		/*
		 * [start, end] inclusive: end + 1 and end - start + 1 must
		 * not wrap.  No physical address is that high.
		 */
		if (end == UINT64_MAX) {
			return charon_errf(err, -EINVAL,
					   "%s: line %u: range %llx-%llx reaches the last address below 2^64; no physical range does",
					   name, lineno, start, end);
		}
		label = line + indent + pos;
		snprintf(lab, sizeof(lab), "%.*s",
			 (int)(nl ? (size_t)(nl - label) : strlen(label)),
			 label);
		nonzero |= end != 0;
		if (indent == 0 && !strcmp(lab, "System RAM")) {
			if (lv->nr_ram >= CHARON_MAX_RAM) {
				return charon_errf(err, -ENOSPC,
						   "%s: more than %d System RAM ranges",
						   name, CHARON_MAX_RAM);
			}
			lv->ram[lv->nr_ram].start = start;
			lv->ram[lv->nr_ram++].size = end - start + 1;
		} else if (!strncmp(lab, "Kernel ", 7)) {
			if (!lv->kernel_end || start < lv->kernel_start) {
				lv->kernel_start = start;
			}
			if (end + 1 > lv->kernel_end) {
				lv->kernel_end = end + 1;
			}
		} else if (!strcmp(lab, "Crash kernel") ||
			   !strcmp(lab, "Crash kernel low")) {
			rc = charon_live_add_keepout(lv, "crashkernel (/proc/iomem)",
					 start, end - start + 1, err);
			rc = rc ?: add_crash(lv, name, start, end - start + 1,
					     err);
			if (rc) {
				return rc;
			}
		}
	}
	if (!nonzero && lv->nr_ram) {
		return charon_errf(err, -EPERM,
				   "%s: every address reads 0: it shows them only to root (CAP_SYS_ADMIN)",
				   name);
	}
	if (!lv->nr_ram) {
		return charon_errf(err, -EINVAL, "%s: no \"System RAM\"",
				   name);
	}
	return 0;
}

/* the 8250 ports Linux gives ttyS0..3 on a PC */
static const uint16_t pc_com[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

/* ttySn's n from "n" or "n,options"; UINT_MAX if it is not a number */
static unsigned int tty_index(const char *s)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (n > 1000) {
			return UINT_MAX;
		}
		n = n * 10 + (unsigned int)(s[i] - '0');
	}
	return i && (!s[i] || s[i] == ',') ? n : UINT_MAX;
}

/**
 * charon_live_com_port() - the I/O port of the command line's serial console
 * @cmdline: a kernel command line
 * @port: set to the port of the last console=ttySn (n < 4) or
 *	console=uart[8250],io,ADDR; untouched if there is none
 *
 * A console=ttyS or uart,io value it cannot give a port for (ttyS4 and
 * up, ttyS99999999999, an address past 0xffff) is warned about by name.
 *
 * Return: 0 if one was found, -ENOENT if not.
 */
int charon_live_com_port(const char *cmdline, uint16_t *port)
{
	static const char *const io[] = { "uart,io,", "uart8250,io," };
	const char *p = cmdline;
	char val[64], *comma;
	unsigned int n, i;
	int rc = -ENOENT;
	uint64_t v;
	size_t len;

	while (*p) {
		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (len > 8 && len - 8 < sizeof(val) &&
		    !strncmp(p, "console=", 8)) {
			memcpy(val, p + 8, len - 8);
			val[len - 8] = '\0';
			if (!strncmp(val, "ttyS", 4)) {
				n = tty_index(val + 4);
				if (n < 4) {
					*port = pc_com[n];
					rc = 0;
				} else {
					charon_warnf("command line: console=%s: no I/O port known for it (ttyS0..3 are 0x3f8, 0x2f8, 0x3e8, 0x2e8; or console=uart8250,io,ADDR); ignored",
						     val);
				}
			}
			for (i = 0; i < 2; i++) {
				if (strncmp(val, io[i], strlen(io[i]))) {
					continue;
				}
				comma = strchr(val + strlen(io[i]), ',');
				if (comma) {
					*comma = '\0';
				}
				if (!charon_parse_u64(val + strlen(io[i]), &v) &&
				    v && v < 0x10000) {
					*port = (uint16_t)v;
					rc = 0;
				} else {
					charon_warnf("command line: console=%s%s: not an I/O port 0x1..0xffff; ignored",
						     io[i], val + strlen(io[i]));
				}
			}
		}
		p += len;
	}
	return rc;
}

/* "System RAM" and friends: /sys/firmware/memmap's type names */
static uint32_t memmap_type(const char *s)
{
	static const struct {
		const char *name;
		uint32_t type;
	} t[] = {
		{ "System RAM", CHARON_E820_RAM },
		{ "Reserved", CHARON_E820_RESERVED },
		{ "ACPI Tables", CHARON_E820_ACPI },
		{ "ACPI Non-volatile Storage", CHARON_E820_NVS },
		{ "Unusable memory", CHARON_E820_UNUSABLE },
		{ "Persistent Memory (legacy)", 12 },
		{ "Persistent Memory", CHARON_E820_PMEM },
		{ "Soft Reserved", 0xefffffffu },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!strcmp(s, t[i].name)) {
			return t[i].type;
		}
	}
	return CHARON_E820_RESERVED;	/* what the kernel does with others */
}

/**
 * charon_memmap_entry() - one /sys/firmware/memmap/N directory's entry
 * @n: N, for messages
 * @s: its start file's text, NUL-terminated (cut at the first newline)
 * @x: its end file's text, likewise (inclusive end)
 * @t: its type file's text, likewise
 * @e: the entry
 * @err: error message on failure
 *
 * Return: 0, or -EINVAL for a malformed or wrapping range.
 */
int charon_memmap_entry(unsigned int n, char *s, char *x, char *t,
			struct charon_e820_entry *e, struct charon_err *err)
{
	char ps[80], px[80];
	uint64_t start, end;

	s[strcspn(s, "\n")] = x[strcspn(x, "\n")] = '\0';
	t[strcspn(t, "\n")] = '\0';
	if (charon_parse_u64(s, &start) || charon_parse_u64(x, &end) ||
	    end < start || end == UINT64_MAX) {
		charon_printable(ps, sizeof(ps), s, strlen(s));
		charon_printable(px, sizeof(px), x, strlen(x));
		return charon_errf(err, -EINVAL,
				   "/sys/firmware/memmap/%u: start \"%s\", end \"%s\": expected 0x... numbers, start <= end < 0xffffffffffffffff",
				   n, ps, px);
	}
	e->addr = start;
	e->size = end - start + 1;
	e->type = memmap_type(t);
	return 0;
}

/* /sys/firmware/memmap/N/{start,end,type}: the firmware's e820 map */
static int read_memmap(const char *root, struct charon_live *lv,
		       struct charon_err *err)
{
	struct charon_e820_entry e[CHARON_BP_E820_MAX];
	char path[128], *s = NULL, *x = NULL, *t = NULL;
	unsigned int n;
	int rc = 0;

	for (n = 0; n < CHARON_BP_E820_MAX; n++) {
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/start",
			 n);
		rc = read_text(root, path, &s, true, err);
		if (rc || !s) {
			break;
		}
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/end", n);
		rc = read_text(root, path, &x, false, err);
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/type",
			 n);
		rc = rc ?: read_text(root, path, &t, false, err);
		rc = rc ?: charon_memmap_entry(n, s, x, t, &e[n], err);
		free(s);
		free(x);
		free(t);
		s = x = t = NULL;
		if (rc) {
			return rc;
		}
	}
	if (rc) {
		return rc;
	}
	if (n == 0) {
		return charon_errf(err, -ENOENT,
				   "%s/sys/firmware/memmap: missing or empty (the running kernel needs CONFIG_FIRMWARE_MEMMAP)",
				   root);
	}
	lv->have_e820 = true;
	return charon_e820_build("/sys/firmware/memmap", e, n, &lv->e820,
				 err);
}

/**
 * charon_systab_value() - one KEY=0x... line of /sys/firmware/efi/systab
 * @text: its contents, NUL-terminated
 * @key: e.g. "SMBIOS=", with the '='
 *
 * Return: the address, 0 if no line starts with @key.
 */
uint64_t charon_systab_value(const char *text, const char *key)
{
	const char *p;

	for (p = text; (p = strstr(p, key)); p++) {
		if (p == text || p[-1] == '\n') {
			return strtoull(p + strlen(key), NULL, 0);
		}
	}
	return 0;
}

/**
 * charon_systab_rsdp() - the ACPI RSDP from /sys/firmware/efi/systab's text
 * @text: its contents, NUL-terminated
 *
 * Return: the ACPI20= address, else the ACPI= one, else 0.
 */
uint64_t charon_systab_rsdp(const char *text)
{
	uint64_t v = charon_systab_value(text, "ACPI20=");

	return v ? v : charon_systab_value(text, "ACPI=");
}

/* EFI: the RSDP from /sys/firmware/efi/systab; BIOS: 0, the kernel scans */
static int read_rsdp(const char *root, struct charon_live *lv,
		     struct charon_err *err)
{
	char *text;
	int rc;

	rc = read_text(root, "/sys/firmware/efi/systab", &text, true, err);
	if (rc || !text) {
		return rc;
	}
	lv->acpi_rsdp = charon_systab_rsdp(text);
	free(text);
	return 0;
}

/* ppc64: OPAL, the kernel's end and the hash table from /proc/device-tree */
static int read_ppc64(const char *root, struct charon_live *lv,
		      struct charon_err *err)
{
	const char *from;
	uint64_t end, base, size;
	int rc;

	rc = read_be(root, "/proc/device-tree/ibm,opal/opal-base-address",
		     &lv->opal_base, err);
	rc = rc ?: read_be(root,
			   "/proc/device-tree/ibm,opal/opal-entry-address",
			   &lv->opal_entry, err);
	if (rc && rc != -ENOENT) {
		return rc;
	}
	lv->have_opal = !rc;
	/* default_machine_kexec_prepare(): no segment below __pa(_end) */
	rc = read_be(root, "/proc/device-tree/chosen/linux,kernel-end", &end,
		     err);
	from = "the running kernel (linux,kernel-end)";
	if (rc == -ENOENT && lv->kernel_end) {
		end = lv->kernel_end;
		from = "the running kernel (/proc/iomem)";
		rc = 0;
	}
	if (rc == -ENOENT) {
		return charon_errf(err, rc,
				   "%s/proc/device-tree/chosen/linux,kernel-end: missing, and /proc/iomem has no \"Kernel\" entries: where the running kernel ends is unknown (ppc64 refuses kexec segments below it)",
				   root);
	}
	if (!rc && !end) {
		return charon_errf(err, -EINVAL,
				   "%s/proc/device-tree/chosen/linux,kernel-end: 0: the running kernel cannot end at 0",
				   root);
	}
	rc = rc ?: charon_live_add_keepout(lv, from, 0, end, err);
	if (rc) {
		return rc;
	}
	/* crashkernel=: not in /proc/iomem on ppc64 */
	rc = read_be(root, "/proc/device-tree/chosen/linux,crashkernel-base",
		     &base, err);
	rc = rc ?: read_be(root,
			   "/proc/device-tree/chosen/linux,crashkernel-size",
			   &size, err);
	if (!rc && size) {
		rc = add_crash(lv, "/proc/device-tree/chosen", base, size, err);
		rc = rc ?: charon_live_add_keepout(lv, "crashkernel (linux,crashkernel-base)",
				       base, size, err);
	}
	if (rc && rc != -ENOENT) {
		return rc;
	}
	/* a hash-MMU kernel's page table (radix kernels have none) */
	if (!read_be(root, "/proc/device-tree/chosen/linux,htab-base", &base,
		     err) &&
	    !read_be(root, "/proc/device-tree/chosen/linux,htab-size", &size,
		     err)) {
		return charon_live_add_keepout(lv, "hash page table (linux,htab-base)",
				   base, size, err);
	}
	return 0;
}

/**
 * charon_live_read() - what the running system says about its machine
 * @root: "" for the real system, else a directory with proc/ and sys/
 * @arch: which extras to read
 * @lv: the result
 * @err: error message on failure
 *
 * Reads /proc/cmdline and /proc/iomem (charon_iomem_parse()); x86_64:
 * /sys/firmware/memmap (required), the RSDP from /sys/firmware/efi/systab
 * (EFI only) and the console's port from the command line; ppc64:
 * /proc/device-tree's ibm,opal addresses (if present) and a keep-out
 * [0, linux,kernel-end) plus the hash table, if any.
 *
 * Return: 0 or a negative errno code.
 */
int charon_live_read(const char *root, enum charon_live_arch arch,
		     struct charon_live *lv, struct charon_err *err)
{
	char *text;
	int rc;

	memset(lv, 0, sizeof(*lv));
	charon_strscpy(lv->root, root, sizeof(lv->root));
	rc = read_text(root, "/proc/cmdline", &text, false, err);
	if (rc) {
		return rc;
	}
	text[strcspn(text, "\n")] = '\0';
	for (size_t n = strlen(text); n && text[n - 1] == ' '; n--) {
		text[n - 1] = '\0';
	}
	lv->cmdline_len = strlen(text);
	if (lv->cmdline_len >= sizeof(lv->cmdline)) {
		charon_warnf("/proc/cmdline: %zu bytes, more than the %zu charon keeps: only its first %zu bytes are read for console=",
			     lv->cmdline_len, sizeof(lv->cmdline) - 1,
			     sizeof(lv->cmdline) - 1);
	}
	charon_strscpy(lv->cmdline, text, sizeof(lv->cmdline));
	free(text);

	rc = read_text(root, "/proc/iomem", &text, false, err);
	if (rc) {
		return rc;
	}
	rc = charon_iomem_parse("/proc/iomem", text, lv, err);
	if (!rc && arch == CHARON_LIVE_DT) {
		char *systab;

		/* booted through UEFI: what it keeps reserved stays so */
		rc = read_text(root, "/sys/firmware/efi/systab", &systab, true,
			       err);
		if (!rc && systab) {
			rc = charon_live_efi_reserved("/proc/iomem", text, lv,
						      err);
		}
		free(systab);
	}
	free(text);
	if (rc) {
		return rc;
	}
	switch (arch) {
	case CHARON_LIVE_X86:
		charon_live_com_port(lv->cmdline, &lv->com_port);
		rc = read_memmap(root, lv, err);
		rc = rc ?: read_rsdp(root, lv, err);
		return rc ?: charon_live_x86_efi(root, lv, err);
	case CHARON_LIVE_PPC64:
		return read_ppc64(root, lv, err);
	case CHARON_LIVE_DT:
		return charon_live_acpi(root, lv, err);
	default:
		return 0;
	}
}
