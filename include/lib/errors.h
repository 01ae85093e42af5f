/* SPDX-License-Identifier: MIT */
/*
 * Error codes of the code in lib/, shared by stub and host.  Functions
 * return 0 or one of these, negated; lib_strerror() names them.
 */
#ifndef LIB_ERRORS_H
#define LIB_ERRORS_H

#define LIB_EINVAL	1	/* malformed input */
#define LIB_ERANGE	2	/* address or offset outside what it must be in */
#define LIB_ENOTSUP	3	/* well-formed but not supported (e.g. reloc type) */

#endif /* LIB_ERRORS_H */
