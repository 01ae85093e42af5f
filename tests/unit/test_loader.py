# SPDX-License-Identifier: MIT
"""libcharon and the charon CLI on the host.

Runs the cmocka program (ASan+UBSan) that `make host-tests` built, then
drives $O/host/charon: help texts, exit codes, `inspect`, and
`qemu --dry-run` with crafted stubs, Images and zImages (and Debian's
kernels when scripts/fetch-kernels has run), checking that the printed
QEMU command loads every segment at the address the printed layout gives
and, on arm, that the initrd starts where the zImage's footprint ends.
"""
import pathlib
import re
import shutil
import struct
import subprocess

import pytest

import kernelfacts
from conftest import kernel_file
from hostrun import charon, check_loaders, env, parse_dry_run, run_unit

QEMU = "qemu-system-aarch64"
QEMU_ARM = "qemu-system-arm"
MiB = 1 << 20


def test_loader_unit(build_dir, kernel_set):
    run_unit(build_dir, "test-loader", kernel_set,
             arches=("arm64", "arm"))


# ---- crafted inputs (the same shapes as tests/unit/test_loader.c) --------

STUB_FILE_SIZE = 0x800
STUB_MEM_SIZE = 0x10000
STUB_PARAMS_OFF = 0x100


def _stub(path):
    b = bytearray(STUB_FILE_SIZE)
    struct.pack_into("<IIQQQ", b, 0, 0x14000020, 0, 0, STUB_MEM_SIZE, 0xa)
    struct.pack_into("<I", b, 0x38, 0x644D5241)
    struct.pack_into("<IHHIIIIIII", b, 0x40, 0x4E524843, 1, 1, 0x30,
                     STUB_PARAMS_OFF, 0x618, STUB_FILE_SIZE, STUB_MEM_SIZE,
                     0, 0x1000)
    path.write_bytes(bytes(b))
    return path


def _arm_stub(path):
    """The arm stub: zImage header words, charon header arch 2."""
    b = bytearray(STUB_FILE_SIZE)
    struct.pack_into("<I", b, 0, 0xEA00000E)
    struct.pack_into("<IIII", b, 0x24, 0x016F2818, 0, STUB_FILE_SIZE,
                     0x04030201)
    struct.pack_into("<IHHIIIIIII", b, 0x40, 0x4E524843, 1, 2, 0x30,
                     STUB_PARAMS_OFF, 0x618, STUB_FILE_SIZE, STUB_MEM_SIZE,
                     0, 0x1000)
    path.write_bytes(bytes(b))
    return path


ZIMAGE_SIZE = 0x10000
ZIMAGE_TABLE = 0x200


def _zimage(path, size=ZIMAGE_SIZE, words=6, inflated=0x300000, bss=0x40000,
            text_offset=0x208000, malloc=0x10000, appended=b""):
    """A zImage as the tests in test_loader_arm.c craft it."""
    b = bytearray((i * 29 + (i >> 9)) & 0xff for i in range(size))
    for i in range(0, 0x24, 4):
        struct.pack_into("<I", b, i, 0xE1A00000)
    struct.pack_into("<IIIIII", b, 0x24, 0x016F2818, 0, size, 0x04030201,
                     0x45454545, ZIMAGE_TABLE)
    pay = [size - 5, bss, text_offset, malloc][:max(words - 2, 0)]
    struct.pack_into("<II%dII" % len(pay), b, ZIMAGE_TABLE, words,
                     0x5A534C4B, *pay, 0)
    struct.pack_into("<I", b, size - 5, inflated)
    path.write_bytes(bytes(b) + appended)
    return path


def _image(path, length=0x3000, image_size=0x1400000):
    b = bytearray((i ^ (i >> 8)) & 0xff for i in range(length))
    struct.pack_into("<IIQQQ", b, 0, 0x91005A4D, 0x14000010, 0, image_size,
                     0xa)
    b[0x20:0x38] = bytes(0x18)
    struct.pack_into("<II", b, 0x38, 0x644D5241, 0x40)
    path.write_bytes(bytes(b))
    return path


