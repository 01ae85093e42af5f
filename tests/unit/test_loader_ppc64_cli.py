# SPDX-License-Identifier: MIT
"""`charon qemu --arch ppc64le|ppc64 --dry-run` and `charon inspect` on
the host, no QEMU: a crafted powernv device tree (--dtb) stands in for
the one charon captures from skiboot.

Checked: the layout (the stub where skiboot runs it, the kernel 64 KiB
aligned above what it overwrites at 0, nothing in skiboot's, QEMU's or
the stub ELF's ranges), every -device loader at its segment's address,
the stub ELF (-kernel) and the entry block and parameter block in it,
the edited tree, and the options ppc64 refuses or alone takes.
"""
import hashlib
import os
import pathlib
import re
import shutil
import struct
import subprocess

import pytest

import kernelfacts
from conftest import kernel_file
from hostrun import charon, check_loaders, env, parse_dry_run

ARCHES = ["ppc64le", "ppc64"]
KERNEL_ADDR = 0x20000000
STUB_ADDR = 0x20010000
ENTRY2 = 0x130
OPAL_BASE, OPAL_ENTRY = 0x30000000, 0x30003760
SKIBOOT_END = 0x32910000 + 0x10000      # its reservations + one page
QEMU_FW_END = 0x400000                  # skiboot.lid at 0
QEMU_FDT = (0x1000000, 0x1100000)       # QEMU's tree for skiboot
APPEND = "console=hvc0 charon.cli=1"

