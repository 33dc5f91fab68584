"""The dataset description: DCAT 3 / DCAT-AP with VoID statistics, counted while the output streams.

A ``Ledger`` sits between the build and the ``Writer``: it names each graph
(``<report>/graph`` per report, ``<base>reference/graph``, ``<base>dataset/graph``)
and counts what goes through. The description can only be known at the end, so
``finish`` writes it last; it states the byte size of the very file it is in.

Memory: counting is incremental. What grows with the number of reports is one
small record per report (source file IRI, SHA-256, year, graph name and size,
about 0.3 KB) and the set of subject IRIs that lie outside a report's own IRI
space (its agency and source file), because the description lists every source
file and VoID counts distinct entities. That is some 3 MB for 10,000 reports.
Subjects inside a report's IRI space (``<report>`` and ``<report>/…``) are unique
to that report and only counted.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD, Namespace

from kg.rdf import IANA, bind
from kg.reference import OGI
from kg.resources import data_dir
from kg.write import MEDIA_TYPES, Writer, turtle

VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
FILE_TYPES = {
    "turtle": "RDF_TURTLE",
    "ntriples": "RDF_N_TRIPLES",
    "nquads": "RDF_N_QUADS",
    "trig": "RDF_TRIG",
    "json-ld": "JSON_LD",
}


def report_graph_name(report: URIRef) -> URIRef:
    return URIRef(f"{report}/graph")


def reference_graph_name(base: str) -> URIRef:
    return URIRef(f"{base}reference/graph")


@dataclass(frozen=True)
class Entry:
    """What the description keeps of one report."""

    report: URIRef
    graph: URIRef
    triples: int
    year: int
    source: URIRef
    sha256: str


class Ledger:
    """Names and counts the graphs of one build, then writes the dataset description."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.dataset = URIRef(f"{base}dataset")
        self.reference_name = reference_graph_name(base)
        self.description_name = URIRef(f"{self.dataset}/graph")
        self.entries: list[Entry] = []
        self.reference_triples = 0
        self.triples = 0
        self.own_entities = 0  # subjects in a report's own IRI space: unique, only counted
        self.shared: set[str] = set()  # every other subject IRI
        self.classes: set[str] = set()
        self.properties: set[str] = set()

    def write_reference(self, writer: Writer, graph: Graph) -> None:
        self.reference_triples += len(graph)
        self._count(graph)
        writer.write(graph, self.reference_name)

    def write_report(self, writer: Writer, graph: Graph) -> None:
        """One report's graph (exactly one ``ogi:Report`` in it) into its own named graph."""
        report = next(iter(graph.subjects(RDF.type, OGI.Report)))
        source = graph.value(report, OGI.sourceFile)
        name = report_graph_name(report)
        self.entries.append(
            Entry(report, name, len(graph), int(str(graph.value(report, OGI.year))), source, str(graph.value(source, OGI.sha256)))
        )
        self._count(graph, str(report))
        writer.write(graph, name)

    def _count(self, graph: Graph, own: str | None = None) -> None:
        self.triples += len(graph)
        for s in set(graph.subjects()):
            if not isinstance(s, URIRef):
                continue
            if own and (s == own or s.startswith(own + "/")):
                self.own_entities += 1
            else:
                self.shared.add(str(s))
        self.classes.update(str(o) for o in graph.objects(None, RDF.type))
        self.properties.update(str(p) for p in graph.predicates())

    def description(self, writer: Writer, byte_size: int = 0) -> Graph:
        """The DCAT/VoID description of everything written so far, including itself.

        The statistics count the description's own triples: its shape does not depend on
        the numbers in it, so a draft with zeros tells how much it adds.
        """
        draft = self._describe(writer, byte_size, self._statistics(0, set(), set(), set()))
        subjects = {str(s) for s in draft.subjects() if isinstance(s, URIRef)}
        classes = {str(o) for o in draft.objects(None, RDF.type)}
        properties = {str(p) for p in draft.predicates()}
        return self._describe(writer, byte_size, self._statistics(len(draft), subjects, classes, properties))

    def _statistics(self, own: int, subjects: set[str], classes: set[str], properties: set[str]) -> dict[str, int]:
        return {
            "triples": self.triples + own,
            "entities": self.own_entities + len(self.shared | subjects),
            "classes": len(self.classes | classes),
            "properties": len(self.properties | properties),
            "description": own,
        }

    def distribution(self, writer: Writer) -> URIRef:
        """The distribution that is the file ``writer`` writes."""
        return URIRef(f"{self.base}distribution/{writer.path.name}")

    def _describe(self, writer: Writer, byte_size: int, stats: dict[str, int]) -> Graph:
        g = bind(Graph())
        g.parse(data_dir("ontology") / "dataset.ttl", format="turtle", publicID=self.base)
        add, ds = g.add, self.dataset
        if self.entries:
            period = URIRef(f"{ds}/temporal")
            add((ds, DCTERMS.temporal, period))
            add((period, RDF.type, DCTERMS.PeriodOfTime))
            add((period, DCAT.startDate, Literal(str(min(e.year for e in self.entries)), datatype=XSD.gYear)))
            add((period, DCAT.endDate, Literal(str(max(e.year for e in self.entries)), datatype=XSD.gYear)))
        if modified := os.environ.get("SOURCE_DATE_EPOCH"):  # reproducible builds: a date only when asked for
            day = datetime.fromtimestamp(int(modified), tz=timezone.utc).date().isoformat()
            add((ds, DCTERMS.modified, Literal(day, datatype=XSD.date)))
        for entry in self.entries:
            add((ds, DCTERMS.source, entry.source))
            sha = URIRef(f"{entry.source}/sha256")
            add((entry.source, SPDX.checksum, sha))
            _checksum(g, sha, entry.sha256)

        dist = self.distribution(writer)
        add((ds, DCAT.distribution, dist))
        add((dist, RDF.type, DCAT.Distribution))
        add((dist, DCTERMS.title, Literal(writer.path.name)))
        add((dist, DCAT.mediaType, URIRef(IANA + MEDIA_TYPES[writer.fmt])))
        add((dist, DCTERMS.format, URIRef(FILE_TYPE + FILE_TYPES[writer.fmt])))
        add((dist, DCAT.byteSize, Literal(str(byte_size), datatype=XSD.nonNegativeInteger)))
        for licence in g.objects(ds, DCTERMS.license):
            add((dist, DCTERMS.license, licence))

        add((ds, VOID.triples, _count(stats["triples"])))
        add((ds, VOID.entities, _count(stats["entities"])))
        add((ds, VOID.classes, _count(stats["classes"])))
        add((ds, VOID.properties, _count(stats["properties"])))
        if writer.quads:
            graphs = [(self.reference_name, self.reference_triples), (self.description_name, stats["description"])]
            graphs += [(e.graph, e.triples) for e in self.entries]
            for name, triples in graphs:
                add((ds, VOID.subset, name))
                add((name, RDF.type, VOID.Dataset))
                add((name, VOID.triples, _count(triples)))
        return g

    def finish(self, writer: Writer) -> Graph:
        """Write the description last, stating the finished file's byte size; returns it."""
        size = 0
        for _ in range(8):  # the size's own digits change the size: a few rounds settle it
            graph = self.description(writer, size)
            text = writer.render(graph, self.description_name)
            settled = writer.size_with(text)
            if settled == size:
                break
            size = settled
        else:
            raise RuntimeError("the dataset description's byte size did not settle")
        writer.write_text(text, len(graph))
        return graph


def _count(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.integer)


def _checksum(g: Graph, node: URIRef, hex_digest: str) -> None:
    g.add((node, RDF.type, SPDX.Checksum))
    g.add((node, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((node, SPDX.checksumValue, Literal(hex_digest, datatype=XSD.hexBinary)))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_catalog(path: Path, ledger: Ledger, output: Writer) -> Graph:
    """``catalog.ttl``: the description written into a committed output, plus the output's SHA-256."""
    graph = ledger.description(output, output.path.stat().st_size)
    sha = URIRef(f"{ledger.distribution(output)}/sha256")
    graph.add((ledger.distribution(output), SPDX.checksum, sha))
    _checksum(graph, sha, sha256_file(output.path))
    with Writer(path, "turtle") as catalog:
        catalog.write_text(turtle(graph), len(graph))
    return graph
