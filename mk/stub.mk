# SPDX-License-Identifier: MIT
# (stub build rules are in mk/target.mk)
