"""The example queries in docs/ontology.md run on the built graph and answer what the text says they answer."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import ROOT

DOC = ROOT / "docs" / "ontology.md"


def _queries() -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_doc_has_three_queries():
    assert len(_queries()) == 3


@pytest.mark.parametrize("index", range(3))
def test_each_query_runs_and_returns_rows(graph, index):
    rows = list(graph.query(_queries()[index]))
    assert rows


def test_applications_received_across_both_eras(graph):
    rows = graph.query(_queries()[0])
    by_year = {str(row.year): Decimal(str(row.received)) for row in rows}
    assert by_year == {"2011": 10, "2012": 134, "2019": 13, "2023": 18, "2024": 82}


def test_the_2023_outcome_breakdown(graph):
    rows = {str(row.outcome): int(str(row.requests)) for row in graph.query(_queries()[1])}
    assert rows["总计"] == 17
    assert rows["予以公开"] == 5 and rows["本机关不掌握相关政府信息"] == 5 and rows["属于三类内部事务信息"] == 2
    assert sum(v for k, v in rows.items() if k != "总计") == 17


def test_where_a_figure_comes_from(graph):
    (row,) = graph.query(_queries()[2])
    assert str(row.value) == "52706597" and str(row.stated) == "5270.6597万元"
    assert "行政事业性收费" in str(row.sourceText)
    assert str(row.file) == "mfa-2023.md" and len(str(row.sha256)) == 64
