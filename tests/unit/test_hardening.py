# SPDX-License-Identifier: MIT
"""Issue 14's host findings, one regression test each, and a sample of
the hostile-input run (tests/hostile/hostile.py; `make hostile` runs all
of it).

Each finding was reproduced before its fix: a FIFO hung every file
input, --flip-bit kernel:-1 exited 1, --workdir a/b with a missing a was
not created, --machine "" was accepted, a keep-out reaching 2^64 wrapped,
a /proc/cmdline over 4095 bytes was cut silently, console=ttyS99999999999
fell back to COM1 silently, absurd header sizes failed later as "no
room".
"""
import os
import struct
import subprocess
import sys

import pytest

from conftest import ROOT, kernel_file
from hostrun import charon, env
from test_kexec_cli import (arm64, arm64_root, need, run_load, write, x86,
                            x86_root)

__all__ = ["arm64", "x86"]  # fixtures, used by name


def fifo(tmp_path, name="fifo"):
    p = tmp_path / name
    os.mkfifo(p)
    return p


def run(build_dir, *args):
    # a hang fails here, at 30 s, not at pytest's end
    return subprocess.run([str(build_dir / "host" / "charon"), *map(str, args)],
                          capture_output=True, text=True, timeout=30,
                          env=env(build_dir))


def test_fifo_inspect(build_dir, tmp_path):
    f = fifo(tmp_path)
    p = run(build_dir, "inspect", f)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert f"{f}: is a FIFO, expected a regular file" in p.stderr, p.stderr


@pytest.mark.parametrize("opt", ["--kernel", "--initrd", "--stub"])
def test_fifo_load_inputs(build_dir, tmp_path, x86, opt):
    root = x86_root(tmp_path / "root")
    f = fifo(tmp_path)
    files = dict(x86)
    if opt in ("--kernel", "--stub"):
        files[opt[2:]] = f
        extra = []
    else:
        extra = [opt, f]
    p = run(build_dir, "load", "--dry-run", "--root", root, "--arch",
            "x86_64", "--kernel", files["kernel"], "--stub", files["stub"],
            *extra)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert f"{f}: is a FIFO" in p.stderr, p.stderr


def test_fifo_qemu_dtb(build_dir, tmp_path, arm64):
    f = fifo(tmp_path)
    p = run(build_dir, "qemu", "--dry-run", "--arch", "arm64", "--kernel",
            arm64["kernel"], "--stub", arm64["stub"], "--dtb", f,
            "--workdir", tmp_path / "w")
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert f"{f}: is a FIFO" in p.stderr, p.stderr


@pytest.mark.parametrize("rel", ["proc/iomem", "proc/cmdline",
                                 "sys/firmware/memmap/0/start"])
def test_fifo_root_file(build_dir, tmp_path, x86, rel):
    root = x86_root(tmp_path / "root")
    (root / rel).unlink()
    os.mkfifo(root / rel)
    p = run(build_dir, "load", "--dry-run", "--root", root, "--arch",
            "x86_64", "--kernel", x86["kernel"], "--stub", x86["stub"])
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "is a FIFO" in p.stderr and rel in p.stderr, p.stderr


@pytest.mark.parametrize("spec", ["kernel:-1", "kernel:0x", "kernel:zz",
                                  "kernel:"])
def test_flip_bit_bad_offset_is_usage(build_dir, tmp_path, x86, spec):
    root = x86_root(tmp_path / "root")
    p = run_load(build_dir, root, "x86_64", x86, "--flip-bit", spec)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert f"--flip-bit {spec}: OFFSET" in p.stderr, p.stderr


def test_workdir_parents_created(build_dir, tmp_path, arm64):
    wd = tmp_path / "a" / "b" / "c"
    p = run(build_dir, "qemu", "--dry-run", "--arch", "arm64", "--kernel",
            arm64["kernel"], "--stub", arm64["stub"], "--dtb", arm64["dtb"],
            "--workdir", wd)
    assert p.returncode == 0, p.stderr
    assert wd.is_dir() and any(wd.iterdir())
    # a file in the way: named
    (tmp_path / "f").write_text("")
    p = run(build_dir, "qemu", "--dry-run", "--arch", "arm64", "--kernel",
            arm64["kernel"], "--stub", arm64["stub"], "--dtb", arm64["dtb"],
            "--workdir", tmp_path / "f" / "x")
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert f"--workdir {tmp_path}/f/x: cannot create" in p.stderr, p.stderr


@pytest.mark.parametrize("opt,value", [("--machine", ""),
                                       ("--machine", "virt\x01"),
                                       ("--cpu", "")])
