# SPDX-License-Identifier: MIT
# Host side: libcharon and the charon CLI (loader/).  Filled in by the
# loader work; see docs/cli.md.
