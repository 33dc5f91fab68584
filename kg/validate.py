"""Stage 7, validate: the SHACL shapes in ``shapes/`` checked report by report.

Each report's graph is checked with the reference data, so the cost grows with the
number of reports, and reports are checked in parallel. The reference data's shapes
are checked once, on the reference data alone; the agencies' shapes on a small
summary of all reports (every report's own triples, its agency, and the figures one
year carries into the next), a batch of whole agencies at a time, since those rules
join an agency's reports with each other and never one agency's with another's.
A graph read from a file is split into reports the same way.

Files are read with pyoxigraph and split in plain Python; the engine (pyshacl-turbo,
in Rust) is handed each report as N-Triples text, so no rdflib graph of the data is
built. The shapes are compiled once a process, before any worker process forks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from multiprocessing import get_context
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS

from kg.reference import OGI, PUBLISHED_FILES
from kg.resources import data_dir

# Shape files checked across reports, agency by agency, and on the reference data alone.
AGENCY_FILE, REFERENCE_FILE = "agencies.ttl", "reference.ttl"
# Summary triples a cross-report run takes at most (whole agencies, at least one): the rules
# join an agency's reports with each other, so the cost of a run grows faster than its size.
AGENCY_BATCH = 2_000
REFERENCE_PREFIX = "https://w3id.org/cn-ogi/def"
ENGINES = ("pyshacl", "turbo")
_CJK = re.compile(r"[\u4e00-\u9fff]")
FORMATS = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld", ".json": "json-ld", ".trig": "trig"}
_SYNTAX = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "json-ld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
}
# Below this many triples in a graph, one process checks it sooner than worker processes would
# (they cost a fork and the parent's copy of the results). Measured: bench/validate.py --small.
PARALLEL_FROM = 6_000

_TYPE = ox.NamedNode(str(RDF.type))
_INDICATOR = ox.NamedNode(str(OGI.indicator))
_CARRIED = ox.NamedNode(str(OGI.carriedInto))
_PUBLISHER, _REPORTED_IN = ox.NamedNode(str(DCTERMS.publisher)), ox.NamedNode(str(OGI.reportedIn))
_REPORT, _METRIC, _AGENCY = (ox.NamedNode(str(c)) for c in (OGI.Report, OGI.Metric, OGI.Agency))
_SHOWN = {str(RDFS.label): 0, str(SKOS.prefLabel): 1}  # the label a node is shown by, in this order
_FACTS = (str(DCTERMS.publisher), str(OGI.year))


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


# ---------------------------------------------------------------- shapes and engines


@cache
def _shapes() -> tuple[Graph, tuple[URIRef, ...], tuple[URIRef, ...], tuple[URIRef, ...]]:
    """All shapes, and the node shapes checked per report, per agency across its reports, and on the reference data."""
    graph = Graph()
    kinds: dict[str, list[URIRef]] = {"report": [], AGENCY_FILE: [], REFERENCE_FILE: []}
    for path in sorted(data_dir("shapes").glob("*.ttl")):
        part = Graph().parse(path, format="turtle")
        graph += part
        names = sorted(s for s in part.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))
        kinds[path.name if path.name in kinds else "report"].extend(names)
    return graph, tuple(kinds["report"]), tuple(kinds[AGENCY_FILE]), tuple(kinds[REFERENCE_FILE])


def shapes_graph() -> Graph:
    return _shapes()[0]


@cache
def _compiled():
    from pyshacl_turbo import compile_shapes

    return compile_shapes(shapes_graph(), advanced=True)


def _turbo_input(text: str):
    """N-Triples text as pyshacl-turbo's own input: parsed in Rust, with no rdflib graph built on the way."""
    try:
        from pyshacl_turbo.rdf import Input
    except ImportError:  # a version without it takes an rdflib graph
        return Graph().parse(data=text, format="nt")
    return Input(text, "nt", None, {})


