"""kg serve: the SPARQL 1.1 Protocol, spoken over HTTP to a real server on loopback."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from conftest import kg, serving
from rdflib import Graph, Namespace, URIRef

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
REPORT = "https://w3id.org/cn-ogi/id/report/mfa/"
REPORTS_PER_YEAR = (
    "PREFIX ogi: <https://w3id.org/cn-ogi/def#> SELECT ?year WHERE { ?r a ogi:Report ; ogi:year ?year } ORDER BY ?year"
)
CONSTRUCT = "PREFIX ogi: <https://w3id.org/cn-ogi/def#> CONSTRUCT { ?r ogi:year ?y } WHERE { ?r a ogi:Report ; ogi:year ?y }"


def http(method: str, url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def get(endpoint: str, accept: str | None = None, **params) -> tuple[int, dict, bytes]:
    query = urllib.parse.urlencode(params, doseq=True)
    return http("GET", f"{endpoint}/sparql?{query}", headers={"Accept": accept} if accept else {})


def form(endpoint: str, **params) -> tuple[int, dict, bytes]:
    body = urllib.parse.urlencode(params, doseq=True).encode()
    return http("POST", f"{endpoint}/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"})


def years(body: bytes) -> list[str]:
    return [b["year"]["value"] for b in json.loads(body)["results"]["bindings"]]


def count(endpoint: str, query: str, **params) -> int:
    status, _, body = get(endpoint, query=query, **params)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# ---------------------------------------------------------------- the three ways to send a query


def test_get_with_query_parameter(endpoint):
    status, headers, body = get(endpoint, query=REPORTS_PER_YEAR)
    assert status == 200
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    assert years(body) == ["2011", "2012", "2019", "2023", "2024"]


def test_post_form_encoded(endpoint):
    status, _, body = form(endpoint, query=REPORTS_PER_YEAR)
    assert status == 200 and years(body) == ["2011", "2012", "2019", "2023", "2024"]


def test_post_sparql_query_body(endpoint):
    status, _, body = http("POST", f"{endpoint}/sparql", REPORTS_PER_YEAR.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 200 and years(body) == ["2011", "2012", "2019", "2023", "2024"]


# ---------------------------------------------------------------- the dataset of a request


def test_default_graph_uri_picks_the_default_graph(endpoint):
    everything = count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    only_2011 = count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": REPORT + "2011/graph"})
    two = [REPORT + "2011/graph", REPORT + "2012/graph"]
    both = count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": two})
    assert 0 < only_2011 < both < everything
    query = "PREFIX ogi: <https://w3id.org/cn-ogi/def#> SELECT ?year WHERE { ?r a ogi:Report ; ogi:year ?year }"
    assert years(get(endpoint, query=query, **{"default-graph-uri": REPORT + "2019/graph"})[2]) == ["2019"]


def test_named_graph_uri_limits_graph_patterns(endpoint):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    status, _, body = get(endpoint, query=query, **{"named-graph-uri": [REPORT + "2023/graph", REPORT + "2024/graph"]})
    assert status == 200
    assert [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [REPORT + "2023/graph", REPORT + "2024/graph"]
    # with only named graphs given, the default graph is empty
    assert count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"named-graph-uri": REPORT + "2023/graph"}) == 0


def test_protocol_dataset_overrides_from_and_sparql_query_body_takes_it_from_the_url(endpoint):
    query = REPORTS_PER_YEAR.replace("SELECT ?year WHERE", f"SELECT ?year FROM <{REPORT}2011/graph> WHERE")
    assert years(get(endpoint, query=query)[2]) == ["2011"]
    url = f"{endpoint}/sparql?" + urllib.parse.urlencode({"default-graph-uri": REPORT + "2024/graph"})
    status, _, body = http("POST", url, query.encode(), {"Content-Type": "application/sparql-query"})
    assert status == 200 and years(body) == ["2024"]


# ---------------------------------------------------------------- content negotiation


def test_select_in_every_results_format(endpoint):
    _, headers, body = get(endpoint, "application/sparql-results+xml", query=REPORTS_PER_YEAR)
    assert headers["Content-Type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [e.text for e in ET.fromstring(body).findall(".//r:literal", ns)] == ["2011", "2012", "2019", "2023", "2024"]

    _, headers, body = get(endpoint, "text/csv", query=REPORTS_PER_YEAR)
    assert headers["Content-Type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(body.decode()))) == [["year"], ["2011"], ["2012"], ["2019"], ["2023"], ["2024"]]

    _, headers, body = get(endpoint, "text/tab-separated-values", query=REPORTS_PER_YEAR)
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    lines = body.decode().splitlines()
    assert lines[0] == "?year" and lines[1] == '"2011"^^<http://www.w3.org/2001/XMLSchema#gYear>'

    _, headers, body = get(endpoint, "text/csv;q=0.5, application/sparql-results+json", query=REPORTS_PER_YEAR)
    assert headers["Content-Type"].startswith("application/sparql-results+json")
    _, headers, _ = get(endpoint, "*/*", query=REPORTS_PER_YEAR, format="tsv")
    assert headers["Content-Type"].startswith("text/tab-separated-values")


@pytest.mark.parametrize(
    ("media", "parser"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_in_every_graph_format(endpoint, media, parser):
    status, headers, body = get(endpoint, media, query=CONSTRUCT)
    assert status == 200 and headers["Content-Type"].startswith(media)
    graph = Graph().parse(data=body, format=parser)
    assert len(graph) == 5
    assert URIRef(REPORT + "2023") in set(graph.subjects())


def test_ask_and_describe(endpoint):
    _, _, body = get(endpoint, query="ASK { ?s ?p ?o }")
    assert json.loads(body) == {"head": {}, "boolean": True}
    _, headers, body = get(endpoint, "application/sparql-results+xml", query="ASK { <urn:x:nothing> ?p ?o }")
    assert b"<boolean>false</boolean>" in body
    status, headers, body = get(endpoint, "text/turtle", query=f"DESCRIBE <{REPORT}2023>")
    assert status == 200 and len(Graph().parse(data=body, format="turtle")) > 5


def test_unavailable_media_type_is_406(endpoint):
    status, _, body = get(endpoint, "image/png", query=REPORTS_PER_YEAR)
    assert status == 406 and b"application/sparql-results+json" in body
    status, _, _ = get(endpoint, query=REPORTS_PER_YEAR, format="turtle")  # a graph format for a SELECT
    assert status == 406


# ---------------------------------------------------------------- service description and CORS


def test_service_description_without_a_query(endpoint):
    status, headers, body = http("GET", f"{endpoint}/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    sd = Graph().parse(data=body, format="turtle")
    service = next(sd.subjects(SD.endpoint, URIRef(f"{endpoint}/sparql")))
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in sd
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV") in set(sd.objects(service, SD.resultFormat))
    names = {str(n) for n in sd.objects(None, SD.name)}
    assert {REPORT + f"{y}/graph" for y in (2011, 2012, 2019, 2023, 2024)} <= names
    status, headers, body = http("GET", f"{endpoint}/sparql", headers={"Accept": "application/rdf+xml"})
    assert headers["Content-Type"].startswith("application/rdf+xml")
    assert len(Graph().parse(data=body, format="xml")) == len(sd)


def test_cors_for_browser_clients_on_other_origins(endpoint):
    _, headers, _ = http(
        "GET", f"{endpoint}/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}), headers={"Origin": "http://example.org"}
    )
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = http(
        "OPTIONS",
        f"{endpoint}/sparql",
        headers={
            "Origin": "http://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert status == 204
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
    assert headers["Access-Control-Allow-Origin"] == "*"


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
        "PREFIX x: <urn:x:> DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "LOAD <http://127.0.0.1:9/data.ttl>",
    ],
)
def test_updates_are_refused_and_change_nothing(endpoint, update):
    before = count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    for status, _, body in (
        get(endpoint, query=update),
        form(endpoint, update=update),
        http("POST", f"{endpoint}/sparql", update.encode(), {"Content-Type": "application/sparql-update"}),
    ):
        assert status == 403, body
        assert b"read-only" in body
    assert count(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == before


def test_load_refusal_says_why(endpoint):
    status, _, body = form(endpoint, query="LOAD <http://example.org/x.ttl> INTO GRAPH <urn:x:g>")
    assert status == 403 and body.startswith(b"LOAD is refused")


@pytest.fixture
def listener():
    """A loopback port that records whether anything connects to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    calls: list[bytes] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            calls.append(conn.recv(200))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], calls
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "select * where {{ ?a ?b ?c .service silent <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERV\\u0049CE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    ],
)
def test_service_is_refused_and_no_request_leaves(endpoint, listener, template):
    port, calls = listener
    status, _, body = get(endpoint, query=template.format(port=port))
    assert status == 403 and b"SERVICE is refused" in body
    time.sleep(0.3)
    assert calls == []


