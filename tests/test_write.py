"""Writing: sorted and deterministic, atomic (all or nothing), and the same graph in every syntax."""

from __future__ import annotations

import pytest
from conftest import kg
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from kg.rdf import reference_graph, report_graph
from kg.write import Writer


@pytest.fixture(scope="module")
def graphs(reports):
    return [reference_graph()] + [report_graph(reports[name]) for name in sorted(reports)]


def _write(path, fmt, graphs) -> bytes:
    with Writer(path, fmt) as writer:
        for graph in graphs:
            writer.write(graph)
    return path.read_bytes()


def test_turtle_and_ntriples_hold_the_same_graph(graphs, tmp_path):
    _write(tmp_path / "r.ttl", "turtle", graphs)
    _write(tmp_path / "r.nt", "ntriples", graphs)
    turtle = Graph().parse(tmp_path / "r.ttl", format="turtle")
    ntriples = Graph().parse(tmp_path / "r.nt", format="nt")
    assert len(turtle) > 5000
    union = Graph()
    for graph in graphs:
        union += graph
    if any(isinstance(term, BNode) for triple in union for term in triple):
        assert isomorphic(turtle, ntriples) and isomorphic(turtle, union)
    else:  # no blank nodes: the graphs are equal as sets of triples
        assert set(turtle) == set(ntriples) == set(union)


def test_the_same_graphs_give_the_same_bytes_in_any_order_of_triples(graphs, tmp_path):
    graphs = graphs[:3]  # the reference data and two reports
    shuffled = []
    for graph in graphs:
        copy = Graph()
        for triple in sorted(graph, reverse=True):
            copy.add(triple)
        shuffled.append(copy)
    assert _write(tmp_path / "a.ttl", "turtle", graphs) == _write(tmp_path / "b.ttl", "turtle", shuffled)
    assert _write(tmp_path / "a.nt", "ntriples", graphs) == _write(tmp_path / "b.nt", "ntriples", shuffled)


def test_two_builds_are_byte_identical_whatever_the_hash_seed(built, tmp_path):
    """A second build in a process with another hash seed writes exactly the same file (named alike: the dataset
    description names its distribution by file name)."""
    again = tmp_path / built.name
    result = kg("build", "--out", str(again), env={"PYTHONHASHSEED": "12345"})
    assert result.returncode == 0, result.stderr
    assert again.read_bytes() == built.read_bytes()


def test_a_failed_write_leaves_no_file_and_no_temporary_file(graphs, tmp_path):
    out = tmp_path / "out" / "r.ttl"
    with pytest.raises(RuntimeError), Writer(out, "turtle") as writer:
        writer.write(graphs[1])
        raise RuntimeError("the build failed half way")
    assert list(out.parent.iterdir()) == []


def test_a_failed_write_keeps_the_previous_output(graphs, tmp_path):
    out = tmp_path / "r.ttl"
    out.write_text("previous build\n", encoding="utf-8")
    writer = Writer(out, "turtle")
    writer.write(graphs[1])
    assert out.read_text(encoding="utf-8") == "previous build\n"  # nothing visible until commit
    writer.abort()
    assert out.read_text(encoding="utf-8") == "previous build\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.ttl"]


def test_commit_replaces_the_file_whole(graphs, tmp_path):
    out = tmp_path / "r.nt"
    out.write_text("previous build\n", encoding="utf-8")
    _write(out, "ntriples", graphs[1:2])
    text = out.read_text(encoding="utf-8")
    assert "previous build" not in text
    assert text.endswith(" .\n") and len(text.splitlines()) == len(graphs[1])
    assert [p.name for p in tmp_path.iterdir()] == ["r.nt"]
