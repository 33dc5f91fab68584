"""Time SHACL validation of the bundled corpus and of a synthetic corpus 100 times larger.

The synthetic corpus is the bundled reports re-minted under 99 more agency keys, so it
has the same shapes of data. Validation runs report by report in a pool of processes
(as ``kg validate -j 0`` does), then once across reports. Prints figures; asserts nothing.

    python bench/validate.py [--copies 100] [--jobs 0]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from multiprocessing import get_context

from rdflib import Graph

from kg.model import Agency
from kg.pipeline import parse
from kg.rdf import report_graph
from kg.resources import bundled_corpus
from kg.validate import summary, validate, validate_shared

_REPORTS: list = []


def _one(i: int) -> int:
    copy, report = divmod(i, len(_REPORTS))
    base = _REPORTS[report]
    agency = base.agency if copy == 0 else Agency(f"{base.agency.name}{copy}", f"{base.agency.key}{copy}")
    graph = report_graph(dataclasses.replace(base, agency=agency))
    validate(graph)
    return len(graph)


def run(copies: int, jobs: int) -> tuple[float, int, int]:
    """Seconds, reports and triples for validating ``copies`` copies of the bundled corpus."""
    n = copies * len(_REPORTS)
    started = time.perf_counter()
    with get_context("fork").Pool(jobs) as pool:
        triples = sum(pool.imap_unordered(_one, range(n), chunksize=4))
    summaries = Graph()
    for report in _REPORTS:  # the cross-report pass sees every copy's summary
        for copy in range(copies):
            agency = report.agency if copy == 0 else Agency(f"{report.agency.name}{copy}", f"{report.agency.key}{copy}")
            summaries += summary(report_graph(dataclasses.replace(report, agency=agency)))
    validate_shared(summaries)
    return time.perf_counter() - started, n, triples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=0, help="worker processes; 0: one per CPU")
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count() or 1
    _REPORTS.extend(parse(p) for p in bundled_corpus())
    validate(report_graph(_REPORTS[0]))  # compile the shapes once, before the workers fork
    small = run(1, jobs)
    large = run(args.copies, jobs)
    for name, (seconds, reports, triples) in (("bundled", small), (f"{args.copies}x synthetic", large)):
        per = seconds / reports * 1000
        print(f"{name:>16}: {reports:5d} reports, {triples:8d} triples, {seconds:7.2f} s, {per:6.1f} ms a report")
    ratio = (large[0] / large[1]) / (small[0] / small[1])
    print(f"cost a report, {args.copies}x vs bundled: {ratio:.2f} (1.0 = grows exactly with the number of reports); jobs={jobs}")


if __name__ == "__main__":
    main()
