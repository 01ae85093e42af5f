# SPDX-License-Identifier: MIT
"""Properties of the build itself: flags, link closure, toolchain probing."""
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import ARCHES, ROOT


def make(*args, env=None):
    p = subprocess.run(["make", "-C", str(ROOT)] + list(args), env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=900)
    return p.returncode, p.stdout


@pytest.mark.parametrize("arch", ARCHES)
def test_target_flags_are_freestanding(arch):
    # an instrumentation flag from outside never reaches target code
    rc, out = make(f"ARCH={arch}", "print-flags",
                   "EXTRA_TARGET_CFLAGS=-fsanitize=address -pg -fstack-protector-strong")
    assert rc == 0, out
    cflags = next(line for line in out.splitlines() if line.startswith("CFLAGS"))
    for want in ["-ffreestanding", "-fno-stack-protector", "-fpie", "-nostdinc"]:
        assert want in cflags.split(), (want, cflags)
    for bad in ["-fsanitize=address", "-pg", "-fstack-protector-strong"]:
        assert bad not in cflags.split(), (bad, cflags)
    wanted = {"arm64": ["-mstrict-align", "-mgeneral-regs-only"],
              "arm": ["-mgeneral-regs-only", "-mno-unaligned-access"],
              "ppc64le": ["-msoft-float", "-mno-altivec", "-mno-vsx", "-mlittle-endian"],
              "ppc64": ["-msoft-float", "-mno-altivec", "-mno-vsx", "-mbig-endian"],
              "x86_64": ["-mgeneral-regs-only", "-mno-red-zone"]}[arch]
    for want in wanted:
        assert want in cflags.split(), (want, cflags)


