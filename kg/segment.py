"""Stage 3, segment: find the title, the masthead line and the numbered parts (一 … 六).

A part heading is a line ``N、heading`` whose number continues the sequence and
that holds no figures; its role (overview, proactive disclosure, requests, fees,
appeals, problems, other) comes from the cue words in ``ontology/lexicon.ttl``.
Table rows that also start with ``一、`` … ``四、`` break the sequence or hold
figures, so they are never taken for headings; the old statistics form a report
appends (its rows run 一 … 八) ends the last part.
"""

from __future__ import annotations

import re

from kg.model import Part, Segments, Text
from kg.normalise import is_masthead, is_title
from kg.reference import DEF, squash, vocabulary

_NUMERALS = "一二三四五六七八九十"
_HEADING = re.compile(rf"^([{_NUMERALS}]+)、\s*(.+)$")
_FIGURES = re.compile(r"\d\s+\d|\t")
_TITLE_WINDOW = 8  # the title is among the first lines


def numeral(text: str) -> int:
    """一 … 十九 → 1 … 19."""
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _NUMERALS.index(text[1]) + 1
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_NUMERALS.index(tens) + 1) * 10 + (_NUMERALS.index(units) + 1 if units else 0)
    return _NUMERALS.index(text) + 1


def segment(text: Text) -> Segments:
    lines = _line_spans(text.text)
    title, title_span = _title(text.text, lines)
    first_part = None
    parts: list[tuple[int, str, str | None, int]] = []
    limit = form_start(text.text)  # the appended statistics form is no part: its rows 七、八 are no headings
    limit = len(text.text) if limit is None else limit
    for start, end in lines:
        if start >= limit:
            break
        line = text.text[start:end]
        match = _HEADING.match(line)
        if not match or _FIGURES.search(line) or len(line) > 60:
            continue
        number = numeral(match.group(1))
        if parts and number <= parts[-1][0]:
            if number == parts[-1][0] and parts[-1][2] is None and (role := _role(match.group(2))):
                parts[-1] = (number, match.group(2).strip(), role, start)  # the first was a table row on its own line
            continue
        if not parts and number != 1 and _role(match.group(2)) is None:
            continue
        parts.append((number, match.group(2).strip(), _role(match.group(2)), start))
        first_part = first_part if first_part is not None else start
    spans = []
    for i, (number, heading, role, start) in enumerate(parts):
        end = parts[i + 1][3] if i + 1 < len(parts) else limit
        spans.append(Part(number, heading, role, start, end))
    head_end = first_part if first_part is not None else len(text.text)
    masthead = next(
        (text.text[s:e] for s, e in lines if e <= head_end and is_masthead(text.text[s:e])),
        None,
    )
    return Segments(title, title_span, masthead, tuple(spans))


def form_start(text: str) -> int | None:
    """Where the old statistics form (政府信息公开情况统计报表) a report appends begins: the first short
    line naming it after the report's first part heading (else anywhere), not a sentence that cites it."""
    cues = [squash(c) for c in vocabulary().lexicon("statistics-form")]
    titles: list[int] = []
    first_part = None
    pos = 0
    for line in text.split("\n"):
        if first_part is None and (m := _HEADING.match(line)) and m.group(1) == "一":
            first_part = pos
        flat = squash(line)
        if len(line) <= 60 and line.rstrip()[-1:] not in ("。", "；", "，", ",", ";") and any(c in flat for c in cues):
            titles.append(pos)
        pos += len(line) + 1
    after = [t for t in titles if first_part is not None and t > first_part]
    return after[0] if after else titles[0] if titles else None


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _title(text: str, lines: list[tuple[int, int]]) -> tuple[str | None, tuple[int, int] | None]:
    window = lines[:_TITLE_WINDOW]
    for i, (start, end) in enumerate(window):
        line = text[start:end]
        if is_title(line):
            return line, (start, end)
        if i + 1 < len(window) and len(line) < 40:
            nxt_start, nxt_end = window[i + 1]
            if nxt_end - nxt_start < 40 and is_title(line + text[nxt_start:nxt_end]):
                return f"{line} {text[nxt_start:nxt_end]}", (start, nxt_end)
    return None, None


def _role(heading: str) -> str | None:
    """The part concept whose cues cover most of the heading (行政复议、行政诉讼 beats 公开申请); ties go by IRI."""
    flat = squash(heading)
    best: tuple[int, str] | None = None
    for concept in vocabulary().concepts.values():
        if not concept.iri.startswith(DEF + "part/"):
            continue
        covered = {i for cue in ("".join(w) for w in concept.cues) if cue in flat for i in _spans(flat, cue)}
        if covered and (best is None or len(covered) > best[0] or (len(covered) == best[0] and concept.iri < best[1])):
            best = (len(covered), concept.iri)
    return best[1] if best else None


def _spans(text: str, cue: str) -> range:
    at = text.find(cue)
    return range(at, at + len(cue))
