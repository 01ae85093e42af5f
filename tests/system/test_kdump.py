# SPDX-License-Identifier: MIT
"""kdump through the stub (issue 15).

QEMU boots Debian's kernel directly (no stub) with crashkernel= and the
kdump initramfs ($O/initramfs/<arch>-kdump.cpio.gz: the kexec initramfs
plus Debian 12's makedumpfile and vmcore-dmesg with their libraries, and
one module of the kernel).  With charon.kdump=1 its /init
(tests/system/initramfs/init.c) runs `charon load --crash` (the same
kernel, its own initrd, charon.kdump=dump), `charon status`, and writes "c"
to /proc/sysrq-trigger.  Linux panics and enters the stub as the crash
purgatory; the stub verifies every segment and boots the dump kernel, whose
/init finds /proc/vmcore, runs makedumpfile and vmcore-dmesg on it, insmods
the module (its MODVERSIONS CRCs must match the running kernel), says where
it runs, and powers off.  docs/testing.md, "kdump".

Every stage is a check of its own: a failing test lists every stage with
what the console showed, so that one run says how far the crash got.
"""
import bisect
import re
import shutil

import pytest

from charonrun import run
from conftest import kernel_dir
from test_kexec import MACHINES, STUB_JUMP, STUB_START, TEST_EXIT_STATUS

# the crash region the first kernel reserves; it must hold the dump
# kernel, its initrd (the uncompressed rebuilt cpio) and its runtime
CRASHKERNEL = {"arm64": "256M", "arm": "128M", "x86_64": "256M",
               "ppc64le": "512M"}
# -smp 2 proves the other CPUs are stopped (arm64: PSCI CPU_OFF; arm: they
# spin in the old kernel; x86: NMI shootdown); powernv's skiboot makes a
# second thread slow under TCG
SMP = {"arm64": 2, "arm": 2, "x86_64": 2, "ppc64le": 1}
# seconds for the whole run: first boot, load, panic, stub, dump kernel,
# makedumpfile over the first kernel's memory (TCG)
TIMEOUT = {"arm64": 300, "arm": 360, "x86_64": 360, "ppc64le": 480}
SELFTEST_TIMEOUT = {"arm64": 90, "arm": 90, "x86_64": 120, "ppc64le": 180}
# what Linux 6.1 logs for "c" written to /proc/sysrq-trigger
# (drivers/tty/sysrq.c: the op's action_msg under pr_fmt "sysrq: ", then
# its panic())
SYSRQ_ACTION = "sysrq: Trigger a crash"
SYSRQ_PANIC = "Kernel panic - not syncing: sysrq triggered crash"
PPC64_PAGE_OFFSET = 0xc000000000000000
# makedumpfile 1.7.2 on arm derives page_offset as _stext & 0xffc00000 and
# phys_base from the lowest PT_LOAD.  It fails with kexec-tools' header on
# Debian's armmp (docs/kdump.md); with charon's, whose RAM PT_LOADs start at
# the start of RAM and whose linear map agrees, it works, so it is checked
# on every arch.  An arch listed here would have its makedumpfile checks
# reported as KNOWN and the test xfailed if nothing else failed.
MAKEDUMPFILE_KNOWN_BAD = set()


def kv(text):
    """{key: value} of the key=value words of a marker's text"""
    return dict(w.split("=", 1) for w in text.split() if "=" in w)


class Kdump:
    """One arch's kdump runs: files, QEMU, the first command line."""

    def __init__(self, arch, build_dir, log_dir):
        self.arch = arch
        self.log_dir = log_dir
        self.qemu, self.console, self.machine = MACHINES[arch]
        if not shutil.which(self.qemu):
            pytest.skip(f"{self.qemu} not installed (scripts/install-deps)")
        self.kernel = kernel_dir(build_dir, arch) / "vmlinuz"
        self.initrd = build_dir / "initramfs" / f"{arch}-kdump.cpio.gz"
        for path in (self.kernel, self.initrd):
            assert path.exists(), f"{path} missing (make check-build)"

    def boot(self, name, *params, crashkernel=True, timeout=None, smp=None):
        append = " ".join([f"console={self.console}", "panic=-1",
                           "retain_initrd"]
                          + ([f"crashkernel={CRASHKERNEL[self.arch]}"]
                             if crashkernel else []) + list(params))
        args = self.machine + ["-smp", str(smp or SMP[self.arch]),
                               "-nographic", "-no-reboot",
                               "-kernel", self.kernel, "-initrd", self.initrd,
                               "-append", append]
        r = run(self.qemu, args, timeout=timeout or TIMEOUT[self.arch])
        r.log = self.log_dir / f"{self.arch}-{name}-console.log"
        r.log.write_text(r.out)
        return r


