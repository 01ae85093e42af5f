# SPDX-License-Identifier: MIT
"""libcharon's ppc64 pieces on the host, against binutils and QEMU.

Runs the cmocka program (ASan+UBSan) that `make host-tests` built, then:

- Debian's ppc64el vmlinux: what the library reads from it agrees with
  readelf and nm, and --prerelocate writes every one of its 136k
  relocations as readelf's table says;
- synthetic "kernels" linked here by the cross binutils, little- and
  big-endian, in the four shapes the __kcrctab rule knows: -shared with
  absolute CRC symbols (ld emits R_PPC64_ADDR64 against them), -pie with
  absolute CRC symbols (no CRC relocation at all, as since Linux 4.10),
  and -pie with section-relative CRC symbols (a RELATIVE relocation whose
  addend is the CRC, as pre-4.10 kernels had) with and without a
  `reloc_start` symbol; relocated by a non-zero offset, the CRCs survive
  exactly where the rule says skip and every other relocation is applied;
- skiboot (QEMU -M powernv9) starts the ELF charon_ppc64_stub_elf() makes
  at 0x20000000 + p_offset, big-endian, for big- and little-endian ELFs,
  with r3 = its device tree, r8/r9 = OPAL base/entry;
- charon_powernv_fdt() captures skiboot's device tree by booting the
  Debian kernel with the dumpfdt initramfs, and the second call is a
  cache hit.
"""
import os
import re
import shutil
import struct
import subprocess
import time

import pytest

from conftest import ROOT, kernel_file
from hostrun import run_unit

QEMU = "qemu-system-ppc64"
KERNEL_ADDR = 0x20000000
OPAL_BASE = 0x30000000
CROSS = {"le": "powerpc64le-linux-gnu-", "be": "powerpc64-linux-gnu-"}
R_RELATIVE, R_ADDR64, R_UADDR64 = 22, 38, 43
CRCS = {"__crc_foo": 0x12345678, "__crc_bar": 0x9abcdef0,
        "__crc_baz": 0x0badc0de}
MASK = (1 << 64) - 1


def _tool(build_dir):
    exe = build_dir / "host" / "tests" / "test-loader-ppc64"
    assert exe.exists(), f"{exe} not built (run make host-tests)"
    return exe


def _run(cmd, **kw):
    p = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=600, **kw)
    assert p.returncode == 0, f"{' '.join(map(str, cmd))}:\n{p.stderr}"
    return p.stdout


def _kv(out):
    return dict(ln.split("=", 1) for ln in out.splitlines() if "=" in ln)


def _need(tool, pkg):
    if not shutil.which(tool):
        pytest.fail(f"{tool} not found: install {pkg} (scripts/install-deps)")


def _kernel(build_dir, kernel_set):
    return str(kernel_file(build_dir, "ppc64le", kernel_set))


def test_loader_ppc64_unit(build_dir, kernel_set):
    run_unit(build_dir, "test-loader-ppc64", kernel_set,
             arches=("ppc64le",))


# ---- ELF facts through binutils, independently of the library -----------

def _loads(elf, readelf="readelf"):
    """PT_LOADs as (offset, vaddr, paddr, filesz, memsz)."""
    out = _run([readelf, "-lW", elf])
    return [tuple(int(x, 16) for x in ln.split()[1:6])
            for ln in out.splitlines() if ln.strip().startswith("LOAD")]


def _raw(elf, loads):
    data = open(elf, "rb").read()
    base = loads[0][1]
    end = max(v + m for _, v, _, _, m in loads)
    img = bytearray(end - base)
    for off, v, _, fs, _ in loads:
        img[v - base:v - base + fs] = data[off:off + fs]
    return img


def _dynsyms(elf):
    """index -> (value, ndx, bind) of .dynsym."""
    syms = {}
    for ln in _run(["readelf", "--dyn-syms", "-W", elf]).splitlines():
        m = re.match(r"\s*(\d+):\s+([0-9a-f]+)\s+\S+\s+\S+\s+(\S+)\s+\S+"
                     r"\s+(\S+)", ln)
        if m:
            syms[int(m.group(1))] = (int(m.group(2), 16), m.group(4),
                                     m.group(3))
    return syms


