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
to that report and only counted. The description itself is streamed too: the
dataset's own part, then the per-report lines in chunks of ``CHUNK`` reports.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD, Namespace

from kg.rdf import IANA, bind
from kg.reference import OGI
from kg.resources import data_dir
from kg.write import MEDIA_TYPES, Writer

VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
CHUNK = 256  # reports a part of the description holds: memory stays flat however many reports there are
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
        self.byte_size = 0  # of the output, once ``finish`` has written the description

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

    def parts(self, writer: Writer, byte_size: int = 0) -> Iterator[Graph]:
        """The description in parts, to stream: the dataset and its statistics, then the per-report lines in chunks."""
        yield self._dataset(writer, byte_size, self._own(writer))
        yield from self._chunks(writer)

    def _dataset(self, writer: Writer, byte_size: int, own: tuple[int, set[str], set[str], set[str]]) -> Graph:
        """The description's head. Its statistics count the description's own triples: its shape does
        not depend on the numbers in it, so a draft with zeros tells how much it adds."""
        draft = self._head(writer, byte_size, self._statistics(own, 0))
        return self._head(writer, byte_size, self._statistics(own, draft))

    def _own(self, writer: Writer, measure: list[int] | None = None) -> tuple[int, set[str], set[str], set[str]]:
        """Triples, subjects, classes and properties of the description's per-report chunks (and their bytes
        as ``writer`` renders them, added to ``measure``)."""
        triples, subjects, classes, properties = 0, set(), set(), set()
        for chunk in self._chunks(writer):
            triples += len(chunk)
            subjects.update(str(s) for s in chunk.subjects() if isinstance(s, URIRef))
            classes.update(str(o) for o in chunk.objects(None, RDF.type))
            properties.update(str(p) for p in chunk.predicates())
            if measure is not None:
                measure.append(len(writer.render(chunk, self.description_name).encode("utf-8")))
        return triples, subjects, classes, properties

    def _statistics(self, own: tuple[int, set[str], set[str], set[str]], head: Graph | int) -> dict[str, int]:
        triples, subjects, classes, properties = own
        if isinstance(head, Graph):  # the dataset's own part, drafted
            triples += len(head)
            subjects = subjects | {str(s) for s in head.subjects() if isinstance(s, URIRef)}
            classes = classes | {str(o) for o in head.objects(None, RDF.type)}
            properties = properties | {str(p) for p in head.predicates()}
        return {
            "triples": self.triples + triples,
            "entities": self.own_entities + len(self.shared | subjects),
            "classes": len(self.classes | classes),
            "properties": len(self.properties | properties),
            "description": triples,
        }

    def distribution(self, writer: Writer) -> URIRef:
        """The distribution that is the file ``writer`` writes."""
        return URIRef(f"{self.base}distribution/{writer.path.name}")

    def _head(self, writer: Writer, byte_size: int, stats: dict[str, int]) -> Graph:
        """The dataset, its distribution and its statistics: the part whose size does not grow with the reports."""
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
            for name, triples in ((self.reference_name, self.reference_triples), (self.description_name, stats["description"])):
                _subset(g, ds, name, triples)
        return g

    def _chunks(self, writer: Writer) -> Iterator[Graph]:
        """Per report: the source file with its SHA-256 and, in quad formats, the report's named graph as a subset."""
        ds = self.dataset
        for start in range(0, len(self.entries), CHUNK):
            g = Graph(store="SimpleMemory")
            for entry in self.entries[start : start + CHUNK]:
                g.add((ds, DCTERMS.source, entry.source))
                sha = URIRef(f"{entry.source}/sha256")
                g.add((entry.source, SPDX.checksum, sha))
                _checksum(g, sha, entry.sha256)
                if writer.quads:
                    _subset(g, ds, entry.graph, entry.triples)
            yield g

    def finish(self, writer: Writer) -> None:
        """Write the description last, stating the finished file's byte size.

        Only the dataset's own part is held while the size settles; the per-report
        chunks are rendered once to be measured and again to be written.
        """
        measured: list[int] = []
        own = self._own(writer, measured)
        tail = sum(measured)
        size = 0
        for _ in range(8):  # the size's own digits change the size: a few rounds settle it
            head = self._dataset(writer, size, own)
            text = writer.render(head, self.description_name)
            settled = writer.size_with(text) + tail
            if settled == size:
                break
            size = settled
        else:
            raise RuntimeError("the dataset description's byte size did not settle")
        self.byte_size = size
        writer.write_text(text, len(head))
        for chunk in self._chunks(writer):
            writer.write(chunk, self.description_name)


def _subset(g: Graph, dataset: URIRef, name: URIRef, triples: int) -> None:
    g.add((dataset, VOID.subset, name))
    g.add((name, RDF.type, VOID.Dataset))
    g.add((name, VOID.triples, _count(triples)))


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


def write_catalog(path: Path, ledger: Ledger, output: Writer) -> int:
    """``catalog.ttl``: the description written into a committed output, plus the output's SHA-256; its triples."""
    parts = ledger.parts(output, output.path.stat().st_size)
    head = next(parts)
    sha = URIRef(f"{ledger.distribution(output)}/sha256")
    head.add((ledger.distribution(output), SPDX.checksum, sha))
    _checksum(head, sha, sha256_file(output.path))
    with Writer(path, "turtle") as catalog:
        catalog.write(head)
        for part in parts:
            catalog.write(part)
    return catalog.triples
