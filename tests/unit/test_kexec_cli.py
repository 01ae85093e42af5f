# SPDX-License-Identifier: MIT
"""`charon load --dry-run --root DIR` (and load/exec/unload/status's
refusals) on the host, no kexec_load(2).

Each test writes a fake root as the running kernel would show it:
proc/cmdline, proc/iomem, x86_64's sys/firmware/memmap/N/{start,end,type}
and sys/firmware/efi/systab, the device-tree arches' sys/firmware/fdt,
ppc64's proc/device-tree properties (raw big-endian bytes).  Then what
charon plans on it is checked from what it prints: the layout table and
(-v) the kexec segments as they would go to the kernel.

Checked: nothing lands in a "Crash kernel" range (and without that range
something would), the serial console's port, the command line reused
from /proc/cmdline, the stub's address as the kexec entry, OPAL's
addresses and linux,kernel-end from /proc/device-tree, and the errors
that name what is missing (memmap, fdt, linux,kernel-end, root).
"""
import os
import pathlib
import platform
import re
import shutil
import struct
import subprocess
import tempfile

import pytest

import kernelfacts
from conftest import kernel_file
from hostrun import charon, env


# the kexec layout table: like `charon qemu`'s, the file column may read
# "PATH (edited)"
ROW_RE = re.compile(r"^\s+(\w+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+"
                    r"(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(.+)$")
SEGS_RE = re.compile(r"^charon: kexec segments \(entry (0x[0-9a-f]+)\):$")
SEG_RE = re.compile(r"^\s+(\S+)\s+mem (0x[0-9a-f]+) memsz (0x[0-9a-f]+)\s+"
                    r"bufsz (0x[0-9a-f]+)$")


def parse(out):
    """The layout ({name: {start, end, size, reserved, file}}), the kexec
    segments ([{label, mem, memsz, bufsz}], -v) and their entry."""
    layout, segs, entry = {}, [], None
    for line in out.splitlines():
        m = ROW_RE.match(line)
        if m and entry is None:
            layout[m.group(1)] = {
                "start": int(m.group(2), 16), "end": int(m.group(3), 16),
                "size": int(m.group(4), 16),
                "reserved": int(m.group(5), 16), "file": m.group(6)}
            continue
        m = SEGS_RE.match(line)
        if m:
            entry = int(m.group(1), 16)
            continue
        m = SEG_RE.match(line)
        if m and entry is not None:
            segs.append({"label": m.group(1), "mem": int(m.group(2), 16),
                         "memsz": int(m.group(3), 16),
                         "bufsz": int(m.group(4), 16)})
    return layout, segs, entry


def ranges(layout, segs):
    """Every range the plan occupies: each layout row's [start, start +
    reserved), each kexec segment's [mem, mem + memsz)."""
    r = [(n, s["start"], s["start"] + max(s["reserved"], s["size"]))
         for n, s in layout.items()]
    r += [(s["label"], s["mem"], s["mem"] + s["memsz"]) for s in segs]
    return r


def overlapping(layout, segs, start, end):
    return [x for x in ranges(layout, segs) if x[1] < end and start < x[2]]


def check_segments(layout, segs, entry):
    """The kexec segments cover the layout's rows, are 4 KiB aligned,
    sorted and disjoint; the entry is the stub's address."""
    assert segs, "no kexec segments printed (-v)"
    for a, b in zip(segs, segs[1:]):
        assert a["mem"] + a["memsz"] <= b["mem"], (a, b)
    for s in segs:
        assert s["mem"] % 4096 == 0 and s["memsz"] % 4096 == 0, s
        assert 0 < s["bufsz"] <= s["memsz"], s
    for name, row in layout.items():
        assert any(s["mem"] <= row["start"] and
                   row["start"] + max(row["size"], row["reserved"]) <=
                   s["mem"] + s["memsz"] and name in s["label"].split("+")
                   for s in segs), (name, row, segs)
    assert entry == layout["stub"]["start"], (hex(entry), layout["stub"])


def write(root, rel, data):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    p.write_bytes(data)
    return p


def be64(v):
    return struct.pack(">Q", v)


