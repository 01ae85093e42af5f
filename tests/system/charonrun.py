# SPDX-License-Identifier: MIT
"""Run `charon qemu` under pexpect and pick apart what it printed.

A test passes on what the console shows (the stub's lines, the probe's
register dump, the initramfs marker), never on QEMU's exit status alone:
a panicking kernel also makes QEMU exit 0.
"""
import bisect
import io
import re
import time

import pexpect

from conftest import kernel_dir

LAYOUT_RE = re.compile(r"^\s+(\w+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s", re.M)
PROBE_RE = re.compile(
    r"PROBE: x0=(?P<x0>[0-9a-f]{16}) x1=(?P<x1>[0-9a-f]{16}) "
    r"x2=(?P<x2>[0-9a-f]{16}) x3=(?P<x3>[0-9a-f]{16}) el=(?P<el>\d) "
    r"sctlr=(?P<sctlr>[0-9a-f]{16}) daif=(?P<daif>[0-9a-f]{16}) "
    r"pc=(?P<pc>[0-9a-f]{16}) dtb=(?P<dtb>[0-9a-f]{8})")
# tests/system/probe/arm.S
ARM_PROBE_RE = re.compile(
    r"PROBE: r0=(?P<r0>[0-9a-f]{8}) r1=(?P<r1>[0-9a-f]{8}) "
    r"r2=(?P<r2>[0-9a-f]{8}) cpsr=(?P<cpsr>[0-9a-f]{8}) "
    r"sctlr=(?P<sctlr>[0-9a-f]{8}) pc=(?P<pc>[0-9a-f]{8}) "
    r"w0=(?P<w0>[0-9a-f]{8}) w1=(?P<w1>[0-9a-f]{8})")
ARM_ATAG_RE = re.compile(r"^PROBE-ATAG:((?: [0-9a-f]{8})+)\s*$", re.M)
MARKER_RE = re.compile(r"^CHARON-MARKER: ([^\r\n]*)\r*\n", re.M)


class Result:
    def __init__(self, status, out, timed_out, chunks=(), wall=None):
        self.status = status
        self.out = out
        self.timed_out = timed_out
        # [(seconds since the start, length of out so far)] per read
        self.chunks = list(chunks)
        self.wall = wall

    def markers(self):
        """Every complete CHARON-MARKER line, in order, as (seconds since
        the start when it had been read, offset in out, text after the
        prefix)."""
        ends = [n for _, n in self.chunks]
        found = []
        for m in MARKER_RE.finditer(self.out):
            i = bisect.bisect_left(ends, m.end())
            t = self.chunks[i][0] if i < len(self.chunks) else self.wall
            found.append((t, m.start(), m.group(1)))
        return found

    def layout(self):
        """{segment: (start, end)} from the loader's layout table."""
        return {m.group(1): (int(m.group(2), 16), int(m.group(3), 16))
                for m in LAYOUT_RE.finditer(self.out)}

    def probe(self):
        m = PROBE_RE.search(self.out)
        if not m:
            return None
        return {k: int(v, 16) for k, v in m.groupdict().items()}

    def probe_arm(self):
        """The arm probe's register line, as ints."""
        m = ARM_PROBE_RE.search(self.out)
        if not m:
            return None
        return {k: int(v, 16) for k, v in m.groupdict().items()}

    def atags(self):
        """The ATAG list the arm probe walked: [[size, tag, payload...]]."""
        return [[int(w, 16) for w in m.group(1).split()]
                for m in ARM_ATAG_RE.finditer(self.out)]

    def marker(self):
        """The line the test initramfs' /init prints from /proc/cmdline
        once the kernel is up, or None."""
        for line in self.out.splitlines():
            if line.startswith("CHARON-MARKER: booted cmdline="):
                return line
        return None

    def __repr__(self):
        return str(self)

    def __str__(self):
        return "exit %s%s, output:\n%s" % (
            self.status, " (timed out)" if self.timed_out else "", self.out[-6000:])


def built_files(build_dir, arch):
    """What a system test of arch runs: the charon CLI, the stub, the
    probe payload, Debian's kernel and the test initramfs.  Each must
    exist."""
    files = {
        "charon": build_dir / "host" / "charon",
        "stub": build_dir / arch / "charon-stub.bin",
        "probe": build_dir / arch / "probe.bin",
        "initrd": build_dir / "initramfs" / f"{arch}.cpio.gz",
    }
    for name, path in files.items():
        assert path.exists(), f"{name}: {path} missing (make check-build)"
    # the Debian kernel of the booted set: tests that boot it ask for it
    # (conftest.kernel_file), so a set without it skips just those
    files["kernel_dir"] = kernel_dir(build_dir, arch)
    return files


def qemu_runner(files, arch, tmp_path):
    """charon qemu --arch arch with the built stub, files kept in
    tmp_path: a function of further arguments that runs it (see run())."""
    def go(*extra, timeout=120, stop_after=None):
        args = ["qemu", "--arch", arch, "--stub", files["stub"],
                "--workdir", tmp_path / "work"] + list(extra)
        return run(files["charon"], args, timeout=timeout,
                   stop_after=stop_after)
    return go


def check_flip_refused(r, label, labels):
    """r is a run with --flip-bit label: the stub named that region, and
    none other of labels, as failing its SHA-256, refused to boot and
    applied the test-exit policy (status 1, on isa-debug-exit too)."""
    assert f"'{label}' at 0x" in r.out and "SHA-256 MISMATCH" in r.out, r
    assert "FAILED: refusing to boot" in r.out, r
    for other in set(labels) - {label}:
        assert f"'{other}' at 0x" not in r.out, r
    assert "PROBE:" not in r.out, r
    assert r.status == 1, r


