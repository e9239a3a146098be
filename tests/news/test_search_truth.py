"""Search checked against the plain truth (issue 13): for every query, the articles
it finds are exactly those whose text contains each of its words, found by reading
every article's text, character by character, with no index at all; the page states
that many; and every <mark> covers a whole occurrence of a word.

"Contains" is the reader's idea of it: the word occurs in the article's title,
summary or body text once folded (traditional script to simplified, full-width to
plain, upper to lower case), and a number or Latin word is found whole, never as
part of a longer one (33 is not in 12338, 3.5 is not in 13.5 or 3.55, 4 is not in
4,500; COVID is in COVID-19). Chinese characters, ideographs of every plane and emoji
are found anywhere. The same queries run on SQLite and on PostgreSQL (CI runs both).
"""

import html
import re
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

import news
from news.models import Article
from news.search import parse_query
from news.tokens import normalize
from tests.factories import ArticleFactory, ColumnFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("news:search")
REPORT = Path(news.__file__).parent / "demo" / "march8_report.txt"  # the seed

# A word or number in folded text, as a reader reads one: letters and digits, and a
# number's decimal points and thousands separators (a comma before three digits).
WHOLE = re.compile(r"[a-z0-9]+(?:(?<=[0-9])(?:\.[0-9]+|,[0-9]{3}(?![0-9])))*")
RESULT = re.compile(r'<h2 class="search-result__title"><a href="/articles/(\d+)/">')
MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)
TOTAL = re.compile(r"找到 (\d+) 条")

TABLE = """
<p>2021年全市妇联主要工作数据如下：</p>
<table>
<tr><th>项目</th><th>2020年</th><th>2021年</th></tr>
<tr><td>巾帼大宣讲</td><td>498</td><td>535</td></tr>
<tr><td>参与人次</td><td>4,500</td><td>14,500</td></tr>
<tr><td>两癌筛查覆盖率</td><td>3.5%</td><td>98.5%</td></tr>
</table>
"""

ARTICLES = [
    ("市妇联2021年主要工作数据", TABLE),
    ("𠮷女士获评三八红旗手", "<p>𠮷女士扎根社区二十年，二〇二一年获评市三八红旗手。</p>"),
    ("吉女士的家风故事", "<p>吉女士一家三代和睦相处，获评最美家庭。</p>"),
    ("𠀀𪚥姓氏用字说明", "<p>户籍系统已支持𠀀、𪚥、𰻞等扩展区汉字，请核对姓名用字。</p>"),
    ("点赞巾帼志愿者👍", "<p>志愿者❤️服务队获得群众点赞👍，活动照片见👩‍👩‍👧。</p>"),
    ("维权热线开通", "<p>请拨打12338妇女维权公益服务热线，或拨打１２３３８。</p>"),
    ("热线号码更正", "<p>原公布的123380号码有误，现更正为12338热线。</p>"),
    (
        "疫情防控期间妇女工作",
        "<p>COVID-19疫情期间，全市妇联组织线上服务4500人次，增长13.5%。</p>",
    ),
    ("数据复核说明", "<p>复核后的增长率为3.55%，参与人数为14,500。2021.3.8统计。</p>"),
    ("市婦聯舉辦巾幗家政培訓班", "<p>培訓內容包括家政服務技能，WPS文檔操作。</p>"),
    ("附件下载说明", "<p>附件为WPS文档格式，请使用WPS Office打开，网址www.nwccw.gov.cn。</p>"),
    ("分项数据", "<p>三项活动分别为120，340，560人，合计1,020人。</p>"),
]

# Words separated by spaces; within a word only characters the index keeps.
QUERIES = [
    "妇联",
    "婦聯",
    "巾帼",
    "家政培训",
    "𠮷",
    "𠮷女士",
    "吉女士",
    "女士",
    "𠀀",
    "𪚥",
    "𰻞",
    "二〇二一年",
    "〇",
    "👍",
    "点赞👍",
    "❤️",
    "❤",
    "👩‍👩‍👧",
    "3.5%",
    "3.5",
    "13.5%",
    "98.5%",
    "5%",
    "4,500",
    "14,500",
    "4500",
    "500",
    "covid-19",
    "COVID",
    "19",
    "12338",
    "１２３３８",
    "33",
    "123380",
    "12338热线",
    "2021",
    "2021年",
    "2021.3.8",
    "wps",
    "WPS文档",
    "nwccw",
    "340",
    "1,020",
    "妇联 2021年",
    "巾帼 志愿者 点赞",
    "热线 12338 维权",
    "三八红旗手 𠮷女士",
    "培训 wps",
    "一 二 三 四 五 六 七 八",
    "婚姻家庭纠纷",
    "𠮷祥云",
    "调研走访 𠮷祥云 3.5%",
]


