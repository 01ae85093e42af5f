# SPDX-License-Identifier: MIT
"""charon load on arm64 booted through UEFI with ACPI (issue 17): the root
captured from QEMU virt with Debian's AAVMF (tests/unit/data/live-roots/
arm64-acpi, tests/system/capture_crash_roots.py arm64-acpi).  The EFI
stub's tree names no console and no PSCI; SPCR and FACP do, read here
with struct, independently of charon; every "reserved" range nested in
/proc/iomem stays out of the layout."""
import re
import shutil
import struct

from conftest import ROOT, kernel_file
from hostrun import charon

ACPI_ROOT = ROOT / "tests" / "unit" / "data" / "live-roots" / "arm64-acpi"
KEEP_RE = re.compile(r"^  \[(0x[0-9a-f]+), (0x[0-9a-f]+)\) (.+)$", re.M)
SEG_RE = re.compile(r"^  (\w+)\s+(0x[0-9a-f]+) (0x[0-9a-f]+) ", re.M)


def load(build_dir, root, kernel):
    p = charon(build_dir, "load", "-v", "--dry-run", "--arch", "arm64",
               "--root", root, "--kernel", kernel,
               "--stub", build_dir / "arm64" / "charon-stub.bin")
    assert p.returncode == 0, p.stdout + p.stderr
    return p


def nested_reserved(iomem):
    return [(int(a, 16), int(b, 16) + 1) for a, b in re.findall(
        r"^ +([0-9a-f]+)-([0-9a-f]+) : reserved$", iomem, re.M)]


def copy_root(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(ACPI_ROOT, root)
    return root


def test_console_and_psci_from_acpi(build_dir, kernel_set):
    k = kernel_file(build_dir, "arm64", kernel_set)
    spcr = (ACPI_ROOT / "sys/firmware/acpi/tables/SPCR").read_bytes()
    facp = (ACPI_ROOT / "sys/firmware/acpi/tables/FACP").read_bytes()
    assert spcr[:4] == b"SPCR" and facp[:4] == b"FACP"
    kind = {3: "pl011", 0x0d: "pl011", 0x0e: "pl011"}[spcr[36]]
    base, = struct.unpack_from("<Q", spcr, 44)
    flags, = struct.unpack_from("<H", facp, 129)
    psci = "none" if not flags & 1 else "hvc" if flags & 2 else "smc"
    p = load(build_dir, ACPI_ROOT, k)
    assert f"console {kind} at 0x{base:x}, PSCI {psci}," in p.stdout, \
        p.stdout
    assert "names no console: pl011 or 16550 from ACPI SPCR" in p.stdout
    assert "names no PSCI: the conduit from ACPI FACP" in p.stdout


def test_every_iomem_reserved_range_is_kept_out(build_dir, kernel_set):
    k = kernel_file(build_dir, "arm64", kernel_set)
    p = load(build_dir, ACPI_ROOT, k)
    kept = [(int(a, 16), int(b, 16)) for a, b, name in KEEP_RE.findall(
        p.stdout) if "reserved (EFI" in name]
    want = nested_reserved((ACPI_ROOT / "proc/iomem").read_text())
    assert want and kept
    for a, b in want:
        assert any(ka <= a and b <= kb for ka, kb in kept), (hex(a), kept)
    for name, start, end in SEG_RE.findall(p.stdout):
        s, e = int(start, 16), int(end, 16)
        for a, b in want:
            assert e <= a or s >= b, (name, hex(s), hex(a))


def test_many_reserved_ranges_are_merged_not_dropped(build_dir, tmp_path,
                                                     kernel_set):
    k = kernel_file(build_dir, "arm64", kernel_set)
    root = copy_root(tmp_path)
    iomem = (root / "proc/iomem").read_text()
    extra = "".join(f"  {0x50000000 + i * 0x20000:08x}-"
                    f"{0x50000000 + i * 0x20000 + 0xfff:08x} : reserved\n"
                    for i in range(100))
    iomem = iomem.replace("40000000-7c43ffff : System RAM\n",
                          "40000000-7c43ffff : System RAM\n" + extra)
    (root / "proc/iomem").write_text(iomem)
    p = load(build_dir, root, k)
    kept = [(int(a, 16), int(b, 16)) for a, b, name in KEEP_RE.findall(
        p.stdout) if "reserved (EFI" in name]
    assert len(kept) <= 20, kept
    for a, b in nested_reserved(iomem):
        assert any(ka <= a and b <= kb for ka, kb in kept), hex(a)


def test_a_table_the_stub_cannot_use_is_a_warning(build_dir, tmp_path,
                                                  kernel_set):
    k = kernel_file(build_dir, "arm64", kernel_set)
    root = copy_root(tmp_path)
    spcr = bytearray((root / "sys/firmware/acpi/tables/SPCR").read_bytes())
    spcr[36] = 0x42
    (root / "sys/firmware/acpi/tables/SPCR").write_bytes(bytes(spcr))
    (root / "sys/firmware/acpi/tables/FACP").write_bytes(b"FACP" + b"\0" * 8)
    p = load(build_dir, root, k)
    assert "interface type 0x42 at 0x24 is not a PL011" in p.stderr, p.stderr
    assert "FACP: 12 bytes, not an ACPI FACP table" in p.stderr, p.stderr
    assert "console none at 0x0, PSCI none" in p.stdout, p.stdout


def test_no_efi_no_reserved_keepouts(build_dir, tmp_path, kernel_set):
    """A DT boot (no /sys/firmware/efi): the nested "reserved" ranges are
    the kernel's to reuse, as before."""
    k = kernel_file(build_dir, "arm64", kernel_set)
    root = copy_root(tmp_path)
    (root / "sys/firmware/efi/systab").unlink()
    p = load(build_dir, root, k)
    assert "reserved (EFI" not in p.stdout, p.stdout
