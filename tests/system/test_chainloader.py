# SPDX-License-Identifier: MIT
"""The chainloader image (docs/chainloader.md): `charon image` writes one
file; QEMU starts it as it would a kernel (-kernel), with its own device
tree in x0; the stub checks every destination against that tree, moves the
payloads, verifies them where they landed, edits the tree and boots
Debian's kernel.  The refusals damage the file, or run it on a machine
whose tree does not allow the destinations; the kernel is never entered.

The file is read back here with struct, independently of charon's codec:
the image header at 0x40, the block at its params_offset, the copies at
0x498 in the block (docs/abi.md)."""
import pathlib
import re
import struct
import subprocess

import pexpect
import pytest

from conftest import kernel_file
from charonrun import built_files, run

# per arch: QEMU, its CPU, Debian's U-Boot for virt and its boot command
MACHINES = {
    "arm64": ("qemu-system-aarch64", "cortex-a57", "qemu_arm64", "booti"),
    "arm": ("qemu-system-arm", "cortex-a15", "qemu_arm", "bootz"),
}
HDR_OFF = 0x40
COPIES_OFF, COPY_SIZE = 0x498, 0x18
REGIONS_OFF, REGION_SIZE = 0x098, 0x40
UBOOT_DIR = pathlib.Path("/usr/lib/u-boot")   # Debian's u-boot-qemu


def qemu(arch):
    binary, cpu, _, _ = MACHINES[arch]
    return [binary, "-cpu", cpu, "-nographic", "-no-reboot",
            "-semihosting-config", "enable=on,target=native"]


# the kernel's console, per arch
CONSOLE = {"arm64": "ttyAMA0", "arm": "ttyAMA0", "x86_64": "ttyS0",
           "ppc64le": "hvc0"}


def chain_files(build_dir, arch):
    """What a chainloader test of arch needs: built_files(), the
    chainloader stub, Debian's kernel."""
    f = built_files(build_dir, arch)
    f["arch"] = arch
    f["chain"] = build_dir / arch / "charon-chain.bin"
    assert f["chain"].exists(), f"{f['chain']} missing (make check-build)"
    f["kernel"] = kernel_file(build_dir, arch)
    return f


@pytest.fixture(scope="module", params=sorted(MACHINES))
def files(build_dir, request):
    return chain_files(build_dir, request.param)


