#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The hostile-input run: every CLI entry point fed damaged input.

Entry points: `inspect FILE`, `qemu --dry-run` (--kernel, --initrd, --dtb,
--stub and every option that takes a value), `load --dry-run --root DIR`
(--kernel, --initrd, --dtb, --stub and every file charon reads under the
root: proc/iomem, proc/cmdline, sys/firmware/fdt, sys/firmware/memmap,
proc/device-tree), and `load --crash --dry-run` on the kdump roots
captured from QEMU guests (tests/unit/data/crash-roots/) with each file
it reads damaged (the CPUs' crash_notes, VMCOREINFO, the possible-CPU
list, /proc/kcore's headers, ppc64's crash region and kernel end).

The inputs are built here from the real files the tree has (Debian's
kernels as fetched, the stubs as built, device trees compiled with dtc):
each file as a FIFO, a directory, /dev/zero, /dev/null, a dangling name,
a symlink loop and an empty file; truncated at the header's edges; with
every header field it has (arm64 Image, zImage and its size table, the
bzImage setup header, ELF header, program and section headers, the stub's
image header, the device tree header) set to 0, 1, all ones, the sign
bit, and the file's own length; and with seeded random bytes.  Options
get empty, negative, overflowing, non-numeric and out-of-range values.

Each case runs the CLI built with ASan+UBSan ($O/host/tests/charon-asan)
with a timeout, and is counted as one of:
  clean     exit 1 or 2, and the error names the input (its path, or
            the option)
  accepted  exit 0 (a damaged byte that does not matter)
  unnamed   exit 1 or 2 with an error that does not name the input
  sanitizer an ASan or UBSan report
  signal    killed by a signal
  hang      still running at the timeout
The goal is zero of the last four.  --sample K runs every K-th case
(make check runs a sample, `make hostile` all of them).

    tests/hostile/hostile.py [--sample K] [--jobs J] [--list-bad]
