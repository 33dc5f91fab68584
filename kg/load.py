"""Load a build into a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph of a file is sent with one ``PUT ?graph=<name>``: the store's copy of
that graph is replaced, so loading the same file twice leaves the store as it was.
N-Quads files stream graph by graph (a graph's lines are consecutive in what
``kg build`` writes; a graph that comes back later is appended with POST). Other
formats are parsed whole with rdflib. A triple file (Turtle, N-Triples) goes into one
graph: ``--graph``, or else the graph named by the dcat:Dataset it describes.

The payload is N-Triples. Credentials are tried as HTTP digest (Virtuoso) and basic
(Fuseki) authentication.
"""

from __future__ import annotations

import base64
import html
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCAT, RDF
from rdflib.plugins.serializers.nt import _nt_row

from kg.write import FORMATS

PAYLOAD_TYPE = "application/n-triples"
# subject, predicate, object of an N-Quads line; what follows is the graph label, if any.
_TERM = r'(?:<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)'
_QUAD = re.compile(rf"\s*({_TERM})\s+(<[^>]*>)\s+({_TERM})\s*(<[^>]*>|_:\S+)?\s*\.\s*$")


class LoadError(Exception):
    """A load that cannot go on; the message is one line for the user."""


class _Challenge(Exception):
    def __init__(self, header: str) -> None:
        self.header = header


@dataclass
class Summary:
    endpoint: str
    graphs: list[tuple[str, int]] = field(default_factory=list)  # (graph name, triples sent)
    files: int = 0
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.graphs)

    def line(self) -> str:
        return (
            f"Loaded {_plural(len({g for g, _ in self.graphs}), 'graph')} ({self.triples} triples) from {self.files} "
            f"{'file' if self.files == 1 else 'files'} into {self.endpoint} in {self.seconds:.1f} s; "
            "each graph replaced (PUT), so loading again changes nothing."
        )


class Store:
    """A Graph Store endpoint: ``PUT``/``POST`` of N-Triples into ``?graph=<name>``.

    With credentials, each upload is preceded by a body-less ``HEAD`` that fetches the
    store's challenge, so the payload goes once, already authorised: a store that answers
    401 before reading a large body (Virtuoso does) would otherwise break the connection.
    """

    def __init__(self, endpoint: str, user: str | None = None, password: str | None = None, timeout: float = 60.0) -> None:
        self.endpoint, self.user, self.timeout = endpoint, user, timeout
        self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        if user is not None:
            self._passwords.add_password(None, endpoint, user, password or "")
        self._digest = urllib.request.HTTPDigestAuthHandler(self._passwords)
        self._open = urllib.request.build_opener().open

    def send(self, graph: str, payload: bytes, replace: bool = True) -> None:
        url = f"{self.endpoint}{'&' if '?' in self.endpoint else '?'}graph={quote(graph, safe='')}"
        method = "PUT" if replace else "POST"
        headers = {"Content-Type": f"{PAYLOAD_TYPE}; charset=utf-8"}
        if self.user is not None and (authorization := self._authorization(url, method)):
            headers["Authorization"] = authorization
        self._request(urllib.request.Request(url, data=payload, method=method, headers=headers), graph)

    def _authorization(self, url: str, method: str) -> str | None:
        """The Authorization header the store's challenge asks for; None when it asks for none."""
        try:
            self._request(urllib.request.Request(url, method="HEAD"), "")
            return None
        except _Challenge as challenge:
            scheme, _, params = challenge.header.partition(" ")
        if scheme.lower() == "basic":
            user, password = self._passwords.find_user_password(None, url)
            return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        if scheme.lower() != "digest":
            raise LoadError(f"{self.endpoint} asks for {scheme} authentication; kg load speaks digest and basic")
        chal = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(params)))
        value = self._digest.get_authorization(urllib.request.Request(url, method=method), chal)
        return f"Digest {value}" if value else None

    def _request(self, request: urllib.request.Request, graph: str) -> None:
        try:
            with self._open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if request.get_method() == "HEAD":
                if exc.code == 401 and exc.headers.get("WWW-Authenticate"):
                    raise _Challenge(exc.headers["WWW-Authenticate"]) from None
                return  # a store that cannot HEAD a graph: the upload itself will tell
            raise LoadError(self._refusal(exc, graph)) from None
        except urllib.error.URLError as exc:
            reason = getattr(exc.reason, "strerror", None) or str(exc.reason)
            raise LoadError(f"cannot reach {self.endpoint}: {reason} (is the store running?)") from None
        except (TimeoutError, OSError) as exc:
            if isinstance(exc, TimeoutError):
                raise LoadError(f"{self.endpoint} did not answer within {self.timeout:g} s") from None
            raise LoadError(f"cannot reach {self.endpoint}: {exc.strerror or exc}") from None
        except ValueError as exc:  # a malformed URL
            raise LoadError(f"{self.endpoint}: {exc}") from None

    def _refusal(self, exc: urllib.error.HTTPError, graph: str) -> str:
        if exc.code in (401, 403):
            if self.user is None:
                return f"{self.endpoint} wants credentials (HTTP {exc.code}): give --user and --password"
            return f"{self.endpoint} refused the credentials of user {self.user!r} (HTTP {exc.code})"
        if exc.code in (404, 405, 501):
            return (
                f"{self.endpoint} is not a Graph Store endpoint (HTTP {exc.code} for PUT); Virtuoso's is /sparql-graph-crud-auth"
            )
        return f"{self.endpoint} rejected graph <{graph}> (HTTP {exc.code}: {_message(exc)})"


