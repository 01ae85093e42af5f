# SPDX-License-Identifier: MIT
"""charon image (the chainloader image writer) on Debian's arm64 kernel,
for --ram, read back here with struct, gzip and hashlib: independent of
charon's codec and its inflater.  docs/abi.md and docs/chainloader.md give
the offsets."""
import gzip
import hashlib
import struct

import pytest

from conftest import kernel_file
from hostrun import charon

HDR_OFF = 0x40
COPIES_OFF, REGIONS_OFF = 0x498, 0x098
CHAIN_MAGIC = 0x43524843
RAM_BASE, RAM_SIZE = 0x80000000, 2 << 30
WINDOW = 4 << 20


def image(build_dir, tmp_path, kernel, *extra):
    out = tmp_path / "charon.img"
    initrd = tmp_path / "initrd"
    initrd.write_bytes(bytes(range(256)) * 1000 + b"tail")
    p = charon(build_dir, "image", "--arch", "arm64", "--stub",
               build_dir / "arm64" / "charon-chain.bin", "--kernel", kernel,
               "--initrd", initrd, "--append", "console=ttyAMA0 quiet",
               "--ram", f"{RAM_BASE:#x},2G", "--workdir", tmp_path / "w",
               "-o", out, *extra)
    assert p.returncode == 0, p.stdout + p.stderr
    return out, initrd


def read(img):
    b = img.read_bytes()
    params = struct.unpack_from("<I", b, HDR_OFF + 0x0c)[0]
    mem_size = struct.unpack_from("<I", b, HDR_OFF + 0x18)[0]
    nr_regions, nr_copies = struct.unpack_from("<II", b, params + 0x10)
    chain_off = struct.unpack_from("<I", b, params + 0x1c)[0]
    regions = {}
    for i in range(nr_regions):
        o = params + REGIONS_OFF + i * 0x40
        start, n = struct.unpack_from("<QQ", b, o)
        label = b[o + 0x10:o + 0x20].rstrip(b"\0").decode()
        regions[label] = (start, n, b[o + 0x20:o + 0x40])
    copies = [struct.unpack_from("<QQQ", b, params + COPIES_OFF + i * 0x18)
              for i in range(nr_copies)]
    chain = struct.unpack_from("<IIQQQQQQQQQ", b, chain_off)
    return b, mem_size, chain_off, regions, copies, chain


def test_image_holds_each_payload_at_its_copy(build_dir, tmp_path,
                                              kernel_set):
    k = kernel_file(build_dir, "arm64", kernel_set)
    img, initrd = image(build_dir, tmp_path, k)
    b, mem_size, chain_off, regions, copies, chain = read(img)
    magic, size, image_size, fdt_dst, fdt_room, fallback, bootargs, \
        i_start, i_end, dtb_off, dtb_len = chain

    # the Image header covers the whole file; the descriptor after bss
    assert struct.unpack_from("<Q", b, 0x10)[0] == len(b) == image_size
    assert struct.unpack_from("<I", b, 0x38)[0] == 0x644d5241
    assert magic == CHAIN_MAGIC and size == 0x78
    assert chain_off >= mem_size and chain_off % 4096 == 0
    assert fallback == 0 and dtb_off == 0 and dtb_len == 0

    # every payload: its bytes in the file, its region and digest
    kern = gzip.decompress(k.read_bytes()) if k.read_bytes()[:2] == \
        b"\x1f\x8b" else k.read_bytes()
    want = {"kernel": kern, "initrd": initrd.read_bytes(),
            "cmdline": b"console=ttyAMA0 quiet\0"}
    assert sorted(regions) == sorted(want), regions
    for src, dst, n in copies:
        label = next(l for l, r in regions.items() if r[0] == dst)
        data = b[src:src + n]
        assert data == want[label], label
        assert regions[label][1] == n
        assert regions[label][2] == hashlib.sha256(data).digest(), label
        assert src >= chain_off + 0x78 and src + n <= len(b)
        # inside the RAM, after the image's window and length
        assert RAM_BASE + WINDOW + len(b) <= dst and \
            dst + n <= RAM_BASE + RAM_SIZE, hex(dst)
    # the kernel where booting.rst wants it, the tree's room after
    assert regions["kernel"][0] % (2 << 20) == 0
    assert (i_start, i_end) == (regions["initrd"][0],
                                regions["initrd"][0] + len(want["initrd"]))
    assert bootargs == regions["cmdline"][0] == fdt_dst + fdt_room
    for label, (start, n, _) in regions.items():
        assert start + n <= fdt_dst or start >= fdt_dst + fdt_room, label
    # x0 is the tree the stub builds
    params = struct.unpack_from("<I", b, HDR_OFF + 0x0c)[0]
    entry, x0 = struct.unpack_from("<QQ", b, params + 0x30)
    assert entry == regions["kernel"][0] and x0 == fdt_dst

    # charon inspect reads the same image back
    out = charon(build_dir, "inspect", img).stdout
    assert f"fdt_dst       0x{fdt_dst:x} room 0x{fdt_room:x}" in out, out
    assert "<-- unexpected" not in out, out


def test_flash_image_says_where_it_copies_itself(build_dir, tmp_path,
                                                 kernel_set):
    k = kernel_file(build_dir, "arm64", kernel_set)
    img, _ = image(build_dir, tmp_path, k, "--flash")
    b, _, _, _, _, chain = read(img)
    self_copy, n = struct.unpack_from("<QQ", b, 0x20)
    assert n == len(b) and RAM_BASE < self_copy and \
        self_copy + n <= RAM_BASE + WINDOW + len(b)
    assert chain[5] == RAM_BASE      # the firmware's tree: start of RAM


@pytest.mark.parametrize("args,message", [
    (["--ram", "0x80000000"], "--ram 0x80000000: expected BASE,SIZE"),
    (["--ram", "0x80000000,0"], "--ram 0x80000000,0: expected BASE,SIZE"),
    (["--ram", "0xffffffffffff0000,1G"], "expected BASE,SIZE"),
    (["--ram", "0x80000000,1G", "--machine", "virt"],
     "--ram and --machine: give one"),
    (["--dry-run"], "--dry-run: not with charon image"),
])
def test_image_usage_errors(build_dir, tmp_path, args, message):
    p = charon(build_dir, "image", "--arch", "arm64", "--kernel",
               tmp_path / "k", "-o", tmp_path / "x", *args)
    assert p.returncode == 2 and message in p.stderr, p.stderr


def test_image_ram_too_small_is_named(build_dir, tmp_path, kernel_set):
    k = kernel_file(build_dir, "arm64", kernel_set)
    p = charon(build_dir, "image", "--arch", "arm64", "--stub",
               build_dir / "arm64" / "charon-chain.bin", "--kernel", k,
               "--ram", "0x40000000,16M", "--workdir", tmp_path / "w",
               "-o", tmp_path / "x")
    assert p.returncode == 1 and "kernel" in p.stderr, p.stderr
    assert not (tmp_path / "x").exists()


def test_image_ram_is_for_tree_arches(build_dir, tmp_path):
    p = charon(build_dir, "image", "--arch", "x86_64", "--kernel",
               tmp_path / "k", "--ram", "0x0,1G", "-o", tmp_path / "x")
    assert p.returncode == 2 and "--ram: arches with a device tree only" \
        in p.stderr, p.stderr
