#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make kdump-compare: charon and kexec-tools side by side (issue 15).

The kdump scenario of test_kdump.py (the same QEMU machines, kernels,
crashkernel= sizes, kdump initramfs and dump kernel command line) run twice
per arch: once with `charon load --crash` (charon.kdump=1), once with
Debian 12's kexec-tools as a distribution uses it, without workarounds
(charon.kdump-tool=kexec-tools: /init runs `/sbin/kexec -p /boot/vmlinuz
--initrd=<initrd> --append=<command line>`, which is also what Debian's
kdump-config runs without secure boot).  The dump kernel's side is the same
in both: makedumpfile -F -c -d 31, makedumpfile --dump-dmesg, vmcore-dmesg,
insmod.  Prints a markdown table with each stage's outcome and the console
lines of what failed (docs/kdump.md, "charon and kexec-tools side by
side").  A measurement, not a test: the exit status is 0 unless a run could
not be made at all.

    tests/system/kdump_compare.py [--tools charon,kexec-tools] [--from-logs]
                                  [ARCH...]
"""
import argparse
import datetime
import json
import os
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import pytest  # noqa: E402  (Kdump skips through pytest.skip)

from charonrun import Result  # noqa: E402
from conftest import _build_dir  # noqa: E402
from test_kdump import SYSRQ_PANIC, Kdump, first, kv  # noqa: E402
from test_kexec import MACHINES, STUB_START  # noqa: E402

TOOLS = {"charon": [], "kexec-tools": ["charon.kdump-tool=kexec-tools"]}
# what the dump kernel's console says when it cannot go on
DUMP_FATAL = re.compile(r"(Initramfs unpacking failed.*|Kernel panic - not "
                        r"syncing.*|Oops.*|BUG:.*|Unable to handle kernel.*)")
# a console line the kernel printed (printk time), a marker, progress
KERNEL_LINE = re.compile(r"^\s*\[\s*\d+\.\d+\]")


def user_lines(text, limit=4):
    """the lines of text that a program wrote (not the kernel, no markers,
    no progress meters), at most limit, de-duplicated"""
    out = []
    for ln in re.split(r"[\r\n]+", text):
        ln = ln.strip()
        if (not ln or KERNEL_LINE.match(ln) or "CHARON-MARKER" in ln
                or re.match(r"^(Copying data|Excluding|Checking for memory "
                            r"holes|Excluding unnecessary pages|Excluding free "
                            r"pages)", ln) or ln in out):
            continue
        out.append(ln)
    return out[:limit]


def err_lines(text, limit=3):
    """user_lines() that look like errors"""
    errs = [ln for ln in user_lines(text, 40)
            if re.search(r"(?i)error|can't|cannot|fail|invalid|not |\bno\b"
                         r"|unable|usage|bug", ln)
            and not re.match(r"^makedumpfile Failed\.$", ln)]
    # the first ones and the last (what the program gave up on)
    return errs[:limit - 1] + errs[-1:] if len(errs) > limit else errs


def md(text):
    return text.replace("|", "\\|").replace("\n", " ")


def outcome(r, tool):
    """{stage: cell} of one run"""
    c = {}
    at, _ = first(r, "kdump-load ")
    loaded, _ = first(r, "kdump-loaded")
    failed, ftext = first(r, "kdump-load-failed")
    end = max(loaded, failed) if max(loaded, failed) >= 0 else len(r.out)
    between = r.out[at:end] if at >= 0 else ""
    if tool == "charon":
        errs = re.findall(r"^charon: error: .*$", between, re.M)
    else:
        # all kexec -p printed: its errors and notes alike
        errs = user_lines(between, 3)
    crash = first(r, "kexec_crash_loaded=")[1]
    panic = r.out.find(SYSRQ_PANIC)
    if loaded < 0 and failed < 0 and panic >= 0 and \
            "Kdump: loaded" in r.out[panic:panic + 400]:
        # the markers were lost in the UART when the panic came: the
        # kernel's own "Kdump: loaded" in the panic's CPU line says it
        loaded, crash = panic, "kernel: Kdump: loaded"
    if loaded >= 0:
        c["load"] = "yes" + (f" ({crash})" if crash else "")
    else:
        c["load"] = "**no**: " + "; ".join(
            [ftext or "no kdump-loaded marker"] + errs)
    if loaded >= 0 and errs:
        c["load"] += "; it printed: " + "; ".join(errs)
    stub = STUB_START.search(r.out, panic) if panic >= 0 else None
    dump, dtext = first(r, "kdump-dump-kernel ", max(panic, 0))
    after = r.out[panic:] if panic >= 0 else ""
    if dump >= 0:
        d = kv(dtext)
        n = int(d.get("vmcore-bytes", "-1"))
        c["dump kernel"] = (f"yes, /proc/vmcore {n >> 20} MiB" if n >= 0 else
                            f"yes, /proc/vmcore size {n} (st_size)")
    elif panic < 0:
        c["dump kernel"] = "**no**: no panic"
    else:
        # from after the first kernel's panic line to the end
        fatal = DUMP_FATAL.findall(after[len(SYSRQ_PANIC):])
        wo = first(r, "kdump-dump-kernel-without-vmcore", panic)[0] >= 0
        c["dump kernel"] = "**no**: " + "; ".join(
            (["booted without /proc/vmcore"] if wo else [])
            + [f.strip() for f in fatal[:2]]
            + (["timed out"] if r.timed_out else [])
            or [f"no kdump-dump-kernel marker (QEMU exit {r.status})"])
    if tool == "charon":
        c["dump kernel"] += "" if stub or dump < 0 else " (no stub line?)"
    c["makedumpfile"] = c["--dump-dmesg"] = c["vmcore-dmesg"] = "-"
    c["insmod"] = "-"
    if dump >= 0:
        mem = first(r, "meminfo ", dump)[0]
        at, text = first(r, "makedumpfile rc=", dump)
        m = kv(text or "")
        errs = err_lines(r.out[mem if mem >= 0 else dump:at]) if at >= 0 else []
        ok = m.get("rc") == "0" and int(m.get("bytes", "0")) > 0
        c["makedumpfile"] = (("yes" if ok else "**no**") +
                             (f": rc={m.get('rc')}, {m.get('bytes')} bytes"
                              if text else ": no marker")
                             + ("; " + "; ".join(errs) if errs and not ok
                                else ""))
        start = at
        for tool_, key in (("makedumpfile", "--dump-dmesg"),
                           ("vmcore-dmesg", "vmcore-dmesg")):
            at, text = first(r, f"dmesg tool={tool_} ", dump)
            m = kv(text or "")
            errs = err_lines(r.out[start:at]) if at >= 0 and start >= 0 else []
            ok = m.get("rc") == "0" and m.get("sysrq") == "yes"
            c[key] = (("yes" if ok else "**no**")
                      + (f": rc={m.get('rc')}, sysrq line "
                         f"{'found' if m.get('sysrq') == 'yes' else 'missing'}"
                         if text else ": no marker")
                      + ("; " + "; ".join(errs) if errs and not ok else ""))
            start = at
        text = first(r, "module ", dump)[1]
        m = kv(text or "")
        c["insmod"] = ("yes" if m.get("rc") == "0" and m.get("loaded") == "yes"
                       else "**no**: " + (text or "no marker"))
    c["wall"] = f"{r.wall:.0f} s" + (" (timed out)" if r.timed_out else "")
    return c


COLUMNS = ("load", "dump kernel", "makedumpfile", "--dump-dmesg",
           "vmcore-dmesg", "insmod", "wall")
HEAD = {"load": "load", "dump kernel": "dump kernel with /proc/vmcore",
        "makedumpfile": "makedumpfile -F -c -d 31",
        "--dump-dmesg": "makedumpfile --dump-dmesg",
        "vmcore-dmesg": "vmcore-dmesg", "insmod": "insmod md4.ko",
        "wall": "QEMU wall"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--from-logs", action="store_true",
                    help="no QEMU: the table of the consoles the last run "
                    "left in $O/kdump-compare")
    ap.add_argument("arches", nargs="*", default=list(MACHINES))
    a = ap.parse_args()
    tools = a.tools.split(",")
    for arch in a.arches:
        if arch not in MACHINES:
            ap.error(f"{arch}: not one of {' '.join(MACHINES)}")
    for t in tools:
        if t not in TOOLS:
            ap.error(f"--tools: {t}: not one of {' '.join(TOOLS)}")
    build = _build_dir()
    log_dir = build / "kdump-compare"
    log_dir.mkdir(parents=True, exist_ok=True)
    rows, skipped = [], []
    for arch in a.arches:
        try:
            k = Kdump(arch, build, log_dir)
        except pytest.skip.Exception as e:
            skipped.append(f"{arch}: {e}")
            continue
        for t in tools:
            log = log_dir / f"{arch}-compare-{t}-console.log"
            run = log.with_suffix(".json")
            if a.from_logs:
                if not log.exists():
                    skipped.append(f"{arch} {t}: no {log}")
                    continue
                m = json.loads(run.read_text()) if run.exists() else {}
                r = Result(m.get("status"), log.read_text(),
                           m.get("timed_out", False), (), m.get("wall", 0.0))
                r.log = log
            else:
                print(f"kdump-compare: {arch} with {t} ...", file=sys.stderr,
                      flush=True)
                r = k.boot(f"compare-{t}", "charon.kdump=1",
                           "charon.fail=test-exit", *TOOLS[t])
                run.write_text(json.dumps({"status": r.status, "wall": r.wall,
                                           "timed_out": r.timed_out}))
            rows.append((arch, t, outcome(r, t), r.log))
    print(f"kdump scenario, charon and kexec-tools side by side "
          f"({datetime.date.today().isoformat()}; consoles in {log_dir})\n")
    print("| arch | tool | " + " | ".join(HEAD[c] for c in COLUMNS) + " |")
    print("|---|---|" + "---|" * len(COLUMNS))
    for arch, t, c, _ in rows:
        print(f"| {arch} | {t} | " + " | ".join(md(c[x]) for x in COLUMNS) + " |")
    for s in skipped:
        print(f"\nskipped: {s}")
    return 1 if not rows else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