def _message(exc: urllib.error.HTTPError) -> str:
    """The store's own words, from an HTML or plain-text error body, on one line."""
    try:
        body = exc.read().decode("utf-8", "replace")
    except OSError:
        body = ""
    if found := re.search(r"<xmp>(.*?)</xmp>", body, re.S):  # Virtuoso puts its message in <xmp>
        body = found.group(1)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    return (text[:300] + "…" if len(text) > 300 else text) or exc.reason


def graphs(path: Path, default: str | None = None) -> Iterator[tuple[str, bytes, int, bool]]:
    """(graph name, N-Triples payload, triples, replace?) for each graph of a file, in file order."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise LoadError(f"{path}: cannot tell the format; use a file ending in {', '.join(FORMATS)}")
    if fmt == "nquads":
        yield from _nquads(path, default)
        return
    dataset = Dataset()
    try:
        dataset.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many kinds; the user needs the file and the first line of why
        raise LoadError(f"{path}: not readable as {fmt}: {' '.join(str(exc).split())[:200]}") from None
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        if not len(graph):
            continue
        name = str(graph.identifier)
        if graph.identifier == dataset.default_graph.identifier or name.startswith("urn:x-rdflib:"):
            name = default or _dataset_graph(graph) or ""
            if not name:
                raise LoadError(f"{path}: holds triples outside named graphs; give --graph IRI to name the graph they go into")
        yield name, "".join(sorted(_nt_row(t) for t in graph)).encode("utf-8"), len(graph), True


def _dataset_graph(graph: Graph) -> str | None:
    """A whole build in one file goes into the graph named after the dataset it describes."""
    found = sorted(str(s) for s in graph.subjects(RDF.type, DCAT.Dataset) if isinstance(s, URIRef))
    return found[0] if len(found) == 1 else None


def _nquads(path: Path, default: str | None) -> Iterator[tuple[str, bytes, int, bool]]:
    sent: set[str] = set()
    current: str | None = None
    rows: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            match = _QUAD.match(line)
            if not match:
                raise LoadError(f"{path}:{number}: not an N-Quads statement")
            s, p, o, g = match.groups()
            name = g[1:-1] if g and g.startswith("<") else default
            if name is None:
                raise LoadError(f"{path}:{number}: a statement outside named graphs; give --graph IRI to name its graph")
            if name != current:
                if current is not None:
                    yield current, "".join(rows).encode("utf-8"), len(rows), current not in sent
                    sent.add(current)
                current, rows = name, []
            rows.append(f"{s} {p} {o} .\n")
    if current is not None:
        yield current, "".join(rows).encode("utf-8"), len(rows), current not in sent


def load(files: list[Path], store: Store, default: str | None = None) -> Summary:
    """Send every graph of every file; stops at the first refusal with a LoadError."""
    started = time.monotonic()
    summary = Summary(store.endpoint)
    for path in files:
        for name, payload, triples, replace in graphs(path, default):
            try:
                store.send(name, payload, replace)
            except LoadError as exc:
                done = f"; {len(summary.graphs)} graphs were loaded before it" if summary.graphs else ""
                raise LoadError(f"{exc}{done}") from None
            summary.graphs.append((name, triples))
        summary.files += 1
    summary.seconds = time.monotonic() - started
    return summary


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
