"""Stage 6, write: stream graphs to one output file, deterministically and atomically.

Output is written to a temporary file beside the target and renamed into place
only when complete, so a failed build never leaves half a file. Each report's
triples are written as soon as the report is parsed; nothing holds the whole
corpus. Subjects, predicates and objects are sorted, so the same inputs give
byte-identical output.

Triple formats (Turtle, N-Triples) put everything in the default graph. Quad
formats (N-Quads, TriG, JSON-LD) give each graph written its own name: one per
report, one for the reference data, one for the dataset description. JSON-LD is
one top-level object whose ``@graph`` array holds one named-graph object per
graph, written as it comes, under the context shipped in ``ontology/context.jsonld``.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import IO

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD, NamespaceManager
from rdflib.plugins.serializers.nt import _nt_row

from kg.rdf import PREFIXES
from kg.resources import data_dir

FORMATS = {".ttl": "turtle", ".nt": "ntriples", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld"}
MEDIA_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "json-ld": "application/ld+json",
}
QUAD_FORMATS = frozenset({"nquads", "trig", "json-ld"})


def format_for(path: Path, name: str | None = None) -> str:
    if name:
        if name not in MEDIA_TYPES:
            raise ValueError(f"unknown format {name!r}; choose one of {', '.join(MEDIA_TYPES)}")
        return name
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        suffixes = ", ".join(FORMATS)
        raise ValueError(f"cannot tell the format from {path.name!r}; use a name ending in {suffixes}, or --format") from None


class Writer:
    """Writes graphs one after the other into ``path`` in ``fmt``; ``commit`` publishes the file.

    ``name`` gives a graph its name in quad formats; triple formats ignore it.
    """

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        self.quads = fmt in QUAD_FORMATS
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, self._tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        self._out: IO[str] = os.fdopen(handle, "w", encoding="utf-8", newline="\n")
        self.triples = 0
        self._empty = True  # nothing written into the JSON-LD @graph array yet
        if fmt in ("turtle", "trig"):
            self._out.writelines(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())
        elif fmt == "json-ld":
            self._out.write('{"@context": ' + json.dumps(jsonld_context(), ensure_ascii=False, indent=1) + ',\n"@graph": [\n')

    def render(self, graph: Graph, name: URIRef | None = None) -> str:
        """The text ``write`` would append for this graph."""
        name = name if self.quads else None
        if self.fmt in ("ntriples", "nquads"):
            rows = (_nt_row(t) for t in graph)
            if name is not None:
                context = f" {name.n3()} .\n"
                rows = (row[:-3] + context for row in rows)
            return "".join(sorted(rows))
        if self.fmt == "json-ld":
            return ("" if self._empty else ",\n") + jsonld(graph, name)
        body = turtle(graph)
        return body if self.fmt == "turtle" else f"\n{name.n3() if name is not None else ''} {{{body}}}\n"

    def write(self, graph: Graph, name: URIRef | None = None) -> None:
        self.write_text(self.render(graph, name), len(graph))

    def write_text(self, text: str, triples: int) -> None:
        """Append text made by ``render``, holding ``triples`` statements."""
        self._out.write(text)
        self.triples += triples
        self._empty = self._empty and not text

    def size_with(self, text: str) -> int:
        """Bytes the finished file will have if ``text`` is the last thing written."""
        self._out.flush()
        return self._out.buffer.tell() + len(text.encode("utf-8")) + len(self._tail().encode("utf-8"))

    def _tail(self) -> str:
        return "\n]}\n" if self.fmt == "json-ld" else ""

    def commit(self) -> None:
        self._out.write(self._tail())
        self._out.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self._tmp, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's owner-only mode
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        self._out.close()
        Path(self._tmp).unlink(missing_ok=True)

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, kind, *_) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


@cache
def _prefixes() -> NamespaceManager:
    """Prefixed names for exactly the prefixes an output declares (``PREFIXES``), whatever a graph has bound."""
    nsm = NamespaceManager(Graph(bind_namespaces="none"), bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        nsm.bind(prefix, namespace, override=True, replace=True)
    return nsm


def turtle(graph: Graph) -> str:
    """Turtle statements (no prefix lines) for a graph, sorted, one subject block each."""
    nsm = _prefixes()
    blocks: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    written: dict[URIRef, str] = {}  # each IRI abbreviated once a graph (3x faster)

    def n3(term) -> str:
        if type(term) is not URIRef:
            return term.n3(nsm)
        text = written.get(term)
        if text is None:
            text = written[term] = term.n3(nsm)
        return text

    for s, p, o in graph:
        blocks[n3(s)]["a" if p == RDF.type else n3(p)].append(n3(o))
    out = []
    for subject in sorted(blocks):
        predicates = blocks[subject]
        lines = [f"    {p} {' , '.join(sorted(predicates[p]))}" for p in sorted(predicates, key=_type_first)]
        out.append(f"\n{subject}\n" + " ;\n".join(lines) + " .\n")
    nsm.reset()  # it caches every IRI it has abbreviated: keep memory flat across reports
    return "".join(out)


def _predicate(p: URIRef, nsm) -> str:
    return "a" if p == RDF.type else p.n3(nsm)


def _type_first(p: str) -> tuple[int, str]:
    return (0 if p == "a" else 1, p)


@cache
def jsonld_context() -> dict[str, str]:
    """The JSON-LD context: the output's prefixes. ``ontology/context.jsonld`` publishes it (``save_context``)."""
    return dict(PREFIXES)