def _relocs(elf):
    """.rela.dyn as (offset, type, sym index, addend) from readelf -rW."""
    out = []
    for ln in _run(["readelf", "-rW", elf]).splitlines():
        f = ln.split()
        if len(f) < 3 or not re.fullmatch(r"[0-9a-f]{8,16}", f[0]):
            continue
        info = int(f[1], 16)
        add = 0
        if "+" in f or "-" in f:
            sign = -1 if "-" in f else 1
            add = sign * int(f[-1], 16)
        elif len(f) == 4:          # RELATIVE: offset info type addend
            a = f[3]
            add = -int(a[1:], 16) if a.startswith("-") else int(a, 16)
        out.append((int(f[0], 16), info & 0xffffffff, info >> 32, add))
    return out


def _sections(elf):
    """name -> (addr, size) of allocated sections."""
    secs = {}
    for ln in _run(["readelf", "-SW", elf]).splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+"
                     r"[0-9a-f]+\s+([0-9a-f]+)", ln)
        if m:
            secs[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
    return secs


def _expected(elf, offset):
    """{r_offset: value} for every relocation, by the ABI."""
    syms = _dynsyms(elf)
    want = {}
    for off, typ, sym, add in _relocs(elf):
        if typ == R_RELATIVE:
            assert sym == 0
            want[off] = (add + offset) & MASK
        else:
            assert typ in (R_ADDR64, R_UADDR64), (hex(off), typ)
            value, ndx, bind = syms[sym]
            if ndx == "UND":
                assert bind == "WEAK", (hex(off), sym)
                value = 0
            moves = ndx not in ("ABS", "UND")
            want[off] = (value + add + (offset if moves else 0)) & MASK
    return want


def _check_relocated(out, raw, base, want, endian, skip=()):
    """Each target holds its value (or the file's bytes when skipped);
    every other byte is the file's."""
    fmt = "<Q" if endian == "le" else ">Q"
    a, b = bytearray(out), bytearray(raw)
    for off, value in want.items():
        at = off - base
        got = struct.unpack_from(fmt, out, at)[0]
        if any(s <= off < e for s, e in skip):
            assert out[at:at + 8] == raw[at:at + 8], f"skipped {off:#x}"
        else:
            assert got == value, f"{off:#x}: {got:#x}, want {value:#x}"
        a[at:at + 8] = b[at:at + 8] = bytes(8)
    if a != b:
        i = next(i for i in range(len(a)) if a[i] != b[i])
        pytest.fail(f"byte {base + i:#x} changed, no relocation there")


def _merge(ranges):
    out = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def test_real_kernel_facts(build_dir, tmp_path, kernel_set):
    """What the library reads agrees with readelf and nm; every relocation
    of --prerelocate's output is what readelf's table says."""
    k = _kernel(build_dir, kernel_set)
    info = _kv(_run([_tool(build_dir), "--info", k]))
    hdr = _run(["readelf", "-hW", k])
    entry = int(re.search(r"Entry point address:\s+(0x[0-9a-f]+)", hdr)[1],
                16)
    loads = _loads(k)
    assert len(loads) == int(info["nr_load"]) >= 1
    off, vaddr, paddr, filesz, memsz = loads[0]
    assert int(info["entry"], 16) == entry == vaddr
    # the kernel's own link address and load address, whatever they are
    assert int(info["vaddr"], 16) == vaddr
    assert int(info["paddr"], 16) == paddr
    assert int(info["mem_size"], 16) == \
        max(v + m for _, v, _, _, m in loads) - vaddr
    assert info["endian"] == "le" and info["abi"] == "2"
    assert info["type"] == "2"                      # ET_EXEC
    data = open(k, "rb").read()
    assert bytes.fromhex(info["head"]) == data[off:off + 0x100]
    assert info["run0"] == "1" and data[off + 0x5c:off + 0x60] == b"0nur"
    relocs = _relocs(k)
    assert int(info["nr_rela"]) == len(relocs) > 0
    nm = {f[2]: int(f[0], 16) for f in
          (ln.split() for ln in _run(["nm", k]).splitlines()) if len(f) == 3}
    assert int(info["run_at_load"], 16) == nm["__run_at_load"] - vaddr
    assert int(info["end_interrupts"], 16) == nm["__end_interrupts"] - vaddr
    assert info["self_relocating"] == "1" and "relocate" in nm
    secs = _sections(k)
    kcrc = [v for n, v in secs.items() if n.startswith("__kcrctab")]
    assert int(info["kcrctab_sections"]) == len(kcrc) >= 1
    # DESIGN's rule, judged here from readelf's tables: "clean" exactly
    # when no relocation targets a CRC (every kernel since 4.10)
    moving = any(a <= r[0] < a + s for a, s in kcrc for r in relocs)
    if not moving:
        assert info["kcrctab"] == "clean"
    else:
        # which: the relocations' types and symbols decide (the synthetic
        # kernels below pin each case)
        assert info["kcrctab"] in ("clean", "skip", "undone")
        assert info["kcrctab"] != "skip" or "reloc_start" not in nm

    load = 0x4000000
    out_path = tmp_path / "vmlinux.raw"
    res = _kv(_run([_tool(build_dir), "--prerelocate", k, hex(load),
                    out_path]))
    assert res["kcrctab"] == info["kcrctab"]
    assert (res["skip"] == "") == (info["kcrctab"] != "skip")
    out = out_path.read_bytes()
    raw = _raw(k, loads)
    assert len(out) == len(raw) == memsz
    _check_relocated(out, raw, vaddr, _expected(k, load), "le")


# ---- synthetic kernels ---------------------------------------------------

KERNEL_S = r"""
	.section .head.text, "ax"
	.globl _start
_start:
	b	1f
	.org 0x5c
	.long 0x72756e30		/* "run0" */
1:	b	.
	.text
	.globl func
func:	blr
	.section __kcrctab, "a"
	.balign 8
	.quad __crc_foo
	.quad __crc_bar
	.section __kcrctab_gpl, "a"
	.balign 8
	.quad __crc_baz
	.data
	.balign 8
	.globl table
table:	.quad _start
	.quad func
	.quad table + 16
	.quad ext_weak
	.weak ext_weak
	.byte 1
	.quad func + 4			/* unaligned: UADDR64 */
"""

# one PT_LOAD, linked at KERNELBASE and loaded at physical 0, like vmlinux
KERNEL_LDS = """
ENTRY(_start)
PHDRS { all PT_LOAD FLAGS(7); }
SECTIONS {
	. = 0xc000000000000000;
	.head.text : AT(0) { *(.head.text) } :all
	.text : { *(.text) } :all
	__kcrctab : { *(__kcrctab) } :all
	__kcrctab_gpl : { *(__kcrctab_gpl) } :all
	.data : { *(.data) } :all
	.dynsym : { *(.dynsym) } :all
	.dynstr : { *(.dynstr) } :all
	.hash : { *(.hash) } :all
	.gnu.hash : { *(.gnu.hash) } :all
	.dynamic : { *(.dynamic) } :all
	.rela.dyn : { *(.rela*) } :all
	.got : { *(.got) } :all
	.bss : { *(.bss) . += 0x1000; } :all
	%(inside)s
	/DISCARD/ : { *(.interp) *(.eh_frame) *(.note.GNU-stack) *(.comment) }
}
%(outside)s
"""

CRC_ASSIGN = " ".join(f"{n} = {v:#x};" for n, v in CRCS.items())

# name: (ld mode, CRC symbols absolute, reloc_start, rule's case)
SHAPES = {
    "shared-abs": ("-shared", True, False, "clean"),
    "pie-abs": ("-pie", True, False, "clean"),
    "pie-rel": ("-pie", False, False, "skip"),
    "pie-rel-reloc_start": ("-pie", False, True, "undone"),
}


def _link_kernel(tmp_path, endian, shape):
    mode, absolute, reloc_start, _ = SHAPES[shape]
    cc = CROSS[endian] + "gcc"
    _need(cc, "the ppc64 cross compilers (gcc-powerpc64le-linux-gnu, "
          "gcc-powerpc64-linux-gnu)")
    inside = "" if absolute else f".crcs 0 : {{ {CRC_ASSIGN} }}"
    if reloc_start:
        inside += " reloc_start = .;"
    d = tmp_path / f"{shape}-{endian}"
    d.mkdir()
    (d / "k.S").write_text(KERNEL_S)
    (d / "k.lds").write_text(KERNEL_LDS % {
        "inside": inside, "outside": CRC_ASSIGN if absolute else ""})
    _run([cc, "-c", "-o", d / "k.o", d / "k.S"])
    _run([CROSS[endian] + "ld", mode, "--no-warn-rwx-segments", "-T",
          d / "k.lds", "-o", d / "vmlinux", d / "k.o"])
    return d / "vmlinux"


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("endian", ["le", "be"])
def test_synthetic_kcrctab(build_dir, tmp_path, endian, shape):
    elf = _link_kernel(tmp_path, endian, shape)
    rule = SHAPES[shape][3]
    info = _kv(_run([_tool(build_dir), "--info", elf]))
    assert info["endian"] == endian and info["run0"] == "1"
    assert info["relocatable"] == "1" and info["kcrctab"] == rule
    loads = _loads(elf)
    base = loads[0][1]
    relocs = _relocs(elf)
    secs = _sections(elf)
    kcrc = [(a, a + s) for n, (a, s) in secs.items()
            if n.startswith("__kcrctab")]
    crc_relocs = [r for r in relocs if any(s <= r[0] < e for s, e in kcrc)]
    # what ld 2.40 emits for each shape (see the module docstring)
    types = {r[1] for r in crc_relocs}
    syms = _dynsyms(elf)
    if shape == "shared-abs":
        assert types == {R_ADDR64} and len(crc_relocs) == 3
        assert all(syms[r[2]][1] == "ABS" for r in crc_relocs)
    elif shape == "pie-abs":
        assert not crc_relocs
    else:
        assert types == {R_RELATIVE} and sorted(
            r[3] for r in crc_relocs) == sorted(CRCS.values())

    offset = 0x5430000
    out_path = tmp_path / "out.raw"
    res = _kv(_run([_tool(build_dir), "--prerelocate", elf, hex(offset),
                    out_path]))
    assert res["kcrctab"] == rule, res
    out = out_path.read_bytes()
    raw = _raw(elf, loads)
    skip = [tuple(int(x, 16) for x in s.split("-"))
            for s in res["skip"].split(",") if s]
    if rule == "skip":
        assert skip == _merge((r[0], r[0] + 8) for r in crc_relocs), skip
        # adjacent entries merge: __kcrctab_gpl follows __kcrctab here
        assert sum(e - s for s, e in skip) == 8 * len(crc_relocs) == 24
    else:
        assert not skip
    _check_relocated(out, raw, base, _expected(elf, offset), endian, skip)
    # the CRCs: intact unless the kernel undoes the offset itself
    fmt = "<Q" if endian == "le" else ">Q"
    got = sorted(struct.unpack_from(fmt, out, a - base)[0]
                 for s, e in kcrc for a in range(s, e, 8))
    if rule == "undone":
        assert got == sorted(v + offset for v in CRCS.values())
    else:
        assert got == sorted(CRCS.values())


def test_prerelocate_errors(build_dir, tmp_path):
    """A strong undefined symbol is named, with the entry and type."""
    elf = _link_kernel(tmp_path, "le", "shared-abs")
    d = elf.parent
    (d / "k.S").write_text(KERNEL_S.replace(".weak ext_weak", ""))
    _run([CROSS["le"] + "gcc", "-c", "-o", d / "k.o", d / "k.S"])
    _run([CROSS["le"] + "ld", "-shared", "--no-warn-rwx-segments", "-T",
          d / "k.lds", "-o", d / "vmlinux", d / "k.o"])
    p = subprocess.run([str(_tool(build_dir)), "--prerelocate", str(elf),
                        "0x100000", str(tmp_path / "o")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    assert p.returncode == 1
    assert re.search(r"prerelocate: .*vmlinux: \.rela\.dyn entry \d+ "
                     r"\(r_offset 0xc0000000000000[0-9a-f]+, R_PPC64_ADDR64, "
                     r"symbol \d+ ext_weak\): symbol \d+ is undefined",
                     p.stderr), p.stderr


# ---- skiboot starts the stub ELF ------------------------------------------

# Prints "PROBE <B|L> p=<its address> r3=.. r4=.. r5=.. r8=.. r9=..
# rm=<msr> rp=<PIR> rc=<boot_cpuid_phys in r3's tree>" on skiboot's LPC
# UART (cache-inhibited stores) and spins.  Assembled twice: B is the
# big-endian build, L the little-endian one.
PROBE_S = r"""
	.text
	.globl _start
_start:
	mr	%r24, %r3
	mr	%r25, %r4
	mr	%r26, %r5
	mr	%r27, %r8
	mr	%r28, %r9
	mfmsr	%r29
	bl	1f
1:	mflr	%r30
	addi	%r30, %r30, -(1b - _start)
	lis	%r20, 0x0006		/* r20 = 0x60300d00103f8, the UART */
	ori	%r20, %r20, 0x0300
	sldi	%r20, %r20, 32
	oris	%r20, %r20, 0xd001
	ori	%r20, %r20, 0x03f8
	li %r3, 'P'; bl putc; li %r3, 'R'; bl putc; li %r3, 'O'; bl putc
	li %r3, 'B'; bl putc; li %r3, 'E'; bl putc; li %r3, ' '; bl putc
#ifdef __LITTLE_ENDIAN__
	li %r3, 'L'
#else
	li %r3, 'B'
#endif
	bl putc
	li %r3, ' '; bl putc; li %r3, 'p'; bl putc; li %r3, '='; bl putc
	mr %r3, %r30; bl puthex
	li %r3, '3'; bl putreg; mr %r3, %r24; bl puthex
	li %r3, '4'; bl putreg; mr %r3, %r25; bl puthex
	li %r3, '5'; bl putreg; mr %r3, %r26; bl puthex
	li %r3, '8'; bl putreg; mr %r3, %r27; bl puthex
	li %r3, '9'; bl putreg; mr %r3, %r28; bl puthex
	li %r3, 'm'; bl putreg; mr %r3, %r29; bl puthex
	li %r3, 'p'; bl putreg; mfspr %r3, 1023; bl puthex
	li %r3, 'c'; bl putreg
	addi %r4, %r24, 0x1c		/* the tree is big-endian */
#ifdef __LITTLE_ENDIAN__
	lwbrx %r3, 0, %r4
#else
	lwz %r3, 0(%r4)
#endif
	bl puthex
	li %r3, '\n'; bl putc
2:	b	2b

putreg:	mflr %r23
	mr %r22, %r3
	li %r3, ' '; bl putc; li %r3, 'r'; bl putc
	mr %r3, %r22; bl putc; li %r3, '='; bl putc
	mtlr %r23
	blr

puthex:	mflr %r23
	mr %r22, %r3
	li %r21, 16
3:	rldicl %r3, %r22, 4, 60
	rldicl %r22, %r22, 4, 0
	cmpldi %r3, 10
	blt 4f
	addi %r3, %r3, 'a' - '0' - 10
4:	addi %r3, %r3, '0'
	bl putc
	addi %r21, %r21, -1
	cmpldi %r21, 0
	bne 3b
	mtlr %r23
	blr

putc:	sync
	stbcix	%r3, 0, %r20
	sync
	blr
"""

PROBE_RE = re.compile(r"PROBE ([BL]) p=([0-9a-f]{16}) r3=([0-9a-f]{16}) "
                      r"r4=([0-9a-f]{16}) r5=([0-9a-f]{16}) "
                      r"r8=([0-9a-f]{16}) r9=([0-9a-f]{16}) "
                      r"rm=([0-9a-f]{16}) rp=([0-9a-f]{16}) "
                      r"rc=([0-9a-f]{16})")
MSR_SF, MSR_HV, MSR_IR, MSR_DR, MSR_LE = 1 << 63, 1 << 60, 0x20, 0x10, 1


def _probe_blob(tmp_path):
    """Word 0 is `b .+8` read big-endian and a no-op (tdi) read
    little-endian; word 1 branches (little-endian) to the LE build, which
    follows the BE build.  So the code that runs says which byte order the
    CPU was in."""
    parts = {}
    for endian in ("be", "le"):
        _need(CROSS[endian] + "gcc", "the ppc64 cross compilers")
        s = tmp_path / "probe.S"
        s.write_text(PROBE_S)
        o = tmp_path / f"probe-{endian}.o"
        _run([CROSS[endian] + "gcc", "-c", "-o", o, s])
        _run([CROSS[endian] + "objcopy", "-O", "binary", "-j", ".text", o,
              tmp_path / f"probe-{endian}.bin"])
        parts[endian] = (tmp_path / f"probe-{endian}.bin").read_bytes()
    le_off = 8 + ((len(parts["be"]) + 7) & ~7)
    blob = bytearray(b"\x48\x00\x00\x08")
    blob += struct.pack("<I", 0x48000000 | (le_off - 4))
    blob += parts["be"]
    blob += bytes(le_off - len(blob)) + parts["le"]
    path = tmp_path / "probe.bin"
    path.write_bytes(bytes(blob))
    return path


def _qemu_until(args, pattern, timeout=120):
    """Run QEMU until a line matches; kill it; the match and the output."""
    _need(QEMU, "qemu-system-ppc (scripts/install-deps)")
    p = subprocess.Popen([QEMU, *map(str, args)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = b""
    deadline = time.monotonic() + timeout
    m = None
    try:
        os.set_blocking(p.stdout.fileno(), False)
        while time.monotonic() < deadline and p.poll() is None:
            chunk = p.stdout.read()
            if chunk:
                out += chunk
                m = pattern.search(out.decode(errors="replace"))
                if m:
                    break
            else:
                time.sleep(0.05)
    finally:
        p.kill()
        p.wait()
    return m, out.decode(errors="replace")


POWERNV = ["-M", "powernv9", "-m", "2G", "-nodefaults", "-display", "none",
           "-monitor", "none", "-serial", "stdio", "-no-reboot"]


@pytest.mark.parametrize("endian,p_offset,smp",
                         [("be", 0x100, "1"), ("be", 0x10000, "1"),
                          ("le", 0x10000, "1"), ("le", 0x123400, "1"),
                          ("be", 0x30000, "4")])
def test_skiboot_starts_stub_elf(build_dir, tmp_path, endian, p_offset, smp):
    blob = _probe_blob(tmp_path)
    elf = tmp_path / "stub.elf"
    _run([_tool(build_dir), "--stub-elf", blob, elf, hex(p_offset),
          "0x10000", endian])
    m, out = _qemu_until(POWERNV + ["-smp", smp, "-kernel", elf], PROBE_RE)
    assert m, f"the probe did not run:\n{out[-3000:]}"
    print(m.group(0))
    where = KERNEL_ADDR + p_offset
    assert f"Starting kernel at {where:#x}" in out, out[-3000:]
    fdt = re.search(r"fdt at (0x[0-9a-f]+)", out)
    cpu, pc, r3, r4, r5, r8, r9, msr, pir, bcpu = (
        m.group(1), *(int(g, 16) for g in m.groups()[1:]))
    assert cpu == "B", "skiboot entered the ELF little-endian"
    assert pc == where + 8                 # the BE build, after word 1
    assert r3 == int(fdt.group(1), 16) and r4 == 0 and r5 == 0
    assert r8 == OPAL_BASE and OPAL_BASE < r9 < OPAL_BASE + 0x1c30000
    assert msr & (MSR_SF | MSR_HV) == MSR_SF | MSR_HV
    assert not msr & (MSR_IR | MSR_DR | MSR_LE), hex(msr)
    assert bcpu == pir, "the tree's boot_cpuid_phys is the CPU it runs on"


# ---- the FDT capture -------------------------------------------------------

def test_powernv_fdt_capture(build_dir, tmp_path):
    # a QEMU boot: the booted set only
    kernel = _kernel(build_dir, None)
    _need(CROSS["le"] + "gcc", "gcc-powerpc64le-linux-gnu "
          "libc6-dev-ppc64el-cross")
    _need(QEMU, "qemu-system-ppc")
    initrd = tmp_path / "dumpfdt.cpio.gz"
    _run([ROOT / "scripts" / "mkinitramfs", "--arch", "ppc64le", "--out",
          initrd, "--init-src",
          ROOT / "tests" / "system" / "initramfs" / "dumpfdt.c"])
    cache = tmp_path / "cache"
    first = _kv(_run([_tool(build_dir), "--powernv-fdt", cache, kernel,
                      initrd]))
    assert first["cached"] == "0" and int(first["size"]) > 1000, first
    print(f"capture: {first['seconds']} s, {first['size']} bytes")
    again = _kv(_run([_tool(build_dir), "--powernv-fdt", cache, kernel,
                      initrd]))
    assert again["cached"] == "1" and again["path"] == first["path"]
    assert (cache / f"{first['key']}.txt").read_text().startswith(
        "charon powernv fdt capture v1\nqemu QEMU emulator version")

    info = _kv(_run([_tool(build_dir), "--fdt-info", first["path"]]))
    assert int(info["opal_base"], 16) == OPAL_BASE
    assert info["boot_cpuid"] == "0"
    assert info["stdout_path"] == "/ibm,opal/consoles/serial@0"
    out = _run([_tool(build_dir), "--fdt-info", first["path"]])
    assert "ram=0x0-0x80000000" in out.splitlines()
    keep = [ln for ln in out.splitlines() if ln.startswith("keepout=")]
    assert any(ln.endswith("memreserve[0]") and "=0x30000000-" in ln
               for ln in keep)
    if shutil.which("dtc"):
        dts = _run(["dtc", "-I", "dtb", "-O", "dts", first["path"]])
        chosen = dts[dts.index("chosen {"):]
        chosen = chosen[:chosen.index("};")]
        assert "bootargs" not in chosen and "initrd" not in chosen
        assert re.search(r'compatible = "qemu,powernv9', dts)
