# SPDX-License-Identifier: MIT
"""x86_64 in QEMU q35 and pc: the stub, started by QEMU's -kernel through
its PVH entry, with our probe payload (a minimal bzImage that prints the
state it was entered with and leaves QEMU with status 33) and with
Debian's kernel.  Each test starts QEMU through `charon qemu` exactly as
a user would."""
import pytest

from conftest import kernel_file
from charonrun import (broken_reloc_stub, built_files, check_flip_refused,
                       check_reloc_refused, probe_x86, qemu_runner)

CR0_PG = 1 << 31
CR4_PAE = 1 << 5
EFER_LMA = 1 << 10
RFLAGS_IF = 1 << 9
HDRS = 0x53726448          # "HdrS" at boot_params + 0x202
BOOT_CS, BOOT_DS = 0x10, 0x18
PROBE_EXIT = 33            # isa-debug-exit: (0x10 << 1) | 1
PEEK = 0x700000            # where the probe reads the kdump backup copy


@pytest.fixture(scope="module")
def x86_64(build_dir):
    return built_files(build_dir, "x86_64")


@pytest.fixture
def charon_qemu(x86_64, tmp_path):
    """charon qemu --arch x86_64, the built stub, files in tmp_path."""
    return qemu_runner(x86_64, "x86_64", tmp_path)


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_probe_handover_64(x86_64, charon_qemu, machine):
    r = charon_qemu("--machine", machine, "--kernel", x86_64["probe"],
                    "--initrd", x86_64["initrd"], "--append",
                    "charon.probe=64", "--verbose-stub")
    p = probe_x86(r.out)
    assert p and p["mode"] == 64, str(r)
    lay = r.layout()
    assert "x86_64 long mode via the PVH entry" in r.out, str(r)
    assert "charon: all 4 regions verified" in r.out, str(r)
    # boot.rst, 64-bit protocol: rsi = boot_params, at load address + 0x200
    assert p["rsi"] == lay["boot_params"][0], str(r)
    assert p["pc"] == lay["kernel"][0] + 0x200, str(r)
    assert (p["cs"], p["ds"], p["ss"]) == (BOOT_CS, BOOT_DS, BOOT_DS), str(r)
    assert p["cr0"] & CR0_PG and p["cr4"] & CR4_PAE, str(r)
    assert p["efer"] & EFER_LMA, str(r)
    assert not p["rflags"] & RFLAGS_IF, str(r)
    # the zero page the loader wrote, as the kernel reads it
    assert p["hdr"] == HDRS and p["loader"] == 0xFF, str(r)
    assert p["cmdline"] == lay["cmdline"][0], str(r)
    assert p["ramdisk"] == lay["initrd"][0], str(r)
    assert p["ramdisk_size"] == lay["initrd"][1] - lay["initrd"][0], str(r)
    assert p["e820"] > 0, str(r)
    assert r.status == PROBE_EXIT, str(r)


def test_probe_handover_32(x86_64, charon_qemu):
    r = charon_qemu("--kernel", x86_64["probe"], "--entry32")
    p = probe_x86(r.out)
    assert p and p["mode"] == 32, str(r)
    lay = r.layout()
    assert "charon: all 3 regions verified" in r.out, str(r)
    # boot.rst, 32-bit protocol: esi = boot_params, at code32_start,
    # paging off, flat segments, ebx = edi = ebp = 0
    assert p["esi"] == lay["boot_params"][0], str(r)
    assert p["pc"] == lay["kernel"][0], str(r)
    assert (p["cs"], p["ds"], p["ss"]) == (BOOT_CS, BOOT_DS, BOOT_DS), str(r)
    assert not p["cr0"] & CR0_PG, str(r)
    assert p["ebx"] == p["edi"] == p["ebp"] == 0, str(r)
    assert p["hdr"] == HDRS, str(r)
    assert r.status == PROBE_EXIT, str(r)


# the probe's kernel takes [32 MiB, 33 MiB); RAM ends at 0x3ffdf000
@pytest.mark.parametrize("addr", [0x10000000, 0x20000000, 0x3ff00000])
def test_probe_relocated_stub(x86_64, charon_qemu, addr):
    r = charon_qemu("--kernel", x86_64["probe"], "--stub-addr", hex(addr))
    assert f"charon: stub at 0x{addr:x}-" in r.out, str(r)
    # the stub reads back its own relocated pointer (pg_reloc_check()) and
    # fails unless the relocation took for this address
    assert "on failure: test exit" in r.out, str(r)
    p = probe_x86(r.out)
    assert p and p["pc"] == r.layout()["kernel"][0] + 0x200, str(r)
    assert r.status == PROBE_EXIT, str(r)


