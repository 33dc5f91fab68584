"""Tables flattened by crawlers and copy-paste: pipes, one cell a line, blank and not-applicable cells,
and cells run together, decoded only when the form's arithmetic allows exactly one reading."""

from __future__ import annotations

import pytest
from layouts import cell_per_line_text, pipe_text, run_together_text

from kg.extract.flattened import cuts, decode, total_is_sum
from kg.pipeline import parse

RECEIVED = "https://w3id.org/cn-ogi/def/indicator/applications-received"


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def figures(report) -> set[tuple]:
    return {(m.indicator, m.dimensions, m.value) for m in report.metrics}


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("layout", [pipe_text, cell_per_line_text, run_together_text])
@pytest.mark.parametrize("name", ["mfa-2019.md", "mfa-2023.md"])
def test_flattened_tables_give_the_same_figures(tmp_path, corpus, reports, layout, name):
    flat = layout(corpus[name].read_text(encoding="utf-8"))
    report = parse(write(tmp_path, name, flat))
    assert figures(report) == figures(reports[name])
    assert len(report.metrics) == len(reports[name].metrics)
    assert {d.message for d in report.diagnostics if d.level == "warning"} == {
        d.message for d in reports[name].diagnostics if d.level == "warning"
    }


def test_run_together_rows_are_noted_with_their_reading(tmp_path, corpus):
    report = parse(write(tmp_path, "r.md", run_together_text(corpus["mfa-2019.md"].read_text(encoding="utf-8"))))
    notes = [d.message for d in report.diagnostics if d.code == "row-decoded"]
    assert any("130000013" in n and "(13, 0, 0, 0, 0, 0, 13)" in n for n in notes)


REPORT = """某某市某某局2020年政府信息公开工作年度报告
一、总体情况
本年度认真做好政府信息公开工作。
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量110000011
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
{more}
四、政府信息公开工作被申请行政复议、提起行政诉讼情况
0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
"""


def test_a_row_with_two_valid_splits_is_left_undecoded(tmp_path):
    # 110000011 is 1,10,0,0,0,0,11 or 11,0,0,0,0,0,11: both add up; nothing else tells them apart
    report = parse(write(tmp_path, "r.txt", REPORT.format(more="")))
    assert not [m for m in report.metrics if m.indicator == RECEIVED]
    warnings = [d.message for d in report.diagnostics if d.code == "row-undecoded"]
    assert len(warnings) == 1 and "本年新收政府信息公开申请数量110000011" in warnings[0]


def test_column_rule_decides_between_splits(tmp_path):
    # 一 + 二 = （七）总计 + 四, column by column: the stated 11 natural persons rule out 1,10,…
    more = "三、本年度办理结果 （一）予以公开 11 0 0 0 0 0 11\n（七）总计 11 0 0 0 0 0 11\n四、结转下年度继续办理 0 0 0 0 0 0 0"
    report = parse(write(tmp_path, "r.txt", REPORT.format(more=more)))
    received = {_local(dict(m.dimensions).popitem()[1]): m.value for m in report.metrics if m.indicator == RECEIVED}
    assert received == {"natural-person": 11, "business": 0, "research": 0, "public-welfare": 0, "legal-services": 0,
                        "other": 0, "total": 11}  # fmt: skip
    assert not [d for d in report.diagnostics if d.code == "row-undecoded"]


def test_blank_and_not_applicable_cells_are_absent_not_zero(tmp_path):
    text = """某某县人民政府2020年政府信息公开工作年度报告
二、主动公开政府信息情况
| 第二十条第（一）项 | | | |
| 信息内容 | 本年新 制作数量 | 本年新公开数量 | 对外公开总数量 |
| 规章 | / | 2 | 5 |
| 规范性文件 | 4 |  | 9 |
"""
    report = parse(write(tmp_path, "r.txt", text))
    stated = sorted((_local(m.indicator), _local(dict(m.dimensions).popitem()[1]), m.value) for m in report.metrics)
    assert stated == [
        ("documents-issued", "normative-documents", 4),
        ("documents-published", "rules", 2),
        ("documents-published-total", "normative-documents", 9),
        ("documents-published-total", "rules", 5),
    ]


def test_cuts_never_start_a_number_with_zero():
    assert list(cuts(["1005"], 3)) == [(10, 0, 5)]
    assert all(not any(str(v).startswith("0") and v for v in c) for c in cuts(["100200"], 4))
    assert [c for c in cuts(["640020470"], 7) if total_is_sum(c)] == [(64, 0, 0, 2, 0, 4, 70)]


def test_decode_keeps_ambiguous_rows_undecoded():
    assert decode({"a": ["110000011"]}, 7, total_is_sum) == {"a": None}
    assert decode({"a": ["130000013"]}, 7, total_is_sum) == {"a": (13, 0, 0, 0, 0, 0, 13)}
