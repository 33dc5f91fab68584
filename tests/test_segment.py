"""Segmenting: title, masthead and the numbered parts with their roles, for every bundled report."""

from __future__ import annotations

import pytest

from kg.model import Source
from kg.normalise import normalise
from kg.read import read
from kg.segment import numeral, segment

FREE_FORM = [(1, "overview"), (2, "proactive"), (3, "requests"), (4, "fees"), (5, "appeals"), (6, "problems")]
STANDARD = [(1, "overview"), (2, "proactive"), (3, "requests"), (4, "appeals"), (5, "problems"), (6, "other")]

EXPECTED = {
    "mfa-2011.txt": ("外交部发布2011年政府信息公开工作年度报告", FREE_FORM),
    "mfa-2012.txt": ("外交部发布2012年政府信息公开工作年度报告", FREE_FORM),
    "mfa-2019.md": ("外交部政府信息公开工作 2019 年度报告", [p for p in STANDARD if p[0] != 4]),
    "mfa-2023.md": ("外交部政府信息公开工作 2023年度报告", STANDARD),
    "mfa-2024.txt": ("外交部政府信息公开工作 2024 年度报告", STANDARD),
}


def _segments(path):
    text, _ = normalise(read(path))
    return text, segment(text)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parts_and_roles(corpus, name):
    title, parts = EXPECTED[name]
    text, segments = _segments(corpus[name])
    assert segments.title == title
    assert [(p.number, p.role.rsplit("/", 1)[-1]) for p in segments.parts] == parts
    for part in segments.parts:
        assert text.text[part.start :].startswith(f"{'一二三四五六'[part.number - 1]}、")
    assert all(a.end == b.start for a, b in zip(segments.parts, segments.parts[1:], strict=False))


def test_2019_has_no_part_four(corpus):
    _, segments = _segments(corpus["mfa-2019.md"])
    assert segments.part("https://w3id.org/cn-ogi/def/part/appeals") is None
    assert 4 not in [p.number for p in segments.parts]


def test_table_rows_numbered_like_parts_are_not_parts(corpus):
    """2024's applications table has rows 一、… 四、 of its own; they stay inside part 三."""
    text, segments = _segments(corpus["mfa-2024.txt"])
    requests = segments.parts[2]
    assert "四、结转下年度继续办理 3 0 0 0 0 0 3" in text.text[requests.start : requests.end]
    assert segments.parts[3].heading == "政府信息公开工作被申请行政复议、提起行政诉讼情况"


def test_title_over_two_lines_keeps_its_original_span(corpus):
    text, segments = _segments(corpus["mfa-2024.txt"])
    assert text.source(*segments.title_span) == "外交部政府信息公开工作\n2024 年度报告"


def test_traditional_title_and_masthead(corpus):
    text, segments = _segments(corpus["mfa-2011.txt"])
    assert text.source(*segments.title_span) == "外交部發佈2011年政府信息公開工作年度報告"
    assert "2012年03月31日" in segments.masthead and "来源:外交部网站" in segments.masthead


def test_unknown_headings_have_no_role():
    raw = "\n".join(["某县某局2020年政府信息公开工作年度报告", "一、总体情况", "正文。", "二、花絮", "正文。"])
    raw += "\n三、收到和处理政府信息公开申请情况\n正文。"
    source = Source(path="mem", name="mem.txt", sha256="0" * 64, encoding="utf-8", format="text", text=raw)
    segments = segment(normalise(source)[0])
    assert [(p.number, p.heading, p.role and p.role.rsplit("/", 1)[-1]) for p in segments.parts] == [
        (1, "总体情况", "overview"),
        (2, "花絮", None),
        (3, "收到和处理政府信息公开申请情况", "requests"),
    ]


@pytest.mark.parametrize(("text", "value"), [("一", 1), ("六", 6), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23)])
def test_numeral(text, value):
    assert numeral(text) == value


def test_role_is_decided_by_cue_coverage_not_by_chance():
    """“因政府信息公开申请提起行政复议、行政诉讼的情况” names appeals, though it also holds the requests cue 公开申请."""
    raw = "\n".join(
        [
            "某省统计局2015年政府信息公开工作年度报告",
            "一、概述",
            "三、依申请公开政府信息情况",
            "四、政府信息公开的收费及减免情况",
            "五、因政府信息公开申请提起行政复议、行政诉讼的情况",
        ]
    )
    source = Source(path="mem", name="mem.txt", sha256="0" * 64, encoding="utf-8", format="text", text=raw)
    roles = [p.role and p.role.rsplit("/", 1)[-1] for p in segment(normalise(source)[0]).parts]
    assert roles == ["overview", "requests", "fees", "appeals"]
