"""Saved questions (``queries/*.rq``) and running a query on local graphs or a remote endpoint.

A saved question is a SPARQL file whose leading comments give its title and description:

    # title: Regular press conferences per year
    # description: How many regular press conferences (例行记者会) ...
    #   continued on lines that start with '#' and two spaces.

The same text runs here (pyoxigraph), on ``kg serve`` and on other triple stores.
"""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kg.resources import data_dir
from kg.sparql import shape
from kg.workers import QueryError, Request, execute

MEDIA = {"table": "application/sparql-results+json", "json": "application/sparql-results+json", "csv": "text/csv"}
GRAPH_MEDIA = {"table": "text/turtle", "csv": "text/turtle", "json": "application/ld+json"}
CELL_WIDTH = 48
_HEADER = re.compile(r"^#\s*(title|description):\s*(.*)$")


@dataclass(frozen=True)
class Question:
    name: str
    title: str
    description: str
    text: str


def read_question(path: Path) -> Question:
    """A .rq file with its title and description read from the leading comments."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            current = match.group(1)
            fields[current] = [match.group(2).strip()]
        elif current and line.startswith("#  "):
            fields[current].append(line[1:].strip())
    return Question(
        name=path.stem,
        title=" ".join(fields.get("title", [path.stem])),
        description=" ".join(fields.get("description", [])),
        text=text,
    )


def catalogue() -> list[Question]:
    """The saved questions shipped with the package, by name."""
    return [read_question(p) for p in sorted(data_dir("queries").glob("*.rq"))]


def resolve(question: str) -> tuple[str, str]:
    """A saved question's name, a .rq file or the text of a query → (what it is, query text)."""
    saved = {q.name: q for q in catalogue()}
    name = question.removesuffix(".rq")
    if name in saved:
        return saved[name].title, saved[name].text
    if shape(question).form or shape(question).update or "{" in question:
        return "query", question
    path = Path(question)
    try:
        is_file = path.is_file()
    except OSError:  # not a usable file name
        is_file = False
    if is_file:
        return path.name, path.read_text(encoding="utf-8")
    if path.suffix == ".rq":
        raise LookupError(f"{question}: no such file")
    raise LookupError(f"{question}: not a saved question, a .rq file or a SPARQL query; `kg query --list` lists the questions")


def check(text: str) -> None:
    """Refuse updates and SERVICE here too: kg query only reads."""
    seen = shape(text)
    if seen.update:
        raise QueryError(403, f"{seen.update} is refused: kg query only reads (SPARQL Update is not run)")
    if seen.service:
        raise QueryError(403, "SERVICE is refused: kg query does not send requests to other endpoints")


def run_local(text: str, store, fmt: str) -> bytes:
    """Run a query on an open pyoxigraph store; the answer in the media type for ``fmt``."""
    check(text)
    media = (GRAPH_MEDIA if shape(text).kind == "graph" else MEDIA)[fmt]
    from kg.rdf import PREFIXES

    return execute(store, Request(text, media, max_rows=10**9), PREFIXES)[1]


def run_remote(text: str, endpoint: str, fmt: str, timeout: float = 60.0) -> bytes:
    """Run a query on a SPARQL endpoint with GET (or a form POST when long). Never a sparql-query POST:
    some servers (Virtuoso 7.2) hang on those."""
    check(text)
    media = (GRAPH_MEDIA if shape(text).kind == "graph" else MEDIA)[fmt]
    encoded = urllib.parse.urlencode({"query": text})
    headers = {"Accept": media, "User-Agent": "kg-query"}
    if len(encoded) < 2000:
        request = urllib.request.Request(f"{endpoint}{'&' if '?' in endpoint else '?'}{encoded}", headers=headers)
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(endpoint, data=encoded.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        message = " ".join(exc.read().decode("utf-8", "replace").split())[:300] or exc.reason
        raise QueryError(exc.code, f"{endpoint} answered {exc.code}: {message}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise QueryError(0, f"{endpoint}: {reason}") from None


def table(answer: bytes) -> str:
    """SPARQL JSON results as an aligned text table (CJK characters count two columns)."""
    data = json.loads(answer)
    if "boolean" in data:
        return "true" if data["boolean"] else "false"
    names = data["head"]["vars"]
    rows = [[_cell(binding.get(name)) for name in names] for binding in data["results"]["bindings"]]
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = [_line(names, widths), "  ".join("-" * w for w in widths)]
    lines += [_line(row, widths) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _cell(term: dict | None) -> str:
    if term is None:
        return ""
    value = " ".join(term["value"].split())
    if term["type"] == "uri":
        value = _compact(value)
    if _width(value) > CELL_WIDTH:
        while _width(value) > CELL_WIDTH - 1:
            value = value[:-1]
        value += "…"
    return value


def _compact(iri: str) -> str:
    from kg.rdf import PREFIXES

    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _line(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()