def iomem_text(ram, nested=(), zero=False):
    """/proc/iomem: top-level RAM ranges [(start, end)], nested entries
    [(start, end, name)] under the RAM range holding them."""
    lines = []
    for a, b in ram:
        lines.append("%08x-%08x : System RAM" % (0 if zero else a,
                                                 0 if zero else b))
        for na, nb, name in nested:
            if a <= na <= b:
                lines.append("  %08x-%08x : %s" % (0 if zero else na,
                                                   0 if zero else nb, name))
    return "\n".join(lines) + "\n"


def run_load(build_dir, root, arch, files, *args):
    return charon(build_dir, "load", "--dry-run", "--root", root, "--arch",
                  arch, "--kernel", files["kernel"], "--stub", files["stub"],
                  *args)


def need(*paths):
    for p in paths:
        if not p.exists():
            pytest.skip(f"{p} missing (scripts/fetch-kernels, make)")


# ---- x86_64 ----------------------------------------------------------------

# QEMU q35 with 1 GiB, as /sys/firmware/memmap shows the firmware's map
Q35_MEMMAP = [
    (0x0, 0x9fbff, "System RAM"),
    (0x9fc00, 0x9ffff, "Reserved"),
    (0xf0000, 0xfffff, "Reserved"),
    (0x100000, 0x3ffdffff, "System RAM"),
    (0x3ffe0000, 0x3fffffff, "Reserved"),
    (0xb0000000, 0xbfffffff, "Reserved"),
    (0xfed1c000, 0xfed1ffff, "Reserved"),
    (0xfeffc000, 0xfeffffff, "Reserved"),
    (0xfffc0000, 0xffffffff, "Reserved"),
]
Q35_RAM = [(0x1000, 0x9fbff), (0x100000, 0x3ffdffff)]
KERNEL_LINES = [(0x1000000, 0x1e03fff, "Kernel code"),
                (0x1e04000, 0x264bfff, "Kernel rodata"),
                (0x2800000, 0x2a7f2ff, "Kernel data"),
                (0x2f6f000, 0x31fffff, "Kernel bss")]
CMDLINE = "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 ro console=ttyS1,115200"


@pytest.fixture
def x86(build_dir, kernel_set):
    files = {"kernel": kernel_file(build_dir, "x86_64", kernel_set),
             "stub": build_dir / "x86_64" / "charon-stub.bin"}
    need(*files.values())
    return files


def x86_root(root, crash=None, iomem=None, memmap=Q35_MEMMAP,
             cmdline=CMDLINE):
    nested = list(KERNEL_LINES)
    if crash:
        nested.append((crash[0], crash[1] - 1, "Crash kernel"))
    write(root, "proc/cmdline", cmdline + "\n")
    write(root, "proc/iomem",
          iomem if iomem is not None else iomem_text(Q35_RAM, nested))
    for i, (a, b, t) in enumerate(memmap or []):
        write(root, f"sys/firmware/memmap/{i}/start", "0x%x\n" % a)
        write(root, f"sys/firmware/memmap/{i}/end", "0x%x\n" % b)
        write(root, f"sys/firmware/memmap/{i}/type", t + "\n")
    return root


# one crash kernel over the top of RAM below 4 GiB, where the stub,
# boot_params and the command line would go; the other, where the
# bzImage would go, comes from the file (kernel_crash())
CRASH = [None, (0x30000000, 0x3ffe0000)]


def kernel_crash(kernel):
    """A crash kernel where the bzImage would go: from its pref_address,
    up to 16 MiB of its init_size (the setup header, read here)."""
    f = kernelfacts.bzimage(kernel)
    size = min((f["init_size"] + 0xfff) & ~0xfff, 16 << 20)
    return (f["pref_address"], f["pref_address"] + size)


@pytest.mark.parametrize("crash", CRASH, ids=["kernel", "top"])
def test_x86_crash_kernel_kept_out(build_dir, tmp_path, x86, crash):
    crash = crash or kernel_crash(x86["kernel"])
    initrd = write(tmp_path, "initrd", bytes(range(256)) * 64)
    free = x86_root(tmp_path / "free")
    p = run_load(build_dir, free, "x86_64", x86, "-v", "--initrd", initrd)
    assert p.returncode == 0, p.stderr
    layout, segs, entry = parse(p.stdout)
    check_segments(layout, segs, entry)
    # without it, the range is used: the test below means something
    assert overlapping(layout, segs, *crash), (crash, p.stdout)

    kept = x86_root(tmp_path / "kept", crash=crash)
    p = run_load(build_dir, kept, "x86_64", x86, "-v", "--initrd", initrd)
    assert p.returncode == 0, p.stderr
    layout, segs, entry = parse(p.stdout)
    assert set(layout) == {"kernel", "initrd", "boot_params", "cmdline",
                           "stub"}, p.stdout
    check_segments(layout, segs, entry)
    assert not overlapping(layout, segs, *crash), (crash, p.stdout)
    # and all of it in the RAM /proc/iomem shows
    for name, a, b in ranges(layout, segs):
        assert any(r0 <= a and b <= r1 + 1 for r0, r1 in Q35_RAM), \
            (name, hex(a), hex(b))