def _engine(name: str) -> Callable[[str, list], Graph]:
    """A function (N-Triples text, use_shapes) → results graph, for the engine named."""
    if name == "turbo":
        compiled = _compiled()

        def run(text: str, use: list) -> Graph:
            return compiled.validate(_turbo_input(text), use_shapes=use, allow_warnings=True, allow_infos=True)[1]

    elif name == "pyshacl":
        from pyshacl import validate as shacl

        def run(text: str, use: list) -> Graph:
            options = {"inference": "none", "advanced": True, "allow_warnings": True, "allow_infos": True}
            return shacl(Graph().parse(data=text, format="nt"), shacl_graph=shapes_graph(), use_shapes=use, **options)[1]

    else:
        raise ValueError(f"unknown SHACL engine {name!r}; choose one of {', '.join(ENGINES)}")
    return run


def default_engine() -> str:
    """pyshacl-turbo (a Rust engine with pySHACL's API); KG_SHACL_ENGINE=pyshacl selects the reference engine."""
    return os.environ.get("KG_SHACL_ENGINE", "turbo")


# ---------------------------------------------------------------- the data, as triples


def _parse(text: str | bytes, syntax: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(text, syntax, lenient=True)]


def _text(triples: Iterable[ox.Triple]) -> str:
    """N-Triples, the engine's input."""
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def _is_reference(node) -> bool:
    return isinstance(node, ox.NamedNode) and node.value.startswith(REFERENCE_PREFIX)


class Triples:
    """A graph as pyoxigraph triples grouped by subject: what is split into reports, checked and named from."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.by_subject: dict = {}
        for t in dict.fromkeys(triples):
            self.by_subject.setdefault(t.subject, []).append(t)
        self.size = sum(map(len, self.by_subject.values()))
        typed = [t for ts in self.by_subject.values() for t in ts if t.predicate == _TYPE]
        self.reports = {t.subject for t in typed if t.object == _REPORT}
        self.metrics = {t.subject for t in typed if t.object == _METRIC}
        self.agencies = {t.subject for t in typed if t.object == _AGENCY}

    @classmethod
    def of(cls, graph: Graph) -> Triples:
        return cls(_parse(graph.serialize(format="nt")))

    def __len__(self) -> int:
        return self.size

    def triples(self, subjects: Iterable) -> list[ox.Triple]:
        return [t for s in subjects for t in self.by_subject.get(s, ())]

    def split(self) -> tuple[list, list[ox.Triple], list[set]]:
        """The reports (by IRI), the reference data's triples, and each report's nodes."""
        reports = sorted((r for r in self.reports if isinstance(r, ox.NamedNode)), key=lambda r: r.value)
        reference = self.triples(s for s in self.by_subject if _is_reference(s))
        into: dict = {r: set() for r in reports}  # what points at each report: its figures, data set, mentions
        for ts in self.by_subject.values():
            for t in ts:
                if t.object in into and not _is_reference(t.subject):
                    into[t.object].add(t.subject)
        return reports, reference, [self._closure(r, into[r]) for r in reports]

    def _closure(self, report, pointing: set) -> set:
        """The nodes of one report: itself, what points at it, and what those link to (never another report)."""
        nodes = {report}
        todo = [report, *pointing]
        while todo:
            node = todo.pop()
            nodes.add(node)
            for t in self.by_subject.get(node, ()):
                o = t.object
                if o in nodes or isinstance(o, ox.Literal) or _is_reference(o) or o in self.reports:
                    continue
                if o in self.by_subject:
                    nodes.add(o)
                    todo.append(o)
        return nodes

    def linked(self, rest: set) -> set:
        """``rest`` and the nodes it links to, not entering reports or their figures."""
        out, seen, todo = set(rest), set(rest), list(rest)
        while todo:
            for t in self.by_subject.get(todo.pop(), ()):
                o = t.object
                if o in seen or isinstance(o, ox.Literal) or _is_reference(o):
                    continue
                seen.add(o)
                if o in self.reports or o in self.metrics:
                    continue
                out.add(o)
                todo.append(o)
        return out

    def summary(self, carried: frozenset) -> set:
        """The nodes the cross-report shapes need: reports, agencies, and figures one year carries into the next."""
        keep = self.reports | self.agencies
        for node, ts in self.by_subject.items():
            if any(t.predicate == _INDICATOR and t.object.value in carried for t in ts):
                keep.add(node)
        return keep


class _Names:
    """What findings are shown by: labels, classes, each report's agency and year; then those of ``then``."""

    def __init__(self, triples: Iterable[ox.Triple], then: _Names | None = None) -> None:
        self.labels: dict[str, list[tuple[int, str, str]]] = {}
        self.types: set[tuple[str, str]] = set()
        self.facts: dict[tuple[str, str], str] = {}
        self.then = then
        for t in triples:
            p, o = t.predicate.value, t.object
            if p in _SHOWN and isinstance(o, ox.Literal):
                self.labels.setdefault(t.subject.value, []).append((_SHOWN[p], (o.language or "").lower(), o.value))
            elif p == _TYPE.value:
                self.types.add((t.subject.value, o.value))
            elif p in _FACTS:
                self.facts.setdefault((t.subject.value, p), o.value)

    def _chain(self) -> Iterable[_Names]:
        names: _Names | None = self
        while names is not None:
            yield names
            names = names.then

    def label(self, node) -> str:
        """A node by its label (rdfs:label, else skos:prefLabel; Simplified Chinese first), a literal by its text."""
        if node is None:
            return ""
        if isinstance(node, Literal):
            return str(node)
        labels = [x for names in self._chain() for x in names.labels.get(str(node), ())]
        for rank in sorted({r for r, _, _ in labels}):
            ranked = [(lang, text) for r, lang, text in labels if r == rank]
            return next((text for lang, text in ranked if lang == "zh-hans"), ranked[0][1])
        return str(node)

    def is_a(self, node, cls: URIRef) -> bool:
        return any((str(node), str(cls)) in names.types for names in self._chain())

    def fact(self, node, prop: URIRef) -> str | None:
        return next((n.facts[(str(node), str(prop))] for n in self._chain() if (str(node), str(prop)) in n.facts), None)

    def report(self, report) -> str:
        """A report as a reader names it: agency and year, e.g. ``外交部 2024``."""
        agency, year = self.fact(report, DCTERMS.publisher), self.fact(report, OGI.year)
        name = self.label(agency) if agency is not None else ""
        return f"{name} {year}".strip() if year is not None else str(report)


