"""Stage 4b, tables: the standard form's tables (parts 二, 三, 四) → Metrics.

Tables are read by their labels, not by position in a file. A part's text is cut
into rows: a row is the label text since the previous row's numbers, then a run
of numbers. This reads tab-separated Markdown, rows whose label spills over
several lines, and PDF text whose cells are separated by spaces alike. Labels are
matched against the cue labels of the reference data (``skos:hiddenLabel``), in
order of appearance: a group label (（三）不予公开) opens its leaf rows, a header
label (本年制发件数) opens a new header in part 二.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kg.extract import flattened
from kg.extract.quantities import _MULTIPLIERS, plain
from kg.model import Diagnostic, Metric, Part, Report, Text
from kg.reference import Concept, concept_iri, squash, vocabulary
from kg.segment import numeral

_NUMBER = re.compile(
    r"(?<![\d.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d)(?!\s*[.、](?!\d))(?:\s*(?P<mult>[万亿]))?(?:\s*(?P<unit>[件个项条元]))?"
)
_CELL = re.compile(rf"^(?:{_NUMBER.pattern})$")
_UNIT_HINT = re.compile(r"单位\W*(万元|元|件|个|项)")
_SEPARATOR = re.compile(r"[\t|]")  # tabs, and the pipes of tables flattened by crawlers
_NOT_APPLICABLE = {"/", "／", "\\", "—", "——", "-", "－", "–"}  # a cell that holds no figure (not zero)
_TRAILING_NA = re.compile(r"(?:\s+(?:[/／\\]|—{1,2}|[-－–]))+\s*$|^\s*(?:(?:[/／\\]|—{1,2}|[-－–])\s*)+$")


@dataclass(frozen=True)
class Cell:
    value: Decimal
    stated: str
    unit_word: str | None  # measure word written in the cell
    scaled: bool  # a 万/亿 multiplier was written


@dataclass
class Row:
    label: str  # squashed label text
    offsets: list[int]  # normalised-text offset of each label character
    cells: list[Cell | None]  # None: a blank cell
    start: int  # offset of the row's first label character (or first cell)
    end: int  # offset just after its last cell
    separated: bool = False  # its cells were separated by tabs or pipes (not only by spaces)


def rows(text: str, start: int, end: int) -> list[Row]:
    """Cut ``text[start:end]`` into rows of label text followed by numbers."""
    found: list[Row] = []
    current: Row | None = None
    pos = start
    for line in text[start:end].split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        separated = bool(_SEPARATOR.search(line))
        for kind, piece, at, until in _tokens(line, line_start):
            if current is None or (kind == "text" and current.cells):
                if current is not None:
                    found.append(current)
                current = Row("", [], [], at, until)
            if kind == "text":
                flat = [(c, at + i) for i, c in enumerate(piece) if squash(c)]
                current.label += "".join(c for c, _ in flat)
                current.offsets.extend(o for _, o in flat)
            else:
                current.cells.append(piece)
                current.end = until
                current.separated |= separated
    if current is not None and current.cells:
        found.append(current)
    return found


def source(text: Text, row: Row, cue_at: int | None = None) -> str:
    """A row's source text, from the line holding its deciding label (or its start) to its last number."""
    start = row.start
    if cue_at is not None and row.offsets:
        at = row.offsets[min(cue_at, len(row.offsets) - 1)]
        start = text.text.rfind("\n", 0, at) + 1
    return text.source(start, row.end).strip()


def _tokens(line: str, offset: int):
    """("text", str, start, end) and ("cell", Cell | None, start, end) tokens of one line.

    A cell holding only a not-applicable mark (/, —) is a blank cell wherever it stands; an
    empty cell is a blank cell between two cells (before the first it is a merged label's slot).
    """
    if _SEPARATOR.search(line):
        pieces = _SEPARATOR.split(line)
        at = offset
        cells_seen = False
        pending_blanks = 0
        for piece in pieces:
            stripped = piece.strip()
            match = _CELL.match(stripped)
            if match or stripped in _NOT_APPLICABLE:
                for _ in range(pending_blanks if cells_seen else 0):
                    yield "cell", None, at, at
                pending_blanks = 0
                cells_seen = True
                yield "cell", _cell(match) if match else None, at, at + len(piece)
            elif stripped:
                pending_blanks = 0
                cells_seen = False
                first = at + piece.index(stripped[0])
                yield "text", stripped, first, first + len(stripped)
            else:
                pending_blanks += 1
            at += len(piece) + 1
        return
    pos = 0
    for match in _NUMBER.finditer(line):
        yield from _gap(line, pos, match.start(), offset)
        yield "cell", _cell(match), offset + match.start(), offset + match.end()
        pos = match.end()
    yield from _gap(line, pos, len(line), offset)


