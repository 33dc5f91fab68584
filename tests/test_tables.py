"""The standard form's tables (parts 二, 三, 四) read cell for cell, by their labels.

The expected values below were written by reading the bundled texts.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.tables import rows
from kg.pipeline import parse

COLUMNS = ("natural-person", "business", "research", "public-welfare", "legal-services", "other", "total")


def _local(iri: str) -> str:
    return iri.replace("#", "/").rsplit("/", 1)[-1]


def _cells(report, table: str) -> dict[tuple[str, ...], Decimal]:
    """A table's metrics as {(indicator, "dimension=value"...): value}; fails on duplicates."""
    found: dict[tuple[str, ...], Decimal] = {}
    for m in report.metrics:
        if m.table == table:
            key = (_local(m.indicator), *sorted(f"{_local(p)}={_local(v)}" for p, v in m.dimensions))
            assert key not in found, f"two figures for {key}"
            found[key] = m.value
    return found


def _requests(expected: str) -> dict[tuple[str, ...], Decimal]:
    """Expected applications-table cells from lines ``row-key n n n n n n n``.

    A row key is an indicator (received, carried-over, carried-forward) or an outcome of the handled rows."""
    indicators = {"received": "applications-received", "carried-over": "applications-carried-over"}
    indicators["carried-forward"] = "applications-carried-forward"
    cells = {}
    for line in expected.strip().splitlines():
        key, *values = line.split()
        assert len(values) == len(COLUMNS), line
        for column, value in zip(COLUMNS, values, strict=True):
            if key in indicators:
                cells[(indicators[key], f"applicant={column}")] = Decimal(value)
            else:
                cells[("applications-handled", f"applicant={column}", f"outcome={key}")] = Decimal(value)
    return cells


REQUESTS = {
    "mfa-2019.md": """
        received          13 0 0 0 0 0 13
        carried-over       0 0 0 0 0 0 0
        disclosed          2 0 0 0 0 0 2
        partly-disclosed   3 0 0 0 0 0 3
        state-secret       0 0 0 0 0 0 0
        prohibited-by-law  0 0 0 0 0 0 0
        security-stability 0 0 0 0 0 0 0
        third-party        0 0 0 0 0 0 0
        internal-affairs   0 0 0 0 0 0 0
        process-information 0 0 0 0 0 0 0
        enforcement-files  0 0 0 0 0 0 0
        query-matters      0 0 0 0 0 0 0
        not-held           3 0 0 0 0 0 3
    """,
    "mfa-2023.md": """
        received          18 0 0 0 0 0 18
        carried-over       0 0 0 0 0 0 0
        disclosed          5 0 0 0 0 0 5
        partly-disclosed   0 0 0 0 0 0 0
        state-secret       1 0 0 0 0 0 1
        prohibited-by-law  0 0 0 0 0 0 0
        security-stability 0 0 0 0 0 0 0
        third-party        0 0 0 0 0 0 0
        internal-affairs   2 0 0 0 0 0 2
        process-information 0 0 0 0 0 0 0
        enforcement-files  0 0 0 0 0 0 0
        query-matters      0 0 0 0 0 0 0
        not-held           5 0 0 0 0 0 5
        needs-creation     1 0 0 0 0 0 1
        still-unclear      0 0 0 0 0 0 0
        petition           0 0 0 0 0 0 0
        repeated           0 0 0 0 0 0 0
        publications-requested 0 0 0 0 0 0 0
        excessive          0 0 0 0 0 0 0
        confirmation       0 0 0 0 0 0 0
        no-correction      0 0 0 0 0 0 0
        fee-unpaid         0 0 0 0 0 0 0
        other              3 0 0 0 0 0 3
        total             17 0 0 0 0 0 17
        carried-forward    1 0 0 0 0 0 1
    """,
    "mfa-2024.txt": """
        received          82 0 0 0 0 0 82
        carried-over       1 0 0 0 0 0 1
        disclosed          2 0 0 0 0 0 2
        partly-disclosed   2 0 0 0 0 0 2
        state-secret       2 0 0 0 0 0 2
        prohibited-by-law  0 0 0 0 0 0 0
        security-stability 0 0 0 0 0 0 0
        third-party        0 0 0 0 0 0 0
        internal-affairs   9 0 0 0 0 0 9
        process-information 7 0 0 0 0 0 7
        enforcement-files  0 0 0 0 0 0 0
        query-matters      0 0 0 0 0 0 0
        not-held          31 0 0 0 0 0 31
        needs-creation     2 0 0 0 0 0 2
        still-unclear      0 0 0 0 0 0 0
        petition           9 0 0 0 0 0 9
        repeated           0 0 0 0 0 0 0
        publications-requested 0 0 0 0 0 0 0
        excessive          0 0 0 0 0 0 0
        confirmation       0 0 0 0 0 0 0
        no-correction      0 0 0 0 0 0 0
        fee-unpaid         0 0 0 0 0 0 0
        other             16 0 0 0 0 0 16
        total             80 0 0 0 0 0 80
        carried-forward    3 0 0 0 0 0 3
    """,
}

