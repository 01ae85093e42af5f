# SPDX-License-Identifier: MIT
"""libcharon and the charon CLI on the host.

Runs the cmocka program (ASan+UBSan) that `make host-tests` built, then
drives $O/host/charon: help texts, exit codes, `inspect`, and
`qemu --dry-run` with a crafted stub and Image, checking that the printed
QEMU command loads every segment at the address the printed layout gives.
"""
import os
import re
import shlex
import shutil
import struct
import subprocess

import pytest

from conftest import ROOT

QEMU = "qemu-system-aarch64"
MiB = 1 << 20


def _env(build_dir):
    env = dict(os.environ)
    env["O"] = str(build_dir)
    env.setdefault("CHARON_KERNEL_ARM64",
                   str(build_dir / "kernels" / "arm64" / "vmlinuz"))
    env.pop("CHARON_STUB", None)
    return env


def _charon(build_dir, *args, cwd=None):
    exe = build_dir / "host" / "charon"
    assert exe.exists(), f"{exe} not built (run make host-tests)"
    return subprocess.run([str(exe), *map(str, args)], cwd=cwd or ROOT,
                          env=_env(build_dir), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=120)


def test_loader_unit(build_dir):
    exe = build_dir / "host" / "tests" / "test-loader"
    assert exe.exists(), f"{exe} not built (run make host-tests)"
    p = subprocess.run([str(exe)], cwd=build_dir, env=_env(build_dir),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=600)
    assert p.returncode == 0 and "[  PASSED  ]" in p.stdout, p.stdout
    assert "FAILED" not in p.stdout, p.stdout


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


LAYOUT_RE = re.compile(r"^\s+(kernel|initrd|dtb|stub)\s+(0x[0-9a-f]+)\s+"
                       r"(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+"
                       r"(\S+)$")


def _parse_dry_run(out):
    """The printed layout and the -device loader arguments."""
    layout = {}
    for line in out.splitlines():
        m = LAYOUT_RE.match(line)
        if m:
            layout[m.group(1)] = {
                "start": int(m.group(2), 16), "end": int(m.group(3), 16),
                "size": int(m.group(4), 16), "file": m.group(6)}
    cmd = shlex.split(out.strip().splitlines()[-1])
    loaders = []
    for i, a in enumerate(cmd):
        if a == "-device" and cmd[i + 1].startswith("loader,"):
            kv = dict(p.split("=", 1) for p in cmd[i + 1].split(",")[1:])
            loaders.append(kv)
    return layout, cmd, loaders


def _check_loaders(layout, loaders):
    assert len(loaders) == len(layout), (layout, loaders)
    by_file = {ld["file"]: ld for ld in loaders}
    for name, seg in layout.items():
        ld = by_file.get(seg["file"])
        assert ld is not None, f"no loader device for {name} {seg['file']}"
        assert int(ld["addr"], 16) == seg["start"], (name, ld, seg)
        assert ld["force-raw"] == "on"
        assert os.path.getsize(seg["file"]) == seg["size"], (name, seg)
        # the stub starts CPU 0 (entry_offset 0)
        assert ("cpu-num" in ld) == (name == "stub"), (name, ld)


# ---- the CLI ---------------------------------------------------------------

def test_cli_help(build_dir):
    for args in (["--help"], ["help"], ["-h"]):
        p = _charon(build_dir, *args)
        assert p.returncode == 0, p.stderr
        assert "Usage: charon COMMAND" in p.stdout
        assert "qemu" in p.stdout and "inspect" in p.stdout
    for args in (["qemu", "--help"], ["help", "qemu"]):
        p = _charon(build_dir, *args)
        assert p.returncode == 0, p.stderr
        for opt in ("--kernel", "--initrd", "--append", "--dtb", "--stub-addr",
                    "--fail", "--flip-bit", "--break-params", "--dry-run"):
            assert opt in p.stdout, opt
    p = _charon(build_dir, "inspect", "--help")
    assert p.returncode == 0 and "Usage: charon inspect FILE" in p.stdout
    p = _charon(build_dir, "--version")
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
            (["inspect", "-xh", k], "unknown option -x"),
            (["inspect", "--bogus", k], "unknown option --bogus"),
            (["inspect"], "expected one FILE"),
    ]:
        p = _charon(build_dir, *args)
        assert p.returncode == 2, (args, p.stdout, p.stderr)
        assert what in p.stderr, (args, p.stderr)


