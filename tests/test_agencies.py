"""Any agency and era: the agency's name and level from the title, header, signature or a publisher
field; free-form headings; layouts that cannot be read are named, never an empty success."""

from __future__ import annotations

import pytest

from kg.extract.agencies import level
from kg.pipeline import parse


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("外交部", "central"),
        ("国家市场监督管理总局", "central"),
        ("河北省人民政府", "provincial"),
        ("上海市市场监督管理局", "provincial"),  # a province-level municipality; 市场 is no 市
        ("广西壮族自治区发展和改革委员会", "provincial"),
        ("杭州市市场监督管理局", "prefectural"),
        ("延边朝鲜族自治州人民政府", "prefectural"),
        ("河北省石家庄市长安区教育局", "county"),
        ("北京市朝阳区人民政府", "county"),
        ("某某县某某镇人民政府", "township"),
        ("深圳市福田区华富街道办事处", "township"),
        ("市教育局", None),  # no place named: not guessed
    ],
)
def test_level_from_the_name(name, expected):
    assert level(name) == expected


def write(tmp_path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return path


FREE_FORM = """{title}
根据《中华人民共和国政府信息公开条例》要求，现公布本机关年度报告。报告中所列数据的统计期限自2015年1月1日起至2015年12月31日止。
一、加强主动公开工作
全年主动公开政府信息1200条。
二、依申请公开情况
全年共受理政府信息公开申请15件，均已按时答复。
三、行政审批事项公开情况
公开行政审批事项32项。
四、机构、人员和收支情况
本机关有专职人员2名。
五、咨询情况
接受公众咨询300人次。
六、行政复议和行政诉讼情况
本年度无因政府信息公开申请行政复议、提起行政诉讼的情况。
{signature}
"""


def test_agency_and_year_when_the_title_names_neither(tmp_path):
    text = FREE_FORM.format(title="政府信息公开工作年度报告", signature="某某省某某市生态环境局\n2016年1月20日")
    report = parse(write(tmp_path, text))
    assert (report.agency.name, report.agency.level) == ("某某省某某市生态环境局", "prefectural")
    assert report.year == 2015
    assert report.parts == ("一 proactive", "二 requests", "三 approvals", "四 staffing", "五 enquiries", "六 appeals")
    assert not [d for d in report.diagnostics if d.code in ("agency-unknown", "part-unrecognised")]


def test_agency_from_the_title_gets_its_level(tmp_path):
    report = parse(write(tmp_path, FREE_FORM.format(title="某某县人民政府2015年政府信息公开工作年度报告", signature="")))
    assert (report.agency.name, report.agency.level) == ("某某县人民政府", "county")


def test_unknown_heading_is_named(tmp_path):
    title = "某某县人民政府2015年政府信息公开工作年度报告"
    text = FREE_FORM.format(title=title, signature="七、网站群建设\n网站群共有网站12个。")
    report = parse(write(tmp_path, text))
    warnings = [d.message for d in report.diagnostics if d.code == "part-unrecognised"]
    assert warnings and "七、网站群建设" in warnings[0]


def test_unrecognised_layout_is_a_report_with_a_warning(tmp_path):
    text = "某某市统计局2020年政府信息公开工作年度报告\n本年度主动公开信息120条，受理申请8件。\n全部按时办结。\n"
    report = parse(write(tmp_path, text))
    assert report.agency.name == "某某市统计局" and report.year == 2020
    assert [d.code for d in report.diagnostics if d.code == "layout-unrecognised"] == ["layout-unrecognised"]


def test_old_statistics_form_is_named_when_not_read(tmp_path):
    text = FREE_FORM.format(title="某某县人民政府2015年政府信息公开工作年度报告", signature="附件：政府信息公开情况统计报表")
    report = parse(write(tmp_path, text))
    assert any(d.code == "table-not-read" for d in report.diagnostics)
