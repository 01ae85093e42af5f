# SPDX-License-Identifier: MIT
"""kexec on UEFI machines (issue 17): x86_64 on q35 with Debian's OVMF,
arm64 on virt (GICv3 and its ITS) with Debian's AAVMF.

The firmware starts Debian's kernel through its EFI stub (QEMU's -kernel
under UEFI firmware is an EFI application the firmware loads), with the
kdump initramfs (it carries efivarfs.ko, scripts/fetch-kdump-tools).
charon.efi=1 makes /init report what the boot has of UEFI before the
usual `charon load` + `exec` (tests/system/initramfs/init.c): the system
table, the runtime map, the ACPI tables, and one EFI variable read through
efivarfs, which needs GetVariable(), a runtime service.  The next kernel
reports the same; it must have kept EFI with runtime services, and ACPI.

arm64 on ACPI: the EFI stub's tree has /chosen only, so the stub's console
and PSCI conduit come from SPCR and FACP: its lines must be on the serial
console, and a refusal with fail policy poweroff must end through PSCI
SYSTEM_OFF, QEMU exiting by itself.  The next kernel must reuse the GICv3
LPI tables the first one left in the EFI MEMRESERVE table (it says so), and
no kexec segment may overlap a range `charon load -v` keeps out.

kdump: `charon load --crash` on the same boots, then a panic: the dump
kernel keeps EFI and ACPI too, and makedumpfile reads its /proc/vmcore.
"""
import os
import pathlib
import re
import shutil

import pytest

from charonrun import run
from conftest import kernel_dir
from test_kexec import STUB_JUMP, STUB_START, boots, marker_at

# firmware package, code, variable store, the size QEMU's virt pflash
# needs (None: as shipped), QEMU, machine, console, how the stub's
# test-exit / fail policy ends the run, and that policy's QEMU status
FIRMWARE = {
    "x86_64": ("ovmf", "/usr/share/OVMF/OVMF_CODE_4M.fd",
               "/usr/share/OVMF/OVMF_VARS_4M.fd", None, "qemu-system-x86_64",
               ["-M", "q35", "-device",
                "isa-debug-exit,iobase=0xf4,iosize=0x04"],
               "ttyS0", "test-exit", 1),
    "arm64": ("qemu-efi-aarch64", "/usr/share/AAVMF/AAVMF_CODE.fd",
              "/usr/share/AAVMF/AAVMF_VARS.fd", 64 << 20,
              "qemu-system-aarch64",
              ["-M", "virt,gic-version=3", "-cpu", "cortex-a57"],
              "ttyAMA0", "poweroff", 0),
}
# seconds one run (firmware, kernel, /init, load, kexec, firmware-less
# second kernel) may take under TCG here
TIMEOUT = 240
EFI_RE = re.compile(r"^CHARON-MARKER: efi systab=(\w+) runtime-map=(\d+) "
                    r"acpi-tables=(\d+)\r*$", re.M)
VAR_RE = re.compile(r"^CHARON-MARKER: efivar (.*?)\r*$", re.M)
SEG_RE = re.compile(r"^  (\w+)\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x[0-9a-f]+ +"
                    r"0x([0-9a-f]+) ", re.M)
KEEP_RE = re.compile(r"^  \[0x([0-9a-f]+), 0x([0-9a-f]+)\) (.+?)\r*$", re.M)


class Uefi:
    def __init__(self, arch, build_dir, tmp_path):
        (self.pkg, code, varstore, size, self.qemu, self.machine,
         self.console, self.policy, self.exit_status) = FIRMWARE[arch]
        self.arch = arch
        if not shutil.which(self.qemu):
            pytest.skip(f"{self.qemu} not installed (scripts/install-deps)")
        if not pathlib.Path(code).exists():
            pytest.skip(f"{code} missing: Debian's {self.pkg} is not "
                        "installed (scripts/install-deps)")
        self.kernel = kernel_dir(build_dir, arch) / "vmlinuz"
        self.initrd = build_dir / "initramfs" / f"{arch}-kdump.cpio.gz"
        for path in (self.kernel, self.initrd):
            assert path.exists(), f"{path} missing (make check-build)"
        # the firmware writes its variable store: a copy per run
        self.code, self.vars = tmp_path / "code.fd", tmp_path / "vars.fd"
        for src, dst in ((code, self.code), (varstore, self.vars)):
            shutil.copy(src, dst)
            if size:
                os.truncate(dst, size)
        self.log = tmp_path / f"{arch}-uefi-console.log"

    def boot(self, *params, kdump=False):
        mode = ["crashkernel=256M", "charon.kdump=1"] if kdump else \
            ["retain_initrd", "charon.kexec=1", f"charon.fail={self.policy}"]
        append = " ".join([f"console={self.console}", "panic=-1",
                           "charon.efi=1", *mode, *params])
        args = self.machine + [
            "-m", "1G", "-smp", "1", "-nographic", "-no-reboot",
            "-drive", f"if=pflash,format=raw,readonly=on,file={self.code}",
            "-drive", f"if=pflash,format=raw,file={self.vars}",
            "-kernel", self.kernel, "-initrd", self.initrd,
            "-append", append]
        r = run(self.qemu, args, timeout=TIMEOUT)
        self.log.write_text(r.out)
        print(f"{self.arch} UEFI: QEMU ran {r.wall:.1f}s, exit {r.status}")
        return r

    def why(self, r):
        return f"{r}\n(the whole console output: {self.log})"