def save_context() -> None:
    """Rewrite ``ontology/context.jsonld`` from ``PREFIXES``: ``python -c 'import kg.write as w; w.save_context()'``."""
    text = json.dumps({"@context": jsonld_context()}, ensure_ascii=False, indent=2) + "\n"
    (data_dir("ontology") / "context.jsonld").write_text(text, encoding="utf-8")


@cache
def _namespaces() -> tuple[tuple[str, str], ...]:
    """(namespace, prefix), longest namespace first, for compact IRIs."""
    return tuple(sorted(((ns, p) for p, ns in jsonld_context().items()), key=lambda x: (-len(x[0]), x[0])))


def _compact(iri: str) -> str:
    for namespace, prefix in _namespaces():
        if iri.startswith(namespace) and len(iri) > len(namespace) and not iri[len(namespace) :].startswith("//"):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _jsonld_term(term) -> object:
    if isinstance(term, Literal):
        if term.language:
            return {"@value": str(term), "@language": term.language}
        if term.datatype is not None and term.datatype != XSD.string:
            return {"@value": str(term), "@type": _compact(str(term.datatype))}
        return str(term)
    if isinstance(term, BNode):
        return {"@id": f"_:{term}"}
    return {"@id": _compact(str(term))}


def jsonld(graph: Graph, name: URIRef | None = None) -> str:
    """One JSON-LD named-graph object (or, without ``name``, the bare node objects), sorted, one node a line."""
    nodes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        nodes[s.n3()][p.n3()].append(o)
    lines = []
    for subject in sorted(nodes):
        predicates = nodes[subject]
        node: dict[str, object] = {"@id": subject[1:-1] if subject.startswith("<") else subject}
        node["@id"] = _compact(str(node["@id"]))
        if RDF.type.n3() in predicates:
            node["@type"] = [_compact(str(o)) for o in sorted(predicates.pop(RDF.type.n3()), key=lambda o: o.n3())]
        for p in sorted(predicates, key=lambda p: _compact(p[1:-1])):
            node[_compact(p[1:-1])] = [_jsonld_term(o) for o in sorted(predicates[p], key=lambda o: o.n3())]
        lines.append(json.dumps(node, ensure_ascii=False))
    if name is None:
        return ",\n".join(lines)
    return '{"@id": ' + json.dumps(_compact(str(name))) + ', "@graph": [\n' + ",\n".join(lines) + "\n]}"


def write_all(path: Path, fmt: str, graphs: Iterable[Graph]) -> int:
    """Write every graph into ``path``; returns the number of triples written."""
    with Writer(path, fmt) as writer:
        for graph in graphs:
            writer.write(graph)
    return writer.triples
