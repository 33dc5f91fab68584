"""Stage 4a, metadata: agency, year, title, statistical period, release date, source, edition."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

from kg.extract import agencies
from kg.model import Agency, InputError, Segments, Source, Text
from kg.reference import concept_iri, squash, vocabulary

_DATE = re.compile(r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})")
_PERIOD = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\D{0,3}?(?:至|到|-|—)\s*(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_SOURCE = re.compile(r"来源\s*[:：]\s*(\S+)")
_YEAR_IN_TITLE = re.compile(r"(\d{4})\s*年")
_AGENCY_END = re.compile(r"(?:关于)?(?:\d{4}\s*年度?)?\s*(?:政府信息公开|政务公开)")


def agency(title: str | None, text: str | None = None) -> Agency | None:
    """The agency named at the head of the title (``外交部发布2011年政府信息公开…`` → 外交部), else in
    the text's publisher field, page header or signature; its level from its name."""
    name = ""
    if title:
        head = re.sub(r"^\s*\d{4}\s*年度?", "", title)
        match = _AGENCY_END.search(head)
        name = head[: match.start()] if match else ""
        for verb in vocabulary().lexicon("release-verb"):
            if name.endswith(verb):
                name = name[: -len(verb)]
        name = squash(name)
    if not name and text:
        name = agencies.name_in_text(text) or ""
    if not name:
        return None
    for known in vocabulary().agencies:
        if name in known.names:
            return Agency(name, known.key, known.name_en, known.level)
    return Agency(name, quote(name, safe=""), None, agencies.level(name))


def year(title: str | None, period: tuple[date, date] | None, text: str) -> int | None:
    if title and (m := _YEAR_IN_TITLE.search(title)):
        return int(m.group(1))
    if period:
        return period[0].year
    first = _YEAR_IN_TITLE.search(text[:2000])
    return int(first.group(1)) if first else None


def period(text: str) -> tuple[date, date] | None:
    """The statistical period, when a sentence with a period cue states it."""
    for cue in vocabulary().lexicon("period"):
        at = text.find(cue)
        if at >= 0 and (m := _PERIOD.search(text, at, at + 80)):
            y1, m1, d1, y2, m2, d2 = m.groups()
            try:
                return date(int(y1), int(m1), int(d1)), date(int(y2 or y1), int(m2), int(d2))
            except ValueError:
                return None
    return None


def masthead(line: str | None, text: Text | None = None) -> tuple[date | None, str | None]:
    """Release date and original source from a masthead line."""
    if not line:
        return None, None
    issued = None
    if m := _DATE.search(line):
        try:
            issued = date(*(int(g) for g in m.groups()))
        except ValueError:
            issued = None
    source = _SOURCE.search(line)
    return issued, source.group(1) if source else None


def edition(text: Text, segments: Segments, year_: int) -> str:
    """Free-form, or the edition of the standard form whose table labels the text uses."""
    vocab = vocabulary()
    body = squash(text.text)
    for local in ("standard-2021", "standard-2019"):
        if any(cue in body for cue in vocab.concepts[concept_iri("edition", local)].match):
            return concept_iri("edition", local)
    received = vocab.concepts[concept_iri("indicator", "applications-received")].match
    if any(cue in body for cue in received) and segments.part(concept_iri("part", "requests")):
        return concept_iri("edition", "standard-2021" if year_ >= 2021 else "standard-2019")
    return concept_iri("edition", "free-form")


def check_is_report(source: Source, segments: Segments) -> None:
    recognised = [p for p in segments.parts if p.role]
    if segments.title is None and len(recognised) < 3:
        raise InputError("is not an open-government-information annual report (no report title and no report parts found)")
