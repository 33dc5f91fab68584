"""Which agency wrote a report, and its administrative level, for any agency in the country.

The name comes from the title (外交部发布…), else from a short line that ends like an
agency's name near the title (a page header) or at the end (the signature), else from a
publisher field (发布机构：…). The level is told by the last administrative division the
name holds (…省…市…区教育局 → county); a name with no division is central when it holds a
central cue (国家, 部, 委员会). Every word here lives in ``ontology/``.
"""

from __future__ import annotations

import re

from kg.reference import squash, vocabulary

_DATE_LINE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*$")
_FIELD = re.compile(r"^\s*(?P<field>[^:：\s]{2,6})\s*[:：]\s*(?P<value>[^\s　]{2,40})")
_SIGNATURE_LINES = 6  # the signature is among the last lines
_HEADER_LINES = 6  # a page header is among the first lines
_MAX_NAME = 30


def level(name: str) -> str | None:
    """The administrative level of an agency from its name: central, provincial, prefectural, county, township."""
    vocab = vocabulary()
    flat = squash(name)
    excluded = {i for word in vocab.lexicon("not-a-place") for m in re.finditer(re.escape(word), flat) for i in (m.start(),)}
    best: tuple[int, int, str] | None = None  # (end, length, level)
    for concept in vocab.scheme("agency-level"):
        for cue in concept.match:
            for m in re.finditer(re.escape(cue), flat):
                if m.start() == 0 and len(cue) == 1 or m.start() in excluded or m.start() + len(cue) - 1 in excluded:
                    continue
                found = (m.end(), len(cue), concept.local)
                if best is None or found[:2] > best[:2]:
                    best = found
    if best:
        return best[2]
    if any(cue in flat for cue in vocab.lexicon("central-agency")):
        return "central"
    return None


def _is_name(line: str) -> bool:
    flat = squash(line)
    return 2 < len(flat) <= _MAX_NAME and flat.endswith(vocabulary().lexicon("agency-suffix")) and not re.search(r"\d", flat)


def name_in_text(text: str) -> str | None:
    """An agency name stated outside the title: a publisher field, the page header or the signature."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    fields = vocabulary().lexicon("publisher-field")
    for line in lines[: _HEADER_LINES * 2]:
        if (m := _FIELD.match(line)) and m.group("field") in fields and _is_name(m.group("value")):
            return squash(m.group("value"))
    tail = lines[-_SIGNATURE_LINES:]
    for i, line in enumerate(tail):
        following = tail[i + 1] if i + 1 < len(tail) else ""
        if _is_name(line) and (_DATE_LINE.match(following) or i == len(tail) - 1):
            return squash(line)
    for line in lines[:_HEADER_LINES]:
        if _is_name(line):
            return squash(line)
    return None
