# SPDX-License-Identifier: MIT
"""32-bit arm in QEMU virt (cortex-a15): the stub with our probe payload
and with Debian's armmp kernel, in SVC mode and in HYP mode
(virtualization=on).  Each test starts QEMU through `charon qemu` exactly
as a user would."""
import pytest

from conftest import kernel_file
from charonrun import (broken_reloc_stub, built_files, check_flip_refused,
                       check_reloc_refused, qemu_runner)

MODE_MASK, MODE_SVC, MODE_HYP = 0x1F, 0x13, 0x1A
PSR_A, PSR_I, PSR_F = 1 << 8, 1 << 7, 1 << 6
SCTLR_M, SCTLR_C = 1 << 0, 1 << 2
FDT_MAGIC_LE = 0xEDFE0DD0	# 0xd00dfeed stored big-endian, read as a LE word
ATAG_CORE, ATAG_MEM, ATAG_CMDLINE = 0x54410001, 0x54410002, 0x54410009
ATAG_INITRD2, ATAG_NONE = 0x54420005, 0
PAGE = 4096


@pytest.fixture(scope="module")
def arm(build_dir):
    return built_files(build_dir, "arm")


@pytest.fixture
def charon_qemu(arm, tmp_path):
    """charon qemu --arch arm, the built stub, files in tmp_path."""
    return qemu_runner(arm, "arm", tmp_path)


@pytest.mark.parametrize("hyp", [False, True], ids=["svc", "hyp"])
def test_probe_handover(arm, charon_qemu, hyp):
    r = charon_qemu("--kernel", arm["probe"], "--verbose-stub",
                    *(["--el2"] if hyp else []))
    p = r.probe_arm()
    assert p, r
    lay = r.layout()
    assert "kernel" in lay and "dtb" in lay, r
    mode = MODE_HYP if hyp else MODE_SVC
    assert ("arm HYP mode" if hyp else "arm SVC mode") in r.out, r
    assert "charon: all 2 regions verified" in r.out, r
    # booting.rst: r0 = 0, r1 = ~0 with a DTB, r2 = the DTB
    assert p["r0"] == 0 and p["r1"] == 0xFFFFFFFF, r
    assert p["r2"] == lay["dtb"][0] and p["w0"] == FDT_MAGIC_LE, r
    # entered at the zImage, in the stub's own mode, IRQ/FIQ/aborts masked
    assert p["pc"] == lay["kernel"][0], r
    assert p["cpsr"] & MODE_MASK == mode, r
    assert p["cpsr"] & (PSR_A | PSR_I | PSR_F) == PSR_A | PSR_I | PSR_F, r
    # MMU and D-cache off (HSCTLR in HYP)
    assert p["sctlr"] & (SCTLR_M | SCTLR_C) == 0, r
    assert r.status == 0, r


def test_atags_handover(arm, charon_qemu):
    mach = 0x8E0		# vexpress; any number the loader is given
    append = "console=ttyAMA0 charon.test=atags"
    r = charon_qemu("--kernel", arm["probe"], "--initrd", arm["initrd"],
                    "--atags", "--machine-type", hex(mach),
                    "--append", append)
    p = r.probe_arm()
    assert p, r
    lay = r.layout()
    assert "atags" in lay and "dtb" not in lay, r
    assert p["r0"] == 0 and p["r1"] == mach and p["r2"] == lay["atags"][0], r
    assert p["w1"] == ATAG_CORE, r
    tags = r.atags()
    assert tags and tags[0][1] == ATAG_CORE and tags[0][0] == 5, r
    assert tags[-1][:2] == [0, ATAG_NONE], r
    by_tag = {}
    for t in tags:
        by_tag.setdefault(t[1], []).append(t)
    # ATAG_MEM {size, start}: inside the 1 GiB at 0x40000000, clear of the
    # stub (an ATAG list cannot reserve memory)
    mem = by_tag[ATAG_MEM]
    stub_start, stub_end = lay["stub"]
    for t in mem:
        size, start = t[2], t[3]
        assert 0x40000000 <= start and start + size <= 0x80000000, r
        assert start + size <= stub_start or start >= stub_end, r
    assert sum(t[2] for t in mem) >= 0x3F000000, r
    # ATAG_CMDLINE: the NUL-terminated command line in words
    words = by_tag[ATAG_CMDLINE][0][2:]
    text = b"".join(w.to_bytes(4, "little") for w in words).split(b"\0")[0]
    assert text.decode() == append, r
    # ATAG_INITRD2 {start, size} = where the loader put the initrd
    ini = by_tag[ATAG_INITRD2][0]
    assert ini[2] == lay["initrd"][0], r
    assert ini[3] == lay["initrd"][1] - lay["initrd"][0], r
    assert r.status == 0, r


