"""PDF files: text in reading order, ruled tables as rows, page furniture dropped, tables joined over pages."""

from __future__ import annotations

import pytest
from layouts import pdf_report

from kg.model import InputError
from kg.pipeline import parse
from kg.read import read


def figures(report) -> set[tuple]:
    return {(m.indicator, m.dimensions, m.value) for m in report.metrics}


@pytest.fixture(scope="module")
def pdf_2024(corpus, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "report-2024.pdf"
    path.write_bytes(pdf_report(corpus["mfa-2024.txt"].read_text(encoding="utf-8")))
    return path


def test_pdf_gives_the_same_figures_as_the_text(pdf_2024, reports):
    report = parse(pdf_2024)
    assert report.source.format == "pdf"
    assert figures(report) == figures(reports["mfa-2024.txt"])
    assert len(report.metrics) == len(reports["mfa-2024.txt"].metrics)
    assert (report.agency.key, report.year) == ("mfa", 2024)
    assert not [d for d in report.diagnostics if d.level == "warning"]


def test_page_heads_and_numbers_are_dropped(pdf_2024):
    text = read(pdf_2024).text
    assert "政府信息公开专栏" not in text
    assert "— 2 —" not in text and "— 1 —" not in text
    assert text.startswith("外交部政府信息公开工作\n2024 年度报告\n")


def test_tables_are_rows_of_cells(pdf_2024):
    lines = read(pdf_2024).text.splitlines()
    # wrapped cells rejoined, and a table split by a page break read as one
    assert "行政规范性文件\t4\t0\t7" in lines
    assert lines.index("规章\t1\t0\t4") == lines.index("信息内容\t本年制发件数\t本年废止件数\t现行有效件数") + 1
    # headers set one character per line
    assert any(line.startswith("结果维持\t结果纠正\t其他结果\t尚未审结\t总计") for line in lines)
    assert "9\t0\t1\t17\t27\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0" in lines


def test_damaged_pdf_is_one_line_naming_the_problem(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    with pytest.raises(InputError) as error:
        read(path)
    assert "PDF" in str(error.value) and "\n" not in str(error.value)


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(path))
    page.rect(100, 100, 200, 300, fill=1)
    page.save()
    with pytest.raises(InputError, match="text layer"):
        read(path)
