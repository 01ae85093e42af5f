# SPDX-License-Identifier: MIT
"""arm64 in QEMU virt: the stub with our probe payload and with Debian's
kernel.  Each test starts QEMU through `charon qemu` exactly as a user
would."""
import shlex
import subprocess

import pytest

from conftest import kernel_file
from charonrun import (broken_reloc_stub, built_files, check_flip_refused,
                       check_reloc_refused, qemu_runner, run)

SCTLR_M, SCTLR_C = 1 << 0, 1 << 2
DAIF_ALL = 0xF << 6
FDT_MAGIC = 0xD00DFEED


@pytest.fixture(scope="module")
def arm64(build_dir):
    return built_files(build_dir, "arm64")


@pytest.fixture
def charon_qemu(arm64, tmp_path):
    """charon qemu --arch arm64, the built stub, files in tmp_path."""
    return qemu_runner(arm64, "arm64", tmp_path)


@pytest.mark.parametrize("el", [1, 2])
def test_probe_handover(arm64, charon_qemu, el):
    r = charon_qemu("--kernel", arm64["probe"], "--verbose-stub",
                    *(["--el2"] if el == 2 else []))
    p = r.probe()
    assert p, r
    lay = r.layout()
    assert "kernel" in lay and "dtb" in lay, r
    assert f"arm64 EL{el}" in r.out, r
    assert "charon: all 2 regions verified" in r.out, r
    # booting.rst: x0 = DTB, x1 = x2 = x3 = 0
    assert p["x0"] == lay["dtb"][0], r
    assert p["x1"] == p["x2"] == p["x3"] == 0, r
    assert p["dtb"] == FDT_MAGIC, r
    # entered where the loader put the kernel, at the stub's own EL
    assert p["pc"] == lay["kernel"][0], r
    assert p["el"] == el, r
    # MMU and D-cache off, all of DAIF masked
    assert p["sctlr"] & (SCTLR_M | SCTLR_C) == 0, r
    assert p["daif"] & DAIF_ALL == DAIF_ALL, r
    assert r.status == 0, r


@pytest.mark.parametrize("addr", [0x48000000, 0x5ff00000, 0x7fe00000])
def test_probe_relocated_stub(arm64, charon_qemu, addr):
    r = charon_qemu("--kernel", arm64["probe"], "--stub-addr", hex(addr))
    assert f"charon: stub at 0x{addr:x}-" in r.out, r
    # the stub reads back its own relocated pointer (pg_reloc_check()) and
    # fails unless the relocation took for this address
    assert "on failure: test exit" in r.out, r
    assert r.probe() and r.probe()["pc"] == r.layout()["kernel"][0], r
    assert r.status == 0, r


def test_failed_self_relocation_is_reported(build_dir, arm64, charon_qemu,
                                             tmp_path):
    stub = broken_reloc_stub(build_dir, "arm64", tmp_path / "bad-stub.bin",
                             "aarch64-linux-gnu-readelf")
    r = charon_qemu("--kernel", arm64["probe"], "--stub", stub, timeout=60)
    check_reloc_refused(r)
    assert r.status == 1, r


LABELS = ["kernel", "initrd", "dtb"]


@pytest.mark.parametrize("label", LABELS)
def test_flipped_bit_is_refused(arm64, charon_qemu, label):
    r = charon_qemu("--kernel", arm64["probe"], "--initrd", arm64["initrd"],
                    "--flip-bit", label)
    check_flip_refused(r, label, LABELS)


@pytest.mark.parametrize("what,message", [
    ("nr-regions", "params: nr_regions is 17"),
    ("overlap-stub", "overlaps the stub itself"),
    ("wrap", "wraps around the address space"),
])
def test_malformed_params_are_refused(arm64, charon_qemu, what, message):
    r = charon_qemu("--kernel", arm64["probe"], "--break-params", what,
                    timeout=60)
    assert message in r.out, r
    assert "FAILED: malformed parameter block" in r.out, r
    assert "PROBE:" not in r.out, r
    assert not r.timed_out and r.status == 1, r


@pytest.mark.parametrize("what", ["magic", "version", "size"])
def test_bad_block_header_touches_no_device(arm64, charon_qemu, what):
    # a block whose magic, version or size is not this stub's says nothing
    # to trust, its console address included: the stub must not write to
    # the PL011 it names, nor apply a policy but halt.  So nothing appears
    # (it would within a second otherwise) and QEMU does not leave.
    r = charon_qemu("--kernel", arm64["probe"], "--break-params", what,
                    timeout=6)
    console = r.out.split("qemu-system-aarch64", 1)[-1]
    assert r.timed_out, r
    assert "charon: stub at" not in console, r
    assert "PROBE:" not in console, r


@pytest.mark.parametrize("el", [1, 2])
def test_debian_kernel_boots(build_dir, arm64, charon_qemu, el):
    tag = f"charon.test=el{el}"
    r = charon_qemu("--kernel", kernel_file(build_dir, "arm64"), "--initrd", arm64["initrd"],
                    "--append", f"console=ttyAMA0 panic=-1 {tag}",
                    *(["--el2"] if el == 2 else []), timeout=600)
    assert "charon: all 3 regions verified" in r.out, r
    # the marker line is printed by the initramfs' /init from /proc/cmdline
    assert r.marker() and tag in r.marker(), r
    if el == 2:
        assert "CPU: All CPU(s) started at EL2" in r.out, r


@pytest.mark.parametrize("el", [1, 2])
@pytest.mark.parametrize("policy,said", [("poweroff", "power off"), ("reset", "reset")])
def test_failure_policy_through_psci(arm64, charon_qemu, policy, said, el):
    # PSCI over HVC at EL1 and SMC at EL2 (the conduit comes from the DT);
    # QEMU leaves on SYSTEM_OFF, and on SYSTEM_RESET because of -no-reboot.
    # Without PSCI the stub would halt and this run would time out.
    r = charon_qemu("--kernel", arm64["probe"], "--flip-bit", "kernel",
                    "--fail", policy, *(["--el2"] if el == 2 else []),
                    timeout=60)
    assert not r.timed_out, r
    assert f"failure policy: {said}" in r.out, r
    assert "SHA-256 MISMATCH" in r.out and "PROBE:" not in r.out, r
    assert "no PSCI" not in r.out, r


def test_misaligned_stub_halts_with_a_message(arm64, tmp_path):
    # the stub as charon filled it for 0x7fe00000, loaded 2 KiB higher:
    # adrp would address the wrong bytes, so it says so from assembly
    # (PC-relative reads of the block only) and leaves by its policy
    addr = 0x7fe00000
    p = subprocess.run([str(arm64["charon"]), "qemu", "--dry-run", "--arch",
                        "arm64", "--stub", str(arm64["stub"]), "--kernel",
                        str(arm64["probe"]), "--stub-addr", hex(addr),
                        "--workdir", str(tmp_path / "work")],
                       capture_output=True, text=True, check=True)
    argv = shlex.split(p.stdout.strip().splitlines()[-1])
    moved = [a.replace(f"addr={addr:#x},cpu-num=0",
                       f"addr={addr + 0x800:#x},cpu-num=0") for a in argv]
    assert moved != argv, argv
    r = run(moved[0], moved[1:], timeout=60)
    assert "charon: FAILED: loaded off a 4 KiB boundary" in r.out, r
    assert "needs load_align 0x1000" in r.out, r
    assert "charon: stub at" not in r.out, r
    assert "PROBE:" not in r.out, r
    assert r.status == 1, r
