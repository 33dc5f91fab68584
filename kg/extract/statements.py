"""Stage 4c, statements: figures stated in sentences rather than tables.

- Stated zeros: a “无……情况” sentence (我部无因依申请公开信息收取或减免费用情况) is a
  fact, value 0, for every indicator whose ``ogi:zeroCue`` words all occur in it.
- Every other figure in prose is read by ``kg.extract.prose``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from kg.model import Metric, Report, Text
from kg.reference import DEF, Concept, vocabulary

_SENTENCE = re.compile(r"[^。！？!?;；\n]+[。！？!?;；]?")
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
