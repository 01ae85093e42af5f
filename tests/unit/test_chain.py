# SPDX-License-Identifier: MIT
"""The stub's chainloader mode (purgatory/chain.c) built for the host
(tests/unit/test_chain_fdt.c), run on the tree QEMU's virt machine gives a
kernel: the same source as charon-chain.bin, on a real tree."""
import subprocess

from hostrun import env


def test_chain_fdt_on_qemu_virt_tree(build_dir, tmp_path):
    exe = build_dir / "host" / "tests" / "test-chain-fdt"
    assert exe.exists(), f"{exe} not built (run make host-tests)"
    dtb = tmp_path / "virt.dtb"
    subprocess.run(["qemu-system-aarch64", "-M", f"virt,dumpdtb={dtb}",
                    "-cpu", "cortex-a57", "-m", "1G", "-nographic"],
                   check=True, capture_output=True, timeout=60)
    e = env(build_dir)
    e["CHARON_TEST_VIRT_DTB"] = str(dtb)
    p = subprocess.run([str(exe)], env=e, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    assert p.returncode == 0 and "[  PASSED  ] 10 test(s)" in p.stdout, \
        p.stdout