def test_cli_inspect(build_dir, inputs, tmp_path):
    bad = tmp_path / "garbage.bin"
    bad.write_bytes(b"\x00" * 100)
    p = _charon(build_dir, "inspect", bad)
    assert p.returncode == 1
    assert str(bad) in p.stderr and "not a charon stub" in p.stderr

    p = _charon(build_dir, "inspect", tmp_path / "missing")
    assert p.returncode == 1 and "missing: cannot open" in p.stderr

    p = _charon(build_dir, "inspect", inputs["kernel"])
    assert p.returncode == 0, p.stderr
    assert "arm64 Image" in p.stdout and "image_size    0x1400000" in p.stdout
    assert "page size   4 KiB" in p.stdout

    p = _charon(build_dir, "inspect", inputs["stub"])
    assert p.returncode == 0, p.stderr
    assert "charon stub image, arm64" in p.stdout
    assert "params_offset 0x100" in p.stdout and "empty (as built)" in p.stdout


def _dry_run(build_dir, inputs, *extra):
    args = ["qemu", "--arch", "arm64", "--kernel", inputs["kernel"],
            "--initrd", inputs["initrd"], "--stub", inputs["stub"],
            "--append", "console=ttyAMA0 rdinit=/init",
            "--workdir", inputs["workdir"], "--dry-run", *extra]
    return _charon(build_dir, *args)


def test_cli_qemu_dry_run(build_dir, inputs):
    p = _dry_run(build_dir, inputs, "--dtb", inputs["dtb"], "--", "-s", "-S")
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = _parse_dry_run(p.stdout)
    assert set(layout) == {"kernel", "initrd", "dtb", "stub"}, p.stdout
    _check_loaders(layout, loaders)
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
    p = _charon(build_dir, "inspect", layout["stub"]["file"])
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
    layout, cmd, loaders = _parse_dry_run(p.stdout)
    assert layout["stub"]["start"] == addr
    _check_loaders(layout, loaders)
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
    layout, _, loaders = _parse_dry_run(p.stdout)
    _check_loaders(layout, loaders)
    copy = layout["kernel"]["file"]
    assert copy != str(inputs["kernel"])
    orig = inputs["kernel"].read_bytes()
    got = open(copy, "rb").read()
    assert len(got) == len(orig)
    diff = [i for i in range(len(orig)) if orig[i] != got[i]]
    assert diff == [0x1000] and got[0x1000] == orig[0x1000] ^ 1
    p = _charon(build_dir, "inspect", layout["stub"]["file"])
    assert "nr_regions    4" in p.stdout
    assert "wrap     start 0xfffffffffffff000 len 0x2000 (wraps)" in p.stdout


def test_cli_qemu_machine_dtb(build_dir, inputs):
    """Without --dtb the machine's own tree comes from QEMU's dumpdtb."""
    if not shutil.which(QEMU):
        pytest.fail(f"{QEMU} not found (scripts/install-deps)")
    p = _dry_run(build_dir, inputs, "--memory", "512M", "--smp", "2")
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = _parse_dry_run(p.stdout)
    _check_loaders(layout, loaders)
    assert "RAM [0x40000000, 0x60000000)" in p.stdout
    assert layout["stub"]["start"] == 0x60000000 - STUB_MEM_SIZE
    assert cmd[cmd.index("-smp") + 1] == "2"
    assert (inputs["workdir"] / "machine.dtb").exists()
    assert "console pl011 at 0x9000000, PSCI hvc" in p.stdout
