"""``kg serve``: a read-only SPARQL 1.1 endpoint over HTTP, with a query page.

    /sparql     SPARQL 1.1 Protocol: GET ?query=, POST form-encoded, POST application/sparql-query;
                default-graph-uri / named-graph-uri; content negotiation; without a query, the
                SPARQL 1.1 Service Description of the endpoint
    /           the query page (kg/web), with the catalogue of saved questions
    /queries    the catalogue as JSON

Python's own ThreadingHTTPServer takes the requests: queries run in worker processes
(kg.workers), so the HTTP side only parses requests and copies bytes. Refused before any
engine sees them: updates (403), SERVICE (403), bodies over 1 MiB (413). Every response
carries CORS headers, so browser clients on other origins can query the endpoint.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg import __version__
from kg.sparql import ALIASES, GRAPH_TYPES, RESULT_TYPES, negotiate, shape
from kg.workers import Pool, QueryError, Request

WEB = Path(__file__).resolve().parent / "web"
MAX_BODY = 1 << 20
STATIC_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
}
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$")
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Max-Age": "86400",
}


class Endpoint:
    """The state the request handlers share: the worker pool, limits, graph sizes, the catalogue."""

    def __init__(self, pool: Pool, graphs: dict[str, int], triples: int, max_rows: int, questions: list, quiet: bool = False):
        self.pool, self.graphs, self.triples, self.max_rows = pool, graphs, triples, max_rows
        self.catalogue = json.dumps(
            [{"name": q.name, "title": q.title, "description": q.description, "query": q.text} for q in questions],
            ensure_ascii=False,
        ).encode()
        self.quiet = quiet

    def description(self, endpoint: str) -> str:
        """The SPARQL 1.1 Service Description of this endpoint, as Turtle."""
        formats = ", ".join(f"<http://www.w3.org/ns/formats/{name}>" for name in FORMAT_IRIS.values())
        named = "".join(
            f"\n    sd:namedGraph [ a sd:NamedGraph ; sd:name <{name}> ; sd:graph [ a sd:Graph ; void:triples {size} ] ] ;"
            for name, size in self.graphs.items()
        )
        limits = (
            f"Read-only: SPARQL Update, SERVICE and LOAD are refused. Each query may run {self.pool.timeout:g} s "
            f"and return {self.max_rows:,} rows or triples. The default graph is the merge of all named graphs."
        )
        return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{endpoint}#service> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:defaultEntailmentRegime <http://www.w3.org/ns/entailment/Simple> ;
    sd:resultFormat {formats} ;
    dcterms:title "kg {__version__}: Chinese open-government-information annual reports" ;
    dcterms:description {json.dumps(limits)} ;
    sd:defaultDataset <{endpoint}#dataset> .

<{endpoint}#dataset> a sd:Dataset ;{named}
    sd:defaultGraph [ a sd:Graph ; void:triples {self.triples} ] .
"""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"kg/{__version__}"
    endpoint: Endpoint  # set on the subclass made by make_server

    # ------------------------------------------------------------ routing

    def do_OPTIONS(self) -> None:  # CORS preflight
        asked = self.headers.get("Access-Control-Request-Headers")
        extra = {"Access-Control-Allow-Headers": asked or "Accept, Content-Type", "Allow": "GET, POST, OPTIONS"}
        self._send(204, b"", None, extra)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/sparql":
            self._sparql(self._params(), None)
        elif path in ("/", "/index.html"):
            self._static("index.html")
        elif path.startswith("/static/"):
            self._static(path.removeprefix("/static/"))
        elif path == "/queries":
            self._send(200, self.endpoint.catalogue, "application/json")
        else:
            self._error(404, f"nothing at {path}; the SPARQL endpoint is /sparql, the query page /")

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/sparql":
            self._drain()
            self._error(405, "only /sparql takes POST requests", {"Allow": "GET"})
            return
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True
            self._error(411, "a POST request needs a Content-Length")
            return
        if not length.isdigit() or int(length) > MAX_BODY:
            self._drain()
            self._error(413, f"the request body is larger than {MAX_BODY:,} bytes")
            return
        body = self.rfile.read(int(length))
        params = self._params()
        kind = self.headers.get_content_type()
        if kind == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
            self._sparql(params, None)
        elif kind == "application/sparql-query":
            self._sparql(params, body.decode("utf-8", "replace"))
        elif kind == "application/sparql-update":
            self._error(403, "this endpoint is read-only: SPARQL Update requests are refused")
        else:
            self._error(415, f"unsupported body {kind}; send application/x-www-form-urlencoded or application/sparql-query")

    # ------------------------------------------------------------ SPARQL protocol

    def _sparql(self, params: dict[str, list[str]], body_query: str | None) -> None:
        if "update" in params:
            self._error(403, "this endpoint is read-only: SPARQL Update requests are refused")
            return
        queries = params.get("query", []) + ([body_query] if body_query is not None else [])
        if not queries:
            if self.command == "POST":
                self._error(400, "no query: send it as the query parameter or as an application/sparql-query body")
            else:
                self._description()
            return
        if len(queries) > 1:
            self._error(400, "more than one query in the request")
            return
        text = queries[0]
        seen = shape(text)
        if seen.update:
            refused = "LOAD fetches outside data, and " if seen.update == "LOAD" else ""
            self._error(403, f"{seen.update} is refused: {refused}this endpoint is read-only (SPARQL Update is not accepted)")
            return
        if seen.service:
            self._error(403, "SERVICE is refused: this endpoint never sends requests to other endpoints (no federated queries)")
            return
        offered = list(GRAPH_TYPES if seen.kind == "graph" else RESULT_TYPES)
        media = self._choose(params, offered)
        if media is None:
            return
        request = Request(
            query=text,
            media_type=media,
            default_graphs=tuple(params["default-graph-uri"]) if "default-graph-uri" in params else None,
            named_graphs=tuple(params["named-graph-uri"]) if "named-graph-uri" in params else None,
            max_rows=self.endpoint.max_rows,
        )
        try:
            media, body = self.endpoint.pool.run(request)
        except QueryError as exc:
            self._error(exc.status, exc.message)
            return
        self._send(200, body, media, {"Vary": "Accept"})

    def _choose(self, params: dict[str, list[str]], offered: list[str]) -> str | None:
        """The media type to answer in: ?format= (or ?output=) if given, else the Accept header."""
        asked = (params.get("format") or params.get("output") or [None])[0]
        if asked:
            media = ALIASES.get(asked.lower(), asked.lower())
            if media in offered:
                return media
            self._error(406, f"format {asked!r} is not available for this query; choose one of {', '.join(offered)}")
            return None
        media = negotiate(self.headers.get("Accept"), offered)
        if media is None:
            self._error(406, f"none of the accepted types is available for this query; choose one of {', '.join(offered)}")
        return media

    def _description(self) -> None:
        host = self.headers.get("Host") or ""
        if not _HOST.match(host):
            host = "{}:{}".format(*self.server.server_address[:2])
        text = self.endpoint.description(f"http://{host}/sparql")
        media = self._choose(self._params(), list(GRAPH_TYPES))
        if media is None:
            return
        if media == "text/turtle":
            body = text.encode()
        else:
            fmt = {
                "application/n-triples": ox.RdfFormat.N_TRIPLES,
                "application/ld+json": ox.RdfFormat.JSON_LD,
                "application/rdf+xml": ox.RdfFormat.RDF_XML,
            }[media]
            body = ox.serialize(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE), format=fmt)
        self._send(200, body, media, {"Vary": "Accept"})

    # ------------------------------------------------------------ plumbing

    def _params(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query, keep_blank_values=True)

    def _static(self, name: str) -> None:
        files = {p.name: p for p in WEB.iterdir() if p.is_file()}
        if name not in files:
            self._error(404, f"no file {name}")
            return
        path = files[name]
        extra = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:"} if path.suffix == ".html" else {}
        self._send(200, path.read_bytes(), STATIC_TYPES.get(path.suffix, "application/octet-stream"), extra)

    def _drain(self) -> None:
        """Read and drop a body we will not use, so the client sees our answer (up to 16 MiB; else hang up)."""
        length = self.headers.get("Content-Length")
        if length and length.isdigit() and int(length) <= 16 * MAX_BODY:
            left = int(length)
            while left > 0:
                chunk = self.rfile.read(min(left, 1 << 16))
                if not chunk:
                    break
                left -= len(chunk)
        else:
            self.close_connection = True

    def _error(self, status: int, message: str, extra: dict[str, str] | None = None) -> None:
        self._send(status, (message + "\n").encode(), "text/plain", extra)

    def _send(self, status: int, body: bytes, media: str | None, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if media:
            self.send_header("Content-Type", f"{media}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in {**CORS, **(extra or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)

    def log_request(self, code="-", size="-") -> None:  # one line a request, with its duration
        pass

    def setup(self) -> None:
        super().setup()
        # answers are written as headers then body: without this, Nagle's algorithm and delayed ACKs
        # hold the body back some 40 ms on a kept-alive connection
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self) -> None:
        started = time.perf_counter()
        self._status = None
        super().handle_one_request()
        if self._status is not None and not self.endpoint.quiet:
            took = (time.perf_counter() - started) * 1000
            line = self.requestline if len(self.requestline) < 160 else self.requestline[:157] + "..."
            sys.stderr.write(f"{self.address_string()} {self._status} {took:.1f} ms {line}\n")


def make_server(endpoint: Endpoint, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server for ``endpoint`` bound to host:port (port 0 picks a free one)."""
    handler = type("BoundHandler", (Handler,), {"endpoint": endpoint})
    server_class = type("Server", (ThreadingHTTPServer,), {"daemon_threads": True, "allow_reuse_address": True})
    if ":" in host:
        server_class.address_family = socket.AF_INET6
    return server_class((host, port), handler)
