# SPDX-License-Identifier: MIT
"""scripts/mkinitramfs and scripts/fetch-kernels.

The tests named test_network_slow_* reach the Debian archive (the first run
downloads a ~60 MB kernel into $O/kernels, shared with the system tests;
later runs find it there).  Everything else runs offline in seconds:
`pytest -k 'not network_slow'` skips the network ones.
"""
import gzip
import importlib.machinery
import importlib.util
import os
import struct
import subprocess
import time

import pytest

from conftest import ROOT

MKINITRAMFS = ROOT / "scripts" / "mkinitramfs"
FETCH = ROOT / "scripts" / "fetch-kernels"

# ARCH -> (EI_CLASS, EI_DATA, e_machine)
ELF_IDENT = {
    "arm64": (2, 1, 183),    # ELFCLASS64, LSB, EM_AARCH64
    "arm": (1, 1, 40),       # ELFCLASS32, LSB, EM_ARM
    "ppc64le": (2, 1, 21),   # ELFCLASS64, LSB, EM_PPC64
    "ppc64": (2, 2, 21),     # ELFCLASS64, MSB, EM_PPC64
    "x86_64": (2, 1, 62),    # ELFCLASS64, LSB, EM_X86_64
}
PT_INTERP = 3


def run(cmd, env=None, timeout=900):
    p = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, env=env, timeout=timeout)
    return p.returncode, p.stdout


