"""Stage 7, validate: SHACL shapes in ``shapes/`` checked with pySHACL.

Validation runs report by report (each report's graph plus the reference data),
so its cost grows with the number of reports, not with their square.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SH

from kg.rdf import reference_graph
from kg.resources import data_dir


@dataclass(frozen=True)
class Finding:
    severity: str  # "Violation", "Warning", "Info"
    focus: str  # label of the focus node, or its IRI
    path: str
    message: str


@cache
def shapes_graph() -> Graph:
    graph = Graph()
    for path in sorted(data_dir("shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def validate(graph: Graph) -> list[Finding]:
    """SHACL findings for one report's graph, read together with the reference data."""
    from pyshacl import validate as shacl

    data = Graph()
    for triple in graph:
        data.add(triple)
    for triple in reference_graph():
        data.add(triple)
    _, results, _ = shacl(data, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True)
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        label = data.value(focus, RDFS.label) or focus
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal))
        findings.append(
            Finding(
                severity=str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
                focus=str(label),
                path=str(results.value(result, SH.resultPath) or ""),
                message=" / ".join(messages),
            )
        )
    return sorted(findings, key=lambda f: (f.severity, f.focus, f.path, f.message))
