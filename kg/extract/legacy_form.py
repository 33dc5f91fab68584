"""Stage 4b, the old statistics form: 政府信息公开情况统计报表 → Metrics.

Many 2008–2018 reports append a form of numbered indicator rows (一、主动公开情况,
（一）收到申请数, 1.当面申请数 …), a unit column (条/件/个/人/次/万元) and one or two value
columns (本期实际 / 本年累计, or a single 统计数). It starts at its title line
(:func:`kg.segment.form_start`) and runs to the end of the text.

Rows are read by their labels, as the standard tables are: each row of the form is a
concept of ``ontology/legacy-form.ttl`` with its cues, its group row, the indicator its
figures count and their dimension values. A label shared by two groups (（一）维持具体行政行为数
under both 行政复议 and 行政诉讼) goes to the group read last. A row is a label, then
its cells: in a tab- or pipe-separated row the cells after the unit (or the label)
fill the columns from the left, an empty cell is blank and trailing blank cells may be
missing; a row separated by spaces must give every column (a blank is written / or —),
else it is left out with a warning, as is a row whose label no cue knows.
Blank cells are absent, not zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.tables import _CELL, _NOT_APPLICABLE, _SEPARATOR, Cell, _cell, _metric, _tokens
from kg.model import Report, Text
from kg.reference import Concept, squash, vocabulary
from kg.segment import form_start

TABLE = "statistics-form"  # ogi:inTable part:statistics-form
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月")  # a period or date line (统计期限, 填报日期) is no row
_WORD_CELL = re.compile(r"^(?:无|没有|空|暂无)$")  # a value cell holding a word: not a figure, not a label


@dataclass
class _Row:
    label: str = ""  # squashed label text (unit word included)
    offsets: list[int] = field(default_factory=list)  # normalised-text offset of each label character
    cells: list[Cell | None] = field(default_factory=list)
    odd: list[str] = field(default_factory=list)  # cells holding words, not figures
    start: int | None = None  # the first line holding cells
    end: int = 0


def read(text: Text, report: Report) -> None:
    """Add the metrics of the statistics form appended to the report, if there is one."""
    start = form_start(text.text)
    if start is None:
        return
    _Reader(text, report).read(start, len(text.text))


class _Reader:
    def __init__(self, text: Text, report: Report) -> None:
        vocab = vocabulary()
        self.text, self.report = text, report
        self.rows = {c.iri: c for c in vocab.scheme("legacy-form")}
        self.cues = sorted(((cue, c) for c in self.rows.values() for cue in c.match), key=lambda p: (-len(p[0]), p[1].iri))
        self.column_cues = [(cue, c.iri) for c in vocab.scheme("accumulation") for cue in c.match]
        self.single_cues = [squash(c) for c in vocab.lexicon("statistics-form-value")]
        self.units = {w for c in vocab.scheme("unit") for w in c.measure_words}
        self.units |= {"万" + w for w in self.units}
        self.columns: list[str | None] | None = None  # None until a header names the value columns
        self.unit_column = False
        self.context: Concept | None = None

    def read(self, start: int, end: int) -> None:
        row = _Row()
        pos = start
        for line in self.text.text[start:end].split("\n"):
            at, pos = pos, pos + len(line) + 1
            flat = squash(line)
            if not flat or _DATE.search(line) or (at == start and not _SEPARATOR.search(line)):
                continue  # blank, a date, the title line
            if self._header(line, flat):
                continue
            label, cells, odd = self._split(line, at)
            if label and row.cells:
                self._emit(row)
                row = _Row()
            row.label += "".join(c for c, _ in label)
            row.offsets.extend(o for _, o in label)
            row.odd.extend(odd)
            if cells is not None:
                row.cells.extend(cells)
                row.end = at + len(line)
                row.start = row.start if row.start is not None else at
        if row.cells:
            self._emit(row)

    # ------------------------------------------------------------ lines

    def _header(self, line: str, flat: str) -> bool:
        """A header line names the value columns (本期实际, 本年累计; or 统计数) and holds no figure or row label."""
        if any(_CELL.match(p.strip()) for p in _SEPARATOR.split(line)) or any(cue in flat for cue, _ in self.cues):
            return False
        found = sorted({(flat.find(cue), iri) for cue, iri in self.column_cues if cue in flat}, key=lambda p: p[0])
        columns: list[str | None] = []
        for _, iri in found:
            if iri not in columns:
                columns.append(iri)
        if not columns and any(cue in flat for cue in self.single_cues):
            columns = [None]
        if not columns:
            return False
        self.columns, self.unit_column = columns, self.unit_column or "单位" in flat
        return True

    def _split(self, line: str, at: int) -> tuple[list[tuple[str, int]], list[Cell | None] | None, list[str]]:
        """(label characters with their offsets, cells or None when the line holds none, cells holding words)."""
        if not _SEPARATOR.search(line):
            label: list[tuple[str, int]] = []
            cells: list[Cell | None] = []
            for kind, piece, start, _end in _tokens(line, at):
                if kind == "text":
                    label.extend((c, start + i) for i, c in enumerate(piece) if squash(c))
                else:
                    cells.append(piece)
            return label, cells or None, []
        pieces, starts, offset = [], [], at
        for piece in _SEPARATOR.split(line):
            pieces.append(piece.strip())
            starts.append(offset + len(piece) - len(piece.lstrip()))
            offset += len(piece) + 1
        if line.strip().startswith("|"):
            pieces, starts = pieces[1:], starts[1:]
        if line.strip().endswith("|"):
            pieces, starts = pieces[:-1], starts[:-1]
        words = [i for i, p in enumerate(pieces) if p and not _CELL.match(p) and p not in _NOT_APPLICABLE]
        units = [i for i in words if squash(pieces[i]) in self.units]
        last = (units or [i for i in words if not _WORD_CELL.match(pieces[i])] or [-1])[-1]
        values = pieces[last + 1 :]
        if self.unit_column and not units and values and not values[0]:
            values = values[1:]  # this row's unit cell is blank
        label = [(c, starts[i] + j) for i in words if i <= last for j, c in enumerate(pieces[i]) if squash(c)]
        if not any(values):
            return label, None, []
        cells = [_cell(m) if (m := _CELL.match(v)) else None for v in values]
        return label, cells, [v for v in values if v and not _CELL.match(v) and v not in _NOT_APPLICABLE]

    # ------------------------------------------------------------ rows

    def _resolve(self, label: str) -> tuple[Concept | None, int, int]:
        """The row concept the label ends with, the offset index of its cue and where the cue ends."""
        pos, chosen, cue_at, cue_end = 0, None, 0, 0
        while True:
            hits = [(label.find(cue, pos), cue, c) for cue, c in self.cues if label.find(cue, pos) >= 0]
            if not hits:
                return chosen, cue_at, cue_end
            at = min(h[0] for h in hits)
            longest = max(len(h[1]) for h in hits if h[0] == at)
            candidates = [c for a, cue, c in hits if a == at and len(cue) == longest]
            chosen = min(candidates, key=lambda c: (self._distance(c), c.iri))
            self.context, cue_at, cue_end = chosen, at, at + longest
            pos = cue_end

    def _distance(self, concept: Concept) -> int:
        """0: a row of the group read last; 1: of a group above it; 2: elsewhere."""
        lineage, node = [], self.context
        while node is not None:
            lineage.append(node.iri)
            node = self.rows.get(node.broader or "")
        if concept.broader in lineage[:1]:
            return 0
        return 1 if concept.broader in lineage else 2

    def _emit(self, row: _Row) -> None:
        concept, cue_at, cue_end = self._resolve(row.label)
        first = row.offsets[cue_at] if row.offsets else row.start or 0
        line_start = self.text.text.rfind("\n", 0, first) + 1
        where = self.text.source(line_start, row.end).strip()
        form_row = vocabulary().form_rows.get(concept.iri) if concept else None
        if form_row is None:
            if any(c is not None for c in row.cells):
                self.report.warn("row-not-understood", f"statistics form row not understood, left out: {where!r}")
            return
        width = len(self.columns) if self.columns else 1
        cells = list(row.cells)
        if _separated(self.text.text, line_start, row.end):
            cells += [None] * (width - len(cells))  # trailing blank cells are often not written
            while len(cells) > width and cells[-1] is None:
                cells.pop()
        if len(cells) != width:
            self.report.warn(
                "row-not-understood", f"statistics form row {where!r} has {len(cells)} values for {width} columns; left out"
            )
            return
        if row.odd:
            self.report.warn(
                "cell-not-understood", f"statistics form row {where!r}: {'、'.join(row.odd)} is not a figure; left out"
            )
        indicator_iri, dims = form_row
        indicator = vocabulary().concepts[indicator_iri]
        unit = row.label[cue_end:]
        for column, cell in zip(self.columns or [None], cells, strict=True):
            if cell is not None:
                dimensions = [*dims, *([column] if column else [])]
                _metric(self.report, indicator, cell, dimensions, TABLE, where, unit if unit in self.units else None)


def _separated(text: str, start: int, end: int) -> bool:
    return bool(_SEPARATOR.search(text, start, end))
