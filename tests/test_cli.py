"""The command line as a user meets it: help, the bundled build, and one-line errors for bad input."""

from __future__ import annotations

import random
import shutil

import pytest
from conftest import kg
from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF

from kg.cli import app
from kg.reference import OGI


def _commands() -> list[str]:
    names = [c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands]
    names += [g.name for g in app.registered_groups if g.name]
    return sorted(names)


def test_top_level_help_names_the_commands():
    result = kg("--help")
    assert result.returncode == 0, result.stderr
    assert "kg build --out reports.ttl" in result.stdout
    for name in _commands():
        assert name in result.stdout


def test_build_help_explains_inputs_outputs_and_shows_examples():
    result = kg("build", "--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "inputs" in text.lower() and "bundled corpus" in text  # inputs, and what none means
    assert "--out" in text and ".ttl" in text  # the output and its formats
    assert "Examples" in text and "kg build --out reports.ttl" in text
    assert "Exit status" in text


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help(name):
    result = kg(name, "--help")
    assert result.returncode == 0, result.stderr
    assert f"Usage: kg {name}" in " ".join(result.stdout.split())
    description = [line for line in result.stdout.splitlines() if line.strip() and "Usage" not in line]
    assert len(" ".join(description)) > 60, f"kg {name} --help says too little"
    assert "Traceback" not in result.stdout + result.stderr


def test_version():
    result = kg("--version")
    assert result.returncode == 0 and result.stdout.startswith("kg ")


# ---------------------------------------------------------------- the bundled build


def test_bundled_build(built, graph):
    reports = set(graph.subjects(RDF.type, OGI.Report))
    assert len(reports) == 5
    assert len({graph.value(r, DCTERMS.publisher) for r in reports}) == 1
    told = (built.parent / "stderr.txt").read_text(encoding="utf-8")
    summary = told.strip().splitlines()[-1]
    assert summary.startswith(f"Wrote {built}") and "5 reports" in summary and "metrics" in summary and "warnings" in summary
    # the truncated 2019 report is named in its warnings: missing rows and the missing part 四
    warnings = [line for line in told.splitlines() if line.startswith("warning: mfa-2019.md:")]
    assert any("结转下年度继续办理" in w for w in warnings)
    assert any("四" in w and "absent, not zero" in w for w in warnings)
    assert "Traceback" not in told


# ---------------------------------------------------------------- bad input


@pytest.fixture()
def bad(tmp_path, corpus):
    """A folder of bad inputs, next to an output path."""
    (tmp_path / "nothing-here").mkdir()
    (tmp_path / "nothing-here" / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "random.txt").write_bytes(random.Random(3).randbytes(3000))
    news = "新华社北京电 今天天气晴朗，气温适宜，市民纷纷外出游玩。\n公园里游人如织，孩子们在草地上放风筝。\n"
    (tmp_path / "news.txt").write_text(news, encoding="utf-8")
    shutil.copy(corpus["mfa-2023.md"], tmp_path / "a.md")
    shutil.copy(corpus["mfa-2023.md"], tmp_path / "b.md")
    return tmp_path


CASES = [
    # (inputs, exit status, the file named, words of the problem, output written)
    (["nope.txt"], 1, "nope.txt", "no such file", False),
    (["nothing-here"], 1, "nothing-here", "no report files", False),
    (["empty.txt"], 1, "empty.txt", "empty", False),
    (["random.txt"], 1, "random.txt", "binary", False),
    (["news.txt"], 1, "news.txt", "not an open-government-information annual report", False),
    (["a.md", "b.md"], 3, "b.md", "second report", True),
    (["a.md", "nope.txt"], 3, "nope.txt", "no such file", True),
]


@pytest.mark.parametrize(("inputs", "status", "named", "problem", "written"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_bad_input_is_one_line_naming_the_file(bad, inputs, status, named, problem, written):
    out = bad / "out" / "r.ttl"
    result = kg("build", *inputs, "--out", str(out), "--no-validate", cwd=bad)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == status, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert any(named in line and problem in line for line in errors), result.stderr
    assert out.exists() == written
    assert not [p for p in out.parent.glob("*") if p != out]  # no temporary file left behind
    if written:
        graph = Graph().parse(out, format="turtle")
        assert len(set(graph.subjects(RDF.type, OGI.Report))) == 1
        assert "1 inputs rejected" in result.stderr.splitlines()[-1]  # the summary counts what was left out
