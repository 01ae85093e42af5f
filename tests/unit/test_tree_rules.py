# SPDX-License-Identifier: MIT
"""The loader's shape (issue 13), kept: checked on the tree, not by eye.

- no file in loader/ is over 700 lines;
- an arch's name as a C string literal appears only in the registry, the
  per-arch folders and the CLI's help text (loader/cli/charon.c's usage);
  generic code calls through <charon/arch.h>.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
LOADER = ROOT / "loader"
MAX_LINES = 700


def sources():
    return sorted(p for p in LOADER.rglob("*") if p.suffix in (".c", ".h"))


def arch_names():
    """The arch names, from the stub's build (Makefile's ARCHES)."""
    mk = (ROOT / "Makefile").read_text()
    m = re.search(r"^ARCHES\s*[:?]?=\s*(.+)$", mk, re.M)
    assert m, "Makefile: no ARCHES line"
    names = m.group(1).split()
    assert len(names) >= 4, names
    return names + ["aarch64"]


def test_no_loader_file_over_700_lines():
    long = [f"{p.relative_to(ROOT)}: {n} lines"
            for p in sources()
            if (n := len(p.read_text().splitlines())) > MAX_LINES]
    assert not long, long


def test_arch_names_only_in_registry_and_arch_folders():
    lit = re.compile(r'"(%s)"' % "|".join(map(re.escape, arch_names())))
    allowed = (LOADER / "arch",)
    found = []
    for p in sources():
        if any(a in p.parents for a in allowed):
            continue
        for n, line in enumerate(p.read_text().splitlines(), 1):
            code = line.split("/*")[0].split("//")[0]
            if lit.search(code):
                found.append(f"{p.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, found
