"""Every output format of the bundled build: the same triples, named graphs in quad formats, byte-identical runs."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, kg
from rdflib import Dataset, Graph, URIRef

from kg.rdf import PREFIXES

BASE = "https://w3id.org/cn-ogi/id/"
SUFFIXES = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}
QUADS = {"nq", "trig", "jsonld"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, object]:
    """The bundled corpus built once in each format (no SHACL: the build tests check that)."""
    folder = tmp_path_factory.mktemp("formats")
    files = {}
    for suffix in SUFFIXES:
        out = folder / f"reports.{suffix}"
        result = kg("build", "--out", str(out), "--no-validate")
        assert result.returncode == 0, result.stderr
        files[suffix] = out
    return files


def _parse(path, suffix) -> Dataset:
    dataset = Dataset()
    dataset.parse(path, format=SUFFIXES[suffix])
    return dataset


def _data(triples) -> set:
    """Every triple but those of the dataset description (it names the file and its size, so it differs by format)."""
    description = {f"{BASE}dataset", f"{BASE}catalog", f"{BASE}publisher"}
    return {
        t
        for t in triples
        if str(t[0]) not in description
        and not str(t[0]).startswith((f"{BASE}distribution/", f"{BASE}dataset/"))
        and not str(t[0]).endswith(("/sha256", "/graph"))
        and t[1] != URIRef("http://spdx.org/rdf/terms#checksum")
    }


def test_every_format_parses_back_to_the_same_triples(outputs):
    union = {suffix: {(s, p, o) for s, p, o, _ in _parse(path, suffix).quads()} for suffix, path in outputs.items()}
    reference = _data(union["nt"])
    assert len(reference) > 5000
    for suffix, triples in union.items():
        assert _data(triples) == reference, suffix
        assert len(triples) - len(reference) > 50, f"{suffix}: the dataset description is missing"


def test_quad_formats_give_each_report_its_own_graph(outputs):
    graphs = {}
    for suffix in QUADS:
        dataset = _parse(outputs[suffix], suffix)
        graphs[suffix] = {str(g.identifier): g for g in dataset.graphs() if len(g)}
    names = set(graphs["nq"])
    assert names == {f"{BASE}report/mfa/{y}/graph" for y in (2011, 2012, 2019, 2023, 2024)} | {
        f"{BASE}reference/graph",
        f"{BASE}dataset/graph",
    }
    for suffix in QUADS:
        assert set(graphs[suffix]) == names, suffix
        for name in names - {f"{BASE}dataset/graph"}:
            assert set(graphs[suffix][name]) == set(graphs["nq"][name]), (suffix, name)
    report = graphs["nq"][f"{BASE}report/mfa/2023/graph"]
    assert (URIRef(f"{BASE}report/mfa/2023"), None, None) in report
    assert (URIRef(f"{BASE}report/mfa/2012"), None, None) not in report


def test_every_format_is_byte_identical_across_runs(outputs, tmp_path):
    # N-Triples rows are N-Quads rows without the graph, Turtle blocks are TriG blocks without braces:
    # a second build of the quad formats in a new process (new hash seed) checks every writer.
    for suffix in QUADS:
        first = outputs[suffix]
        again = tmp_path / first.name
        result = kg("build", "--out", str(again), "--no-validate")
        assert result.returncode == 0, result.stderr
        assert again.read_bytes() == first.read_bytes(), suffix


def test_format_option_overrides_the_suffix_and_bad_names_are_one_line(tmp_path):
    out = tmp_path / "reports.data"
    unknown = kg("build", "--out", str(out))
    assert unknown.returncode == 1
    assert "cannot tell the format from 'reports.data'" in unknown.stderr and ".nq" in unknown.stderr
    assert not out.exists()
    chosen = kg("build", "--out", str(out), "--format", "trig", "--no-validate")
    assert chosen.returncode == 0, chosen.stderr
    assert "application/trig" in chosen.stderr
    assert sum(1 for g in _parse(out, "trig").graphs() if len(g)) == 7


def test_jsonld_is_one_graph_array_under_the_shipped_context(outputs):
    document = json.loads(outputs["jsonld"].read_text(encoding="utf-8"))
    shipped = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert document["@context"] == shipped == PREFIXES
    assert {g["@id"] for g in document["@graph"]} >= {f"{BASE}reference/graph", f"{BASE}dataset/graph"}
    metric = next(n for g in document["@graph"] for n in g["@graph"] if "ogi:Metric" in n.get("@type", []))
    assert metric["ogi:value"][0]["@type"] == "xsd:decimal"


def test_turtle_output_states_its_prefixes_once(outputs):
    text = outputs["ttl"].read_text(encoding="utf-8")
    assert text.count("@prefix void: ") == 1
    Graph().parse(data=text, format="turtle")
