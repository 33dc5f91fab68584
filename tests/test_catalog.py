"""The dataset description: DCAT/VoID written last into the output, right about the file it is in; catalog.ttl."""

from __future__ import annotations

import hashlib

import pytest
from conftest import kg
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from kg.validate import validate

BASE = "https://w3id.org/cn-ogi/id/"
DATASET = URIRef(f"{BASE}dataset")
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("catalog")
    out, catalog = folder / "reports.nq", folder / "catalog.ttl"
    result = kg("build", "--out", str(out), "--catalog", str(catalog))
    assert result.returncode == 0, result.stderr
    assert "dataset description" not in result.stderr  # no SHACL finding on it
    return out, catalog


def _description(out) -> tuple[Dataset, Graph]:
    dataset = Dataset()
    dataset.parse(out, format="nquads")
    return dataset, dataset.graph(URIRef(f"{DATASET}/graph"))


def _int(graph, subject, prop) -> int:
    return int(graph.value(subject, URIRef(VOID + prop)))


def test_description_is_written_last_and_states_the_files_own_size(build):
    out, _ = build
    last = out.read_text(encoding="utf-8").splitlines()[-1]
    assert last.endswith(f"<{DATASET}/graph> .")
    _, description = _description(out)
    distribution = URIRef(f"{BASE}distribution/reports.nq")
    assert (DATASET, DCAT.distribution, distribution) in description
    assert description.value(distribution, DCAT.byteSize) == Literal(str(out.stat().st_size), datatype=XSD.nonNegativeInteger)
    assert description.value(distribution, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/application/n-quads"
    )


def test_void_statistics_match_the_file(build):
    out, _ = build
    dataset, description = _description(out)
    quads = list(dataset.quads((None, None, None, None)))
    union = {(s, p, o) for s, p, o, _ in quads}
    assert _int(description, DATASET, "triples") == len(quads) == len(union)
    assert _int(description, DATASET, "entities") == len({s for s, _, _ in union if isinstance(s, URIRef)})
    assert _int(description, DATASET, "classes") == len({o for _, p, o in union if p == RDF.type})
    assert _int(description, DATASET, "properties") == len({p for _, p, _ in union})
    subsets = set(description.objects(DATASET, URIRef(VOID + "subset")))
    named = {g.identifier for g in dataset.graphs() if len(g)}
    assert subsets == named and len(named) == 7
    for graph in named:
        assert _int(description, graph, "triples") == len(dataset.graph(graph))


def test_sources_years_and_languages(build, corpus):
    out, _ = build
    _, description = _description(out)
    sums = {hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus.values()}
    sources = set(description.objects(DATASET, DCTERMS.source))
    found = {
        str(description.value(description.value(s, URIRef(SPDX + "checksum")), URIRef(SPDX + "checksumValue"))) for s in sources
    }
    assert found == sums
    period = description.value(DATASET, DCTERMS.temporal)
    assert description.value(period, DCAT.startDate) == Literal("2011", datatype=XSD.gYear)
    assert description.value(period, DCAT.endDate) == Literal("2024", datatype=XSD.gYear)
    assert {t.language for t in description.objects(DATASET, DCTERMS.title)} == {"zh-Hans", "en"}
    assert URIRef("http://sws.geonames.org/1814991/") in set(description.objects(DATASET, DCTERMS.spatial))


def test_catalog_file_adds_the_outputs_checksum_and_passes_the_shapes(build):
    out, catalog = build
    graph = Graph().parse(catalog, format="turtle")
    distribution = URIRef(f"{BASE}distribution/reports.nq")
    checksum = graph.value(distribution, URIRef(SPDX + "checksum"))
    assert str(graph.value(checksum, URIRef(SPDX + "checksumValue"))) == hashlib.sha256(out.read_bytes()).hexdigest()
    _, inside = _description(out)
    assert {t for t in graph if t[0] != distribution and t[0] != checksum} == {t for t in inside if t[0] != distribution}
    assert validate(graph) == []


def test_shapes_catch_a_description_without_english_or_checksums(build):
    _, catalog = build
    graph = Graph().parse(catalog, format="turtle")
    graph.remove(
        (DATASET, DCTERMS.title, Literal("Knowledge graph of Chinese open-government-information annual reports", lang="en"))
    )
    for checksum in list(graph.subjects(RDF.type, URIRef(SPDX + "Checksum"))):
        graph.remove((checksum, URIRef(SPDX + "checksumValue"), None))
    messages = {f.message for f in validate(graph)}
    assert any("title in Chinese and in English" in m for m in messages)
    assert any("SHA-256" in m for m in messages)