def test_x86_console_and_cmdline(build_dir, tmp_path, x86):
    root = x86_root(tmp_path / "root")
    p = run_load(build_dir, root, "x86_64", x86, "-v")
    assert p.returncode == 0, p.stderr
    # console=ttyS1 on /proc/cmdline: the stub prints on COM2
    assert re.search(r"^charon: console ns16550-io at 0x2f8\b", p.stdout,
                     re.M), p.stdout
    layout, _, _ = parse(p.stdout)
    # neither --append nor --reuse-cmdline: an empty command line
    assert layout["cmdline"]["size"] == 1, layout["cmdline"]
    # the stub at the top of the RAM below 4 GiB, the rest right below it
    stub = layout["stub"]
    assert stub["start"] + stub["reserved"] == 0x3ffe0000, stub
    assert layout["boot_params"]["end"] == stub["start"], layout

    extra = "charon.test=1 panic=-1"
    p = run_load(build_dir, root, "x86_64", x86, "-v", "--reuse-cmdline",
                 "--append", extra)
    assert p.returncode == 0, p.stderr
    layout, segs, entry = parse(p.stdout)
    check_segments(layout, segs, entry)
    # the running kernel's line, a space, --append and the NUL
    assert layout["cmdline"]["size"] == len(CMDLINE + " " + extra) + 1, \
        (layout["cmdline"], p.stdout)
    # --append alone
    p = run_load(build_dir, root, "x86_64", x86, "--append", extra)
    assert p.returncode == 0, p.stderr
    assert parse(p.stdout)[0]["cmdline"]["size"] == len(extra) + 1

    # console=ttyS0 (or none): COM1
    root0 = x86_root(tmp_path / "root0", cmdline="root=/dev/sda1 quiet")
    p = run_load(build_dir, root0, "x86_64", x86)
    assert p.returncode == 0, p.stderr
    assert "console ns16550-io at 0x3f8" in p.stdout, p.stdout


def test_x86_missing_memmap(build_dir, tmp_path, x86):
    root = x86_root(tmp_path / "root", memmap=None)
    p = run_load(build_dir, root, "x86_64", x86)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "charon: error:" in p.stderr
    assert "/sys/firmware/memmap" in p.stderr, p.stderr
    assert not p.stdout.strip(), p.stdout


def test_x86_iomem_not_root(build_dir, tmp_path, x86):
    zero = iomem_text(Q35_RAM, KERNEL_LINES, zero=True)
    root = x86_root(tmp_path / "root", iomem=zero)
    p = run_load(build_dir, root, "x86_64", x86)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "/proc/iomem" in p.stderr and "root" in p.stderr, p.stderr


def test_x86_iomem_malformed(build_dir, tmp_path, x86):
    text = iomem_text(Q35_RAM, KERNEL_LINES) + "zzzz\n"
    root = x86_root(tmp_path / "root", iomem=text)
    p = run_load(build_dir, root, "x86_64", x86)
    assert p.returncode == 1, (p.stdout, p.stderr)
    n = len(text.splitlines())
    assert f"/proc/iomem: line {n}" in p.stderr, p.stderr


def test_x86_flip_bit_labels(build_dir, tmp_path, x86):
    root = x86_root(tmp_path / "root")
    p = run_load(build_dir, root, "x86_64", x86, "--flip-bit", "cmdline")
    assert p.returncode == 0, p.stderr
    # dtb is not an x86_64 segment
    p = run_load(build_dir, root, "x86_64", x86, "--flip-bit", "dtb")
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "--flip-bit dtb" in p.stderr, p.stderr


def test_x86_stub_addr_in_crash_kernel(build_dir, tmp_path, x86):
    root = x86_root(tmp_path / "root", crash=CRASH[1])
    p = run_load(build_dir, root, "x86_64", x86, "--stub-addr", "0x30000000")
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "stub [0x30000000," in p.stderr, p.stderr
    assert "crashkernel (/proc/iomem) [0x30000000, 0x3ffe0000)" in p.stderr


