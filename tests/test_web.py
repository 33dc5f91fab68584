"""The query page at /: served by the package, and run end to end in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.parse
import urllib.request
from html.parser import HTMLParser

import pytest


def fetch(url: str) -> tuple[dict, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return dict(response.headers), response.read()


def test_page_and_its_files_come_from_the_server(endpoint):
    headers, page = fetch(f"{endpoint}/")
    assert headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in headers["Content-Security-Policy"]  # nothing from outside
    html = page.decode()
    assert 'src="/static/app.js"' in html and 'href="/static/style.css"' in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    headers, script = fetch(f"{endpoint}/static/app.js")
    assert headers["Content-Type"].startswith("text/javascript") and b'fetch("/sparql"' in script
    headers, _ = fetch(f"{endpoint}/static/style.css")
    assert headers["Content-Type"].startswith("text/css")
    _, body = fetch(f"{endpoint}/queries")
    questions = json.loads(body)
    assert {"press-conferences", "applications-received"} <= {q["name"] for q in questions}
    assert all(q["title"] and q["query"].lstrip().startswith("#") for q in questions)


def test_download_links_give_csv_and_json(endpoint):
    query = "PREFIX ogi: <https://w3id.org/cn-ogi/def#> SELECT ?year WHERE { ?r a ogi:Report ; ogi:year ?year } ORDER BY ?year"
    headers, body = fetch(f"{endpoint}/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"}))
    assert headers["Content-Type"].startswith("text/csv") and body.decode().split() == [
        "year",
        "2011",
        "2012",
        "2019",
        "2023",
        "2024",
    ]
    headers, body = fetch(f"{endpoint}/sparql?" + urllib.parse.urlencode({"query": query, "format": "json"}))
    assert len(json.loads(body)["results"]["bindings"]) == 5


# ---------------------------------------------------------------- end to end in Chromium

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (`make system` installs it)")


def rendered(url: str, profile) -> str:
    """The page's DOM after its scripts ran, as headless Chromium sees it."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom"]  # fmt: skip
    result = subprocess.run([CHROMIUM, *flags, url], capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


class Page(HTMLParser):
    """The parts of the rendered page a user looks at: state, status line, table cells, chart."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.state = self.status = ""
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.series: list[dict] = []
        self.points = 0
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.state = a.get("data-state", "")
        elif tag == "span" and a.get("id") == "state":
            self._in = "status"
        elif tag == "th":
            self._in = "th"
            self.headers.append("")
        elif tag == "tr" and self.headers:
            self.rows.append([])
        elif tag == "td":
            self._in = "td"
            self.rows[-1].append("")
        elif tag == "g" and a.get("class") == "series":
            self.series.append({"name": a.get("data-name"), "path": "", "points": 0})
        elif tag == "path" and self.series and "d" in a:
            self.series[-1]["path"] = a["d"]
        elif tag == "circle" and self.series:
            self.series[-1]["points"] += 1

    def handle_endtag(self, tag):
        if tag in ("th", "td", "span"):
            self._in = None

    def handle_data(self, data):
        if self._in == "status":
            self.status += data
        elif self._in == "th":
            self.headers[-1] += data
        elif self._in == "td":
            self.rows[-1][-1] += data


@needs_chromium
def test_a_saved_question_shows_its_table_and_chart(endpoint, tmp_path):
    page = Page(rendered(f"{endpoint}/?q=applications-received&run=1", tmp_path / "profile"))
    assert page.state == "done", page.status
    assert page.status.startswith("5 rows")
    assert page.headers[:3] == ["agency", "year", "applications"]
    assert [(r[1], r[2]) for r in page.rows if r] == [
        ("2011", "10"),
        ("2012", "134"),
        ("2019", "13"),
        ("2023", "18"),
        ("2024", "82"),
    ]
    assert len(page.series) == 1 and page.series[0]["points"] == 5
    assert page.series[0]["path"].count("M") == 1 and page.series[0]["path"].count("L") == 4  # one unbroken line


@needs_chromium
def test_the_chart_leaves_a_gap_where_a_year_is_not_stated(endpoint, tmp_path):
    page = Page(rendered(f"{endpoint}/?q=reconsideration-litigation&run=1", tmp_path / "profile"))
    assert page.state == "done", page.status
    assert sorted(s["name"] for s in page.series) == ["行政复议", "行政诉讼"]
    for series in page.series:
        assert series["points"] == 4  # 2011, 2012, 2023, 2024: 2019 is not stated, and not drawn as 0
        assert series["path"].count("M") == 2  # the line breaks at 2019
    not_stated = [r for r in page.rows if r and r[1] == "2019"]
    assert all(r[3] == "" and r[-1] == "not stated" for r in not_stated)


@needs_chromium
def test_an_error_is_shown_to_the_user(endpoint, tmp_path):
    url = f"{endpoint}/?" + urllib.parse.urlencode({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "run": "1"})
    page = Page(rendered(url, tmp_path / "profile"))
    assert page.state == "error"
    assert page.status.startswith("403") and "read-only" in page.status
    assert page.rows == [] and page.series == []