def _gap(line: str, start: int, end: int, offset: int):
    """The text between two numbers of a space-separated line; trailing not-applicable marks are blank cells."""
    gap = line[start:end]
    if not gap.strip():
        return
    marks = _TRAILING_NA.search(gap)
    text_end = start + (marks.start() if marks else len(gap))
    if line[start:text_end].strip():
        yield "text", line[start:text_end], offset + start, offset + text_end
    for _mark in (marks.group(0).split() if marks else ()):
        yield "cell", None, offset + text_end, offset + end


def _cell(match: re.Match[str]) -> Cell:
    stated = match.group(0)
    number = Decimal(re.match(r"-?[\d,]+(?:\.\d+)?", stated).group(0).replace(",", ""))  # 1,204 → 1204
    scaled = bool(match.group("mult"))
    if scaled:
        number *= _MULTIPLIERS[match.group("mult")]
    return Cell(plain(number), stated.strip(), match.group("unit"), scaled)


# ---------------------------------------------------------------- label matching


def _find(label: str, candidates: list[tuple[str, Concept]], pos: int) -> tuple[int, str, Concept] | None:
    """The earliest (then longest) candidate cue at or after ``pos``."""
    best = None
    for cue, concept in candidates:
        at = label.find(cue, pos)
        if at >= 0 and (best is None or (at, -len(cue)) < (best[0], -len(best[1]))):
            best = (at, cue, concept)
    return best


def _cues(concepts) -> list[tuple[str, Concept]]:
    return [(cue, c) for c in concepts for cue in c.match]


# ---------------------------------------------------------------- the three tables


def read_tables(text: Text, parts: dict[str, Part], report: Report) -> None:
    """Add the metrics of every standard table found in the report's parts."""
    if "proactive" in parts:
        _proactive(text, parts["proactive"], report)
    if "requests" in parts:
        _requests(text, parts["requests"], report)
    if "appeals" in parts:
        _appeals(text, parts["appeals"], report)
    else:
        report.warn(
            "part-missing", "no part 四 (reconsideration and litigation table); its figures are absent, not zero", "appeals"
        )


def _metric(report: Report, indicator: Concept, cell: Cell, dims, table: str, source_text: str, unit_hint=None):
    vocab = vocabulary()
    unit = indicator.default_unit
    value = cell.value
    word = cell.unit_word
    if word is None and not cell.scaled and unit_hint:  # the header says 单位：万元
        word = unit_hint
        if word.startswith("万"):
            value, word = plain(value * _MULTIPLIERS["万"]), word[1:]
    if word:
        unit = next((c.iri for c in vocab.concepts.values() if word in c.measure_words), unit)
    report.metrics.append(
        Metric(
            indicator=indicator.iri,
            value=value,
            unit=unit,
            stated=cell.stated,
            source_text=source_text,
            dimensions=tuple(sorted((vocab.dimension(d), d) for d in dims)),
            table=table,
        )
    )


