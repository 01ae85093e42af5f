# SPDX-License-Identifier: MIT
"""libcharon's x86 pieces on the host, and against QEMU.

Runs the cmocka program (ASan+UBSan) that `make host-tests` built, then
checks two facts about QEMU that the library relies on, with this machine's
qemu-system-x86_64 and SeaBIOS:

- an ELF made by charon_pvh_elf() given to -kernel (pc and q35) is entered
  at its PVH note's address, in 32-bit mode, with ebx = hvm_start_info;
- the memory map QEMU hands a PVH guest (SeaBIOS's e820, the same one Linux
  prints as BIOS-e820) is exactly what charon_e820_qemu() predicts.
"""
import platform
import re
import shutil
import struct
import subprocess

import pytest

import kernelfacts
from conftest import kernel_file
from hostrun import charon, check_loaders, parse_dry_run, run_unit

QEMU = "qemu-system-x86_64"
LOAD = 0x1000000
ENTRY = 0x10
GiB = 1 << 30
CONFIGS = [("q35", 1), ("q35", 3), ("q35", 8), ("pc", 1), ("pc", 3),
           ("pc", 8)]


def _tool(build_dir):
    exe = build_dir / "host" / "tests" / "test-loader-x86"
    assert exe.exists(), f"{exe} not built (run make host-tests)"
    return exe


def _qemu():
    q = shutil.which(QEMU)
    if not q:
        pytest.fail(f"{QEMU} not found: install qemu-system-x86 "
                    "(scripts/install-deps)")
    return q


def _pvh_elf(build_dir, image, out, mem_size=0x10000):
    subprocess.run([str(_tool(build_dir)), "--pvh-elf", str(image),
                    str(out), hex(LOAD), hex(ENTRY), hex(mem_size)],
                   check=True)


