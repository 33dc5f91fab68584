"""Latency of the saved questions over HTTP on ``kg serve``, next to rdflib's own SPARQL engine.

    python bench/query.py                  # bundled graph and a synthetic graph of 1,000 reports
    python bench/query.py --reports 200 --runs 20 --rdflib-runs 1

For each graph it starts a real ``kg serve`` on loopback, asks every saved question over HTTP
(form POST, keep-alive, JSON results) ``--runs`` times and prints the median and 95th
percentile; then it runs the same query text through rdflib (a Dataset whose default graph is
the union of its graphs) and prints rdflib's median and the ratio. The synthetic graph copies
the bundled reports' graphs under new agency keys until it holds ``--reports`` reports.

Targets: median under 10 ms a question on the bundled graph, under 50 ms at 1,000 reports, and
at least 20x faster than rdflib there.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.query import catalogue
from kg.store import bundled_store

PUBLISHER = "http://purl.org/dc/terms/publisher"
PREF_LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"


def bundled_quads() -> str:
    """The bundled corpus's named graphs as N-Quads (the default graph is their merge; left out)."""
    store = ox.Store.read_only(str(bundled_store(print)))
    quads = (q for q in store.quads_for_pattern(None, None, None, None) if not isinstance(q.graph_name, ox.DefaultGraph))
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode()