@dataclass(frozen=True)
class _Reference:
    """The reference data (ontology, concept schemes) as the engine and the labels need it."""

    text: str
    names: _Names
    carried: frozenset[str]  # indicators one year carries into the next (either end of ogi:carriedInto)
    size: int

    @classmethod
    def of(cls, triples: list[ox.Triple]) -> _Reference:
        carried = frozenset(n.value for t in triples if t.predicate == _CARRIED for n in (t.subject, t.object))
        return cls(_text(triples), _Names(triples), carried, len(triples))


@cache
def _package_reference() -> _Reference:
    """The package's reference data: the ontology files every output carries (``kg.rdf.reference_graph``)."""
    folder = data_dir("ontology")
    return _Reference.of([q.triple for name in PUBLISHED_FILES for q in ox.parse(path=folder / name, format=ox.RdfFormat.TURTLE)])


def _reference(graph: Graph | None) -> _Reference:
    return _package_reference() if graph is None else _Reference.of(_parse(graph.serialize(format="nt")))


# ---------------------------------------------------------------- running the engine


def _run(
    text: str, names: _Names, shapes: tuple[URIRef, ...], report: str, engine: str, focus: set[str] | None = None
) -> tuple[list[Finding], Graph]:
    """Validate N-Triples ``text`` with some of the shapes; with ``focus``, keep only the results about those nodes."""
    if not shapes:
        return [], Graph()
    results = _engine(engine)(text, list(shapes))
    for result in list(results.subjects(RDF.type, SH.ValidationResult)):
        if focus is not None and str(results.value(result, SH.focusNode)) not in focus:
            results.remove((result, None, None))
            continue
        for message in list(results.objects(result, SH.resultMessage)):  # engines differ in keeping the language tag
            if isinstance(message, Literal) and not message.language:
                lang = "zh-Hans" if _CJK.search(str(message)) else "en"
                results.remove((result, SH.resultMessage, message))
                results.add((result, SH.resultMessage, Literal(str(message), lang=lang)))
    return _findings(results, names, report), results