@pytest.mark.parametrize("arch", ARCHES)
def test_target_libraries_link_closed(build_dir, arch):
    nm = {"arm64": "aarch64-linux-gnu-nm", "arm": "arm-linux-gnueabihf-nm",
          "ppc64le": "powerpc64le-linux-gnu-nm", "ppc64": "powerpc64-linux-gnu-nm",
          "x86_64": "nm"}[arch]
    libs = [str(build_dir / arch / f) for f in ("libcharon-lib.a", "libnewlib-str.a")]
    p = subprocess.run([str(ROOT / "scripts/check-undefined"), "--nm", nm] + libs,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 0, p.stdout
    assert "all resolved" in p.stdout


def test_check_undefined_catches_a_gap(tmp_path):
    # an object that calls a function nobody defines must fail the check
    src = tmp_path / "u.c"
    src.write_text("void charon_nowhere(void); void f(void) { charon_nowhere(); }\n")
    subprocess.run(["gcc", "-c", "-o", str(tmp_path / "u.o"), str(src)], check=True)
    subprocess.run(["ar", "rcs", str(tmp_path / "u.a"), str(tmp_path / "u.o")], check=True)
    p = subprocess.run([str(ROOT / "scripts/check-undefined"), str(tmp_path / "u.a")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode != 0 and "charon_nowhere" in p.stdout, p.stdout


def test_missing_cross_compiler_is_skipped_and_named(tmp_path):
    # a PATH with every tool but powerpc64-linux-gnu-gcc: plain make builds
    # the other targets and names the one it skipped and why
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for d in ["/usr/local/bin", "/usr/bin"]:
        for f in os.listdir(d):
            if f != "powerpc64-linux-gnu-gcc" and not (bindir / f).exists():
                (bindir / f).symlink_to(os.path.join(d, f))
    env = dict(os.environ, PATH=str(bindir))
    rc, out = make(f"O={tmp_path / 'out'}", "-j2", env=env)
    assert rc == 0, out
    assert "SKIP    ppc64: compiler 'powerpc64-linux-gnu-gcc' not found" in out, out
    for arch in ["arm64", "arm", "ppc64le", "x86_64"]:
        assert (tmp_path / "out" / arch / "libcharon-lib.a").exists(), arch
    assert not (tmp_path / "out" / "ppc64" / "libcharon-lib.a").exists()
    # plain make builds the loader a user runs, and what charon qemu
    # --arch ppc64le needs to capture skiboot's tree
    charon = tmp_path / "out" / "host" / "charon"
    assert charon.exists(), out
    p = subprocess.run([str(charon), "--version"], stdout=subprocess.PIPE,
                       text=True)
    assert p.returncode == 0 and p.stdout.startswith("charon "), p.stdout
    assert (tmp_path / "out" / "initramfs" / "ppc64le-dumpfdt.cpio.gz").exists()
    # no target libraries in a fresh O: the static charons are named, skipped
    assert "SKIP    static charon for arm64 arm x86_64 ppc64le" in out, out


def test_explicit_arch_without_compiler_fails_early():
    rc, out = make("ARCH=arm64", "CROSS_COMPILE=charon-no-such-", "O=/nonexistent")
    assert rc != 0
    assert "compiler 'charon-no-such-gcc' not found" in out, out
    assert "gcc-aarch64-linux-gnu" in out, out


def test_install_deps_has_everything():
    # make check ran scripts/install-deps first: nothing may be missing now
    p = subprocess.run([str(ROOT / "scripts/install-deps"), "--check"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode == 0, p.stdout


def test_install_deps_never_adds_foreign_architectures():
    text = (ROOT / "scripts/install-deps").read_text()
    assert "--add-architecture" not in text
    p = subprocess.run(["dpkg", "--print-foreign-architectures"],
                       stdout=subprocess.PIPE, text=True)
    assert p.stdout.strip() == "", p.stdout


def test_bench_runs_and_digests_agree(build_dir):
    # the benchmark links lib/ and newlib exactly as built for the x86_64
    # stub; --quick still cross-checks every digest with OpenSSL on both of
    # its code paths (no timing is asserted: figures come from make bench)
    exe = build_dir / "host" / "bench" / "sha256-bench"
    assert exe.exists(), f"{exe} not built (make check-build)"
    p = subprocess.run([str(exe), "--quick"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=300)
    assert p.returncode == 0, p.stdout
    lines = [line for line in p.stdout.splitlines() if " ratio " in line]
    assert len(lines) == 4, p.stdout
    assert {line.split()[1] for line in lines} == {"integer", "default"}, p.stdout


def test_check_stub_refuses_toc_relocations(tmp_path):
    # ppc64: a TOC entry that holds an address is wrong until the stub has
    # relocated itself; check-stub refuses a relocation into .toc
    src = tmp_path / "t.S"
    src.write_text("\t.text\n\t.globl _start\n_start:\tblr\n"
                   "\t.section .toc,\"aw\"\n\t.quad _start\n")
    cc, ld = "powerpc64le-linux-gnu-gcc", "powerpc64le-linux-gnu-ld"
    readelf = "powerpc64le-linux-gnu-readelf"
    subprocess.run([cc, "-c", "-o", str(tmp_path / "t.o"), str(src)],
                   check=True)
    # .toc its own section, as arch/ppc64/lds.h keeps it (ld's default
    # script folds it into .got)
    (tmp_path / "t.lds").write_text(
        "SECTIONS { .text : { *(.text) } .toc : { *(.toc) } "
        ".rela.dyn : { *(.rela*) } }\n")
    subprocess.run([ld, "-pie", "--no-dynamic-linker", "-T",
                    str(tmp_path / "t.lds"), "-o", str(tmp_path / "t.elf"),
                    str(tmp_path / "t.o")], check=True)
    base = [str(ROOT / "scripts/check-stub"), "--readelf", readelf,
            "--relative", "R_PPC64_RELATIVE"]
    p = subprocess.run(base + ["--no-relocs-in", ".toc",
                               str(tmp_path / "t.elf")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    assert p.returncode != 0 and "dynamic relocations in .toc" in p.stdout, \
        p.stdout
    p = subprocess.run(base + [str(tmp_path / "t.elf")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    assert p.returncode == 0, p.stdout
