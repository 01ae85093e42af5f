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

    tests/system/capture_crash_roots.py [ARCH... | arm64-acpi | x86_64-efi]

arm64-acpi: a root of arm64 booted through UEFI with ACPI (AAVMF, from
Debian's qemu-efi-aarch64), for the console and PSCI from SPCR and FACP
(tests/unit/test_acpi_cli.py).  x86_64-efi: q35 booted through OVMF
(Debian's ovmf), for efi_info and the SETUP_EFI runtime map
(tests/unit/test_efi_cli.py).
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


# UEFI roots: (firmware package, its code and variable store, the store
# size QEMU's pflash wants, the QEMU command, the console)
EFI_ROOTS = {
    "arm64-acpi": ("qemu-efi-aarch64", "/usr/share/AAVMF/AAVMF_CODE.fd",
                   "/usr/share/AAVMF/AAVMF_VARS.fd", 64 << 20, "arm64",
                   ["qemu-system-aarch64", "-M", "virt,gic-version=3",
                    "-cpu", "cortex-a57"], "ttyAMA0"),
    "x86_64-efi": ("ovmf", "/usr/share/OVMF/OVMF_CODE_4M.fd",
                   "/usr/share/OVMF/OVMF_VARS_4M.fd", None, "x86_64",
                   ["qemu-system-x86_64", "-M", "q35"], "ttyS0"),
}


def capture_efi(name, build):
    """A root of a kernel started by Debian's UEFI firmware through its
    EFI stub.  arm64-acpi: the tree has /chosen only; SPCR and FACP say
    the console and the PSCI conduit.  x86_64-efi: boot_params' efi_info
    and the runtime map a kexec'd kernel needs to keep EFI.  Into
    tests/unit/data/live-roots/NAME."""
    pkg, code_src, vars_src, size, arch, qemu, console = EFI_ROOTS[name]
    if not pathlib.Path(code_src).exists():
        raise SystemExit(f"{name}: {code_src} missing: apt install {pkg}")
    with tempfile.TemporaryDirectory() as tmp:
        code, varstore = pathlib.Path(tmp) / "code.fd", \
            pathlib.Path(tmp) / "vars.fd"
        for src, dst in ((code_src, code), (vars_src, varstore)):
            shutil.copy(src, dst)
            if size:
                os.truncate(dst, size)
        r = subprocess.run(
            qemu + ["-m", "1G", "-nographic", "-no-reboot",
                    "-drive", f"if=pflash,format=raw,readonly=on,file={code}",
                    "-drive", f"if=pflash,format=raw,file={varstore}",
                    "-kernel", kernel_dir(build, arch) / "vmlinuz",
                    "-initrd", build / "initramfs" / f"{arch}.cpio.gz",
                    "-append",
                    f"console={console} panic=-1 charon.capture=1"],
            capture_output=True, text=True, errors="replace", timeout=600)
    if "CHARON-MARKER: capture-done" not in r.stdout:
        raise SystemExit(f"{name}: no capture-done:\n{r.stdout[-3000:]}")
    dest = LIVE_OUT / name
    files = save(r.stdout, dest)
    version = (kernel_dir(build, arch) / "version").read_text().strip()
    (dest / "README").write_text(
        f"Captured by tests/system/capture_crash_roots.py {name} from\n"
        f"{' '.join(qemu[1:])} booting Debian's {pkg} firmware and\n"
        f"{version}\nthrough its EFI stub; test inputs, not facts the "
        "tests assert.\n")
    print(f"{name}: {len(files)} files into {dest}")


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
    for arch in sys.argv[1:] or list(MACHINES) + list(EFI_ROOTS):
        if arch in EFI_ROOTS:
            capture_efi(arch, build)
        else:
            capture(arch, build)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