def test_failed_self_relocation_is_reported(build_dir, x86_64, charon_qemu,
                                             tmp_path):
    stub = broken_reloc_stub(build_dir, "x86_64", tmp_path / "bad-stub.bin",
                             "readelf")
    r = charon_qemu("--kernel", x86_64["probe"], "--stub", stub, timeout=60)
    check_reloc_refused(r)
    assert r.status == 1, str(r)


LABELS = ["kernel", "initrd", "boot_params", "cmdline"]


@pytest.mark.parametrize("label", LABELS)
def test_flipped_bit_is_refused(x86_64, charon_qemu, label):
    r = charon_qemu("--kernel", x86_64["probe"], "--initrd",
                    x86_64["initrd"], "--flip-bit", label)
    check_flip_refused(r, label, LABELS)


@pytest.mark.parametrize("what,message", [
    ("overlap-stub", "overlaps the stub itself"),
    ("wrap", "wraps around the address space"),
    # the kdump backup copy, the one write after verification
    ("backup-over-region", "overlaps region 0 ["),
])
def test_malformed_params_are_refused(x86_64, charon_qemu, what, message):
    r = charon_qemu("--kernel", x86_64["probe"], "--break-params", what)
    assert message in r.out, str(r)
    assert "FAILED: malformed parameter block" in r.out, str(r)
    assert "PROBE:" not in r.out, str(r)
    assert r.status == 1, str(r)


def test_bad_block_header_touches_no_device(x86_64, charon_qemu):
    # a bad magic: nothing of the block is trusted, the I/O port of its
    # console and of its test exit included; the stub halts silently
    r = charon_qemu("--kernel", x86_64["probe"], "--break-params", "magic",
                    timeout=10)
    console = r.out.split("qemu-system-x86_64", 1)[-1]
    assert r.timed_out, str(r)
    assert "charon: stub at" not in console, str(r)
    assert "PROBE:" not in console, str(r)


def test_failure_policy_reset(x86_64, charon_qemu):
    # port 0xcf9; QEMU leaves on the reset because of -no-reboot
    r = charon_qemu("--kernel", x86_64["probe"], "--flip-bit", "kernel",
                    "--fail", "reset", timeout=60)
    assert not r.timed_out, str(r)
    assert "failure policy: reset" in r.out, str(r)
    assert "reset did not happen" not in r.out, str(r)
    assert "PROBE:" not in r.out, str(r)
    assert r.status == 0, str(r)


def test_kdump_backup(x86_64, charon_qemu):
    # the stub copies 4 KiB from 0 (the real-mode IVT, never zero under
    # SeaBIOS) to PEEK, after verifying, just before the jump
    r = charon_qemu("--kernel", x86_64["probe"], "--kdump-backup",
                    f"0,{PEEK:#x},0x1000")
    p = probe_x86(r.out)
    assert p, str(r)
    assert "charon: backup region 0x0+0x1000 copied to 0x700000" \
        in r.out, str(r)
    assert p["peek"] == p["low"] != 0, str(r)
    assert r.status == PROBE_EXIT, str(r)
    r = charon_qemu("--kernel", x86_64["probe"])
    p = probe_x86(r.out)
    assert p and p["peek"] == 0 and p["low"] != 0, str(r)
    assert "backup region" not in r.out, str(r)


@pytest.mark.parametrize("machine,entry", [("q35", 64), ("pc", 64),
                                           ("q35", 32)])
def test_debian_kernel_boots(build_dir, x86_64, charon_qemu, machine, entry):
    tag = f"charon.test={machine}-{entry}"
    r = charon_qemu("--machine", machine, "--kernel", kernel_file(build_dir, "x86_64"),
                    "--initrd", x86_64["initrd"], "--append",
                    f"console=ttyS0 panic=-1 {tag}",
                    *(["--entry32"] if entry == 32 else []), timeout=300)
    assert "charon: all 4 regions verified" in r.out, str(r)
    # the marker line is printed by the initramfs' /init from /proc/cmdline
    assert r.marker() and tag in r.marker(), str(r)
    assert "Kernel panic" not in r.out, str(r)