def load_script(path):
    """import a script without a .py suffix as a module"""
    loader = importlib.machinery.SourceFileLoader(path.name.replace("-", "_"), str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def newc_entries(data):
    """parse a newc cpio: list of dicts (name, mode, uid, gid, mtime, rdev, data)"""
    out = []
    off = 0
    while True:
        hdr = data[off:off + 110]
        assert hdr[:6] == b"070701", f"bad newc magic at {off}: {hdr[:6]!r}"
        f = [int(hdr[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        (_ino, mode, uid, gid, _nlink, mtime, size, _dmaj, _dmin,
         rmaj, rmin, namesize, _chk) = f
        name = data[off + 110:off + 110 + namesize - 1].decode()
        off = (off + 110 + namesize + 3) & ~3
        body = data[off:off + size]
        off = (off + size + 3) & ~3
        if name == "TRAILER!!!":
            return out
        out.append(dict(name=name, mode=mode, uid=uid, gid=gid, mtime=mtime,
                        rdev=(rmaj, rmin), data=body))


def elf_props(blob):
    """(EI_CLASS, EI_DATA, e_machine, [p_type...])"""
    assert blob[:4] == b"\x7fELF"
    cls, dat = blob[4], blob[5]
    e = "<" if dat == 1 else ">"
    (machine,) = struct.unpack_from(e + "H", blob, 18)
    if cls == 2:
        (phoff,) = struct.unpack_from(e + "Q", blob, 32)
        phentsize, phnum = struct.unpack_from(e + "HH", blob, 54)
    else:
        (phoff,) = struct.unpack_from(e + "I", blob, 28)
        phentsize, phnum = struct.unpack_from(e + "HH", blob, 42)
    ptypes = [struct.unpack_from(e + "I", blob, phoff + i * phentsize)[0]
              for i in range(phnum)]
    return cls, dat, machine, ptypes


# --------------------------------------------------------------------------
# mkinitramfs

@pytest.fixture(scope="module")
def initramfs(tmp_path_factory):
    """one archive per ARCH, built once for the module"""
    d = tmp_path_factory.mktemp("initramfs")
    built = {}

    def get(arch):
        if arch not in built:
            out = d / f"{arch}.cpio.gz"
            rc, log = run([MKINITRAMFS, "--arch", arch, "--out", out])
            assert rc == 0, log
            built[arch] = out
        return built[arch]
    return get


@pytest.mark.parametrize("arch", list(ELF_IDENT))
def test_mkinitramfs_init_is_static_elf_for_arch(initramfs, tmp_path, arch):
    out = initramfs(arch)
    raw = out.read_bytes()
    assert raw[:2] == b"\x1f\x8b", "not gzip"
    cpio = gzip.decompress(raw)

    # cpio itself lists it (the format the kernel unpacks: newc)
    p = subprocess.run(["cpio", "-t", "--quiet"], input=cpio,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.returncode == 0, p.stderr
    names = p.stdout.decode().split()
    assert "init" in names, names

    entries = {e["name"]: e for e in newc_entries(cpio)}
    init = entries["init"]
    assert init["mode"] & 0o170000 == 0o100000 and init["mode"] & 0o111, oct(init["mode"])
    cls, dat, machine, ptypes = elf_props(init["data"])
    assert (cls, dat, machine) == ELF_IDENT[arch]
    assert PT_INTERP not in ptypes, "init has an interpreter: not static"


def test_mkinitramfs_archive_layout(initramfs):
    entries = newc_entries(gzip.decompress(initramfs("arm64").read_bytes()))
    names = [e["name"] for e in entries]
    for want in ["dev", "proc", "sys", "init"]:
        assert want in names, names
    # parents before children, every entry root-owned, fixed mtime
    for i, n in enumerate(names):
        if "/" in n:
            assert n.rsplit("/", 1)[0] in names[:i], (n, names)
    for e in entries:
        assert (e["uid"], e["gid"]) == (0, 0), e["name"]
        assert e["mtime"] == int(os.environ.get("SOURCE_DATE_EPOCH", "0")), e["name"]
    if os.geteuid() == 0:
        cons = next(e for e in entries if e["name"] == "dev/console")
        assert cons["mode"] & 0o170000 == 0o020000, oct(cons["mode"])  # S_IFCHR
        assert cons["rdev"] == (5, 1)


def test_mkinitramfs_is_deterministic_and_adds_files(tmp_path):
    (tmp_path / "payload").write_bytes(b"kernel\0bytes")
    os.chmod(tmp_path / "payload", 0o755)
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "f.txt").write_text("hello\n")
    outs = []
    for i in range(2):
        out = tmp_path / f"i{i}.cpio.gz"
        rc, log = run([MKINITRAMFS, "--arch", "x86_64", "--out", out,
                       "--add", f"{tmp_path / 'payload'}:/boot/vmlinuz",
                       "--add", f"{tree}:/extra"])
        assert rc == 0, log
        outs.append(out.read_bytes())
        if i == 0:
            time.sleep(1.1)   # a different wall clock must not change the bytes
    assert outs[0] == outs[1], "two builds from the same inputs differ"
    entries = {e["name"]: e for e in newc_entries(gzip.decompress(outs[0]))}
    assert entries["boot/vmlinuz"]["data"] == b"kernel\0bytes"
    assert entries["boot/vmlinuz"]["mode"] & 0o111
    assert entries["extra/sub/f.txt"]["data"] == b"hello\n"
    assert "boot" in entries and "extra/sub" in entries


@pytest.mark.parametrize("args,msg", [
    (["--add", "/nonexistent/charon-file:/x"], "does not exist"),
    (["--add", "README.md"], "expected SRC:DEST"),
    (["--add", "README.md:/init"], "already in the archive"),
    (["--add", "README.md:/../x"], "inside the archive"),
    (["--cc", "charon-no-such-gcc"], "compiler 'charon-no-such-gcc' not found"),
    (["--init-src", "/nonexistent/init.c"], "not found"),
])
def test_mkinitramfs_errors(tmp_path, args, msg):
    out = tmp_path / "i.cpio.gz"
    p = subprocess.run([str(MKINITRAMFS), "--arch", "arm64", "--out", str(out)] + args,
                       cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.returncode != 0
    assert msg in p.stderr, p.stderr
    assert not out.exists()


def _fake_sysroot(root, with_libc=True):
    """a sysroot as dpkg-deb -x leaves it, from the host's own (x86_64
    Debian) /usr/bin/true, libc and ld.so: the interpreter an absolute
    symlink, as in libc6"""
    t = "x86_64-linux-gnu"
    for d in ("usr/bin", f"lib/{t}", "lib64"):
        (root / d).mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "/usr/bin/true", root / "usr/bin/true"], check=True)
    subprocess.run(["cp", f"/lib/{t}/ld-linux-x86-64.so.2", root / f"lib/{t}/"],
                   check=True)
    if with_libc:
        subprocess.run(["cp", f"/lib/{t}/libc.so.6", root / f"lib/{t}/"], check=True)
    os.symlink(f"/lib/{t}/ld-linux-x86-64.so.2", root / "lib64/ld-linux-x86-64.so.2")
    return root


@pytest.mark.skipif(not os.path.exists("/lib/x86_64-linux-gnu/libc.so.6")
                    or not os.path.exists("/usr/bin/true"),
                    reason="needs an x86_64 Debian host's libc")
def test_mkinitramfs_add_dynamic(tmp_path):
    root = _fake_sysroot(tmp_path / "root")
    out = tmp_path / "i.cpio.gz"
    rc, log = run([MKINITRAMFS, "--arch", "x86_64", "--out", out,
                   "--sysroot", root, "--add-dynamic", "/usr/bin/true:/bin/true"])
    assert rc == 0, log
    e = {x["name"]: x for x in newc_entries(gzip.decompress(out.read_bytes()))}
    assert e["bin/true"]["data"] == (root / "usr/bin/true").read_bytes()
    # the interpreter at its PT_INTERP path, as a file (the symlink followed
    # inside the sysroot); libc where the sysroot has it
    interp = e["lib64/ld-linux-x86-64.so.2"]
    assert interp["mode"] & 0o170000 == 0o100000, oct(interp["mode"])
    assert interp["data"] == (root / "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2").read_bytes()
    assert e["lib/x86_64-linux-gnu/libc.so.6"]["data"][:4] == b"\x7fELF"
    # libc's DT_NEEDED ld.so: a link to the one copy, not a second copy
    ld = e["lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"]
    assert ld["mode"] & 0o170000 == 0o120000, oct(ld["mode"])
    assert ld["data"] == b"../../lib64/ld-linux-x86-64.so.2"


@pytest.mark.skipif(not os.path.exists("/lib/x86_64-linux-gnu/libc.so.6")
                    or not os.path.exists("/usr/bin/true"),
                    reason="needs an x86_64 Debian host's libc")
@pytest.mark.parametrize("case,msg", [
    ("no-libc", "needs libc.so.6, which is in none of"),
    ("no-sysroot", "needs --sysroot"),
    ("static", "no PT_INTERP"),
])
def test_mkinitramfs_add_dynamic_errors(tmp_path, case, msg):
    root = _fake_sysroot(tmp_path / "root", with_libc=case != "no-libc")
    out = tmp_path / "i.cpio.gz"
    args = ["--add-dynamic", "/usr/bin/true:/bin/true"]
    if case == "static":
        subprocess.run(["gcc", "-static", "-x", "c", "-o", root / "usr/bin/true",
                        "-"], input=b"int main(void){return 0;}", check=True)
    if case != "no-sysroot":
        args = ["--sysroot", str(root)] + args
    p = subprocess.run([str(MKINITRAMFS), "--arch", "x86_64", "--out", str(out)]
                       + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    assert p.returncode != 0 and msg in p.stderr, p.stderr
    assert not out.exists()


def test_mkinitramfs_rejects_unknown_arch(tmp_path):
    rc, out = run([MKINITRAMFS, "--arch", "sparc", "--out", tmp_path / "x"])
    assert rc != 0 and "invalid choice" in out, out


# --------------------------------------------------------------------------
# fetch-kernels, offline

@pytest.fixture(scope="module")
def fk():
    return load_script(FETCH)


def test_fetch_kernels_reads_machine_sources(fk, tmp_path):
    etc = tmp_path / "apt"
    (etc / "sources.list.d").mkdir(parents=True)
    (etc / "sources.list").write_text(
        "# a comment\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib\n"
        "deb-src http://mirror.example/debian bookworm main\n"
        "deb http://mirror.example/debian bookworm-backports main\n"
        "deb http://mirror.example/debian bullseye main\n"
        "deb http://mirror.example/debian bookworm-updates contrib\n")
    (etc / "sources.list.d" / "sec.sources").write_text(
        "Types: deb deb-src\n"
        "URIs: http://security.example/debian-security\n"
        "Suites: bookworm-security\n"
        "Components: main non-free-firmware\n"
        "Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n KEY\n"
        " -----END PGP PUBLIC KEY BLOCK-----\n"
        "\n"
        "Types: deb\n"
        "URIs: http://off.example/debian\n"
        "Suites: bookworm\n"
        "Components: main\n"
        "Enabled: no\n")
    (etc / "sources.list.d" / "other.list.disabled").write_text(
        "deb http://other.example/debian bookworm main\n")
    st = fk.machine_sources(str(etc))
    got = sorted((s["uris"][0], tuple(s["suites"])) for s in st)
    assert got == [("http://mirror.example/debian", ("bookworm",)),
                   ("http://security.example/debian-security", ("bookworm-security",))]
    text = fk.private_sources(st)
    assert "Components: main\n" in text and "contrib" not in text
    assert "Signed-By: /k.gpg" in text
    assert "BEGIN PGP PUBLIC KEY BLOCK" in text          # inline key kept
    assert "Architectures" not in text and "arch=" not in text
    assert "Targets: Packages" in text


def test_fetch_kernels_needs_a_debian_source(fk, tmp_path):
    (tmp_path / "sources.list").write_text("deb http://x.example/ubuntu jammy main\n")
    with pytest.raises(fk.Error, match="no 'deb' source"):
        fk.machine_sources(str(tmp_path))


@pytest.mark.parametrize("arch,msg", [("ppc64", "not a Debian release"),
                                      ("sparc", "unknown ARCH")])
def test_fetch_kernels_rejects_arch(tmp_path, arch, msg):
    rc, out = run([FETCH, "--out", tmp_path, arch])
    assert rc != 0 and msg in out, out


def _unreachable_etc(tmp_path):
    etc = tmp_path / "etc-apt"
    etc.mkdir()
    # an archive that is not there (a file: URI fails at once; an
    # unreachable http one costs apt's retries)
    (etc / "sources.list").write_text(
        f"deb file:{tmp_path}/no-archive bookworm main\n")
    return etc


def _fake_kernel_deb(tmp_path, version="6.1.99-1", abi="6.1.0-99"):
    """a tiny linux-image-*-arm64 package whose vmlinuz has the Image magic"""
    root = tmp_path / f"pkg-{abi}"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "boot").mkdir()
    image = bytearray(4096)
    image[0x38:0x3c] = b"ARM\x64"
    (root / "boot" / f"vmlinuz-{abi}-arm64").write_bytes(bytes(image))
    (root / "boot" / f"config-{abi}-arm64").write_text("CONFIG_ARM64=y\n")
    (root / "DEBIAN" / "control").write_text(
        f"Package: linux-image-{abi}-arm64\nVersion: {version}\n"
        "Architecture: arm64\nMaintainer: charon tests <t@example.org>\n"
        "Description: fake kernel for the charon tests\n")
    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True)
    deb = cache / f"linux-image-{abi}-arm64_{version}_arm64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-b", str(root), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    return deb, bytes(image)


def test_fetch_kernels_offline_error_names_arch_and_command(tmp_path):
    env = dict(os.environ, CHARON_APT_ETC=str(_unreachable_etc(tmp_path)))
    env.pop("CHARON_KERNEL_CACHE", None)
    rc, out = run([FETCH, "--out", tmp_path / "k", "arm64"], env=env, timeout=300)
    assert rc != 0, out
    assert "arm64" in out and "apt-get -q update" in out and "APT_CONFIG=" in out, out
    assert not (tmp_path / "k" / "arm64" / "vmlinuz").exists()


def test_fetch_kernels_offline_uses_persistent_cache(tmp_path):
    # archive unreachable, but CHARON_KERNEL_CACHE holds packages of the
    # flavour: the newest one is unpacked, with a warning
    _fake_kernel_deb(tmp_path, version="6.1.98-1", abi="6.1.0-98")
    _, image = _fake_kernel_deb(tmp_path, version="6.1.99-1", abi="6.1.0-99")
    env = dict(os.environ, CHARON_APT_ETC=str(_unreachable_etc(tmp_path)),
               CHARON_KERNEL_CACHE=str(tmp_path / "cache"))
    out_dir = tmp_path / "k"
    rc, out = run([FETCH, "--out", out_dir, "arm64"], env=env, timeout=300)
    assert rc == 0, out
    assert "using the newest cached package" in out, out
    assert (out_dir / "arm64" / "vmlinuz").read_bytes() == image
    assert (out_dir / "arm64" / "config").read_text() == "CONFIG_ARM64=y\n"
    version = (out_dir / "arm64" / "version").read_text()
    assert "package=linux-image-6.1.0-99-arm64\n" in version
    assert "version=6.1.99-1\n" in version and "release=6.1.0-99-arm64\n" in version

    # present: a second run does nothing, without touching apt
    rc, out = run([FETCH, "--out", out_dir, "arm64"], env=env)
    assert rc == 0 and "cached" in out, out


def test_fetch_kernels_allow_missing_records_the_reason(tmp_path):
    # another kernel set: a kernel that cannot be had is a warning and a
    # file naming why, not a failure
    env = dict(os.environ, CHARON_APT_ETC=str(_unreachable_etc(tmp_path)))
    env.pop("CHARON_KERNEL_CACHE", None)
    out_dir = tmp_path / "k"
    rc, out = run([FETCH, "--set", "trixie", "--allow-missing", "--out",
                   out_dir, "arm64"], env=env, timeout=300)
    assert rc == 0, out
    missing = (out_dir / "arm64" / "missing").read_text()
    assert "arm64" in missing and "apt-get" in missing, missing
    assert "warning: arm64: no kernel" in out, out
    assert not (out_dir / "arm64" / "vmlinuz").exists()
    # without --allow-missing it is an error, as for the booted set
    rc, out = run([FETCH, "--set", "trixie", "--out", out_dir, "arm64"],
                  env=env, timeout=300)
    assert rc != 0, out


def test_fetch_kernels_sets(fk, tmp_path):
    etc = tmp_path / "etc"
    (etc / "sources.list.d").mkdir(parents=True)
    (etc / "sources.list").write_text(
        "deb http://m.example/debian bookworm main\n"
        "deb http://m.example/debian bookworm-updates main\n"
        "deb http://s.example/debian-security bookworm-security main\n")
    text = fk.private_sources(fk.machine_sources(str(etc)), "trixie")
    assert "Suites: trixie\n" in text, text
    assert "Suites: trixie-updates\n" in text, text
    assert "Suites: trixie-security\n" in text, text
    assert "bookworm" not in text.replace("# from", ""), text
    rc, out = run([FETCH, "--set", "sid", "--out", tmp_path / "k", "arm64"])
    assert rc != 0 and "unknown kernel set 'sid'" in out, out
    assert "bookworm" in out and "trixie" in out, out


def test_fetch_kernels_rejects_wrong_image_format(tmp_path):
    deb, _ = _fake_kernel_deb(tmp_path, abi="6.1.0-99")
    root = tmp_path / "pkg-6.1.0-99"
    # not an arm64 Image any more
    next((root / "boot").glob("vmlinuz-*")).write_bytes(b"\0" * 4096)
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-b", str(root), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, CHARON_APT_ETC=str(_unreachable_etc(tmp_path)),
               CHARON_KERNEL_CACHE=str(tmp_path / "cache"))
    rc, out = run([FETCH, "--out", tmp_path / "k", "arm64"], env=env, timeout=300)
    assert rc != 0 and "not the expected kernel image format" in out, out
    assert not (tmp_path / "k" / "arm64" / "vmlinuz").exists()


# --------------------------------------------------------------------------
# fetch-kernels against the real archive (slow the first time: downloads)

def test_network_slow_fetch_kernels_arm64(build_dir):
    kdir = build_dir / "kernels" / "bookworm"
    rc, out = run([FETCH, "--out", kdir, "arm64"], timeout=1800)
    assert rc == 0, out
    image = (kdir / "arm64" / "vmlinuz").read_bytes()
    assert image[0x38:0x3c] == b"ARM\x64" or image[:2] == b"\x1f\x8b", image[:64]
    version = (kdir / "arm64" / "version").read_text()
    assert "package=linux-image-" in version and "-arm64\n" in version, version
    assert (kdir / "arm64" / "config").read_text().count("CONFIG_ARM64=y") == 1

    # the second run is a no-op: no apt, no download
    t0 = time.monotonic()
    rc, out = run([FETCH, "--out", kdir, "arm64"])
    assert rc == 0, out
    assert "arm64: cached" in out, out
    assert time.monotonic() - t0 < 10, "second run was not a cache hit"
    assert (kdir / "arm64" / "vmlinuz").read_bytes() == image
