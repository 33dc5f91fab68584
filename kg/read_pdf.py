"""Read a PDF report with pdfplumber: text in reading order, ruled tables as tab-separated rows.

- Each page's ruled tables are found from their lines; a table becomes one line per row,
  cells separated by tabs. A merged cell is written once, in its top-left slot; a cell's
  wrapped lines are joined again, so are headers set vertically one character per line.
- The text outside the tables is read line by line, top to bottom; tables take their
  place among the lines by their position on the page.
- Page furniture is dropped: lines near the top or bottom edge that repeat on other pages
  (running heads, with digits ignored), and page numbers (— 3 —, 第3页, 3/12).
- A table that runs over a page break is joined again: the next page's first table with
  as many columns continues it, and header rows it repeats are dropped.

Text lines stay as the PDF broke them; the normalise stage joins wrapped sentences.
The extracted text is the report's original text: provenance quotes it.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

from kg.model import InputError

_EDGE = 0.09  # share of the page height at the top and the bottom where furniture sits
_PAGE_NUMBER = re.compile(
    r"^[-—–_·•\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*(?:/|of|共)\s*\d{1,4}\s*页?)?[-—–_·•\s]*$|^-?\s*[ivxlc]+\s*-?$", re.IGNORECASE
)
_LATIN = re.compile(r"[A-Za-z]")


@dataclass
class _Table:
    rows: list[list[str]]
    top: float = 0.0

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class _Page:
    height: float
    items: list[tuple[float, str | _Table]] = field(default_factory=list)  # (top, line text or table)


def pdf_text(data: bytes) -> str:
    """The text of a PDF report. Raises InputError when the file cannot be read or holds no text."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = []
            for page in pdf.pages:
                pages.append(_read_page(page))
                page.close()  # free the page's parsed objects: one page in memory at a time
    except PDFSyntaxError:
        raise InputError("is a damaged PDF file (no readable page structure)") from None
    except Exception as exc:  # pdfminer raises many kinds for broken or encrypted files
        name = type(exc).__name__
        reason = "encrypted" if "Password" in name or "Encrypt" in name else f"{name}"
        raise InputError(f"is a PDF file that cannot be read ({reason})") from None
    _drop_furniture(pages)
    lines = _render(_join_tables(pages))
    if not any(line.strip() for line in lines):
        raise InputError("is a PDF file without a text layer (a scan?); run OCR on it first")
    return "\n".join(lines) + "\n"


def _read_page(page) -> _Page:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    out = _Page(float(page.height))
    for line in page.filter(outside).extract_text_lines(return_chars=False):
        if line["text"].strip():
            out.items.append((float(line["top"]), line["text"].strip()))
    for table in tables:
        rows = [[_cell(c) for c in row] for row in table.extract()]
        rows = [r for r in rows if any(r)]
        if rows:
            out.items.append((float(table.bbox[1]), _Table(rows, float(table.bbox[1]))))
    out.items.sort(key=lambda item: item[0])
    return out


def _cell(text: str | None) -> str:
    """A cell on one line: wrapped lines and one-character-per-line headers joined; spaces only between Latin words."""
    if not text:
        return ""
    joined = ""
    for piece in (p.strip() for p in text.splitlines()):
        if not piece:
            continue
        if joined and _LATIN.match(joined[-1]) and _LATIN.match(piece[0]):
            joined += " "
        joined += piece
    return joined.replace("\t", " ")


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_furniture(pages: list[_Page]) -> None:
    """Drop running heads and feet (near an edge, repeated on other pages) and page numbers."""

    def at_edge(page: _Page, top: float) -> bool:
        return top < page.height * _EDGE or top > page.height * (1 - _EDGE)

    seen = Counter()
    for page in pages:
        seen.update({_key(t) for top, t in page.items if isinstance(t, str) and at_edge(page, top)})
    repeats = max(2, (len(pages) + 1) // 2)
    for page in pages:
        page.items = [
            (top, item)
            for top, item in page.items
            if not (isinstance(item, str) and at_edge(page, top) and (seen[_key(item)] >= repeats or _PAGE_NUMBER.match(item)))
        ]


def _join_tables(pages: list[_Page]) -> list[str | _Table]:
    """All pages' items in order; a table continued on the next page joined to its first part."""
    items: list[str | _Table] = []
    for page in pages:
        for i, (_, item) in enumerate(page.items):
            previous = items[-1] if items else None
            if i == 0 and isinstance(item, _Table) and isinstance(previous, _Table) and item.width == previous.width:
                rows = item.rows
                head = 0
                while head < len(rows) and head < len(previous.rows) and rows[head] == previous.rows[head]:
                    head += 1  # header rows repeated on the new page
                previous.rows.extend(rows[head:])
                continue
            items.append(item)
    return items


def _render(items: list[str | _Table]) -> list[str]:
    lines: list[str] = []
    for item in items:
        if isinstance(item, str):
            lines.append(item)
        else:
            lines.extend("\t".join(row).rstrip("\t") for row in item.rows)
    return lines