def make_image(files, tmp_path, *extra, tag="charon.test=image",
               name="charon.img"):
    """charon image of Debian's kernel and the test initramfs (for QEMU's
    default machine, unless extra says otherwise); its path and the CLI's
    output."""
    out = tmp_path / name
    p = subprocess.run(
        [files["charon"], "image", "--arch", files["arch"], "--stub",
         files["chain"],
         "--kernel", files["kernel"], "--initrd", files["initrd"],
         "--append", f"console={CONSOLE[files['arch']]} panic=-1 {tag}",
         "--fail", "test-exit", "--workdir", tmp_path / "work",
         "-o", out, *extra],
        capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    return out, p.stdout


def boot(files, image, *extra, memory="1G", timeout=600):
    q = qemu(files["arch"])
    return run(q[0], q[1:] + ["-M", "virt", "-m", memory, "-kernel", image,
                              *extra], timeout=timeout)


def copies(image, hdr_off=HDR_OFF, b=None):
    """[(label, src_offset, dst, len)] from the parameter block of a flat
    image (the file, or b: its bytes; hdr_off: the arch's header)."""
    b = image.read_bytes() if b is None else b
    params = struct.unpack_from("<I", b, hdr_off + 0x0c)[0]
    nr_regions, nr_copies = struct.unpack_from("<II", b, params + 0x10)
    labels = {}
    for i in range(nr_regions):
        start, = struct.unpack_from("<Q", b, params + REGIONS_OFF +
                                    i * REGION_SIZE)
        label = b[params + REGIONS_OFF + i * REGION_SIZE + 0x10:][:16]
        labels[start] = label.rstrip(b"\0").decode()
    out = []
    for i in range(nr_copies):
        src, dst, n = struct.unpack_from("<QQQ", b, params + COPIES_OFF +
                                         i * COPY_SIZE)
        out.append((labels.get(dst, "?"), src, dst, n))
    return out


def not_entered(r):
    assert "jumping to" not in r.out and "Booting Linux" not in r.out, r
    assert "CHARON-MARKER" not in r.out, r
    assert r.status == 1, r


def test_image_boots_debian_kernel(files, tmp_path):
    """QEMU -kernel charon.img: the command line comes from the image."""
    image, said = make_image(files, tmp_path)
    r = boot(files, image)
    assert "device tree at 0x" in r.out and "the firmware's" in r.out, r
    assert "charon: all 3 regions verified" in r.out, r
    assert r.marker() and "charon.test=image" in r.marker(), r
    # every payload is copied to a region of its own
    assert sorted(c[0] for c in copies(image)) == \
        ["cmdline", "initrd", "kernel"], copies(image)


def test_flipped_bit_in_the_file_is_refused(files, tmp_path):
    image, _ = make_image(files, tmp_path)
    label, src, dst, n = next(c for c in copies(image) if c[0] == "kernel")
    b = bytearray(image.read_bytes())
    b[src + n // 2] ^= 1
    image.write_bytes(bytes(b))
    r = boot(files, image, timeout=300)
    assert f"'kernel' at 0x{dst:x}" in r.out and "SHA-256 MISMATCH" in r.out, r
    assert "FAILED: refusing to boot" in r.out, r
    not_entered(r)


def test_destination_outside_the_firmwares_ram_is_refused(files, tmp_path):
    """Built for a board whose RAM starts at 2 GiB, run on virt, whose 1 GiB
    starts at 1 GiB: the first copy is outside the RAM the tree names."""
    image, _ = make_image(files, tmp_path, "--ram", "0x80000000,1G")
    r = boot(files, image, timeout=300)
    assert "is outside the RAM the device tree describes: " \
           "[0x40000000, 0x80000000)" in r.out, r
    assert "FAILED: chainloader: refusing to copy" in r.out, r
    not_entered(r)


def test_destination_on_a_reserved_range_is_refused(files, tmp_path):
    """QEMU given a tree (-dtb) with a /memreserve/ inside the kernel's
    destination: the stub names the copy and the range."""
    image, _ = make_image(files, tmp_path)
    label, src, dst, n = next(c for c in copies(image) if c[0] == "kernel")
    dtb = dump_virt_dtb(files, tmp_path)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb],
                         check=True, capture_output=True, text=True).stdout
    rsv = (dst + n // 2) & ~0xfff
    dts = dts.replace("/dts-v1/;", f"/dts-v1/;\n/memreserve/ {rsv:#x} 0x1000;",
                      1)
    (tmp_path / "rsv.dts").write_text(dts)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                    tmp_path / "rsv.dtb", tmp_path / "rsv.dts"], check=True)
    r = boot(files, image, "-dtb", tmp_path / "rsv.dtb", timeout=300)
    assert f"copy 0 'kernel' [0x{dst:x}, 0x{dst + n:x}) overlaps the " \
           f"reserved range [0x{rsv:x}, 0x{rsv + 0x1000:x})" in r.out, r
    not_entered(r)


def test_flash_image_boots(files, tmp_path):
    """-bios charon-flash.img: the CPU starts in flash at 0, the stub
    copies itself to RAM and takes QEMU's tree from the start of RAM."""
    flash, _ = make_image(files, tmp_path, "--flash", tag="charon.test=flash",
                          name="charon-flash.img")
    q = qemu(files["arch"])
    r = run(q[0], q[1:] + ["-M", "virt", "-m", "1G", "-bios", flash],
            timeout=600)
    assert "the firmware's, at the start of RAM" in r.out, r
    assert "charon: all 3 regions verified" in r.out, r
    assert r.marker() and "charon.test=flash" in r.marker(), r
    # it ran from RAM: its banner's address is not the flash's
    stub_at = int(r.out.split("charon: stub at 0x", 1)[1].split("-")[0], 16)
    assert stub_at >= 0x40000000, r


