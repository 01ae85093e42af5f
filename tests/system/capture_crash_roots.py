#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make capture-crash-roots: what `charon load --crash` reads, captured
from each arch's QEMU guest, as test roots.

Boots Debian's kernel with crashkernel= and the kdump initramfs, whose
/init (charon.capture=1) prints /proc/iomem, /proc/cmdline,
/sys/firmware/fdt, the CPUs' crash_notes, /sys/kernel/vmcoreinfo,
/sys/firmware/memmap, ppc64's /proc/device-tree values and /proc/kcore's
headers as hex; writes them under tests/unit/data/crash-roots/<arch>/
(proc/..., sys/...), with a README naming the kernel build they came
from.  tests/unit/test_kdump_cli.py plans a crash kernel on each and
reads the header back.  Not in make check: the roots are committed, and
refreshed by hand when the kernels' layout of these files changes.

    tests/system/capture_crash_roots.py [ARCH... | arm64-acpi]

arm64-acpi: a root of arm64 booted through UEFI with ACPI (AAVMF, from
Debian's qemu-efi-aarch64, which make check does not need: apt install
it first), for the console and PSCI from SPCR and FACP
(tests/unit/test_acpi_cli.py).
"""
import os
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from conftest import ROOT, _build_dir, kernel_dir  # noqa: E402
from test_kdump import Kdump, MACHINES  # noqa: E402

LINE_RE = re.compile(r"^CHARON-MARKER: capture (\S+) (\d+) ([0-9a-f]*)\r*$",
                     re.M)
OUT = ROOT / "tests" / "unit" / "data" / "crash-roots"
LIVE_OUT = ROOT / "tests" / "unit" / "data" / "live-roots"


def save(out, dest):
    """The capture lines in a console's text, as files under dest."""
    files = {}
    for m in LINE_RE.finditer(out):
        files.setdefault(m[1], bytearray())
        assert int(m[2]) == len(files[m[1]]), (dest, m[1])
        files[m[1]] += bytes.fromhex(m[3])
    for m in re.finditer(r"^CHARON-MARKER: capture-line (\S+) (.*?)\r*$",
                         out, re.M):
        files.setdefault(m[1], bytearray()).extend(m[2].encode() + b"\n")
    # QEMU pads its tree to 1 MiB; kcore: its headers are what is read
    if "/sys/firmware/fdt" in files:
        files["/sys/firmware/fdt"] = subprocess.run(
            ["dtc", "-q", "-I", "dtb", "-O", "dtb", "-"],
            input=bytes(files["/sys/firmware/fdt"]), capture_output=True,
            check=True).stdout
    kcore = files.get("/proc/kcore")
    if kcore and kcore[4] in (1, 2):
        e = "<" if kcore[5] == 1 else ">"
        if kcore[4] == 2:
            phoff, = struct.unpack_from(e + "Q", kcore, 0x20)
            n, = struct.unpack_from(e + "H", kcore, 0x38)
            files["/proc/kcore"] = kcore[:phoff + n * 56]
        else:
            phoff, = struct.unpack_from(e + "I", kcore, 0x1c)
            n, = struct.unpack_from(e + "H", kcore, 0x2c)
            files["/proc/kcore"] = kcore[:phoff + n * 32]
    shutil.rmtree(dest, ignore_errors=True)
    for path, data in files.items():
        p = dest / path.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(bytes(data))
    return files


def capture_acpi(build):
    """arm64 on UEFI + ACPI (Debian's AAVMF): the EFI stub gives the
    kernel a tree with /chosen only; SPCR and FACP say the console and
    the PSCI conduit.  Into tests/unit/data/live-roots/arm64-acpi."""
    arch = "arm64"
    with tempfile.TemporaryDirectory() as tmp:
        code, varstore = pathlib.Path(tmp) / "code.fd", \
            pathlib.Path(tmp) / "vars.fd"
        for src, dst in (("AAVMF_CODE.fd", code), ("AAVMF_VARS.fd",
                                                     varstore)):
            shutil.copy(pathlib.Path("/usr/share/AAVMF") / src, dst)
            os.truncate(dst, 64 << 20)
        r = subprocess.run(
            ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57",
             "-m", "1G", "-nographic", "-no-reboot",
             "-drive", f"if=pflash,format=raw,readonly=on,file={code}",
             "-drive", f"if=pflash,format=raw,file={varstore}",
             "-kernel", kernel_dir(build, arch) / "vmlinuz",
             "-initrd", build / "initramfs" / f"{arch}.cpio.gz",
             "-append", "console=ttyAMA0 panic=-1 charon.capture=1"],
            capture_output=True, text=True, errors="replace", timeout=600)
    if "CHARON-MARKER: capture-done" not in r.stdout:
        raise SystemExit(f"arm64-acpi: no capture-done:\n{r.stdout[-3000:]}")
    dest = LIVE_OUT / "arm64-acpi"
    files = save(r.stdout, dest)
    version = (kernel_dir(build, arch) / "version").read_text().strip()
    (dest / "README").write_text(
        "Captured by tests/system/capture_crash_roots.py arm64-acpi from "
        "QEMU virt\nbooting Debian's AAVMF (qemu-efi-aarch64) and\n"
        f"{version}\nthrough its EFI stub: ACPI, no device tree but "
        "/chosen; test inputs, not facts\nthe tests assert.\n")
    print(f"arm64-acpi: {len(files)} files into {dest}")


def capture(arch, build):
    k = Kdump(arch, build, build)
    r = k.boot("capture", "charon.capture=1", timeout=300)
    if "CHARON-MARKER: capture-done" not in r.out:
        raise SystemExit(f"{arch}: no capture-done (console: {r.log})")
    dest = OUT / arch
    files = save(r.out, dest)
    version = (kernel_dir(build, arch) / "version").read_text().strip()
    (dest / "README").write_text(
        f"Captured by tests/system/capture_crash_roots.py from QEMU "
        f"({' '.join(MACHINES[arch][2])}) booting\n{version}\nwith "
        f"crashkernel=; test inputs, not facts the tests assert.\n")
    print(f"{arch}: {len(files)} files into {dest}")


def main():
    build = _build_dir()
    for arch in sys.argv[1:] or list(MACHINES) + ["arm64-acpi"]:
        if arch == "arm64-acpi":
            capture_acpi(build)
        else:
            capture(arch, build)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
