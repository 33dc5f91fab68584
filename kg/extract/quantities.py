"""Figures in Chinese text: numbers, multipliers, measure words and qualifiers.

``figures(text)`` finds every stated quantity in a span of normalised text:
Arabic numbers (with thousands separators, decimals and the spaces a PDF leaves
inside them), Chinese numerals before a measure word (四届), 万/亿 multipliers, a
measure word as the unit and a qualifier (近, 约, 余, 多, 超过, ...). Years,
dates, times, ordinals (第二届), anniversaries (70周年), year spans (1949至1965年)
and numbered items (1.) are not figures. Measure words and qualifier cues come
from the reference data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from kg.reference import DEF, vocabulary

_MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1_000), "百": Decimal(100)}
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
# Words after a number that make it a date, a time, a duration or an anniversary.
_NOT_AFTER = re.compile(r"^\s*(?:余|多)?\s*(?:年|月|日|号|时|点|分|秒|周年|岁|%|％|世纪)")
_RANGE_AFTER = re.compile(r"^\s*(?:至|到|—|–|-|~|～)\s*\d+\s*年")
_YEAR_AND = re.compile(r"^(?:19|20)\d\d$")  # 2012-03-31, 2018/2019: a date or a year span
_ORDINAL_BEFORE = re.compile(r"(?:第|No\.?|NO\.?|〔|\[)\s*$")
_WORD_BEFORE = set("通经不最附将接")
_ORDINAL_BODY = re.compile(
    r"^(?:全国|人大|政协|中央|党代会|[一二三四五六七八九十]*中全会|[一二三四五六七八九十]中、|会议|一次|二次|三次|四次|五次)"
)


@dataclass(frozen=True)
class Figure:
    value: Decimal
    unit: str | None  # unit concept IRI, None when no measure word follows
    approximation: str  # local name in the approximation scheme
    stated: str  # the figure as written, qualifier included
    start: int
    end: int


@cache
def _lexicon() -> tuple[re.Pattern[str], dict[str, str], dict[str, str], dict[str, str]]:
    vocab = vocabulary()
    units: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    suffixes: dict[str, str] = {}
    for concept in vocab.concepts.values():
        for word in concept.measure_words:
            units[word] = concept.iri
        if concept.scheme == f"{DEF}approximation/scheme":
            for words in concept.cues:
                prefixes["".join(words)] = concept.local
            for word in concept.suffix_cues:
                suffixes[word] = concept.local

    def alternation(words) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    arabic = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\s?\.\s?\d+)?"
    chinese = r"[零〇一二两三四五六七八九十百千]+"
    pattern = re.compile(
        rf"(?P<prefix>{alternation(prefixes)})?\s*"
        rf"(?:(?P<arabic>{arabic})|(?P<chinese>{chinese})(?=\s*(?:{alternation(units)}))|(?P<bare>(?<=[超破逾过近])(?=[万亿])))"
        rf"\s*(?P<suffix1>{alternation(suffixes)})?"
        rf"\s*(?P<mult>[万亿](?:[万亿])?)?"
        rf"\s*(?P<suffix2>{alternation(suffixes)})?"
        rf"\s*(?P<unit>{alternation(units)})?"
        rf"(?P<suffix3>以上|左右|以下)?"
    )
    return pattern, units, prefixes, suffixes


def chinese_number(text: str) -> int | None:
    """四 → 4, 十三 → 13, 二百五十 → 250; None for what is not a plain numeral."""
    if all(c in _DIGITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text)) if len(text) > 1 else _DIGITS[text]
    total, digit = 0, None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _SMALL_UNITS:
            total += (1 if digit is None else digit) * _SMALL_UNITS[char]
            digit = None
        else:
            return None
    return total + (digit or 0)


def plain(number: Decimal) -> Decimal:
    """A decimal without exponent or trailing zeros: 5.2706597E+7 → 52706597."""
    return Decimal(format(number.normalize(), "f"))


def figures(text: str, start: int = 0, end: int | None = None) -> list[Figure]:
    """Every figure in ``text[start:end]``, with offsets into ``text``."""
    pattern, units, prefixes, suffixes = _lexicon()
    end = len(text) if end is None else end
    found: list[Figure] = []
    pos = start
    while pos < end:
        m = pattern.search(text, pos, end)
        if not m:
            break
        pos = max(m.end(), m.start() + 1)
        if not (m.group("arabic") or m.group("chinese") or m.group("bare") is not None):
            continue
        figure = _figure(text, m, units, prefixes, suffixes)
        if figure is not None:
            found.append(figure)
    return found


def _figure(text, m, units, prefixes, suffixes) -> Figure | None:
    number_start = m.start("arabic") if m.group("arabic") else m.start("chinese") if m.group("chinese") else m.start("bare")
    before = text[max(0, number_start - 4) : number_start]
    after = text[m.end() : m.end() + 8]
    number_end = m.end("arabic") if m.group("arabic") else m.end("chinese") if m.group("chinese") else number_start
    tail = text[number_end : number_end + 12]
    if _ORDINAL_BEFORE.search(before) or (not m.group("unit") and not m.group("mult") and _NOT_AFTER.match(tail)):
        return None
    if _RANGE_AFTER.match(tail) or (m.group("arabic") and re.search(r"\d\s*(?:至|到|-|—|/)\s*$", before)):
        return None
    if _YEAR_AND.match(m.group("arabic") or "") and re.match(r"^\s*[-/]\s*\d", tail):
        return None
    if m.group("arabic") and not m.group("mult") and re.match(r"^\s*[.、]\D", tail):
        return None  # a numbered item "1."
    if m.group("unit") in {"届", "次"} and _ORDINAL_BODY.match(after):
        return None  # 十三届全国人大: an ordinal without 第
    if m.group("chinese"):
        value = chinese_number(m.group("chinese"))
        if value is None:
            return None
        number = Decimal(value)
    elif m.group("arabic"):
        number = Decimal(re.sub(r"[,\s]", "", m.group("arabic")))
    else:
        number = Decimal(1)  # 超万条, 破亿: the multiplier alone
    for char in m.group("mult") or "":
        number *= _MULTIPLIERS[char]
    approximation = "exact"
    if m.group("prefix"):
        approximation = prefixes[m.group("prefix")]
    for group in ("suffix1", "suffix2", "suffix3"):
        if m.group(group):
            approximation = suffixes.get(m.group(group), approximation)
    if m.group("prefix") and len(m.group("prefix")) == 1 and text[m.start("prefix") - 1 : m.start("prefix")] in _WORD_BEFORE:
        approximation = "exact"  # 通过, 经过, 最近: the character belongs to a word, not to the figure
    start = m.start("prefix") if m.group("prefix") and approximation != "exact" else number_start
    end = m.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    return Figure(
        value=plain(number),
        unit=units.get(m.group("unit")) if m.group("unit") else None,
        approximation=approximation,
        stated=text[start:end],
        start=start,
        end=end,
    )


_VAGUE = re.compile(r"(?<![无])[数几][十百千万亿]+(?:余|多)?(?!\s*(?:年|个月|月|天|日|周))")


def vague(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of amounts stated without a number (数千万人次, 几百条): figures whose value is not stated."""
    return [m.span() for m in _VAGUE.finditer(text, start, len(text) if end is None else end)]