def uboot_session(files, tmp_path, image, command):
    """Debian's U-Boot for virt (-bios) with image in RAM at 0x40400000
    (U-Boot's kernel_addr_r there, checked), command typed at its prompt;
    the console's text up to the marker, a FAILED line or the end."""
    _, _, board, _ = MACHINES[files["arch"]]
    uboot = UBOOT_DIR / board / "u-boot.bin"
    assert uboot.exists(), f"{uboot} missing (scripts/install-deps)"
    log = tmp_path / "uboot.log"
    q = qemu(files["arch"])
    p = pexpect.spawn(q[0], [str(a) for a in q[1:] + [
        "-M", "virt", "-m", "1G", "-bios", uboot,
        "-device", f"loader,file={image},addr=0x40400000,force-raw=on"]],
        encoding="utf-8", codec_errors="replace", timeout=120)
    addr = None
    with open(log, "w") as f:
        p.logfile_read = f
        try:
            p.expect("Hit any key to stop autoboot")
            p.send(" ")
            p.expect("=> ")
            p.sendline("printenv kernel_addr_r")
            p.expect(r"kernel_addr_r=(0x[0-9a-f]+)\s")
            addr = int(p.match.group(1), 16)
            p.expect("=> ")
            p.sendline(command)
            p.expect([r"CHARON-MARKER: uname=", "not booting", pexpect.EOF],
                     timeout=600)
        finally:
            p.terminate(force=True)
    out = log.read_text()
    assert addr == 0x40400000, out
    return out


def test_uboot_starts_a_bare_stub_that_says_why_it_halts(files, tmp_path):
    """charon-chain.bin as built, no block filled, booted by booti/bootz:
    the console comes from U-Boot's tree (stdout-path) and the stub says
    why it does not boot."""
    _, _, _, cmd = MACHINES[files["arch"]]
    out = uboot_session(files, tmp_path, files["chain"],
                        f"{cmd} ${{kernel_addr_r}} - ${{fdtcontroladdr}}")
    assert "charon: console from the device tree's stdout-path: pl011 at " \
        "0x9000000" in out, out
    assert "(no loader filled the block)" in out, out
    assert "FAILED: malformed parameter block" in out, out


def test_uboot_boots_the_image(files, tmp_path):
    """Debian's U-Boot (-bios), the image put in RAM at kernel_addr_r by a
    loader device, booti (arm64) or bootz (arm) typed on its console with
    U-Boot's own tree."""
    _, _, _, cmd = MACHINES[files["arch"]]
    image, _ = make_image(files, tmp_path, tag=f"charon.test={cmd}")
    out = uboot_session(files, tmp_path, image,
                        f"{cmd} ${{kernel_addr_r}} - ${{fdtcontroladdr}}")
    assert "Starting kernel" in out and "the firmware's, from the entry " \
        "register" in out, out
    assert "charon: all 3 regions verified" in out, out
    assert "CHARON-MARKER: booted cmdline=console=ttyAMA0 panic=-1 " \
        f"charon.test={cmd}" in out, out


def dump_virt_dtb(files, tmp_path):
    dtb = tmp_path / "virt.dtb"
    subprocess.run(qemu(files["arch"]) + ["-M", f"virt,dumpdtb={dtb}",
                                          "-m", "1G"],
                   check=True, capture_output=True, timeout=60)
    return dtb


def test_embedded_dtb_wins_and_is_checked(files, tmp_path):
    """--dtb: the stub boots with the image's tree, not QEMU's; a bit
    flipped in that tree inside the file is refused before it is read."""
    dtb = dump_virt_dtb(files, tmp_path)
    image, _ = make_image(files, tmp_path, "--dtb", dtb,
                          tag="charon.test=embedded")
    r = boot(files, image)
    assert "embedded in the image" in r.out, r
    assert r.marker() and "charon.test=embedded" in r.marker(), r

    b = bytearray(image.read_bytes())
    t = b.find(dtb.read_bytes()[:64], 0x1000)
    assert t > 0, "the tree is not in the image"
    b[t + 0x100] ^= 1
    image.write_bytes(bytes(b))
    r = boot(files, image, timeout=300)
    assert f"embedded dtb at image offset 0x{t:x}" in r.out and \
        "SHA-256 MISMATCH" in r.out, r
    not_entered(r)