"""
import argparse
import concurrent.futures
import os
import pathlib
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
TESTS = HERE.parent
sys.path[:0] = [str(TESTS), str(TESTS / "unit")]

from conftest import ROOT, _build_dir, kernel_dir  # noqa: E402
import test_kexec_cli as kc  # noqa: E402

KINDS = ("clean", "accepted", "unnamed", "sanitizer", "signal", "hang")
TIMEOUT = 30
SAN_RE = re.compile(r"AddressSanitizer|UndefinedBehaviorSanitizer|"
                    r"runtime error:|LeakSanitizer")
ARCH_STUBS = ("arm64", "arm", "x86_64", "ppc64le", "ppc64")
KERNEL_ARCHES = ("arm64", "arm", "x86_64", "ppc64le")
VALUES32 = (0, 1, 0x7fffffff, 0x80000000, 0xffffffff)
VALUES64 = (0, 1, 0x7fffffffffffffff, 0x8000000000000000,
            0xffffffffffffffff)
BAD_NUMBERS = ("", "-1", "0x", "x1", "1k", "18446744073709551616",
               "0xffffffffffffffff", "99999999999999999999999", " 1",
               "1 ", "0x1g", "-0", "1,2,3,4", ",", "\x01")
SPECIALS = ("fifo", "dir", "dev-zero", "dev-null", "missing", "loop",
            "empty")


class Case:
    def __init__(self, name, argv, names, stdin=None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.names = [str(n) for n in names]
        self.kind = None
        self.detail = ""


def classify(case, exe, env, cwd):
    made = materialize(case.argv)
    try:
        # in the scratch directory: a relative --workdir lands there
        p = subprocess.run([str(exe)] + case.argv, capture_output=True,
                           text=True, errors="replace", timeout=TIMEOUT,
                           env=env, stdin=subprocess.DEVNULL, cwd=cwd)
    except subprocess.TimeoutExpired:
        case.kind = "hang"
        return case
    finally:
        for m in made:
            os.unlink(m)
    err = p.stderr
    if SAN_RE.search(err):
        case.kind = "sanitizer"
        case.detail = err[-1500:]
    elif p.returncode < 0:
        case.kind = "signal"
        case.detail = f"signal {-p.returncode}"
    elif p.returncode == 0:
        case.kind = "accepted"
    elif p.returncode in (1, 2) and any(n in err for n in case.names):
        case.kind = "clean"
    elif p.returncode in (1, 2):
        case.kind = "unnamed"
        case.detail = err.strip()[-400:] or "(nothing on stderr)"
    else:
        case.kind = "signal"
        case.detail = f"exit {p.returncode}: {err.strip()[-300:]}"
    return case


# ---- input files -------------------------------------------------------

class Files:
    """Damaged copies of a file, made on demand in a scratch directory."""

    def __init__(self, tmp):
        self.tmp = pathlib.Path(tmp)
        self.n = 0

    def path(self, stem):
        self.n += 1
        d = self.tmp / f"{self.n:05d}"
        d.mkdir()
        return d / stem

    def special(self, kind, stem="in"):
        p = self.path(stem)
        if kind == "fifo":
            os.mkfifo(p)
        elif kind == "dir":
            p.mkdir()
        elif kind == "dev-zero":
            p.symlink_to("/dev/zero")
        elif kind == "dev-null":
            p.symlink_to("/dev/null")
        elif kind == "loop":
            p.symlink_to(p.name)
        elif kind == "empty":
            p.write_bytes(b"")
        return p

    def bytes(self, data, stem="in"):
        p = self.path(stem)
        p.write_bytes(data)
        return p

    def replace(self, p, label, content):
        """Put in place of the root file p: the special file label
        (content None), or content (bytes or text); returns p."""
        p.unlink()
        if content is None and label == "loop":
            p.symlink_to(p.name)
        elif content is None:
            shutil.move(str(self.special(label, p.name)), str(p))
        elif isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, errors="surrogateescape")
        return p

    def patched(self, data, off, new, stem="in"):
        """data with new at off; a big one is written only while its case
        runs (DEFERRED)."""
        if len(data) < 1 << 20:
            b = bytearray(data)
            b[off:off + len(new)] = new
            return self.bytes(bytes(b), stem)
        p = self.path(stem)
        DEFERRED[str(p)] = (data, off, new)
        return p


# path -> (data, offset, bytes): written before its case runs, removed after
DEFERRED = {}


def materialize(argv):
    made = []
    for a in argv:
        if a in DEFERRED:
            data, off, new = DEFERRED[a]
            with open(a, "wb") as f:
                f.write(data[:off])
                f.write(new)
                f.write(data[off + len(new):])
            made.append(a)
    return made


def patches(data, fields):
    """(label, offset, new bytes) for every field: (name, off, size, end)
    with end '<' or '>'."""
    out = []
    for name, off, size, end in fields:
        if off + size > len(data):
            continue
        vals = VALUES64 if size == 8 else VALUES32
        fmt = end + ("Q" if size == 8 else "I" if size == 4 else "H")
        for v in set(vals) | {len(data)}:
            v &= (1 << (8 * size)) - 1
            out.append((f"{name}={v:#x}", off, struct.pack(fmt, v)))
    return out


def words(base, n, end="<", size=4, prefix="word"):
    return [(f"{prefix}@{base + i * size:#x}", base + i * size, size, end)
            for i in range(n)]


def elf_fields(data):
    """The ELF header's, the first program headers' and the named
    sections' fields, read with struct (not with charon's reader)."""
    if data[:4] != b"\x7fELF" or len(data) < 0x40:
        return []
    end = "<" if data[5] == 1 else ">"
    f = [("e_phoff", 0x20, 8, end), ("e_shoff", 0x28, 8, end),
         ("e_phentsize", 0x36, 2, end), ("e_phnum", 0x38, 2, end),
         ("e_shentsize", 0x3a, 2, end), ("e_shnum", 0x3c, 2, end),
         ("e_shstrndx", 0x3e, 2, end), ("e_entry", 0x18, 8, end)]
    phoff, shoff = struct.unpack_from(end + "QQ", data, 0x20)
    phnum, = struct.unpack_from(end + "H", data, 0x38)
    shnum, shstrndx = struct.unpack_from(end + "HH", data, 0x3c)
    for i in range(min(phnum, 4)):
        o = phoff + i * 56
        f += [(f"ph{i}.{n}", o + d, 8, end) for n, d in
              (("p_offset", 8), ("p_vaddr", 16), ("p_filesz", 32),
               ("p_memsz", 40), ("p_align", 48))]
    if shoff and shoff + shnum * 64 <= len(data) and shstrndx < shnum:
        stro, = struct.unpack_from(end + "Q", data,
                                   shoff + shstrndx * 64 + 24)
        for i in range(shnum):
            o = shoff + i * 64
            nm, = struct.unpack_from(end + "I", data, o)
            name = data[stro + nm:data.find(b"\0", stro + nm)]
            if name in (b".rela.dyn", b"__kcrctab", b".dynamic",
                        b".dynsym", b".toc", b".opd", b"__ksymtab"):
                f += [(f"{name.decode()}.{n}", o + d, 8, end) for n, d in
                      (("sh_addr", 16), ("sh_offset", 24), ("sh_size", 32),
                       ("sh_entsize", 56))]
    return f


def zimage_fields(data):
    f = words(0x24, 5, prefix="zImage")
    if len(data) >= 0x38:
        table, = struct.unpack_from("<I", data, 0x34)
        if table + 64 <= len(data):
            f += words(table, 16, prefix="tag")
            # the KLSZ tag's size word points into the image
            for i in range(0, 64, 4):
                tag, = struct.unpack_from("<I", data, table + i)
                if tag == 0x5a534c4b and table + i + 8 <= len(data):
                    ptr, = struct.unpack_from("<I", data, table + i + 4)
                    if ptr + 4 <= len(data):
                        f.append(("KLSZ.size", ptr, 4, "<"))
    return f


def stub_fields(data):
    at = data.find(b"CHRN")
    if at < 0:
        return []
    return words(at, 16, prefix="hdr") + words(at, 8, size=8, prefix="hdr8")


def fdt_fields(data):
    return words(0, 10, end=">", prefix="fdt")


def fields_for(kind, data):
    if kind == "elf":
        return elf_fields(data)
    if kind == "arm64":
        return words(0, 16) + words(0, 8, size=8, prefix="hdr8")
    if kind == "arm":
        return zimage_fields(data)
    if kind == "x86_64":
        return words(0x1f0, 32) + [("init_size", 0x260, 4, "<"),
                                   ("setup_sects", 0x1f1, 1, "<")]
    if kind == "stub":
        return stub_fields(data)
    if kind == "fdt":
        return fdt_fields(data)
    return []


def damaged(files, data, kind, stem, rng, nrandom=12):
    """[(label, path)] of damaged copies of data (a kind of file)."""
    out = [(s, files.special(s, stem)) for s in SPECIALS]
    n = len(data)
    for cut in sorted({0x3f, 0x40, 0x100, 0x200, 0x1000, n // 2, n - 1}):
        if 0 < cut < n:
            out.append((f"cut@{cut:#x}",
                        files.patched(data[:cut], 0, b"", stem)))
    for label, off, new in patches(data, fields_for(kind, data)):
        out.append((label, files.patched(data, off, new, stem)))
    span = min(n, 0x10000)
    for i in range(nrandom):
        head = bytearray(data[:span])
        for _ in range(rng.randint(1, 16)):
            head[rng.randrange(span)] = rng.randrange(256)
        out.append((f"random{i}", files.patched(data, 0, bytes(head),
                                                stem)))
    return out


# ---- the cases ---------------------------------------------------------

def kernel_kind(arch, data):
    return "elf" if data[:4] == b"\x7fELF" else arch


def dtb(files, dts):
    src = files.bytes(dts.encode(), "t.dts")
    out = src.with_suffix(".dtb")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out),
                    str(src)], check=True)
    return out


SELF_ALIAS_DTS = kc.ARM64_DTS.replace(
    'stdout-path = "/pl011@9000000";', 'stdout-path = "loop";').replace(
    "\tpsci {", "\taliases {\n\t\tloop = \"loop\";\n\t};\n\tpsci {")
DEEP_DTS = kc.ARM64_DTS.replace(
    "\tpsci {", "".join(f"\tn{i} {{\n" for i in range(40)) +
    "\t" * 40 + "x = <1>;\n" + "};\n" * 40 + "\tpsci {")
NO_MEMORY_DTS = re.sub(r"\tmemory@40000000 \{.*?\};\n", "", kc.ARM64_DTS,
                       flags=re.S)
HUGE_MEMORY_DTS = kc.ARM64_DTS.replace(
    "reg = <0x0 0x40000000 0x0 0x40000000>;",
    "reg = <0xffffffff 0xfffff000 0x0 0x40000000>;")


def named(opt, value):
    """What an error about OPT VALUE must name: the option, or the value
    (a file option's "cannot open" names the file as given)."""
    shown = value.split(",")[0]
    return [opt, f"{opt[2:]}: "] + ([shown] if shown.strip() and
                                    shown.isprintable() else [])


def option_values(exe, cmd, env):
    """Every --option ARG in `charon CMD --help`."""
    p = subprocess.run([str(exe), cmd, "--help"], capture_output=True,
                       text=True, env=env)
    return re.findall(r"^\s+(--[a-z0-9-]+) [A-Z]", p.stdout + p.stderr,
                      re.M)


def build_cases(build, files, rng, exe, env):
    cases = []
    kernels = {}
    for arch in KERNEL_ARCHES:
        k = kernel_dir(build, arch) / "vmlinuz"
        if k.exists():
            kernels[arch] = k
    stubs = {a: build / a / "charon-stub.bin" for a in ARCH_STUBS
             if (build / a / "charon-stub.bin").exists()}
    arm_dtb = dtb(files, kc.ARM64_DTS)
    ppc_dtb = dtb(files, kc.POWERNV_DTS)
    trees = [("self-alias", dtb(files, SELF_ALIAS_DTS)),
             ("deep", dtb(files, DEEP_DTS)),
             ("no-memory", dtb(files, NO_MEMORY_DTS)),
             ("memory-at-2^64", dtb(files, HUGE_MEMORY_DTS))]
    initrd = files.bytes(bytes(range(256)) * 16, "initrd")

    # inspect FILE: every kernel, every stub, damaged
    for arch, k in kernels.items():
        data = k.read_bytes()
        for label, p in damaged(files, data, kernel_kind(arch, data),
                                "vmlinuz", rng):
            cases.append(Case(f"inspect {arch} kernel {label}",
                              ["inspect", p], [p]))
    for arch, s in stubs.items():
        for label, p in damaged(files, s.read_bytes(), "stub", "stub.bin",
                                rng):
            cases.append(Case(f"inspect {arch} stub {label}",
                              ["inspect", p], [p]))
    for bad in ("0xffffffffffff0000", "-1", "", "0x40000001"):
        for arch in ("arm",):
            if arch in kernels:
                cases.append(Case(f"inspect --ram-base {bad!r}",
                                  ["inspect", "--ram-base", bad,
                                   kernels[arch]], ["--ram-base"]))
                cases.append(Case(f"inspect --ram-size {bad!r}",
                                  ["inspect", "--ram-size", bad,
                                   kernels[arch]], ["--ram-size"]))

    # qemu --dry-run: each input damaged in turn, the others good
    qemu_dtb = {"arm64": arm_dtb, "arm": arm_dtb}
    for arch, k in kernels.items():
        if arch not in stubs:
            continue
        good = {"--kernel": k, "--stub": stubs[arch], "--initrd": initrd}
        if arch in qemu_dtb:
            good["--dtb"] = qemu_dtb[arch]
        kdata = k.read_bytes()
        inputs = {
            "--kernel": damaged(files, kdata, kernel_kind(arch, kdata),
                                "vmlinuz", rng, nrandom=4),
            "--stub": damaged(files, stubs[arch].read_bytes(), "stub",
                              "stub.bin", rng, nrandom=4),
            "--initrd": [(s, files.special(s, "initrd"))
                         for s in SPECIALS],
        }
        if "--dtb" in good:
            inputs["--dtb"] = damaged(files, arm_dtb.read_bytes(), "fdt",
                                      "t.dtb", rng, nrandom=4) + trees
        wd = files.path("work")
        for opt, variants in inputs.items():
            for label, p in variants:
                argv = ["qemu", "--dry-run", "--arch", arch,
                        "--workdir", files.path("work")]
                for o, v in good.items():
                    argv += [o, p if o == opt else v]
                if arch.startswith("ppc64"):
                    argv += ["--dtb", ppc_dtb]
                cases.append(Case(f"qemu {arch} {opt} {label}", argv,
                                  [p, opt]))
        base = ["qemu", "--dry-run", "--arch", arch, "--workdir", wd,
                "--kernel", k, "--stub", stubs[arch]]
        if arch.startswith("ppc64"):
            base += ["--dtb", ppc_dtb]
        for opt in option_values(exe, "qemu", env):
            if opt in ("--kernel", "--stub", "--arch", "--qemu"):
                continue
            for v in BAD_NUMBERS:
                argv = [files.path("work") if a == wd else a for a in base]
                cases.append(Case(f"qemu {arch} {opt} {v!r}",
                                  argv + [opt, v], named(opt, v)))
        for v in ("kernel:-1", "kernel:0xffffffffffffffff", "kernel:",
                  ":", "stub:1", "nothing"):
            argv = [files.path("work") if a == wd else a for a in base]
            cases.append(Case(f"qemu {arch} --flip-bit {v!r}",
                              argv + ["--flip-bit", v], ["--flip-bit"]))

    # image -o: each input damaged in turn (the arches with an image);
    # --ram and --memory give the machine, so no QEMU runs
    chains = {a: build / a / "charon-chain.bin" for a in ("arm64", "arm",
                                                          "x86_64")
              if (build / a / "charon-chain.bin").exists()}
    for arch, k in kernels.items():
        if arch not in chains:
            continue
        machine = ["--memory", "1G"] if arch == "x86_64" else \
            ["--ram", "0x40000000,1G"]
        good = {"--kernel": k, "--stub": chains[arch], "--initrd": initrd}
        kdata = k.read_bytes()
        inputs = {
            "--kernel": damaged(files, kdata, kernel_kind(arch, kdata),
                                "vmlinuz", rng, nrandom=2),
        }
        # the stub's header and the files are read the same on each arch
        if arch == "arm64":
            inputs["--stub"] = damaged(files, chains[arch].read_bytes(),
                                       "stub", "chain.bin", rng, nrandom=4)
            inputs["--initrd"] = [(s, files.special(s, "initrd"))
                                  for s in SPECIALS]
        if arch != "x86_64":
            inputs["--dtb"] = damaged(files, arm_dtb.read_bytes(), "fdt",
                                      "t.dtb", rng, nrandom=4) + trees
        for opt, variants in inputs.items():
            for label, p in variants:
                argv = ["image", "--arch", arch, "--workdir",
                        files.path("work"), "-o", files.path("img")]
                for o, v in good.items():
                    argv += [o, p if o == opt else v]
                if opt == "--dtb":
                    argv += ["--dtb", p]
                cases.append(Case(f"image {arch} {opt} {label}",
                                  argv + machine, [p, opt]))
        if arch != "x86_64":
            for v in BAD_NUMBERS + ("0x40000000,", ",1G",
                                    "0xfffffffffffff000,1G",
                                    "0x40000000,16M"):
                argv = ["image", "--arch", arch, "--workdir",
                        files.path("work"), "-o", files.path("img"),
                        "--kernel", k, "--stub", chains[arch],
                        "--ram", v]
                cases.append(Case(f"image {arch} --ram {v!r}", argv,
                                  ["--ram", "RAM", "crashkernel", "kernel",
                                   "layout"]))
        for label, o in (("a directory", files.special("dir", "out")),
                         ("missing dir", files.path("nodir") / "x")):
            argv = ["image", "--arch", arch, "--kernel", k, "--stub",
                    chains[arch], "--workdir", files.path("work"),
                    "-o", o] + machine
            cases.append(Case(f"image {arch} -o {label}", argv, [o]))

    # load --dry-run --root: each live file damaged in turn
    roots = {
        "x86_64": lambda r: kc.x86_root(r),
        "arm64": lambda r: kc.arm64_root(r, arm_dtb),
        "arm": lambda r: kc.arm64_root(r, arm_dtb),
        "ppc64le": lambda r: kc.ppc_root(r, ppc_dtb),
    }
    texts = {
        "proc/iomem": [
            "zzzz\n", "00000000-ffffffffffffffff : System RAM\n",
            "ffffffffffff0000-ffffffffffffffff : System RAM\n",
            "40000000-3fffffff : System RAM\n",
            "40000000-7fffffff : System RAM\n" * 20000,
            "  40000000-7fffffff : System RAM\n",
            "40000000-7fffffff : System RAM\n  41000000-40ffffff : "
            "Crash kernel\n",
            "40000000-7fffffff : System RAM\n  0-ffffffffffffffff : "
            "Crash kernel\n",
            "\x00\xff" * 100, "1-2-3 : x\n", "",
            "40000000-7fffffff System RAM\n",
            "0x40000000-0x7fffffff : System RAM\n",
        ],
        "proc/cmdline": [
            "console=ttyS99999999999\n", "x" * 5000 + "\n",
            "console=ttyS1," + "9" * 40 + "\n", "console=uart,io,0xzz\n",
            "console=uart8250,mmio32,0xffffffffffffffff\n",
            "\x00" * 64, "",
        ],
    }
    for arch, mk in roots.items():
        if arch not in kernels or arch not in stubs:
            continue
        files_arg = {"kernel": kernels[arch], "stub": stubs[arch]}
        good = mk(files.path("root"))
        live = sorted(str(p.relative_to(good)) for p in good.rglob("*")
                      if p.is_file())
        for rel in live:
            variants = [(s, None) for s in SPECIALS if s != "missing"]
            for t in texts.get(rel, ()):
                variants.append((f"text{len(variants)}", t))
            if rel == "sys/firmware/fdt":
                data = (good / rel).read_bytes()
                variants += [(f"fdt-{lab}", p.read_bytes()) for lab, p in
                             damaged(files, data, "fdt", "fdt", rng,
                                     nrandom=6)[len(SPECIALS):]]
                variants += [(f"tree-{lab}", p.read_bytes())
                             for lab, p in trees]
            if rel.startswith(("proc/device-tree/", "sys/firmware/memmap")):
                variants += [("short", b"\x01"), ("long", b"\xff" * 64),
                             ("text", "0xzz\n"),
                             ("max", "0xffffffffffffffff\n")]
            for label, content in variants:
                root = mk(files.path("root"))
                p = files.replace(root / rel, label, content)
                argv = ["load", "--dry-run", "--root", root, "--arch",
                        arch, "--kernel", files_arg["kernel"], "--stub",
                        files_arg["stub"], "--reuse-cmdline"]
                # a memmap entry's error names its directory
                cases.append(Case(f"load {arch} {rel} {label}", argv,
                                  ["/" + rel, p, rel,
                                   "/" + os.path.dirname(rel) + ":"]))
        for opt in ("--kernel", "--stub", "--initrd", "--dtb"):
            for s in SPECIALS:
                p = files.special(s, opt[2:])
                argv = ["load", "--dry-run", "--root", good, "--arch", arch]
                for o, v in (("--kernel", files_arg["kernel"]),
                             ("--stub", files_arg["stub"])):
                    if o != opt:
                        argv += [o, v]
                argv += [opt, p]
                cases.append(Case(f"load {arch} {opt} {s}", argv,
                                  [p, opt]))
        for opt in option_values(exe, "load", env):
            if opt in ("--kernel", "--stub", "--arch", "--root"):
                continue
            for v in BAD_NUMBERS:
                argv = ["load", "--dry-run", "--root", good, "--arch",
                        arch, "--kernel", files_arg["kernel"], "--stub",
                        files_arg["stub"], opt, v]
                cases.append(Case(f"load {arch} {opt} {v!r}", argv,
                                  named(opt, v)))
    cases += crash_cases(files, rng, kernels, stubs)
    return cases


def crash_cases(files, rng, kernels, stubs):
    """load --crash --dry-run on each kdump arch's captured root
    (tests/unit/data/crash-roots/), each input it reads damaged in turn:
    the CPUs' crash_notes and sizes, VMCOREINFO, the possible-CPU list,
    /proc/kcore's headers, the crash region."""
    import test_kdump_cli as kd
    cases = []
    texts = ["", "zz\n", "0x\n", "-1\n", "ffffffffffffffff\n",
             "18446744073709551616\n", "1 2 3\n", "\x00" * 8,
             "0-999999\n", "0-3,\n", "5-1\n"]
    for arch in sorted(kd.CRASH):
        src = kd.CAPTURED / arch
        if arch not in kernels or arch not in stubs or not src.exists():
            continue
        good = files.path("croot")
        shutil.copytree(src, good)
        live = sorted(str(p.relative_to(good)) for p in good.rglob("*")
                      if p.is_file() and p.name != "README" and
                      p.name not in ("fdt", "iomem", "cmdline"))
        for rel in live:
            variants = [(sp, None) for sp in SPECIALS if sp != "missing"]
            if rel == "proc/kcore":
                data = (good / rel).read_bytes()
                variants += [(lab, p.read_bytes()) for lab, p in
                             damaged(files, data, "elf", "kcore", rng,
                                     nrandom=6)[len(SPECIALS):]]
            else:
                variants += [(f"text{i}", t) for i, t in enumerate(texts)]
            for label, content in variants:
                root = files.path("croot")
                shutil.copytree(good, root)
                p = files.replace(root / rel, label, content)
                argv = ["load", "--crash", "--dry-run", "--root", root,
                        "--arch", arch, "--kernel", kernels[arch], "--stub",
                        stubs[arch], "--reuse-cmdline"]
                # a device-tree value is named by its property
                cases.append(Case(f"load --crash {arch} {rel} {label}",
                                  argv, ["/" + rel, p, "crash_notes",
                                         "/" + os.path.dirname(rel) + ":"] +
                                  ([os.path.basename(rel).split("-")[0]]
                                   if "device-tree" in rel else [])))
    return cases


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=1,
                    help="run every K-th case")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--charon", help="the CLI to run (default: "
                    "$O/host/tests/charon-asan)")
    ap.add_argument("--list-bad", action="store_true",
                    help="print every case that was not clean or accepted")
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args(argv)
    build = _build_dir()
    exe = pathlib.Path(a.charon or build / "host/tests/charon-asan").resolve()
    if not exe.exists():
        print(f"hostile: {exe} not built (make host-tests)",
              file=sys.stderr)
        return 2
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=0"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    env.pop("CHARON_STUB", None)
    env["TMPDIR"] = tempfile.gettempdir()
    rng = random.Random(a.seed)
    with tempfile.TemporaryDirectory(prefix="charon-hostile-") as tmp:
        # a copy: a rebuild of the original during the run cannot race it
        exe = pathlib.Path(shutil.copy2(exe, pathlib.Path(tmp) / exe.name))
        files = Files(tmp)
        cases = build_cases(build, files, rng, exe, env)[::a.sample]
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
            done = list(pool.map(lambda c: classify(c, exe, env, tmp),
                                 cases))
    totals = {k: sum(c.kind == k for c in done) for k in KINDS}
    print(f"hostile: {len(done)} cases: " +
          ", ".join(f"{totals[k]} {k}" for k in KINDS))
    bad = [c for c in done if c.kind not in ("clean", "accepted")]
    for c in bad if a.list_bad or len(bad) < 40 else bad[:40]:
        print(f"  {c.kind:9} {c.name}: {c.detail}".rstrip()[:2000])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
