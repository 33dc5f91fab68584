"""Read a saved web page: the report body as text, its tables as tab-separated rows.

- The charset comes from the document (BOM, ``<meta charset>``, ``http-equiv``, XML
  declaration); GB2312/GBK pages are read as GB18030, their superset. A page whose
  declaration is missing or wrong falls back to the byte detection of ``kg.read``.
- Some sites ship the body inside a JavaScript string (``var content = "<table …>"``):
  the longest string literal holding markup with Chinese text is parsed as the body
  when it holds more text than the page around it.
- The body is the block holding most of the page's non-link text: starting from
  ``<body>``, descend into the child holding most of it while it keeps nearly all.
  Scripts, styles, navigation and link lists are dropped. When the title or the
  release-date line sits outside the body (a page header), it is put in front.
- A data table (no table inside it) becomes one line per grid row, cells separated by
  tabs: a merged cell (rowspan/colspan) is written once, in its top-left slot, and
  its other slots are empty, as are ``&nbsp;`` cells; ``<br>`` inside a cell joins
  the cell's words. Layout tables (holding tables) are read as blocks.

The extracted text is the report's original text: provenance quotes it.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree, html

_DECLARED = (
    re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE),
    re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", re.IGNORECASE),
)
# Declared names read through a superset codec.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "big5": "big5hkscs"}
_CJK_CODECS = ("gb18030", "big5hkscs", "utf-8", "utf-16", "utf-16-le", "utf-16-be")
_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "select", "button")
_DROP += ("nav", "aside")
_BLOCK = set(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main menu ol p pre section summary table tbody thead tfoot tr ul caption".split()
)
_CJK = re.compile(r"[\u4e00-\u9fff\d]")
_JS_STRING = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'", re.DOTALL)
_JS_CONCAT = re.compile(r"^\s*\+\s*$")
_MARKUP = re.compile(r"<\s*(?:p|table|div|span|td|br|h\d)\b", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\n\f\v\u3000\xa0]+")
_KEEP = 0.7  # descend into a child while it holds this share of its parent's text
_LINK_DENSE = 0.5  # a block whose text is mostly link text is navigation


def looks_like_html(data: bytes) -> bool:
    """Does the content start like markup (after a BOM and white space)?"""
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower().replace(b"\x00", b"")
    if not head.startswith(b"<"):
        return False
    tags = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<table", b"<div", b"<p>", b"<p ")
    return any(tag in head for tag in tags)


def html_text(data: bytes, fallback) -> tuple[str, str]:
    """The report text of a web page and the encoding it was read in.

    ``fallback(data) -> (text, encoding)`` decodes pages whose declared charset is missing or wrong.
    """
    markup, encoding = _decode(data, fallback)
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)
    try:
        root = html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return "", encoding
    _inline_script_body(root)
    title_lines = _title_lines(root)
    for element in root.iter(*_DROP):
        _remove(element)
    etree.strip_elements(root, etree.Comment, with_tail=False)
    body = root.find("body")
    body = _body(body if body is not None else root)
    _prune_link_lists(body)
    lines = _clean_lines(_render(body))
    return "\n".join(_missing_head(title_lines, lines) + lines) + "\n", encoding


# ---------------------------------------------------------------- charset


def _decode(data: bytes, fallback) -> tuple[str, str]:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return fallback(data)
    head = data[:8192]
    for pattern in _DECLARED:
        if match := pattern.search(head):
            declared = match.group(1).decode("ascii").lower()
            try:
                codec = codecs.lookup(_SUPERSET.get(declared, declared)).name
            except LookupError:
                break
            if codec not in _CJK_CODECS and re.search(rb"[\x80-\xff]", data):
                break  # a Western charset declared on a page with non-ASCII bytes: trust the bytes
            try:
                return data.decode(codec), declared
            except UnicodeDecodeError:
                break
    return fallback(data)


# ---------------------------------------------------------------- body inside a script


def _js_unescape(literal: str) -> str:
    def one(match: re.Match[str]) -> str:
        esc = match.group(1)
        if esc[0] == "u":
            return chr(int(esc[1:], 16))
        if esc[0] == "x":
            return chr(int(esc[1:], 16))
        return {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": ""}.get(esc, esc)

    return re.sub(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", one, literal, flags=re.DOTALL)


def _script_strings(code: str) -> list[str]:
    """String literals of a script, adjacent ones joined when concatenated with ``+``."""
    found: list[str] = []
    last_end = None
    for match in _JS_STRING.finditer(code):
        value = _js_unescape(match.group(1) if match.group(1) is not None else match.group(2))
        if found and last_end is not None and _JS_CONCAT.match(code[last_end : match.start()]):
            found[-1] += value
        else:
            found.append(value)
        last_end = match.end()
    return found


def _inline_script_body(root) -> None:
    """Replace a script that carries the body as a string with that body's markup."""
    best: tuple[int, object, str] | None = None
    for script in root.iter("script"):
        for value in _script_strings(script.text or ""):
            if _MARKUP.search(value):
                score = len(_CJK.findall(value))
                if score and (best is None or score > best[0]):
                    best = (score, script, value)
    if best is None:
        return
    score, script, value = best
    page = len(_CJK.findall(" ".join(root.itertext())))
    page -= sum(len(_CJK.findall(s.text or "")) for s in root.iter("script", "style"))
    if score < 0.5 * page:
        return
    holder = html.fragment_fromstring(value, create_parent="div")
    script.getparent().replace(script, holder)


