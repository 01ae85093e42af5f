# SPDX-License-Identifier: MIT
"""Shared pytest fixtures: where the build is, which targets exist, and
which Debian kernels the tests use.

Kernel sets (docs/kernels.md): $O/kernels/<set>/<arch>/vmlinuz, fetched by
scripts/fetch-kernels --set <set>.  $CHARON_KERNEL_SET is the set the
system tests boot (default bookworm); the kernel-dependent unit tests take
the kernel_set fixture and run once per set in $CHARON_KERNEL_SETS (make
check: bookworm trixie).  A kernel the archive did not serve is recorded
in <set>/<arch>/missing: a test that needs it skips, naming it.
"""
import os
import pathlib
import warnings

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
ARCHES = ["arm64", "arm", "ppc64le", "ppc64", "x86_64"]
KERNEL_ARCHES = ["arm64", "arm", "x86_64", "ppc64le"]
KERNEL_SET = os.environ.get("CHARON_KERNEL_SET") or "bookworm"
KERNEL_SETS = list(dict.fromkeys(
    [KERNEL_SET] + (os.environ.get("CHARON_KERNEL_SETS") or "").split()))


def _build_dir():
    d = pathlib.Path(os.environ.get("O", "build"))
    return d if d.is_absolute() else ROOT / d


@pytest.fixture(scope="session")
def build_dir():
    """The O= directory make check built into."""
    return _build_dir()


def kernel_dir(build_dir, arch, kset=None):
    """Where scripts/fetch-kernels put set kset's (default: the booted
    set's) kernel for arch."""
    return build_dir / "kernels" / (kset or KERNEL_SET) / arch


def kernel_missing(build_dir, arch, kset=None):
    """Why set kset has no kernel for arch, as fetch-kernels recorded it
    (the package and apt's answer), or None."""
    m = kernel_dir(build_dir, arch, kset) / "missing"
    return m.read_text().strip() if m.exists() else None


def kernel_file(build_dir, arch, kset=None):
    """The Debian kernel of arch in set kset: its path.  Skips the test
    when the set has none: naming the package the archive did not serve
    (with a warning), or the command that fetches it."""
    kset = kset or KERNEL_SET
    p = kernel_dir(build_dir, arch, kset) / "vmlinuz"
    if p.exists():
        return p
    why = kernel_missing(build_dir, arch, kset)
    if why:
        msg = f"{kset} has no {arch} kernel: {why}"
        warnings.warn(msg)
        pytest.skip(msg)
    pytest.skip(f"{p}: no {kset} {arch} kernel (scripts/fetch-kernels "
                f"--set {kset} {arch}, or make check-build)")


def kernel_env(build_dir, kset=None):
    """$CHARON_KERNEL_<ARCH> for the cmocka programs: set kset's kernels.
    An arch the set lacks gets no variable but CHARON_NO_KERNELS=1, so
    its cases skip."""
    e = {}
    for arch in KERNEL_ARCHES:
        p = kernel_dir(build_dir, arch, kset) / "vmlinuz"
        e["CHARON_KERNEL_" + arch.upper()] = str(p)
        if not p.exists() and kernel_missing(build_dir, arch, kset):
            e["CHARON_NO_KERNELS"] = "1"
    return e


def pytest_generate_tests(metafunc):
    if "kernel_set" in metafunc.fixturenames:
        metafunc.parametrize("kernel_set", KERNEL_SETS, ids=KERNEL_SETS)


def pytest_report_header(config):
    """Which kernel packages this run uses: the archive moves."""
    lines = []
    bd = _build_dir()
    for kset in KERNEL_SETS:
        parts = []
        for arch in KERNEL_ARCHES:
            d = kernel_dir(bd, arch, kset)
            v = {}
            try:
                v = dict(ln.split("=", 1) for ln in
                         (d / "version").read_text().splitlines() if "=" in ln)
            except FileNotFoundError:
                pass
            if v and (d / "vmlinuz").exists():
                parts.append(f"{arch} {v.get('package', '?')} "
                             f"{v.get('version', '?')}")
            elif (d / "missing").exists():
                parts.append(f"{arch} MISSING ({(d / 'missing').read_text().strip()[:160]})")
            else:
                parts.append(f"{arch} not fetched")
        role = "booted, unit tests" if kset == KERNEL_SET else "unit tests"
        lines.append(f"kernels {kset} ({role}): " + "; ".join(parts))
    return lines
