"""What of a report's layout was read, and a warning for every part that was not.

A report whose layout is not recognised still becomes a report node with whatever
figures its prose gave; these warnings say which parts could not be read, so an
unrecognised layout is never taken for a report with nothing to say.
"""

from __future__ import annotations

from kg.extract import legacy_form
from kg.model import Report, Segments
from kg.reference import DEF
from kg.segment import form_start

_NUMERALS = "一二三四五六七八九十"
# Parts of the standard form that hold its tables (part 四 is checked by the table reader itself).
_TABLE_PARTS = {"proactive": "二 (proactive-disclosure tables)", "requests": "三 (applications table)"}


def _numeral(number: int) -> str:
    return _NUMERALS[number - 1] if 1 <= number <= len(_NUMERALS) else str(number)


def parts_read(segments: Segments) -> tuple[str, ...]:
    """The parts found, in order, as ``一 overview``; a heading no cue recognises is ``七 ?``."""
    return tuple(f"{_numeral(p.number)} {p.role.removeprefix(f'{DEF}part/') if p.role else '?'}" for p in segments.parts)


def check(report: Report, segments: Segments, text: str) -> None:
    """Warn about the parts that could not be read."""
    if not segments.parts:
        report.warn(
            "layout-unrecognised",
            "no numbered parts (一、二、…) found: layout not recognised, no table read; "
            f"{len(report.metrics)} figures from the prose",
        )
        return
    if form_start(text) is not None and not any(m.table == legacy_form.TABLE for m in report.metrics):
        report.warn(
            "table-not-read",
            "the report appends the old statistics form (政府信息公开情况统计报表) but none of its rows could be read; "
            "its figures are absent, not zero",
        )
    for part in segments.parts:
        if part.role is None:
            report.warn(
                "part-unrecognised",
                f"part {_numeral(part.number)}、{part.heading} has a heading no part cue recognises; its tables were not read",
            )
    if report.edition.endswith("free-form"):
        return
    roles = {p.role.removeprefix(f"{DEF}part/") for p in segments.parts if p.role}
    tabled = {m.table for m in report.metrics if m.table}
    for name, what in _TABLE_PARTS.items():
        if name not in roles:
            report.warn("part-missing", f"no part {what}; its figures are absent, not zero", name)
        elif name not in tabled and not any(d.table == name for d in report.diagnostics):
            report.warn("table-missing", f"part {what} holds no table the parser could read; its figures are absent", name)
