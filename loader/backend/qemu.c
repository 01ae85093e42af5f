// SPDX-License-Identifier: MIT
/*
 * The QEMU back-end: argument vectors, the machine's own device tree
 * (-M ...,dumpdtb=FILE) and the run command line with generic loader
 * devices.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charon/boot.h>
#include <charon/proc.h>
#include <charon/qemu.h>
#include <charon/util.h>

typedef unsigned long long ull;

/**
 * charon_argv_add() - append a copy of a string
 * @a: the vector (zero-initialised before first use)
 * @s: the string
 *
 * Return: 0 or -ENOMEM.
 */
int charon_argv_add(struct charon_argv *a, const char *s)
{
	char **nv;
	size_t ncap;

	if (a->n + 2 > a->cap) {
		ncap = a->cap ? a->cap * 2 : 32;
		nv = realloc(a->v, ncap * sizeof(*nv));
		if (!nv) {
			return -ENOMEM;
		}
		a->v = nv;
		a->cap = ncap;
	}
	a->v[a->n] = strdup(s);
	if (!a->v[a->n]) {
		return -ENOMEM;
	}
	a->v[++a->n] = NULL;
	return 0;
}

/**
 * charon_argv_addf() - append a formatted string
 * @a: the vector
 * @fmt: printf format
 *
 * Return: 0 or -ENOMEM.
 */
int charon_argv_addf(struct charon_argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		return -ENOMEM;
	}
	rc = charon_argv_add(a, s);
	free(s);
	return rc;
}

/**
 * charon_argv_free() - release a vector
 * @a: the vector; left empty and reusable
 */
void charon_argv_free(struct charon_argv *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->v[i]);
	}
	free(a->v);
	a->v = NULL;
	a->n = 0;
	a->cap = 0;
}

/**
 * charon_argv_print() - print a vector as one shell-quoted line
 * @a: the vector
 * @f: where to
 */
