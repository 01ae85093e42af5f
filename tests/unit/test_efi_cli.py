# SPDX-License-Identifier: MIT
"""charon load on x86_64 booted through UEFI (issue 17): the root captured
from QEMU q35 with Debian's OVMF (tests/unit/data/live-roots/x86_64-efi,
tests/system/capture_crash_roots.py x86_64-efi).  The next kernel keeps
EFI when boot_params carries efi_info and a SETUP_EFI setup_data with the
runtime map, as Linux's kexec_file_load gives them.  Everything here is
read back from `--dump` with struct, against the root's files, not
through charon's own code."""
import re
import shutil
import struct

import pytest

from conftest import ROOT, kernel_file
from hostrun import charon

EFI_ROOT = ROOT / "tests" / "unit" / "data" / "live-roots" / "x86_64-efi"
ROW_RE = re.compile(r"^  (\w+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x[0-9a-f]+ +"
                    r"0x([0-9a-f]+) ", re.M)
KEEP_RE = re.compile(r"^  \[0x([0-9a-f]+), 0x([0-9a-f]+)\) (.+)$", re.M)
SETUP_EFI = 4
DESC = 40


def load(build_dir, root, out, *args, ok=True):
    p = charon(build_dir, "load", "-v", "--dry-run", "--arch", "x86_64",
               "--root", root, "--kernel", kernel_file(build_dir, "x86_64"),
               "--stub", build_dir / "x86_64" / "charon-stub.bin",
               "--dump", out, *args)
    if ok:
        assert p.returncode == 0, p.stdout + p.stderr
    return p


def number(path):
    return int(path.read_text().strip(), 0)


def runtime_map(root):
    """[(type, phys, virt, pages, attr)] from the root's files, in order"""
    out, n = [], 0
    while (root / f"sys/firmware/efi/runtime-map/{n}").is_dir():
        d = root / f"sys/firmware/efi/runtime-map/{n}"
        out.append(tuple(number(d / f) for f in (
            "type", "phys_addr", "virt_addr", "num_pages", "attribute")))
        n += 1
    return out


def rows(stdout):
    return {m[1]: (int(m[2], 16), int(m[4], 16)) for m in
            ROW_RE.finditer(stdout)}