def _proactive(text: Text, part: Part, report: Report) -> None:
    vocab = vocabulary()
    cues = _cues(vocab.in_form_part("proactive")) + _cues(vocab.scheme("matter"))
    columns: list[tuple[Concept, str | None]] = []
    header_open = False
    for row in rows(text.text, part.start, part.end):
        pos, matter, matter_at = 0, None, None
        while hit := _find(row.label, cues, pos):
            at, cue, concept = hit
            if concept.form_part:
                if not header_open:
                    columns, header_open = [], True
                hint = _UNIT_HINT.search(row.label, at + len(cue), at + len(cue) + 8)
                columns.append((concept, hint.group(1) if hint else None))
            else:
                matter, matter_at, header_open = concept, at, False
            pos = at + len(cue)
        header_open = False
        where = source(text, row, matter_at)
        if matter is None or not columns:
            report.warn("row-not-understood", f"part 二 row not understood, left out: {where!r}")
            continue
        if len(row.cells) > len(columns):
            report.warn(
                "row-not-understood", f"part 二 row {where!r} has {len(row.cells)} numbers for {len(columns)} columns; left out"
            )
            continue
        cells = row.cells
        if len(cells) < len(columns) and not row.separated and _run(row) and sum(len(c.stated) for c in cells) > len(cells):
            decoded = _decode(report, {0: (row, where)}, len(columns), None)  # no arithmetic: only a forced cut
            if not decoded:
                continue
            cells = [_int_cell(v) for v in decoded[0][0]]
        for (column, hint), cell in zip(columns, cells, strict=False):
            if cell is not None:
                _metric(report, column, cell, [matter.iri], "proactive", where, hint)


def _requests(text: Text, part: Part, report: Report) -> None:
    vocab = vocabulary()
    stages = _cues(vocab.in_form_part("requests"))
    groups = _cues(c for c in vocab.scheme("outcome") if c.broader is None)
    handled = vocab.concepts[concept_iri("indicator", "applications-handled")]
    columns = [c for c in vocab.scheme("applicant") if c.column]
    with_subtotal = columns[:1] + [vocab.concepts[concept_iri("applicant", "legal-person")]] + columns[1:]
    found: set[str] = set()
    stage: Concept | None = None
    group: Concept | None = None
    runs: dict[str, tuple[Row, Concept, Concept | None, str]] = {}  # rows whose cells ran together, by row key
    stated: dict[str, tuple[int, ...]] = {}  # rows read with their separators, for the column rules
    for row in rows(text.text, part.start, part.end):
        pos, leaf, deciding = 0, None, None
        while hit := _find(row.label, stages + groups + (_cues(vocab.children(group.iri)) if group else []), pos):
            at, cue, concept = hit
            if concept.form_part:
                stage, group, leaf = concept, None, None
            elif concept.broader is None:
                group, leaf = concept, None
                stage = stage if stage is handled else handled
            else:
                leaf = concept
            pos, deciding = at + len(cue), at
        where = source(text, row, deciding)
        if stage is None:
            report.warn("row-not-understood", f"applications table row not understood, left out: {where!r}")
            continue
        outcome = (leaf or group) if stage is handled else None
        if stage is handled and outcome is None:
            report.warn("row-not-understood", f"applications table row has no outcome label, left out: {where!r}")
            continue
        key = outcome.iri if outcome else stage.iri
        if len(row.cells) == len(with_subtotal):
            cols = with_subtotal
        elif len(row.cells) == len(columns):
            cols = columns
            if all(c is not None and c.stated.isdigit() for c in row.cells):
                stated[key] = tuple(int(c.stated) for c in row.cells)
        elif len(row.cells) < len(columns) and _run(row):
            runs[key] = (row, stage, outcome, where)
            continue
        else:
            report.warn(
                "row-not-understood",
                f"applications table row {where!r} has {len(row.cells)} numbers, expected {len(columns)}; left out",
            )
            continue
        found.add(outcome.iri if outcome else stage.iri)
        for column, cell in zip(cols, row.cells, strict=True):
            if cell is not None:
                dims = [column.iri] + ([outcome.iri] if outcome else [])
                _metric(report, stage, cell, dims, "requests", where)
    decoded = _decode(report, runs, len(columns), flattened.total_is_sum, stated, _request_rules(set(stated) | set(runs)))
    for key, (values, (_, stage_, outcome_, where)) in decoded.items():
        found.add(key)
        for column, value in zip(columns, values, strict=True):
            _metric(report, stage_, _int_cell(value), [column.iri] + ([outcome_.iri] if outcome_ else []), "requests", where)
    _missing_rows(report, found)


def _run(row: Row) -> bool:
    """Could this row's cells be integers run together?"""
    return all(c is not None for c in row.cells) and flattened.is_run([c.stated for c in row.cells])


def _int_cell(value: int) -> Cell:
    return Cell(Decimal(value), str(value), None, False)


