# SPDX-License-Identifier: MIT
"""arm64 in QEMU virt: the stub with our probe payload and with Debian's
kernel.  Each test starts QEMU through `charon qemu` exactly as a user
would."""
import pytest

from conftest import kernel_file
from charonrun import built_files, check_flip_refused, qemu_runner

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
    # the policy name comes through a pointer table: it reads right only
    # if the stub's own RELATIVE relocations were applied for this address
    assert "on failure: test exit" in r.out, r
    assert r.probe() and r.probe()["pc"] == r.layout()["kernel"][0], r
    assert r.status == 0, r


LABELS = ["kernel", "initrd", "dtb"]


@pytest.mark.parametrize("label", LABELS)
def test_flipped_bit_is_refused(arm64, charon_qemu, label):
    r = charon_qemu("--kernel", arm64["probe"], "--initrd", arm64["initrd"],
                    "--flip-bit", label)
    check_flip_refused(r, label, LABELS)


@pytest.mark.parametrize("what,message", [
    ("magic", "params: magic is 0x"),
    ("version", "params: ABI version is"),
    ("size", "params: size is"),
    ("nr-regions", "params: nr_regions is 17"),
    ("overlap-stub", "overlaps the stub itself"),
    ("wrap", "wraps around the address space"),
])
def test_malformed_params_are_refused(arm64, charon_qemu, what, message):
    # a bad magic means no policy can be trusted: the stub halts, so the
    # run is stopped once the refusal is on the console
    r = charon_qemu("--kernel", arm64["probe"], "--break-params", what,
                    timeout=60, stop_after="not booting")
    assert message in r.out, r
    assert "FAILED: malformed parameter block" in r.out, r
    assert "PROBE:" not in r.out, r


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
