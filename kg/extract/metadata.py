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
_YEAR_STATED = re.compile(r"(\d{4})\s*年(?:度|[^\d\W]{0,4}?(?:政府信息公开|政务公开))")  # 2012年度, 2012年我部政府信息公开
_FIRST_PART = re.compile(r"^\s*一、", re.MULTILINE)
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "Ｏ": 0, "O": 0}
_CN = rf"[{''.join(_CN_DIGITS)}十]"
_SIGNATURE_DATE = re.compile(
    rf"^(?:\S.{{0,40}}?\s+)?(?P<y>\d{{4}}|{_CN}{{4}})\s*年\s*(?P<m>\d{{1,2}}|{_CN}{{1,3}})\s*月"
    rf"\s*(?P<d>\d{{1,2}}|{_CN}{{1,3}})\s*日$"
)


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
    return report_year(title, period, text)[0]


def report_year(title: str | None, period: tuple[date, date] | None, text: str) -> tuple[int | None, str | None]:
    """The report year, and a warning when it was inferred rather than stated.

    In order: the title; a statement in the opening (``2012年度``, ``2012年政府信息公开``); the
    statistical period; else the release date that signs the report, when it falls in January to
    June (reports are due by the end of March), as the year before it — with a warning. Nothing
    else is guessed: a year merely mentioned in the opening is no report year.
    """
    if title and (m := _YEAR_IN_TITLE.search(title)):
        return int(m.group(1)), None
    if m := _YEAR_STATED.search(_opening(text)):
        return int(m.group(1)), None
    if period:
        return period[0].year, None
    signed = release_date(text)
    if signed and signed.month <= 6:
        return signed.year - 1, (
            f"the title, opening and statistical period state no year: {signed.year - 1} is inferred "
            f"from the release date {signed.isoformat()} that signs the report"
        )
    return None, None


def _opening(text: str) -> str:
    """The text before the first numbered part (一、…), at most 3,000 characters."""
    first = _FIRST_PART.search(text)
    return text[: min(first.start() if first else len(text), 3000)]


def release_date(text: str) -> date | None:
    """The date that signs the report: the last line that is a date (``2013年3月29日``, ``二〇一三年三月二十九日``),
    alone or after the agency's name."""
    for line in reversed(text.splitlines()):
        if m := _SIGNATURE_DATE.match(line.strip()):
            try:
                return date(*(_chinese_number(g) for g in m.group("y", "m", "d")))
            except ValueError:
                return None
    return None


def _chinese_number(digits: str) -> int:
    """``2013`` → 2013, ``二〇一三`` → 2013 (digit by digit), ``二十九`` → 29."""
    if digits.isdigit():
        return int(digits)
    if "十" in digits:
        tens, _, units = digits.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in digits))


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


def masthead(line: str | None) -> tuple[date | None, str | None]:
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
