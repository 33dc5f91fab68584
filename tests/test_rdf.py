"""Reports as RDF: IRIs minted from what identifies a thing, so they are stable and shared across reports."""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF

from kg.pipeline import parse
from kg.rdf import DEFAULT_BASE, report_graph, report_iri
from kg.reference import OGI

AGENCY = URIRef(DEFAULT_BASE + "agency/mfa")


def test_the_same_report_parsed_twice_gives_the_same_triples(corpus):
    for name in ("mfa-2011.txt", "mfa-2024.txt"):
        first = set(report_graph(parse(corpus[name])))
        second = set(report_graph(parse(corpus[name])))
        assert first == second


def test_iris_are_minted_from_agency_year_indicator_and_dimensions(reports):
    report = reports["mfa-2023.md"]
    graph = report_graph(report)
    r = report_iri(report)
    assert r == URIRef(DEFAULT_BASE + "report/mfa/2023")
    assert (r, RDF.type, OGI.Report) in graph
    fees = URIRef(f"{r}/metric/fees-amount/matter=fees")
    assert (fees, OGI.reportedIn, r) in graph
    assert str(graph.value(fees, OGI.value)) == "52706597"
    cell = URIRef(f"{r}/metric/applications-handled/applicant=total/outcome=internal-affairs")
    assert str(graph.value(cell, OGI.value)) == "2"
    source = graph.value(r, OGI.sourceFile)
    assert source == URIRef(f"{DEFAULT_BASE}source/{report.source.sha256}")


def test_every_metric_iri_is_unique_and_under_its_report(reports):
    for report in reports.values():
        graph = report_graph(report)
        r = str(report_iri(report))
        metrics = set(graph.subjects(RDF.type, OGI.Metric))
        assert len(metrics) == len(report.metrics)
        assert all(str(m).startswith(r + "/metric/") for m in metrics)


def test_the_agency_iri_is_shared_by_all_five_reports(reports, graph):
    for report in reports.values():
        assert (report_iri(report), DCTERMS.publisher, AGENCY) in report_graph(report)
    publishers = {graph.value(r, DCTERMS.publisher) for r in graph.subjects(RDF.type, OGI.Report)}
    assert publishers == {AGENCY}
    assert len(set(graph.subjects(RDF.type, OGI.Agency))) == 1


def test_shared_concepts_are_the_same_nodes_in_every_report(graph):
    """Indicators and units are reference concepts, not per-report copies: one query spans both eras."""
    received = URIRef("https://w3id.org/cn-ogi/def/indicator/applications-received")
    years = {str(graph.value(m, OGI.year)) for m in graph.subjects(OGI.indicator, received) if (m, RDF.type, OGI.Metric) in graph}
    assert years >= {"2011", "2012", "2019", "2023", "2024"}


@pytest.mark.parametrize("base", ["http://example.org/ogi/", "urn:x-ogi:"])
def test_base_iri_is_configurable(reports, base):
    graph = report_graph(reports["mfa-2019.md"], base)
    data = {str(s) for s in graph.subjects() if not str(s).startswith("https://w3id.org/cn-ogi/def")}
    assert data and all(s.startswith(base) for s in data)
