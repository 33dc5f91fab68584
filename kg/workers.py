"""Query workers: child processes that open the store read-only and answer one query at a time.

pyoxigraph cannot stop a running query, so the time limit is kept from outside: a worker
that does not answer in time is killed and replaced. The result-size limit is kept while the
results are written, so an oversized answer is never held in memory. Where the system
allows it, a worker gives itself a new, empty network namespace before opening the store:
even a query that slipped past the endpoint's refusals could not reach another machine.
"""

from __future__ import annotations

import ctypes
import io
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

STARTUP_SECONDS = 900  # a worker loading millions of quads into memory on a busy machine takes minutes


@dataclass(frozen=True)
class Request:
    """One query and how to answer it."""

    query: str
    media_type: str  # one of kg.sparql.RESULT_TYPES or GRAPH_TYPES
    default_graphs: tuple[str, ...] | None = None  # the protocol's dataset; None: the query's, else the store's
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 10_000


class QueryError(Exception):
    """A query the endpoint will not or cannot answer: an HTTP status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class TooManyRows(Exception):
    pass


class _Counted(io.RawIOBase):
    """A byte sink that stops the writer once more than ``limit`` lines have been written."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.lines = 0
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self.parts.append(data)
        self.lines += data.count(b"\n")
        if self.lines > self.limit:
            raise TooManyRows
        return len(data)

    def value(self) -> bytes:
        return b"".join(self.parts)


