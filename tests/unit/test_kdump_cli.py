# SPDX-License-Identifier: MIT
"""`charon load --crash --dry-run --root DIR --dump OUT`: the crash kernel's
plan and charon's ELF core header, on every kdump arch, from fake roots.

Each root is what the running kernel shows (test_kexec_cli.py's trees)
plus kdump's inputs: a crashkernel= region ("Crash kernel" in
/proc/iomem; ppc64: /proc/device-tree/chosen/linux,crashkernel-*), each
possible CPU's crash_notes and crash_notes_size, /sys/kernel/vmcoreinfo
and the program headers of /proc/kcore.  The header charon writes is read
back with binutils' readelf (not with charon's code), the edited tree with
dtc, boot_params with struct, and checked against those inputs:

- ET_CORE of the target's class (ELF32 on arm), byte order and machine;
- one PT_NOTE per CPU and one for VMCOREINFO, at the sysfs addresses and
  sizes;
- PT_LOADs covering exactly System RAM minus the crash region, with the
  linear map's addresses from kcore (ppc64: 0xc000000000000000), p_offset
  the physical address but for the backed-up range (x86_64: the RAM below
  640 KiB; ppc64: the first 64 KiB), whose p_offset is its copy;
- the kernel text PT_LOAD on x86_64 and arm64, from kcore;
- every segment in the crash region; crashkernel= gone from the command
  line; elfcorehdr= (arm, x86_64, ppc64) or /chosen linux,elfcorehdr
  (arm, arm64, ppc64) naming the header segment; the dump kernel's RAM:
  linux,usable-memory-range (arm, arm64), linux,usable-memory (ppc64),
  the e820 map (x86_64).
"""
import re
import shutil
import struct
import subprocess

import pytest

from conftest import ROOT, kernel_file
from hostrun import charon
from test_kexec_cli import (ARM64_DTS, KERNEL_LINES, LIVE_OPAL_BASE,
                            POWERNV_DTS, Q35_RAM, arm64_root, be64, dtc,
                            ppc_root, write, x86_root)

CPU_NOTES = [0x7fd00000, 0x7fd01000]
NOTE_SIZE = 424
VMCOREINFO = (0x7fd6c000, 0x1024)

CRASH = {
    "arm64": (0x60000000, 0x70000000),
    "arm": (0x68000000, 0x70000000),
    "x86_64": (0x2f000000, 0x3f000000),
    "ppc64le": (0x08000000, 0x28000000),
}
EM = {"arm64": 183, "arm": 40, "x86_64": 62, "ppc64le": 21}
RAM = {"arm64": [(0x40000000, 0x80000000)], "arm": [(0x40000000, 0x80000000)],
       "x86_64": [(a, b + 1) for a, b in Q35_RAM],
       "ppc64le": [(0, 0x80000000)]}
# the linear map (PAGE_OFFSET - PHYS_OFFSET) and kernel text, as kcore has
LINEAR = {"arm64": 0xffff000000000000, "arm": 0x80000000,
          "x86_64": 0xffff888000000000, "ppc64le": 0xc000000000000000}
TEXT = {"arm64": (0xffff800008000000, 0x40210000, 0x2000000),
        "x86_64": (0xffffffff81000000, KERNEL_LINES[0][0], 0x2200000)}
ELF32 = {"arm"}
OPAL_RUNTIME = 0x1c30000


def kcore(arch):
    """/proc/kcore's ELF header and program headers: RAM in the linear
    map, the kernel text at its own address, a vmalloc range with no
    physical address."""
    loads = [(LINEAR[arch] + a, a, b - a) for a, b in RAM[arch]]
    if arch in TEXT:
        loads.append(TEXT[arch])
    if arch in ELF32:
        loads.append((0xf0000000, 0xffffffff, 0x1000000))
        eh = (b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8) +
              struct.pack("<HHIIIIIHHHHHH", 4, EM[arch], 1, 0, 52, 0, 0,
                          52, 32, len(loads), 0, 0, 0))
        ph = b"".join(struct.pack("<IIIIIIII", 1, 0, v, p, s, s, 7, 4096)
                      for v, p, s in loads)
    else:
        loads.append((0xffffc90000000000, 0xffffffffffffffff, 0x1000000))
        eh = (b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8) +
              struct.pack("<HHIQQQIHHHHHH", 4, EM[arch], 1, 0, 64, 0, 0,
                          64, 56, len(loads), 0, 0, 0))
        ph = b"".join(struct.pack("<IIQQQQQQ", 1, 7, 0, v, p, s, s, 4096)
                      for v, p, s in loads)
    return eh + ph


