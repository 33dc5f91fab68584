"""Validation catches real errors: every shape and rule on a small report that passes and one edit that breaks it,
the message a user sees, and ``kg validate`` on real files."""

from __future__ import annotations

import datetime
import os
import re
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD

from kg import validate as validate_module
from kg.model import Agency, Metric, Report, Source
from kg.rdf import report_graph
from kg.reference import DEF, OGI, concept_iri, vocabulary
from kg.validate import check, validate, validate_shared
from tests.conftest import kg

IND = f"{DEF}indicator/"
REPORT = URIRef("https://w3id.org/cn-ogi/id/report/test/2024")

# A small applications table that reconciles, as (indicator, applicant, outcome, value).
TABLE = [
    ("applications-received", "natural-person", None, 82),
    ("applications-received", "business", None, 1),
    ("applications-received", "total", None, 83),
    ("applications-carried-over", "natural-person", None, 1),
    ("applications-carried-over", "business", None, 0),
    ("applications-carried-over", "total", None, 1),
    ("applications-handled", "natural-person", "disclosed", 50),
    ("applications-handled", "business", "disclosed", 1),
    ("applications-handled", "total", "disclosed", 51),
    ("applications-handled", "natural-person", "unable", 30),
    ("applications-handled", "business", "unable", 0),
    ("applications-handled", "total", "unable", 30),
    ("applications-handled", "natural-person", "not-held", 30),
    ("applications-handled", "business", "not-held", 0),
    ("applications-handled", "total", "not-held", 30),
    ("applications-handled", "natural-person", "total", 80),
    ("applications-handled", "business", "total", 1),
    ("applications-handled", "total", "total", 81),
    ("applications-carried-forward", "natural-person", None, 3),
    ("applications-carried-forward", "business", None, 0),
    ("applications-carried-forward", "total", None, 3),
]
APPEALS = [("reconsideration-cases", None, "upheld", 1), ("reconsideration-cases", None, "pending", 1)]
APPEALS += [("reconsideration-cases", None, r, 0) for r in ("corrected", "other")]
APPEALS += [("reconsideration-cases", None, "total", 2)]
APPEALS += [("litigation-cases", "direct", r, 0) for r in ("upheld", "corrected", "other", "pending", "total")]


def _metric(indicator: str, dims: list[str], value, table: str | None, unit: str = "jian", apx: str = "exact", text: str = ""):
    vocab = vocabulary()
    return Metric(
        indicator=IND + indicator,
        value=Decimal(value),
        unit=concept_iri("unit", unit),
        stated=f"{value}",
        source_text=text or f"row {indicator} {value}",
        approximation=apx,
        dimensions=tuple(sorted((vocab.dimension(d), d) for d in dims)),
        table=table,
    )


def make_report(year: int = 2024, edition: str = "standard-2021", prose=(), incomplete: str | None = None) -> Report:
    metrics = [
        _metric(ind, [concept_iri("applicant", app)] + ([concept_iri("outcome", out)] if out else []), v, "requests")
        for ind, app, out, v in TABLE
    ]
    metrics += [
        _metric(ind, [concept_iri("result", res)] + ([concept_iri("route", route)] if route else []), v, "appeals")
        for ind, route, res, v in APPEALS
    ]
    metrics.append(_metric("items-change", [concept_iri("matter", "licensing")], -2, "proactive", unit="xiang"))
    metrics.append(_metric("fees-amount", [concept_iri("matter", "fees")], 52706597, "proactive", unit="CNY"))
    metrics.extend(prose)
    report = Report(
        source=Source("t.txt", "t.txt", "0" * 64, "utf-8", "text", ""),
        agency=Agency("测试局", "test", "Test Bureau", "central"),
        year=year,
        title=f"测试局政府信息公开工作{year}年度报告",
        title_original="",
        script="Hans",
        edition=f"{DEF}edition/{edition}",
        period=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
        issued=datetime.date(year + 1, 1, 20),
        metrics=metrics,
    )
    if incomplete:
        report.warn("table-incomplete", "cut", incomplete)
    return report