@pytest.fixture(params=list(MACHINES))
def kdump(request, build_dir, tmp_path):
    return Kdump(request.param, build_dir, tmp_path)


def at_time(r, offset):
    """seconds since QEMU started when r.out[offset] had been read"""
    ends = [n for _, n in r.chunks]
    i = bisect.bisect_right(ends, offset)
    return r.chunks[i][0] if i < len(r.chunks) else r.wall


def markers(r):
    """[(offset, text)] of every marker"""
    return [(at, t) for _, at, t in r.markers()]


def first(r, prefix, start=0):
    """(offset, text) of the first marker starting with prefix at or after
    start, or (-1, None)"""
    return next(((at, t) for at, t in markers(r)
                 if t.startswith(prefix) and at >= start), (-1, None))


class Stages:
    """What one run got to, stage by stage: (name, ok, what was seen)."""

    def __init__(self, r, arch):
        self.r, self.arch = r, arch
        self.rows, self.times = [], []

    def check(self, name, ok, seen, known_bad=False):
        self.rows.append((name, bool(ok), seen, known_bad and not ok))
        return ok

    def time(self, name, offset):
        if offset >= 0:
            self.times.append((name, at_time(self.r, offset)))

    def report(self):
        lines = [f"{self.arch}: QEMU ran {self.r.wall:.1f}s, exit "
                 f"{self.r.status}{' (timed out)' if self.r.timed_out else ''}"]
        lines += [f"  {'ok  ' if ok else ('KNOWN' if known else 'FAIL')} "
                  f"{name}: {seen}" for name, ok, seen, known in self.rows]
        lines += ["  times: " + ", ".join(f"{n} {t:.1f}s" for n, t in self.times)]
        return "\n".join(lines)

    def finish(self):
        text = self.report()
        print(text)
        bad = [n for n, ok, _, known in self.rows if not ok and not known]
        known = [n for n, ok, _, k in self.rows if k]
        if bad:
            pytest.fail(f"{text}\n{self.r}\n(the whole console output: "
                        f"{self.r.log})", pytrace=False)
        if known:
            pytest.xfail(f"known failures only ({', '.join(known)}):\n{text}")


def crash_stages(r, arch):
    """The stages up to the stub's jump: loaded, panicked, stub started,
    verified.  -> (Stages, offset of the stub's start or -1)"""
    s = Stages(r, arch)
    boot, _ = first(r, "booted cmdline=")
    s.time("first /init", boot)
    s.check("first kernel reached /init", boot >= 0,
            "booted marker" if boot >= 0 else "no booted marker")
    at, text = first(r, "kdump-load")
    loaded, _ = first(r, "kdump-loaded")
    failed, ftext = first(r, "kdump-load-failed")
    s.time("charon load --crash", at)
    s.time("loaded", loaded)
    line = re.search(r"^charon: loaded \d+ segments, entry 0x[0-9a-f]+",
                     r.out, re.M)
    error = re.search(r"^charon: error: .*$", r.out[max(at, 0):], re.M)
    s.check("charon load --crash", loaded >= 0 and failed < 0,
            (line.group(0) if line else "no 'charon: loaded' line")
            + (f"; {error.group(0).strip()}" if error else "")
            + (f"; {ftext}" if ftext else "")
            + ("" if loaded >= 0 or ftext else
               "; no kdump-loaded marker" + ("" if at >= 0 else
                                            " (and no kdump-load marker)")))
    status = re.search(r"^kexec crash: .*$", r.out, re.M)
    s.check("charon status sees the crash kernel",
            status and "not loaded" not in status.group(0),
            status.group(0).strip() if status else "no 'kexec crash:' line")
    panic = r.out.find(SYSRQ_PANIC)
    s.time("panic", panic)
    s.check("the first kernel panicked (sysrq c)", panic >= 0,
            SYSRQ_PANIC if panic >= 0 else
            ("kdump-crash-returned" if first(r, "kdump-crash-returned")[0] >= 0
             else "no panic line"))
    start = STUB_START.search(r.out, max(panic, 0)) if panic >= 0 else None
    s.time("stub", start.start() if start else -1)
    s.check("the stub started", start,
            start.group(0).strip() if start else "no 'charon: stub at' line")
    return s, (start.start() if start else -1)