def crash_root(root, arch, tmp, crash=None, cmdline=None, cpus=True,
               vmcoreinfo=True, kc=True):
    crash = CRASH[arch] if crash is None else crash
    if arch == "x86_64":
        x86_root(root, crash=crash or None, cmdline=cmdline or
                 "BOOT_IMAGE=/vmlinuz root=/dev/sda1 crashkernel=256M "
                 "console=ttyS0")
    elif arch in ("arm64", "arm"):
        dtb = dtc(write(tmp, "virt.dts", ARM64_DTS), tmp / "virt.dtb")
        arm64_root(root, dtb, crash=crash or None)
        write(root, "proc/cmdline", cmdline or
              "console=ttyAMA0 crashkernel=128M root=/dev/vda\n")
    else:
        dts = POWERNV_DTS.replace(
            "opal-entry-address = <0x0 0x30003760>;",
            "opal-entry-address = <0x0 0x30003760>;\n\t\t"
            f"opal-runtime-size = <0x0 {OPAL_RUNTIME:#x}>;")
        assert dts != POWERNV_DTS
        dtb = dtc(write(tmp, "powernv.dts", dts), tmp / "pnv.dtb")
        ppc_root(root, dtb)
        write(root, "proc/cmdline", cmdline or
              "root=/dev/sda2 crashkernel=512M console=hvc0\n")
        if crash:
            dt = "proc/device-tree/chosen/"
            write(root, dt + "linux,crashkernel-base", be64(crash[0]))
            write(root, dt + "linux,crashkernel-size",
                  be64(crash[1] - crash[0]))
    cpu = "sys/devices/system/cpu/"
    write(root, cpu + "possible", "0-1\n")
    for i, a in enumerate(CPU_NOTES if cpus else []):
        write(root, cpu + f"cpu{i}/crash_notes", "%x\n" % a)
        write(root, cpu + f"cpu{i}/crash_notes_size", f"{NOTE_SIZE}\n")
    if vmcoreinfo:
        write(root, "sys/kernel/vmcoreinfo",
              "0x%016x %x\n" % VMCOREINFO)
    if kc:
        write(root, "proc/kcore", kcore(arch))
    return root


@pytest.fixture(params=list(CRASH))
def arch(request):
    return request.param


def load_crash(build_dir, root, arch, *args):
    k = kernel_file(build_dir, arch)
    stub = build_dir / arch / "charon-stub.bin"
    if not stub.exists():
        pytest.skip(f"{stub} not built")
    return charon(build_dir, "load", "--crash", "--dry-run", "--root", root,
                  "--arch", arch, "--kernel", k, "--stub", stub,
                  "--reuse-cmdline", *args)


ROW_RE = re.compile(r"^\s+(\w+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+"
                    r"0x([0-9a-f]+)\s+0x([0-9a-f]+)\s", re.M)


def layout(out):
    return {m[1]: (int(m[2], 16), int(m[5], 16)) for m in
            ROW_RE.finditer(out)}


def readelf(path):
    """readelf's view: (header fields, [(type, offset, vaddr, paddr,
    filesz, memsz)])."""
    exe = shutil.which("readelf")
    h = subprocess.run([exe, "-hW", str(path)], capture_output=True,
                       text=True, check=True).stdout
    p = subprocess.run([exe, "-lW", str(path)], capture_output=True,
                       text=True, check=True).stdout
    head = dict(re.findall(r"^\s+([^:]+):\s+(.*)$", h, re.M))
    phdrs = [(m[1], *(int(x, 16) for x in m.groups()[1:])) for m in
             re.finditer(r"^\s+(NOTE|LOAD)\s+(0x[0-9a-f]+)\s+"
                         r"(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)"
                         r"\s+(0x[0-9a-f]+)", p, re.M)]
    return head, phdrs


def minus(ram, cut):
    out = []
    for a, b in ram:
        if cut[1] <= a or cut[0] >= b:
            out.append((a, b))
            continue
        if a < cut[0]:
            out.append((a, cut[0]))
        if cut[1] < b:
            out.append((cut[1], b))
    return out


