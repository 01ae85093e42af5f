# SPDX-License-Identifier: MIT
"""ppc64 (little- and big-endian) in QEMU powernv9: skiboot starts the
stub (big-endian, hypervisor real mode, OPAL in r8/r9), the stub verifies
and hands over to our probe payload or to Debian's ppc64el kernel.  Each
test starts QEMU through `charon qemu` exactly as a user would."""
import re
import struct

import pytest

from charonrun import broken_reloc_stub, check_reloc_refused, qemu_runner
from conftest import kernel_file

MSR_LE = 1
FDT_MAGIC = 0xD00DFEED
RUN0 = 0x72756E30
# the probe spins when done: a run ends once its line is complete
PROBE_DONE = r"blkdiff=[0-9a-f]{16}"
PROBE_RE = re.compile(
    r"PROBE: r3=(?P<r3>[0-9a-f]{16}) r4=(?P<r4>[0-9a-f]{16}) "
    r"r5=(?P<r5>[0-9a-f]{16}) r8=(?P<r8>[0-9a-f]{16}) "
    r"r9=(?P<r9>[0-9a-f]{16}) msr=(?P<msr>[0-9a-f]{16}) "
    r"pc=(?P<pc>[0-9a-f]{16}) w5c=(?P<w5c>[0-9a-f]{8}) "
    r"z5c=(?P<z5c>[0-9a-f]{8}) fdtmagic=(?P<fdtmagic>[0-9a-f]{8}) "
    r"fdtcpu=(?P<fdtcpu>[0-9a-f]{8}) blkdiff=(?P<blkdiff>[0-9a-f]{16})")
ARCHES = ["ppc64le", "ppc64"]
CROSS_READELF = {"ppc64le": "powerpc64le-linux-gnu-readelf",
                 "ppc64": "powerpc64-linux-gnu-readelf"}


def probe(r):
    m = PROBE_RE.search(r.out)
    return {k: int(v, 16) for k, v in m.groupdict().items()} if m else None


def files_for(build_dir, arch):
    files = {
        "charon": build_dir / "host" / "charon",
        "stub": build_dir / arch / "charon-stub.bin",
        "probe": build_dir / arch / "probe.elf",
    }
    for name, path in files.items():
        assert path.exists(), f"{name}: {path} missing (make check-build)"
    return files


@pytest.fixture(params=ARCHES)
def ppc(request, build_dir, tmp_path):
    arch = request.param
    files = files_for(build_dir, arch)
    files["arch"] = arch
    files["run"] = qemu_runner(files, arch, tmp_path)
    return files


def norun0(probe_elf, out, le):
    """A copy of the probe ELF whose word at image offset 0x5c is not
    "run0": a kernel that cannot run at its load address."""
    b = bytearray(probe_elf.read_bytes())
    e = "<" if le else ">"
    phoff, = struct.unpack_from(e + "Q", b, 0x20)
    p_offset, = struct.unpack_from(e + "Q", b, phoff + 8)
    struct.pack_into(e + "I", b, p_offset + 0x5C, 0x12345678)
    out.write_bytes(bytes(b))
    return out


def test_probe_handover(ppc):
    r = ppc["run"]("--kernel", ppc["probe"], "--verbose-stub",
                   stop_after=PROBE_DONE)
    p = probe(r)
    assert p, r
    lay = r.layout()
    le = ppc["arch"] == "ppc64le"
    assert f"ppc64 {'LE' if le else 'BE'}" in r.out, r
    assert "firmware entry, OPAL present" in r.out, r
    # r3 = FDT, r4 = kernel base, r5 = 0, r8/r9 = OPAL, MSR_LE = the kernel's
    assert p["r3"] == lay["dtb"][0] and p["fdtmagic"] == FDT_MAGIC, r
    assert p["r4"] == lay["kernel"][0] == p["pc"], r
    assert p["r5"] == 0 and p["r8"] != 0 and p["r9"] != 0, r
    assert bool(p["msr"] & MSR_LE) == le, r
    # the block at 0 is the payload's own first 256 bytes, but for word 0
    # (the stub's branch); __run_at_load untouched: "run0" at both places
    assert p["blkdiff"] == 1, r
    assert p["w5c"] == RUN0 and p["z5c"] == RUN0, r
    # the boot CPU (PIR on the firmware path: 0) in the FDT header
    assert p["fdtcpu"] == 0, r


