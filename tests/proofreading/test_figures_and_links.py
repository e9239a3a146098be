"""Kinds 5 and 6 on the demo report and its 33 work figures: a figure changed in the
text, a figure the text does not give, pictures and dead links."""

import pytest

from news.models import Article
from proofreading.checker import Checker
from proofreading.findings import FIGURE, LINK, SERIOUS
from tests.factories import ArticleFactory


def figure_findings(article):
    return [f for f in Checker().check(article) if f.kind == FIGURE]


def test_the_demo_report_agrees_with_its_figures(demo):
    assert demo.cited_values.count() == 33
    assert Checker().check(demo) == []


def test_a_figure_that_differs_from_the_data_is_serious_with_the_datas_figure(demo):
    demo.body = demo.body.replace("巾帼大宣讲535场次", "巾帼大宣讲536场次")
    [finding] = figure_findings(demo)
    assert (finding.wrong, finding.suggestion, finding.severity) == ("536场次", "535场次", SERIOUS)
    assert "巾帼大宣讲" in finding.why and "535场次" in finding.why
    assert finding.sentence.startswith("2021年，全市妇联系统开展巾帼大宣讲")


def test_a_cited_figure_missing_from_the_text_is_reported(demo):
    demo.body = demo.body.replace("、读书班106场次", "")
    [finding] = figure_findings(demo)
    assert finding.start is None and "读书班" in finding.why and "没有这个数" in finding.why


def test_a_figure_written_another_way_still_counts_as_given(demo):
    demo.body = demo.body.replace("引领组织11000人参加了", "引领组织1.1万人参加了")
    assert figure_findings(demo) == []


def test_a_change_draft_is_checked_against_the_figures_of_its_article(demo, column):
    change = ArticleFactory(
        column=demo.column,
        revision_of=demo,
        status=Article.Status.DRAFT,
        title=demo.title,
        body=demo.body.replace("2782户", "2728户"),
    )
    [finding] = figure_findings(change)
    assert (finding.wrong, finding.suggestion) == ("2728户", "2782户")


def test_pictures_without_alt_text_and_hot_linked_are_reported(db, column):
    article = ArticleFactory(
        column=column,
        body=(
            '<p>志愿者义诊。</p><p><img src="/static/img/emblem.svg"></p>'
            '<p><img src="https://mmbiz.qpic.cn/abc/0.png" alt="现场"></p>'
        ),
    )
    findings = [f for f in Checker().check(article) if f.kind == LINK]
    whys = [f.why for f in findings]
    assert len(findings) == 2
    assert "第 1 张图片没有填写“替换文本”" in whys[0]
    assert "mmbiz.qpic.cn" in whys[1] and "微信公众号" in whys[1]


@pytest.mark.parametrize(
    ("href", "reason"),
    [("/articles/987654/", "文章不存在"), ("/news/no-such-column/", "栏目不存在")],
)
def test_a_link_to_a_page_of_this_site_that_does_not_exist(db, column, href, reason):
    article = ArticleFactory(column=column, body=f'<p>详见<a href="{href}">往期报道</a>。</p>')
    [finding] = [f for f in Checker().check(article) if f.kind == LINK]
    assert (finding.wrong, finding.severity) == ("往期报道", SERIOUS)
    assert reason in finding.why and href in finding.why


def test_links_that_work_and_links_elsewhere_are_fine(db, column):
    other = ArticleFactory(column=column)
    article = ArticleFactory(
        column=column,
        body=(
            f'<p>详见<a href="{other.get_absolute_url()}">上一篇</a>和'
            '<a href="https://www.women.org.cn/">全国妇联</a>、'
            f'<a href="{column.get_absolute_url()}">本栏目</a>。</p>'
        ),
    )
    assert [f for f in Checker().check(article) if f.kind == LINK] == []