DTS = """/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "linux,dummy-virt";
	chosen { stdout-path = "/pl011@9000000"; };
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


def _dtb(tmp_path):
    dtc = shutil.which("dtc")
    if not dtc:
        pytest.fail("dtc not found: install device-tree-compiler "
                    "(scripts/install-deps)")
    src = tmp_path / "virt.dts"
    src.write_text(DTS)
    out = tmp_path / "virt.dtb"
    subprocess.run([dtc, "-I", "dts", "-O", "dtb", "-o", str(out), str(src)],
                   check=True)
    return out


@pytest.fixture
def inputs(tmp_path):
    initrd = tmp_path / "initrd.cpio"
    initrd.write_bytes(bytes(range(256)) * 80)
    return {
        "stub": _stub(tmp_path / "stub.bin"),
        "kernel": _image(tmp_path / "Image"),
        "initrd": initrd,
        "dtb": _dtb(tmp_path),
        "workdir": tmp_path / "work",
    }


# ---- the CLI ---------------------------------------------------------------

def test_cli_help(build_dir):
    for args in (["--help"], ["help"], ["-h"]):
        p = charon(build_dir, *args)
        assert p.returncode == 0, p.stderr
        assert "Usage: charon COMMAND" in p.stdout
        assert "qemu" in p.stdout and "inspect" in p.stdout
    for args in (["qemu", "--help"], ["help", "qemu"]):
        p = charon(build_dir, *args)
        assert p.returncode == 0, p.stderr
        for opt in ("--kernel", "--initrd", "--append", "--dtb", "--stub-addr",
                    "--fail", "--flip-bit", "--break-params", "--dry-run",
                    "--atags", "--machine-type", "qemu-system-arm"):
            assert opt in p.stdout, opt
    p = charon(build_dir, "inspect", "--help")
    assert p.returncode == 0
    assert "Usage: charon inspect [--ram-base ADDR] [--ram-size SIZE] FILE" \
        in p.stdout
    p = charon(build_dir, "--version")
    assert p.returncode == 0 and "ABI 1" in p.stdout


def test_cli_usage_errors(build_dir, inputs):
    k = inputs["kernel"]
    for args, what in [
            ([], "Usage"),
            (["frobnicate"], "unknown command 'frobnicate'"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--bogus"],
             "unknown option --bogus"),
            (["qemu", "--kernel", k], "--arch is required"),
            (["qemu", "--arch", "mips", "--kernel", k], "--arch mips"),
            (["qemu", "--arch", "arm64"], "--kernel is required"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--fail", "explode"],
             "--fail explode"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--memory", "lots"],
             "--memory lots"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--smp", "0"],
             "--smp 0"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--stub-addr", "xyz"],
             "--stub-addr xyz"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--stub-addr",
              " -4096"], "--stub-addr  -4096"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--smp", "+2"],
             "--smp +2"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--break-params",
              "all"], "--break-params all"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--flip-bit",
              "initrd"], "--flip-bit initrd"),
            (["qemu", "--arch", "arm64", "--kernel", k, "stray"],
             "unexpected argument 'stray'"),
            (["qemu", "--arch", "arm64", "--kernel"], "needs a value"),
            (["qemu", "--arch", "arm64", "--kernel", k, "-x"],
             "unknown option -x"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--el2=yes"],
             "option --el2 takes no value (--el2=yes)"),
            (["qemu", "--help=x"], "option --help takes no value"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--atags"],
             "--atags: only with --arch arm"),
            (["qemu", "--arch", "arm64", "--kernel", k, "--machine-type",
              "1"], "--machine-type: only with --arch arm"),
            (["qemu", "--arch", "arm", "--kernel", k, "--atags"],
             "--atags needs --machine-type N"),
            (["qemu", "--arch", "arm", "--kernel", k, "--machine-type",
              "0x8e0"], "--machine-type: only with --atags"),
            (["qemu", "--arch", "arm", "--kernel", k, "--atags",
              "--machine-type", "0x100000000"],
             "--machine-type 0x100000000: expected a number below 2^32"),
            (["qemu", "--arch", "arm", "--kernel", k, "--flip-bit", "atags"],
             "--flip-bit atags: expected LABEL[:OFFSET] with LABEL kernel, "
             "dtb"),
            (["qemu", "--arch", "arm", "--kernel", k, "--atags",
              "--machine-type", "1", "--flip-bit", "dtb"],
             "with LABEL kernel, atags"),
            (["inspect", "--ram-base", "x", k], "--ram-base x"),
            (["inspect", "--ram-size", "0", k], "--ram-size 0"),
            (["inspect", "--ram-size"], "option --ram-size needs a value"),
            (["inspect", "-xh", k], "unknown option -x"),
            (["inspect", "--bogus", k], "unknown option --bogus"),
            (["inspect"], "expected one FILE"),
    ]:
        p = charon(build_dir, *args)
        assert p.returncode == 2, (args, p.stdout, p.stderr)
        assert what in p.stderr, (args, p.stderr)


def test_cli_inspect(build_dir, inputs, tmp_path):
    bad = tmp_path / "garbage.bin"
    bad.write_bytes(b"\x00" * 100)
    p = charon(build_dir, "inspect", bad)
    assert p.returncode == 1
    assert str(bad) in p.stderr and "not a charon stub" in p.stderr

    p = charon(build_dir, "inspect", tmp_path / "missing")
    assert p.returncode == 1 and "missing: cannot open" in p.stderr

    p = charon(build_dir, "inspect", inputs["kernel"])
    assert p.returncode == 0, p.stderr
    assert "arm64 Image" in p.stdout and "image_size    0x1400000" in p.stdout
    assert "page size   4 KiB" in p.stdout

    p = charon(build_dir, "inspect", inputs["stub"])
    assert p.returncode == 0, p.stderr
    assert "charon stub image, arm64" in p.stdout
    assert "params_offset 0x100" in p.stdout and "empty (as built)" in p.stdout


def _dry_run(build_dir, inputs, *extra, arch="arm64"):
    args = ["qemu", "--arch", arch, "--kernel", inputs["kernel"],
            "--initrd", inputs["initrd"], "--stub", inputs["stub"],
            "--append", "console=ttyAMA0 rdinit=/init",
            "--workdir", inputs["workdir"], "--dry-run", *extra]
    return charon(build_dir, *args)


def test_cli_qemu_dry_run(build_dir, inputs):
    p = _dry_run(build_dir, inputs, "--dtb", inputs["dtb"], "--", "-s", "-S")
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = parse_dry_run(p.stdout)
    assert set(layout) == {"kernel", "initrd", "dtb", "stub"}, p.stdout
    check_loaders(layout, loaders)
    # QEMU's own DTB sits in the first MiB: the kernel goes to the next base
    assert layout["kernel"]["start"] == 0x40200000
    assert layout["dtb"]["start"] % (2 * MiB) == 0
    assert layout["dtb"]["start"] >= layout["kernel"]["start"] + 0x1400000
    assert layout["initrd"]["start"] >= layout["dtb"]["end"]
    assert layout["stub"]["start"] == 0x80000000 - STUB_MEM_SIZE
    assert cmd[:3] == [QEMU, "-M", "virt"]
    assert cmd[cmd.index("-cpu") + 1] == "cortex-a57"
    assert cmd[cmd.index("-m") + 1] == "1G"
    assert "-no-reboot" in cmd and cmd[-2:] == ["-s", "-S"]
    assert "enable=on,target=native" in cmd
    # the unmodified kernel and initrd are loaded from where they are
    assert layout["kernel"]["file"] == str(inputs["kernel"])
    assert layout["initrd"]["file"] == str(inputs["initrd"])

    # the patched stub describes exactly that layout
    p = charon(build_dir, "inspect", layout["stub"]["file"])
    assert p.returncode == 0, p.stderr
    for name in ("kernel", "initrd", "dtb"):
        assert re.search(rf"{name}\s+start 0x{layout[name]['start']:x} "
                         rf"len 0x{layout[name]['size']:x}", p.stdout), \
            p.stdout
    assert f"next.entry    0x{layout['kernel']['start']:x}" in p.stdout
    assert f"next.regs     0x{layout['dtb']['start']:x} 0x0 0x0 0x0" \
        in p.stdout
    assert "test-exit" in p.stdout and "pl011, base 0x9000000" in p.stdout
    assert "psci 1 (hvc)" in p.stdout


@pytest.mark.parametrize("addr", [0x40000000, 0x60000000, 0x7FFF0000])
def test_cli_qemu_stub_addr(build_dir, inputs, addr):
    p = _dry_run(build_dir, inputs, "--dtb", inputs["dtb"], "--stub-addr",
                 hex(addr), "--el2", "--fail", "halt")
    if addr == 0x40000000:
        # that is where QEMU puts its own DTB
        assert p.returncode == 1, p.stdout
        assert "layout: stub [0x40000000, 0x40010000) overlaps qemu-dtb " \
               "[0x40000000, 0x40100000)" in p.stderr
        return
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = parse_dry_run(p.stdout)
    assert layout["stub"]["start"] == addr
    check_loaders(layout, loaders)
    assert cmd[2] == "virt,virtualization=on"


def test_cli_qemu_errors(build_dir, inputs, tmp_path):
    p = _dry_run(build_dir, inputs, "--dtb", inputs["dtb"], "--stub-addr",
                 "0x30000000")
    assert p.returncode == 1
    assert "layout: stub [0x30000000, 0x30010000) is outside RAM " \
           "[0x40000000, 0x80000000)" in p.stderr
    p = _dry_run(build_dir, inputs, "--dtb", inputs["kernel"])
    assert p.returncode == 1 and f"dtb: {inputs['kernel']}: magic" in p.stderr
    p = _dry_run(build_dir, inputs, "--dtb", inputs["dtb"], "--stub",
                 inputs["kernel"])
    assert p.returncode == 1
    assert f"stub: {inputs['kernel']}: header magic at 0x40" in p.stderr
    p = _dry_run(build_dir, inputs, "--dtb", inputs["dtb"], "--flip-bit",
                 "initrd:0x100000")
    assert p.returncode == 1 and "outside initrd" in p.stderr


def test_cli_qemu_flip_bit(build_dir, inputs):
    p = _dry_run(build_dir, inputs, "--dtb", inputs["dtb"], "--flip-bit",
                 "kernel:0x1000", "--break-params", "wrap")
    assert p.returncode == 0, p.stderr
    layout, _, loaders = parse_dry_run(p.stdout)
    check_loaders(layout, loaders)
    copy = layout["kernel"]["file"]
    assert copy != str(inputs["kernel"])
    orig = inputs["kernel"].read_bytes()
    got = open(copy, "rb").read()
    assert len(got) == len(orig)
    diff = [i for i in range(len(orig)) if orig[i] != got[i]]
    assert diff == [0x1000] and got[0x1000] == orig[0x1000] ^ 1
    p = charon(build_dir, "inspect", layout["stub"]["file"])
    assert "nr_regions    4" in p.stdout
    assert "wrap     start 0xfffffffffffff000 len 0x2000 (wraps)" in p.stdout


def test_cli_qemu_machine_dtb(build_dir, inputs):
    """Without --dtb the machine's own tree comes from QEMU's dumpdtb."""
    if not shutil.which(QEMU):
        pytest.fail(f"{QEMU} not found (scripts/install-deps)")
    p = _dry_run(build_dir, inputs, "--memory", "512M", "--smp", "2")
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = parse_dry_run(p.stdout)
    check_loaders(layout, loaders)
    assert "RAM [0x40000000, 0x60000000)" in p.stdout
    assert layout["stub"]["start"] == 0x60000000 - STUB_MEM_SIZE
    assert cmd[cmd.index("-smp") + 1] == "2"
    assert (inputs["workdir"] / "machine.dtb").exists()
    assert "console pl011 at 0x9000000, PSCI hvc" in p.stdout


# ---- arm --------------------------------------------------------------------

@pytest.fixture
def arm_inputs(inputs, tmp_path):
    inputs = dict(inputs)
    inputs["stub"] = _arm_stub(tmp_path / "arm-stub.bin")
    inputs["kernel"] = _zimage(tmp_path / "zImage")
    return inputs


def _arm_dry_run(build_dir, inputs, *extra):
    return _dry_run(build_dir, inputs, *extra, arch="arm")


def _page_up(x):
    return (x + 0xfff) & ~0xfff


def test_cli_arm_dry_run(build_dir, arm_inputs):
    p = _arm_dry_run(build_dir, arm_inputs, "--dtb", arm_inputs["dtb"])
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = parse_dry_run(p.stdout)
    assert set(layout) == {"footprint", "kernel", "initrd", "dtb", "stub"}
    check_loaders(layout, loaders)
    fp, k = layout["footprint"], layout["kernel"]
    # 32 MiB up (booting.rst); the kernel at RAM + TEXT_OFFSET, its page
    # tables 0x5000 below; the zImage and one zero word, as a copy
    assert k["start"] == 0x42000000
    assert fp["start"] == 0x40208000 - 0x5000
    assert k["size"] == ZIMAGE_SIZE + 4
    loaded = open(k["file"], "rb").read()
    assert loaded == arm_inputs["kernel"].read_bytes() + bytes(4)
    # in place: image + 1 MiB (no EFI header) + 64 KiB heap
    assert fp["end"] == _page_up(0x42000000 + ZIMAGE_SIZE + MiB + 0x10000)
    # the initrd exactly at the footprint's end, the DTB after it
    assert layout["initrd"]["start"] == fp["end"]
    assert layout["dtb"]["start"] == _page_up(layout["initrd"]["end"])
    assert layout["stub"]["start"] == 0x80000000 - STUB_MEM_SIZE
    assert cmd[:3] == [QEMU_ARM, "-M", "virt"]
    assert cmd[cmd.index("-cpu") + 1] == "cortex-a15"
    assert "footprint [0x40203000, 0x%x)" % fp["end"] in p.stdout
    assert "r0 = 0, r1 = 0xffffffff, r2 = dtb 0x%x" % \
        layout["dtb"]["start"] in p.stdout

    p = charon(build_dir, "inspect", layout["stub"]["file"])
    assert p.returncode == 0, p.stderr
    assert "charon stub image, arm" in p.stdout
    for name in ("kernel", "initrd", "dtb"):
        assert re.search(rf"{name}\s+start 0x{layout[name]['start']:x} "
                         rf"len 0x{layout[name]['size']:x}", p.stdout), \
            p.stdout
    assert "next.entry    0x42000000" in p.stdout
    assert f"next.regs     0x0 0xffffffff 0x{layout['dtb']['start']:x} 0x0" \
        in p.stdout
    assert "psci 1 (hvc)" in p.stdout
    assert "zImage header: magic 0x016f2818, start 0x0, end 0x800" in p.stdout


def test_cli_arm_atags(build_dir, arm_inputs):
    p = _arm_dry_run(build_dir, arm_inputs, "--dtb", arm_inputs["dtb"],
                     "--atags", "--machine-type", "0x8e0", "--el2",
                     "--flip-bit", "atags:8")
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = parse_dry_run(p.stdout)
    assert set(layout) == {"footprint", "kernel", "initrd", "atags", "stub"}
    check_loaders(layout, loaders)
    # QEMU's DTB holds RAM + 0x100: the list goes after the initrd
    assert layout["initrd"]["start"] == layout["footprint"]["end"]
    assert layout["atags"]["start"] == _page_up(layout["initrd"]["end"])
    assert cmd[2] == "virt,virtualization=on"
    assert "r1 = 0x8e0, r2 = atags 0x%x" % layout["atags"]["start"] \
        in p.stdout
    words = struct.unpack("<%dI" % (layout["atags"]["size"] // 4),
                          open(layout["atags"]["file"], "rb").read())
    # ATAG_CORE (damaged by --flip-bit at byte 8: its flags), ATAG_MEM
    # without the stub, ATAG_CMDLINE, ATAG_INITRD2, ATAG_NONE
    assert words[:5] == (5, 0x54410001, 1, 4096, 0)
    assert words[5:9] == (4, 0x54410002, 0x40000000 - STUB_MEM_SIZE,
                          0x40000000)
    assert words[9:11] == (2 + (len("console=ttyAMA0 rdinit=/init") + 4) // 4,
                           0x54410009)
    assert words[-6:] == (4, 0x54420005, layout["initrd"]["start"],
                          layout["initrd"]["size"], 0, 0)
    p = charon(build_dir, "inspect", layout["stub"]["file"])
    assert f"next.regs     0x0 0x8e0 0x{layout['atags']['start']:x} 0x0" \
        in p.stdout


def test_cli_arm_errors(build_dir, arm_inputs, inputs):
    # an arm64 stub, an arm64 Image
    p = _arm_dry_run(build_dir, dict(arm_inputs, stub=inputs["stub"]),
                     "--dtb", arm_inputs["dtb"])
    assert p.returncode == 1
    assert "arch at 0x46 is 1 (arm64), expected 2 (arm)" in p.stderr
    p = _arm_dry_run(build_dir, dict(arm_inputs, kernel=inputs["kernel"]),
                     "--dtb", arm_inputs["dtb"])
    assert p.returncode == 1
    assert f"zImage: {inputs['kernel']}: magic at 0x24 is" in p.stderr
    p = _arm_dry_run(build_dir, arm_inputs, "--dtb", arm_inputs["dtb"],
                     "--stub-addr", "0x41000000")
    assert p.returncode == 1
    assert "layout: the zImage footprint [0x40203000, " in p.stderr
    assert "overlaps stub [0x41000000, 0x41010000)" in p.stderr


def test_cli_arm_machine_dtb(build_dir, arm_inputs):
    """Without --dtb the machine's tree comes from qemu-system-arm."""
    if not shutil.which(QEMU_ARM):
        pytest.fail(f"{QEMU_ARM} not found (scripts/install-deps)")
    for el2, psci in ((False, "hvc"), (True, "smc")):
        extra = ["--memory", "512M"] + (["--el2"] if el2 else [])
        p = _arm_dry_run(build_dir, arm_inputs, *extra)
        assert p.returncode == 0, p.stderr
        layout, cmd, loaders = parse_dry_run(p.stdout)
        check_loaders(layout, loaders)
        assert "RAM [0x40000000, 0x60000000)" in p.stdout
        assert layout["stub"]["start"] == 0x60000000 - STUB_MEM_SIZE
        assert layout["initrd"]["start"] == layout["footprint"]["end"]
        assert f"console pl011 at 0x9000000, PSCI {psci}" in p.stdout


