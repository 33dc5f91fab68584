"""Latency of the saved questions over HTTP on ``kg serve``, next to rdflib's own SPARQL engine.

    python bench/query.py                  # bundled graph and a synthetic graph of 1,000 reports
    python bench/query.py --reports 200 --runs 20
    python bench/query.py --queries old/   # another set of .rq files (e.g. a previous version)

For each graph it starts a real ``kg serve`` on loopback, asks every saved question over HTTP
(form POST, keep-alive, JSON results) ``--runs`` times and prints the median and 95th
percentile; then it runs the same query text through rdflib (a Dataset whose default graph is
the union of its graphs) and prints rdflib's time and the ratio. The synthetic graph copies
the bundled reports' graphs under new agency keys until it holds ``--reports`` reports.

Targets, each with a verdict line at the end: median under 10 ms a question on the bundled
graph, under 50 ms at 1,000 reports, and at least 20x faster than rdflib there. rdflib's engine
takes minutes on some questions, so by default each rdflib run is stopped once it has taken
20x as long as kg serve's median (at least 1 s): a stopped run shows the target is met and its
ratio is printed as a lower bound (≥). ``--rdflib-cap SECONDS`` lets rdflib run longer instead.
Reading the 1,000-report graph into rdflib takes minutes: pass ``--rdflib-runs 0`` to skip it.
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
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.query import catalogue, read_question
from kg.store import bundled_store

PUBLISHER = "http://purl.org/dc/terms/publisher"
PREF_LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
BUNDLED_TARGET = 0.010  # seconds, median a question on the bundled graph
LARGE_TARGET = 0.050  # seconds, median a question at TARGET_REPORTS reports
RATIO_TARGET = 20  # kg serve at least this many times faster than rdflib at TARGET_REPORTS reports
TARGET_REPORTS = 1000
MIN_CAP = 1.0  # seconds an rdflib run may always take


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


@dataclass
class Slow:
    """rdflib's time for one question: its median, or the cap it was stopped at (``stopped``)."""

    seconds: float
    stopped: bool


def with_rdflib(path: Path, texts: dict[str, str], runs: int, caps: dict[str, float]) -> dict[str, Slow | None]:
    """rdflib's median seconds for each query (results fully iterated; None: its engine cannot run it).
    Each run is a forked child, stopped after the question's cap."""
    started = time.perf_counter()
    dataset = rdflib_dataset(path)
    print(f"  rdflib: read {len(dataset):,} quads in {time.perf_counter() - started:.1f} s", flush=True)
    found: dict[str, Slow | None] = {}
    for name, text in texts.items():
        times = []
        for _ in range(runs):
            took = _forked(lambda t=text: list(dataset.query(t)), caps[name])
            if took is None:
                break
            times.append(took)
            if took >= caps[name]:
                break
        if not times:
            found[name] = None
            print(f"  rdflib: {name} fails", flush=True)
            continue
        stopped = max(times) >= caps[name]
        found[name] = Slow(caps[name] if stopped else statistics.median(times), stopped)
        print(f"  rdflib: {name} {'≥ ' if stopped else ''}{found[name].seconds * 1000:,.0f} ms", flush=True)
    return found


def rdflib_dataset(path: Path):
    """The N-Quads file as an rdflib Dataset whose default graph is the union of its graphs: read by
    pyoxigraph and handed over term by term, twice as fast as rdflib's own N-Quads parser."""
    from rdflib import BNode, Dataset, Literal, URIRef

    dataset = Dataset(default_union=True)
    graphs, terms = {}, {}

    def term(t):
        if t not in terms:
            if isinstance(t, ox.NamedNode):
                terms[t] = URIRef(t.value)
            elif isinstance(t, ox.BlankNode):
                terms[t] = BNode(t.value)
            elif t.language:
                terms[t] = Literal(t.value, lang=t.language)
            elif t.datatype.value == XSD_STRING:
                terms[t] = Literal(t.value)
            else:
                terms[t] = Literal(t.value, datatype=URIRef(t.datatype.value))
        return terms[t]

    def graph(name):
        if name not in graphs:
            graphs[name] = dataset.graph(URIRef(name.value))
        return graphs[name]

    quads = ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
    dataset.addN((term(q.subject), term(q.predicate), term(q.object), graph(q.graph_name)) for q in quads)
    return dataset


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


@dataclass
class Measured:
    """One graph's figures: kg serve's median per question, and rdflib's (empty when not run)."""

    medians: dict[str, float]
    rdflib: dict[str, Slow | None]