# ---- arm64 -----------------------------------------------------------------

ARM64_DTS = """/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "linux,dummy-virt";
	chosen {
		stdout-path = "/pl011@9000000";
		bootargs = "console=ttyAMA0 from-the-tree";
	};
	memory@40000000 {
		device_type = "memory";
		reg = <0x0 0x40000000 0x0 0x40000000>;
	};
	pl011@9000000 {
		compatible = "arm,pl011", "arm,primecell";
		reg = <0x0 0x09000000 0x0 0x1000>;
	};
	psci {
		compatible = "arm,psci-1.0", "arm,psci-0.2", "arm,psci";
		method = "hvc";
	};
};
"""
ARM64_RAM = (0x40000000, 0x7fffffff)


def dtc(src, out):
    exe = shutil.which("dtc")
    if not exe:
        pytest.fail("dtc not found: install device-tree-compiler "
                    "(scripts/install-deps)")
    subprocess.run([exe, "-I", "dts", "-O", "dtb", "-o", str(out),
                    str(src)], check=True)
    return out


@pytest.fixture
def arm64(build_dir, tmp_path, kernel_set):
    files = {"kernel": kernel_file(build_dir, "arm64", kernel_set),
             "stub": build_dir / "arm64" / "charon-stub.bin"}
    need(*files.values())
    src = write(tmp_path, "virt.dts", ARM64_DTS)
    files["dtb"] = dtc(src, tmp_path / "virt.dtb")
    return files


def arm64_root(root, dtb, crash=None):
    nested = [(0x40210000, 0x4165ffff, "Kernel code"),
              (0x41a60000, 0x41e1ffff, "Kernel data")]
    if crash:
        nested.append((crash[0], crash[1] - 1, "Crash kernel"))
    write(root, "proc/cmdline", "console=ttyAMA0 root=/dev/vda\n")
    write(root, "proc/iomem", "09000000-09000fff : pl011@9000000\n" +
          iomem_text([ARM64_RAM], nested))
    if dtb:
        write(root, "sys/firmware/fdt", dtb.read_bytes())
    return root


def test_arm64_layout(build_dir, tmp_path, arm64):
    root = arm64_root(tmp_path / "root", arm64["dtb"])
    p = run_load(build_dir, root, "arm64", arm64, "-v", "--reuse-cmdline")
    assert p.returncode == 0, p.stderr
    layout, segs, entry = parse(p.stdout)
    assert set(layout) == {"kernel", "dtb", "stub"}, p.stdout
    check_segments(layout, segs, entry)
    for name, a, b in ranges(layout, segs):
        assert ARM64_RAM[0] <= a and b <= ARM64_RAM[1] + 1, \
            (name, hex(a), hex(b))
    # the tree's console and PSCI; the kexec entry is the stub's address
    assert "console pl011 at 0x9000000, PSCI hvc" in p.stdout, p.stdout
    assert layout["stub"]["file"] == str(arm64["stub"])
    assert layout["dtb"]["file"].startswith(str(root / "sys/firmware/fdt"))


def test_arm64_crash_kernel(build_dir, tmp_path, arm64):
    # the top 128 MiB, where the stub goes by default
    crash = (0x78000000, 0x80000000)
    root = arm64_root(tmp_path / "free", arm64["dtb"])
    p = run_load(build_dir, root, "arm64", arm64, "-v")
    assert p.returncode == 0, p.stderr
    layout, segs, _ = parse(p.stdout)
    assert overlapping(layout, segs, *crash), p.stdout
    root = arm64_root(tmp_path / "kept", arm64["dtb"], crash=crash)
    p = run_load(build_dir, root, "arm64", arm64, "-v")
    assert p.returncode == 0, p.stderr
    layout, segs, entry = parse(p.stdout)
    check_segments(layout, segs, entry)
    assert not overlapping(layout, segs, *crash), p.stdout


def test_arm64_missing_fdt(build_dir, tmp_path, arm64):
    root = arm64_root(tmp_path / "root", None)
    p = run_load(build_dir, root, "arm64", arm64)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "/sys/firmware/fdt" in p.stderr, p.stderr
    # --dtb instead: planned
    p = run_load(build_dir, root, "arm64", arm64, "-v", "--dtb",
                 arm64["dtb"])
    assert p.returncode == 0, p.stderr
    check_segments(*parse(p.stdout))