# ---------------------------------------------------------------- finding the body


def _text_weight(element) -> int:
    """CJK characters and digits outside links."""
    total = len(_CJK.findall(" ".join(element.itertext())))
    links = sum(len(_CJK.findall(" ".join(a.itertext()))) for a in element.iter("a"))
    return total - links


def _body(body):
    current, weight = body, _text_weight(body)
    while True:
        children = [(c, _text_weight(c)) for c in current if isinstance(c.tag, str)]
        if not children:
            return current
        child, child_weight = max(children, key=lambda pair: pair[1])
        if weight == 0 or child_weight < _KEEP * weight or child.tag in ("tr", "td", "th", "tbody", "thead", "p"):
            return current
        if child.tag == "table" and child.find(".//table") is None:
            return current  # a data table alone is not the body: keep what surrounds it
        current, weight = child, child_weight


def _prune_link_lists(body) -> None:
    for element in list(body.iter("div", "ul", "ol", "table", "dl", "p", "span", "td")):
        if element is body or element.getparent() is None:
            continue
        links = list(element.iter("a"))
        if len(links) < 2:
            continue
        text = len(_SPACE.sub("", "".join(element.itertext())))
        linked = sum(len(_SPACE.sub("", "".join(a.itertext()))) for a in links)
        if text and linked / text > _LINK_DENSE:
            _remove(element)


def _title_lines(root) -> tuple[str | None, str | None]:
    """The report title and release-date line from anywhere on the page, in page order."""
    from kg.normalise import fold, is_masthead, is_title

    titles: list[tuple[int, str]] = []
    masthead = None
    for element in root.iter(*_BLOCK, "title", "span", "font", "b", "strong"):
        if element.find(".//a") is not None or element.tag == "body":
            continue  # links: a breadcrumb or a menu, not the title
        text = _SPACE.sub(" ", "".join(element.itertext())).strip()
        if not text or len(text) > 120:
            continue
        folded = fold(text)
        if is_title(folded):
            rank = 0 if element.tag in ("h1", "h2", "h3") else 2 if element.tag == "title" else 1
            titles.append((rank, text))
        elif masthead is None and is_masthead(folded) and len(text) < 100:
            masthead = _before_furniture(text)
    title = min(titles, key=lambda t: t[0])[1] if titles else None
    return title, masthead


def _before_furniture(line: str) -> str:
    """A release-date line without the page controls that follow it (【字体：大 中 小】 打印本页)."""
    from kg.normalise import fold
    from kg.reference import vocabulary

    folded = fold(line)
    cut = min((at for cue in vocabulary().lexicon("drop-line") if (at := folded.find(cue)) > 0), default=len(line))
    return line[:cut].strip()


def _missing_head(head: tuple[str | None, str | None], lines: list[str]) -> list[str]:
    """The page's title and release-date lines that the body does not start with."""
    from kg.normalise import fold, is_masthead, is_title

    title, masthead = head
    opening = [fold(line) for line in lines[:10]]
    pairs = [a + b for a, b in zip(opening, opening[1:], strict=False)]
    missing = []
    if title and not any(is_title(line) for line in opening[:8] + pairs[:7]):
        missing.append(title)
    if masthead and not any(is_masthead(line) for line in opening):
        missing.append(masthead)
    return missing


def _remove(element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


# ---------------------------------------------------------------- rendering


def _render(element) -> list[str]:
    """Lines of text, one per block; data tables as tab-separated rows."""
    out: list[str] = [""]

    def newline() -> None:
        if out[-1].strip():
            out.append("")

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "table" and node.find(".//table") is None:
            newline()
            out.extend(_table_rows(node))
            out.append("")
        elif tag == "br":
            newline()
        else:
            block = tag in _BLOCK or tag in ("td", "th")
            if block:
                newline()
            if node.text and tag:
                out[-1] += node.text
            for child in node:
                walk(child)
            if block:
                newline()
        if node.tail and node is not element:
            out[-1] += node.tail

    walk(element)
    return out


def _table_rows(table) -> list[str]:
    """A data table as tab-separated grid rows; merged cells written once, in their top-left slot."""
    grid: dict[tuple[int, int], str] = {}
    taken: set[tuple[int, int]] = set()
    rows = [tr for tr in table.iter("tr")]
    width = 0
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            grid[(r, c)] = _cell_text(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            c += colspan
        width = max(width, c)
    lines = []
    for r in range(len(rows)):
        cells = [grid.get((r, c), "") for c in range(width)]
        if any(cells):
            lines.append("\t".join(cells).rstrip("\t"))
    return lines


def _span(value: str | None) -> int:
    try:
        return max(1, min(int((value or "1").strip()), 200))
    except ValueError:
        return 1


def _cell_text(cell) -> str:
    """A cell's words on one line: pieces split by <br> or blocks are joined, with a space only between Latin words."""
    pieces = [p for p in (_SPACE.sub(" ", t).strip() for t in _render(cell)) if p]
    text = ""
    for piece in pieces:
        if text and re.match(r"[A-Za-z0-9]", piece[0]) and re.match(r"[A-Za-z0-9.]", text[-1]):
            text += " "
        text += piece
    return text.replace("\t", " ")


def _clean_lines(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if "\t" in line:
            out.append(line.replace("\xa0", " ").replace("\u3000", " "))
            continue
        line = _SPACE.sub(" ", line).strip()
        if line:
            out.append(line)
    return out
