#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make soak: kexec N times in a row (default 20) in one VM per arch.

Each arch's VM boots Debian's kernel with the kexec initramfs (the same
files test_kexec.py uses); its /init loads the same kernel through the
stub with `charon load` and `charon exec`s, N times.  A kexec counts as
done when the next boot reached /init with the command line the previous
one gave it, after the stub printed its start and its jump, with no
FAILED and no kexec-failed in between (test_kexec.check_kexec_chain's
rules, counted instead of asserted).  Prints one line per arch: kexecs
done of N, failures with the first one's reason, wall time and seconds
per kexec; exits 1 if any arch fell short.  Not in make check: slow.

    tests/system/soak.py [--kexecs N] [--jobs J] [ARCH...]
"""
import argparse
import concurrent.futures
import os
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import pytest  # noqa: E402  (Kexec skips through pytest.skip)

from conftest import _build_dir  # noqa: E402
from test_kexec import (MACHINES, STUB_JUMP, STUB_START, Kexec,  # noqa: E402
                        boots, marker_at, next_cmdline)


def count(r, first, n):
    """(kexecs done in order, [reasons for the ones that failed])."""
    got = boots(r)
    want = [next_cmdline(first, k) if k else first for k in range(n + 1)]
    done, why = 0, []
    for k in range(n):
        if k + 1 >= len(got):
            break
        if got[k][1] != want[k] or got[k + 1][1] != want[k + 1]:
            why.append(f"{k + 1}: boot {k + 1} has the wrong command line")
            break
        here = marker_at(r, f"kexec {k} -> {k + 1}", got[k][0])
        nxt = got[k + 1][0]
        start = STUB_START.search(r.out, max(here, 0))
        jump = start and STUB_JUMP.search(r.out, start.end())
        if here < 0 or not start or start.start() > nxt or not jump or \
                jump.start() > nxt or "FAILED" in r.out[here:nxt]:
            why.append(f"{k + 1}: no clean stub start and jump before it")
            break
        done += 1
    if done < n:
        tail = r.out[got[-1][0]:] if got else r.out
        if "kexec-failed" in tail:
            why.append(f"{done + 1}: /init reported kexec-failed")
        elif r.timed_out:
            why.append(f"{done + 1}: timed out")
        elif not why:
            why.append(f"{done + 1}: the VM stopped (exit {r.status})")
    return done, why


def soak(arch, n, log_dir):
    try:
        k = Kexec(arch, _build_dir(), log_dir)
    except pytest.skip.Exception as e:
        return arch, None, str(e), 0.0
    r, first = k.boot(n, "charon.fail=test-exit")
    done, why = count(r, first, n)
    return arch, done, why, r.wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kexecs", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("arches", nargs="*", default=list(MACHINES))
    a = ap.parse_args()
    for arch in a.arches:
        if arch not in MACHINES:
            ap.error(f"{arch}: not one of {' '.join(MACHINES)}")
    log_dir = _build_dir() / "soak"
    log_dir.mkdir(parents=True, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        results = list(pool.map(lambda x: soak(x, a.kexecs, log_dir),
                                a.arches))
    short = False
    print(f"soak: {a.kexecs} kexecs per arch, one VM each "
          f"(logs in {log_dir})")
    for arch, done, why, wall in results:
        if done is None:
            print(f"  {arch:8} skipped: {why}")
            continue
        per = wall / (done + 1)
        print(f"  {arch:8} {done:3}/{a.kexecs} kexecs, {len(why)} failed, "
              f"{wall:7.1f} s, {per:5.1f} s per boot"
              + (f"; first failure: {why[0]}" if why else ""))
        short |= done < a.kexecs
    return 1 if short else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
