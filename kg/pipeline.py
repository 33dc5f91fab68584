"""One report through the parsing stages, and an executor for many.

    read → normalise → segment → extract (metadata, tables, prose, statements) → Report

Reports are independent: ``run`` streams them in input order, in this process or
in a pool of worker processes, holding no more than a few reports at a time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import partial
from multiprocessing import get_context
from pathlib import Path

from kg.extract import layout, legacy_form, metadata, prose, statements, tables
from kg.model import Agency, InputError, Report
from kg.normalise import normalise
from kg.read import read
from kg.reference import DEF, vocabulary
from kg.segment import segment


def parse(path: Path, nlp: str | None = None) -> Report:
    """Parse one report file; ``nlp`` names an installed trained spaCy pipeline for the prose (default: blank Chinese).

    Raises InputError with a one-line reason.
    """
    source = read(path)
    text, script = normalise(source)
    segments = segment(text)
    metadata.check_is_report(source, segments)
    title = segments.title
    period = metadata.period(text.text)
    year, year_note = metadata.report_year(title, period, text.text)
    if year is None:
        raise InputError("states no report year (none in the title, the opening, the statistical period or the release date)")
    agency = metadata.agency(title, text.text)
    issued, site = metadata.masthead(segments.masthead)
    report = Report(
        source=source,
        agency=agency or Agency("未知机关", "unknown"),
        year=year,
        title=title or "",
        title_original=text.source(*segments.title_span) if segments.title_span else "",
        script=script,
        edition=metadata.edition(text, segments, year),
        period=period,
        issued=issued,
        source_site=site,
    )
    if agency is None:
        report.warn("agency-unknown", "no agency name found in the title")
    if title is None:
        report.warn("title-missing", "no report title found")
    if year_note:
        report.warn("year-inferred", year_note)
    parts = {p.role.removeprefix(f"{DEF}part/"): p for p in segments.parts if p.role}
    report.parts = layout.parts_read(segments)
    table_parts: frozenset[str] = frozenset()
    if not report.edition.endswith("free-form"):
        tables.read_tables(text, parts, report)
        table_parts = frozenset(c.form_part for c in vocabulary().concepts.values() if c.form_part)
    legacy_form.read(text, report)
    prose.extract(text, prose.prose_spans(text, segments, table_parts), report, nlp)
    statements.stated_zeros(text, report)
    _dedupe_zeros(report)
    layout.check(report, segments, text.text)
    return report


def _dedupe_zeros(report: Report) -> None:
    """A stated zero that a table already gives for the same indicator and dimensions is dropped."""
    tabled = {(m.indicator, m.dimensions) for m in report.metrics if m.table}
    report.metrics = [m for m in report.metrics if m.table or (m.indicator, m.dimensions) not in tabled or m.value != 0]


def _safe_parse(path: Path, nlp: str | None = None) -> Report | InputError:
    try:
        return parse(path, nlp)
    except InputError as exc:
        return exc
    except Exception as exc:  # a parser bug must not stop the other reports: name it in one line
        if os.environ.get("KG_DEBUG"):
            raise
        return InputError(f"could not be parsed ({type(exc).__name__}: {exc}); set KG_DEBUG=1 for a traceback")


def run(paths: Iterable[Path], jobs: int = 1, nlp: str | None = None) -> Iterator[tuple[Path, Report | InputError]]:
    """Parse reports in order; ``jobs`` > 1 uses that many worker processes; ``nlp`` as for ``parse``."""
    paths = list(paths)
    if jobs <= 1 or len(paths) < 2:
        for path in paths:
            yield path, _safe_parse(path, nlp)
        return
    with get_context("spawn" if os.name == "nt" else "fork").Pool(jobs) as pool:
        yield from zip(paths, pool.imap(partial(_safe_parse, nlp=nlp), paths, chunksize=4), strict=True)
