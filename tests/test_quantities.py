"""Figures in Chinese text: numbers, multipliers, measure words and qualifiers; and what is never a figure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.extract.quantities import chinese_number, figures


def _one(text: str):
    found = figures(text)
    assert len(found) == 1, found
    figure = found[0]
    return figure.value, figure.unit and figure.unit.rsplit("/", 1)[-1], figure.approximation, figure.stated


@pytest.mark.parametrize(
    ("text", "value", "unit", "approximation", "stated"),
    [
        ("主动发布信息达189,127条", 189127, "tiao", "exact", "189,127条"),
        ("发布微博近2300条", 2300, "tiao", "nearly", "近2300条"),
        ("回答中外记者提问近3000次", 3000, "ci", "nearly", "近3000次"),
        ("回应记者提问约 2350 个", 2350, "ge", "about", "约 2350 个"),
        ("发布信息 4800 余条", 4800, "tiao", "more-than", "4800 余条"),
        ("共 11000 多条", 11000, "tiao", "more-than", "共 11000 多条"),
        ("拥有粉丝120多万", 1200000, None, "more-than", "120多万"),
        ("全年发布信息1.15万条", 11500, "tiao", "exact", "1.15万条"),
        ("共计发布各类信息超万条", 10000, "tiao", "more-than", "超万条"),
        ("话题总关注度超 2亿次", 200000000, "ci", "more-than", "超 2亿次"),
        ("影响覆盖过亿人次", 100000000, "renci", "more-than", "过亿人次"),
        ("总访问量约 20万人次", 200000, "renci", "about", "约 20万人次"),
        ("处理决定数量66.7 万件", 667000, "jian", "exact", "66.7 万件"),
        ("采购总金额10524 万元", 105240000, "CNY", "exact", "10524 万元"),
        ("举办了四届论坛", 4, "jie", "exact", "四届"),
        ("每周3期", 3, "qi", "exact", "3期"),
        ("不足10件", 10, "jian", "less-than", "不足10件"),
        ("1.15万条以上", 11500, "tiao", "more-than", "1.15万条以上"),
        ("通过部网站发布145条", 145, "tiao", "exact", "145条"),  # 通过: 过 belongs to a word, not a qualifier
    ],
)
def test_figures(text, value, unit, approximation, stated):
    assert _one(text) == (Decimal(value), unit, approximation, stated)


@pytest.mark.parametrize(
    "text",
    [
        "2011年",  # a year
        "2019 年度",
        "2012年03月31日 09时58分",  # a date and a time
        "8月1日起",
        "第二届论坛",  # ordinals
        "第19届亚运会",
        "十三届全国人大二次会议",
        "十九届二中、三中、四中全会",
        "第二十条第(一)项",
        "国办公开办函〔2019〕60号",
        "新中国成立 70 周年",  # an anniversary
        "发表 70周年纪念大会",
        "1949至1965年",  # year spans
        "(2013-2018 年)",
        "世界知识年鉴 2018/2019",
        "2012-03-31",
        "2008年以来10余年",  # a duration
        "1.属于国家秘密",  # a numbered item
    ],
)
def test_not_figures(text):
    assert figures(text) == []


def test_offsets_point_into_the_text():
    text = "全年举行例行记者会 225 场，回应记者提问约 2350 个。"
    found = figures(text)
    assert [text[f.start : f.end] for f in found] == [f.stated for f in found] == ["225 场", "约 2350 个"]


def test_spans_inside_a_window():
    text = "甲10件。乙20件。"
    assert [f.value for f in figures(text, 5)] == [20]


@pytest.mark.parametrize(("text", "value"), [("四", 4), ("十", 10), ("十三", 13), ("二十", 20), ("二百五十", 250), ("一〇", 10)])
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value