def test_arm64_stub(build_dir, tmp_path, arm64):
    root = arm64_root(tmp_path / "root", arm64["dtb"])
    # no --stub: the one next to charon, <dir>/../arm64/charon-stub.bin
    p = charon(build_dir, "load", "--dry-run", "--root", root, "--arch",
               "arm64", "--kernel", arm64["kernel"])
    assert p.returncode == 0, p.stderr
    stub = parse(p.stdout)[0]["stub"]["file"]
    assert pathlib.Path(stub).resolve() == arm64["stub"].resolve(), stub
    # another arch's stub is refused, naming both
    x86_stub = build_dir / "x86_64" / "charon-stub.bin"
    if x86_stub.exists():
        p = run_load(build_dir, root, "arm64",
                     dict(arm64, stub=x86_stub))
        assert p.returncode == 1, (p.stdout, p.stderr)
        assert "(x86_64), expected 1 (arm64)" in p.stderr, p.stderr


def test_arm64_flip_bit_unknown(build_dir, tmp_path, arm64):
    root = arm64_root(tmp_path / "root", arm64["dtb"])
    p = run_load(build_dir, root, "arm64", arm64, "--flip-bit", "bogus")
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "--flip-bit bogus" in p.stderr, p.stderr
    # initrd only with --initrd; kernel and dtb are labels
    p = run_load(build_dir, root, "arm64", arm64, "--flip-bit", "initrd")
    assert p.returncode == 2, (p.stdout, p.stderr)
    p = run_load(build_dir, root, "arm64", arm64, "--flip-bit", "dtb:0x10")
    assert p.returncode == 0, p.stderr


# ---- ppc64le ---------------------------------------------------------------

# skiboot's tree in miniature, when no captured one is cached
POWERNV_DTS = """/dts-v1/;
/memreserve/ 0x30000000 0x2000000;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "qemu,powernv9", "ibm,powernv";
	memory@0 {
		device_type = "memory";
		reg = <0x0 0x0 0x0 0x80000000>;
	};
	ibm,opal {
		opal-base-address = <0x0 0x30000000>;
		opal-entry-address = <0x0 0x30003760>;
	};
	chosen {
		stdout-path = "/ibm,opal/consoles/serial@0";
	};
};
"""
# where the running kernel says OPAL is now: not the tree's
LIVE_OPAL_BASE, LIVE_OPAL_ENTRY = 0x30100000, 0x30104560
KERNEL_END = 0x4321000


@pytest.fixture
def ppc(build_dir, tmp_path, kernel_set):
    files = {"kernel": kernel_file(build_dir, "ppc64le", kernel_set),
             "stub": build_dir / "ppc64le" / "charon-stub.bin"}
    need(*files.values())
    cached = sorted((build_dir / "powernv").glob("*.dtb"))
    if cached:
        files["dtb"] = cached[0]
    else:
        src = write(tmp_path, "powernv.dts", POWERNV_DTS)
        files["dtb"] = dtc(src, tmp_path / "powernv.dtb")
    return files


def ppc_root(root, dtb, kernel_end=KERNEL_END, kernel_lines=True):
    write(root, "proc/cmdline", "root=/dev/sda2 console=hvc0\n")
    nested = [(0x0, 0x173ffff, "Kernel code")] if kernel_lines else []
    write(root, "proc/iomem", iomem_text([(0, 0x7fffffff)], nested))
    write(root, "sys/firmware/fdt", dtb.read_bytes())
    dt = "proc/device-tree/"
    if kernel_end is not None:
        write(root, dt + "chosen/linux,kernel-end", be64(kernel_end))
    write(root, dt + "ibm,opal/opal-base-address", be64(LIVE_OPAL_BASE))
    write(root, dt + "ibm,opal/opal-entry-address", be64(LIVE_OPAL_ENTRY))
    return root


