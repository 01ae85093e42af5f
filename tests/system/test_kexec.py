# SPDX-License-Identifier: MIT
"""Kernel-to-kernel kexec through the stub (issue 7).

QEMU boots Debian's kernel directly (-kernel/-initrd, no stub) with the
kexec initramfs ($O/initramfs/<arch>-kexec.cpio.gz: the test /init, the
static charon as /bin/charon, the stub as /boot/charon-stub.bin, the
kernel as /boot/vmlinuz).  Its /init (tests/system/initramfs/init.c) runs
`charon load` with charon.boot=K+1 on the command line, `charon status`
and `charon exec`; Linux kexecs into the stub as purgatory, the stub
verifies every segment and boots the same kernel again, whose /init
prints its marker with the new command line.  charon.kexec=N on the first
command line sets how many kexecs the run does.
"""
import re
import shutil

import pytest

from charonrun import run
from conftest import kernel_dir

# as charon qemu runs these machines (loader/qemu.c), with the exits the
# stub's test-exit policy uses: semihosting on arm, isa-debug-exit on x86,
# OPAL on powernv
MACHINES = {
    "arm64": ("qemu-system-aarch64", "ttyAMA0",
              ["-M", "virt", "-cpu", "cortex-a57", "-m", "1G",
               "-semihosting-config", "enable=on,target=native"]),
    "arm": ("qemu-system-arm", "ttyAMA0",
            ["-M", "virt", "-cpu", "cortex-a15", "-m", "1G",
             "-semihosting-config", "enable=on,target=native"]),
    "x86_64": ("qemu-system-x86_64", "ttyS0",
               ["-M", "q35", "-m", "1G",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]),
    "ppc64le": ("qemu-system-ppc64", "hvc0", ["-M", "powernv9", "-m", "2G"]),
}
# QEMU's exit status after the stub's test exit (powernv: OPAL's power
# down, which looks like any power-off)
TEST_EXIT_STATUS = {"arm64": 1, "arm": 1, "x86_64": 1, "ppc64le": 0}
# seconds one boot (firmware, kernel, /init, charon load, kexec) may take
# under TCG here; a run of N kexecs gets N + 1 of them
BOOT_TIMEOUT = {"arm64": 60, "arm": 60, "x86_64": 90, "ppc64le": 120}
STUB_START = re.compile(r"^charon: stub at 0x[0-9a-f]+-0x[0-9a-f]+, ", re.M)
STUB_JUMP = re.compile(r"^charon: all \d+ regions verified; jumping to 0x",
                       re.M)


class Kexec:
    """One arch's kexec runs: files, QEMU, the first command line."""

    def __init__(self, arch, build_dir, log_dir):
        self.arch = arch
        self.log_dir = log_dir
        self.qemu, self.console, self.machine = MACHINES[arch]
        if not shutil.which(self.qemu):
            pytest.skip(f"{self.qemu} not installed (scripts/install-deps)")
        self.kernel = kernel_dir(build_dir, arch) / "vmlinuz"
        self.initrd = build_dir / "initramfs" / f"{arch}-kexec.cpio.gz"
        for path in (self.kernel, self.initrd):
            assert path.exists(), f"{path} missing (make check-build)"

    def boot(self, kexecs, *params):
        """Boot with charon.kexec=kexecs and params on the first command
        line; return (the run, the first command line)."""
        append = " ".join([f"console={self.console}", "panic=-1",
                           "retain_initrd", f"charon.kexec={kexecs}",
                           *params])
        args = self.machine + ["-smp", "1", "-nographic", "-no-reboot",
                               "-kernel", self.kernel, "-initrd",
                               self.initrd, "-append", append]
        r = run(self.qemu, args,
                timeout=BOOT_TIMEOUT[self.arch] * (kexecs + 1))
        r.log = self.log_dir / f"{self.arch}-console.log"
        r.log.write_text(r.out)
        for t, _, text in r.markers():
            if text.startswith(("booted", "kexec")):
                print(f"{self.arch} {t:6.1f}s {text[:60]}")
        print(f"{self.arch}: QEMU ran {r.wall:.1f}s, exit {r.status}")
        return r, append


@pytest.fixture(params=list(MACHINES))
def kexec(request, build_dir, tmp_path):
    return Kexec(request.param, build_dir, tmp_path)


