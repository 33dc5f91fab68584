"""Figures stated in sentences: free-form requests counts and stated zeros ("无……情况" is a fact, not a gap)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.pipeline import parse

IND = "https://w3id.org/cn-ogi/def/indicator/"


def _prose(report, indicator: str):
    return [m for m in report.metrics if m.indicator == IND + indicator and m.table is None]


@pytest.mark.parametrize(
    ("name", "value", "unit", "wording"), [("mfa-2011.txt", 10, "jian", "申請10件"), ("mfa-2012.txt", 134, "fen", "申请134份")]
)
def test_free_form_applications_received(reports, name, value, unit, wording):
    (metric,) = _prose(reports[name], "applications-received")
    assert metric.value == Decimal(value)
    assert metric.unit.endswith("/" + unit)
    assert metric.approximation == "exact"
    assert wording in metric.source_text  # the sentence as the report wrote it (Traditional for 2011)
    assert dict(metric.dimensions)["https://w3id.org/cn-ogi/def#applicant"].endswith("/total")


@pytest.mark.parametrize("name", ["mfa-2011.txt", "mfa-2012.txt"])
@pytest.mark.parametrize(
    "indicator", ["request-fees-charged", "request-fees-waived", "reconsideration-cases", "litigation-cases"]
)
def test_free_form_stated_zeros(reports, name, indicator):
    (metric,) = _prose(reports[name], indicator)
    assert metric.value == 0
    assert "无" in metric.stated or "無" in metric.source_text
    assert metric.source_text.endswith("情況。" if name == "mfa-2011.txt" else "情况。")


@pytest.mark.parametrize("name", ["mfa-2023.md", "mfa-2024.txt"])
def test_processing_fees_stated_zero(reports, name):
    (metric,) = _prose(reports[name], "processing-fees")
    assert metric.value == 0 and metric.unit.endswith("/CNY")
    assert "信息处理费" in metric.source_text


def test_no_zero_where_nothing_is_stated(reports):
    """2019 says nothing about information-processing fees or appeals: nothing is made up."""
    report = reports["mfa-2019.md"]
    assert not _prose(report, "processing-fees")
    assert not [m for m in report.metrics if m.indicator in (IND + "reconsideration-cases", IND + "litigation-cases")]


def test_free_form_figures_follow_cues_not_files(tmp_path):
    text = "\n".join(
        [
            "某省统计局2015年政府信息公开工作年度报告",
            "一、概述",
            "本局认真贯彻落实条例。",
            "二、主动公开政府信息情况",
            "全年主动公开信息300条。",
            "三、依申请公开政府信息情况",
            "2015年，本局共受理政府信息公开申请约50件，已全部办结。",
            "四、政府信息公开的收费及减免情况",
            "本局无收取或减免费用的情况。",
            "五、因政府信息公开申请提起行政复议、行政诉讼的情况",
            "本年度因政府信息公开申请提起行政复议2件。",
            "六、存在的主要问题及改进措施",
            "无。",
        ]
    )
    path = tmp_path / "stats.txt"
    path.write_text(text, encoding="utf-8")
    report = parse(path)
    assert report.edition.endswith("free-form")
    (received,) = _prose(report, "applications-received")
    assert (received.value, received.approximation) == (Decimal(50), "about")
    assert [m.value for m in _prose(report, "request-fees-charged")] == [0]
    assert [m.value for m in _prose(report, "request-fees-waived")] == [0]
    notes = [d.message for d in report.diagnostics if d.code == "figure-not-understood"]
    assert any("2件" in n for n in notes) or [m.value for m in _prose(report, "reconsideration-cases")] == [2]