def _findings(results: Graph, names: _Names, report: str) -> list[Finding]:
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        value = results.value(result, SH.value)
        shown = names.label(focus)
        if names.is_a(focus, OGI.Report) and value is not None and names.is_a(value, OGI.Metric):
            shown = names.label(value)  # a rule about a report's table: show the figure it is about
        messages = [m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)]
        messages.sort(key=lambda m: (not (m.language or "").lower().startswith("en"), str(m)))
        path = results.value(result, SH.resultPath)
        found.append(
            Finding(
                severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                report=report,
                focus=shown,
                path=names.label(path) if path is not None else "",
                message=" / ".join(str(m) for m in messages),
            )
        )
    return sorted(found, key=lambda f: (f.severity, f.focus, f.path, f.message))


def _validate_report(text: str, triples: list[ox.Triple], reference: _Reference, engine: str) -> tuple[list[Finding], Graph]:
    names = _Names(triples, reference.names)
    reports = {t.subject.value for t in triples if t.predicate == _TYPE and t.object == _REPORT}
    label = names.report(next(iter(reports))) if len(reports) == 1 else ""
    return _run(text + reference.text, names, _shapes()[1], label, engine)


def _validate_shared(triples: list[ox.Triple], reference: _Reference, engine: str) -> tuple[list[Finding], Graph]:
    """The reference shapes on the reference data, then the agency shapes on the summaries, a batch of agencies a run."""
    findings, results = _run(reference.text, reference.names, _shapes()[3], "", engine)
    for batch in _agency_batches(triples):
        found, graph = _run(_text(batch) + reference.text, _Names(batch, reference.names), _shapes()[2], "", engine)
        findings += found
        results += graph
    return findings, results


def _agency_batches(triples: list[ox.Triple]) -> Iterable[list[ox.Triple]]:
    """Summary triples grouped by agency (the agency, its reports, their figures), whole agencies to a batch."""
    publisher = {t.subject: t.object for t in triples if t.predicate == _PUBLISHER}
    reported = {t.subject: t.object for t in triples if t.predicate == _REPORTED_IN}
    groups: dict = {}
    for t in triples:
        report = reported.get(t.subject, t.subject)
        groups.setdefault(publisher.get(report, report), []).append(t)
    batch: list[ox.Triple] = []
    for group in groups.values():
        if batch and len(batch) + len(group) > AGENCY_BATCH:
            yield batch
            batch = []
        batch += group
    if batch:
        yield batch


# ---------------------------------------------------------------- one report (kg build)


def validate(graph: Graph | str, engine: str | None = None) -> list[Finding]:
    """SHACL findings for one report's graph (or its N-Triples text), read together with the reference data."""
    text = graph if isinstance(graph, str) else graph.serialize(format="nt")
    return _validate_report(text, _parse(text), _package_reference(), engine or default_engine())[0]


def summary(graph: Graph, reference: Graph | None = None) -> Graph:
    """The part of a report's graph the cross-report shapes need: report and agency triples, carried-over figures."""
    carried = _reference(reference).carried
    keep = set(graph.subjects(RDF.type, OGI.Report)) | set(graph.subjects(RDF.type, OGI.Agency))
    keep |= {m for m, i in graph.subject_objects(OGI.indicator) if str(i) in carried}
    out = Graph()
    for node in keep:
        for triple in graph.triples((node, None, None)):
            out.add(triple)
    return out


def validate_shared(summaries: Graph | str, reference: Graph | None = None, engine: str | None = None) -> list[Finding]:
    """Findings of the cross-report and reference-data shapes, on the reports' summaries (or their N-Triples text)."""
    text = summaries if isinstance(summaries, str) else summaries.serialize(format="nt")
    return _validate_shared(_parse(text), _reference(reference), engine or default_engine())[0]


