"""Stage 7, validate: the SHACL shapes in ``shapes/`` checked report by report.

Each report's graph is checked with the reference data, so the cost grows with the
number of reports, and reports are checked in parallel. Shapes in the shared files
(agencies, reference data) are checked once, on a small summary of all reports:
every report's own triples, its agency, and the figures one year carries into the
next. A graph read from a file is split into reports the same way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from multiprocessing import get_context
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS

from kg.rdf import reference_graph
from kg.reference import OGI
from kg.resources import data_dir

# Shape files checked once across reports, not with every report.
SHARED_FILES = ("agencies.ttl", "reference.ttl")
REFERENCE_PREFIX = "https://w3id.org/cn-ogi/def"
ENGINES = ("pyshacl", "turbo")
_CJK = re.compile(r"[\u4e00-\u9fff]")
FORMATS = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld", ".json": "json-ld", ".trig": "trig"}


@dataclass(frozen=True)
class Finding:
    severity: str  # "Violation", "Warning", "Info"
    report: str  # the report it concerns, by label; "" for agencies and reference data
    focus: str  # label of the focus node, or its IRI
    path: str
    message: str


@dataclass
class Outcome:
    """Everything a validation run found, and the SHACL results behind it."""

    findings: list[Finding] = field(default_factory=list)
    results: Graph = field(default_factory=Graph)
    reports: int = 0
    triples: int = 0

    @property
    def violations(self) -> int:
        return sum(f.severity == "Violation" for f in self.findings)

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)


# ---------------------------------------------------------------- shapes


@cache
def _shapes() -> tuple[Graph, tuple[URIRef, ...], tuple[URIRef, ...]]:
    """All shapes, and the node shapes checked per report and once across reports."""
    graph = Graph()
    per_report: list[URIRef] = []
    shared: list[URIRef] = []
    for path in sorted(data_dir("shapes").glob("*.ttl")):
        part = Graph().parse(path, format="turtle")
        graph += part
        names = sorted(s for s in part.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))
        (shared if path.name in SHARED_FILES else per_report).extend(names)
    return graph, tuple(per_report), tuple(shared)


def shapes_graph() -> Graph:
    return _shapes()[0]


@cache
def _compiled():
    from pyshacl_turbo import compile_shapes

    return compile_shapes(shapes_graph(), advanced=True)


def _engine(name: str):
    """A function (data, use_shapes) → results graph, for the engine named."""
    if name == "turbo":
        compiled = _compiled()

        def run(data: Graph, use: list) -> Graph:
            return compiled.validate(data, use_shapes=use, allow_warnings=True, allow_infos=True)[1]

    elif name == "pyshacl":
        from pyshacl import validate as shacl

        def run(data: Graph, use: list) -> Graph:
            options = {"inference": "none", "advanced": True, "allow_warnings": True, "allow_infos": True}
            return shacl(data, shacl_graph=shapes_graph(), use_shapes=use, **options)[1]

    else:
        raise ValueError(f"unknown SHACL engine {name!r}; choose one of {', '.join(ENGINES)}")
    return run


def default_engine() -> str:
    """pyshacl-turbo (a Rust engine with pySHACL's API); KG_SHACL_ENGINE=pyshacl selects the reference engine."""
    return os.environ.get("KG_SHACL_ENGINE", "turbo")


def _run(
    data: Graph, shapes: tuple[URIRef, ...], report: str, engine: str, focus: set | None = None
) -> tuple[list[Finding], Graph]:
    """Validate ``data`` with some of the shapes; with ``focus``, keep only the results about those nodes."""
    if not shapes:
        return [], Graph()
    results = _engine(engine)(data, list(shapes))
    for result in list(results.subjects(RDF.type, SH.ValidationResult)):
        if focus is not None and results.value(result, SH.focusNode) not in focus:
            results.remove((result, None, None))
            continue
        for message in list(results.objects(result, SH.resultMessage)):  # engines differ in keeping the language tag
            if isinstance(message, Literal) and not message.language:
                lang = "zh-Hans" if _CJK.search(str(message)) else "en"
                results.remove((result, SH.resultMessage, message))
                results.add((result, SH.resultMessage, Literal(str(message), lang=lang)))
    return _findings(results, data, report), results


def _label(graph: Graph, node) -> str:
    if node is None:
        return ""
    if isinstance(node, Literal):
        return str(node)
    for prop in (RDFS.label, SKOS.prefLabel):
        labels = [v for v in graph.objects(node, prop) if isinstance(v, Literal)]
        if labels:
            return str(next((v for v in labels if v.language == "zh-Hans"), labels[0]))
    return str(node)


def _findings(results: Graph, data: Graph, report: str) -> list[Finding]:
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        shown = _label(data, focus)
        if (focus, RDF.type, OGI.Report) in data and (value, RDF.type, OGI.Metric) in data:
            shown = _label(data, value)  # a rule about a report's table: show the figure it is about
        messages = [m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)]
        messages.sort(key=lambda m: (not (m.language or "").lower().startswith("en"), str(m)))
        path = results.value(result, SH.resultPath)
        found.append(
            Finding(
                severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                report=report,
                focus=shown,
                path=_label(data, path) if path is not None else "",
                message=" / ".join(str(m) for m in messages),
            )
        )
    return sorted(found, key=lambda f: (f.severity, f.focus, f.path, f.message))