def _boot(elf, machine, mem, serial=False):
    args = [_qemu(), "-M", machine, "-m", mem, "-display", "none",
            "-monitor", "none", "-no-reboot",
            "-serial", "stdio" if serial else "none",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-kernel", str(elf)]
    return subprocess.run(args, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=60)


def test_loader_x86_unit(build_dir, kernel_set):
    run_unit(build_dir, "test-loader-x86", kernel_set,
             arches=("x86_64",))


# 32-bit code: at offset 0 "exit 5"; at ENTRY, "exit 0x21" if ebx points
# at the hvm_start_info magic, else "exit 7".  isa-debug-exit makes QEMU
# exit with (value << 1) | 1.
EXIT_AT_0 = bytes.fromhex("b005" "e6f4" "f4" "ebfd")
EXIT_AT_ENTRY = bytes.fromhex(
    "813b78c56e33"      # cmpl $0x336ec578, (%ebx)
    "7505"              # jne 1f
    "b021" "e6f4" "f4"  # mov $0x21, %al; out %al, $0xf4; hlt
    "b007" "e6f4" "f4")  # 1: mov $7, %al; out %al, $0xf4; hlt


@pytest.mark.parametrize("machine", ["q35", "pc"])
def test_pvh_entry(build_dir, tmp_path, machine):
    img = bytearray(b"\xf4" * 0x40)
    img[0:len(EXIT_AT_0)] = EXIT_AT_0
    img[ENTRY:ENTRY + len(EXIT_AT_ENTRY)] = EXIT_AT_ENTRY
    (tmp_path / "probe.bin").write_bytes(bytes(img))
    _pvh_elf(build_dir, tmp_path / "probe.bin", tmp_path / "probe.elf")
    p = _boot(tmp_path / "probe.elf", machine, "256M")
    assert p.returncode == (0x21 << 1) | 1, (
        f"QEMU exit {p.returncode}: 11 = entered at the image start, "
        f"15 = ebx is not hvm_start_info\n{p.stdout}")


# prints hvm_start_info's memmap as "0xSTART 0xLAST TYPE" lines
PROBE_C = r"""
typedef unsigned int u32;
typedef unsigned long long u64;

static void outb(unsigned short port, unsigned char v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static unsigned char inb(unsigned short port)
{
	unsigned char v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void put(char c)
{
	while (!(inb(0x3fd) & 0x20)) {
	}
	outb(0x3f8, c);
}

static void hex(u64 v)
{
	int i;

	put('0');
	put('x');
	for (i = 60; i >= 0; i -= 4) {
		put("0123456789abcdef"[(v >> i) & 15]);
	}
}

void probe(u32 *si)
{
	u32 i, n = si[12], *e;
	u64 a, s;

	if (si[0] != 0x336ec578) {
		outb(0xf4, 7);
	}
	for (i = 0; i < n; i++) {
		e = (u32 *)(si[10] + 24 * i);
		a = e[0] | (u64)e[1] << 32;
		s = e[2] | (u64)e[3] << 32;
		hex(a);
		put(' ');
		hex(a + s - 1);
		put(' ');
		put('0' + e[4]);
		put('\n');
	}
	outb(0xf4, 0x21);
}
"""

PROBE_S = r"""
	.section .text.entry, "ax"
	.code32
	.fill 16, 1, 0xf4		/* ENTRY: the PVH entry is at 0x10 */
	mov $0x1800000, %esp		/* no stack at the PVH entry */
	push %ebx
	call probe
1:	hlt
	jmp 1b
"""


def _build_probe(tmp_path):
    (tmp_path / "probe.c").write_text(PROBE_C)
    (tmp_path / "entry.S").write_text(PROBE_S)
    elf = tmp_path / "probe32.elf"
    cc = ["gcc", "-m32", "-ffreestanding", "-fno-pic", "-fno-stack-protector",
          "-O2", "-nostdlib", "-static", "-Wl,--build-id=none",
          "-Wl,-z,noexecstack", f"-Wl,-Ttext={LOAD:#x}", "-Wl,-e,0",
          "-o", str(elf), str(tmp_path / "entry.S"), str(tmp_path / "probe.c")]
    p = subprocess.run(cc, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if p.returncode:
        if platform.machine() != "x86_64":
            pytest.skip(f"no 32-bit x86 compiler on {platform.machine()}")
        pytest.fail(f"building the 32-bit probe failed:\n{p.stdout}")
    subprocess.run(["objcopy", "-O", "binary", str(elf),
                    str(tmp_path / "probe.bin")], check=True)
    return tmp_path / "probe.bin"


def test_qemu_e820_matches(build_dir, tmp_path):
    probe = _build_probe(tmp_path)
    elf = tmp_path / "probe.elf"
    _pvh_elf(build_dir, probe, elf)
    for machine, gib in CONFIGS:
        p = _boot(elf, machine, f"{gib}G", serial=True)
        assert p.returncode == (0x21 << 1) | 1, (
            f"-M {machine} -m {gib}G: QEMU exit {p.returncode}\n{p.stdout}")
        seen = [ln.strip() for ln in p.stdout.splitlines()
                if ln.startswith("0x")]
        # TCG's default CPU (qemu64) has the AMD vendor
        want = subprocess.run(
            [str(_tool(build_dir)), "--e820-qemu", machine,
             str(gib * GiB), "amd"],
            stdout=subprocess.PIPE, text=True, check=True).stdout.split("\n")
        want = [ln for ln in want if ln]
        assert seen == want, (
            f"-M {machine} -m {gib}G: QEMU's map\n  " + "\n  ".join(seen) +
            "\ncharon_e820_qemu()\n  " + "\n  ".join(want))


# ---- the CLI: charon qemu --arch x86_64 --dry-run, charon inspect ---------
#
# A crafted stub (the x86_64 charon header at 0x40, a PVH entry) and a
# crafted bzImage (protocol 2.15, 64-bit, relocatable, pref_address
# 32 MiB), so no target build is needed.  QEMU is not run.

X86_STUB_FILE = 0x800
X86_STUB_MEM = 0x10000
X86_STUB_PARAMS = 0x100
X86_STUB_ENTRY2 = 0x80
BZ_SETUP_SECTS = 3
BZ_PM = 0x3000
BZ_PREF = 0x2000000
BZ_INIT = 0x400000
APPEND = "console=ttyS0 charon.test=dry"
# q35 with -m 1G: RAM [1 MiB, 0x3ffdf000), the SeaBIOS zone above
Q35_1G_TOP = 0x3ffdf000
PC_512M_TOP = 0x1ffe0000


def _x86_stub(path):
    b = bytearray(X86_STUB_FILE)
    b[0:2] = b"\xeb\xfe"                     # jmp . (the kexec entry)
    struct.pack_into("<IHHIIIIIIII", b, 0x40, 0x4E524843, 1, 5, 0x30,
                     X86_STUB_PARAMS, 0x618, X86_STUB_FILE, X86_STUB_MEM,
                     0, 0x1000, X86_STUB_ENTRY2)
    b[X86_STUB_ENTRY2:X86_STUB_ENTRY2 + 2] = b"\xeb\xfe"
    path.write_bytes(bytes(b))
    return path


def _bzimage(path, pref=BZ_PREF, xloadflags=0x3):
    setup = (BZ_SETUP_SECTS + 1) * 512
    b = bytearray((i * 7 + (i >> 8)) & 0xff for i in range(setup + BZ_PM))
    b[0x1f1] = BZ_SETUP_SECTS
    struct.pack_into("<I", b, 0x1f4, BZ_PM // 16)           # syssize
    struct.pack_into("<H", b, 0x1fe, 0xAA55)
    b[0x200:0x202] = bytes([0xEB, 0x6A])                    # header to 0x26c
    b[0x202:0x206] = b"HdrS"
    struct.pack_into("<HIHH", b, 0x206, 0x020F, 0, 0, 0)    # no version str
    b[0x210], b[0x211] = 0, 0x01                            # LOADED_HIGH
    struct.pack_into("<H", b, 0x212, 0)
    struct.pack_into("<IIII", b, 0x214, 0x100000, 0, 0, 0)  # code32_start
    struct.pack_into("<HBB", b, 0x224, 0, 0, 0)
    struct.pack_into("<III", b, 0x228, 0, 0x7FFFFFFF, 0x200000)
    b[0x234], b[0x235] = 1, 21                               # relocatable
    struct.pack_into("<HI", b, 0x236, xloadflags, 2047)
    struct.pack_into("<IQII", b, 0x23c, 0, 0, 0, 0)
    struct.pack_into("<QQII", b, 0x250, 0, pref, BZ_INIT, 0)
    struct.pack_into("<I", b, 0x268, 0)
    path.write_bytes(bytes(b))
    return path


@pytest.fixture
def x86(tmp_path):
    initrd = tmp_path / "initrd.cpio"
    initrd.write_bytes(bytes(range(256)) * 300)
    return {
        "stub": _x86_stub(tmp_path / "stub.bin"),
        "kernel": _bzimage(tmp_path / "bzImage"),
        "initrd": initrd,
        "workdir": tmp_path / "work",
    }


def _x86_dry_run(build_dir, x86, *extra, initrd=True):
    args = ["qemu", "--arch", "x86_64", "--kernel", x86["kernel"],
            "--stub", x86["stub"], "--append", APPEND,
            "--workdir", x86["workdir"], "--dry-run", *extra]
    if initrd:
        args[5:5] = ["--initrd", x86["initrd"]]
    return charon(build_dir, *args)


def _check_x86_loaders(layout, cmd, loaders):
    """A -device loader at the printed address for every segment; the
    stub comes in through -kernel, as the PVH ELF; nothing sets a PC."""
    check_loaders(layout, loaders, unloaded=("stub", "backup"))
    assert cmd[cmd.index("-kernel") + 1] == layout["stub"]["file"]
    assert layout["stub"]["file"].endswith("/stub.elf")


def _elf_load(path):
    """(e_entry, p_paddr, p_filesz, p_memsz) of the PVH ELF's PT_LOAD."""
    b = open(path, "rb").read()
    assert b[:4] == b"\x7fELF"
    entry, phoff = struct.unpack_from("<QQ", b, 0x18)
    ptype, _, _, _, paddr, filesz, memsz = struct.unpack_from(
        "<IIQQQQQ", b, phoff)
    assert ptype == 1
    return entry, paddr, filesz, memsz


def _inspect(build_dir, path):
    p = charon(build_dir, "inspect", path)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_cli_x86_dry_run(build_dir, x86):
    p = _x86_dry_run(build_dir, x86, "--", "-s")
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = parse_dry_run(p.stdout)
    assert set(layout) == {"kernel", "initrd", "boot_params", "cmdline",
                           "stub"}, p.stdout
    _check_x86_loaders(layout, cmd, loaders)
    k, i, bp, cl, st = (layout[n] for n in ("kernel", "initrd",
                                            "boot_params", "cmdline", "stub"))
    # the kernel at pref_address with init_size reserved; initrd,
    # boot_params and cmdline right after it; the stub at the top
    assert k["start"] == BZ_PREF and k["reserved"] == BZ_INIT
    assert k["size"] == BZ_PM
    assert i["start"] == BZ_PREF + BZ_INIT
    assert bp["start"] == i["start"] + i["reserved"]
    assert cl["start"] == bp["end"] and cl["size"] == len(APPEND) + 1
    assert st["start"] == Q35_1G_TOP - X86_STUB_MEM
    assert "RAM [0x100000, 0x3ffdf000)" in p.stdout
    assert cmd[:3] == ["qemu-system-x86_64", "-M", "q35"]
    assert "-cpu" not in cmd
    assert cmd[cmd.index("-m") + 1] == "1G" and "-nographic" in cmd
    assert "-no-reboot" in cmd and cmd[-1] == "-s"
    assert "isa-debug-exit,iobase=0xf4,iosize=0x04" in cmd
    assert "-semihosting-config" not in cmd
    assert "64-bit boot protocol, entry 0x%x, rsi = boot_params 0x%x" % (
        BZ_PREF + 0x200, bp["start"]) in p.stdout

    # what is loaded: the protected-mode code, the zero page, the line
    bz = x86["kernel"].read_bytes()
    assert open(k["file"], "rb").read() == bz[(BZ_SETUP_SECTS + 1) * 512:]
    assert open(cl["file"], "rb").read() == APPEND.encode() + b"\0"
    assert i["file"] == str(x86["initrd"])
    page = open(bp["file"], "rb").read()
    assert len(page) == 4096 and page[0x202:0x206] == b"HdrS"
    assert page[0x210] == 0xFF                       # type_of_loader
    cmd_ptr, = struct.unpack_from("<I", page, 0x228)
    rd_image, rd_size = struct.unpack_from("<II", page, 0x218)
    code32, = struct.unpack_from("<I", page, 0x214)
    assert cmd_ptr == cl["start"] and code32 == k["start"]
    assert (rd_image, rd_size) == (i["start"], i["size"])
    # q35's e820: 8 entries, and the HyperTransport hole (qemu64 is AMD)
    assert page[0x1e8] == 9

    # the stub: the PVH ELF at its address, and the block that says it all
    entry, paddr, filesz, memsz = _elf_load(st["file"])
    assert (paddr, filesz, memsz) == (st["start"], X86_STUB_FILE,
                                      X86_STUB_MEM)
    assert entry == st["start"] + X86_STUB_ENTRY2
    out = _inspect(build_dir, x86["workdir"] / "charon-stub.bin")
    assert "charon stub image, x86_64" in out
    for name in ("kernel", "initrd", "boot_params", "cmdline"):
        assert re.search(rf"{name}\s+start 0x{layout[name]['start']:x} "
                         rf"len 0x{layout[name]['size']:x}\n", out), out
    assert f"next.entry    0x{BZ_PREF + 0x200:x}" in out
    assert f"next.regs     0x{bp['start']:x} 0x0 0x0 0x0" in out
    assert "entry mode 0 (64-bit boot protocol), exit port 0xf4" in out
    assert "kdump backup none" in out
    assert "ns16550-io, base 0x3f8" in out and "test-exit" in out
    assert f"PVH entry at 0x{X86_STUB_ENTRY2:x}" in out


def test_cli_x86_entry32_pc(build_dir, x86):
    p = _x86_dry_run(build_dir, x86, "--entry32", "--machine", "pc",
                     "--memory", "512M", "--cpu", "Skylake-Client",
                     "--smp", "2", initrd=False)
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = parse_dry_run(p.stdout)
    assert set(layout) == {"kernel", "boot_params", "cmdline", "stub"}
    _check_x86_loaders(layout, cmd, loaders)
    assert cmd[:3] == ["qemu-system-x86_64", "-M", "pc"]
    assert cmd[cmd.index("-cpu") + 1] == "Skylake-Client"
    assert cmd[cmd.index("-smp") + 1] == "2"
    assert layout["stub"]["start"] == PC_512M_TOP - X86_STUB_MEM
    assert "32-bit boot protocol, entry 0x%x, esi = boot_params" % BZ_PREF \
        in p.stdout
    page = open(layout["boot_params"]["file"], "rb").read()
    # pc: no MMCONFIG and RCRB entries; an Intel CPU: no HyperTransport
    assert page[0x1e8] == 6
    assert struct.unpack_from("<II", page, 0x218) == (0, 0)
    out = _inspect(build_dir, x86["workdir"] / "charon-stub.bin")
    assert f"next.entry    0x{BZ_PREF:x}\n" in out
    assert "entry mode 1 (32-bit boot protocol)" in out


def test_cli_x86_stub_addr(build_dir, x86):
    for addr in (0x10000000, 0x3ff00000, 0x100000):
        p = _x86_dry_run(build_dir, x86, "--stub-addr", hex(addr))
        assert p.returncode == 0, p.stderr
        layout, cmd, loaders = parse_dry_run(p.stdout)
        _check_x86_loaders(layout, cmd, loaders)
        assert layout["stub"]["start"] == addr
        assert _elf_load(layout["stub"]["file"])[1] == addr
    # the kernel's preferred place taken: the lowest aligned fit from
    # 16 MiB, [16 MiB, 20 MiB) here
    p = _x86_dry_run(build_dir, x86, "--stub-addr", hex(BZ_PREF))
    assert p.returncode == 0, p.stderr
    layout, _, _ = parse_dry_run(p.stdout)
    assert layout["kernel"]["start"] == 0x1000000
    assert layout["initrd"]["start"] == 0x1000000 + BZ_INIT
    assert "pref_address taken or unusable: 0x2000000" in p.stdout
    # outside RAM: below 1 MiB, in the q35 SeaBIOS zone
    for addr, what in ((0x80000, "[0x80000, 0x90000)"),
                       (0x3ffd0000, "[0x3ffd0000, 0x3ffe0000)")):
        p = _x86_dry_run(build_dir, x86, "--stub-addr", hex(addr))
        assert p.returncode == 1, p.stdout
        assert f"layout: stub {what} is outside RAM [0x100000, 0x3ffdf000)" \
            in p.stderr, p.stderr


def test_cli_x86_usage_errors(build_dir, x86):
    k = x86["kernel"]
    base = ["qemu", "--arch", "x86_64", "--kernel", k, "--stub", x86["stub"]]
    for extra, what in [
            (["--el2"], "--el2: not with --arch x86_64"),
            (["--atags"], "--atags: not with --arch x86_64"),
            (["--machine-type", "1"],
             "--machine-type: not with --arch x86_64"),
            (["--dtb", k], "--dtb: not with --arch x86_64"),
            (["--machine", "virt"], "--machine virt: expected q35 or pc"),
            (["--machine", "microvm"],
             "--machine microvm: expected q35 or pc"),
            (["--memory", "8M"], "--memory 8M: e820: QEMU -m 0x800000 bytes: "
                                 "not modelled"),
            (["--stub-addr", "0x10000800"],
             "--stub-addr 0x10000800: expected a 4 KiB aligned address below "
             "4 GiB"),
            (["--stub-addr", "0x100000000"],
             "--stub-addr 0x100000000: expected a 4 KiB aligned address"),
            (["--kdump-backup", "0,0x700000"],
             "--kdump-backup 0,0x700000: expected SRC,DST,LEN"),
            (["--kdump-backup", "0,0x700000,0"],
             "--kdump-backup 0,0x700000,0: expected SRC,DST,LEN"),
            (["--kdump-backup", "0,0x700000,0x1000,5"],
             "--kdump-backup 0,0x700000,0x1000,5: expected SRC,DST,LEN"),
            (["--kdump-backup", "x,0x700000,0x1000"],
             "--kdump-backup x,0x700000,0x1000: expected SRC,DST,LEN"),
            (["--kdump-backup", "0,0xfffff000,0x2000"],
             "--kdump-backup 0,0xfffff000,0x2000: source and destination "
             "must end at or below 4 GiB"),
            (["--kdump-backup", "0x1000,0x1800,0x1000"],
             "--kdump-backup 0x1000,0x1800,0x1000: source and destination "
             "overlap"),
            (["--flip-bit", "dtb"],
             "--flip-bit dtb: expected LABEL[:OFFSET] with LABEL kernel, "
             "boot_params, cmdline (or initrd, with --initrd)"),
            (["--entry32=yes"], "option --entry32 takes no value"),
            (["--kdump-backup"], "option --kdump-backup needs a value"),
    ]:
        p = charon(build_dir, *base, *extra)
        assert p.returncode == 2, (extra, p.stdout, p.stderr)
        assert what in p.stderr, (extra, p.stderr)
    for opt in (["--entry32"], ["--kdump-backup", "0,0x700000,0x1000"]):
        p = charon(build_dir, "qemu", "--arch", "arm64", "--kernel", k,
                    *opt)
        assert p.returncode == 2, (opt, p.stderr)
        assert f"{opt[0]}: only with --arch x86_64" in p.stderr


def test_cli_x86_kdump_backup(build_dir, x86):
    p = _x86_dry_run(build_dir, x86, "--kdump-backup", "0,0x700000,0x1000")
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = parse_dry_run(p.stdout)
    _check_x86_loaders(layout, cmd, loaders)
    # nothing is loaded there: a row with no file
    assert layout["backup"]["start"] == 0x700000
    assert layout["backup"]["file"] == "-"
    assert "the stub copies 0x1000 bytes from 0x0 to 0x700000" in p.stdout
    out = _inspect(build_dir, x86["workdir"] / "charon-stub.bin")
    assert "kdump backup src 0x0 dst 0x700000 len 0x1000" in out

    # the destination is fixed: the kernel goes around it
    p = _x86_dry_run(build_dir, x86, "--kdump-backup",
                     f"0,{BZ_PREF:#x},0xa0000")
    assert p.returncode == 0, p.stderr
    layout, _, _ = parse_dry_run(p.stdout)
    assert layout["kernel"]["start"] != BZ_PREF
    assert layout["kernel"]["start"] >= BZ_PREF + 0xa0000 or \
        layout["kernel"]["start"] + BZ_INIT <= BZ_PREF

    for spec, extra, msg in [
            # the source is one of the segments
            (f"{BZ_PREF:#x},0x700000,0x1000", [],
             "--kdump-backup: source [0x2000000, 0x2001000) overlaps kernel "
             "[0x2000000, 0x2400000)"),
            # the destination is the stub
            ("0,0x10000000,0x1000", ["--stub-addr", "0x10000000"],
             "--kdump-backup: layout: backup [0x10000000, 0x10001000) "
             "overlaps stub [0x10000000, 0x10010000)"),
            # the destination is not RAM we place in
            ("0,0x80000,0x1000", [],
             "--kdump-backup: layout: backup [0x80000, 0x81000) is outside "
             "RAM [0x100000, 0x3ffdf000)"),
            # the source is in the PCI hole, no memory at all
            ("0xc0000000,0x700000,0x1000", [],
             "--kdump-backup: source [0xc0000000, 0xc0001000) is not all "
             "memory the e820 map of QEMU q35 -m 1G describes"),
    ]:
        p = _x86_dry_run(build_dir, x86, "--kdump-backup", spec, *extra)
        assert p.returncode == 1, (spec, p.stdout)
        assert msg in p.stderr, (spec, p.stderr)
    # a crash kernel's usual low 640 KiB: RAM and the EBDA, all described
    p = _x86_dry_run(build_dir, x86, "--kdump-backup", "0,0x700000,0xa0000")
    assert p.returncode == 0, p.stderr


def test_cli_x86_flip_bit(build_dir, x86):
    p = _x86_dry_run(build_dir, x86, "--flip-bit", "boot_params:0x202",
                     "--flip-bit", "initrd", "--break-params", "overlap-stub")
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = parse_dry_run(p.stdout)
    _check_x86_loaders(layout, cmd, loaders)
    page = open(layout["boot_params"]["file"], "rb").read()
    assert page[0x202:0x206] == b"IdrS"
    orig = x86["initrd"].read_bytes()
    assert layout["initrd"]["file"] != str(x86["initrd"])
    got = open(layout["initrd"]["file"], "rb").read()
    assert [j for j in range(len(orig)) if orig[j] != got[j]] == \
        [len(orig) // 2]
    # the block was re-encoded before the ELF was made
    out = _inspect(build_dir, x86["workdir"] / "charon-stub.bin")
    assert "nr_regions    5" in out
    elf = open(layout["stub"]["file"], "rb").read()
    assert elf[0x1000:] == (x86["workdir"] / "charon-stub.bin").read_bytes()
    p = _x86_dry_run(build_dir, x86, "--flip-bit", "cmdline:0x100")
    assert p.returncode == 1
    assert "--flip-bit: offset 0x100 is outside cmdline" in p.stderr


def test_cli_x86_errors(build_dir, x86, tmp_path):
    p = _x86_dry_run(build_dir, x86, "--stub", tmp_path / "nope")
    assert p.returncode == 1 and "nope: cannot open" in p.stderr
    arm = bytearray(x86["stub"].read_bytes())
    struct.pack_into("<H", arm, 0x46, 1)
    (tmp_path / "arm64-stub.bin").write_bytes(bytes(arm))
    p = _x86_dry_run(build_dir, x86, "--stub", tmp_path / "arm64-stub.bin")
    assert p.returncode == 1
    assert "arch at 0x46 is 1 (arm64), expected 5 (x86_64)" in p.stderr
    p = _x86_dry_run(build_dir, x86, "--kernel", x86["stub"])
    assert p.returncode == 1
    assert "boot_flag at 0x1fe is 0x0000, expected 0xaa55" in p.stderr
    # a 32-bit-only kernel
    _bzimage(tmp_path / "bz32", xloadflags=0)
    p = _x86_dry_run(build_dir, x86, "--kernel", tmp_path / "bz32")
    assert p.returncode == 1 and "XLF_KERNEL_64 (bit 0) clear" in p.stderr
    # an initrd that does not fit below 4 GiB
    big = tmp_path / "big"
    with open(big, "wb") as f:
        f.truncate(1 << 30)
    p = _x86_dry_run(build_dir, x86, "--initrd", big)
    assert p.returncode == 1
    assert "initrd: layout: no room for initrd (0x40000000 bytes" in p.stderr
    # a command line longer than the kernel's cmdline_size
    p = _x86_dry_run(build_dir, x86, "--append", "x" * 2048)
    assert p.returncode == 1
    assert "cmdline: 2048 bytes, more than the kernel's cmdline_size " \
        "(0x7ff, at 0x238)" in p.stderr


def test_cli_x86_help_and_inspect(build_dir, x86):
    p = charon(build_dir, "qemu", "--help")
    assert p.returncode == 0
    for s in ("x86_64", "--entry32", "--kdump-backup SRC,DST,LEN",
              "qemu-system-x86_64", "boot_params or cmdline"):
        assert s in p.stdout, s
    out = _inspect(build_dir, x86["kernel"])
    assert "x86 bzImage, %d bytes, boot protocol 2.15" % (
        (BZ_SETUP_SECTS + 1) * 512 + BZ_PM) in out
    assert "xloadflags    0x3 (KERNEL_64 CAN_BE_LOADED_ABOVE_4G)" in out
    assert "pref_address  0x2000000" in out
    assert "init_size     0x400000" in out
    assert "file offset 0x800, 0x3000 bytes; footprint 0x400000 bytes" in out
    out = _inspect(build_dir, x86["stub"])
    assert "charon stub image, x86_64" in out
    assert "entry2_offset 0x80" in out and "empty (as built)" in out


def test_cli_x86_real_kernel_inspect(build_dir, kernel_set):
    """Debian's bzImage: inspect prints what the setup header says, read
    here with kernelfacts.bzimage."""
    kernel = kernel_file(build_dir, "x86_64", kernel_set)
    f = kernelfacts.bzimage(kernel)
    out = _inspect(build_dir, kernel)
    assert "x86 bzImage, %d bytes, boot protocol %d.%d" % (
        kernel.stat().st_size, f["version"] >> 8, f["version"] & 0xff) in out
    assert f"pref_address  0x{f['pref_address']:x}\n" in out, out
    assert f"kernel_alignment 0x{f['kernel_alignment']:x}," in out, out
    assert f"init_size     0x{f['init_size']:x}\n" in out, out
    assert f"cmdline_size  0x{f['cmdline_size']:x}\n" in out, out
    assert f"setup 0x{f['setup_size']:x} bytes" in out, out
    assert f"file offset 0x{f['setup_size']:x}, " \
        f"0x{kernel.stat().st_size - f['setup_size']:x} bytes; footprint " \
        f"0x{(f['init_size'] + 0xfff) & ~0xfff:x} bytes" in out, out
    assert "relocatable" in out and "KERNEL_64 CAN_BE_LOADED_ABOVE_4G" in out