def _decode(report: Report, runs: dict, width: int, row_rule, stated=None, column_rules=()) -> dict:
    """Decode run-together rows (``key -> (row, ..., where)``); warn about each one left undecoded."""
    if not runs:
        return {}
    digits = {key: [c.stated for c in entry[0].cells] for key, entry in runs.items()}
    values = flattened.decode(digits, width, row_rule, stated, column_rules)
    decoded = {}
    for key, entry in runs.items():
        where = entry[-1]
        if values[key] is None:
            report.warn(
                "row-undecoded",
                f"table row {where!r} runs {width} cells together and no single way of cutting "
                f"{' '.join(digits[key])} fits the form's arithmetic; left out undecoded",
            )
        else:
            report.diagnostics.append(
                Diagnostic("note", "row-decoded", f"table row {where!r} ran its cells together; read as {values[key]}")
            )
            decoded[key] = (values[key], entry)
    return decoded


def _request_rules(keys: set[str]) -> list[flattened.ColumnRule]:
    """The applications table's column rules: 一 + 二 = （七）总计 + 四; （七）总计 = the sum of the outcome rows."""
    vocab = vocabulary()
    ind = lambda local: concept_iri("indicator", local)  # noqa: E731
    total = concept_iri("outcome", "total")
    rules = [((ind("applications-received"), ind("applications-carried-over")), (total, ind("applications-carried-forward")))]
    outcomes = {c.iri for c in vocab.scheme("outcome")} & keys
    leaves = tuple(sorted(o for o in outcomes - {total} if not any(c.iri in keys for c in vocab.children(o))))
    if leaves:
        rules.append((leaves, (total,)))
    return rules


def _missing_rows(report: Report, found: set[str]) -> None:
    vocab = vocabulary()
    handled = concept_iri("indicator", "applications-handled")
    expected = [c.iri for c in vocab.in_form_part("requests") if c.iri != handled]
    for group in sorted((c for c in vocab.scheme("outcome") if c.broader is None), key=_order):
        children = sorted(vocab.children(group.iri), key=_order)
        subdivided = report.edition.endswith("2021") or group.iri != concept_iri("outcome", "other-handling")
        expected.extend([c.iri for c in children] if children and subdivided else [group.iri])
    missing = [iri for iri in expected if iri not in found]
    if not found:
        report.warn("table-missing", "part 三 has no applications table; its figures are absent, not zero", "requests")
    elif missing:
        names = "、".join(vocab.concepts[iri].label_zh for iri in missing)
        report.warn(
            "table-incomplete",
            f"applications table lacks {len(missing)} of {len(expected)} rows ({names}); they are absent, not zero",
            "requests",
        )


def _order(concept: Concept) -> int:
    """Form order from the notation: （三） → 3, 2 → 2."""
    notation = (concept.notation or "").strip("（）()")
    return int(notation) if notation.isdigit() else numeral(notation) if notation else 99


def _appeals(text: Text, part: Part, report: Report) -> None:
    vocab = vocabulary()
    recon = vocab.concepts[concept_iri("indicator", "reconsideration-cases")]
    litigation = vocab.concepts[concept_iri("indicator", "litigation-cases")]
    groups = [(recon, None)] + [(litigation, route) for route in vocab.scheme("route")]
    results = vocab.scheme("result")
    width = len(groups) * len(results)
    all_rows = rows(text.text, part.start, part.end)
    table_rows = [r for r in all_rows if len(r.cells) == width]
    if not table_rows:  # its numbers may have run together
        runs = {i: (r, source(text, r)) for i, r in enumerate(all_rows) if len(r.cells) < width and _run(r)}
        for values, (row, _where) in _decode(report, runs, width, flattened.groups_sum(len(results))).values():
            table_rows.append(Row(row.label, row.offsets, [_int_cell(v) for v in values], row.start, row.end))
            break
    if not table_rows:
        report.warn("table-missing", f"part 四 has no row of {width} numbers; its figures are absent, not zero", "appeals")
        return
    row = table_rows[0]
    where = source(text, row)
    for i, cell in enumerate(row.cells):
        if cell is not None:
            indicator, route = groups[i // len(results)]
            dims = [results[i % len(results)].iri] + ([route.iri] if route else [])
            _metric(report, indicator, cell, dims, "appeals", where)