def test_cli_inspect_zimage(build_dir, tmp_path):
    z = _zimage(tmp_path / "zImage", words=4,
                appended=b"\xd0\x0d\xfe\xed" + bytes(60))
    p = charon(build_dir, "inspect", "--ram-base", "0x80000000",
                "--ram-size", "256M", z)
    assert p.returncode == 0, p.stderr
    assert "arm zImage, %d bytes" % (ZIMAGE_SIZE + 64) in p.stdout
    assert "KLSZ tag      at 0x200, 4 words" in p.stdout
    assert "decompressed size 0x300000 (u32 at 0xfffb)" in p.stdout
    assert "TEXT_OFFSET   0x8000..0x308000 (not in the file)" in p.stdout
    assert "appended      a device tree" in p.stdout
    assert "placement in RAM [0x80000000, 0x90000000)" in p.stdout
    assert "load, entry   0x82000000" in p.stdout
    assert "has no TEXT_OFFSET" in p.stderr
    assert "a device tree (totalsize 0x0) is appended" in p.stderr


def _real_zimage(build_dir, kernel_set):
    return kernel_file(build_dir, "arm", kernel_set)


def test_cli_arm_real_kernel(build_dir, arm_inputs, kernel_set):
    """Debian's armmp zImage: what inspect prints and where the plan puts
    it agree with the header, KLSZ tag and PE header read here
    (kernelfacts.zimage) and with docs/arm.md's rule."""
    k = _real_zimage(build_dir, kernel_set)
    f = kernelfacts.zimage(k)
    p = charon(build_dir, "inspect", k)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert ("(with an EFI stub)" in out) == f["efi"]
    assert f"KLSZ tag      at 0x{f['klsz_off']:x}, {f['klsz_words']} words" \
        in out, out
    assert f"decompressed size 0x{f['inflated']:x} (u32 at " \
        f"0x{f['size_ptr']:x})" in out, out
    assert f"    bss         0x{f['bss']:x}" in out, out
    if f["text_offset"] is not None:
        assert f"    TEXT_OFFSET 0x{f['text_offset']:x}" in out, out
    if f["malloc_size"] is not None:
        assert f"    MALLOC_SIZE 0x{f['malloc_size']:x}" in out, out
    if f["pe_image_size"]:
        assert f"SizeOfImage 0x{f['pe_image_size']:x}" in out, out
    # QEMU virt's RAM, inspect's default: docs/arm.md's rule 1 applies
    # to a multiplatform kernel of a few tens of MiB
    z, start, end = kernelfacts.zimage_footprint(f, 0x40000000)
    assert f"load, entry   0x{z:x} (the decompressor runs in place)" in out
    assert f"footprint     [0x{start:x}, 0x{end:x})" in out, out
    # both of kexec-tools' rules are judged against the footprint the
    # zImage has at kexec-tools' load address (inside or clear of it:
    # that depends on the build's compression ratio)
    assert re.search(r"kexec-tools, size table, .*(inside|clear of|may be "
                     r"inside) the "
                     r"footprint", out), out
    assert re.search(r"kexec-tools, compression ratio 4: .*(inside|clear "
                     r"of|may be inside) the footprint", out), out
    p = _arm_dry_run(build_dir, dict(arm_inputs, kernel=k), "--dtb",
                     arm_inputs["dtb"])
    assert p.returncode == 0, p.stderr
    layout, _, loaders = parse_dry_run(p.stdout)
    check_loaders(layout, loaders)
    assert layout["kernel"]["start"] == z
    assert layout["kernel"]["size"] == f["size"] + 4
    assert layout["footprint"]["start"] == start
    # the initrd: the first page after the footprint
    assert layout["initrd"]["start"] == _page_up(end)
    assert layout["initrd"]["start"] == layout["footprint"]["end"]


