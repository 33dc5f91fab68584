"""Web pages: the body among navigation and scripts, the declared charset, tables with merged cells."""

from __future__ import annotations

import pytest
from layouts import html_page, html_page_in_script

from kg.model import InputError
from kg.pipeline import parse
from kg.read import read


def figures(report) -> set[tuple]:
    """What a metric states, cell for cell: indicator, dimensions and value."""
    return {(m.indicator, m.dimensions, m.value) for m in report.metrics}


@pytest.fixture(scope="module")
def markdown_2023(corpus) -> str:
    return corpus["mfa-2023.md"].read_text(encoding="utf-8")


@pytest.mark.parametrize("charset", ["gb2312", "utf-8"])
def test_page_gives_the_same_figures_as_the_text(tmp_path, reports, markdown_2023, charset):
    path = tmp_path / "report.html"
    path.write_bytes(html_page(markdown_2023, charset))
    report = parse(path)
    assert report.source.format == "html"
    assert report.source.encoding == charset
    assert figures(report) == figures(reports["mfa-2023.md"])
    assert report.agency.key == "mfa" and report.year == 2023
    assert not [d for d in report.diagnostics if d.level == "warning"]


def test_body_shipped_in_a_script_string(tmp_path, reports, markdown_2023):
    path = tmp_path / "report.htm"
    path.write_bytes(html_page_in_script(markdown_2023))
    report = parse(path)
    assert figures(report) == figures(reports["mfa-2023.md"])


def test_navigation_and_footer_are_not_report_text(tmp_path, markdown_2023):
    path = tmp_path / "page.html"
    path.write_bytes(html_page(markdown_2023))
    text = read(path).text
    for furniture in ("栏目3", "相关新闻标题", "网站地图", "备案号", "分享到微博", "float"):
        assert furniture not in text
    assert text.startswith("外交部政府信息公开工作 2023年度报告\n发布时间：2024-01-31 10:00 来源：政府网站\n")


def test_merged_cells_blank_cells_and_line_breaks(tmp_path):
    page = """<html><head><meta charset="gbk"></head><body><table>
    <tr><td rowspan="2" colspan="2">信息<br>内容</td><td colspan="2">申请人</td></tr>
    <tr><td>自然<br/>人</td><td>社会公益<br>组织</td></tr>
    <tr><td rowspan="2">不予公开</td><td>国家秘密</td><td>3</td><td>&nbsp;</td></tr>
    <tr><td>重复申请</td><td>&nbsp;</td><td>7</td></tr>
    </table></body></html>"""
    path = tmp_path / "t.html"
    path.write_bytes(page.encode("gbk"))
    source = read(path)
    assert source.encoding == "gbk"
    assert source.text.splitlines() == [
        "信息内容\t\t申请人",
        "\t\t自然人\t社会公益组织",
        "不予公开\t国家秘密\t3",
        "\t重复申请\t\t7",
    ]


def test_wrong_declared_charset_falls_back_to_the_bytes(tmp_path):
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>外交部政府信息公开工作年度报告</p></body></html>'
    path = tmp_path / "w.html"
    path.write_bytes(page.encode("gb18030"))
    assert "外交部政府信息公开工作年度报告" in read(path).text


def test_signature_not_suffix_decides(tmp_path, markdown_2023):
    path = tmp_path / "saved-page.txt"
    path.write_bytes(html_page(markdown_2023))
    assert read(path).format == "html"


def test_page_without_report_is_rejected_in_one_line(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><div><a href='/'>首页</a></div></body></html>", encoding="utf-8")
    with pytest.raises(InputError) as error:
        parse(path)
    assert "\n" not in str(error.value)