def figure(graph: Graph, indicator: str, year: int = 2024, **dims: str) -> URIRef:
    """A figure's IRI, minted as kg.rdf mints it: indicator, then dimension=value by dimension name."""
    key = "/".join([indicator] + [f"{d}={v}" for d, v in sorted(dims.items())])
    m = URIRef(f"https://w3id.org/cn-ogi/id/report/test/{year}/metric/{key}")
    assert (m, OGI.indicator, None) in graph, m
    return m


def set_value(graph: Graph, m: URIRef, value) -> None:
    graph.set((m, OGI.value, Literal(str(value), datatype=XSD.decimal)))


def messages(findings, severity: str = "Violation") -> list[str]:
    return [f"{f.focus}: {f.message}" for f in findings if f.severity == severity]


@pytest.fixture()
def graph() -> Graph:
    return report_graph(make_report())


def test_a_report_that_adds_up_passes(graph):
    assert validate(graph) == []


# ---------------------------------------------------------------- the tables' arithmetic


def test_applications_carried_through_the_year(graph):
    set_value(graph, figure(graph, "applications-carried-forward", applicant="natural-person"), 2)
    found = messages(validate(graph))
    assert any("自然人: 新收 82 + 结转 1 ≠ 办结 80 + 结转下年 2" in m for m in found), found
    assert any("column natural persons: received 82 + carried over 1 ≠ handled 80 + carried forward 2" in m for m in found)


def test_applicant_columns_add_up_to_the_total(graph):
    set_value(graph, figure(graph, "applications-received", applicant="total"), 85)
    found = messages(validate(graph))
    row = [m for m in found if "the sum of the applicant columns" in m]
    assert row and "本年新收政府信息公开申请数量: 总计 85 ≠" in row[0] and "= 83" in row[0], found
    assert "自然人 82" in row[0] and "商业企业 1" in row[0]


def test_applicant_columns_in_an_outcome_row(graph):
    set_value(graph, figure(graph, "applications-handled", applicant="natural-person", outcome="disclosed"), 49)
    found = messages(validate(graph))
    assert any("本年度办理结果（予以公开）: 总计 51 ≠" in m and "= 50" in m for m in found), found


def test_outcome_rows_add_up_to_the_total(graph):
    m = figure(graph, "applications-handled", applicant="business", outcome="total")
    set_value(graph, m, 2)
    set_value(graph, figure(graph, "applications-handled", applicant="total", outcome="total"), 82)
    set_value(graph, figure(graph, "applications-carried-forward", applicant="business"), -1 + 1)
    found = messages(validate(graph))
    assert any("商业企业: （七）总计 2 ≠ 2 行办理结果之和 1" in m for m in found), found
    assert any("the total of outcomes (七) 2 ≠ the sum of its 2 outcome rows 1" in m for m in found)


def test_items_add_up_to_their_subtotal(graph):
    set_value(graph, figure(graph, "applications-handled", applicant="natural-person", outcome="unable"), 31)
    found = messages(validate(graph))
    assert any("小计 31 ≠ 本机关不掌握相关政府信息 30 = 30" in m for m in found), found


def test_review_results_add_up_to_the_total(graph):
    set_value(graph, figure(graph, "reconsideration-cases", result="total"), 3)
    set_value(graph, figure(graph, "litigation-cases", route="direct", result="pending"), 1)
    found = messages(validate(graph))
    assert any(m.endswith("= 2") and "行政复议: 总计 3 ≠" in m for m in found), found
    assert any("行政诉讼（未经复议直接起诉）: 总计 0 ≠" in m and m.endswith("= 1") for m in found), found


def test_an_incomplete_table_is_a_warning_not_a_violation():
    report = make_report(incomplete="requests")
    graph = report_graph(report)
    for applicant in ("natural-person", "business", "total"):  # the cut row: absent, so the outcome rows no longer add up
        graph.remove((figure(graph, "applications-handled", applicant=applicant, outcome="not-held"), None, None))
    findings = validate(graph)
    assert messages(findings) == []
    warnings = messages(findings, "Warning")
    assert len(warnings) == 1 and "The information requests table is incomplete" in warnings[0]
    assert "totals are not checked" in warnings[0] and "表格不完整或缺失" in warnings[0]