def bench(
    label: str, path: Path, serve_args: list[str], texts: dict[str, str], runs: int, rdflib_runs: int, cap: float | None
) -> Measured:
    print(f"{label}: serving … ({_load()})", flush=True)
    started = time.perf_counter()
    with served(*serve_args) as (host, port):
        print(f"  kg serve: ready in {time.perf_counter() - started:.1f} s", flush=True)
        timings = {name: over_http(host, port, text, runs) for name, text in texts.items()}
    medians = {name: statistics.median(times) for name, times in timings.items()}
    caps = {name: cap or max(MIN_CAP, RATIO_TARGET * medians[name]) for name in texts}
    rdflib = with_rdflib(path, texts, rdflib_runs, caps) if rdflib_runs else {}
    print(f"\n{label}\n{'question':28} {'median ms':>10} {'p95 ms':>8} {'rdflib ms':>10} {'ratio':>7}")
    for name, times in timings.items():
        slow = rdflib.get(name)
        if slow:
            at_least = "≥" if slow.stopped else " "
            other = f"{at_least}{slow.seconds * 1000:9.0f} {at_least}{slow.seconds / medians[name]:5.0f}x"
        else:
            other = f"{'fails' if name in rdflib else '':>10}"
        print(f"{name:28} {medians[name] * 1000:10.2f} {p95(times) * 1000:8.2f} {other}")
    print(f"{'all questions':28} {statistics.median(medians.values()) * 1000:10.2f} (median of medians; {_load()})\n", flush=True)
    return Measured(medians, rdflib)


def _load() -> str:
    return f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"


def latency_verdict(measured: Measured, target: float, where: str) -> str:
    over = sorted(((m, n) for n, m in measured.medians.items() if m >= target), reverse=True)
    slowest = max(measured.medians, key=measured.medians.get)
    head = f"verdict: median under {target * 1000:.0f} ms a question {where}:"
    if not over:
        return f"{head} met (slowest: {slowest} {measured.medians[slowest] * 1000:.1f} ms)"
    listed = ", ".join(f"{n} {m * 1000:,.0f} ms" for m, n in over)
    return f"{head} NOT met, {len(over)} of {len(measured.medians)} over: {listed}"


def ratio_verdict(measured: Measured, where: str) -> str:
    head = f"verdict: at least {RATIO_TARGET}x faster than rdflib {where}:"
    if not measured.rdflib:
        return f"{head} not measured (--rdflib-runs 0)"
    ratios = {n: (s.seconds / measured.medians[n], s.stopped) for n, s in measured.rdflib.items() if s}
    failing = [n for n, s in measured.rdflib.items() if s is None]
    short = sorted((r, n) for n, (r, stopped) in ratios.items() if r < RATIO_TARGET)
    unsure = [n for r, n in short if ratios[n][1]]  # stopped before the target was reached: longer cap needed
    below = [(r, n) for r, n in short if not ratios[n][1]]
    notes = [f"rdflib cannot run {', '.join(failing)}"] if failing else []
    if unsure:
        notes.append(f"rdflib stopped too soon to tell for {', '.join(unsure)} (raise --rdflib-cap)")
    if not below and not unsure:
        return f"{head} met for all {len(ratios)} questions rdflib runs" + "".join(f"; {n}" for n in notes)
    listed = ", ".join(f"{n} {r:.1f}x" for r, n in below)
    return f"{head} NOT met, {len(below)} of {len(ratios)} below: {listed}" + "".join(f"; {n}" for n in notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=TARGET_REPORTS, help="reports in the synthetic graph (0: skip it)")
    parser.add_argument("--runs", type=int, default=30, help="HTTP requests a question (a third, at least 5, at scale)")
    parser.add_argument("--rdflib-runs", type=int, default=1, help="rdflib runs a question (0: skip rdflib)")
    cap = f"seconds after which an rdflib run is stopped (default: {RATIO_TARGET}x kg serve's median, at least {MIN_CAP:g} s)"
    parser.add_argument("--rdflib-cap", type=float, default=None, help=cap)
    parser.add_argument("--queries", type=Path, help="a folder of .rq files to time instead of the saved questions")
    args = parser.parse_args()
    questions = [read_question(p) for p in sorted(args.queries.glob("*.rq"))] if args.queries else catalogue()
    if not questions:
        raise SystemExit(f"no .rq files in {args.queries}")
    texts = {q.name: q.text for q in questions}
    verdicts = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        bundled = bundled_quads()
        small = Path(tmp) / "bundled.nq"
        small.write_text(bundled, encoding="utf-8")
        label = f"bundled graph ({bundled.count(chr(10)):,} quads)"
        measured = bench(label, small, [], texts, args.runs, args.rdflib_runs, args.rdflib_cap)
        verdicts.append(latency_verdict(measured, BUNDLED_TARGET, "on the bundled graph"))
        if args.reports:
            big = Path(tmp) / "synthetic.nq"
            big.write_text(synthetic_quads(bundled, args.reports), encoding="utf-8")
            quads = sum(1 for _ in big.open(encoding="utf-8"))
            label = f"synthetic graph ({args.reports:,} reports, {quads:,} quads)"
            measured = bench(label, big, [str(big)], texts, max(5, args.runs // 3), args.rdflib_runs, args.rdflib_cap)
            where = f"at {args.reports:,} reports" + (
                "" if args.reports == TARGET_REPORTS else f" (the target is for {TARGET_REPORTS:,}: not a verdict on it)"
            )
            verdicts.append(latency_verdict(measured, LARGE_TARGET, where))
            verdicts.append(ratio_verdict(measured, where))
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