def test_kdump(kdump):
    check_kdump(kdump)


@pytest.mark.parametrize("kdump", ["ppc64le"], indirect=True)
def test_kdump_prerelocate(kdump):
    # --prerelocate: the crash kernel relocated for its address by charon,
    # __kcrctab left alone: the dump kernel's module load proves the CRCs
    check_kdump(kdump, "charon.kdump-prerelocate=1", name="prerelocate")


def check_kdump(kdump, *params, name="kdump"):
    arch = kdump.arch
    r = kdump.boot(name, "charon.kdump=1", "charon.fail=test-exit", *params)
    s, start = crash_stages(r, arch)
    jump = STUB_JUMP.search(r.out, start) if start >= 0 else None
    refused = "FAILED" in r.out[start:] if start >= 0 else False
    s.check("the stub verified every region and jumped", jump and not refused,
            jump.group(0) if jump else
            ("FAILED: " + r.out[r.out.find("FAILED", start):][:120].split("\n")[0]
             if refused else "no 'all N regions verified; jumping' line"))
    dump, dtext = first(r, "kdump-dump-kernel ", max(start, 0))
    s.time("dump kernel /init", dump)
    s.check("the dump kernel booted with /proc/vmcore", dump >= 0,
            dtext or ("kdump-dump-kernel-without-vmcore"
                      if first(r, "kdump-dump-kernel-without-vmcore")[0] >= 0
                      else "no kdump-dump-kernel marker"))
    if dump >= 0:
        d = kv(dtext)
        s.check("the dump kernel's command line has no crashkernel=",
                d.get("crashkernel") == "no", dtext)
        mem = first(r, "meminfo ", dump)[1]
        s.check("dump kernel memory", True, mem or "no meminfo marker")
        at, text = first(r, "makedumpfile rc=", dump)
        m = kv(text or "")
        s.time("makedumpfile done", at)
        s.check("makedumpfile -F -c -d 31 /proc/vmcore",
                m.get("rc") == "0" and int(m.get("bytes", "0")) > 0,
                text or "no makedumpfile marker",
                known_bad=arch in MAKEDUMPFILE_KNOWN_BAD)
        for tool in ("makedumpfile", "vmcore-dmesg"):
            text = first(r, f"dmesg tool={tool} ", dump)[1]
            m = kv(text or "")
            s.check(f"{tool}: the first kernel's log has the sysrq line",
                    m.get("rc") == "0" and m.get("sysrq") == "yes",
                    text or f"no dmesg tool={tool} marker",
                    known_bad=tool == "makedumpfile"
                    and arch in MAKEDUMPFILE_KNOWN_BAD)
        text = first(r, "module ", dump)[1]
        m = kv(text or "")
        s.check("insmod (MODVERSIONS CRCs match)",
                m.get("rc") == "0" and m.get("loaded") == "yes",
                text or "no module marker")
        text = first(r, "kernel-code ", dump)[1]
        s.check("where the dump kernel runs", text is not None,
                text or "no kernel-code marker")
        if arch == "ppc64le" and text:
            m = kv(text)
            code = m.get("iomem", "none")
            phys = (int(code, 16) if code != "none" else
                    int(m["_stext"], 16) - PPC64_PAGE_OFFSET
                    if m.get("_stext", "none") != "none" else 0)
            s.check("ppc64le: the dump kernel runs at its load address "
                    "(not 0)", phys != 0, f"0x{phys:x} ({text})")
        done, _ = first(r, "kdump-done", dump)
        s.time("dump done", done)
        s.check("the dump kernel's /init finished", done >= 0,
                "kdump-done" if done >= 0 else "no kdump-done marker")
        oops = re.search(r"^.*(Kernel panic - not syncing|Oops|BUG:).*$",
                         r.out[dump:], re.M)
        s.check("no panic or oops in the dump kernel", not oops,
                oops.group(0).strip() if oops else "none")
    s.check("QEMU ended by itself", not r.timed_out,
            f"exit {r.status}" + (" (timed out)" if r.timed_out else ""))
    s.finish()


