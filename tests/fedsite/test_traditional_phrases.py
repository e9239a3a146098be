"""繁体用词 (issue 13): OpenCC's s2tw misreads the federation's own words (全市妇联系统
became 全市婦聯繫統, 新征程 became 新徵程). The shipped list writes them right on pages
and in feeds; ordinary text comes out exactly as plain s2tw writes it; staff fix the
next word in the admin, and the next 繁體 page, cached or not, shows it."""

import re
from pathlib import Path

import feedparser
import pytest
from django.test import Client
from django.urls import reverse

import news
from fedsite.models import TraditionalPhrase
from fedsite.reader import COOKIE, to_traditional
from news.demo.samples import ARTICLES as DEMO_ARTICLES
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

REPORT = Path(news.__file__).parent / "demo" / "march8_report.txt"  # the seed
CHANGELIST = reverse("admin:fedsite_traditionalphrase_changelist")
ADD = reverse("admin:fedsite_traditionalphrase_add")


def plain_s2tw(text):
    return to_traditional(text, phrases={})


def shipped():
    return dict(TraditionalPhrase.objects.values_list("simplified", "traditional"))


def traditional_reader():
    client = Client()
    client.cookies[COOKIE] = "hant.normal.normal"
    return client


def demo_lines():
    """The seed report and the demo articles, line by line: the federation's prose."""
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    for article in DEMO_ARTICLES:
        lines += [article["title"], *article["paragraphs"]]
    return [line for line in lines if line.strip()]


# -- The words come out right ------------------------------------------------------------


@pytest.mark.parametrize(
    ("simplified", "right", "s2tw_wrote"),
    [
        ("全市妇联系统开展巾帼大宣讲", "全市婦聯系統開展巾幗大宣講", "婦聯繫統"),
        ("全国妇联系统干部", "全國婦聯系統幹部", "婦聯繫統"),
        ("巾帼心向党 奋斗新征程", "巾幗心向黨 奮鬥新征程", "新徵程"),
        ("踏上新征途", "踏上新征途", "新徵途"),
        ("妇联系列活动", "婦聯系列活動", "婦聯繫列"),
        ("残联系统", "殘聯系統", "殘聯繫統"),
        ("妇联是妇女的娘家人", "婦聯是婦女的娘家人", "孃家人"),
        ("于女士当选执委", "于女士當選執委", "於女士"),
    ],
)
def test_the_federations_words_come_out_right(simplified, right, s2tw_wrote):
    assert s2tw_wrote in plain_s2tw(simplified)  # what the list is for

    assert to_traditional(simplified) == right


def test_the_shipped_list_holds_the_words_the_issue_names():
    phrases = shipped()

    for word in ("妇联系统", "妇联干部", "征程", "巾帼"):
        assert word in phrases
    assert phrases["妇联系统"] == "婦聯系統" and phrases["征程"] == "征程"


def test_ordinary_text_comes_out_exactly_as_plain_s2tw_writes_it():
    """Lines without a listed word are unchanged; in lines with one, only the listed
    word's own characters differ from plain s2tw."""
    phrases = shipped()
    pattern = re.compile("|".join(sorted(map(re.escape, phrases), key=len, reverse=True)))
    compared = with_phrases = 0
    for line in demo_lines() + ["联系群众，征求意见，征文比赛，干净整洁，头发，发展", "关于于是"]:
        converted, plain = to_traditional(line), plain_s2tw(line)
        listed = {i for match in pattern.finditer(line) for i in range(*match.span())}
        differing = {i for i, (a, b) in enumerate(zip(converted, plain, strict=True)) if a != b}
        assert differing <= listed, (line, converted, plain)
        compared += 1
        with_phrases += bool(listed)

    assert compared > 20 and 0 < with_phrases < compared


# -- On pages and in feeds ---------------------------------------------------------------


@pytest.fixture
def report(column):
    return ArticleFactory(
        column=column,
        title="全市妇联系统奋斗新征程",
        body="<p>全市妇联系统以“巾帼心向党 奋斗新征程”为主题，联系群众，征集家风故事。</p>",
    )


@pytest.mark.parametrize("page", ["home", "article", "search"])
def test_pages_in_traditional_script_use_the_list(report, page):
    url = {
        "home": "/",
        "article": report.get_absolute_url(),
        "search": reverse("news:search") + "?q=妇联系统",
    }[page]

    html = traditional_reader().get(url).content.decode()

    assert "婦聯系統" in html and "新征程" in html
    assert "婦聯繫統" not in html and "新徵程" not in html


def test_feeds_in_traditional_script_use_the_list(client, report):
    feed = feedparser.parse(client.get("/feed/", {"script": "hant"}).content)

    assert feed.entries[0].title == "全市婦聯系統奮鬥新征程"
    body = feed.entries[0].content[0].value
    assert "巾幗心向黨 奮鬥新征程" in body and "聯繫群眾" in body and "徵集" in body


# -- Staff edit the list ----------------------------------------------------------------


def test_a_word_staff_add_shows_on_the_next_page_even_a_cached_one(
    as_reviewer, column, django_assert_num_queries
):
    """A reviewer adds a word; the 繁體 page, cached before, follows at once (the
    list's save moves the page cache to a new generation)."""
    article = ArticleFactory(column=column, title="市妇联召开执委会", body="<p>会议议程。</p>")
    reader = traditional_reader()
    assert "執委會" in reader.get(article.get_absolute_url()).content.decode()
    with django_assert_num_queries(0):  # cached
        assert "執委會" in reader.get(article.get_absolute_url()).content.decode()

    response = as_reviewer.post(
        ADD, {"simplified": "执委会", "traditional": "執委会", "note": "示例：编辑部的写法"}
    )

    assert response.status_code == 302
    again = reader.get(article.get_absolute_url()).content.decode()
    assert "執委会" in again and "執委會" not in again


def test_an_editor_may_add_and_change_but_not_delete(as_editor):
    phrase = TraditionalPhrase.objects.get(simplified="征程")

    assert as_editor.get(CHANGELIST).status_code == 200
    assert as_editor.get(ADD).status_code == 200
    delete = reverse("admin:fedsite_traditionalphrase_delete", args=[phrase.pk])
    assert as_editor.get(delete).status_code == 403


@pytest.mark.parametrize(
    ("simplified", "traditional", "error"),
    [
        ("<b>妇联", "<b>婦聯", "不要加空格或标点"),
        ("妇联 系统", "婦聯 系統", "不要加空格或标点"),
        ("妇联系统化", "婦聯系統", "字数相同"),
        ("abc", "abc", "不要加空格或标点"),
        ("征程", "征程", "已存在"),
    ],
)
def test_a_bad_entry_is_refused_in_chinese_and_changes_nothing(
    as_reviewer, simplified, traditional, error
):
    before = shipped()

    response = as_reviewer.post(ADD, {"simplified": simplified, "traditional": traditional})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert shipped() == before


def test_the_admin_list_shows_what_plain_conversion_would_write(as_reviewer):
    html = as_reviewer.get(CHANGELIST).content.decode()

    assert "繁体用词" in html and "简体写法" in html and "不用本表时的转换" in html
    assert "婦聯繫統" in html  # plain s2tw of 妇联系统, beside the listed 婦聯系統
    assert "婦聯系統" in html
