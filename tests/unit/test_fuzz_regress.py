# SPDX-License-Identifier: MIT
"""The fuzz targets in make check (docs/testing.md, "Fuzzing").

Replay: every file of tests/fuzz/regress/<target>/ (inputs that once
crashed), tests/fuzz/seeds/<target>/ and the generated seed-* files of
$O/fuzz/corpus/<target>/ (`make fuzz-corpus`) through the target built with
tests/fuzz/replay.c's main() under gcc's ASan+UBSan, no libFuzzer.
Smoke: each libFuzzer target runs a few seconds from its committed seeds,
so the targets keep building and running.  Both are built by
`make fuzz-build` (part of make check-build) and seeded by
`make fuzz-corpus`, which this file runs.
"""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FUZZ_SRC = ROOT / "tests" / "fuzz"
TARGETS = sorted(p.stem[len("fuzz-"):] for p in FUZZ_SRC.glob("fuzz-*.c"))
SMOKE_SECONDS = 4


@pytest.fixture(scope="module")
def fuzz_dir(build_dir):
    # O spelled as make check's make had it (build_dir is absolute): the
    # objects' dependency files name them by that spelling
    env = dict(os.environ, O=os.environ.get("O", "build"))
    for goal in ("fuzz-build", "fuzz-corpus"):
        p = subprocess.run(["make", "-j1", goal], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=1200)
        assert p.returncode == 0, p.stdout
    return build_dir / "fuzz"


def _inputs(fuzz_dir, target):
    # the generated seeds (kernels' heads, stubs, probes, device trees)
    files = sorted((fuzz_dir / "corpus" / target).glob("seed-*"))
    for kind in ("regress", "seeds"):
        d = FUZZ_SRC / kind / target
        if d.is_dir():
            files += sorted(f for f in d.iterdir() if f.is_file())
    return files


@pytest.mark.parametrize("target", TARGETS)
def test_replay(fuzz_dir, target):
    exe = fuzz_dir / "replay" / f"fuzz-{target}"
    if not exe.exists():
        pytest.skip(f"{exe}: not built on this host")
    files = _inputs(fuzz_dir, target)
    if not files:
        pytest.skip(f"no seeds or regress cases for {target}")
    p = subprocess.run([str(exe), "-v"] + [str(f) for f in files],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stdout
    assert f"replay: {len(files)} inputs, no crash" in p.stdout, p.stdout


@pytest.mark.parametrize("target", TARGETS)
def test_smoke(fuzz_dir, target, tmp_path):
    exe = fuzz_dir / "bin" / f"fuzz-{target}"
    if not exe.exists():
        pytest.skip(f"{exe}: not built on this host")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    crashes = tmp_path / "crashes"
    crashes.mkdir()
    cmd = [str(exe), f"-max_total_time={SMOKE_SECONDS}", "-runs=2000000",
           "-print_final_stats=1", "-timeout=25",
           f"-artifact_prefix={crashes}/", str(corpus)]
    dic = FUZZ_SRC / f"{target}.dict"
    if dic.exists():
        cmd.insert(1, f"-dict={dic}")
    seeds = FUZZ_SRC / "seeds" / target
    if seeds.is_dir():
        cmd.append(str(seeds))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=120)
    tail = "\n".join(p.stdout.splitlines()[-40:])
    assert p.returncode == 0 and not list(crashes.iterdir()), \
        f"{target}: exit {p.returncode}, reproducer in {crashes}:\n{tail}"
    assert "stat::number_of_executed_units" in p.stdout, tail
