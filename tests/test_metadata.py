"""Report metadata: agency, year, title, period, release date, source, script, edition and the file's identity."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.extract import metadata
from kg.reference import OGI

EDITION = "https://w3id.org/cn-ogi/def/edition/"

EXPECTED = {
    # name: (year, title, script, edition, period)
    "mfa-2011.txt": (2011, "外交部发布2011年政府信息公开工作年度报告", "Hant", "free-form",
        (date(2011, 1, 1), date(2011, 12, 31))),
    "mfa-2012.txt": (2012, "外交部发布2012年政府信息公开工作年度报告", "Hans", "free-form",
        (date(2012, 1, 1), date(2012, 12, 31))),
    "mfa-2019.md": (2019, "外交部政府信息公开工作 2019 年度报告", "Hans", "standard-2019", None),
    "mfa-2023.md": (2023, "外交部政府信息公开工作 2023年度报告", "Hans", "standard-2021", None),
    "mfa-2024.txt": (2024, "外交部政府信息公开工作 2024 年度报告", "Hans", "standard-2021", None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_report_metadata(reports, corpus, name):
    year, title, script, edition, period = EXPECTED[name]
    report = reports[name]
    assert report.year == year
    assert report.title == title
    assert report.script == script
    assert report.edition == EDITION + edition
    assert report.period == period
    assert report.source.name == name
    assert report.source.sha256 == hashlib.sha256(corpus[name].read_bytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_agency_is_the_known_ministry(reports, name):
    agency = reports[name].agency
    assert (agency.name, agency.key, agency.name_en) == ("外交部", "mfa", "Ministry of Foreign Affairs")


def test_release_date_and_source_when_stated(reports):
    assert reports["mfa-2011.txt"].issued == date(2012, 3, 31)
    assert reports["mfa-2011.txt"].source_site == "外交部网站"
    assert reports["mfa-2011.txt"].title_original == "外交部發佈2011年政府信息公開工作年度報告"
    for name in ("mfa-2012.txt", "mfa-2019.md", "mfa-2023.md", "mfa-2024.txt"):
        assert reports[name].issued is None and reports[name].source_site is None  # not stated: not made up


def test_metadata_in_the_graph(graph):
    report = URIRef("https://w3id.org/cn-ogi/id/report/mfa/2011")
    agency = URIRef("https://w3id.org/cn-ogi/id/agency/mfa")
    assert (agency, RDF.type, OGI.Agency) in graph
    assert Literal("Ministry of Foreign Affairs", lang="en") in set(graph.objects(agency, SKOS.prefLabel))
    assert Literal("外交部", lang="zh-Hans") in set(graph.objects(agency, SKOS.prefLabel))
    assert graph.value(report, DCTERMS.publisher) == agency
    assert str(graph.value(report, DCTERMS.issued)) == "2012-03-31"
    assert str(graph.value(report, OGI.sourceSite)) == "外交部网站"
    assert str(graph.value(report, OGI.script)) == "Hant"
    assert graph.value(report, OGI.templateEdition) == URIRef(EDITION + "free-form")
    assert str(graph.value(report, OGI.periodStart)) == "2011-01-01"
    assert str(graph.value(report, OGI.periodEnd)) == "2011-12-31"
    titles = {t.language: str(t) for t in graph.objects(report, DCTERMS.title)}
    assert titles == {
        "zh-Hans": "外交部发布2011年政府信息公开工作年度报告",
        "zh-Hant": "外交部發佈2011年政府信息公開工作年度報告",
    }
    source = graph.value(report, OGI.sourceFile)
    assert str(graph.value(source, DCTERMS.identifier)) == "mfa-2011.txt"
    assert len(str(graph.value(source, OGI.sha256))) == 64


@pytest.mark.parametrize(
    ("title", "name", "key"),
    [
        ("外交部发布2011年政府信息公开工作年度报告", "外交部", "mfa"),
        ("中华人民共和国外交部2020年政府信息公开工作年度报告", "中华人民共和国外交部", "mfa"),
        ("2021年北京市海淀区人民政府政府信息公开工作年度报告", "北京市海淀区人民政府", None),
        ("某县教育局关于2020年度政府信息公开工作年度报告", "某县教育局", None),
    ],
)
def test_agency_from_the_title(title, name, key):
    agency = metadata.agency(title)
    assert agency.name == name
    if key:
        assert agency.key == key
    else:
        assert agency.key and "/" not in agency.key and " " not in agency.key  # an IRI-safe key made from the name


def test_period_and_masthead_parsing():
    assert metadata.period("本报告统计期限自2020年1月1日起至2020年12月31日止。") == (date(2020, 1, 1), date(2020, 12, 31))
    assert metadata.period("本年度共收到申请5件。") is None
    assert metadata.masthead("发布时间：2021-01-28  来源：某县人民政府") == (date(2021, 1, 28), "某县人民政府")
    assert metadata.masthead(None) == (None, None)


# ---------------------------------------------------------------- the year when the title omits it

UNDATED = """某某市商务局政府信息公开工作年度报告
{opening}
一、概述
本局认真贯彻《条例》，全年主动公开政府信息320条。
二、依申请公开情况
全年共受理政府信息公开申请6件，均已按时答复。
某某市商务局
{signed}
"""


def _parse_text(tmp_path, text: str):
    from kg.pipeline import parse

    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return parse(path)


@pytest.mark.parametrize(
    ("opening", "signed", "year", "inferred"),
    [
        ("根据《条例》，现公布本局2012年度政府信息公开工作年度报告。", "2013年3月29日", 2012, False),
        ("根据《条例》要求，现公布2012年我局政府信息公开工作情况。", "2013年3月29日", 2012, False),
        ("本报告统计期限自2014年1月1日起至2014年12月31日止。", "2015年3月20日", 2014, False),
        ("根据2008年施行的《条例》编制本报告。", "2013年3月29日", 2012, True),  # a year merely mentioned is no report year
        ("", "二〇一七年一月十日", 2016, True),
        ("", "二○一二年三月三十一日", 2011, True),
    ],
)
def test_report_year_when_the_title_omits_it(tmp_path, opening, signed, year, inferred):
    report = _parse_text(tmp_path, UNDATED.format(opening=opening, signed=signed))
    assert report.year == year
    notes = [d.message for d in report.diagnostics if d.code == "year-inferred"]
    assert bool(notes) == inferred
    if inferred:
        assert f"{year} is inferred from the release date" in notes[0]


def test_a_release_late_in_the_year_gives_no_year(tmp_path):
    """A report signed in September may be about that year or the one before: not guessed."""
    from kg.model import InputError

    with pytest.raises(InputError, match="states no report year"):
        _parse_text(tmp_path, UNDATED.format(opening="", signed="2013年9月1日"))


def test_release_date_of_the_signature():
    assert metadata.release_date("……工作。\n外交部\n2013年3月29日\n") == date(2013, 3, 29)
    assert metadata.release_date("……工作。\n外交部  二〇一三年三月二十九日") == date(2013, 3, 29)
    assert metadata.release_date("统计期限自2012年1月1日起至2012年12月31日止。") is None