# ---- x86_64: a PVH ELF; the memory map comes from hvm_start_info --------
X86_QEMU = ["qemu-system-x86_64", "-M", "q35", "-nographic", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


@pytest.fixture(scope="module")
def x86(build_dir):
    return chain_files(build_dir, "x86_64")


def x86_image(x86, tmp_path, tag):
    return make_image(x86, tmp_path, "--memory", "1G", tag=tag,
                      name="charon.elf")[0]


def test_x86_pvh_image_takes_e820_from_the_pvh_memmap(x86, tmp_path):
    """Built for 1 GiB, started with 2 GiB: the kernel's e820 is the
    machine's (RAM up to 2 GiB), which only the PVH memory map at run time
    can have told it."""
    image = x86_image(x86, tmp_path, "charon.test=pvh")
    r = run(X86_QEMU[0], X86_QEMU[1:] + ["-m", "2G", "-kernel", image],
            timeout=600)
    m = re.search(r"e820 from the PVH memory map, (\d+) entries", r.out)
    assert m, r
    e820 = re.findall(r"BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] "
                      r"(\w+)", r.out)
    assert len(e820) == int(m.group(1)), r
    assert max(int(e, 16) for s, e, t in e820 if t == "usable") > 1 << 30, r
    assert "charon: all 4 regions verified" in r.out, r
    assert r.marker() and "charon.test=pvh" in r.marker(), r


def flip_kernel_bit_in_elf(image, hdr_off):
    """Flip a bit in the middle of the kernel payload of an ELF-wrapped
    image (x86_64 PVH, ppc64 skiboot): the ELF's first PT_LOAD holds the
    flat image.  Return: the kernel copy's destination."""
    b = bytearray(image.read_bytes())
    phoff, = struct.unpack_from("<Q", b, 0x20)
    off, = struct.unpack_from("<Q", b, phoff + 8)
    cs = copies(image, hdr_off, bytes(b[off:]))
    assert len(cs) >= 2, cs
    label, src, dst, n = next(c for c in cs if c[0] == "kernel")
    b[off + src + n // 2] ^= 1
    image.write_bytes(bytes(b))
    return dst


def test_x86_flipped_bit_in_the_file_is_refused(x86, tmp_path):
    image = x86_image(x86, tmp_path, "charon.test=pvh")
    dst = flip_kernel_bit_in_elf(image, HDR_OFF)
    r = run(X86_QEMU[0], X86_QEMU[1:] + ["-m", "1G", "-kernel", image],
            timeout=300)
    assert f"'kernel' at 0x{dst:x}" in r.out and "SHA-256 MISMATCH" in r.out, r
    not_entered(r)


# ---- ppc64le: an ELF skiboot starts; skiboot's tree comes in r3 ---------
PPC_QEMU = ["qemu-system-ppc64", "-M", "powernv9", "-nographic",
            "-no-reboot"]


@pytest.fixture(scope="module")
def ppc(build_dir):
    return chain_files(build_dir, "ppc64le")


def ppc_image(ppc, tmp_path, tag):
    return make_image(ppc, tmp_path, tag=tag, name="charon.elf")[0]


def test_ppc64le_image_edits_skiboots_tree(ppc, tmp_path):
    """skiboot starts the ELF (-kernel); the stub edits the tree skiboot
    hands it in r3, not the one captured on the host."""
    image = ppc_image(ppc, tmp_path, "charon.test=skiboot")
    r = run(PPC_QEMU[0], PPC_QEMU[1:] + ["-m", "2G", "-kernel", image],
            timeout=900)
    assert "firmware entry, OPAL present" in r.out, r
    assert "the firmware's, from the entry register" in r.out, r
    assert "charon: all 3 regions verified" in r.out, r
    assert r.marker() and "charon.test=skiboot" in r.marker(), r


def test_ppc64le_flipped_bit_in_the_file_is_refused(ppc, tmp_path):
    image = ppc_image(ppc, tmp_path, "charon.test=skiboot")
    dst = flip_kernel_bit_in_elf(image, 0x100)     # CHARON_HDR_OFF_PPC64
    r = run(PPC_QEMU[0], PPC_QEMU[1:] + ["-m", "2G", "-kernel", image],
            timeout=600, stop_after=r"not booting")
    assert f"'kernel' at 0x{dst:x}" in r.out and "SHA-256 MISMATCH" in r.out, r
    assert "jumping to" not in r.out and "CHARON-MARKER" not in r.out, r
