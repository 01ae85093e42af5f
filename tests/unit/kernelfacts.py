# SPDX-License-Identifier: MIT
"""What a real kernel file says about itself, read here with Python's
struct (and binutils' readelf), independently of libcharon's parsers: the
tests compare the loader's output with these, never with figures pasted
from one Debian build (the archive serves a new one every few weeks).

Each reader follows the format's own documentation: the arm64 Image
header (Documentation/arch/arm64/booting.rst), the arm zImage header and
its KLSZ tag (arch/arm/boot/compressed/head.S, vmlinux.lds.S), the x86
setup header (Documentation/arch/x86/boot.rst)."""
import re
import struct
import subprocess

MiB = 1 << 20


def arm64_image(path):
    """The arm64 Image header fields (a plain Image; not a gzip one)."""
    b = open(path, "rb").read(64)
    code0, code1, text_offset, image_size, flags = struct.unpack_from(
        "<IIQQQ", b, 0)
    magic, = struct.unpack_from("<I", b, 0x38)
    assert magic == 0x644d5241, f"{path}: no arm64 Image magic"
    return {"text_offset": text_offset, "image_size": image_size,
            "flags": flags, "efi": b[:2] == b"MZ"}


def zimage(path):
    """The zImage header, its KLSZ tag and the PE header's SizeOfImage:
    size (the zImage proper), table_off, klsz_off, klsz_words, size_ptr,
    inflated, bss, text_offset (None without), malloc_size (None
    without), efi, pe_image_size (None without)."""
    b = open(path, "rb").read()
    magic, start, end, endian, magic2, table = struct.unpack_from(
        "<IIIIII", b, 0x24)
    assert magic == 0x016f2818 and endian == 0x04030201, path
    f = {"size": end - start, "efi": b[:2] == b"MZ", "pe_image_size": None,
         "table_off": table if magic2 == 0x45454545 else None,
         "klsz_off": None, "klsz_words": None, "size_ptr": None,
         "inflated": None, "bss": None, "text_offset": None,
         "malloc_size": None}
    if f["efi"]:
        pe, = struct.unpack_from("<I", b, 0x3c)
        assert b[pe:pe + 4] == b"PE\0\0", path
        # COFF header (20 bytes), then the optional header: SizeOfImage
        # at 56 in PE32
        f["pe_image_size"], = struct.unpack_from("<I", b, pe + 4 + 20 + 56)
    off = f["table_off"]
    while off is not None and off + 8 <= len(b):
        words, tag = struct.unpack_from("<II", b, off)
        if words == 0:
            break
        if tag == 0x5a534c4b:               # "KLSZ"
            w = struct.unpack_from("<%dI" % (words - 2), b, off + 8)
            f["klsz_off"], f["klsz_words"] = off, words
            f["size_ptr"], f["bss"] = w[0], w[1]
            f["inflated"], = struct.unpack_from("<I", b, w[0])
            if len(w) > 2:
                f["text_offset"] = w[2]
            if len(w) > 3:
                f["malloc_size"] = w[3]
            break
        off += 4 * words
    return f


def zimage_footprint(f, ram):
    """docs/arm.md's placement for a zImage with a 6-word KLSZ tag and an
    EFI header in RAM starting at ram (128 MiB aligned, large enough):
    (load address, footprint start, footprint end).  Rule 1: base + 32 MiB
    when the decompressed kernel ends at or below it; else rule 2, the
    first page after the decompressed kernel.  Either way the decompressor
    runs in place."""
    assert f["klsz_words"] is not None, "no KLSZ tag: the sizes are bounds"
    assert f["text_offset"] is not None and f["malloc_size"] is not None
    base = ram & ~(128 * MiB - 1)
    d = base + f["text_offset"]
    kernel_end = d + f["inflated"] + f["bss"]
    z = base + 32 * MiB
    if kernel_end > z:
        z = (kernel_end + 0xfff) & ~0xfff
    run = f["pe_image_size"]
    assert run, "no EFI header: the run size is bounded, not exact"
    start = min(d - 0x5000, (d - 0x4000) & ~0x3fff, z)
    end = max(kernel_end, z + run + f["malloc_size"])
    return z, start, end


def bzimage(path):
    """The x86 setup header fields the loader reads."""
    b = open(path, "rb").read(0x1000)
    assert b[0x202:0x206] == b"HdrS", path
    f = {
        "setup_sects": b[0x1f1] or 4,
        "version": struct.unpack_from("<H", b, 0x206)[0],
        "loadflags": b[0x211],
        "kernel_alignment": struct.unpack_from("<I", b, 0x230)[0],
        "relocatable": b[0x234],
        "xloadflags": struct.unpack_from("<H", b, 0x236)[0],
        "cmdline_size": struct.unpack_from("<I", b, 0x238)[0],
        "pref_address": struct.unpack_from("<Q", b, 0x258)[0],
        "init_size": struct.unpack_from("<I", b, 0x260)[0],
    }
    f["setup_size"] = (f["setup_sects"] + 1) * 512
    return f


def alloc_rela_entries(path):
    """The entries of every SHF_ALLOC SHT_RELA section of an ELF, as
    binutils' readelf sees them."""
    out = subprocess.run(["readelf", "-SW", str(path)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    n = 0
    for m in re.finditer(r"^\s*\[\s*\d+\]\s+\S+\s+RELA\s+[0-9a-f]+\s+"
                         r"[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(\S*)",
                         out, re.M):
        size, entsize, flags = (int(m.group(1), 16), int(m.group(2), 16),
                                m.group(3))
        if "A" in flags and entsize:
            n += size // entsize
    return n