def execute(store, request: Request, prefixes: dict[str, str] | None = None) -> tuple[str, bytes]:
    """Run one query on a pyoxigraph store; the media type and bytes of its answer."""
    import pyoxigraph as ox

    from kg.sparql import GRAPH_TYPES, RESULT_TYPES

    options: dict = {}
    if request.default_graphs is not None or request.named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs or ()]
        options["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs or ()]
    try:
        answer = store.query(request.query, prefixes=prefixes, **options)
    except SyntaxError as exc:
        raise QueryError(400, f"malformed query: {' '.join(str(exc).split())}") from None
    media = request.media_type
    if isinstance(answer, ox.QueryBoolean):
        media = media if media in RESULT_TYPES else "application/sparql-results+json"
        return media, answer.serialize(format=_results_format(media))
    if isinstance(answer, ox.QuerySolutions):
        media = media if media in RESULT_TYPES else "application/sparql-results+json"
        sink = _Counted(request.max_rows + 1)  # the header line and max_rows rows
        try:
            answer.serialize(sink, format=ox.QueryResultsFormat.TSV)
        except TooManyRows:
            raise QueryError(413, _too_many(request.max_rows, "rows")) from None
        if media == "text/tab-separated-values":
            return media, sink.value()
        rows = ox.parse_query_results(sink.value(), format=ox.QueryResultsFormat.TSV)
        return media, rows.serialize(format=_results_format(media))
    media = media if media in GRAPH_TYPES else "text/turtle"
    sink = _Counted(request.max_rows)
    try:
        ox.serialize(answer, sink, format=ox.RdfFormat.N_TRIPLES)
    except TooManyRows:
        raise QueryError(413, _too_many(request.max_rows, "triples")) from None
    if media == "application/n-triples":
        return media, sink.value()
    triples = ox.parse(sink.value(), format=ox.RdfFormat.N_TRIPLES)
    fmt = {
        "text/turtle": ox.RdfFormat.TURTLE,
        "application/ld+json": ox.RdfFormat.JSON_LD,
        "application/rdf+xml": ox.RdfFormat.RDF_XML,
    }[media]
    return media, ox.serialize(triples, format=fmt, prefixes=prefixes if fmt != ox.RdfFormat.JSON_LD else None)


def _results_format(media: str):
    import pyoxigraph as ox

    return {
        "application/sparql-results+json": ox.QueryResultsFormat.JSON,
        "application/sparql-results+xml": ox.QueryResultsFormat.XML,
        "text/csv": ox.QueryResultsFormat.CSV,
        "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    }[media]


def _too_many(limit: int, what: str) -> str:
    return f"the answer has more than {limit:,} {what}, this endpoint's result limit; add a LIMIT or narrow the query"


# ---------------------------------------------------------------- the worker process


def isolate_network() -> bool:
    """Move this (still single-threaded) process into new user and network namespaces: no network at all."""
    if not sys.platform.startswith("linux"):
        return False
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(clone_newuser | clone_newnet) == 0
    except (OSError, AttributeError):
        return False


def main(argv: list[str]) -> None:
    """Worker entry point: ``python -m kg.workers FD SOURCE memory|disk``: an N-Quads file loaded into
    memory, or an on-disk store opened read-only."""
    conn = Connection(int(argv[1]))
    isolated = isolate_network()
    import pyoxigraph as ox

    try:
        if argv[3] == "memory":
            store = ox.Store()
            store.bulk_load(path=argv[2], format=ox.RdfFormat.N_QUADS)
        else:
            store = ox.Store.read_only(argv[2])
    except (OSError, SyntaxError) as exc:
        conn.send(("failed", f"cannot open the store {argv[2]}: {exc}"))
        return
    conn.send(("ready", isolated))
    while True:
        try:
            request, prefixes = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", *execute(store, request, prefixes)))
        except QueryError as exc:
            conn.send(("error", exc.status, exc.message))
        except Exception as exc:  # an evaluation error: tell the client, keep serving
            conn.send(("error", 500, f"the query failed: {type(exc).__name__}: {' '.join(str(exc).split())}"))


class Worker:
    """One worker process and the connection to it."""

    def __init__(self, source: Path, mode: str) -> None:
        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.workers", str(theirs.fileno()), str(source), mode],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        if not self.conn.poll(STARTUP_SECONDS):
            self.kill()
            raise RuntimeError("a query worker did not start")
        try:
            reply = self.conn.recv()
        except EOFError:
            reply = ("failed", "a query worker exited while starting")
        if reply[0] != "ready":
            self.kill()
            raise RuntimeError(reply[1])
        self.isolated: bool = reply[1]

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.conn.close()


class Pool:
    """Worker processes over one store; ``run`` answers a request within the time limit.

    In memory (the default) each worker loads a dump of the store: queries run two to four times
    faster than on the on-disk store, at the cost of a copy of the graph in each worker.
    """

    def __init__(
        self,
        store_dir: Path,
        size: int = 2,
        timeout: float = 10.0,
        prefixes: dict[str, str] | None = None,
        in_memory: bool = True,
    ) -> None:
        self.size, self.timeout, self.prefixes = size, timeout, prefixes
        self._scratch = None
        if in_memory:
            import pyoxigraph as ox

            self._scratch = Path(tempfile.mkdtemp(prefix="kg-workers-"))
            self.source, self.mode = self._scratch / "quads.nq", "memory"
            ox.Store.read_only(str(store_dir)).dump(str(self.source), format=ox.RdfFormat.N_QUADS)
        else:
            self.source, self.mode = store_dir, "disk"
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        starters = [threading.Thread(target=self._add) for _ in range(size)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()
        if self._idle.qsize() < size:
            self.close()
            raise RuntimeError(f"could not start the query workers on {store_dir}")
        self.isolated = all(w.isolated for w in self._all)

    def _add(self) -> None:
        try:
            worker = Worker(self.source, self.mode)
        except RuntimeError as exc:
            sys.stderr.write(f"error: {exc}\n")
            return
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()
        threading.Thread(target=self._add, daemon=True).start()

    def run(self, request: Request) -> tuple[str, bytes]:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryError(503, f"all {self.size} query workers are busy; try again shortly") from None
        try:
            worker.conn.send((request, self.prefixes))
            if not worker.conn.poll(self.timeout):
                self._retire(worker)
                raise QueryError(503, f"the query ran past this endpoint's time limit of {self.timeout:g} s and was stopped")
            reply = worker.conn.recv()
        except (EOFError, OSError):
            self._retire(worker)
            raise QueryError(500, "the query worker stopped unexpectedly (out of memory?)") from None
        self._idle.put(worker)
        if reply[0] == "error":
            raise QueryError(reply[1], reply[2])
        return reply[1], reply[2]

    def close(self) -> None:
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv)