def test_empty_machine_refused(build_dir, arm64, opt, value):
    p = run(build_dir, "qemu", "--dry-run", "--arch", "arm64", "--kernel",
            arm64["kernel"], "--stub", arm64["stub"], opt, value)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert f"{opt} \"" in p.stderr, p.stderr


def test_keepout_reaching_2_64(build_dir, tmp_path, x86):
    # a crash kernel whose last page is the last of the address space:
    # its end rounds past 2^64
    text = ("00001000-0009fbff : System RAM\n"
            "00100000-3ffdffff : System RAM\n"
            "fffffffffffff000-fffffffffffffffe : System RAM\n"
            "  fffffffffffff000-fffffffffffffffe : Crash kernel\n")
    root = x86_root(tmp_path / "root", iomem=text)
    p = run_load(build_dir, root, "x86_64", x86)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "fffffffffffff000" in p.stderr, p.stderr
    assert "2^64" in p.stderr, p.stderr


def test_inspect_ram_base_wraps(build_dir):
    k = kernel_file(build_dir, "arm")
    need(k)
    p = run(build_dir, "inspect", "--ram-base", "0xffffffffc0000000",
            "--ram-size", "2G", k)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "wraps past 2^64" in p.stderr, p.stderr
    # RAM above 4 GiB: said, not a wrong footprint
    p = run(build_dir, "inspect", "--ram-base", "0x100000000", k)
    assert p.returncode == 0, p.stderr
    assert "reaches past 4 GiB" in p.stdout, p.stdout


def test_long_proc_cmdline(build_dir, tmp_path, x86):
    long = "console=ttyS1 " + "x" * 5000
    root = x86_root(tmp_path / "root", cmdline=long)
    p = run_load(build_dir, root, "x86_64", x86)
    assert p.returncode == 0, p.stderr
    assert f"/proc/cmdline: {len(long)} bytes, more than the 4095" in \
        p.stderr, p.stderr
    p = run_load(build_dir, root, "x86_64", x86, "--reuse-cmdline")
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert f"--reuse-cmdline: /proc/cmdline is {len(long)} bytes" in \
        p.stderr, p.stderr


@pytest.mark.parametrize("value", ["ttyS99999999999", "ttyS7", "ttyS1x"])
def test_console_ttys_unknown_warned(build_dir, tmp_path, x86, value):
    root = x86_root(tmp_path / "root", cmdline=f"console={value},115200")
    p = run_load(build_dir, root, "x86_64", x86)
    assert p.returncode == 0, p.stderr
    assert f"console={value},115200: no I/O port known" in p.stderr, \
        p.stderr


def patched(src, dst, off, fmt, value):
    data = bytearray(src.read_bytes())
    struct.pack_into(fmt, data, off, value)
    dst.write_bytes(data)
    return dst


def test_absurd_header_sizes_named(build_dir, tmp_path, x86, arm64):
    # the kernels as fetched, one size field made absurd; offsets from
    # the formats' specs (booting.rst, boot.rst), not from this build
    img = patched(arm64["kernel"], tmp_path / "Image", 0x10, "<Q",
                  0xfffffffffffff000)
    p = run(build_dir, "inspect", img)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert f"{img}: image_size at 0x10 is 0xfffffffffffff000" in p.stderr
    bz = patched(x86["kernel"], tmp_path / "bzImage", 0x260, "<I",
                 0xffffffff)
    p = run(build_dir, "inspect", bz)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert f"{bz}: init_size at 0x260 is 0xffffffff" in p.stderr
    stub = bytearray(x86["stub"].read_bytes())
    hdr = stub.find(b"CHRN")
    struct.pack_into("<I", stub, hdr + 0x18, 0xffffffff)
    s = tmp_path / "stub.bin"
    s.write_bytes(stub)
    p = run(build_dir, "inspect", s)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert f"{s}: mem_size at 0x{hdr + 0x18:x} is 0xffffffff" in p.stderr


def test_hostile_sample(build_dir):
    """Every 12th case of the hostile-input run: no signal, no hang, no
    sanitizer report, every error names its input."""
    exe = build_dir / "host" / "tests" / "charon-asan"
    assert exe.exists(), "make host-tests builds it"
    p = subprocess.run([sys.executable,
                        str(ROOT / "tests" / "hostile" / "hostile.py"),
                        "--sample", "12", "--jobs", str(os.cpu_count())],
                       capture_output=True, text=True, timeout=900,
                       env=env(build_dir))
    print(p.stdout)
    assert p.returncode == 0, p.stdout + p.stderr
    assert " 0 sanitizer, 0 signal, 0 hang" in p.stdout, p.stdout
