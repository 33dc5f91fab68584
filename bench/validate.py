"""Time SHACL validation of the bundled corpus and of a synthetic corpus 100 times larger.

The synthetic corpus is the bundled reports re-minted under 99 more agency keys, so it
has the same shapes of data. Validation runs report by report in a pool of processes
(as ``kg validate -j 0`` does), then once across reports. Prints figures; asserts nothing.

``--small`` instead times ``kg.validate.check`` on graphs of the first 1…5 bundled reports,
in this process and in worker processes: the size from which workers pay off is
``kg.validate.PARALLEL_FROM``. Whole-process figures are printed by ``bench/build.py``.

    python bench/validate.py [--copies 100] [--jobs 0]
    python bench/validate.py --small [--jobs 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from multiprocessing import get_context

from rdflib import Graph

from kg import validate as checks
from kg.model import Agency
from kg.pipeline import parse
from kg.rdf import reference_graph, report_graph
from kg.resources import bundled_corpus
from kg.validate import summary, validate, validate_shared

_REPORTS: list = []


def _one(i: int) -> tuple[int, str]:
    """Validate report ``i`` of the synthetic corpus; its triple count and its summary for the cross-report pass."""
    copy, report = divmod(i, len(_REPORTS))
    base = _REPORTS[report]
    agency = base.agency if copy == 0 else Agency(f"{base.agency.name}{copy}", f"{base.agency.key}{copy}")
    graph = report_graph(dataclasses.replace(base, agency=agency))
    validate(graph)
    return len(graph), summary(graph).serialize(format="nt")


def run(copies: int, jobs: int) -> tuple[int, int, float, float]:
    """Reports, triples, seconds report by report (in ``jobs`` processes) and seconds across reports."""
    n = copies * len(_REPORTS)
    started = time.perf_counter()
    with get_context("fork").Pool(jobs) as pool:
        done = list(pool.imap_unordered(_one, range(n), chunksize=4))
    per_report = time.perf_counter() - started
    started = time.perf_counter()
    validate_shared("".join(text for _, text in done))
    return n, sum(size for size, _ in done), per_report, time.perf_counter() - started


def crossover(jobs: int, runs: int = 3) -> None:
    """``check`` of the first 1…5 bundled reports in one process and in ``jobs`` workers, best of ``runs``."""
    limit = checks.PARALLEL_FROM
    for k in range(1, len(_REPORTS) + 1):
        merged = Graph()
        merged += reference_graph()  # as in a file kg build writes
        for report in _REPORTS[:k]:
            merged += report_graph(report)
        data = checks.Triples.of(merged)
        seconds = []
        for workers, parallel_from in ((1, limit), (jobs, 0)):
            checks.PARALLEL_FROM = parallel_from
            best = float("inf")
            for _ in range(runs):
                started = time.perf_counter()
                checks.check(data, workers)
                best = min(best, time.perf_counter() - started)
            seconds.append(best)
        checks.PARALLEL_FROM = limit
        faster = "workers" if seconds[1] < seconds[0] else "one process"
        print(f"{k} reports, {len(data):6d} triples: one process {seconds[0]:.2f} s, {jobs} workers {seconds[1]:.2f} s: {faster}")
    print(f"kg.validate.PARALLEL_FROM = {limit} triples")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=0, help="worker processes; 0: one per CPU")
    parser.add_argument("--small", action="store_true", help="where worker processes start to pay off")
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count() or 1
    _REPORTS.extend(parse(p) for p in bundled_corpus())
    validate(report_graph(_REPORTS[0]))  # compile the shapes once, before the workers fork
    if args.small:
        crossover(jobs)
        return
    run(1, jobs)  # warm-up: the first pool pays for forking a process with everything loaded
    small = run(1, jobs)
    large = run(args.copies, jobs)
    print(f"SHACL validation, {jobs} worker processes; seconds report by report + across reports")
    for name, (reports, triples, each, across) in (("bundled", small), (f"{args.copies}x synthetic", large)):
        total = each + across
        print(
            f"{name:>16}: {reports:5d} reports, {triples:8d} triples, {each:7.2f} s + {across:5.2f} s = {total:7.2f} s,"
            f" {total / reports * 1000:6.1f} ms a report"
        )
    ratio = ((large[2] + large[3]) / large[0]) / ((small[2] + small[3]) / small[0])
    verdict = "met" if ratio <= 1.1 else "NOT met"
    print(f"cost a report, {args.copies}x vs bundled: {ratio:.2f} (1.0 = grows exactly with the number of reports): {verdict}")


if __name__ == "__main__":
    main()