def test_run_at_load(ppc):
    r = ppc["run"]("--kernel", ppc["probe"], "--run-at-load",
                   stop_after=PROBE_DONE)
    p = probe(r)
    assert p, r
    assert "run-at-load: 1 written at" in r.out, r
    assert p["w5c"] == 1 and p["z5c"] == 1, r
    assert p["blkdiff"] == 1, r
    assert p["pc"] == r.layout()["kernel"][0] != 0, r


def test_run_at_load_refused_without_run0(ppc, tmp_path):
    bad = norun0(ppc["probe"], tmp_path / "norun0.elf",
                 ppc["arch"] == "ppc64le")
    r = ppc["run"]("--kernel", bad, "--run-at-load", timeout=120)
    assert 'not "run0"' in r.out and "cannot run at its load address" in r.out, r
    assert "FAILED: hand-over preparation failed" in r.out, r
    assert "PROBE:" not in r.out, r


@pytest.mark.parametrize("what,message", [
    ("fdt-outside", "the FDT header the stub writes the boot CPU into is "
     "in no region"),
    ("run-at-load-outside", "which is in no region"),
])
def test_writes_outside_regions_refused(ppc, what, message):
    # the two writes the stub makes after verification, checked with the
    # block before any hashing
    r = ppc["run"]("--kernel", ppc["probe"], "--break-params", what,
                   timeout=120, stop_after="not booting")
    assert message in r.out, r
    assert "FAILED: malformed parameter block" in r.out, r
    assert "SHA-256" not in r.out.split(message)[0].split("stub at")[-1], r
    assert "PROBE:" not in r.out, r


@pytest.mark.parametrize("off", [0x10000, 0x400000, 0x2000000])
def test_probe_relocated_stub(ppc, off):
    addr = 0x20000000 + off
    r = ppc["run"]("--kernel", ppc["probe"], "--stub-addr", hex(addr),
                   stop_after=PROBE_DONE)
    assert f"charon: stub at 0x{addr:x}-" in r.out, r
    # the stub reads back its own relocated pointer (pg_reloc_check()),
    # and on ELFv1 calls through function descriptors: right only once
    # relocated for this address
    assert "on failure: test exit" in r.out, r
    assert probe(r), r


def test_failed_self_relocation_is_reported(build_dir, ppc, tmp_path):
    stub = broken_reloc_stub(build_dir, ppc["arch"], tmp_path / "bad-stub.bin",
                             CROSS_READELF[ppc["arch"]])
    r = ppc["run"]("--kernel", ppc["probe"], "--stub", stub, timeout=120,
                   stop_after="not booting")
    check_reloc_refused(r)


@pytest.mark.parametrize("label", ["kernel", "dtb"])
def test_flipped_bit_is_refused(ppc, label):
    r = ppc["run"]("--kernel", ppc["probe"], "--flip-bit", label,
                   timeout=120)
    assert f"'{label}' at 0x" in r.out and "SHA-256 MISMATCH" in r.out, r
    assert "FAILED: refusing to boot" in r.out, r
    assert "PROBE:" not in r.out, r


@pytest.fixture(scope="module")
def debian(build_dir):
    files = {
        "charon": build_dir / "host" / "charon",
        "stub": build_dir / "ppc64le" / "charon-stub.bin",
        "kernel": kernel_file(build_dir, "ppc64le"),
        "initrd": build_dir / "initramfs" / "ppc64le.cpio.gz",
    }
    for name, path in files.items():
        assert path.exists(), f"{name}: {path} missing (make check-build)"
    return files


@pytest.mark.parametrize("ral,prereloc", [(False, False), (True, False),
                                          (True, True)],
                         ids=["normal", "run-at-load", "prerelocated"])
def test_debian_kernel_boots(debian, tmp_path, ral, prereloc):
    tag = f"charon.test={'ral' if ral else 'normal'}"
    r = qemu_runner(debian, "ppc64le", tmp_path)(
        "--kernel", debian["kernel"], "--initrd", debian["initrd"],
        "--append", f"console=hvc0 panic=-1 {tag}",
        *(["--run-at-load"] if ral else []),
        *(["--prerelocate"] if prereloc else []), timeout=900)
    assert "charon: all 3 regions verified" in r.out, r
    if ral:
        assert "run-at-load: 1 written at" in r.out, r
        assert r.layout()["kernel"][0] != 0, r
    if prereloc:
        # relocated here for its base: since Linux 4.10 a kernel's CRCs
        # are plain numbers, with no relocation to skip
        assert f"prerelocated for 0x{r.layout()['kernel'][0]:x}: " in r.out
        assert "__kcrctab: clean" in r.out, r
    m = r.marker()
    assert m and tag in m, r