PROACTIVE = {
    "mfa-2019.md": {
        ("documents-issued", "rules"): 1,
        ("documents-published", "rules"): 1,
        ("documents-published-total", "rules"): 3,
        ("documents-issued", "normative-documents"): 1,
        ("documents-published", "normative-documents"): 1,
        ("documents-published-total", "normative-documents"): 3,
        ("items-previous-year", "licensing"): 0,
        ("items-change", "licensing"): 0,
        ("decisions", "licensing"): 0,
        ("items-previous-year", "other-services"): 1,
        ("items-change", "other-services"): 0,
        ("decisions", "other-services"): 667000,  # 66.7 万件
        ("items-previous-year", "penalties"): 0,
        ("items-change", "penalties"): 0,
        ("decisions", "penalties"): 0,
        ("items-previous-year", "enforcement"): 0,
        ("items-change", "enforcement"): 0,
        ("decisions", "enforcement"): 0,
        ("items-previous-year", "fees"): 1,
        ("items-change", "fees"): 0,
        ("procurement-projects", "procurement"): 41,
        ("procurement-amount", "procurement"): 105240000,  # 10524 万元
    },
    "mfa-2023.md": {
        ("documents-issued", "rules"): 0,
        ("documents-repealed", "rules"): 0,
        ("documents-in-force", "rules"): 3,
        ("documents-issued", "normative-documents"): 0,
        ("documents-repealed", "normative-documents"): 0,
        ("documents-in-force", "normative-documents"): 3,
        ("decisions", "licensing"): 0,
        ("decisions", "penalties"): 0,
        ("decisions", "enforcement"): 0,
        ("fees-amount", "fees"): 52706597,  # 5270.6597万元
    },
    "mfa-2024.txt": {
        ("documents-issued", "rules"): 1,
        ("documents-repealed", "rules"): 0,
        ("documents-in-force", "rules"): 4,
        ("documents-issued", "normative-documents"): 4,
        ("documents-repealed", "normative-documents"): 0,
        ("documents-in-force", "normative-documents"): 7,
        ("decisions", "licensing"): 0,
        ("decisions", "penalties"): 0,
        ("decisions", "enforcement"): 0,
        ("fees-amount", "fees"): 55692092,  # 5569.2092万元
    },
}

RESULTS = ("upheld", "corrected", "other", "pending", "total")