def test_keywords_inside_strings_and_iris_are_not_refused(endpoint):
    query = 'SELECT ?x WHERE { BIND("SERVICE and INSERT DATA and LOAD" AS ?x) FILTER(?x != <urn:x:SERVICE>) } # SERVICE'
    status, _, body = get(endpoint, query=query)
    assert status == 200 and b"SERVICE and INSERT" in body


def test_a_query_past_the_time_limit_is_stopped_and_the_server_goes_on(endpoint):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    status, _, body = get(endpoint, query=slow)
    assert status == 503 and b"time limit of 2 s" in body
    assert time.monotonic() - started < 6
    for _ in range(3):  # the killed worker is replaced; queries keep being answered
        status, _, body = get(endpoint, query=REPORTS_PER_YEAR)
        assert status == 200 and len(years(body)) == 5


def test_an_answer_past_the_result_limit_is_refused(endpoint):
    status, _, body = get(endpoint, query="SELECT * WHERE { ?s ?p ?o . ?x ?y ?z }")
    assert status == 413 and b"more than 5,000 rows" in body
    status, _, body = get(endpoint, "text/turtle", query="CONSTRUCT { ?s ?p ?o . ?x ?y ?z } WHERE { ?s ?p ?o . ?x ?y ?z }")
    assert status == 413 and b"more than 5,000 triples" in body
    status, _, body = get(endpoint, query="SELECT * WHERE { ?s ?p ?o } LIMIT 5000")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 5000