# ---------------------------------------------------------------- figures stated twice


def test_a_figure_stated_in_the_text_and_the_table_agrees():
    said = "全年收到政府信息公开申请{}件"
    agree = _metric("applications-received", [concept_iri("applicant", "total")], 83, None, text=said.format(83))
    assert validate(report_graph(make_report(prose=[agree]))) == []
    differ = _metric("applications-received", [concept_iri("applicant", "total")], 85, None, text=said.format(85))
    found = messages(validate(report_graph(make_report(prose=[differ]))))
    said_twice = "the text says 85 (“全年收到政府信息公开申请85件”), but the information requests table gives 83"
    assert any(said_twice in m for m in found), found
    assert any("正文称 85" in m and "为 83" in m for m in found), found


def test_a_qualified_figure_is_compared_as_its_qualifier_says():
    total = [concept_iri("applicant", "total")]
    more = _metric("applications-received", total, 80, None, apx="more-than", text="收到申请80余件")
    about = _metric("applications-received", total, 90, None, apx="about", text="收到申请约90件")
    assert validate(report_graph(make_report(prose=[more, about]))) == []
    nearly = _metric("applications-received", total, 80, None, apx="nearly", text="收到申请近80件")
    assert messages(validate(report_graph(make_report(prose=[nearly]))))


# ---------------------------------------------------------------- the report and its figures


def test_report_year_within_the_regulations_lifetime():
    for year in (2007, datetime.date.today().year + 1):
        found = messages(validate(report_graph(make_report(year=year, edition="free-form"))))
        assert any(f"The report year {year} is outside the Regulations' lifetime" in m for m in found), found


def test_standard_form_only_from_2019():
    found = messages(validate(report_graph(make_report(year=2015))))
    assert any("A report for 2015 cannot use the standard form" in m for m in found), found


def test_statistical_period_and_release_date(graph):
    graph.set((REPORT, OGI.periodEnd, Literal("2023-12-31", datatype=XSD.date)))
    graph.set((REPORT, OGI.periodStart, Literal("2023-01-01", datatype=XSD.date)))
    graph.set((REPORT, URIRef("http://purl.org/dc/terms/issued"), Literal("2023-06-01", datatype=XSD.date)))
    found = messages(validate(graph))
    assert any("The statistical period ends on 2023-12-31, not in the report year 2024" in m for m in found), found
    graph.set((REPORT, OGI.periodEnd, Literal("2024-12-31", datatype=XSD.date)))
    graph.set((REPORT, URIRef("http://purl.org/dc/terms/issued"), Literal("2024-06-01", datatype=XSD.date)))
    found = messages(validate(graph))
    assert any("The report was released on 2024-06-01, before its statistical period ended (2024-12-31)" in m for m in found)


def test_one_source_file_per_report(graph):
    other = URIRef("https://w3id.org/cn-ogi/id/source/" + "1" * 64)
    for _, p, o in list(graph.triples((URIRef("https://w3id.org/cn-ogi/id/source/" + "0" * 64), None, None))):
        graph.add((other, p, o))
    graph.add((REPORT, OGI.sourceFile, other))
    found = messages(validate(graph))
    assert any("two files mean two reports for one agency and year" in m for m in found), found


def test_figures_cannot_be_negative_except_a_change(graph):
    set_value(graph, figure(graph, "fees-amount", matter="fees"), -5)
    found = messages(validate(graph))
    assert len(found) == 1 and "cannot be negative" in found[0], found  # items-change -2 passes


def test_a_figure_keeps_its_source_text_and_label(graph):
    m = figure(graph, "fees-amount", matter="fees")
    graph.remove((m, OGI.sourceText, None))
    graph.remove((m, RDFS.label, None))
    graph.add((m, RDFS.label, Literal("fees", lang="en")))
    found = messages(validate(graph))
    assert any("A figure keeps the sentence or table row it comes from" in m for m in found), found
    assert any("A figure has one label in Simplified Chinese" in m for m in found), found