def folded_text(article):
    """What the truth reads: each text folded on its own, a line between them."""
    texts = (article.title, article.summary, article.body_text)
    return "\n".join(normalize(text) for text in texts)


def occurrences(text, word):
    """Where `word` occurs in `text` whole: not starting or ending inside a longer
    word or number."""
    wholes = [match.span() for match in WHOLE.finditer(text)]
    spots = []
    for match in re.finditer(f"(?=({re.escape(word)}))", text):
        begin, end = match.start(), match.start() + len(word)
        inside = any(
            start < edge < stop
            for start, stop in wholes
            for edge, char in ((begin, word[0]), (end, word[-1]))
            if WHOLE.match(char)
        )
        if not inside:
            spots.append(begin)
    return spots


def truth(query, texts=None):
    """The live articles holding every word of `query`, by reading them all
    (`texts`: their folded texts by id, when already read)."""
    texts = texts or {article.pk: folded_text(article) for article in Article.objects.live()}
    words = [normalize(word) for word in query.split()]
    return {pk for pk, text in texts.items() if all(occurrences(text, word) for word in words)}


@pytest.fixture
def corpus():
    column = ColumnFactory(name="部门动态", slug="bmdt")
    report = REPORT.read_text(encoding="utf-8").splitlines()
    ArticleFactory(
        title=report[1],
        body="".join(f"<p>{line}</p>" for line in report[2:]),
        column=column,
    )
    for title, body in ARTICLES:
        ArticleFactory(title=title, body=body, column=column)
    # A long report, past a tsvector's limits (16,383 positions, 256 per token): the
    # words of its last paragraph must be found like those of its first.
    filler = "".join(f"全市各级妇联组织深入基层开展第{n}次调研走访活动。" for n in range(800))
    long_report = ArticleFactory(
        title="市第十四次妇女代表大会工作报告",
        body=f"<p>{filler}</p><p>最后一项：婚姻家庭纠纷调解，𠮷祥云同志作总结，增长3.5%。</p>",
        column=column,
    )
    if connection.vendor == "postgresql":
        assert long_report.search_part_count > 1  # the parts are really asked
    return column


def result_ids(client, query):
    """Every article the search page lists for `query`, over all its pages, and the
    total the first page states."""
    ids, total, number = [], None, 1
    while True:
        response = client.get(SEARCH, {"q": query, "page": number})
        if response.status_code == 404:
            break
        assert response.status_code == 200
        page = response.content.decode()
        if number == 1:
            stated = TOTAL.search(page)
            total = int(stated.group(1)) if stated else None
        ids += [int(pk) for pk in RESULT.findall(page)]
        for marked in MARK.findall(page):
            assert_a_whole_word_is_marked(html.unescape(marked), query)
        if 'rel="next"' not in page:
            break
        number += 1
    return ids, total


def assert_a_whole_word_is_marked(marked, query):
    folded = normalize(marked)
    assert any(word in folded for word in (normalize(w) for w in query.split())), (marked, query)


def test_search_finds_exactly_the_articles_that_contain_the_words(client, corpus):
    """One test over every query (the corpus is built once): for each, what the
    index finds, what the pages list and the total they state, against the truth."""
    texts = {article.pk: folded_text(article) for article in Article.objects.live()}
    wrong = {}
    for query in QUERIES:
        expected = truth(query, texts)
        matched = set(
            Article.objects.live().search(parse_query(query)).values_list("pk", flat=True)
        )
        listed, total = result_ids(client, query)
        if not (
            matched == expected
            and sorted(listed) == sorted(expected)
            and (total == len(expected) or not expected)
        ):
            wrong[query] = {"truth": expected, "index": matched, "pages": listed, "total": total}

    assert not wrong


def test_the_truth_is_not_trivial(corpus):
    """The truth itself tells the cases apart, so the comparison above proves
    something: 𠮷 is not 吉, a number is not part of a longer one, most queries find
    something and none finds everything."""
    texts = {article.pk: folded_text(article) for article in Article.objects.live()}
    found = {query: truth(query, texts) for query in QUERIES}
    everything = set(Article.objects.live().values_list("pk", flat=True))

    assert found["𠮷女士"] and found["吉女士"] and not found["𠮷女士"] & found["吉女士"]
    assert found["3.5%"] and not found["5%"]
    assert found["12338"] and found["33"] and not found["12338"] & found["33"]
    assert found["4,500"] != found["14,500"]
    # The long report's last paragraph: only there, and with a phrase of the seed.
    assert len(found["𠮷祥云"]) == 1 and found["𠮷祥云"] < found["婚姻家庭纠纷"]
    assert sum(not ids for ids in found.values()) <= 3
    assert all(ids != everything for ids in found.values())
