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
import os
import platform
import shutil
import subprocess

import pytest

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


def test_loader_x86_unit(build_dir):
    env = dict(os.environ)
    env["O"] = str(build_dir)
    env.setdefault("CHARON_KERNEL_X86_64",
                   str(build_dir / "kernels" / "x86_64" / "vmlinuz"))
    p = subprocess.run([str(_tool(build_dir))], cwd=build_dir, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=600)
    assert p.returncode == 0 and "[  PASSED  ]" in p.stdout, p.stdout
    assert "FAILED" not in p.stdout, p.stdout


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