# ---------------------------------------------------------------- one report (kg build)


def report_label(graph: Graph, report: URIRef) -> str:
    """A report as a reader names it: agency and year, e.g. ``外交部 2024``."""
    agency = graph.value(report, DCTERMS.publisher)
    year = graph.value(report, OGI.year)
    name = _label(graph, agency) if agency is not None else ""
    return f"{name} {year}".strip() if year is not None else str(report)


def validate(graph: Graph, engine: str | None = None) -> list[Finding]:
    """SHACL findings for one report's graph, read together with the reference data."""
    findings, _ = _validate_report(graph, reference_graph(), engine or default_engine())
    return findings


def _validate_report(graph: Graph, reference: Graph, engine: str) -> tuple[list[Finding], Graph]:
    data = Graph()
    data += graph
    data += reference
    reports = sorted(data.subjects(RDF.type, OGI.Report))
    label = report_label(data, reports[0]) if len(reports) == 1 else ""
    return _run(data, _shapes()[1], label, engine)


def summary(graph: Graph, reference: Graph | None = None) -> Graph:
    """The part of a report's graph the cross-report shapes need: report and agency triples, carried-over figures."""
    reference = reference if reference is not None else reference_graph()
    carried = set(reference.subjects(OGI.carriedInto, None)) | set(reference.objects(None, OGI.carriedInto))
    keep = set(graph.subjects(RDF.type, OGI.Report)) | set(graph.subjects(RDF.type, OGI.Agency))
    keep |= {m for m in graph.subjects(OGI.indicator, None) if graph.value(m, OGI.indicator) in carried}
    out = Graph()
    for node in keep:
        for triple in graph.triples((node, None, None)):
            out.add(triple)
    return out


def validate_shared(summaries: Graph, reference: Graph | None = None, engine: str | None = None) -> list[Finding]:
    """Findings of the cross-report and reference-data shapes, on the reports' summaries."""
    findings, _ = _validate_shared(summaries, reference if reference is not None else reference_graph(), engine)
    return findings


def _validate_shared(summaries: Graph, reference: Graph, engine: str | None) -> tuple[list[Finding], Graph]:
    data = Graph()
    data += summaries
    data += reference
    return _run(data, _shapes()[2], "", engine or default_engine())


# ---------------------------------------------------------------- a graph read from files


def load(paths: Iterable[Path]) -> Graph:
    """Read RDF files into one graph; the parser is picked by suffix. Raises ValueError naming the file."""
    graph = Graph()
    for path in paths:
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise ValueError(f"{path}: unknown RDF format (use {', '.join(sorted(FORMATS))})")
        try:
            if fmt in ("nquads", "trig"):
                dataset = Dataset()
                dataset.parse(path, format=fmt)
                for s, p, o, _ in dataset.quads((None, None, None, None)):
                    graph.add((s, p, o))
            else:
                graph.parse(path, format=fmt)
        except FileNotFoundError:
            raise ValueError(f"{path}: no such file") from None
        except Exception as exc:  # a parser's error: one line naming the file
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValueError(f"{path}: not readable as {fmt}: {first}") from None
    return graph


