"""Stage 4c, statements: figures stated in sentences rather than tables.

- Stated zeros: a “无……情况” sentence (我部无因依申请公开信息收取或减免费用情况) is a
  fact, value 0, for every indicator whose ``ogi:zeroCue`` words all occur in it.
- Cue figures: in the given parts, each figure is matched to the indicator whose
  ``ogi:cue`` words all occur before it in the same clause. A figure no cue
  selects is not guessed: it is reported as not understood.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.extract.quantities import figures
from kg.model import Diagnostic, Metric, Part, Report, Text
from kg.reference import DEF, Concept, vocabulary

_SENTENCE = re.compile(r"[^。！？!?;；\n]+[。！？!?;；]?")
_CLAUSE_BREAK = re.compile(r"[，,、：:]")
_ZERO = re.compile(r"无(?P<what>[^。；;，,]{2,80}?)的?情况")


def sentences(text: str, start: int, end: int):
    """(start, end) of each sentence in ``text[start:end]``."""
    for m in _SENTENCE.finditer(text, start, end):
        if m.group(0).strip():
            yield m.start(), m.end()


def _indicators() -> list[Concept]:
    return [c for c in vocabulary().concepts.values() if c.scheme == f"{DEF}indicator/scheme"]


def _metric(
    indicator: Concept, value: Decimal, unit: str | None, approximation: str, stated: str, text: Text, sentence, span
) -> Metric:
    vocab = vocabulary()
    return Metric(
        indicator=indicator.iri,
        value=value,
        unit=unit or indicator.default_unit or f"{DEF}unit/count",
        stated=stated,
        source_text=text.source(*sentence).strip(),
        approximation=approximation,
        dimensions=tuple(sorted((vocab.dimension(d), d) for d in indicator.defaults)),
        span=span,
    )


def stated_zeros(text: Text, report: Report, start: int = 0, end: int | None = None) -> None:
    """Add a zero metric for every indicator a “无……情况” sentence states as none."""
    end = len(text.text) if end is None else end
    for sentence in sentences(text.text, start, end):
        for m in _ZERO.finditer(text.text, *sentence):
            what = m.group("what")
            for indicator in _indicators():
                if any(all(w in what for w in words) for words in indicator.zero_cues):
                    report.metrics.append(
                        _metric(indicator, Decimal(0), None, "exact", m.group(0), text, sentence, (m.start(), m.end()))
                    )


def cue_figures(text: Text, part: Part, report: Report) -> None:
    """Metrics for the figures of one part whose indicator a prose cue decides."""
    indicators = [c for c in _indicators() if c.cues]
    for sentence in sentences(text.text, part.start, part.end):
        for figure in figures(text.text, *sentence):
            clause_start = max(
                (m.end() for m in _CLAUSE_BREAK.finditer(text.text, sentence[0], figure.start)), default=sentence[0]
            )
            clause = text.text[clause_start : figure.start]
            chosen = [c for c in indicators if any(all(w in clause for w in words) for words in c.cues)]
            if len(chosen) == 1:
                report.metrics.append(
                    _metric(
                        chosen[0],
                        figure.value,
                        figure.unit,
                        figure.approximation,
                        figure.stated,
                        text,
                        sentence,
                        (figure.start, figure.end),
                    )
                )
            else:
                why = "no indicator cue" if not chosen else "several indicator cues"
                report.diagnostics.append(
                    Diagnostic(
                        "note", "figure-not-understood", f"{why} for {figure.stated!r} in: {text.source(*sentence).strip()}"
                    )
                )