class _TimedLog(io.StringIO):
    """What pexpect read, and when each piece arrived."""

    def __init__(self):
        super().__init__()
        self.t0 = time.monotonic()
        self.chunks = []

    def write(self, s):
        n = super().write(s)
        self.chunks.append((time.monotonic() - self.t0, self.tell()))
        return n


def run(charon, args, timeout=120, stop_after=None):
    """Run charon (or any program) with args until it exits, or until the
    regular expression stop_after has appeared and 2 more seconds passed
    (for runs that end in a halt loop)."""
    log = _TimedLog()
    p = pexpect.spawn(str(charon), [str(a) for a in args], encoding="utf-8",
                      codec_errors="replace", timeout=timeout)
    p.logfile_read = log
    timed_out = False
    try:
        if stop_after:
            p.expect(stop_after)
            try:
                p.expect(pexpect.EOF, timeout=2)
            except pexpect.TIMEOUT:
                pass
        else:
            p.expect(pexpect.EOF)
    except pexpect.TIMEOUT:
        timed_out = True
    except pexpect.EOF:
        pass
    if p.isalive():
        p.terminate(force=True)
    p.close()
    return Result(p.exitstatus if p.exitstatus is not None else p.signalstatus,
                  log.getvalue(), timed_out, log.chunks,
                  time.monotonic() - log.t0)


# ---- x86_64 -----------------------------------------------------------------
# tests/system/probe/x86_64.S prints one line of key=hex fields, which
# depend on the boot protocol it was entered by:
#   PROBE: mode=64 rsi=.. pc=.. cr0=.. cr4=.. efer=.. cs=.. ds=.. ss=..
#          rflags=.. hdr=.. loader=.. cmdline=.. ramdisk=.. ramdisk_size=..
#          e820=.. peek=.. low=..
#   PROBE: mode=32 esi=.. pc=.. cr0=.. cs=.. ds=.. ss=.. ebx=.. edi=..
#          ebp=.. hdr=..
PROBE_X86_RE = re.compile(r"PROBE: mode=(?P<mode>32|64)"
                          r"(?P<fields>(?: [a-z0-9_]+=[0-9a-f]+)+)\r*\n")
PROBE_X86_KEYS = {
    64: ("rsi", "pc", "cr0", "cr4", "efer", "cs", "ds", "ss", "rflags", "hdr",
         "loader", "cmdline", "ramdisk", "ramdisk_size", "e820", "peek",
         "low"),
    32: ("esi", "pc", "cr0", "cs", "ds", "ss", "ebx", "edi", "ebp", "hdr"),
}


def probe_x86(out):
    """The x86_64 probe's line in out (a whole, complete line) as
    {"mode": 64 or 32, field: int}, or None if there is none; a line
    missing a field of its mode raises ValueError."""
    m = PROBE_X86_RE.search(out)
    if not m:
        return None
    mode = int(m.group("mode"))
    fields = dict(f.split("=") for f in m.group("fields").split())
    missing = set(PROBE_X86_KEYS[mode]) - set(fields)
    if missing:
        raise ValueError("PROBE mode=%d line lacks %s: %s" % (
            mode, ", ".join(sorted(missing)), m.group(0).strip()))
    probe = {k: int(v, 16) for k, v in fields.items()}
    probe["mode"] = mode
    return probe


def broken_reloc_stub(build_dir, arch, out, cross_readelf):
    """A copy of arch's stub whose first dynamic relocation has type 0x7e,
    which no arch's RELATIVE is: the stub must refuse to run on, naming
    the entry.  The stub ELF is linked at 0, so the section's address is
    its offset in the flat image; readelf (binutils) finds it."""
    import struct
    import subprocess
    elf = build_dir / arch / "charon-stub.elf"
    text = subprocess.run([cross_readelf, "-SW", "-h", str(elf)], check=True,
                          stdout=subprocess.PIPE, text=True).stdout
    big = "big endian" in text
    m = re.search(r"\]\s+\.rel(a?)\.dyn\s+RELA?\s+([0-9a-f]+)\s+[0-9a-f]+\s+"
                  r"([0-9a-f]+)", text)
    assert m, text
    rela, addr, size = m.group(1) == "a", int(m.group(2), 16), int(m.group(3), 16)
    assert size > 0, f"{elf}: no dynamic relocation to break"
    img = bytearray((build_dir / arch / "charon-stub.bin").read_bytes())
    if rela:        # Elf64_Rela: r_info's low 32 bits are the type
        off = addr + 8
        info, = struct.unpack_from(">Q" if big else "<Q", img, off)
        struct.pack_into(">Q" if big else "<Q", img, off,
                         (info & ~0xffffffff) | 0x7e)
    else:           # Elf32_Rel (arm): r_info's low byte is the type
        off = addr + 4
        info, = struct.unpack_from("<I", img, off)
        struct.pack_into("<I", img, off, (info & ~0xff) | 0x7e)
    out.write_bytes(bytes(img))
    return out


def check_reloc_refused(r):
    """A run of a broken_reloc_stub(): the stub named the entry, failed
    and never entered the payload."""
    assert re.search(r"charon: \.rela\.dyn entry 0 at 0x[0-9a-f]+: type 126 "
                     r"is not RELATIVE", r.out), r
    assert "FAILED: own relocation failed" in r.out, r
    assert "PROBE:" not in r.out, r