# what charon reads from skiboot's tree: RAM, /ibm,opal, its reservations
DTS = """/dts-v1/;
/memreserve/ 0x30000000 0x2000000;
/memreserve/ 0x32000000 0x910000;
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


def _dtc(*args):
    dtc = shutil.which("dtc")
    if not dtc:
        pytest.fail("dtc not found: install device-tree-compiler "
                    "(scripts/install-deps)")
    return subprocess.run([dtc, *map(str, args)], check=True,
                          stdout=subprocess.PIPE, text=True).stdout


@pytest.fixture(params=ARCHES)
def ppc(request, build_dir, tmp_path):
    arch = request.param
    files = {"stub": build_dir / arch / "charon-stub.bin",
             "kernel": build_dir / arch / "probe.elf"}
    for name, path in files.items():
        assert path.exists(), f"{name}: {path} missing (make check-build)"
    src = tmp_path / "powernv.dts"
    src.write_text(DTS)
    files["dtb"] = tmp_path / "powernv.dtb"
    _dtc("-I", "dts", "-O", "dtb", "-o", files["dtb"], src)
    files["initrd"] = tmp_path / "initrd.cpio"
    files["initrd"].write_bytes(bytes(range(256)) * 300)
    files["workdir"] = tmp_path / "work"
    files["arch"] = arch
    files["le"] = arch == "ppc64le"
    return files


def _dry_run(build_dir, f, *extra, initrd=True, kernel=None):
    args = ["qemu", "--arch", f["arch"], "--kernel", kernel or f["kernel"],
            "--stub", f["stub"], "--dtb", f["dtb"], "--workdir",
            f["workdir"], "--append", APPEND, "--dry-run"]
    if initrd:
        args += ["--initrd", f["initrd"]]
    return charon(build_dir, *args, *extra)


def _elf(path):
    """The stub ELF: (byte order, e_entry, e_flags, p_offset, p_vaddr,
    p_filesz, p_memsz, the whole file)."""
    b = open(path, "rb").read()
    assert b[:4] == b"\x7fELF" and b[4] == 2
    e = "<" if b[5] == 1 else ">"
    entry, phoff = struct.unpack_from(e + "QQ", b, 0x18)
    flags, = struct.unpack_from(e + "I", b, 0x30)
    ptype, _, off, vaddr, _, filesz, memsz = struct.unpack_from(
        e + "IIQQQQQ", b, phoff)
    assert ptype == 1
    return e, entry, flags, off, vaddr, filesz, memsz, b


def _image(elf_path):
    """The raw image of a PT_LOAD-at-0 ELF (the probe)."""
    e, _, _, off, _, filesz, _, b = _elf(elf_path)
    return b[off:off + filesz]


def _overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def _checked(build_dir, f, *extra, **kw):
    p = _dry_run(build_dir, f, *extra, **kw)
    assert p.returncode == 0, p.stderr
    layout, cmd, loaders = parse_dry_run(p.stdout)
    # the stub is QEMU's -kernel (skiboot starts it), not a loader device
    check_loaders(layout, loaders, unloaded=("stub",))
    st = layout["stub"]
    assert cmd[cmd.index("-kernel") + 1] == st["file"]
    assert st["file"].endswith("/stub.elf")
    stub_end = st["start"] + st["reserved"]
    for name, seg in layout.items():
        r = (seg["start"], seg["start"] + seg["reserved"])
        if name == "stub":
            continue
        assert not _overlaps(r, (KERNEL_ADDR, stub_end)), (name, seg)
        assert not _overlaps(r, (OPAL_BASE, SKIBOOT_END)), (name, seg)
        assert not _overlaps(r, (0, QEMU_FW_END)), (name, seg)
        assert not _overlaps(r, QEMU_FDT), (name, seg)
    return p, layout, cmd


def _inspect(build_dir, path):
    p = charon(build_dir, "inspect", path)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_cli_ppc64_dry_run(build_dir, ppc):
    p, layout, cmd = _checked(build_dir, ppc, "--", "-s")
    assert set(layout) == {"stub", "kernel", "initrd", "dtb"}, p.stdout
    k, i, d, st = (layout[n] for n in ("kernel", "initrd", "dtb", "stub"))
    # not run at load: the kernel copies itself to 0, [0, 16 MiB) is
    # kept out, and QEMU's tree for skiboot sits at 16 MiB
    assert k["start"] == 0x1100000 and k["start"] % 0x10000 == 0
    assert i["start"] >= k["start"] + k["reserved"]
    assert d["start"] >= i["start"] + i["reserved"]
    assert st["start"] == STUB_ADDR
    assert "RAM [0x0, 0x80000000)" in p.stdout
    assert cmd[:3] == ["qemu-system-ppc64", "-M", "powernv9"]
    assert cmd[cmd.index("-m") + 1] == "2G"
    assert cmd[cmd.index("-smp") + 1] == "1"
    assert "-cpu" not in cmd and "-nographic" in cmd and "-no-reboot" in cmd
    assert "-semihosting-config" not in cmd and cmd[-1] == "-s"
    assert not any(a.startswith("isa-debug-exit") for a in cmd)
    le = ppc["le"]
    assert f"{'little' if le else 'big'}-endian" in p.stdout
    assert "copies itself to 0" in p.stdout

    # the kernel as loaded: the probe's PT_LOAD image
    probe = _image(ppc["kernel"])
    assert open(k["file"], "rb").read() == probe

    # the stub ELF: in the stub's byte order, entered at the firmware
    # entry, the image at 0x20000000 + p_offset
    e, entry, flags, off, vaddr, filesz, memsz, elf = _elf(st["file"])
    stub = ppc["stub"].read_bytes()
    assert e == ("<" if le else ">")
    assert flags == (2 if le else 1)
    assert (off, vaddr) == (STUB_ADDR - KERNEL_ADDR, STUB_ADDR)
    assert entry == STUB_ADDR + ENTRY2
    assert filesz == len(stub) and memsz <= st["reserved"]
    img = elf[off:off + filesz]
    # the entry block: word 0 the stub's branch, then the kernel's bytes
    assert img[:4] == stub[:4]
    assert img[4:0x100] == probe[4:0x100]
    assert img[0x100:0x240] == stub[0x100:0x240]

    # the parameter block
    patched = ppc["workdir"] / "charon-stub.bin"
    assert patched.read_bytes() == img
    out = _inspect(build_dir, patched)
    assert f"charon stub image, {ppc['arch']}" in out
    assert f"next.entry    0x{k['start']:x}\n" in out
    assert f"next.regs     0x{d['start']:x} 0x{k['start']:x} 0x0 0x0" in out
    assert f"OPAL base 0x{OPAL_BASE:x} entry 0x{OPAL_ENTRY:x}\n" in out
    assert f"flags 0x{1 if le else 0:x} (kernel {'little' if le else 'big'}" \
        "-endian)" in out
    assert "console       opal, base 0x0" in out and "test-exit" in out
    for name in ("kernel", "initrd", "dtb"):
        seg = layout[name]
        assert re.search(rf"{name}\s+start 0x{seg['start']:x} "
                         rf"len 0x{seg['size']:x}\n", out), out
    digest = hashlib.sha256(probe).hexdigest()
    assert f"sha256 {digest}" in out

    # the edited tree: bootargs, the initrd, the stub reserved
    dts = _dtc("-I", "dtb", "-O", "dts", d["file"])
    assert f'bootargs = "{APPEND}"' in dts
    assert re.search(r"linux,initrd-start = <(0x0+ )?0x%x>" % i["start"], dts)
    assert re.search(r"linux,initrd-end = <(0x0+ )?0x%x>" % i["end"], dts)
    assert "/memreserve/\t0x%016x 0x%016x;" % (STUB_ADDR, st["reserved"]) \
        in dts, dts


def test_cli_ppc64_run_at_load(build_dir, ppc):
    p, layout, _ = _checked(build_dir, ppc, "--run-at-load", initrd=False)
    assert set(layout) == {"stub", "kernel", "dtb"}
    k = layout["kernel"]
    # only the exception vectors at 0 are kept out, and skiboot.lid
    assert k["start"] == QEMU_FW_END
    assert "run at load" in p.stdout
    out = _inspect(build_dir, ppc["workdir"] / "charon-stub.bin")
    assert f"flags 0x{3 if ppc['le'] else 2:x} (kernel " in out
    assert ", run at load)" in out


def test_cli_ppc64_run_at_load_without_run0(build_dir, ppc, tmp_path):
    b = bytearray(ppc["kernel"].read_bytes())
    e = "<" if ppc["le"] else ">"
    phoff, = struct.unpack_from(e + "Q", b, 0x20)
    off, = struct.unpack_from(e + "Q", b, phoff + 8)
    struct.pack_into(e + "I", b, off + 0x5C, 0x12345678)
    bad = tmp_path / "norun0.elf"
    bad.write_bytes(bytes(b))
    # the stub refuses it at boot (tests/system/test_ppc64.py): warned
    p, _, _ = _checked(build_dir, ppc, "--run-at-load", kernel=bad)
    assert 'not "run0"' in p.stderr and "the stub will refuse" in p.stderr


@pytest.mark.parametrize("off", [0x10000, 0x400000, 0x7ef0000])
def test_cli_ppc64_stub_addr(build_dir, ppc, off):
    p, layout, _ = _checked(build_dir, ppc, "--stub-addr",
                            hex(KERNEL_ADDR + off))
    assert layout["stub"]["start"] == KERNEL_ADDR + off
    _, entry, _, p_off, vaddr, _, _, _ = _elf(layout["stub"]["file"])
    assert (p_off, vaddr, entry) == (off, KERNEL_ADDR + off,
                                     KERNEL_ADDR + off + ENTRY2)
    assert "the stub ELF's headers at [0x20000000, 0x%x)" % (
        KERNEL_ADDR + off) in p.stdout


def test_cli_ppc64_usage_errors(build_dir, ppc):
    base = ["qemu", "--arch", ppc["arch"], "--kernel", ppc["kernel"],
            "--stub", ppc["stub"], "--dtb", ppc["dtb"], "--dry-run"]
    for extra, what in [
            (["--el2"], "--el2: not with --arch " + ppc["arch"]),
            (["--atags"], "--atags: not with --arch " + ppc["arch"]),
            (["--machine-type", "1"], "--machine-type: not with --arch"),
            (["--entry32"], "--entry32: not with --arch " + ppc["arch"]),
            (["--kdump-backup", "0,0x700000,0x1000"],
             "--kdump-backup: not with --arch " + ppc["arch"]),
            (["--stub-addr", "0x20000000"], "--stub-addr 0x20000000: "
             "expected 0x20000000 + p_offset, 64 KiB aligned"),
            (["--stub-addr", "0x20008000"], "--stub-addr 0x20008000: "),
            (["--stub-addr", "0x1f000000"], "--stub-addr 0x1f000000: "),
            (["--stub-addr", "0x28000000"], "--stub-addr 0x28000000: "),
            (["--flip-bit", "atags"], "--flip-bit atags: expected LABEL"),
            (["--run-at-load=1"], "option --run-at-load takes no value"),
    ]:
        p = charon(build_dir, *base, *extra)
        assert p.returncode == 2, (extra, p.stdout, p.stderr)
        assert what in p.stderr, (extra, p.stderr)
    for opt in ("--run-at-load", "--prerelocate"):
        p = charon(build_dir, "qemu", "--arch", "arm64", "--kernel",
                   ppc["kernel"], opt)
        assert p.returncode == 2, (opt, p.stderr)
        assert f"{opt}: only with --arch ppc64le or ppc64" in p.stderr


def test_cli_ppc64_errors(build_dir, ppc, tmp_path):
    # the probe has no relocations: it cannot be relocated to its base
    p = _dry_run(build_dir, ppc, "--prerelocate")
    assert p.returncode == 1
    assert "not relocatable" in p.stderr and "p_paddr 0x0" in p.stderr
    # not an ELF
    p = _dry_run(build_dir, ppc, kernel=ppc["initrd"])
    assert p.returncode == 1 and str(ppc["initrd"]) in p.stderr, p.stderr
    # the other byte order's stub
    other = "ppc64" if ppc["le"] else "ppc64le"
    p = charon(build_dir, "qemu", "--arch", other, "--kernel",
               ppc["kernel"], "--stub", ppc["stub"], "--dtb", ppc["dtb"],
               "--workdir", tmp_path / "w", "--dry-run")
    assert p.returncode == 1 and "stub: " in p.stderr, p.stderr


def test_cli_ppc64_test_hooks(build_dir, ppc):
    p, layout, _ = _checked(build_dir, ppc, "--flip-bit", "kernel:0x200",
                            "--break-params", "magic")
    probe = _image(ppc["kernel"])
    loaded = open(layout["kernel"]["file"], "rb").read()
    assert loaded[0x200] == probe[0x200] ^ 1 and loaded[:0x200] == \
        probe[:0x200]
    out = _inspect(build_dir, ppc["workdir"] / "charon-stub.bin")
    # the digest is of the bytes before the flip
    assert f"sha256 {hashlib.sha256(probe).hexdigest()}" in out
    block = out.split("parameter block at")[1]
    assert re.search(r"magic\s+0x[0-9a-f]+  <-- unexpected", block), out


def test_cli_ppc64_inspect(build_dir, ppc):
    out = _inspect(build_dir, ppc["kernel"])
    le = ppc["le"]
    assert f"ppc64 vmlinux ELF, {'little' if le else 'big'}-endian" in out
    assert "ET_EXEC" in out and "relocatable   no" in out
    assert 'run0          yes: "run0" at 0x5c' in out
    out = _inspect(build_dir, ppc["stub"])
    assert f"charon stub image, {ppc['arch']}" in out
    assert f"entry2_offset 0x{ENTRY2:x}" in out
    assert "firmware entry at 0x130" in out


def test_cli_ppc64_debian_prerelocate(build_dir, tmp_path, kernel_set):
    """Debian's vmlinux, relocated here for its base: the __kcrctab rule
    finds plain CRCs, and the bytes differ from the unrelocated image
    exactly where .rela.dyn says (one RELATIVE entry checked)."""
    k = kernel_file(build_dir, "ppc64le", kernel_set)
    f = {"arch": "ppc64le", "kernel": k,
         "stub": build_dir / "ppc64le" / "charon-stub.bin",
         "dtb": tmp_path / "powernv.dtb", "workdir": tmp_path / "a"}
    (tmp_path / "p.dts").write_text(DTS)
    _dtc("-I", "dts", "-O", "dtb", "-o", f["dtb"], tmp_path / "p.dts")
    plain = _dry_run(build_dir, f, "--run-at-load", initrd=False)
    assert plain.returncode == 0, plain.stderr
    f["workdir"] = tmp_path / "b"
    rel = _dry_run(build_dir, f, "--run-at-load", "--prerelocate",
                   initrd=False)
    assert rel.returncode == 0, rel.stderr
    la, _, _ = parse_dry_run(plain.stdout)
    lb, _, loaders = parse_dry_run(rel.stdout)
    check_loaders(lb, loaders, unloaded=("stub",))
    base = lb["kernel"]["start"]
    assert base == la["kernel"]["start"] and base % 0x10000 == 0
    # the count, from readelf: every allocated RELA section's entries
    # (the rule found plain CRCs, so it skips none of them)
    want = kernelfacts.alloc_rela_entries(k)
    assert want > 0
    assert f"prerelocated for 0x{base:x}: {want} relocations; " \
        "__kcrctab: clean" in rel.stdout, rel.stdout
    a = open(la["kernel"]["file"], "rb").read()
    b = open(lb["kernel"]["file"], "rb").read()
    assert len(a) == len(b) and a != b
    # the first R_PPC64_RELATIVE: the kernel runs at 0xc000000000000000
    # + base, so value = addend + base (readelf prints addends signed)
    out = subprocess.run(["readelf", "-rW", str(k)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    m = re.search(r"^([0-9a-f]{16})\s+[0-9a-f]+\s+R_PPC64_RELATIVE\s+"
                  r"(-?)([0-9a-f]+)$", out, re.M)
    assert m, out[:2000]
    where = int(m.group(1), 16)
    addend = (-1 if m.group(2) else 1) * int(m.group(3), 16)
    got, = struct.unpack_from("<Q", b, where - 0xc000000000000000)
    want = (addend + base) % (1 << 64)
    assert got == want, (hex(got), hex(want))
    assert struct.unpack_from("<Q", a, where - 0xc000000000000000)[0] != got


def _qemu_env(build_dir, **kw):
    e = env(build_dir)
    e.pop("CHARON_POWERNV_KERNEL", None)
    e.pop("CHARON_POWERNV_INITRD", None)
    e.update({k: str(v) for k, v in kw.items()})
    return e


def test_cli_ppc64_capture_with_the_users_kernel(build_dir, tmp_path):
    """No --dtb and an empty cache: skiboot's tree is captured by booting
    the kernel the user gave (a ppc64el vmlinux elsewhere than the
    project's own), not the project's."""
    k = tmp_path / "my-vmlinux"
    shutil.copyfile(kernel_file(build_dir, "ppc64le"), k)
    p = subprocess.run(
        [str(build_dir / "host" / "charon"), "qemu", "--arch", "ppc64le",
         "--kernel", str(k), "--stub",
         str(build_dir / "ppc64le" / "charon-stub.bin"), "--workdir",
         str(tmp_path / "w"), "--dry-run"],
        env=_qemu_env(build_dir, CHARON_CACHE=tmp_path / "cache"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        timeout=600)
    assert p.returncode == 0, p.stderr
    assert f"(captured in " in p.stdout and f"by booting {k})" in p.stdout, \
        p.stdout
    assert list((tmp_path / "cache").glob("*.dtb"))


def test_cli_ppc64_capture_not_with_a_bare_metal_elf(build_dir, tmp_path):
    """A little-endian ppc64 ELF that is not Linux (our probe: no ELF
    note of owner "Linux") cannot dump the tree: the capture boots the
    project's kernel instead, and it is the one named."""
    want = kernel_file(build_dir, "ppc64le")
    p = subprocess.run(
        [str(build_dir / "host" / "charon"), "qemu", "--arch", "ppc64le",
         "--kernel", str(build_dir / "ppc64le" / "probe.elf"), "--stub",
         str(build_dir / "ppc64le" / "charon-stub.bin"), "--workdir",
         str(tmp_path / "w"), "--dry-run"],
        env=_qemu_env(build_dir, CHARON_CACHE=tmp_path / "cache"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        timeout=600)
    assert p.returncode == 0, p.stderr
    m = re.search(r"\(captured in .* by booting (\S+)\)", p.stdout)
    assert m, p.stdout
    assert os.path.samefile(m.group(1), want), (m.group(1), want)


def test_cli_ppc64_capture_hint_works_as_printed(build_dir, tmp_path):
    """A capture without its initramfs (and a kernel that cannot dump the
    tree: the big-endian probe) names what is missing and the commands
    that make it; the make command, pasted, works."""
    p = subprocess.run(
        [str(build_dir / "host" / "charon"), "qemu", "--arch", "ppc64",
         "--kernel", str(build_dir / "ppc64" / "probe.elf"), "--stub",
         str(build_dir / "ppc64" / "charon-stub.bin"), "--workdir",
         str(tmp_path / "w"), "--dry-run"],
        env=_qemu_env(build_dir, CHARON_CACHE=tmp_path / "cache",
                      CHARON_POWERNV_INITRD=tmp_path / "none.cpio.gz"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        timeout=120)
    assert p.returncode == 1, p
    err = p.stderr
    assert f"initramfs {tmp_path / 'none.cpio.gz'} (missing)" in err, err
    m = re.search(r"the initramfs: (make -C \S+ O=\S+ \S+)$", err.strip())
    assert m, err
    cmd = m.group(1).split()
    assert pathlib.Path(cmd[-1]).is_absolute(), cmd
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout
    assert pathlib.Path(cmd[-1]).exists()
    m = re.search(r"fetch one: (\S+/scripts/fetch-kernels) --out (\S+) "
                  r"ppc64le;", err)
    assert m and pathlib.Path(m.group(1)).exists(), err


def _shdrs(b):
    """A little-endian ELF64's section headers: [(index, name, header
    offset in the file, (sh_name, type, flags, addr, offset, size, link,
    info, align, entsize))]."""
    shoff, = struct.unpack_from("<Q", b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", b, 0x3a)
    fmt = "<IIQQQQIIQQ"
    hdrs = [struct.unpack_from(fmt, b, shoff + i * shentsize)
            for i in range(shnum)]
    strtab = hdrs[shstrndx][4]
    out = []
    for i, h in enumerate(hdrs):
        end = b.index(b"\0", strtab + h[0])
        out.append((i, b[strtab + h[0]:end].decode(), shoff + i * shentsize,
                    h))
    return out


def _patched(src, dst, section, field, value):
    """A copy of vmlinux src whose section's field (0x18 sh_addr, 0x18+8
    sh_offset, 0x20 sh_size) is value; the section's index."""
    b = bytearray(src.read_bytes())
    i, _, at, _ = next(s for s in _shdrs(b) if s[1] == section)
    struct.pack_into("<Q", b, at + field, value)
    dst.write_bytes(bytes(b))
    return i


SH_ADDR, SH_OFFSET, SH_SIZE = 0x10, 0x18, 0x20


@pytest.mark.parametrize("section,field,value,msg", [
    # a count from sh_size far past the file: it reached calloc
    (".rela.dyn", SH_SIZE, 0x18 << 40,
     "sh_offset 0x{off:x} + sh_size 0x180000000000 runs past the file's"),
    (".rela.dyn", SH_OFFSET, (1 << 64) - 8,
     "sh_offset 0xfffffffffffffff8 + sh_size 0x{size:x} runs past"),
    (".rela.dyn", SH_SIZE, 25,
     "sh_size 0x19 is not a whole number of 24-byte entries (sh_entsize)"),
    # __kcrctab's end wrapped, and the file was accepted
    ("__kcrctab", SH_ADDR, (1 << 64) - 0x10,
     "sh_addr 0xfffffffffffffff0 + sh_size 0x{size:x} wraps past 2^64"),
])
def test_cli_ppc64_hostile_sections(build_dir, tmp_path, section, field,
                                    value, msg):
    """A vmlinux whose section header is inconsistent with the file is
    refused by inspect and by a --prerelocate plan, naming the file, the
    section, the field and its value."""
    k = kernel_file(build_dir, "ppc64le")
    bad = tmp_path / "vmlinux"
    i = _patched(k, bad, section, field, value)
    _, _, _, h = next(s for s in _shdrs(k.read_bytes()) if s[1] == section)
    want = f"{bad}: section {i} ({section}): " + \
        msg.format(off=h[4], size=h[5])
    p = charon(build_dir, "inspect", bad)
    assert p.returncode == 1 and want in p.stderr, p.stderr
    f = {"arch": "ppc64le", "kernel": bad,
         "stub": build_dir / "ppc64le" / "charon-stub.bin",
         "dtb": tmp_path / "powernv.dtb", "workdir": tmp_path / "w"}
    (tmp_path / "p.dts").write_text(DTS)
    _dtc("-I", "dts", "-O", "dtb", "-o", f["dtb"], tmp_path / "p.dts")
    p = _dry_run(build_dir, f, "--run-at-load", "--prerelocate",
                 initrd=False)
    assert p.returncode == 1 and want in p.stderr, p.stderr