def test_unit_matches_what_the_indicator_counts(graph):
    m = figure(graph, "applications-received", applicant="natural-person")
    graph.set((m, OGI.unit, URIRef(concept_iri("unit", "CNY"))))
    found = messages(validate(graph))
    assert any("the unit 元 is not of the kind “本年新收政府信息公开申请数量” is counted in (件)" in m for m in found), found


def test_dimension_values_come_from_their_code_list(graph):
    m = figure(graph, "applications-received", applicant="natural-person")
    graph.set((m, OGI.applicant, URIRef(concept_iri("outcome", "disclosed"))))
    found = messages(validate(graph))
    assert any("is not in the code list of applicant type" in m for m in found), found


def test_a_figures_year_is_its_reports(graph):
    m = figure(graph, "fees-amount", matter="fees")
    graph.set((m, OGI.year, Literal("2023", datatype=XSD.gYear)))
    found = messages(validate(graph))
    assert any("the figure's year 2023 is not the report's year 2024" in m for m in found), found


def test_a_figure_sits_in_its_reports_data_set(graph):
    m = figure(graph, "fees-amount", matter="fees")
    graph.set((m, URIRef("http://purl.org/linked-data/cube#dataSet"), URIRef(f"{REPORT}/other")))
    graph.add((URIRef(f"{REPORT}/other"), RDF.type, URIRef("http://purl.org/linked-data/cube#DataSet")))
    found = messages(validate(graph))
    assert any("the figure is not in its report's data set" in m for m in found), found


# ---------------------------------------------------------------- across reports, reference data


@pytest.mark.parametrize("batch", [validate_module.AGENCY_BATCH, 1], ids=["one run", "a run per agency"])
def test_carried_forward_is_next_years_carried_over(batch, monkeypatch):
    monkeypatch.setattr(validate_module, "AGENCY_BATCH", batch)  # an agency's reports are never split between runs
    graphs = report_graph(make_report(2023)) + report_graph(make_report(2024))
    for applicant in ("natural-person", "total"):  # 2023 carries forward what 2024 says came over
        set_value(graphs, figure(graphs, "applications-carried-forward", 2023, applicant=applicant), 1)
    assert validate_shared(graphs) == []
    set_value(graphs, figure(graphs, "applications-carried-forward", 2023, applicant="natural-person"), 4)
    warnings = messages(validate_shared(graphs), "Warning")
    said = "natural persons: the 2023 report carries 4 forward to the next year, but the 2024 report says 1"
    assert any(said in w for w in warnings), warnings


def test_an_agency_has_one_name_per_language(graph):
    graph.add((URIRef("https://w3id.org/cn-ogi/id/agency/test"), SKOS.prefLabel, Literal("测试总局", lang="zh-Hans")))
    found = messages(validate_shared(graph))
    assert any("An agency has one name per language" in m for m in found), found


def test_reference_concepts_have_both_labels():
    from kg.rdf import reference_graph

    reference = Graph()
    reference += reference_graph()
    assert validate_shared(Graph(), reference) == []
    reference.remove((URIRef(concept_iri("applicant", "business")), SKOS.prefLabel, Literal("businesses", lang="en")))
    found = messages(validate_shared(Graph(), reference))
    assert any("A concept has one name in English" in m for m in found), found


@pytest.mark.skipif(not os.environ.get("KG_TEST_PYSHACL"), reason="pyshacl takes about 100 s here; set KG_TEST_PYSHACL=1")
def test_engines_agree_on_a_broken_table(graph):
    """pyshacl, the reference engine, and pyshacl-turbo, the default, give the same findings (terms of a sum in any order)."""
    set_value(graph, figure(graph, "applications-carried-forward", applicant="natural-person"), 2)

    def normal(findings):
        return sorted((f.severity, f.focus, sorted(re.split(r"[ +=/]+", f.message))) for f in findings)

    turbo = validate(graph, engine="turbo")
    assert turbo and normal(validate(graph, engine="pyshacl")) == normal(turbo)


