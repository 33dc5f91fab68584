"""The saved questions answer what a reader of the five reports would answer; kg query runs them."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from decimal import Decimal

from conftest import kg, serving

from kg.query import catalogue, read_question

YEARS = ["2011", "2012", "2019", "2023", "2024"]


def ask(endpoint: str, name: str) -> list[dict[str, str]]:
    """A saved question's rows through the real endpoint, values as plain strings (unbound left out)."""
    text = {q.name: q.text for q in catalogue()}[name]
    body = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(f"{endpoint}/sparql", body, {"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        data = json.load(response)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def by_year(rows: list[dict], column: str, **where: str) -> dict[str, tuple[Decimal | None, str]]:
    """year → (value or None, status) for the rows matching ``where``."""
    out = {}
    for row in rows:
        if all(row.get(k) == v for k, v in where.items()):
            value = row.get(column)
            out[row["year"]] = (Decimal(value) if value is not None else None, row["status"])
    return out


def stated(value) -> tuple[Decimal, str]:
    return (Decimal(value), "stated as zero" if Decimal(value) == 0 else "stated")


NOT_STATED = (None, "not stated")
BALANCE = "requests: received + carried over = handled + carried forward"


# ---------------------------------------------------------------- the catalogue itself


def test_catalogue_has_a_title_and_description_for_every_question():
    questions = catalogue()
    assert len(questions) >= 12
    for q in questions:
        assert q.title and q.title != q.name, q.name
        assert len(q.description) > 40, q.name
    names = {q.name for q in questions}
    assert {"press-conferences", "questions-answered", "applications-received", "application-outcomes",
            "reconsideration-litigation", "fees", "platform-figures", "platforms-first-mentioned", "publications",
            "approximate-figures", "unreconciled-tables", "figure-source"} <= names  # fmt: skip


def test_every_saved_question_runs(endpoint):
    for q in catalogue():
        ask(endpoint, q.name)  # raises on any HTTP error


# ---------------------------------------------------------------- answers from the tables and stated zeros


def test_applications_received_per_year_both_eras(endpoint):
    rows = ask(endpoint, "applications-received")
    assert by_year(rows, "applications") == {
        "2011": stated(10),  # 共受理政府信息公開申請10件
        "2012": stated(134),  # 共收到政府信息公开申请134份
        "2019": stated(13),  # 本年新收 … 13
        "2023": stated(18),
        "2024": stated(82),
    }


def test_outcomes_per_year(endpoint):
    rows = ask(endpoint, "application-outcomes")
    table = {(r["year"], r["notation"]): (Decimal(r["applications"]) if "applications" in r else None, r["status"]) for r in rows}
    for year in ("2011", "2012"):  # free-form reports give no breakdown
        assert all(table[(year, n)] == NOT_STATED for n in ("（一）", "（四）", "（七）"))
    assert table[("2019", "（一）")] == stated(2)
    assert table[("2019", "（二）")] == stated(3)
    assert table[("2019", "（三）")] == stated(0)  # all eight rows of 不予公开 are 0
    assert table[("2019", "（四）")] == (Decimal(3), "partly stated: 1 of 3 rows")  # the table is cut after 本机关不掌握
    assert table[("2019", "（七）")] == NOT_STATED
    assert [table[("2023", f"（{n}）")][0] for n in "一二三四五六七"] == [5, 0, 3, 6, 0, 3, 17]
    assert table[("2023", "（二）")] == stated(0)
    assert [table[("2024", f"（{n}）")][0] for n in "一二三四五六七"] == [2, 2, 18, 33, 9, 16, 80]


def test_reconsideration_and_litigation_per_year(endpoint):
    rows = ask(endpoint, "reconsideration-litigation")
    assert by_year(rows, "cases", kind="行政复议") == {
        "2011": stated(0),  # 无因政府信息公开申请行政复议、提起行政诉讼的情况
        "2012": stated(0),
        "2019": NOT_STATED,  # the 2019 report has no part 四
        "2023": stated(1),
        "2024": stated(27),
    }
    assert by_year(rows, "cases", kind="行政诉讼") == {
        "2011": stated(0),
        "2012": stated(0),
        "2019": NOT_STATED,
        "2023": stated(0),
        "2024": stated(0),
    }
    r2024 = next(r for r in rows if r["year"] == "2024" and r["kind"] == "行政复议")
    assert (r2024["upheld"], r2024["corrected"], r2024["otherResult"], r2024["pending"]) == ("9", "0", "1", "17")


def test_fees_per_year(endpoint):
    rows = ask(endpoint, "fees")
    assert by_year(rows, "yuan", fee="本年收费金额") == {
        "2011": NOT_STATED,
        "2012": NOT_STATED,
        "2019": NOT_STATED,  # the 2019 table lists 行政事业性收费 items, no amount
        "2023": stated("52706597"),  # 5270.6597万元
        "2024": stated("55692092"),  # 5569.2092万元
    }
    assert by_year(rows, "yuan", fee="依申请公开收取费用") == {
        "2011": stated(0),  # 无因依申请公开信息收取或减免费用情况
        "2012": stated(0),
        "2019": NOT_STATED,
        "2023": NOT_STATED,
        "2024": NOT_STATED,
    }
    assert by_year(rows, "yuan", fee="信息处理费") == {
        "2011": NOT_STATED,
        "2012": NOT_STATED,
        "2019": NOT_STATED,
        "2023": stated(0),  # 本年度无根据《政府信息公开信息处理费管理办法》收取信息处理费的情况
        "2024": stated(0),
    }


def test_tables_of_the_bundled_reports_reconcile_or_cannot_be_checked(endpoint):
    rows = ask(endpoint, "unreconciled-tables")
    status = {(r["year"], r["check"]): r["status"] for r in rows}
    assert {y for y, _ in status} == {"2019", "2023", "2024"}  # standard-form reports only
    assert status[("2023", BALANCE)] == "reconciles"  # 18 + 0 = 17 + 1
    assert status[("2024", BALANCE)] == "reconciles"  # 82 + 1 = 80 + 3
    assert status[("2024", "requests: the outcome rows add up to the total")] == "reconciles"  # 2 + 2 + … + 16 = 80
    assert status[("2024", "administrative reconsideration cases: the results add up to the total")] == "reconciles"  # 9+0+1+17
    assert status[("2019", BALANCE)].startswith("cannot check")
    assert any(y == "2019" and s == "cannot check: the table is missing or cut short" for (y, _), s in status.items())
    assert "does not reconcile" not in status.values()


def test_a_report_whose_table_does_not_add_up_is_listed(endpoint, corpus, kg_cache, tmp_path):
    text = corpus["mfa-2023.md"].read_text(encoding="utf-8")
    received = "一、本年新收政府信息公开申请数量\t\t18\t0\t0\t0\t0\t0\t18"
    assert received in text
    broken = tmp_path / "broken-2023.md"
    broken.write_text(text.replace(received, received.replace("18", "19")), encoding="utf-8")
    with serving(str(broken), "--quiet", env=kg_cache, log=tmp_path / "log") as url:
        rows = ask(url, "unreconciled-tables")
    row = next(r for r in rows if r["check"] == BALANCE)
    assert (row["left"], row["right"], row["status"]) == ("19", "18", "does not reconcile")


def test_where_a_figure_comes_from(endpoint):
    rows = ask(endpoint, "figure-source")
    fees = {r["year"]: r for r in rows if "本年收费金额" in r["figure"]}
    assert fees["2023"]["source"] == "行政事业性收费\t5270.6597万元"
    assert fees["2023"]["stated"] == "5270.6597万元" and fees["2023"]["origin"] == "table"
    assert fees["2024"]["value"] == "55692092"


def test_publications_per_year_distinguishes_none_mentioned(endpoint):
    rows = ask(endpoint, "publications")
    assert [r["year"] for r in rows] == YEARS
    for r in rows:
        assert (r["status"] == "none mentioned") == (r["publications"] == "0")


# ---------------------------------------------------------------- answers from the prose (issue 3)


def test_regular_press_conferences_per_year(endpoint):
    rows = ask(endpoint, "press-conferences")
    got = {r["year"]: (r.get("pressConferences"), r.get("qualifier")) for r in rows}
    assert got == {
        "2011": ("133", "exact"),  # 全年共舉行部例行記者會133場
        "2012": ("200", "nearly"),  # 全年共举行例行记者会近200场
        "2019": ("225", "exact"),
        "2023": ("229", "exact"),
        "2024": ("230", "exact"),
    }


def test_questions_answered_per_year(endpoint):
    rows = ask(endpoint, "questions-answered")
    got = {r["year"]: (r.get("questions"), r.get("qualifier")) for r in rows}
    assert got == {
        "2011": ("2000", "nearly"),  # 發佈發言人答記者問近2000個
        "2012": ("3000", "more than"),  # 发言人答问3000余条
        "2019": ("2350", "about"),  # 回应记者提问约2350个
        "2023": ("3000", "nearly"),  # 回答中外记者提问近3000次
        "2024": ("2162", "exact"),
    }


def test_platform_figures_start_with_waijiao_xiaolingtong(endpoint):
    rows = ask(endpoint, "platform-figures")
    assert rows[0]["platform"] == "外交小灵通"
    xlt = {(r["year"], r.get("value"), r.get("qualifier")) for r in rows if r["platform"] == "外交小灵通"}
    assert ("2011", "2300", "nearly") in xlt  # 發佈微博近2300條
    assert ("2011", "1200000", "more than") in xlt  # 擁有粉絲120多萬
    assert ("2012", "11500", "exact") in xlt  # 全年发布信息1.15万条
    assert ("2012", "6000000", "nearly") in xlt  # 粉丝总数近600万
    assert {("2019", "732", "exact"), ("2019", "925", "exact")} <= xlt  # 微博 732 条，微信文章 925 篇


def test_platforms_first_mentioned_per_year(endpoint):
    rows = ask(endpoint, "platforms-first-mentioned")
    first = {r["platform"]: r["year"] for r in rows}
    assert first["外交小灵通"] == "2011"
    assert first["中欧信使"] == "2012"
    assert first["领事直通车"] == "2019"
    assert first["宽广太平洋"] == "2023"
    assert first["外交部使团事务办公室"] == "2024"


def test_publications_per_year(endpoint):
    rows = {r["year"]: r for r in ask(endpoint, "publications")}
    assert "中国外交" in rows["2011"]["titles"] and "中国外交" in rows["2012"]["titles"]
    assert int(rows["2019"]["publications"]) >= 5 and "世界知识年鉴" in rows["2019"]["titles"]
    assert "海外防范电信网络诈骗宣传手册" in rows["2024"]["titles"]


def test_approximate_figures_are_listed_with_their_sentence(endpoint):
    rows = ask(endpoint, "approximate-figures")
    found = {(r["year"], r["stated"], r["meaning"]) for r in rows}
    assert ("2012", "近200场", "nearly") in found
    assert any(y == "2019" and "2350" in s and m == "about" for y, s, m in found)
    assert all(r["meaning"] != "exact" and r["source"] for r in rows)


# ---------------------------------------------------------------- the kg query command


def test_list_shows_every_saved_question_with_its_title():
    result = kg("query", "--list")
    assert result.returncode == 0
    for q in catalogue():
        assert q.name in result.stdout and q.title in result.stdout


def test_saved_question_as_table_csv_and_json(kg_cache):
    table = kg("query", "applications-received", env=kg_cache)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["agency", "year", "applications", "qualifier", "origin", "status"]
    assert lines[3].split() == ["外交部", "2012", "134", "exact", "text", "stated"]
    assert lines[-1] == "(5 rows)"
    csv = kg("query", "applications-received", "--format", "csv", env=kg_cache)
    assert csv.stdout.splitlines()[1] == "外交部,2011,10,exact,text,stated"
    data = json.loads(kg("query", "applications-received", "-f", "json", env=kg_cache).stdout)
    assert [b["applications"]["value"] for b in data["results"]["bindings"]] == ["10", "134", "13", "18", "82"]


def test_a_rq_file_and_an_ad_hoc_query(kg_cache, tmp_path):
    saved = tmp_path / "mine.rq"
    saved.write_text(
        "# title: reports\nPREFIX ogi: <https://w3id.org/cn-ogi/def#>\nSELECT (COUNT(*) AS ?n) WHERE { ?r a ogi:Report }\n"
    )
    assert read_question(saved).title == "reports"
    assert kg("query", str(saved), "-f", "csv", env=kg_cache).stdout.splitlines() == ["n", "5"]
    result = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?m a ogi:Metric }", "-f", "csv", env=kg_cache)
    assert int(result.stdout.splitlines()[1]) > 500


def test_graph_files_instead_of_the_bundled_corpus(endpoint, tmp_path):
    graph_file = tmp_path / "2012.ttl"
    query = urllib.parse.urlencode(
        {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "default-graph-uri": "https://w3id.org/cn-ogi/id/report/mfa/2012/graph"}
    )
    with urllib.request.urlopen(urllib.request.Request(f"{endpoint}/sparql?{query}", headers={"Accept": "text/turtle"})) as r:
        graph_file.write_bytes(r.read())
    result = kg("query", "applications-received", "--graph", str(graph_file), "-f", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "外交部,2012,134,,text,stated"
    ]  # the reference data (qualifier labels) is not in it


def test_a_remote_endpoint(endpoint):
    result = kg("query", "reconsideration-litigation", "--endpoint", f"{endpoint}/sparql", "-f", "csv")
    assert result.returncode == 0, result.stderr
    assert "外交部,2024,行政复议,27,9,0,1,17,stated" in result.stdout.splitlines()
    long = "# " + "x" * 3000 + "\nASK { ?s ?p ?o }"  # long queries go as a form POST
    assert kg("query", long, "--endpoint", f"{endpoint}/sparql").stdout.strip() == "true"
    refused = kg("query", "SELECT * WHERE { ?s ?p ?o . ?x ?y ?z }", "--endpoint", f"{endpoint}/sparql")
    assert refused.returncode == 1 and "413" in refused.stderr and "result limit" in refused.stderr
    down = kg("query", "ASK {}", "--endpoint", "http://127.0.0.1:9/sparql", "--timeout", "5")
    assert down.returncode == 1 and down.stderr.startswith("error: http://127.0.0.1:9/sparql")


def test_errors_are_one_line(kg_cache):
    unknown = kg("query", "no-such-question", env=kg_cache)
    assert unknown.returncode == 2 and "kg query --list" in unknown.stderr
    update = kg("query", "DELETE WHERE { ?s ?p ?o }", env=kg_cache)
    assert update.returncode == 1 and "refused" in update.stderr
    malformed = kg("query", "SELECT ?x WHERE { ?x }", env=kg_cache)
    assert malformed.returncode == 1 and malformed.stderr.startswith("error: malformed query")
    for result in (unknown, update, malformed):
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