def why(r):
    """The end of the console output, and where all of it is."""
    return f"{r}\n(the whole console output: {r.log})"


def next_cmdline(cmdline, k):
    """What /init passes to boot k: charon.boot=k in place of the old one,
    or added at the end."""
    words = cmdline.split()
    for i, w in enumerate(words):
        if w.startswith("charon.boot="):
            words[i] = f"charon.boot={k}"
            return " ".join(words)
    return " ".join(words + [f"charon.boot={k}"])


def boots(r):
    """[(offset in r.out, cmdline)] of every boot that reached /init."""
    prefix = "booted cmdline="
    return [(at, text[len(prefix):])
            for _, at, text in r.markers() if text.startswith(prefix)]


def marker_at(r, text, start=0):
    """Where the first marker line saying exactly text at or after start
    is in r.out; -1 if there is none."""
    return next((at for _, at, t in r.markers() if t == text and at >= start),
                -1)


def check_kexec_chain(r, first, kexecs):
    """Boots 0..kexecs reached /init in order, each with the command line
    /init gave it, each after the stub's verification and jump."""
    failed = [t for _, _, t in r.markers() if t.startswith("kexec-failed")]
    assert not failed, why(r)
    got = boots(r)
    assert [c for _, c in got] == [next_cmdline(first, k) if k else first
                                   for k in range(kexecs + 1)], why(r)
    for k in range(kexecs):
        here = marker_at(r, f"kexec {k} -> {k + 1}", got[k][0])
        nxt = got[k + 1][0]
        assert got[k][0] < here < nxt, why(r)
        start = STUB_START.search(r.out, here)
        assert start and start.start() < nxt, f"{k + 1}: no stub\n{why(r)}"
        jump = STUB_JUMP.search(r.out, start.end())
        assert jump and jump.start() < nxt, f"{k + 1}: no jump\n{why(r)}"
        # charon status saw it loaded; Linux itself kexec'd into the stub
        before_stub = r.out[here:start.start()]
        # (its "kexec crash: not loaded" line is about the crash kernel)
        assert not re.search(r"^kexec: not loaded", before_stub, re.M), why(r)
        assert "kexec_core: Starting new kernel" in before_stub, why(r)
        assert "FAILED" not in r.out[here:nxt], why(r)
    assert not r.timed_out, why(r)


def test_kexec_once(kexec):
    r, first = kexec.boot(1, "charon.fail=test-exit")
    got = boots(r)
    assert got and "charon.boot=" not in got[0][1], why(r)
    check_kexec_chain(r, first, 1)
    assert "charon.boot=1" in got[1][1].split(), why(r)


def test_kexec_refuses_flipped_initrd(kexec):
    # one bit of the initrd flipped after charon load recorded its digest:
    # the stub names it, refuses, and leaves QEMU (test exit)
    r, _ = kexec.boot(1, "charon.flip=initrd", "charon.fail=test-exit")
    assert len(boots(r)) == 1, why(r)
    here = marker_at(r, "kexec 0 -> 1")
    assert here >= 0, why(r)
    after = r.out[here:]
    assert STUB_START.search(after), why(r)
    assert "'initrd' at 0x" in after and "SHA-256 MISMATCH" in after, why(r)
    assert "FAILED: refusing to boot" in after, why(r)
    for other in ("'kernel' at 0x", "'dtb' at 0x", "'boot_params' at 0x",
                  "'cmdline' at 0x"):
        assert other not in after, why(r)
    assert not STUB_JUMP.search(after), why(r)
    assert not r.timed_out, why(r)
    assert r.status == TEST_EXIT_STATUS[kexec.arch], why(r)


def test_kexec_loop(kexec):
    # each boot kexecs the next through the stub: 0 -> 1 -> ... -> 5
    r, first = kexec.boot(5, "charon.fail=test-exit")
    check_kexec_chain(r, first, 5)
    # each kernel's tree carries the /memreserve/ of the stub that booted
    # it; charon load drops it again, so the stubs do not creep down
    where = re.findall(r"^charon: stub at (0x[0-9a-f]+)-", r.out, re.M)
    assert len(where) == 5 and len(set(where)) == 1, where