def _appeals(numbers: str) -> dict[tuple[str, ...], Decimal]:
    values = [Decimal(v) for v in numbers.split()]
    assert len(values) == 15
    cells = {}
    groups = [("reconsideration-cases",), ("litigation-cases", "direct"), ("litigation-cases", "after-reconsideration")]
    for i, value in enumerate(values):
        indicator, *route = groups[i // 5]
        cells[(indicator, f"result={RESULTS[i % 5]}", *(f"route={r}" for r in route))] = value
    return cells


APPEALS = {
    "mfa-2023.md": "1 0 0 0 1  0 0 0 0 0  0 0 0 0 0",
    "mfa-2024.txt": "9 0 1 17 27  0 0 0 0 0  0 0 0 0 0",
}


# ---------------------------------------------------------------- the bundled reports, cell for cell


@pytest.mark.parametrize("name", sorted(PROACTIVE))
def test_part_two_tables(reports, name):
    expected = {(indicator, f"matter={matter}"): Decimal(value) for (indicator, matter), value in PROACTIVE[name].items()}
    assert _cells(reports[name], "proactive") == expected


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_applications_table(reports, name):
    assert _cells(reports[name], "requests") == _requests(REQUESTS[name])


@pytest.mark.parametrize("name", sorted(APPEALS))
def test_reconsideration_and_litigation_table(reports, name):
    assert _cells(reports[name], "appeals") == _appeals(APPEALS[name])


@pytest.mark.parametrize("name", ["mfa-2023.md", "mfa-2024.txt"])
def test_reconciliation_rule_holds_per_applicant_column(reports, name):
    """received + carried over = （七）总计 + carried forward, in every applicant column."""
    _reconciles(_cells(reports[name], "requests"))


def _reconciles(cells) -> None:
    for column in COLUMNS:
        a = f"applicant={column}"
        inflow = cells[("applications-received", a)] + cells[("applications-carried-over", a)]
        outflow = cells[("applications-handled", a, "outcome=total")] + cells[("applications-carried-forward", a)]
        assert inflow == outflow, column


def test_truncated_2019_table_warns_and_invents_nothing(reports):
    report = reports["mfa-2019.md"]
    cells = _cells(report, "requests")
    assert ("applications-carried-forward", "applicant=total") not in cells
    assert not [key for key in cells if "outcome=total" in key]
    assert not _cells(report, "appeals")
    warnings = {d.code: d.message for d in report.diagnostics if d.level == "warning"}
    assert "结转下年度继续办理" in warnings["table-incomplete"] and "总计" in warnings["table-incomplete"]
    assert "absent, not zero" in warnings["table-incomplete"]
    assert "四" in warnings["part-missing"] and "absent, not zero" in warnings["part-missing"]


def test_units_and_stated_values(reports):
    def metric(name, indicator, matter):
        return next(m for m in reports[name].metrics if _local(m.indicator) == indicator and _local(m.dimensions[0][1]) == matter)

    fees = metric("mfa-2023.md", "fees-amount", "fees")
    assert (fees.value, _local(fees.unit), fees.stated) == (Decimal("52706597"), "CNY", "5270.6597万元")
    decisions = metric("mfa-2019.md", "decisions", "other-services")
    assert (decisions.value, _local(decisions.unit), decisions.stated) == (Decimal("667000"), "jian", "66.7 万件")
    procurement = metric("mfa-2019.md", "procurement-amount", "procurement")
    assert (procurement.value, _local(procurement.unit)) == (Decimal("105240000"), "CNY")
    assert _local(metric("mfa-2019.md", "items-previous-year", "fees").unit) == "xiang"


def test_source_text_is_the_row_as_written(reports):
    def source(name, outcome):
        return next(
            m.source_text
            for m in reports[name].metrics
            if m.table == "requests" and ("https://w3id.org/cn-ogi/def/outcome/" + outcome) in (v for _, v in m.dimensions)
        )

    assert source("mfa-2023.md", "internal-affairs") == "5. 属于三类内部事务信息\t2\t0\t0\t0\t0\t0\t2"
    assert source("mfa-2024.txt", "confirmation") == "5.要求行政机关确认或重新出具已获\n\n取信息\n0 0 0 0 0 0 0"


# ---------------------------------------------------------------- other layouts: labels, not files

SPACED = """某市交通运输局2022年政府信息公开工作年度报告
一、总体情况
2022年，本局认真贯彻落实《中华人民共和国政府信息公开条例》，扎实做好政府信息公开工作。
二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 2 1 10
行政规范
性文件 5 0 12
第二十条第（五）项
信息内容 本年处理决定数量
行政许可 1,204
第二十条第（八）项
信息内容 本年收费金额（单位：万元）
行政事业性收费 12.5
三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）
申请人情况 自然人 法人或其他组织 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计
一、本年新收政府
信息公开申请数量
20 1 0 2 0 0 23
二、上年结转政府信息公开申请数量 2 0 0 0 0 0 2
三、本年度办理结果
（一）予以公开 10 1 0 1 0 0 12
（二）部分公开（区分处理的，只计这一情形，不计其他情形） 1 0 0 0 0 0 1
（三）不予公开 1.属于国家秘密 0 0 0 0 0 0 0
2.其他法律行政法规禁止公开 0 0 0 0 0 0 0
3.危及“三安全一稳定” 0 0 0 0 0 0 0
4.保护第三方合法权益 1 0 0 0 0 0 1
5.属于三类内部事务信息 0 0 0 0 0 0 0
6.属于四类过程性信息 0 0 0 0 0 0 0
7.属于行政执法案卷 0 0 0 0 0 0 0
8.属于行政查询事项 0 0 0 0 0 0 0
（四）无法提供 1.本机关不掌握相关政府信息 5 0 0 1 0 0 6
2.没有现成信息需要另行制作 0 0 0 0 0 0 0
3.补正后申请内容仍不明确 0 0 0 0 0 0 0
（五）不予处理 1.信访举报投诉类申请 2 0 0 0 0 0 2
2.重复申请 0 0 0 0 0 0 0
3.要求提供公开出版物 0 0 0 0 0 0 0
4.无正当理由大量反复申请 0 0 0 0 0 0 0
5.要求行政机关确认或重新出具已获取信息 0 0 0 0 0 0 0
（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0
2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0
3.其他 1 0 0 0 0 0 1
（七）总计 20 1 0 2 0 0
23
四、结转下年度继续办理 2 0 0 0 0 0 2
四、政府信息公开工作被申请行政复议、提起行政诉讼情况
行政复议 行政诉讼
结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉
结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计
1 1 0 0 2 0 1 0 0 1 0 0 0 1 1
五、存在的主要问题及改进情况
本局政府信息公开工作仍存在不足。
六、其他需要报告的事项
本年度无根据《政府信息公开信息处理费管理办法》收取信息处理费的情况。
"""


@pytest.fixture(scope="module")
def spaced(tmp_path_factory):
    path = tmp_path_factory.mktemp("spaced") / "交通运输局.txt"
    path.write_text(SPACED, encoding="utf-8")
    return parse(path)


def test_spilled_rows_and_space_separated_numbers(spaced):
    """Labels broken over lines, numbers on the next line, a total spilled onto its own line: read by label."""
    assert spaced.agency.name == "某市交通运输局" and spaced.year == 2022
    assert spaced.edition.endswith("standard-2021")
    assert not [d for d in spaced.diagnostics if d.level == "warning"]
    cells = _cells(spaced, "requests")
    assert cells[("applications-received", "applicant=natural-person")] == 20
    assert cells[("applications-received", "applicant=business")] == 1
    assert cells[("applications-received", "applicant=public-welfare")] == 2
    assert cells[("applications-received", "applicant=total")] == 23
    assert cells[("applications-handled", "applicant=natural-person", "outcome=not-held")] == 5
    assert cells[("applications-handled", "applicant=public-welfare", "outcome=not-held")] == 1
    assert cells[("applications-handled", "applicant=total", "outcome=total")] == 23
    assert len(cells) == 25 * 7
    _reconciles(cells)
    assert _cells(spaced, "appeals") == _appeals("1 1 0 0 2  0 1 0 0 1  0 0 0 1 1")


def test_unit_from_the_column_header_and_thousands_separators(spaced):
    cells = _cells(spaced, "proactive")
    assert cells[("fees-amount", "matter=fees")] == Decimal("125000")  # 12.5 under 单位：万元
    assert cells[("decisions", "matter=licensing")] == Decimal("1204")
    assert cells[("documents-in-force", "matter=normative-documents")] == 12  # 行政规范 / 性文件 on two lines


TABBED = "\n".join(
    [
        "某县教育局2020年政府信息公开工作年度报告",
        "一、总体情况",
        "本局依法做好政府信息公开工作。",
        "三、收到和处理政府信息公开申请情况",
        "\t\t申请人情况",
        "\t\t自然人\t法人或其他组织\t\t\t\t\t\t总计",
        "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他",
        "一、本年新收政府信息公开申请数量\t\t5\t3\t1\t1\t0\t1\t0\t8",
        "二、上年结转政府信息公开申请数量\t\t0\t\t\t\t\t\t\t0",
        "三、本年度办理结果\t(一) 予以公开\t4\t2\t1\t0\t0\t1\t0\t6",
        "\t(七) 总计\t4\t2\t1\t0\t0\t1\t0\t6",
        "四、结转下年度继续办理\t\t1\t1\t0\t1\t0\t0\t0\t2",
        "",
    ]
)


def test_subtotal_column_blank_cells_and_missing_rows(tmp_path):
    """Eight numbers (a 法人或其他组织 subtotal), blank cells that stay absent, and rows the table lacks are warned about."""
    path = tmp_path / "edu.md"
    path.write_text(TABBED, encoding="utf-8")
    report = parse(path)
    cells = _cells(report, "requests")
    assert cells[("applications-received", "applicant=legal-person")] == 3
    assert cells[("applications-received", "applicant=business")] == 1
    assert cells[("applications-received", "applicant=total")] == 8
    assert cells[("applications-carried-over", "applicant=natural-person")] == 0
    assert ("applications-carried-over", "applicant=business") not in cells  # blank, not zero
    assert cells[("applications-handled", "applicant=research", "outcome=disclosed")] == 0
    assert cells[("applications-carried-forward", "applicant=research")] == 1
    warnings = {d.code: d.message for d in report.diagnostics}
    assert "部分公开" in warnings["table-incomplete"]
    assert "part-missing" in warnings


def test_rows_cut_label_then_numbers():
    text = "规章 1 0 4\n行政规范\n性文件\n4 0 7\n行政事业性收费\t5.5万元\n"
    found = rows(text, 0, len(text))
    assert [(r.label, [c.value for c in r.cells]) for r in found] == [
        ("规章", [1, 0, 4]),
        ("行政规范性文件", [4, 0, 7]),
        ("行政事业性收费", [Decimal("55000")]),
    ]
