"""Build time and peak memory of `kg build` to N-Quads for 100, 1,000 and 10,000 synthetic reports.

The synthetic corpus is the bundled reports re-written under other agency names (甲乙局, 甲丙局, …):
every copy is a different report (its own agency, IRIs and named graph). Each size is built in a
fresh process (one worker, no SHACL: the writer and the description are what is measured) and its
peak resident memory is read from the kernel (wait4). A size whose projected time exceeds
--budget seconds is not run: its time is extrapolated from the largest size run, and labelled so.

    python bench/scale.py                      # 100, 1000, 10000 within a 20-minute budget
    python bench/scale.py --sizes 100 300 --budget 120
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kg.resources import bundled_corpus

DIGITS = "甲乙丙丁戊己庚辛壬癸"
AGENCY = "外交部"


def agency_name(i: int) -> str:
    """A distinct agency name of Chinese characters only (digits would read as years)."""
    return "".join(DIGITS[int(d)] for d in f"{i:05d}") + "局"


def synthesise(folder: Path, count: int) -> None:
    sources = [(p.suffix, p.read_text(encoding="utf-8")) for p in bundled_corpus()]
    for n in range(count):
        suffix, text = sources[n % len(sources)]
        (folder / f"r{n:05d}{suffix}").write_text(text.replace(AGENCY, agency_name(n // len(sources))), encoding="utf-8")


def build(folder: Path, out: Path) -> tuple[float, int, int]:
    """Seconds, peak RSS in KiB, exit status of one build in a fresh process."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "kg", "build", str(folder), "--out", str(out), "--no-validate", "-j", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    return time.monotonic() - started, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--budget", type=float, default=1200.0, help="seconds of building to spend at most")
    args = parser.parse_args()
    print(f"kg build → N-Quads, one worker, no SHACL; {os.cpu_count()} CPUs")
    print(f"{'reports':>8} {'seconds':>9} {'ms/report':>10} {'peak MiB':>9} {'output MiB':>11}  note")
    spent, last = 0.0, None
    for size in args.sizes:
        if last and spent + last[1] / last[0] * size > args.budget:
            per = last[1] / last[0]
            print(f"{size:>8} {per * size:>9.0f} {per * 1000:>10.1f} {'—':>9} {'—':>11}  EXTRAPOLATED from {last[0]} (not run)")
            continue
        with tempfile.TemporaryDirectory(prefix="kg-scale-") as scratch:
            folder = Path(scratch) / "reports"
            folder.mkdir()
            synthesise(folder, size)
            out = Path(scratch) / "reports.nq"
            seconds, peak, code = build(folder, out)
            size_mib = out.stat().st_size / 2**20 if out.exists() else 0
        spent += seconds
        note = "" if code == 0 else f"exit status {code}"
        print(f"{size:>8} {seconds:>9.1f} {seconds / size * 1000:>10.1f} {peak / 1024:>9.1f} {size_mib:>11.1f}  {note}")
        last = (size, seconds)


if __name__ == "__main__":
    main()