# ---------------------------------------------------------------- a graph read from files


def load(paths: Iterable[Path]) -> Triples:
    """Read RDF files into one graph; the parser is picked by suffix. Raises ValueError naming the file."""
    triples: list[ox.Triple] = []
    for path in paths:
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise ValueError(f"{path}: unknown RDF format (use {', '.join(sorted(FORMATS))})")
        if not path.is_file():
            raise ValueError(f"{path}: no such file")
        try:
            triples.extend(q.triple for q in ox.parse(path=path, format=_SYNTAX[fmt], base_iri=path.resolve().as_uri()))
        except (SyntaxError, ValueError, OSError) as exc:  # a parser's error: one line naming the file
            if fmt == "json-ld":  # a context pyoxigraph does not resolve: rdflib's reader may
                try:
                    triples.extend(_parse(Graph().parse(path, format=fmt).serialize(format="nt")))
                    continue
                except Exception:  # noqa: BLE001 - pyoxigraph's error is the one to show
                    pass
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValueError(f"{path}: not readable as {fmt}: {first}") from None
    return Triples(triples)


_STATE: dict = {}


def _task(i: int) -> tuple[list[Finding], str]:
    """One unit of work of ``check``: a report, what no report reaches, or the cross-report summary."""
    data, reference, engine = _STATE["data"], _STATE["reference"], _STATE["engine"]
    kind, nodes, focus = _STATE["tasks"][i]
    triples = data.triples(nodes)
    if kind == "report":
        findings, results = _validate_report(_text(triples), triples, reference, engine)
    elif kind == "rest":
        text = _text(triples) + reference.text
        findings, results = _run(text, _Names(triples, reference.names), _shapes()[1], "", engine, focus)
    else:  # the summary: split into agencies by _validate_shared, which writes each batch's text itself
        findings, results = _validate_shared(triples, reference, engine)
    return findings, results.serialize(format="nt")


def check(graph: Graph | Triples, jobs: int = 1, engine: str | None = None) -> Outcome:
    """Validate a whole graph: report by report (in ``jobs`` processes if it is big enough), then across reports."""
    engine = engine or default_engine()
    _engine(engine)  # compiled here, once, before workers fork
    data = graph if isinstance(graph, Triples) else Triples.of(graph)
    reports, reference_triples, closures = data.split()
    reference = _Reference.of(reference_triples) if reference_triples else _package_reference()
    tasks: list[tuple[str, set, set[str] | None]] = [("report", nodes, None) for nodes in closures]
    reached = set().union(*closures)
    rest = {s for s in data.by_subject if s not in reached and not _is_reference(s)}
    if rest:  # what no report reaches (e.g. a dataset description), with the nodes it links to
        tasks.append(("rest", data.linked(rest), {s.value for s in rest}))
    tasks.append(("shared", data.summary(reference.carried), None))
    sizes = [len(data.triples(nodes)) + reference.size for _, nodes, _ in tasks]
    outcome = Outcome(reports=len(reports), triples=len(data))
    _STATE.update(data=data, reference=reference, engine=engine, tasks=tasks)
    try:
        for findings, results in _map(_task, sizes, jobs if len(data) >= PARALLEL_FROM else 1):
            outcome.findings.extend(findings)
            outcome.results.parse(data=results, format="nt")
    finally:
        _STATE.clear()
    return outcome


def _map(function: Callable[[int], tuple], sizes: list[int], jobs: int) -> list:
    """``function`` over task numbers, results in order; in ``jobs`` worker processes, biggest task first."""
    jobs = (os.cpu_count() or 1) if jobs == 0 else jobs
    if jobs <= 1 or len(sizes) < 2 or os.name == "nt":
        return [function(i) for i in range(len(sizes))]
    order = sorted(range(len(sizes)), key=lambda i: -sizes[i])
    out: list = [None] * len(sizes)
    with get_context("fork").Pool(min(jobs, len(sizes))) as pool:
        for i, result in zip(order, pool.imap(function, order, chunksize=max(1, len(order) // (jobs * 8))), strict=True):
            out[i] = result
    return out


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