@pytest.mark.parametrize("kdump", ["arm64"], indirect=True)
def test_kdump_reuse_cmdline(kdump):
    # --reuse-cmdline: charon load starts from /proc/cmdline and must drop
    # crashkernel= from it itself (/init passes only the additions)
    r = kdump.boot("reuse", "charon.kdump=1", "charon.kdump-reuse=1",
                   "charon.fail=test-exit", timeout=TIMEOUT[kdump.arch] // 2)
    s, start = crash_stages(r, kdump.arch)
    dump, dtext = first(r, "kdump-dump-kernel ", max(start, 0))
    s.check("the dump kernel booted", dump >= 0,
            dtext or "no kdump-dump-kernel marker")
    s.check("charon load dropped crashkernel= from the reused command line",
            dump >= 0 and kv(dtext).get("crashkernel") == "no",
            dtext or "-")
    s.check("QEMU ended by itself", not r.timed_out, f"exit {r.status}")
    s.finish()


@pytest.mark.parametrize("kdump", ["arm64", "x86_64"], indirect=True)
def test_kdump_refuses_flipped_kernel(kdump):
    # one bit of the crash kernel flipped after charon load recorded its
    # digest: on the panic the stub names it, refuses, and leaves QEMU
    # through the test exit; no dump kernel boots
    r = kdump.boot("flip", "charon.kdump=1", "charon.flip-crash=kernel",
                   "charon.fail=test-exit", timeout=TIMEOUT[kdump.arch] // 2)
    s, start = crash_stages(r, kdump.arch)
    after = r.out[start:] if start >= 0 else ""
    mism = re.search(r"^.*'kernel' at 0x.*SHA-256 MISMATCH.*$", after, re.M) \
        or re.search(r"^.*'kernel' at 0x.*$", after, re.M)
    s.check("the stub named 'kernel' with SHA-256 MISMATCH",
            "'kernel' at 0x" in after and "SHA-256 MISMATCH" in after,
            mism.group(0).strip() if mism else "no 'kernel' line")
    others = [o for o in ("initrd", "dtb", "boot_params", "cmdline", "elfcorehdr")
              if f"'{o}' at 0x" in after and "MISMATCH" in
              after[after.find(f"'{o}' at 0x"):].split("\n")[0]]
    s.check("no other region mismatched", not others, ", ".join(others) or "none")
    s.check("FAILED: refusing to boot", "FAILED: refusing to boot" in after,
            "yes" if "FAILED: refusing to boot" in after else "no such line")
    s.check("the stub did not jump", not STUB_JUMP.search(after),
            "no jump" if not STUB_JUMP.search(after) else "it jumped")
    dump, _ = first(r, "kdump-dump-kernel", max(start, 0))
    nboots = len([t for _, t in markers(r) if t.startswith("booted cmdline=")])
    s.check("no dump kernel booted", dump < 0 and nboots == 1,
            f"{nboots} booted marker(s)")
    s.check("QEMU left through the test exit",
            not r.timed_out and r.status == TEST_EXIT_STATUS[kdump.arch],
            f"exit {r.status}" + (" (timed out)" if r.timed_out else ""))
    s.finish()


def test_kdump_selftest(kdump):
    # no crash: the tools start (their libraries and ld.so resolve in the
    # archive) and the module loads in a normal boot of the same kernel
    r = kdump.boot("selftest", "charon.kdump-selftest=1", crashkernel=False,
                   timeout=SELFTEST_TIMEOUT[kdump.arch], smp=1)
    s = Stages(r, kdump.arch)
    text = first(r, "selftest makedumpfile-version ")[1]
    s.check("makedumpfile -v", text and kv(text).get("rc") == "0",
            text or "no marker")
    text = first(r, "selftest vmcore-dmesg-usage ")[1]
    rc = int(kv(text or "rc=127").get("rc", "127"))
    s.check("vmcore-dmesg starts (usage)", text and rc < 127,
            text or "no marker")
    text = first(r, "module ")[1]
    m = kv(text or "")
    s.check("insmod", m.get("rc") == "0" and m.get("loaded") == "yes",
            text or "no marker")
    s.check("kernel-code", True, first(r, "kernel-code ")[1] or "no marker")
    s.check("selftest finished", first(r, "selftest-done")[0] >= 0
            and not r.timed_out, f"exit {r.status}")
    s.finish()
