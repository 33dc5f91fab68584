"""Graph files and reports loaded into a pyoxigraph store, the engine behind ``kg serve`` and ``kg query``.

Each report built here goes into its own named graph (``<report IRI>/graph``) and the reference
data into ``<base>reference/graph``, the names the quad output formats use; a graph file's
triples go into a graph named by the file's URI (quads keep their graphs). The default graph
is the merge of all of them (each triple once).

The bundled corpus is built once and kept in an on-disk store in the user's cache, keyed by
the contents of the package (code, ontology, corpus), so a changed parser rebuilds it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.resources import bundled_corpus, data_dir

RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".n3": ox.RdfFormat.N3,
}
QUAD_FORMATS = {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG}


@dataclass
class Loaded:
    """What went into a store."""

    triples: int = 0
    reports: int = 0
    files: int = 0
    errors: list[str] = field(default_factory=list)  # one line each, naming the file


def is_rdf(path: Path) -> bool:
    return path.suffix.lower() in RDF_SUFFIXES


def load(
    inputs: Iterable[Path], directory: Path | None = None, jobs: int = 1, base: str | None = None
) -> tuple[ox.Store, Loaded]:
    """A store (on disk in ``directory``, else in memory) holding the graph files and reports given."""
    store = ox.Store(str(directory)) if directory else ox.Store()
    loaded = Loaded()
    paths = list(inputs)
    reports = [p for p in paths if not is_rdf(p)]
    for path in (p for p in paths if is_rdf(p)):
        fmt = RDF_SUFFIXES[path.suffix.lower()]
        try:
            if fmt in QUAD_FORMATS:
                store.bulk_load(path=str(path), format=fmt)
                _merge(store, (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=fmt)))
            else:
                store.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode(path.resolve().as_uri()))
                store.bulk_load(path=str(path), format=fmt)  # and into the default graph
            loaded.files += 1
        except (SyntaxError, ValueError, OSError) as exc:
            loaded.errors.append(f"{path}: not readable as {fmt.name}: {_one_line(exc)}")
    if reports:
        _load_reports(store, reports, loaded, jobs, base)
    loaded.triples = default_size(store)
    return store, loaded


def _load_reports(store: ox.Store, paths: list[Path], loaded: Loaded, jobs: int, base: str | None) -> None:
    from kg.catalog import reference_graph_name, report_graph_name
    from kg.model import InputError
    from kg.pipeline import run
    from kg.rdf import DEFAULT_BASE, reference_graph, report_graph, report_iri

    base = base or DEFAULT_BASE
    seen: dict[tuple[str, int], Path] = {}
    for path, result in run(paths, jobs):
        if isinstance(result, InputError):
            loaded.errors.append(f"{path}: {result}")
            continue
        key = (result.agency.key, result.year)
        if key in seen:
            loaded.errors.append(f"{path}: a second report for {result.agency.name} {result.year} (first: {seen[key]}); skipped")
            continue
        seen[key] = path
        graph = report_graph(result, base)
        _both(store, graph.serialize(format="nt", encoding="utf-8"), str(report_graph_name(report_iri(result, base))))
        loaded.reports += 1
    if loaded.reports:
        _both(store, reference_graph().serialize(format="nt", encoding="utf-8"), str(reference_graph_name(base)))


# The default graph is the RDF merge of all graphs: every triple is loaded into its named graph and
# into the default graph, where a triple held by several graphs is stored once.


def _both(store: ox.Store, ntriples: bytes, graph: str) -> None:
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)


def _merge(store: ox.Store, triples: Iterable[ox.Triple]) -> None:
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def cache_root() -> Path:
    """Where built stores are kept: $KG_CACHE_DIR, else $XDG_CACHE_HOME/kg, else ~/.cache/kg."""
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg"


def bundled_key() -> str:
    """A digest of everything the bundled graph is made from: the code, the ontology and the corpus."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(ox.__version__.encode())
    files = sorted(package.rglob("*.py")) + sorted(data_dir("ontology").glob("*.ttl")) + bundled_corpus()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def bundled_store(say: Callable[[str], None] = lambda _: None) -> Path:
    """The on-disk store of the bundled corpus, built into the cache when missing or stale."""
    root = cache_root()
    target = root / f"bundled-{bundled_key()}"
    if (target / "READY").exists():
        os.utime(target)
        return target
    root.mkdir(parents=True, exist_ok=True)
    say("building the bundled corpus into a query store (once; kept in the cache)")
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    try:
        store, loaded = load(bundled_corpus(), work / "store")
        store.flush()
        del store
        (work / "store" / "READY").write_text(f"{loaded.triples}\n")  # marks a complete store
        try:
            os.replace(work / "store", target)
        except OSError:  # built meanwhile by another process
            if not (target / "READY").exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in root.glob("bundled-*"):  # stale ones, once no server started in the last day can be using them
        if old != target and time.time() - old.stat().st_mtime > 86400:
            shutil.rmtree(old, ignore_errors=True)
    return target


def graph_sizes(store: ox.Store) -> dict[str, int]:
    """Triples in each named graph."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    return {row["g"].value: int(row["n"].value) for row in store.query(query)}


def default_size(store: ox.Store) -> int:
    """Triples in the default graph."""
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
