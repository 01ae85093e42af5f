# SPDX-License-Identifier: MIT
"""Run the unit test programs that `make check-build` produced.

Host: cmocka under ASan+UBSan.  Targets: the same test logic cross-built
against the stub's own lib/ and newlib objects, run under qemu-user-static
(natively for x86_64).
"""
import subprocess

import pytest

from conftest import ARCHES


def _run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=600)
    return p.returncode, p.stdout


@pytest.mark.parametrize("prog", ["test-sha256", "test-rela"])
def test_host(build_dir, prog):
    exe = build_dir / "host" / "tests" / prog
    assert exe.exists(), f"{exe} not built (run make check-build)"
    rc, out = _run([str(exe)], build_dir)
    assert rc == 0 and "[  PASSED  ]" in out, out


@pytest.mark.parametrize("prog", ["test-sha256", "test-string", "test-rela"])
@pytest.mark.parametrize("arch", ARCHES)
def test_target(build_dir, arch, prog):
    tdir = build_dir / arch / "tests"
    exe = tdir / prog
    assert exe.exists(), f"{exe} not built (make ARCH={arch} target-tests)"
    runner = (tdir / "runner").read_text().split()
    rc, out = _run(runner + [str(exe)], build_dir)
    assert rc == 0, out
    assert " 0 failed" in out.splitlines()[-1], out