def test_crash_plan_and_core_header(build_dir, tmp_path, arch):
    root = crash_root(tmp_path / "root", arch, tmp_path)
    out = tmp_path / "dump"
    p = load_crash(build_dir, root, arch, "--append", "nr_cpus=1",
                   "--dump", out)
    assert p.returncode == 0, p.stderr
    lay = layout(p.stdout)
    c0, c1 = CRASH[arch]
    for name, (a, n) in lay.items():
        assert c0 <= a and a + n <= c1, (name, hex(a), p.stdout)
    assert "elfcorehdr" in lay, p.stdout
    hdr_addr = lay["elfcorehdr"][0]

    head, ph = readelf(out / "elfcorehdr")
    assert head["Type"].startswith("CORE"), head
    assert head["Class"] == ("ELF32" if arch in ELF32 else "ELF64"), head
    assert "little endian" in head["Data"], head
    notes = [x for x in ph if x[0] == "NOTE"]
    loads = [x for x in ph if x[0] == "LOAD"]
    assert [(n[3], n[4]) for n in notes] == \
        [(a, NOTE_SIZE) for a in CPU_NOTES] + [VMCOREINFO], notes
    assert all(n[1] == n[3] for n in notes), notes
    text = [x for x in loads if arch in TEXT and x[2] == TEXT[arch][0]]
    if arch in TEXT:
        assert [(t[2], t[3], t[4]) for t in text] == [TEXT[arch]], loads
    ram = sorted((x[3], x[3] + x[4]) for x in loads if x not in text)
    want = minus(RAM[arch], CRASH[arch])
    # contiguous pieces may be split (the backup range); merge to compare
    merged = []
    for a, b in ram:
        if merged and merged[-1][1] == a:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    assert merged == want, (ram, want)
    mask = 0xffffffff if arch in ELF32 else (1 << 64) - 1
    backup = lay.get("backup")
    for x in loads:
        if x in text:
            continue
        assert x[2] == (x[3] + LINEAR[arch]) & mask, x
        if backup and x[3] < 0xa0000 and x[3] + x[4] <= 0xa0000:
            # the backed-up low RAM reads from its copy
            assert x[1] == backup[0] + (x[3] - (0x1000 if arch ==
                                                "x86_64" else 0)), x
        else:
            assert x[1] == x[3], x
    if arch in ("x86_64", "ppc64le"):
        assert backup, p.stdout

    # the command line, and where the dump kernel finds the header
    if arch == "x86_64":
        line = (out / "cmdline").read_bytes().rstrip(b"\0").decode()
    else:
        dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts",
                              str(out / "dtb")], capture_output=True,
                             text=True, check=True).stdout
        line = re.search(r'bootargs = "([^"]*)"', dts)[1]
        m = re.search(r"linux,elfcorehdr = <0x00 (0x[0-9a-f]+) 0x00 "
                      r"(0x[0-9a-f]+)>", dts)
        assert m and int(m[1], 16) == hdr_addr, dts
        assert int(m[2], 16) == (out / "elfcorehdr").stat().st_size
        usable = re.findall(r"linux,usable-memory(?:-range)? = <([^>]*)>",
                            dts)
        cells = [int(v, 16) for v in " ".join(usable).split()]
        pairs = [(cells[i] << 32 | cells[i + 1],
                  cells[i + 2] << 32 | cells[i + 3])
                 for i in range(0, len(cells), 4)]
        if arch == "ppc64le":
            # one range from 0 (the real-mode area), the crashed kernel's
            # memory above the backed-up 64 KiB reserved
            assert "linux,usable-memory =" in dts, dts
            assert "usable-memory-range" not in dts, dts
            # and OPAL's runtime, where the running kernel says it is
            assert pairs == [(0, c1), (LIVE_OPAL_BASE, OPAL_RUNTIME)], pairs
            assert f"/memreserve/\t0x{0x10000:016x} " \
                f"0x{c0 - 0x10000:016x};" in dts, dts
            # it allocates top-down in the region: the header and the
            # backup copy reserved
            rsv = [(int(a, 16), int(n, 16)) for a, n in re.findall(
                r"/memreserve/\s+(0x[0-9a-f]+) (0x[0-9a-f]+);", dts)]
            for seg in ("elfcorehdr", "backup"):
                a, n = lay[seg]
                assert any(r <= a and a + n <= r + m for r, m in rsv), \
                    (seg, rsv)
        elif arch == "arm":
            # arm reads old memory with ioremap, which refuses the dump
            # kernel's own RAM: that ends at the header, on a 1 MiB line
            assert pairs == [(c0, hdr_addr - c0)], pairs
            assert hdr_addr % (1 << 20) == 0, hex(hdr_addr)
        else:
            assert "linux,usable-memory-range" in dts, dts
            assert pairs == [(c0, c1 - c0)], pairs
    assert "crashkernel=" not in line, line
    assert "nr_cpus=1" in line, line
    if arch == "arm64":
        assert "elfcorehdr=" not in line, line
    else:
        assert f"elfcorehdr=0x{hdr_addr:016x}" in line.split(), line

    if arch == "x86_64":
        bp = (out / "boot_params").read_bytes()
        e820 = [struct.unpack_from("<QQI", bp, 0x2d0 + 20 * i)
                for i in range(bp[0x1e8])]
        usable = [(a, a + n) for a, n, t in e820 if t == 1]
        # the low RAM (backed up), the crash region less the header and
        # the backup copy; nothing else of the crashed kernel's RAM
        assert usable[0] == (0x1000, 0x9fc00), e820
        assert all(c0 <= a and b <= c1 for a, b in usable[1:]), e820
        for seg in ("elfcorehdr", "backup"):
            a, n = lay[seg]
            assert not any(x < a + n and a < y for x, y in usable), seg
        assert any(t == 2 for _, _, t in e820), e820


