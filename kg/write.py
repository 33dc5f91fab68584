"""Stage 6, write: stream graphs to one output file, deterministically and atomically.

Output is written to a temporary file beside the target and renamed into place
only when complete, so a failed build never leaves half a file. Each report's
triples are written as soon as the report is parsed; nothing holds the whole
corpus. Subjects, predicates and objects are sorted, so the same inputs give
byte-identical output.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.serializers.nt import _nt_row

from kg.rdf import PREFIXES

FORMATS = {".ttl": "turtle", ".nt": "ntriples"}
MEDIA_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples"}


def format_for(path: Path, name: str | None = None) -> str:
    if name:
        if name not in MEDIA_TYPES:
            raise ValueError(f"unknown format {name!r}; choose one of {', '.join(MEDIA_TYPES)}")
        return name
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"cannot tell the format from {path.name!r}; use a .ttl or .nt name, or --format") from None


class Writer:
    """Writes graphs one after the other into ``path`` in ``fmt``; ``commit`` publishes the file."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, self._tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        self._out: IO[str] = os.fdopen(handle, "w", encoding="utf-8", newline="\n")
        self.triples = 0
        if fmt == "turtle":
            for prefix, namespace in PREFIXES.items():
                self._out.write(f"@prefix {prefix}: <{namespace}> .\n")

    def write(self, graph: Graph) -> None:
        self.triples += len(graph)
        if self.fmt == "ntriples":
            self._out.writelines(sorted(_nt_row(t) for t in graph))
        else:
            self._out.write(turtle(graph))

    def commit(self) -> None:
        self._out.close()
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


def turtle(graph: Graph) -> str:
    """Turtle statements (no prefix lines) for a graph, sorted, one subject block each."""
    nsm = graph.namespace_manager
    blocks: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        blocks[s.n3(nsm)][_predicate(p, nsm)].append(o.n3(nsm))
    out = []
    for subject in sorted(blocks):
        predicates = blocks[subject]
        lines = [f"    {p} {' , '.join(sorted(predicates[p]))}" for p in sorted(predicates, key=_type_first)]
        out.append(f"\n{subject}\n" + " ;\n".join(lines) + " .\n")
    return "".join(out)


def _predicate(p: URIRef, nsm) -> str:
    return "a" if p == RDF.type else p.n3(nsm)


def _type_first(p: str) -> tuple[int, str]:
    return (0 if p == "a" else 1, p)


def write_all(path: Path, fmt: str, graphs: Iterable[Graph]) -> int:
    """Write every graph into ``path``; returns the number of triples written."""
    with Writer(path, fmt) as writer:
        for graph in graphs:
            writer.write(graph)
    return writer.triples