def synthetic_quads(bundled: str, reports: int) -> str:
    """The bundled reports' graphs copied under new agency keys until there are ``reports`` reports."""
    store = ox.Store()
    store.load(bundled.encode(), format=ox.RdfFormat.N_QUADS)
    agencies = sorted({q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(PUBLISHER), None, None)})
    reports_per_copy = len({q.graph_name.value for q in store.quads_for_pattern(None, ox.NamedNode(PUBLISHER), None, None)})
    copies = max(1, -(-reports // reports_per_copy))
    shared, per_report = [], []
    for line in bundled.splitlines():
        (per_report if any(f"<{a}" in line or "/report/" in line for a in agencies) else shared).append(line)
    keys = [a.rstrip("/").rsplit("/", 1)[-1] for a in agencies]
    pattern = re.compile("|".join(re.escape(f"/{k}") + r"(?=[/>])" for k in keys) + r"|(/source/[0-9a-f]+)")
    out = list(shared)
    for i in range(copies):
        tag = f"s{i:04d}"
        for line in per_report:
            line = pattern.sub(lambda m, t=tag: f"{m.group(1)}-{t}" if m.group(1) else f"/{t}", line)
            if f"/agency/{tag}> {PREF_LABEL}" in line:  # agencies get names of their own
                line = re.sub(r'"(@[\w-]+)', rf' {tag}"\1', line, count=1)
            out.append(line)
    return "\n".join(out) + "\n"


@contextmanager
def served(*args: str):
    """A running ``kg serve ARGS``; yields (host, port)."""
    with tempfile.NamedTemporaryFile("w+", suffix=".log") as log:
        command = [sys.executable, "-m", "kg", "serve", "--port", "0", "--quiet", "--max-rows", "100000000", "--timeout", "600"]
        process = subprocess.Popen([*command, *args], stdout=log, stderr=subprocess.STDOUT)
        try:
            while not (found := re.search(r"http://([\d.]+):(\d+)/sparql", Path(log.name).read_text())):
                if process.poll() is not None:
                    raise SystemExit(f"kg serve failed:\n{Path(log.name).read_text()}")
                time.sleep(0.1)
            yield found.group(1), int(found.group(2))
        finally:
            process.terminate()
            process.wait()


def over_http(host: str, port: int, text: str, runs: int) -> list[float]:
    """Seconds per request, ``runs`` times, after two warm-up requests."""
    connection = http.client.HTTPConnection(host, port, timeout=600)
    body = urllib.parse.urlencode({"query": text}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    times = []
    for i in range(runs + 2):
        started = time.perf_counter()
        connection.request("POST", "/sparql", body, headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"HTTP {response.status} for a saved question")
        if i >= 2:
            times.append(time.perf_counter() - started)
    connection.close()
    return times


def with_rdflib(path: Path, texts: dict[str, str], runs: int, cap: float) -> dict[str, float]:
    """Median seconds of each query in rdflib's own engine (results fully iterated). Each query runs
    in a forked child, stopped after ``cap`` seconds (then reported as at least ``cap``)."""
    from rdflib import Dataset

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    print(f"  rdflib: parsed {len(dataset):,} quads in {time.perf_counter() - started:.1f} s", flush=True)
    medians = {}
    for name, text in texts.items():
        times = []
        for _ in range(runs):
            took = _forked(lambda t=text: list(dataset.query(t)), cap)
            if took is None:
                break
            times.append(took)
            if took >= cap:
                break
        if not times:
            print(f"  rdflib: {name} fails", flush=True)
            continue
        medians[name] = statistics.median(times)
        print(f"  rdflib: {name} {'≥ ' if medians[name] >= cap else ''}{medians[name] * 1000:,.0f} ms", flush=True)
    return medians


def _forked(work, cap: float) -> float | None:
    """Seconds ``work`` takes in a forked child; ``cap`` if it is not done by then; None if it fails."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: time the work, report, leave
        os.close(read)
        try:
            started = time.perf_counter()
            work()
            os.write(write, str(time.perf_counter() - started).encode())
        except Exception as exc:  # rdflib's engine cannot run every SPARQL 1.1 query
            sys.stderr.write(f"  rdflib: {type(exc).__name__}: {exc}\n")
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + cap
    finished = False
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            finished = True
            break
        time.sleep(0.02)
    if not finished:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    answer = os.read(read, 64)
    os.close(read)
    if answer:
        return float(answer)
    return None if finished else cap


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]


def bench(label: str, path: Path, serve_args: list[str], runs: int, rdflib_runs: int, cap: float) -> None:
    texts = {q.name: q.text for q in catalogue()}
    print(f"{label}: serving …", flush=True)
    with served(*serve_args) as (host, port):
        timings = {name: over_http(host, port, text, runs) for name, text in texts.items()}
    rdflib = with_rdflib(path, texts, rdflib_runs, cap) if rdflib_runs else {}
    print(f"\n{label}\n{'question':28} {'median ms':>10} {'p95 ms':>8} {'rdflib ms':>10} {'ratio':>7}")
    medians = []
    for name, times in timings.items():
        median = statistics.median(times)
        medians.append(median)
        slow = rdflib.get(name)
        at_least = ">" if slow and slow >= cap else " "
        other = f"{at_least}{slow * 1000:9.0f} {at_least}{slow / median:5.0f}x" if slow else f"{'fails' if rdflib else '':>10}"
        print(f"{name:28} {median * 1000:10.2f} {p95(times) * 1000:8.2f} {other}")
    ran = [n for n in timings if n in rdflib]
    total = sum(rdflib[n] for n in ran) / sum(statistics.median(timings[n]) for n in ran) if ran else 0
    print(
        f"{'all questions':28} {statistics.median(medians) * 1000:10.2f} (median of medians)"
        + (f"; on the questions rdflib can run it takes {total:.0f}x as long in total" if ran else "")
        + "\n",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000, help="reports in the synthetic graph (0: skip it)")
    parser.add_argument("--runs", type=int, default=30, help="HTTP requests a question on each graph")
    parser.add_argument("--rdflib-runs", type=int, default=3, help="rdflib runs a question (0: skip rdflib)")
    parser.add_argument("--rdflib-cap", type=float, default=300, help="seconds after which an rdflib run is stopped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        bundled = bundled_quads()
        small = Path(tmp) / "bundled.nq"
        small.write_text(bundled, encoding="utf-8")
        bench(f"bundled graph ({bundled.count(chr(10)):,} quads)", small, [], args.runs, args.rdflib_runs, args.rdflib_cap)
        if args.reports:
            big = Path(tmp) / "synthetic.nq"
            big.write_text(synthetic_quads(bundled, args.reports), encoding="utf-8")
            quads = sum(1 for _ in big.open(encoding="utf-8"))
            label = f"synthetic graph ({args.reports:,} reports, {quads:,} quads)"
            serve_args = [str(big), "-j", str(os.cpu_count() or 1)]
            bench(label, big, serve_args, max(5, args.runs // 3), args.rdflib_runs, args.rdflib_cap)


if __name__ == "__main__":
    main()