def test_failed_self_relocation_is_reported(build_dir, arm, charon_qemu,
                                             tmp_path):
    stub = broken_reloc_stub(build_dir, "arm", tmp_path / "bad-stub.bin",
                             "arm-linux-gnueabihf-readelf")
    r = charon_qemu("--kernel", arm["probe"], "--stub", stub, timeout=60)
    check_reloc_refused(r)
    assert r.status == 1, r


@pytest.mark.parametrize("addr", [0x48000000, 0x5FF00000, 0x7FE00000])
def test_probe_relocated_stub(arm, charon_qemu, addr):
    r = charon_qemu("--kernel", arm["probe"], "--stub-addr", hex(addr))
    assert f"charon: stub at 0x{addr:x}-" in r.out, r
    # the stub reads back its own relocated pointer (pg_reloc_check()) and
    # fails unless its R_ARM_RELATIVE relocation took for this address
    assert "on failure: test exit" in r.out, r
    p = r.probe_arm()
    assert p and p["pc"] == r.layout()["kernel"][0], r
    assert r.status == 0, r


LABELS = ["kernel", "initrd", "dtb"]


@pytest.mark.parametrize("label", LABELS)
def test_flipped_bit_is_refused(arm, charon_qemu, label):
    r = charon_qemu("--kernel", arm["probe"], "--initrd", arm["initrd"],
                    "--flip-bit", label)
    check_flip_refused(r, label, LABELS)


@pytest.mark.parametrize("hyp", [False, True], ids=["svc", "hyp"])
def test_debian_kernel_boots(build_dir, arm, charon_qemu, hyp):
    tag = f"charon.test={'hyp' if hyp else 'svc'}"
    r = charon_qemu("--kernel", kernel_file(build_dir, "arm"), "--initrd", arm["initrd"],
                    "--append", f"console=ttyAMA0 panic=-1 {tag}",
                    *(["--el2"] if hyp else []), timeout=600)
    assert "charon: all 3 regions verified" in r.out, r
    assert ("arm HYP mode" if hyp else "arm SVC mode") in r.out, r
    # the tightest placement we allow: the initrd starts on the first page
    # after the decompressor's whole footprint, and the boot still lands
    lay = r.layout()
    fp_end = lay["footprint"][1]
    assert lay["initrd"][0] == (fp_end + PAGE - 1) // PAGE * PAGE, r
    # the marker line is printed by the initramfs' /init from /proc/cmdline
    assert r.marker() and tag in r.marker(), r
    if hyp:
        assert "CPU: All CPU(s) started in HYP mode" in r.out, r
    else:
        assert "CPU: All CPU(s) started in SVC mode" in r.out, r


@pytest.mark.parametrize("hyp", [False, True], ids=["svc", "hyp"])
@pytest.mark.parametrize("policy,said", [("poweroff", "power off"), ("reset", "reset")])
def test_failure_policy_through_psci(arm, charon_qemu, policy, said, hyp):
    # PSCI over HVC in SVC mode and SMC in HYP mode (the conduit comes
    # from the DT); QEMU leaves on SYSTEM_OFF, and on SYSTEM_RESET because
    # of -no-reboot.  Without PSCI the stub would halt and time out.
    r = charon_qemu("--kernel", arm["probe"], "--flip-bit", "kernel",
                    "--fail", policy, *(["--el2"] if hyp else []),
                    timeout=60)
    assert not r.timed_out, r
    assert f"failure policy: {said}" in r.out, r
    assert "SHA-256 MISMATCH" in r.out and "PROBE:" not in r.out, r
    assert "no PSCI" not in r.out, r
