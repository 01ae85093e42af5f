# SPDX-License-Identifier: MIT
"""What QEMU cannot show about the stub, read from its disassembly.

QEMU models no data cache and zeroes the upper halves of rsp and rbp when
PVH's 32-bit code switches to long mode, so two of issue 14's stub fixes
are checked on the built ELF instead of in a boot:

- arm64 and arm clean and invalidate every region to the point of
  coherency before hashing: the generic flow calls arch_pre_verify()
  before pg_verify_regions(), and arch_pre_verify() holds the clean and
  invalidate by VA (dc civac; DCCIMVAC, mcr p15, 0, Rt, c7, c14, 1), not
  a clean only (dc cvac).
- x86_64's PVH path recomputes rbp and rsp with 64-bit RIP-relative
  loads as its first instructions in long mode (pvh_long), before any
  jump, call or stack use.
"""
import re
import shutil
import subprocess

import pytest

OBJDUMP = {"arm64": "aarch64-linux-gnu-objdump",
           "arm": "arm-linux-gnueabihf-objdump",
           "x86_64": "objdump"}
CIVAC = {"arm64": re.compile(r"\bdc\s+civac\b"),
         "arm": re.compile(r"\bmcr\s+(?:p)?15, 0, \w+, cr7, cr14, \{?1\}?")}
CLEAN_ONLY = {"arm64": re.compile(r"\bdc\s+cvac\b"),
              "arm": re.compile(r"\bmcr\s+(?:p)?15, 0, \w+, cr7, cr10, "
                                r"\{?1\}?")}


def disasm(build_dir, arch):
    elf = build_dir / arch / "charon-stub.elf"
    if not elf.exists():
        pytest.skip(f"{elf} not built")
    exe = shutil.which(OBJDUMP[arch])
    if not exe:
        pytest.skip(f"{OBJDUMP[arch]} not installed")
    out = subprocess.run([exe, "-d", "--no-show-raw-insn", str(elf)],
                         check=True, capture_output=True, text=True).stdout
    funcs, name = {}, None
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if m:
            name = m.group(1)
            funcs[name] = []
        elif name and line.strip():
            funcs[name].append(line)
    return funcs


def calls(lines, target):
    return [i for i, l in enumerate(lines)
            if re.search(rf"\b(bl|blx|call)\s+[0-9a-f]+ <{target}>", l)]


@pytest.mark.parametrize("arch", ["arm64", "arm"])
def test_regions_cleaned_and_invalidated_before_hashing(build_dir, arch):
    f = disasm(build_dir, arch)
    pre = f.get("arch_pre_verify")
    assert pre, "arch_pre_verify not in the stub"
    body = "\n".join(pre)
    assert CIVAC[arch].search(body), body
    callers = [n for n, lines in f.items()
               if calls(lines, "pg_verify_regions")]
    assert callers, "nothing calls pg_verify_regions"
    for n in callers:
        pv, vr = calls(f[n], "arch_pre_verify"), calls(f[n],
                                                      "pg_verify_regions")
        assert pv and pv[0] < vr[0], (n, pv, vr)
    # and nowhere does a clean without invalidate stand in for it
    for n, lines in f.items():
        if n.startswith("arch_pre_verify"):
            assert not CLEAN_ONLY[arch].search("\n".join(lines)), n


def test_pvh_long_mode_sets_rsp_and_rbp_first(build_dir):
    f = disasm(build_dir, "x86_64")
    lines = f.get("pvh_long")
    assert lines, "no pvh_long in the stub's symbols"
    first = []
    for l in lines:
        if re.search(r"\b(jmp|call|push|pop|ret)\b", l) or "(%rsp)" in l:
            break
        first.append(l)
    text = "\n".join(first)
    assert re.search(r"\blea\s+\S+\(%rip\),%rbp", text), text
    assert re.search(r"\blea\s+\S+\(%rip\),%rsp", text), text