def _is_reference(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(REFERENCE_PREFIX)


def split(graph: Graph) -> tuple[list[URIRef], Graph, Graph]:
    """The reports of a graph, its reference data (the package's if it has none) and what no report reaches."""
    reference = Graph()
    for s in {s for s in graph.subjects() if _is_reference(s)}:
        for triple in graph.triples((s, None, None)):
            reference.add(triple)
    if not len(reference):
        reference = reference_graph()
    reports = sorted(s for s in graph.subjects(RDF.type, OGI.Report) if isinstance(s, URIRef))
    reached: set = set()
    for report in reports:
        reached |= _closure(graph, report)
    rest = Graph()
    for s in set(graph.subjects()) - reached:
        if not _is_reference(s):
            for triple in graph.triples((s, None, None)):
                rest.add(triple)
    return reports, reference, rest


def _closure(graph: Graph, report: URIRef) -> set:
    """The nodes of one report: itself, what points at it, and what those link to (never another report)."""
    nodes = {report}
    todo = [report] + [s for s in set(graph.subjects(None, report)) if not _is_reference(s)]
    while todo:
        node = todo.pop()
        nodes.add(node)
        for o in graph.objects(node, None):
            if o in nodes or isinstance(o, Literal) or _is_reference(o):
                continue
            if (o, RDF.type, OGI.Report) in graph:
                continue
            if (o, None, None) in graph:
                nodes.add(o)
                todo.append(o)
    return nodes


def _linked(graph: Graph, rest: Graph) -> Graph:
    """``rest`` and the triples of the nodes it links to, not entering reports or their figures."""
    out = Graph()
    out += rest
    seen = set(rest.subjects())
    todo = list(seen)
    while todo:
        for o in graph.objects(todo.pop(), None):
            if o in seen or isinstance(o, Literal) or _is_reference(o):
                continue
            seen.add(o)
            if (o, RDF.type, OGI.Report) in graph or (o, RDF.type, OGI.Metric) in graph:
                continue
            for triple in graph.triples((o, None, None)):
                out.add(triple)
            todo.append(o)
    return out


def report_subgraph(graph: Graph, report: URIRef) -> Graph:
    out = Graph()
    for node in _closure(graph, report):
        for triple in graph.triples((node, None, None)):
            out.add(triple)
    return out


_STATE: dict = {}


def _check_one(report: URIRef) -> tuple[list[Finding], str]:
    graph, reference, engine = _STATE["graph"], _STATE["reference"], _STATE["engine"]
    findings, results = _validate_report(report_subgraph(graph, report), reference, engine)
    return findings, results.serialize(format="nt")


def check(graph: Graph, jobs: int = 1, engine: str | None = None) -> Outcome:
    """Validate a whole graph: report by report (in ``jobs`` processes), then across reports."""
    engine = engine or default_engine()
    _engine(engine)
    reports, reference, rest = split(graph)
    outcome = Outcome(reports=len(reports), triples=len(graph))
    _STATE.update(graph=graph, reference=reference, engine=engine)
    try:
        for findings, results in _map(_check_one, reports, jobs):
            outcome.findings.extend(findings)
            outcome.results.parse(data=results, format="nt")
    finally:
        _STATE.clear()
    if len(rest):  # what no report reaches (e.g. a dataset description), with the nodes it links to
        focus = set(rest.subjects())
        findings, results = _run(_linked(graph, rest) + reference, _shapes()[1], "", engine, focus)
        outcome.findings.extend(findings)
        outcome.results += results
    findings, results = _validate_shared(summary(graph, reference), reference, engine)
    outcome.findings.extend(findings)
    outcome.results += results
    return outcome


def _map(function, items: list, jobs: int) -> Iterator:
    jobs = (os.cpu_count() or 1) if jobs == 0 else jobs
    if jobs <= 1 or len(items) < 2 or os.name == "nt":
        yield from map(function, items)
        return
    with get_context("fork").Pool(min(jobs, len(items))) as pool:
        yield from pool.imap(function, items, chunksize=max(1, len(items) // (jobs * 8)))


def report_graph(outcome: Outcome) -> Graph:
    """One machine-readable SHACL validation report for the whole run."""
    out = Graph()
    out.bind("sh", SH)
    node = BNode()
    out.add((node, RDF.type, SH.ValidationReport))
    out.add((node, SH.conforms, Literal(outcome.violations == 0)))
    for result in outcome.results.subjects(RDF.type, SH.ValidationResult):
        out.add((node, SH.result, result))
        todo = [result]
        while todo:
            subject = todo.pop()
            for s, p, o in outcome.results.triples((subject, None, None)):
                out.add((s, p, o))
                if isinstance(o, BNode):
                    todo.append(o)
    return out


# ---------------------------------------------------------------- the readable summary

_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def render(outcome: Outcome) -> str:
    """Findings grouped by report, then severity; each focus node by its label, each message in English and Chinese."""
    lines: list[str] = []
    groups: dict[str, list[Finding]] = {}
    for finding in outcome.findings:
        groups.setdefault(finding.report or "across reports (agencies, reference data, dataset description)", []).append(finding)
    for name in sorted(groups, key=lambda n: (n.startswith("across reports"), n)):
        found = sorted(groups[name], key=lambda f: (_ORDER.get(f.severity, 3), f.focus, f.message))
        counts = ", ".join(
            _plural(sum(f.severity == s for f in found), s.lower()) for s in _ORDER if any(f.severity == s for f in found)
        )
        lines.append(f"{name}: {counts}")
        for f in found:
            where = f"{f.focus} [{f.path}]" if f.path else f.focus
            lines.append(f"  {f.severity.lower()}: {where}")
            lines.extend(f"    {message}" for message in f.message.split(" / "))
    return "\n".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def headline(outcome: Outcome, seconds: float) -> str:
    found = ", ".join(_plural(outcome.count(s), s.lower()) for s in _ORDER if s != "Info" or outcome.count(s))
    verdict = "conforms" if not outcome.violations else "does not conform"
    return f"Checked {_plural(outcome.reports, 'report')} ({outcome.triples} triples) in {seconds:.1f} s: {verdict}; {found}."