def test_cli_arm64_real_kernel(build_dir, inputs, kernel_set):
    """Debian's arm64 Image: what inspect prints and where the plan puts
    it agree with the header read here (kernelfacts.arm64_image):
    text_offset from a 2 MiB aligned base, image_size bytes reserved."""
    k = kernel_file(build_dir, "arm64", kernel_set)
    f = kernelfacts.arm64_image(k)
    out = charon(build_dir, "inspect", k).stdout
    assert f"text_offset   0x{f['text_offset']:x}\n" in out, out
    assert f"image_size    0x{f['image_size']:x}\n" in out, out
    assert f"flags         0x{f['flags']:x}\n" in out, out
    p = _dry_run(build_dir, dict(inputs, kernel=k), "--dtb", inputs["dtb"])
    assert p.returncode == 0, p.stderr
    layout, _, loaders = parse_dry_run(p.stdout)
    check_loaders(layout, loaders)
    kern = layout["kernel"]
    assert kern["start"] % (2 << 20) == f["text_offset"], kern
    assert kern["size"] == k.stat().st_size, kern
    assert kern["reserved"] == f["image_size"], kern
    # the DTB at the next 2 MiB boundary after the kernel's image_size
    assert layout["dtb"]["start"] == \
        (kern["start"] + f["image_size"] + (2 << 20) - 1) & ~((2 << 20) - 1)
