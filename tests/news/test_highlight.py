"""Marks in search results (news.highlight): the match as written in the article,
whole, never part of a longer word or number, and nothing else marked (issue 13)."""

import pytest

from news.highlight import has_match, highlight, snippet
from news.search import parse_query


def marked(text, query):
    return str(highlight(text, parse_query(query)))


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("请拨打12338热线", "33", "请拨打12338热线"),
        ("请拨打12338热线", "12338", "请拨打<mark>12338</mark>热线"),
        ("增长13.5%和3.5%", "3.5%", "增长13.5%和<mark>3.5%</mark>"),
        ("增长3.55%", "3.5", "增长3.55%"),
        ("共4,500人", "500", "共4,500人"),
        ("共4,500人", "4,500", "共<mark>4,500</mark>人"),
        ("COVID-19疫情", "covid-19", "<mark>COVID-19</mark>疫情"),
        ("COVID-19疫情", "19", "COVID-<mark>19</mark>疫情"),
        ("使用WPS Office", "off", "使用WPS Office"),
    ],
)
def test_a_mark_never_lands_on_part_of_a_longer_number_or_word(text, query, expected):
    assert marked(text, query) == expected


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("𠮷女士获评", "𠮷女士", "<mark>𠮷女士</mark>获评"),
        ("𠮷女士与吉女士", "𠮷", "<mark>𠮷</mark>女士与吉女士"),
        ("二〇二一年工作", "二〇二一年", "<mark>二〇二一年</mark>工作"),
        ("群众点赞👍", "赞👍", "群众点<mark>赞👍</mark>"),
        ("志愿者❤️服务", "❤服务", "志愿者<mark>❤️服务</mark>"),
        ("市婦聯召開", "妇联", "市<mark>婦聯</mark>召開"),
        ("拨打１２３３８", "12338", "拨打<mark>１２３３８</mark>"),
        ("⼥性权益", "女性", "<mark>⼥性</mark>权益"),
    ],
)
def test_the_mark_covers_the_match_as_written(text, query, expected):
    assert marked(text, query) == expected


def test_a_text_with_characters_that_expand_when_folded_is_marked_in_place():
    text = "㎉……妇联ﬃ妇联"

    assert marked(text, "妇联") == "㎉……<mark>妇联</mark>ﬃ<mark>妇联</mark>"


def test_a_match_cut_by_the_edge_of_the_snippet_is_not_marked():
    text = "家政培训" + "。" * 200 + "家政培训"
    shown = str(snippet(text, parse_query("家政培训"), length=90))

    assert shown.count("<mark>") == 1
    assert "<mark>家政培训</mark>" in shown


def test_has_match_agrees_with_the_marks():
    query = parse_query("33")

    assert not has_match("请拨打12338热线", query)
    assert has_match("第33次会议", query)