void charon_argv_print(const struct charon_argv *a, FILE *f)
{
	const char *p;
	size_t i;

	for (i = 0; i < a->n; i++) {
		p = a->v[i];
		if (i) {
			fputc(' ', f);
		}
		if (*p && strspn(p, "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				 "-_./=,:+@%") == strlen(p)) {
			fputs(p, f);
			continue;
		}
		fputc('\'', f);
		for (; *p; p++) {
			if (*p == '\'') {
				fputs("'\\''", f);
			} else {
				fputc(*p, f);
			}
		}
		fputc('\'', f);
	}
	fputc('\n', f);
}

/* a QEMU option value: commas are doubled */
static char *qemu_escape(const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *o = malloc(2 * n + 1);

	if (!o) {
		return NULL;
	}
	for (i = 0; i < n; i++) {
		o[j++] = s[i];
		if (s[i] == ',') {
			o[j++] = ',';
		}
	}
	o[j] = '\0';
	return o;
}

/**
 * charon_qemu_defaults() - fill what the user left unset, from the arch
 * @a: the arch: its QEMU binary, machine, CPU (NULL: QEMU's own) and
 *	memory, and how the stub's test exit leaves QEMU
 * @m: the machine; only NULL members are set (and the exit fields); one
 *	CPU by default
 */
void charon_qemu_defaults(const struct charon_arch *a,
			  struct charon_qemu_machine *m)
{
	m->binary = m->binary ? m->binary : a->qemu.binary;
	m->machine = m->machine ? m->machine : a->qemu.machine;
	m->cpu = m->cpu ? m->cpu : a->qemu.cpu;
	m->smp = m->smp ? m->smp : "1";
	m->memory = m->memory ? m->memory : a->qemu.memory;
	m->debug_exit_port = a->qemu.exit == CHARON_QEMU_EXIT_DEBUG_PORT ?
			     CHARON_QEMU_X86_EXIT_PORT : 0;
	m->opal_exit = a->qemu.exit == CHARON_QEMU_EXIT_FIRMWARE;
}

/**
 * charon_qemu_base_argv() - the machine part of a QEMU command line
 * @m: machine options
 * @dumpdtb: NULL, or a file to have QEMU write its device tree to (QEMU
 *	then exits at once)
 * @a: the vector to append to
 *
 * Appends: BINARY -M MACHINE[,virtualization=on][,dumpdtb=F] [-cpu CPU]
 * -smp N -m MEM -nographic (no -cpu when m->cpu is NULL).
 *
 * Return: 0 or -ENOMEM.
 */
int charon_qemu_base_argv(const struct charon_qemu_machine *m,
			  const char *dumpdtb, struct charon_argv *a)
{
	char *d = NULL;
	int rc;

	if (dumpdtb) {
		d = qemu_escape(dumpdtb);
		if (!d) {
			return -ENOMEM;
		}
	}
	rc = charon_argv_add(a, m->binary);
	rc = rc ?: charon_argv_add(a, "-M");
	rc = rc ?: charon_argv_addf(a, "%s%s%s%s", m->machine,
				    m->el2 ? ",virtualization=on" : "",
				    d ? ",dumpdtb=" : "", d ? d : "");
	if (m->cpu) {
		rc = rc ?: charon_argv_add(a, "-cpu");
		rc = rc ?: charon_argv_add(a, m->cpu);
	}
	rc = rc ?: charon_argv_add(a, "-smp");
	rc = rc ?: charon_argv_add(a, m->smp);
	rc = rc ?: charon_argv_add(a, "-m");
	rc = rc ?: charon_argv_add(a, m->memory);
	rc = rc ?: charon_argv_add(a, "-nographic");
	free(d);
	return rc;
}

/**
 * charon_qemu_run_argv() - the command line that boots through the stub
 * @m: machine options
 * @loads: the generic loader devices, in order; the first with set_pc
 *	starts CPU 0 there
 * @nr: how many
 * @extra: further QEMU arguments, appended as given
 * @nr_extra: how many
 * @a: the vector to fill
 * @err: error message on failure
 *
 * After the machine part: -no-reboot; -device
 * isa-debug-exit,iobase=PORT,iosize=0x04 with m->debug_exit_port, else
 * -semihosting-config enable=on,target=native unless m->opal_exit; -kernel
 * FILE (m->kernel).
 * Every load is a generic loader device, the file loaded raw
 * (force-raw=on) at its address; an entry with set_pc adds cpu-num=0,
 * which sets CPU 0's PC to the address.
 *
 * Return: 0 or a negative errno code.
 */
int charon_qemu_run_argv(const struct charon_qemu_machine *m,
			 const struct charon_qemu_load *loads, size_t nr,
			 char *const *extra, size_t nr_extra,
			 struct charon_argv *a, struct charon_err *err)
{
	size_t i;
	char *f;
	int rc;

	rc = charon_qemu_base_argv(m, NULL, a);
	rc = rc ?: charon_argv_add(a, "-no-reboot");
	if (m->debug_exit_port) {
		rc = rc ?: charon_argv_add(a, "-device");
		rc = rc ?: charon_argv_addf(a, "isa-debug-exit,iobase=0x%x,iosize=0x04",
					    m->debug_exit_port);
	} else if (!m->opal_exit) {
		rc = rc ?: charon_argv_add(a, "-semihosting-config");
		rc = rc ?: charon_argv_add(a, "enable=on,target=native");
	}
	if (m->kernel) {
		rc = rc ?: charon_argv_add(a, "-kernel");
		rc = rc ?: charon_argv_add(a, m->kernel);
	}
	for (i = 0; !rc && i < nr; i++) {
		rc = charon_argv_add(a, "-device");
		if (rc) {
			break;
		}
		if (!loads[i].file) {
			rc = charon_argv_addf(a, "loader,addr=0x%llx,cpu-num=0",
					      (ull)loads[i].addr);
			continue;
		}
		f = qemu_escape(loads[i].file);
		if (!f) {
			rc = -ENOMEM;
			break;
		}
		rc = charon_argv_addf(a, "loader,file=%s,addr=0x%llx%s,force-raw=on",
				      f, (ull)loads[i].addr,
				      loads[i].set_pc ? ",cpu-num=0" : "");
		free(f);
	}
	for (i = 0; !rc && i < nr_extra; i++) {
		rc = charon_argv_add(a, extra[i]);
	}
	if (rc) {
		return charon_errf(err, rc, "qemu: out of memory");
	}
	return 0;
}

/**
 * charon_qemu_dumpdtb() - have QEMU write the machine's device tree
 * @m: machine options, exactly those of the run
 * @out: the DTB file to write
 * @log: file for QEMU's output
 * @err: error message on failure
 *
 * Runs BINARY -M MACHINE[,virtualization=on],dumpdtb=OUT -cpu ... -smp ...
 * -m ... -nographic and waits for it.
 *
 * Return: 0 or a negative errno code.
 */
int charon_qemu_dumpdtb(const struct charon_qemu_machine *m,
			const char *out, const char *log,
			struct charon_err *err)
{
	struct charon_argv a = { 0 };
	struct charon_proc_out po;
	struct charon_proc run = { .timeout = 120, .log = log };
	char line[256];
	struct stat st;
	int rc;

	rc = charon_qemu_base_argv(m, out, &a);
	if (rc) {
		charon_argv_free(&a);
		return charon_errf(err, rc, "qemu: out of memory");
	}
	unlink(out);
	run.argv = a.v;
	rc = charon_proc_run(&run, &po, err);
	if (rc || stat(out, &st) != 0 || st.st_size == 0) {
		charon_proc_last_line(&po, line, sizeof(line));
		rc = charon_errf(err, -EIO,
				 "qemu: dumping the machine device tree with %s -M %s failed (%s): %s (full output in %s)",
				 a.v[0], a.v[2], rc ? err->msg : "no tree written",
				 line[0] ? line : "no output", log);
	}
	charon_proc_out_free(&po);
	charon_argv_free(&a);
	return rc;
}

/**
 * charon_qemu_virt_machine() - charon qemu on arm and arm64: the machine's
 *	own device tree
 * @q: the QEMU run: its machine options and workdir; q->dtb gets the tree
 * @o: the plan's options: QEMU keeps its own DTB at the start of RAM (1 MiB
 *	on virt, or the tree's size), which the layout keeps out as
 *	"qemu-dtb"; without --dtb, o->dtb_path becomes the tree QEMU dumps
 *	(-M ...,dumpdtb=) for these machine options
 * @err: error message on failure
 *
 * Return: 0 or a negative errno code.
 */
int charon_qemu_virt_machine(struct charon_qemu_run *q,
			     struct charon_boot_opts *o, struct charon_err *err)
{
	struct stat st;

	o->ram_head_reserve = CHARON_QEMU_DTB_RESERVE;
	o->ram_head_name = "qemu-dtb";
	if (o->dtb_path) {
		return 0;
	}
	if (charon_join(q->dtb, sizeof(q->dtb), q->workdir, "machine.dtb",
			err) ||
	    charon_join(q->log, sizeof(q->log), q->workdir, "dumpdtb.log",
			err) ||
	    charon_qemu_dumpdtb(&q->m, q->dtb, q->log, err)) {
		return -EIO;
	}
	o->dtb_path = q->dtb;
	if (stat(q->dtb, &st) == 0 &&
	    (uint64_t)st.st_size > CHARON_QEMU_DTB_RESERVE) {
		o->ram_head_reserve = (uint64_t)st.st_size;
	}
	return 0;
}

/**
 * charon_parse_mem_size() - a QEMU -m size in bytes
 * @s: digits with an optional K, M, G or T suffix (no suffix: MiB, as QEMU)
 * @bytes: the size
 *
 * Return: 0, or -EINVAL for anything else (or 0, or an overflow).
 */
int charon_parse_mem_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	unsigned int shift;
	char *end;

	if (*s < '0' || *s > '9') {
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno) {
		return -EINVAL;
	}
	switch (*end) {
	case '\0':
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	case 'T':
	case 't':
		shift = 40;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1]) {
		return -EINVAL;
	}
	if (v == 0 || v > (UINT64_MAX >> shift)) {
		return -EINVAL;
	}
	*bytes = (uint64_t)v << shift;
	return 0;
}