def test_ppc64le_live(build_dir, tmp_path, ppc):
    initrd = write(tmp_path, "initrd", bytes(range(256)) * 64)
    root = ppc_root(tmp_path / "root", ppc["dtb"])
    p = run_load(build_dir, root, "ppc64le", ppc, "-v", "--initrd", initrd,
                 "--append", "console=hvc0")
    assert p.returncode == 0, p.stderr
    layout, segs, entry = parse(p.stdout)
    assert set(layout) == {"kernel", "initrd", "dtb", "stub"}, p.stdout
    check_segments(layout, segs, entry)
    # OPAL's addresses from /proc/device-tree, not the tree's
    m = re.search(r"OPAL base (0x[0-9a-f]+) entry (0x[0-9a-f]+)", p.stdout)
    assert m, p.stdout
    assert (int(m.group(1), 16), int(m.group(2), 16)) == \
        (LIVE_OPAL_BASE, LIVE_OPAL_ENTRY), p.stdout
    # ppc64 refuses kexec segments below the running kernel's end
    for name, a, _ in ranges(layout, segs):
        assert a >= KERNEL_END, (name, hex(a), p.stdout)
    # the kernel 64 KiB aligned; r4 its base
    assert layout["kernel"]["start"] % 0x10000 == 0, layout["kernel"]
    assert "r4 = 0x%x," % layout["kernel"]["start"] in p.stdout


def test_ppc64le_stub_addr_below_kernel_end(build_dir, tmp_path, ppc):
    root = ppc_root(tmp_path / "root", ppc["dtb"])
    p = run_load(build_dir, root, "ppc64le", ppc, "--stub-addr", "0x1000000")
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "stub [0x1000000, " in p.stderr, p.stderr
    assert "[0x0, 0x%x)" % KERNEL_END in p.stderr, p.stderr


def test_ppc64le_kernel_end_from_iomem(build_dir, tmp_path, ppc):
    # no linux,kernel-end: the end of iomem's "Kernel" lines instead
    root = ppc_root(tmp_path / "root", ppc["dtb"], kernel_end=None)
    p = run_load(build_dir, root, "ppc64le", ppc, "-v")
    assert p.returncode == 0, p.stderr
    layout, segs, entry = parse(p.stdout)
    check_segments(layout, segs, entry)
    for name, a, _ in ranges(layout, segs):
        assert a >= 0x1740000, (name, hex(a))


def test_ppc64le_no_kernel_end(build_dir, tmp_path, ppc):
    root = ppc_root(tmp_path / "root", ppc["dtb"], kernel_end=None,
                    kernel_lines=False)
    p = run_load(build_dir, root, "ppc64le", ppc)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "linux,kernel-end" in p.stderr, p.stderr
    assert not p.stdout.strip(), p.stdout


# ---- refusals --------------------------------------------------------------

NATIVE = {"x86_64": "x86_64", "aarch64": "arm64", "ppc64le": "ppc64le",
          "ppc64": "ppc64"}.get(platform.machine())


def test_foreign_arch_needs_dry_run(build_dir, tmp_path):
    other = "ppc64le" if NATIVE == "arm64" else "arm64"
    p = charon(build_dir, "load", "--arch", other, "--kernel",
               tmp_path / "nothing", "--stub", tmp_path / "nothing")
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert f"--arch {other}" in p.stderr, p.stderr
    assert "--dry-run" in p.stderr, p.stderr
    p = charon(build_dir, "load", "--arch", "riscv64", "--dry-run",
               "--kernel", tmp_path / "nothing")
    assert p.returncode == 2 and "--arch riscv64" in p.stderr, p.stderr


def test_help(build_dir):
    for args in (["help", "load"], ["load", "--help"]):
        p = charon(build_dir, *args)
        assert p.returncode == 0, p.stderr
        assert p.stdout.startswith("Usage: charon load --kernel FILE"), \
            p.stdout
        assert "--dry-run" in p.stdout and "--root DIR" in p.stdout
    for cmd in ("exec", "unload", "status"):
        p = charon(build_dir, "help", cmd)
        assert p.returncode == 0, p.stderr
        assert p.stdout.startswith(f"Usage: charon {cmd}"), p.stdout
        p = charon(build_dir, cmd, "extra")
        assert p.returncode == 2, (cmd, p.stdout, p.stderr)


def test_status(build_dir):
    # the real system's /sys/kernel/kexec_loaded: only read
    p = charon(build_dir, "status")
    if os.path.exists("/sys/kernel/kexec_loaded"):
        assert p.returncode == 0, p.stderr
        assert re.search(r"^kexec: (not )?loaded$", p.stdout, re.M), p.stdout
    else:
        assert p.returncode == 1, (p.stdout, p.stderr)
        assert "/sys/kernel/kexec_loaded" in p.stderr, p.stderr


NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups",
          "--inh-caps=-all", "--bounding-set=-all"]


def as_nobody(build_dir, *args):
    """Run charon as uid 65534 with no capabilities; skip unless that can
    be done and checked (this exec's safety rests on it)."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or not setpriv:
        pytest.skip("needs root and setpriv to drop to an unprivileged user")
    exe = build_dir / "host" / "charon"
    assert exe.exists(), f"{exe} not built (run make host-tests)"
    check = subprocess.run([setpriv, *NOBODY, "sh", "-c",
                            "id -u; grep CapEff /proc/self/status; "
                            "test -x " + str(exe)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    out = check.stdout.split()
    if check.returncode or out[:1] != ["65534"] or \
            int(out[-1], 16) != 0:
        pytest.skip(f"cannot run {exe} as an unprivileged user: "
                    f"{check.stdout} {check.stderr}")
    return subprocess.run([setpriv, *NOBODY, str(exe), *map(str, args)],
                          cwd="/", env=env(build_dir),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=60)


def test_not_root(build_dir, tmp_path):
    kernel = write(tmp_path, "kernel", b"\0" * 4096)
    # checked before any file is read: these need not be valid
    p = as_nobody(build_dir, "load", "--kernel", kernel, "--stub", kernel)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "not root" in p.stderr, p.stderr
    p = as_nobody(build_dir, "exec")
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "not root" in p.stderr, p.stderr
    p = as_nobody(build_dir, "unload")
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "not root" in p.stderr, p.stderr


def test_dry_run_not_root(build_dir, x86):
    # --dry-run needs no privilege, given a root it can read
    root = pathlib.Path(tempfile.mkdtemp(prefix="charon-kexec-"))
    try:
        x86_root(root)
        for d, _, names in os.walk(root):
            os.chmod(d, 0o755)
            for n in names:
                os.chmod(os.path.join(d, n), 0o644)
        p = as_nobody(build_dir, "load", "--dry-run", "--root", root,
                      "--arch", "x86_64", "--kernel",
                      x86["kernel"].resolve(), "--stub",
                      x86["stub"].resolve(), "-v")
        assert p.returncode == 0, p.stderr
        check_segments(*parse(p.stdout))
    finally:
        shutil.rmtree(root)


# what the preflight reads under --root, and what it must say; each root
# also lacks proc/cmdline, so even a preflight that let it through would
# stop before kexec_load(2)
PREFLIGHT = [
    ({}, "/sys/kernel: missing: mount sysfs"),
    ({"sys/kernel/uevent_seqnum": "1\n"}, "kexec_loaded is missing"),
    ({"sys/kernel/kexec_loaded": "0\n",
      "proc/sys/kernel/kexec_load_disabled": "1\n"},
     "kexec_load_disabled is 1"),
    ({"sys/kernel/kexec_loaded": "0\n",
      "proc/sys/kernel/kexec_load_disabled": "0\n",
      "sys/kernel/security/lockdown": "none [integrity] confidentiality\n"},
     "locked down"),
    ({"sys/kernel/kexec_loaded": "0\n",
      "sys/kernel/security/lockdown": "none integrity [confidentiality]\n"},
     "locked down"),
    # all is well: refused only for the missing /proc/cmdline
    ({"sys/kernel/kexec_loaded": "0\n",
      "proc/sys/kernel/kexec_load_disabled": "0\n",
      "sys/kernel/security/lockdown": "[none] integrity confidentiality\n"},
     "/proc/cmdline"),
]


@pytest.mark.parametrize("files,msg", PREFLIGHT,
                         ids=["no-sysfs", "no-kexec", "disabled",
                              "integrity", "confidentiality", "ok"])
def test_preflight(build_dir, tmp_path, files, msg):
    if os.geteuid() != 0:
        pytest.skip("as another user, charon load stops at \"not root\"")
    if NATIVE is None:
        pytest.skip(f"charon cannot kexec on {platform.machine()}")
    root = tmp_path / "root"
    root.mkdir()
    for rel, text in files.items():
        write(root, rel, text)
    assert not (root / "proc" / "cmdline").exists()
    kernel = write(tmp_path, "kernel", b"\0" * 4096)
    p = charon(build_dir, "load", "--root", root, "--kernel", kernel,
               "--stub", kernel)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert msg in p.stderr, p.stderr
