"""Normalising: one canonical text for every layout, each character traceable to the original."""

from __future__ import annotations

import pytest

from kg.model import Source
from kg.normalise import fold, normalise, script_of
from kg.read import read


def _source(text: str, fmt: str = "text") -> Source:
    return Source(path="mem", name="mem.txt", sha256="0" * 64, encoding="utf-8", format=fmt, text=text)


@pytest.fixture(scope="module")
def texts(corpus):
    """Each bundled report's normalised Text and script, by file name."""
    return {name: normalise(read(path)) for name, path in corpus.items()}


def _lines(text) -> list[str]:
    return text.text.split("\n")


# ---------------------------------------------------------------- character forms


def test_full_width_forms_become_half_width():
    assert fold("ＡＢＣ１２３，（一）：；") == "ABC123,(一):;"
    assert fold("全年\u3000共\u00a0计") == "全年 共 计"


def test_traditional_becomes_simplified_with_the_same_length():
    original = "外交部發佈2011年政府信息公開工作年度報告"
    folded = fold(original)
    assert folded == "外交部发布2011年政府信息公开工作年度报告"
    assert len(folded) == len(original)
    assert script_of(original, folded) == "Hant"
    assert script_of("外交部发布", fold("外交部发布")) == "Hans"


def test_offsets_lead_back_to_the_traditional_original(texts):
    text, script = texts["mfa-2011.txt"]
    assert script == "Hant"
    wanted = "我部共受理政府信息公开申请10件"
    at = text.text.index(wanted)
    assert text.source(at, at + len(wanted)) == "我部共受理政府信息公開申請10件"
    title = "外交部发布2011年政府信息公开工作年度报告"
    at = text.text.index(title)
    assert text.source(at, at + len(title)) == "外交部發佈2011年政府信息公開工作年度報告"


def test_every_normalised_character_maps_into_the_original(texts):
    for text, _ in texts.values():
        assert len(text.origin) == len(text.text)
        assert all(0 <= o < len(text.original) for o in text.origin)
        assert list(text.origin) == sorted(text.origin)


# ---------------------------------------------------------------- line structure


def test_pdf_wrapped_lines_are_joined(texts):
    text, _ = texts["mfa-2024.txt"]
    assert "全年收处政府信息公开申请83件,较2023年增加65件,已依法办结80件,正在办理 3件。" in text.text
    assert "深入学习贯彻党的二十大" in text.text  # 深入 / 学习贯彻 were on two lines with a blank line between


def test_table_rows_and_headings_are_not_joined(texts):
    lines = _lines(texts["mfa-2024.txt"][0])
    for line in (
        "一、总体情况",
        "二、主动公开政府信息情况",
        "规章 1 0 4",
        "行政许可 0",
        "一、本年新收政府信息公开申请数量 82 0 0 0 0 0 82",
        "(七)总计 80 0 0 0 0 0 80",
        "9 0 1 17 27 0 0 0 0 0 0 0 0 0 0",
        "六、其他需要报告的事项",
    ):
        assert line in lines


def test_synthetic_wrapped_paragraph_and_table():
    raw = (
        "一、总体情况\n\n"
        "本年度我局认真贯彻落实条例要求，全年共收到政府信息公开申请\n\n"
        "12件，均已按时答复。\n"
        "规章 1 0 4\n"
        "行政许可 0\n"
        "二、主动公开政府信息情况\n"
    )
    text, script = normalise(_source(raw))
    assert script == "Hans"
    assert _lines(text) == [
        "一、总体情况",
        "本年度我局认真贯彻落实条例要求,全年共收到政府信息公开申请12件,均已按时答复。",
        "规章 1 0 4",
        "行政许可 0",
        "二、主动公开政府信息情况",
    ]


# ---------------------------------------------------------------- page furniture and markup


def test_navigation_of_the_2011_web_copy_is_dropped(texts):
    text, _ = texts["mfa-2011.txt"]
    assert "当前位置" not in text.text and "首页" not in text.text
    assert "相关链结" not in text.text
    assert "外交部发言人洪磊就伊朗与六国对话等答记者问" not in text.text  # the link list after the body
    assert "领导活动 人事任免" not in text.text
    assert _lines(text)[0] == "外交部发布2011年政府信息公开工作年度报告"
    assert _lines(text)[-1].startswith("我部受理的政府信息公开申请多涉及国外产生的信息")


def test_markdown_heading_marks_are_removed(texts):
    for name in ("mfa-2019.md", "mfa-2023.md"):
        lines = _lines(texts[name][0])
        assert not [line for line in lines if line.startswith("#")]
        assert "一、总体情况" in lines
    assert "四、政府信息公开工作被申请行政复议、提起行政诉讼情况" in _lines(texts["mfa-2023.md"][0])


def test_markdown_marks_only_in_markdown():
    text, _ = normalise(_source("# 外交部政府信息公开工作年度报告\n**一、总体情况**\n> 引文\n", fmt="markdown"))
    assert _lines(text) == ["外交部政府信息公开工作年度报告", "一、总体情况", "引文"]
    at = text.text.index("一、总体情况")
    assert text.source(at, at + 6) == "一、总体情况"