def test_malformed_query_is_400_with_the_parsers_message(endpoint):
    status, headers, body = get(endpoint, query="SELECT ?x WHERE { ?x ?y }")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert body.startswith(b"malformed query: error at 1:")


def test_other_bad_requests(endpoint):
    assert form(endpoint)[0] == 400  # a POST without a query
    assert get(endpoint, query=["ASK {}", "ASK {}"])[0] == 400
    assert http("POST", f"{endpoint}/sparql", b"ASK {}", {"Content-Type": "text/plain"})[0] == 415
    assert http("POST", f"{endpoint}/", b"x", {"Content-Type": "text/plain"})[0] == 405
    assert http("GET", f"{endpoint}/nothing-here")[0] == 404
    too_big = b"query=" + b"%20" * (1 << 20)
    assert http("POST", f"{endpoint}/sparql", too_big, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 413


def test_default_prefixes_of_the_ontology_are_known(endpoint):
    status, _, body = get(endpoint, query="SELECT (COUNT(*) AS ?n) WHERE { ?r a ogi:Report }")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "5"


# ---------------------------------------------------------------- serving files; bad input


def test_serves_graph_and_report_files_it_is_given(endpoint, corpus, kg_cache, tmp_path):
    graph_file = tmp_path / "two-reports.nt"
    _, _, body = get(
        endpoint,
        "application/n-triples",
        query="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        **{"default-graph-uri": [REPORT + "2011/graph", REPORT + "2023/graph"]},
    )
    graph_file.write_bytes(body)
    with serving(str(graph_file), str(corpus["mfa-2011.txt"]), "--quiet", env=kg_cache, log=tmp_path / "log") as url:
        assert url.startswith("http://127.0.0.1:")  # loopback unless told otherwise
        status, _, body = get(url, query=REPORTS_PER_YEAR)
        assert years(body) == ["2011", "2023"]  # 2011 from both inputs, once
        _, _, body = get(url, query="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        graphs = [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]
        assert graph_file.resolve().as_uri() in graphs and REPORT + "2011/graph" in graphs


def test_bad_input_is_one_line_and_nonzero(tmp_path, kg_cache):
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle .\n")
    result = kg("serve", str(broken), "--port", "0", env=kg_cache, timeout=60)
    assert result.returncode == 1
    assert "broken.ttl: not readable as" in result.stderr and "Traceback" not in result.stderr
