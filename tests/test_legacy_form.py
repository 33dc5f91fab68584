"""The old statistics form (政府信息公开情况统计报表) that 2008–2018 reports append becomes Metrics.

The fixture is the bundled 2012 report with the form appended, as tab-separated text, pipe rows,
space-separated text (blank cells written /) and a saved web page; every cell must become the
right Metric and every blank cell none.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from layouts import html_page

from kg.pipeline import parse
from kg.rdf import report_graph
from kg.reference import DEF
from kg.validate import validate

TITLE = "外交部2012年政府信息公开情况统计报表"
HEADER = ("统计指标", "单位", "本期实际", "本年累计")
# label, unit, 本期实际, 本年累计 (None: blank), and the indicator and dimension values its figures take
ROWS = [
    ("一、主动公开情况", "", None, None, None),
    ("（一）主动公开政府信息数", "条", "1200", "3400", ("information-published",)),
    ("其中：主动公开规范性文件数", "条", "12", "30", ("documents-published", "matter/normative-documents")),
    ("二、依申请公开情况", "", None, None, None),
    ("（一）收到申请数", "件", None, None, ("applications-received", "applicant/total", "channel/total")),
    ("1.当面申请数", "件", "3", "5", ("applications-received", "applicant/total", "channel/in-person")),
    ("2.传真申请数", "件", "0", "0", ("applications-received", "applicant/total", "channel/fax")),
    ("3.网络申请数", "件", "40", None, ("applications-received", "applicant/total", "channel/online")),
    ("4.信函申请数", "件", None, "9", ("applications-received", "applicant/total", "channel/letter")),
    ("（二）申请办结数", "件", "48", "60", ("applications-handled", "applicant/total", "outcome/total", "timeliness/total")),
    ("1.按时办结数", "件", "46", "58", ("applications-handled", "applicant/total", "outcome/total", "timeliness/on-time")),
    ("2.延期办结数", "件", "2", "2", ("applications-handled", "applicant/total", "outcome/total", "timeliness/extended")),
    ("（三）申请答复数", "件", "50", "62", ("requests-answered", "reply/total")),
    ("1.属于已主动公开范围数", "件", "5", "6", ("requests-answered", "reply/already-public")),
    ("2.同意公开答复数", "件", "20", "25", ("requests-answered", "reply/disclosed")),
    ("3.同意部分公开答复数", "件", "3", "3", ("requests-answered", "reply/partly-disclosed")),
    ("4.不同意公开答复数", "件", "4", "5", ("requests-answered", "reply/refused")),
    ("5.不属于本行政机关公开数", "件", "6", "7", ("requests-answered", "reply/not-this-agency")),
    ("6.申请信息不存在数", "件", "8", "9", ("requests-answered", "reply/not-exist")),
    ("7.告知作出更改补充数", "件", "2", "3", ("requests-answered", "reply/amend")),
    ("8.告知通过其他途径办理数", "件", "2", "4", ("requests-answered", "reply/other-channel")),
    ("三、行政复议数量", "件", "1", "1", ("reconsideration-cases", "result/total")),
    ("四、行政诉讼数量", "件", "0", "0", ("litigation-cases", "result/total")),
    ("五、举报投诉数量", "件", None, None, ("complaints",)),
    ("六、依申请公开信息收取的费用", "万元", "0.15", "0.2", ("request-fees-charged",)),
    ("七、机构建设和保障经费情况", "", None, None, None),
    ("（一）政府信息公开工作专门机构数", "个", "1", "1", ("disclosure-offices",)),
    ("（二）设置政府信息公开查阅点数", "个", "2", "2", ("reading-points",)),
    ("（三）从事政府信息公开工作人员数", "人", "9", "9", ("disclosure-staff", "employment/total")),
    ("1.专职人员数", "人", "4", "4", ("disclosure-staff", "employment/full-time")),
    ("2.兼职人员数", "人", "5", "5", ("disclosure-staff", "employment/part-time")),
    ("（四）政府信息公开专项经费", "万元", "12.5", "12.5", ("disclosure-funding",)),
    ("八、政府信息公开会议和培训情况", "", None, None, None),
    ("（一）召开政府信息公开工作会议或专题会议数", "次", "3", "6", ("disclosure-meetings",)),
    ("（二）举办各类培训班数", "次", "1", "2", ("training-courses",)),
    ("（三）接受培训人员数", "人次", "80", "150", ("trainees",)),
]
UNITS = {"条": "tiao", "件": "jian", "个": "ge", "人": "ren", "次": "ci", "人次": "renci", "万元": "CNY"}
COLUMNS = ("accumulation/period", "accumulation/year-to-date")


def _expected(columns=COLUMNS) -> set[tuple]:
    """(indicator, dimension values, value, unit) of every non-blank cell."""
    found = set()
    for _label, unit, *values, target in ROWS:
        for column, value in zip(columns, values, strict=False):
            if target and value is not None:
                number = Decimal(value) * (10000 if unit == "万元" else 1)
                dims = frozenset(DEF + d for d in target[1:] + ((column,) if column else ()))
                found.add((DEF + "indicator/" + target[0], dims, number.normalize(), DEF + "unit/" + UNITS[unit]))
    return found


def _form(row) -> list[str]:
    label, unit, *values, _target = row
    return [label, unit, *("" if v is None else v for v in values)]


def tab_form() -> str:
    return "\n".join([TITLE, "\t".join(HEADER), *("\t".join(_form(r)) for r in ROWS)])


def pipe_form() -> str:
    return "\n".join([TITLE, "| " + " | ".join(HEADER) + " |", *("| " + " | ".join(_form(r)) + " |" for r in ROWS)])


def space_form() -> str:
    """Space-separated, as copied from a PDF: a blank value cell is written /; a group row has none."""
    lines = [TITLE, "  ".join(HEADER)]
    for label, unit, *values, target in ROWS:
        cells = [label, unit, *("/" if v is None else v for v in values)] if target else [label]
        lines.append("  ".join(cells))
    return "\n".join(lines)


@pytest.fixture(scope="module")
def report_2012(corpus) -> str:
    return corpus["mfa-2012.txt"].read_text(encoding="utf-8").rstrip("\n") + "\n附件\n"


def _parse(tmp_path, text: str | bytes, name: str = "report.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return parse(path)


def _form_metrics(report) -> set[tuple]:
    return {
        (m.indicator, frozenset(v for _, v in m.dimensions), m.value.normalize(), m.unit)
        for m in report.metrics
        if m.table == "statistics-form"
    }


@pytest.mark.parametrize("layout", ["tab", "pipe", "space", "html"])
def test_every_cell_of_the_form_is_a_metric_and_blank_cells_are_absent(tmp_path, report_2012, reports, layout):
    if layout == "html":
        # a saved web page: the group rows are table rows whose label spans the row
        grid = "\n".join("\t".join(_form(r)) if r[-1] else r[0] + "\t\t\t" for r in ROWS)
        data = html_page(report_2012 + TITLE + "\n" + "\t".join(HEADER) + "\n" + grid)
        report = _parse(tmp_path, data, "report.html")
    else:
        form = {"tab": tab_form, "pipe": pipe_form, "space": space_form}[layout]()
        report = _parse(tmp_path, report_2012 + form)
    found = _form_metrics(report)
    assert found == _expected()
    assert sum(m.table == "statistics-form" for m in report.metrics) == len(found) == 58  # each cell once
    # blank cells are absent, not zero; stated zeros are facts
    indicators = {m.indicator.rsplit("/", 1)[1] for m in report.metrics if m.table == "statistics-form"}
    assert "complaints" not in indicators
    assert not [m for m in report.metrics if (f"{DEF}channel/total" in dict(m.dimensions).values())]
    assert (
        DEF + "indicator/litigation-cases",
        frozenset({DEF + "result/total", DEF + COLUMNS[0]}),
        Decimal(0),
        DEF + "unit/jian",
    ) in found
    # the form is no part of the report and no prose: the parts and the prose figures are the bundled report's
    assert report.parts == reports["mfa-2012.txt"].parts
    prose = sorted((m.indicator, m.value) for m in report.metrics if m.table != "statistics-form")
    assert prose == sorted((m.indicator, m.value) for m in reports["mfa-2012.txt"].metrics)
    assert not [d for d in report.diagnostics if d.level == "warning"], report.diagnostics


def test_each_metric_quotes_its_row(tmp_path, report_2012):
    report = _parse(tmp_path, report_2012 + tab_form())
    fees = [m for m in report.metrics if m.indicator.endswith("/request-fees-charged") and m.table]
    assert {(m.stated, m.source_text) for m in fees} == {
        ("0.15", "六、依申请公开信息收取的费用\t万元\t0.15\t0.2"),
        ("0.2", "六、依申请公开信息收取的费用\t万元\t0.15\t0.2"),
    }


def test_the_form_in_the_graph_conforms_to_the_shapes(tmp_path, report_2012):
    report = _parse(tmp_path, report_2012 + tab_form())
    assert [f for f in validate(report_graph(report)) if f.severity == "Violation"] == []


def test_a_form_with_one_value_column_gives_no_column_dimension(tmp_path, report_2012):
    form = "\n".join([TITLE, "指标名称\t计量单位\t统计数"] + ["\t".join(_form(r)[:3]) for r in ROWS])
    report = _parse(tmp_path, report_2012 + form)
    assert _form_metrics(report) == _expected(columns=(None,))


def test_a_space_separated_row_short_of_a_value_is_left_out_and_named(tmp_path, report_2012):
    form = space_form().replace("3.网络申请数  件  40  /", "3.网络申请数  件  40")
    report = _parse(tmp_path, report_2012 + form)
    assert not [m for m in report.metrics if f"{DEF}channel/online" in dict(m.dimensions).values()]
    warnings = [d.message for d in report.diagnostics if d.code == "row-not-understood"]
    assert warnings == ["statistics form row '3.网络申请数  件  40' has 1 values for 2 columns; left out"]


def test_a_row_no_cue_knows_is_named_not_guessed(tmp_path, report_2012):
    report = _parse(tmp_path, report_2012 + tab_form() + "\n九、网站群建设情况\t个\t3\t3")
    warnings = [d.message for d in report.diagnostics if d.code == "row-not-understood"]
    assert warnings == ["statistics form row not understood, left out: '九、网站群建设情况\\t个\\t3\\t3'"]
    assert len(_form_metrics(report)) == 58


def test_a_label_shared_by_two_groups_goes_to_the_group_read_last(tmp_path, report_2012):
    """The 2015 edition subdivides 行政复议 and 行政诉讼 with the same three labels."""
    rows = [
        ("三、行政复议数量", "件", "3"),
        ("（一）维持具体行政行为数", "件", "1"),
        ("（二）被依法纠错数", "件", "1"),
        ("（三）其他情形数", "件", "1"),
        ("四、行政诉讼数量", "件", "2"),
        ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "2"),
        ("（二）被依法纠错数", "件", "0"),
        ("（三）其他情形数", "件", "0"),
    ]
    form = "\n".join([TITLE, "统计指标\t单位\t统计数"] + ["\t".join(r) for r in rows])
    report = _parse(tmp_path, report_2012 + form)
    found = {(i.rsplit("/", 1)[1], next(iter(d)).rsplit("/", 1)[1], int(v)) for i, d, v, _ in _form_metrics(report)}
    assert found == {
        ("reconsideration-cases", "total", 3),
        ("reconsideration-cases", "upheld", 1),
        ("reconsideration-cases", "corrected", 1),
        ("reconsideration-cases", "other", 1),
        ("litigation-cases", "total", 2),
        ("litigation-cases", "upheld", 2),
        ("litigation-cases", "corrected", 0),
        ("litigation-cases", "other", 0),
    }


def test_a_cited_form_is_not_taken_for_the_form(tmp_path, report_2012):
    text = report_2012.replace("附件\n", "有关数据详见附件《政府信息公开情况统计报表》。\n")
    report = _parse(tmp_path, text)
    assert report.parts == ("一 overview", "二 proactive", "三 requests", "四 fees", "五 appeals", "六 problems")
    assert not [d for d in report.diagnostics if d.code == "table-not-read"]


def test_saved_questions_span_both_eras(tmp_path, report_2012):
    """Applications received and fees from the old form answer the same saved questions as the standard tables."""
    from conftest import kg

    form = tab_form().replace("（一）收到申请数\t件\t\t", "（一）收到申请数\t件\t50\t62")
    path = tmp_path / "form-2012.txt"
    path.write_text(report_2012.replace("外交部", "某某市商务局") + form, encoding="utf-8")
    received = kg("query", "applications-received", "--graph", str(path), "-f", "csv")
    assert received.returncode == 0, received.stderr
    assert received.stdout.splitlines()[1:] == ["某某市商务局,2012,50,exact,table,stated"]  # this period, not 本年累计 62
    fees = kg("query", "fees", "--graph", str(path), "-f", "csv")
    assert "某某市商务局,2012,依申请公开收取费用,1500,0.15,stated" in fees.stdout.splitlines()
