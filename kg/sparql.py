"""What a SPARQL request asks for, before any engine sees it: its form, whether it is an
update or calls out (SERVICE, LOAD), and which media type to answer in.

The query text is scanned with a small lexer that blanks out comments, strings and IRIs,
after decoding ``\\u`` escapes as SPARQL does before parsing, so a keyword hidden in a
string or an IRI is never mistaken for one, and one spelled with escapes is still found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Keywords that begin a SPARQL Update operation.
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_BLANK = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\""""  # long strings
    r"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\""""  # short strings
    r"""|<[^<>"{}|^`\\\x00-\x20]*>"""  # IRIs
    r"""|\#[^\n]*""",  # comments
    re.DOTALL,
)
# A bare word: not part of a longer name, a prefixed name (ex:word), a variable or a blank node.
# Digits may precede a keyword (``?o 1SERVICE`` lexes as 1 and SERVICE), so they do not hide one.
_WORD = re.compile(r"(?<![^\W\d])(?<![:?$])([A-Za-z]+)(?![\w:\-])")

# Media types this endpoint answers in, by result kind; the first is the default.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}
# Other names clients use for the same formats (also accepted as ?format=...).
ALIASES = {
    "json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "application/xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "application/x-turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
}


@dataclass(frozen=True)
class Shape:
    """What the lexer sees in a request's text."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None if no query form begins the text
    update: str | None  # the update keyword that begins the text, if it is an update
    service: bool  # a SERVICE clause (federated query)
    dataset: bool  # FROM / FROM NAMED clauses

    @property
    def kind(self) -> str:
        """'results' (SELECT), 'boolean' (ASK) or 'graph' (CONSTRUCT, DESCRIBE)."""
        return {"ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(self.form or "", "results")


def keywords(text: str) -> list[str]:
    """The bare words of a SPARQL text in order, upper-cased; strings, IRIs, comments, names left out."""
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    text = _BLANK.sub(" ", text)
    return [w.upper() for w in _WORD.findall(text)]


def shape(text: str) -> Shape:
    """The form of a query or update, and the features the endpoint refuses."""
    words = keywords(text)
    first = next((w for w in words if w not in ("PREFIX", "BASE")), None)
    return Shape(
        form=first if first in QUERY_FORMS else None,
        update=first if first in UPDATE_KEYWORDS else next((w for w in words if w in ("LOAD",)), None),
        service="SERVICE" in words,
        dataset="FROM" in words,
    )


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header likes best (ties go to the earlier offer)."""
    if not accept or not accept.strip():
        return offered[0]
    best: tuple[float, int, str] | None = None
    for rank, media in enumerate(offered):
        q = _quality(accept, media)
        if q > 0 and (best is None or (q, -rank) > (best[0], best[1])):
            best = (q, -rank, media)
    return best[2] if best else None


def _quality(accept: str, media: str) -> float:
    kind = media.split("/")[0]
    found: tuple[int, float] | None = None  # (specificity, q)
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        name = ALIASES.get(parts[0].lower(), parts[0].lower())
        q = 1.0
        for param in parts[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        specificity = 3 if name == media else 2 if name == f"{kind}/*" else 1 if name == "*/*" else 0
        if specificity and (found is None or specificity > found[0]):
            found = (specificity, q)
    return found[1] if found else 0.0