def test_crash_no_region(build_dir, tmp_path, arch):
    root = crash_root(tmp_path / "root", arch, tmp_path, crash=())
    p = load_crash(build_dir, root, arch)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "--crash: no crash kernel region is reserved" in p.stderr
    assert "crashkernel=" in p.stderr, p.stderr


def test_crash_region_too_small(build_dir, tmp_path, arch):
    c0 = CRASH[arch][0]
    root = crash_root(tmp_path / "root", arch, tmp_path,
                      crash=(c0, c0 + (8 << 20)))
    p = load_crash(build_dir, root, arch)
    assert p.returncode == 1, (p.stdout, p.stderr)
    m = re.search(r"crashkernel region \[0x([0-9a-f]+), 0x([0-9a-f]+)\) is "
                  r"too small: the crash kernel needs at least 0x([0-9a-f]+)"
                  r" bytes \(\d+ MiB\), the region has 0x([0-9a-f]+)",
                  p.stderr)
    assert m, p.stderr
    assert int(m[4], 16) == 8 << 20 and int(m[3], 16) > int(m[4], 16)


@pytest.mark.parametrize("what,msg", [
    ("cpus", "crash_notes: none for the CPUs in \"0-1\""),
    ("vmcoreinfo", "/sys/kernel/vmcoreinfo"),
    ("kc", "/proc/kcore"),
])
def test_crash_inputs_missing(build_dir, tmp_path, arch, what, msg):
    if what == "kc" and arch == "ppc64le":
        pytest.skip("ppc64's linear map is fixed: no kcore read")
    root = crash_root(tmp_path / "root", arch, tmp_path, **{what: False})
    p = load_crash(build_dir, root, arch)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert msg in p.stderr, p.stderr


# ---- roots captured from QEMU guests (tests/system/capture_crash_roots.py)

CAPTURED = ROOT / "tests" / "unit" / "data" / "crash-roots"


def iomem_ranges(text, name, top=None):
    """[start, end) of /proc/iomem lines named name (top: at indent 0)."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$", line)
        if m and m[4] == name and (top is None or (not m[1]) == top):
            out.append((int(m[2], 16), int(m[3], 16) + 1))
    return out


def kcore_loads(data):
    """/proc/kcore's PT_LOADs as (vaddr, paddr, size), read with struct."""
    e = "<" if data[5] == 1 else ">"
    if data[4] == 2:
        phoff, = struct.unpack_from(e + "Q", data, 0x20)
        n, = struct.unpack_from(e + "H", data, 0x38)
        ph = [struct.unpack_from(e + "IIQQQQQQ", data, phoff + 56 * i)
              for i in range(n)]
        return [(p[3], p[4], p[6]) for p in ph if p[0] == 1]
    phoff, = struct.unpack_from(e + "I", data, 0x1c)
    n, = struct.unpack_from(e + "H", data, 0x2c)
    ph = [struct.unpack_from(e + "IIIIIIII", data, phoff + 32 * i)
          for i in range(n)]
    return [(p[2], p[3], p[5]) for p in ph if p[0] == 1]


