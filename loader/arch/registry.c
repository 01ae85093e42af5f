// SPDX-License-Identifier: MIT
/*
 * The host's arch registry: every arch charon knows, in the order help
 * and messages list them.  Adding an arch is a folder loader/arch/<arch>/
 * with its ops.c (a struct charon_arch) and one line here
 * (docs/porting.md).
 */
#include <stdio.h>
#include <string.h>

#include <charon/arch.h>

extern const struct charon_arch charon_arch_arm64, charon_arch_arm,
	charon_arch_x86_64, charon_arch_ppc64le, charon_arch_ppc64;

static const struct charon_arch *const arches[] = {
	&charon_arch_arm64,
	&charon_arch_arm,
	&charon_arch_x86_64,
	&charon_arch_ppc64le,
	&charon_arch_ppc64,
};

#define NR_ARCHES	(sizeof(arches) / sizeof(arches[0]))

/**
 * charon_arch_next() - iterate over the registry
 * @a: NULL for the first arch, else the one before
 *
 * Return: the next arch, or NULL after the last.
 */
const struct charon_arch *charon_arch_next(const struct charon_arch *a)
{
	size_t i;

	if (!a) {
		return arches[0];
	}
	for (i = 0; i + 1 < NR_ARCHES; i++) {
		if (arches[i] == a) {
			return arches[i + 1];
		}
	}
	return NULL;
}

/**
 * charon_arch_by_name() - an arch by its --arch name
 * @name: "arm64" etc.
 *
 * Return: the arch, or NULL if charon does not know it.
 */
const struct charon_arch *charon_arch_by_name(const char *name)
{
	const struct charon_arch *a;

	for (a = charon_arch_next(NULL); a; a = charon_arch_next(a)) {
		if (!strcmp(a->name, name)) {
			return a;
		}
	}
	return NULL;
}

/**
 * charon_arch_by_id() - an arch by its CHARON_ARCH_* value
 * @id: the value, as a stub's image header carries it
 *
 * Return: the arch, or NULL.
 */
const struct charon_arch *charon_arch_by_id(uint16_t id)
{
	const struct charon_arch *a;

	for (a = charon_arch_next(NULL); a; a = charon_arch_next(a)) {
		if (a->id == id) {
			return a;
		}
	}
	return NULL;
}

/**
 * charon_arch_name() - the name of a CHARON_ARCH_* value
 * @id: the value
 *
 * Return: "arm64" etc., or "unknown".
 */
const char *charon_arch_name(uint16_t id)
{
	const struct charon_arch *a = charon_arch_by_id(id);

	return a ? a->name : "unknown";
}

/**
 * charon_arch_native() - the arch this charon runs on: what it can kexec
 *
 * Return: the arch, or NULL on a machine charon has no stub for.
 */
const struct charon_arch *charon_arch_native(void)
{
#if defined(__aarch64__)
	return &charon_arch_arm64;
#elif defined(__arm__)
	return &charon_arch_arm;
#elif defined(__x86_64__)
	return &charon_arch_x86_64;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return &charon_arch_ppc64le;
#elif defined(__powerpc64__)
	return &charon_arch_ppc64;
#else
	return NULL;
#endif
}

/**
 * charon_arch_list() - names of the arches that match, for messages
 * @buf: "arm64, arm, x86_64, ppc64le or ppc64"
 * @len: its size
 * @which: NULL for all, else true for the arches to name
 * @arg: passed to @which
 */
void charon_arch_list(char *buf, size_t len,
		      bool (*which)(const struct charon_arch *a,
				    const void *arg),
		      const void *arg)
{
	const struct charon_arch *a, *match[NR_ARCHES];
	size_t n = 0, at = 0, i;

	for (a = charon_arch_next(NULL); a; a = charon_arch_next(a)) {
		if (!which || which(a, arg)) {
			match[n++] = a;
		}
	}
	if (len) {
		buf[0] = '\0';
	}
	for (i = 0; i < n && at < len; i++) {
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
				       !i ? "" : i + 1 == n ? " or " : ", ",
				       match[i]->name);
	}
}

/**
 * charon_arch_takes() - does an arch take one of the arch-only options?
 * @a: the arch
 * @option: the long option's name, without "--"
 *
 * Return: true if @option is in @a's list.
 */
bool charon_arch_takes(const struct charon_arch *a, const char *option)
{
	const char *const *o;

	for (o = a->options; o && *o; o++) {
		if (!strcmp(*o, option)) {
			return true;
		}
	}
	return false;
}

static bool takes(const struct charon_arch *a, const void *option)
{
	return charon_arch_takes(a, option);
}

/**
 * charon_arch_option_owner() - which arches take an arch-only option
 * @option: the long option's name, without "--"
 * @buf: their names, "arm64 or arm"
 * @len: its size
 *
 * Return: @buf, or NULL when the option is no arch's own (every arch
 * takes it).
 */
const char *charon_arch_option_owner(const char *option, char *buf,
				     size_t len)
{
	charon_arch_list(buf, len, takes, option);
	return buf[0] ? buf : NULL;
}
