"""Stage 2, normalise: one canonical text for every layout, mapped back to the original.

- full-width letters, digits and punctuation become half-width; ideographic spaces become spaces;
- Traditional characters become Simplified (OpenCC t2s), character for character;
- Markdown heading and quote marks, and bold around a whole line, are dropped;
- page furniture (navigation lines, link lists after the body) is dropped;
- lines that a PDF or a web page wrapped inside a sentence are joined again.

Every kept character remembers its place in the original (``Text.origin``), so a
figure's source is always shown as the report wrote it.
"""

from __future__ import annotations

import re
from functools import cache

from kg.model import Source, Text
from kg.reference import squash, vocabulary

_WIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0xA0: 0x20, 0x0D: 0x0A}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MD_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|>\s*)")
# A line that starts a new item is never the tail of the previous line.
_ITEM_START = re.compile(
    r"^(?:#|[一二三四五六七八九十]+、|\(?[一二三四五六七八九十]+\)|\d+[.、]\D|第[一二三四五六七八九十百]+[条章节部分项])"
)
_PUNCT = re.compile(r"[。，,；;：:！？!?]")
_CELL_GAP = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")
_TERMINAL = set("。！？!?；;：:")
_LONE_CELL = re.compile(r"^(?:-?[\d.,]+\s*[万亿]?[件个项条元]?|[/／—-]+|\|+)$")  # a table cell on a line of its own
_WRAP_MIN = 20  # a wrapped line is at least this long; shorter lines are headings or table labels


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified, keeping the length so offsets stay valid."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c) == 1 else o for o, c in ((o, _t2s().convert(o)) for o in text))


def fold(text: str) -> str:
    """Half-width forms, Simplified script; same length as the input."""
    return to_simplified(text.translate(_WIDTH))


def script_of(original: str, folded: str) -> str:
    """ISO 15924 script of the original: Hant when a noticeable share of characters changed."""
    cjk = changed = 0
    for a, b in zip(original, folded, strict=True):
        if _CJK.match(a):
            cjk += 1
            changed += a != b
    return "Hant" if cjk and changed / cjk > 0.02 else "Hans"


class _Builder:
    def __init__(self) -> None:
        self.chars: list[str] = []
        self.origin: list[int] = []

    def add(self, text: str, start: int) -> None:
        self.chars.append(text)
        self.origin.extend(range(start, start + len(text)))

    def newline(self, at: int) -> None:
        self.chars.append("\n")
        self.origin.append(at)


def normalise(source: Source) -> tuple[Text, str]:
    """The normalised text of a report and the script of its original."""
    original = source.text
    folded = fold(original)
    script = script_of(original, folded)
    lines = list(_lines(folded, markdown=source.format == "markdown"))
    lines = _drop_furniture(lines)
    out = _Builder()
    previous: str | None = None
    for start, line in lines:
        if previous is not None:
            if _joins(previous, line):
                out.add(line, start)
                previous += line
                continue
            out.newline(out.origin[-1] + 1)
        out.add(line, start)
        previous = line
    return Text("".join(out.chars), tuple(out.origin), original), script


def _lines(folded: str, markdown: bool):
    """(start offset, stripped line) for every non-empty line."""
    offset = 0
    for raw in folded.split("\n"):
        start, line = offset, raw
        offset += len(raw) + 1
        if markdown:
            prefix = _MD_PREFIX.match(line)
            if prefix:
                start += prefix.end()
                line = line[prefix.end() :]
        stripped = line.strip(" \t")
        start += len(line) - len(line.lstrip(" \t"))
        if markdown and stripped.startswith(("**", "__")) and stripped.endswith(stripped[:2]) and len(stripped) > 4:
            stripped, start = stripped[2:-2].strip(" \t"), start + 2  # a bold line, usually a heading
        if stripped:
            yield start, stripped


def _drop_furniture(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    vocab = vocabulary()
    drop = [squash(c) for c in vocab.lexicon("drop-line")]
    end = [squash(c) for c in vocab.lexicon("end-of-body")]
    kept = []
    for start, line in lines:
        flat = squash(line)
        if any(flat.startswith(cue) for cue in end) and kept:
            break
        if any(cue in flat for cue in drop) or (">>" in line and len(line) < 80):
            continue
        kept.append((start, line))
    return kept


def _joins(previous: str, line: str) -> bool:
    """Is ``line`` the continuation of ``previous``, broken by a PDF or page wrap?"""
    if "\t" in previous or "\t" in line or len(previous) < _WRAP_MIN or _LONE_CELL.match(line):
        return False
    if "|" in previous or "|" in line:  # a table flattened with pipes
        return False
    if previous[-1] in _TERMINAL or _ITEM_START.match(line):
        return False
    if _ITEM_START.match(previous) and not _PUNCT.search(previous):
        return False  # a heading
    if len(_CELL_GAP.findall(previous)) >= 2 or len(_CELL_GAP.findall(line)) >= 2:
        return False  # a table row whose cells are separated by spaces
    return not (is_title(previous) or is_masthead(previous) or is_masthead(line))


_YEAR = re.compile(r"\d{4}年?度?")


def is_title(line: str) -> bool:
    """Does this (normalised) line read like a report title?"""
    if len(line) > 80:
        return False
    flat = _YEAR.sub("", squash(line))
    return any(cue in flat for cue in _cues("report-title"))


def is_masthead(line: str) -> bool:
    """A line giving release date and source: a date and a masthead cue."""
    return bool(re.search(r"\d{4}(?:年|-|/|\.)\d{1,2}", line)) and any(c in line for c in _cues("masthead"))


@cache
def _cues(local: str) -> tuple[str, ...]:
    return tuple(squash(c) for c in vocabulary().lexicon(local))