def copy_root(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(EFI_ROOT, root)
    return root


def check_efi(root, out, stdout):
    """boot_params' efi_info, secure_boot and setup_data, and the efi
    segment, against the root's files"""
    bp = (out / "boot_params").read_bytes()
    efi = (out / "efi").read_bytes()
    want_bp = (root / "sys/kernel/boot_params/data").read_bytes()
    sig, systab, dsize, dver, mm, mmsize, systab_hi, mm_hi = \
        struct.unpack_from("<8I", bp, 0x1c0)
    w = struct.unpack_from("<8I", want_bp, 0x1c0)
    assert sig == w[0] == 0x34364c45            # "EL64"
    assert (systab, systab_hi, dver) == (w[1], w[6], w[3])
    assert bp[0x1ec] == want_bp[0x1ec]           # secure_boot
    seg = rows(stdout)["efi"]
    setup_data, = struct.unpack_from("<Q", bp, 0x250)
    assert setup_data == seg[0]
    nxt, typ, length = struct.unpack_from("<QII", efi, 0)
    assert (nxt, typ, length) == (0, SETUP_EFI, 96)
    fw_vendor, unused, tables, smbios = struct.unpack_from("<4Q", efi, 16)
    systab_text = (root / "sys/firmware/efi/systab").read_text()
    assert fw_vendor == number(root / "sys/firmware/efi/fw_vendor")
    assert tables == number(root / "sys/firmware/efi/config_table")
    assert smbios == int(re.search(r"^SMBIOS=(\S+)", systab_text,
                                   re.M)[1], 0)
    assert unused == 0 and efi[48:112] == bytes(64)
    want = runtime_map(root)
    assert want and dsize == DESC and mmsize == DESC * len(want)
    assert (mm_hi << 32 | mm) == seg[0] + 112
    assert len(efi) == 112 + DESC * len(want)
    for i, (t, phys, virt, pages, attr) in enumerate(want):
        got = struct.unpack_from("<IIQQQQ", efi, 112 + DESC * i)
        assert got == (t, 0, phys, virt, pages, attr), i
    return want


def test_efi_info_and_setup_efi(build_dir, tmp_path):
    out = tmp_path / "out"
    p = load(build_dir, EFI_ROOT, out)
    want = check_efi(EFI_ROOT, out, p.stdout)
    # no segment on a runtime region, wherever /proc/iomem has it
    for name, (s, n) in rows(p.stdout).items():
        for _, phys, _, pages, _ in want:
            assert s + n <= phys or s >= phys + pages * 4096, name
    # a runtime region inside System RAM is kept out, and says why
    kept = [(int(a, 16), int(b, 16), n) for a, b, n in KEEP_RE.findall(
        p.stdout) if n.startswith("EFI runtime (runtime-map/")]
    ram = [(int(a, 16), int(b, 16) + 1) for a, b in re.findall(
        r"^([0-9a-f]+)-([0-9a-f]+) : System RAM$",
        (EFI_ROOT / "proc/iomem").read_text(), re.M)]
    for i, (_, phys, _, pages, _) in enumerate(want):
        end = phys + pages * 4096
        if any(a < end and phys < b for a, b in ram):
            assert (phys, end, f"EFI runtime (runtime-map/{i})") in kept


def test_crash_kernel_keeps_efi(build_dir, tmp_path):
    root = copy_root(tmp_path)
    iomem = (root / "proc/iomem").read_text()
    line = re.search(r"^00900000-([0-9a-f]+) : System RAM\n", iomem, re.M)
    assert line and int(line[1], 16) > 0x3b000000
    iomem = iomem.replace(line[0], line[0] + "  2b000000-3affffff : "
                          "Crash kernel\n")
    (root / "proc/iomem").write_text(iomem)
    out = tmp_path / "out"
    p = load(build_dir, root, out, "--crash", "--reuse-cmdline")
    check_efi(root, out, p.stdout)
    s, n = rows(p.stdout)["efi"]
    assert 0x2b000000 <= s and s + n <= 0x3b000000


@pytest.mark.parametrize("what", ["runtime-map", "boot_params", "el32"])
def test_no_efi_is_a_warning_and_no_segment(build_dir, tmp_path, what):
    root = copy_root(tmp_path)
    if what == "runtime-map":
        shutil.rmtree(root / "sys/firmware/efi/runtime-map")
        said = "/sys/firmware/efi/runtime-map: missing or empty"
    elif what == "boot_params":
        (root / "sys/kernel/boot_params/data").unlink()
        said = "/sys/kernel/boot_params/data: missing"
    else:
        data = bytearray((root / "sys/kernel/boot_params/data").read_bytes())
        data[0x1c0:0x1c4] = b"EL32"
        (root / "sys/kernel/boot_params/data").write_bytes(data)
        said = "efi_loader_signature is not \"EL64\""
    out = tmp_path / "out"
    p = load(build_dir, root, out)
    assert said in p.stderr and "the next kernel gets no EFI" in p.stderr
    assert "efi" not in rows(p.stdout) and not (out / "efi").exists()
    bp = (out / "boot_params").read_bytes()
    assert bp[0x1c0:0x1e0] == bytes(32)
    assert struct.unpack_from("<Q", bp, 0x250)[0] == 0


@pytest.mark.parametrize("field,value,said", [
    ("phys_addr", "0x3f5ec123", "not a page-aligned range"),
    ("num_pages", "0x0", "not a page-aligned range"),
    ("num_pages", "0xffffffffffffffff", "not a page-aligned range"),
    ("attribute", "0xf", "lacks EFI_MEMORY_RUNTIME"),
    ("type", "0x100000000", "not a 32-bit EFI memory type"),
    ("virt_addr", "zz", "\"zz\" is not a number"),
])
def test_bad_runtime_map_is_named(build_dir, tmp_path, field, value, said):
    root = copy_root(tmp_path)
    (root / f"sys/firmware/efi/runtime-map/2/{field}").write_text(
        value + "\n")
    p = load(build_dir, root, tmp_path / "out", ok=False)
    assert p.returncode != 0
    assert said in p.stderr, p.stderr
    assert "runtime-map/2" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and p.returncode < 128
