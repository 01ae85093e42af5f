# SPDX-License-Identifier: MIT
"""The static charon of each target arch (mk/static.mk, issue 7).

`make check-build` builds $O/<arch>/charon-static for every arch in
STATIC below.  Each must be a statically linked executable for its machine
(no PT_INTERP, no dynamic section), and, run under qemu-<arch>-static (or
natively), print the same --version and `inspect` of that arch's stub as
the host's $O/host/charon.  Also scripts/fetch-target-libs's offline
answers (cached, unknown ARCH, no sources).
"""
import os
import pathlib
import platform
import shutil
import subprocess

import pytest

# arch -> (readelf's Machine:, ELF class, how to run it on this host)
STATIC = {
    "arm64": ("AArch64", "ELF64", "qemu-aarch64-static"),
    "arm": ("ARM", "ELF32", "qemu-arm-static"),
    "x86_64": ("Advanced Micro Devices X86-64", "ELF64", "qemu-x86_64-static"),
    "ppc64le": ("PowerPC64", "ELF64", "qemu-ppc64le-static"),
}
NATIVE = {"x86_64": "x86_64", "aarch64": "arm64"}.get(platform.machine())


def _exe(build_dir, arch):
    exe = build_dir / arch / "charon-static"
    if not exe.is_file():
        pytest.fail(f"{exe} is missing: `make check-build` (or "
                    f"`make static-charon ARCH={arch}`) builds it")
    return exe


def _run(build_dir, arch, *args):
    exe = _exe(build_dir, arch)
    if arch == NATIVE:
        cmd = [str(exe)]
    else:
        qemu = STATIC[arch][2]
        if not shutil.which(qemu):
            pytest.fail(f"{qemu} not found (Debian's qemu-user-static; "
                        "scripts/install-deps installs it)")
        cmd = [qemu, str(exe)]
    return subprocess.run(cmd + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=60)


def _host(build_dir, *args):
    return subprocess.run([str(build_dir / "host" / "charon"), *args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=60)


def _readelf(opt, exe):
    return subprocess.run(["readelf", "-W", opt, str(exe)], check=True,
                          stdout=subprocess.PIPE, text=True,
                          env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}).stdout


@pytest.mark.parametrize("arch", STATIC)
def test_static_elf(build_dir, arch):
    machine, cls, _ = STATIC[arch]
    exe = _exe(build_dir, arch)
    hdr = _readelf("-h", exe)
    assert f"Class:                             {cls}" in hdr
    assert f"Machine:                           {machine}" in hdr
    assert "Type:                              EXEC" in hdr
    assert "INTERP" not in _readelf("-l", exe)
    assert "There is no dynamic section" in _readelf("-d", exe)
    out = subprocess.run(["file", "-b", str(exe)], stdout=subprocess.PIPE,
                         text=True).stdout
    assert "statically linked" in out, out


@pytest.mark.parametrize("arch", STATIC)
def test_static_version(build_dir, arch):
    got = _run(build_dir, arch, "--version")
    want = _host(build_dir, "--version")
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout
    assert got.stdout.startswith("charon ")


@pytest.mark.parametrize("arch", STATIC)
def test_static_inspect(build_dir, arch):
    stub = build_dir / arch / "charon-stub.bin"
    got = _run(build_dir, arch, "inspect", str(stub))
    want = _host(build_dir, "inspect", str(stub))
    assert want.returncode == 0, want.stderr
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout
    assert "charon stub image" in got.stdout


# ---- scripts/fetch-target-libs without the network ------------------------

FETCH = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "fetch-target-libs"


def test_fetch_cached_is_offline(tmp_path):
    (tmp_path / "arm64").mkdir()
    (tmp_path / "arm64" / "packages").write_text("libfdt-dev=1\n")
    # no sources at all: anything but the cached answer would fail
    etc = tmp_path / "etc"
    etc.mkdir()
    p = subprocess.run([str(FETCH), "--out", str(tmp_path), "arm64"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, env=dict(os.environ, CHARON_APT_ETC=str(etc)))
    assert p.returncode == 0, p.stdout
    assert "arm64: cached:" in p.stdout


@pytest.mark.parametrize("arch", ["ppc64", "mips"])
def test_fetch_unknown_arch(tmp_path, arch):
    p = subprocess.run([str(FETCH), "--out", str(tmp_path), arch],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.returncode == 1
    assert f"unknown ARCH '{arch}'" in p.stderr
    assert not any(tmp_path.iterdir())


def test_fetch_no_sources(tmp_path):
    etc = tmp_path / "etc"
    etc.mkdir()
    out = tmp_path / "out"
    p = subprocess.run([str(FETCH), "--out", str(out), "arm"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=dict(os.environ, CHARON_APT_ETC=str(etc)))
    assert p.returncode == 1
    assert "fetch-target-libs: error: no 'deb' source" in p.stderr
    assert not (out / "arm" / "packages").exists()