@pytest.fixture(params=list(FIRMWARE))
def uefi(request, build_dir, tmp_path):
    return Uefi(request.param, build_dir, tmp_path)


def test_uefi_kexec_keeps_efi_and_acpi(uefi):
    r = uefi.boot()
    why = uefi.why(r)
    got = boots(r)
    assert len(got) == 2 and "charon.boot=1" in got[1][1].split(), why
    first, second = got[0][0], got[1][0]
    here = marker_at(r, "kexec 0 -> 1", first)
    assert first < here < second, why
    # boot 0 was started by the firmware: the kernel found EFI
    assert re.search(r"^\[ *[\d.]+\] efi: EFI v\d", r.out[:first], re.M), why
    reports = [(m.start(), m.groups()) for m in EFI_RE.finditer(r.out)]
    assert [at < here for at, _ in reports] == [True, False], why
    (sys0, map0, acpi0), (sys1, map1, acpi1) = (g for _, g in reports)
    assert sys0 == "yes" and int(acpi0) > 0, why
    # the next kernel: the system table, ACPI, and a variable read
    assert sys1 == "yes", f"the next kernel has no EFI\n{why}"
    assert int(acpi1) > 0, f"the next kernel has no ACPI\n{why}"
    if uefi.arch == "x86_64":
        # x86 exposes the map it runs EFI with; arm64 has no runtime-map
        assert int(map0) > 0 and int(map1) > 0, why
    vars_ = [(m.start(), m.group(1)) for m in VAR_RE.finditer(r.out)]
    assert len(vars_) == 2 and vars_[1][0] > second, why
    assert vars_[0][1].startswith("name="), why
    assert vars_[1][1] == vars_[0][1], \
        f"the next kernel read no EFI variable (no runtime services)\n{why}"
    # the stub ran, on the serial console the plan found, and verified
    start = STUB_START.search(r.out, here)
    assert start and start.start() < second, why
    jump = STUB_JUMP.search(r.out, start.end())
    assert jump and jump.start() < second, why
    assert "kexec-failed" not in r.out and "FAILED" not in r.out, why
    assert not r.timed_out, why
    load = r.out[here:start.start()]
    if uefi.arch == "arm64":
        assert "pl011 or 16550 from ACPI SPCR" in load, why
        assert "conduit from ACPI FACP" in load, why
        # the LPI tables of boot 0, found reserved and used again
        after = r.out[jump.end():]
        assert "GICv3: Using preallocated redistributor tables" in after, why
        assert re.search(r"GICv3: CPU0: using reserved LPI pending table "
                         r"@0x([0-9a-f]+)", after), why
    # no segment over a range kept out
    kept = [(int(a, 16), int(b, 16), n) for a, b, n in KEEP_RE.findall(load)]
    segs = [(n, int(a, 16), int(a, 16) + int(m, 16))
            for n, a, _, m in SEG_RE.findall(load)]
    assert segs, why
    if uefi.arch == "arm64":
        assert any("reserved (EFI" in n for _, _, n in kept), why
    for name, s, e in segs:
        for a, b, n in kept:
            assert e <= a or s >= b, (name, hex(s), hex(e), n)


def test_uefi_refusal_ends_by_itself(uefi):
    # a bit of the initrd flipped after load: the stub names it on the
    # serial console and ends the run (arm64: PSCI SYSTEM_OFF, the conduit
    # from FACP; x86_64: the test exit), never jumping
    r = uefi.boot("charon.flip=initrd")
    why = uefi.why(r)
    here = marker_at(r, "kexec 0 -> 1")
    assert here >= 0 and len(boots(r)) == 1, why
    after = r.out[here:]
    assert STUB_START.search(after), why
    assert "'initrd' at 0x" in after and "SHA-256 MISMATCH" in after, why
    assert "FAILED: refusing to boot" in after, why
    assert not STUB_JUMP.search(after), why
    if uefi.arch == "arm64":
        assert "charon: PSCI SYSTEM_OFF (hvc)" in after, why
    assert not r.timed_out, why
    assert r.status == uefi.exit_status, why


def test_uefi_kdump_keeps_efi(uefi):
    # load --crash on the UEFI boot, then a panic: the dump kernel has EFI
    # with runtime services (x86_64: efi_info and SETUP_EFI in its
    # boot_params too) and ACPI, and makedumpfile reads /proc/vmcore
    r = uefi.boot(kdump=True)
    why = uefi.why(r)
    dump = marker_at(r, "kdump-crash")
    assert marker_at(r, "kdump-loaded") >= 0 and dump >= 0, why
    reports = [(m.start(), m.groups()) for m in EFI_RE.finditer(r.out)]
    assert [at > dump for at, _ in reports] == [False, True], why
    sys1, map1, acpi1 = reports[1][1]
    assert sys1 == "yes" and int(acpi1) > 0, why
    if uefi.arch == "x86_64":
        assert int(map1) > 0, why
    vars_ = [m.group(1) for m in VAR_RE.finditer(r.out)]
    assert len(vars_) == 2 and vars_[0].startswith("name="), why
    assert vars_[1] == vars_[0], why
    assert re.search(r"^CHARON-MARKER: makedumpfile rc=0 bytes=[1-9]",
                     r.out[dump:], re.M), why
    assert marker_at(r, "kdump-done", dump) > 0 and not r.timed_out, why