# ---------------------------------------------------------------- kg validate and kg build on real files


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    out = tmp_path_factory.mktemp("validate") / "reports.nt"
    result = kg("build", "--out", str(out))
    return out, result


def test_bundled_build_has_no_violations_only_the_2019_warnings(bundled):
    out, result = bundled
    assert result.returncode == 0, result.stderr
    shacl = [line for line in result.stderr.splitlines() if line.startswith("shacl ")]
    assert len(shacl) == 2 and all(line.startswith("shacl warning: mfa-2019.md") for line in shacl), shacl
    assert "SHACL: conforms, 2 shape warnings" in result.stderr


def test_kg_validate_summary_report_and_exit_code(bundled, tmp_path):
    out, _ = bundled
    report = tmp_path / "shacl.ttl"
    result = kg("validate", str(out), "--report", str(report), "-j", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("外交部 2019: 2 warnings\n  warning: 外交部政府信息公开工作 2019 年度报告")
    assert "The information requests table is incomplete" in result.stdout
    assert re.search(r"Checked 5 reports \(\d+ triples\) in [\d.]+ s: conforms; 0 violations, 2 warnings\.", result.stderr)
    shacl = Graph().parse(report, format="turtle")
    assert len(list(shacl.subjects(RDF.type, SH.ValidationResult))) == 2
    assert (None, SH.conforms, Literal(True)) in shacl


def test_kg_validate_reads_quads_and_json_ld(bundled, tmp_path):
    out, _ = bundled
    lines = out.read_text(encoding="utf-8").splitlines()
    quads = tmp_path / "g.nq"
    quads.write_text("".join(line[:-1] + "<https://example.org/g> .\n" for line in lines if line.strip()), encoding="utf-8")
    json_ld = tmp_path / "g.jsonld"
    Graph().parse(out, format="nt").serialize(json_ld, format="json-ld")
    for path in (quads, json_ld):
        result = kg("validate", str(path), "-j", "1")
        assert result.returncode == 0 and "conforms; 0 violations, 2 warnings" in result.stderr, result.stderr


def test_kg_validate_bad_input_is_one_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    result = kg("validate", str(bad))
    assert result.returncode == 1 and result.stderr.startswith(f"error: {bad}: not readable as turtle")
    assert "Traceback" not in result.stderr
    result = kg("validate", str(tmp_path / "graph.xyz"))
    assert result.returncode == 1 and "unknown RDF format" in result.stderr


def test_a_report_whose_table_does_not_reconcile(corpus, tmp_path):
    """Edit one number of the bundled 2023 applications table: the build says which column and which numbers."""
    text = corpus["mfa-2023.md"].read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("四、结转下年度继续办理")]
    assert len(rows) == 1 and rows[0].endswith("\t1\t0\t0\t0\t0\t0\t1"), rows
    edited = tmp_path / "mfa-2023.md"
    edited.write_text(text.replace(rows[0], rows[0][: -len("1\t0\t0\t0\t0\t0\t1")] + "2\t0\t0\t0\t0\t0\t1"), encoding="utf-8")
    result = kg("build", str(edited), "--out", str(tmp_path / "r.nt"))
    assert result.returncode == 4, result.stderr
    assert "自然人: 新收 18 + 结转 0 ≠ 办结 17 + 结转下年 2" in result.stderr
    assert (tmp_path / "r.nt").exists()  # the graph is still written
    check_result = kg("validate", str(tmp_path / "r.nt"))
    assert check_result.returncode == 4
    assert "column natural persons: received 18 + carried over 0 ≠ handled 17 + carried forward 2" in check_result.stdout


def test_check_splits_a_merged_graph_by_report():
    graphs = report_graph(make_report(2023)) + report_graph(make_report(2024))
    set_value(graphs, figure(graphs, "applications-received", 2024, applicant="natural-person"), 81)
    outcome = check(graphs)
    violations = [f for f in outcome.findings if f.severity == "Violation"]
    assert outcome.reports == 2 and violations and {f.report for f in violations} == {"测试局 2024"}
