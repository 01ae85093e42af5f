# SPDX-License-Identifier: MIT
"""Run what `make host-tests` built (the cmocka programs, the charon CLI)
and pick apart what `charon qemu --dry-run` printed: the layout table and
QEMU's command line with its -device loader arguments."""
import os
import re
import shlex
import subprocess

import warnings

from conftest import ROOT, KERNEL_ARCHES, kernel_env, kernel_missing


def env(build_dir, kset=None):
    """The environment for the test programs and the CLI: O= the build,
    $CHARON_KERNEL_<ARCH> the fetched kernels of set kset (default: the
    booted set), no $CHARON_STUB (the tests name their stubs)."""
    e = dict(os.environ)
    e["O"] = str(build_dir)
    for k in [k for k in e if k.startswith("CHARON_KERNEL_")]:
        if k not in ("CHARON_KERNEL_SET", "CHARON_KERNEL_SETS",
                     "CHARON_KERNEL_CACHE"):
            del e[k]
    e.pop("CHARON_NO_KERNELS", None)
    e.update(kernel_env(build_dir, kset))
    e.pop("CHARON_STUB", None)
    return e


def run_unit(build_dir, name, kset=None, arches=KERNEL_ARCHES):
    """Run the cmocka program $O/host/tests/NAME with set kset's kernels;
    every test must pass (a kernel the set lacks: its cases skip, with a
    warning naming it)."""
    exe = build_dir / "host" / "tests" / name
    assert exe.exists(), f"{exe} not built (run make host-tests)"
    for arch in arches:
        why = kernel_missing(build_dir, arch, kset)
        if why:
            warnings.warn(f"{kset} has no {arch} kernel, its cases in "
                          f"{name} skip: {why}")
    p = subprocess.run([str(exe)], cwd=build_dir, env=env(build_dir, kset),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=600)
    assert p.returncode == 0 and "[  PASSED  ]" in p.stdout, p.stdout
    assert "FAILED" not in p.stdout, p.stdout


def charon(build_dir, *args, cwd=None):
    """Run $O/host/charon with args (made strings); the CompletedProcess."""
    exe = build_dir / "host" / "charon"
    assert exe.exists(), f"{exe} not built (run make host-tests)"
    return subprocess.run([str(exe), *map(str, args)], cwd=cwd or ROOT,
                          env=env(build_dir), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=120)


LAYOUT_RE = re.compile(r"^\s+(\w+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+"
                       r"(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S+)$")


def parse_dry_run(out):
    """The printed layout ({segment: {start, end, size, reserved, file}}),
    the QEMU command (its last line) and its -device loaders (dicts of
    their key=value arguments)."""
    layout = {}
    for line in out.splitlines():
        m = LAYOUT_RE.match(line)
        if m:
            layout[m.group(1)] = {
                "start": int(m.group(2), 16), "end": int(m.group(3), 16),
                "size": int(m.group(4), 16),
                "reserved": int(m.group(5), 16), "file": m.group(6)}
    cmd = shlex.split(out.strip().splitlines()[-1])
    loaders = [dict(p.split("=", 1) for p in cmd[i + 1].split(",")[1:])
               for i, a in enumerate(cmd)
               if a == "-device" and cmd[i + 1].startswith("loader,")]
    return layout, cmd, loaders


def check_loaders(layout, loaders, unloaded=("footprint",)):
    """Every segment of the layout but those named unloaded has its
    -device loader, at its printed address, of its printed size; only the
    stub's starts a CPU (entry_offset 0)."""
    loaded = {k: v for k, v in layout.items() if k not in unloaded}
    assert len(loaders) == len(loaded), (layout, loaders)
    by_file = {ld["file"]: ld for ld in loaders}
    for name, seg in loaded.items():
        ld = by_file.get(seg["file"])
        assert ld is not None, f"no loader device for {name} {seg['file']}"
        assert int(ld["addr"], 16) == seg["start"], (name, ld, seg)
        assert ld["force-raw"] == "on", (name, ld)
        assert os.path.getsize(seg["file"]) == seg["size"], (name, seg)
        assert ("cpu-num" in ld) == (name == "stub"), (name, ld)
