"""Throughput of prose extraction, in reports per second, on a synthetic corpus.

    python bench/prose.py                    # 200 reports, one process
    python bench/prose.py --reports 1000 --jobs 2

The synthetic corpus is the five bundled reports rewritten with other years and agencies (the
agency's name and the report year replaced throughout, so every copy is a distinct report).
It prints the one-off cost (importing spaCy and loading the pipeline), then the throughput of
the prose stage alone (spaCy pipeline and readings, on already normalised text) and of the whole
parse (read → normalise → segment → tables → prose), sequential and with ``--jobs`` workers.
Whole-process ``kg build`` of the bundled corpus is timed too: the target is under 5 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AGENCIES = ["商务部", "教育部", "科学技术部", "民政部", "司法部", "财政部", "自然资源部", "生态环境部", "交通运输部", "水利部"]


def synthetic_corpus(folder: Path, count: int) -> list[Path]:
    """``count`` report files made from the bundled ones, each under another agency (free-form ones in another year)."""
    from kg.resources import bundled_corpus

    bundled = bundled_corpus()
    paths = []
    for i in range(count):
        source = bundled[i % len(bundled)]
        agency = AGENCIES[i % len(AGENCIES)] + (f"第{i}分局" if i >= len(AGENCIES) else "")
        text = source.read_bytes().decode("utf-8-sig").replace("外交部", agency)
        for year in ("2011", "2012"):  # the free-form reports move to another free-form year
            if year in source.name:
                text = text.replace(year, str(2008 + i % 10))
        path = folder / f"r{i:05d}{source.suffix}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200, help="reports in the synthetic corpus")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the parallel run")
    args = parser.parse_args()

    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "kg", "build", "--out", str(Path(tempfile.gettempdir()) / "bench-prose.ttl")],
        capture_output=True,
        text=True,
    )
    print(f"kg build, bundled corpus, whole process: {time.perf_counter() - started:.2f} s (exit {out.returncode})")

    started = time.perf_counter()
    import spacy  # noqa: F401

    imported = time.perf_counter()
    from kg.extract import prose

    prose.pipeline()
    loaded = time.perf_counter() - imported
    print(f"import spacy: {imported - started:.2f} s; blank zh pipeline with the project's components: {loaded:.2f} s")

    from kg.pipeline import parse, run

    spent = [0.0, 0, 0, 0]  # seconds in the prose stage, metrics, not understood, mentions
    extract = prose.extract

    def timed(text, spans, report, model=None):
        before, metrics, notes = time.perf_counter(), len(report.metrics), len(report.diagnostics)
        extract(text, spans, report, model)
        spent[0] += time.perf_counter() - before
        spent[1] += len(report.metrics) - metrics
        spent[2] += len(report.diagnostics) - notes
        spent[3] += len(report.mentions)

    prose.extract = timed  # the pipeline calls prose.extract: time the stage inside real parses
    with tempfile.TemporaryDirectory() as tmp:
        paths = synthetic_corpus(Path(tmp), args.reports)
        started = time.perf_counter()
        for path in paths:
            parse(path)
        seconds = time.perf_counter() - started
        print(f"whole parse, 1 process: {len(paths) / seconds:.0f} reports/s")
        print(
            f"prose stage alone: {len(paths) / spent[0]:.0f} reports/s "
            f"({spent[1]} metrics, {spent[2]} not understood, {spent[3]} mentions in {len(paths)} reports)"
        )
        started = time.perf_counter()
        done = sum(1 for _ in run(paths, args.jobs))
        seconds = time.perf_counter() - started
        print(f"whole parse, {args.jobs} processes: {done / seconds:.0f} reports/s")


if __name__ == "__main__":
    main()