@pytest.mark.parametrize("arch", sorted(CRASH))
def test_captured_root(build_dir, tmp_path, arch):
    src = CAPTURED / arch
    if not src.exists():
        pytest.skip(f"{src}: not captured")
    root = tmp_path / "root"
    shutil.copytree(src, root)
    out = tmp_path / "dump"
    p = load_crash(build_dir, root, arch, "--dump", out)
    assert p.returncode == 0, p.stderr

    iomem = (root / "proc/iomem").read_text()
    ram = iomem_ranges(iomem, "System RAM", top=True)
    if arch == "ppc64le":
        dt = root / "proc/device-tree/chosen"
        base = int.from_bytes((dt / "linux,crashkernel-base").read_bytes(),
                              "big")
        size = int.from_bytes((dt / "linux,crashkernel-size").read_bytes(),
                              "big")
        crash = [(base, base + size)]
    else:
        crash = iomem_ranges(iomem, "Crash kernel")
    assert crash, iomem
    lay = layout(p.stdout)
    for name, (a, n) in lay.items():
        assert crash[0][0] <= a and a + n <= crash[0][1], (name, hex(a))

    head, ph = readelf(out / "elfcorehdr")
    assert head["Class"] == ("ELF32" if arch in ELF32 else "ELF64"), head
    cpu = root / "sys/devices/system/cpu"
    want_notes = [(int((d / "crash_notes").read_text(), 16),
                   int((d / "crash_notes_size").read_text()))
                  for d in sorted(cpu.glob("cpu[0-9]*"),
                                  key=lambda d: int(d.name[3:]))
                  if (d / "crash_notes").exists()]
    a, n = (root / "sys/kernel/vmcoreinfo").read_text().split()
    want_notes.append((int(a, 16), int(n, 16)))
    assert [(x[3], x[4]) for x in ph if x[0] == "NOTE"] == want_notes, ph

    loads = [x for x in ph if x[0] == "LOAD"]
    kc = root / "proc/kcore"
    if arch == "ppc64le":
        linear, text = LINEAR[arch], None
    elif kc.exists():
        kl = kcore_loads(kc.read_bytes())
        inram = [k for k in kl if any(a <= k[1] < b for a, b in ram)]
        low = min(inram)
        linear = low[0] - low[1]
        kcode = iomem_ranges(iomem, "Kernel code")[0][0]
        text = [k for k in inram if k[0] - k[1] != linear and
                k[1] <= kcode < k[1] + k[2]]
        text = text[0] if arch in TEXT else None
    else:
        # armmp has no kcore: PAGE_OFFSET below _stext, PHYS_OFFSET
        stext = int((root / "proc/kallsyms").read_text().split()[0], 16)
        linear = (stext & ~0x1ffffff) - min(a for a, _ in ram)
        text = None
    if text:
        assert [(x[2], x[3], x[4]) for x in loads if x[2] == text[0]] == \
            [text], (text, loads)
    mask = 0xffffffff if arch in ELF32 else (1 << 64) - 1
    got = sorted((x[3], x[3] + x[4]) for x in loads
                 if not text or x[2] != text[0])
    for a, b in got:
        vaddr = [x[2] for x in loads if x[3] == a][0]
        assert vaddr == (a + linear) & mask, (hex(a), hex(vaddr))
    merged = []
    for a, b in got:
        if merged and merged[-1][1] == a:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    want = ram
    for c in crash:
        want = minus(want, c)
    assert merged == want, (merged, want)


@pytest.mark.parametrize("rel,data,msg", [
    # e_phoff wrapped past the bounds check (an ASan report before)
    ("proc/kcore", lambda b: b[:0x20] + b"\xff" * 8 + b[0x28:],
     "/proc/kcore: "),
    ("sys/devices/system/cpu/cpu0/crash_notes", lambda b: b"-1\n",
     "crash_notes: \"-1\": expected a physical address in hex"),
    ("sys/devices/system/cpu/cpu0/crash_notes",
     lambda b: b"ffffffffffffffff\n", "expected a physical address"),
])
def test_captured_root_damaged(build_dir, tmp_path, rel, data, msg):
    src = CAPTURED / "x86_64"
    if not src.exists():
        pytest.skip(f"{src}: not captured")
    root = tmp_path / "root"
    shutil.copytree(src, root)
    (root / rel).write_bytes(data((root / rel).read_bytes()))
    p = load_crash(build_dir, root, "x86_64")
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert msg in p.stderr, p.stderr
