"""Articles: who may see them, what the lists show of them, and how they are counted.

The visibility rule is written twice on purpose (a queryset for lists, an instance
check for the detail page); these tests hold the two to the same answers.
"""

import datetime

import pytest
from django.utils import timezone

from news.models import SUMMARY_LENGTH, Article, Column
from news.search import backend_for, parse_query
from tests.factories import ArticleFactory, ColumnFactory

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)
DAY = datetime.timedelta(days=1)


def ago(delta):
    return timezone.now() - delta


def is_listed(article):
    return Article.objects.live().filter(pk=article.pk).exists()


# -- Who may see an article ------------------------------------------------------------

VISIBILITY_CASES = [
    pytest.param(Article.Status.DRAFT, -DAY, False, id="draft-with-a-past-time"),
    pytest.param(Article.Status.DRAFT, None, False, id="draft-without-a-time"),
    pytest.param(Article.Status.WITHDRAWN, -DAY, False, id="withdrawn"),
    pytest.param(Article.Status.PUBLISHED, SECOND, False, id="published-one-second-from-now"),
    pytest.param(Article.Status.PUBLISHED, 30 * DAY, False, id="scheduled-next-month"),
    pytest.param(Article.Status.PUBLISHED, -SECOND, True, id="published-one-second-ago"),
    pytest.param(Article.Status.PUBLISHED, -365 * DAY, True, id="published-last-year"),
]


@pytest.mark.parametrize(("status", "offset", "public"), VISIBILITY_CASES)
def test_only_published_articles_whose_time_has_come_are_public(status, offset, public):
    """The lists (live()) and the detail page (is_live) give the same answer."""
    published_at = None if offset is None else timezone.now() + offset
    article = ArticleFactory(status=status, published_at=published_at)

    assert is_listed(article) is public
    assert article.is_live() is public


@pytest.fixture
def clock(monkeypatch):
    """Set the time the site believes it is (both live() and is_live read timezone.now)."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def test_future_article_is_hidden_until_its_time_and_then_appears_by_itself(clock):
    publish_at = timezone.now() + datetime.timedelta(hours=3)
    article = ArticleFactory(published_at=publish_at)

    clock(publish_at - SECOND)
    assert not is_listed(article)
    assert not article.is_live()
    assert article.is_scheduled

    clock(publish_at + SECOND)
    assert is_listed(article)
    assert article.is_live()
    assert not article.is_scheduled


def test_article_goes_public_at_exactly_its_publish_time(clock):
    publish_at = timezone.now() + datetime.timedelta(hours=3)
    article = ArticleFactory(published_at=publish_at)

    clock(publish_at)

    assert is_listed(article)
    assert article.is_live()


# -- Publishing ------------------------------------------------------------------------


def test_publishing_without_a_time_stamps_the_current_time():
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    before = timezone.now()

    article.status = Article.Status.PUBLISHED
    article.save()

    article.refresh_from_db()
    assert before.replace(microsecond=0) <= article.published_at <= timezone.now()
    assert article.published_at.microsecond == 0  # <time datetime> allows no fractions
    assert article.is_live()
    assert is_listed(article)


def test_saving_a_draft_does_not_invent_a_publish_time():
    """Otherwise the draft's creation time would later show as its publication date."""
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)

    article.title = "修改后的标题"
    article.save()

    article.refresh_from_db()
    assert article.published_at is None


def test_publishing_keeps_a_time_the_editor_set():
    publish_at = timezone.now() + DAY
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=publish_at)

    article.status = Article.Status.PUBLISHED
    article.save()

    article.refresh_from_db()
    assert article.published_at == publish_at.replace(microsecond=0)
    assert article.is_scheduled


# -- Summaries -------------------------------------------------------------------------


def test_article_without_summary_shows_the_start_of_its_body_without_headings():
    article = ArticleFactory(
        summary="", body="<h2>活动概况</h2><p>全市妇联系统开展<strong>巾帼大宣讲</strong>活动。</p>"
    )

    assert article.excerpt == "全市妇联系统开展巾帼大宣讲活动。"


def test_automatic_summary_reads_as_sentences_across_paragraphs_and_list_items():
    """Issue 9, item 10: blocks were glued ("活动概况 3月20日…。 参观示范户12户 交流…")."""
    article = ArticleFactory(
        summary="",
        body="<h2>活动概况</h2><p>3月20日，市妇联组织观摩活动</p>"
        "<h3>主要内容</h3><ul><li>参观示范户12户</li><li>交流创建经验</li></ul>"
        "<p>活动安排如下：</p><ol><li>上午观摩；</li><li>下午座谈。</li></ol>",
    )

    assert article.excerpt == (
        "3月20日，市妇联组织观摩活动。参观示范户12户。交流创建经验。"
        "活动安排如下：上午观摩；下午座谈。"
    )


def test_publish_times_are_stored_in_whole_seconds_whoever_sets_them():
    """Issue 9, item 15: a publish time with microseconds made <time datetime> invalid."""
    scheduled = ArticleFactory(status=Article.Status.PUBLISHED, published_at=timezone.now() + DAY)
    stamped = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    stamped.status = Article.Status.PUBLISHED
    stamped.save(update_fields=["status"])

    for article in (scheduled, stamped):
        article.refresh_from_db()
        assert article.published_at.microsecond == 0


def test_derived_summary_is_cut_to_120_characters_without_a_sentence_end():
    article = ArticleFactory(summary="", body="<p>" + "妇" * 300 + "</p>")

    assert len(article.excerpt) == SUMMARY_LENGTH == 120
    assert article.excerpt == "妇" * 119 + "…"


def test_derived_summary_stops_at_the_end_of_a_sentence_when_there_is_one():
    first_sentence = "市妇联召开全市妇联系统工作会议" + "，部署全年工作" * 10 + "。"
    body = f"<p>{first_sentence}会议指出" + "要继续做好各项工作" * 20 + "</p>"
    assert 60 <= len(first_sentence) <= 120

    article = ArticleFactory(summary="", body=body)

    assert article.excerpt == first_sentence


def test_short_body_is_the_whole_summary():
    article = ArticleFactory(summary="", body="<p>简短通知。</p>")

    assert article.excerpt == "简短通知。"


def test_html_never_leaks_into_the_derived_summary():
    body = (
        '<p class="MsoNormal" style="color:red"><a href="https://example.com/">链接</a>'
        '<img src="/media/a.png" alt="图片说明"><script>alert("x")</script>'
        "妇女&amp;儿童" + "发展纲要" * 40 + "</p>"
    )

    article = ArticleFactory(summary="", body=body)

    assert article.excerpt.startswith("链接妇女&儿童发展纲要")
    for fragment in ("<", ">", "&amp;", "alert", "href", "MsoNormal", "图片说明"):
        assert fragment not in article.excerpt


def test_cut_never_splits_an_html_entity():
    """The cut is made on the text, so '&amp;' cannot be left half-written as '&am'."""
    article = ArticleFactory(summary="", body="<p>" + "字" * 117 + "&amp;" * 10 + "</p>")

    assert "&am" not in article.excerpt
    assert article.excerpt == "字" * 117 + "&&…"


def test_written_summary_wins_over_the_body():
    article = ArticleFactory(summary="编辑撰写的摘要。", body="<p>正文开头的文字。</p>")

    assert article.excerpt == "编辑撰写的摘要。"


def test_clearing_the_summary_goes_back_to_the_body():
    article = ArticleFactory(summary="编辑撰写的摘要。", body="<p>正文开头的文字。</p>")

    article.summary = ""
    article.save()

    article.refresh_from_db()
    assert article.excerpt == "正文开头的文字。"


def test_editing_the_body_updates_the_derived_summary():
    article = ArticleFactory(summary="", body="<p>旧的正文。</p>")

    article.body = "<p>新的正文。</p>"
    article.save()

    article.refresh_from_db()
    assert article.excerpt == "新的正文。"
    assert article.body_text == "新的正文。"


# -- Permalinks ------------------------------------------------------------------------


def test_permalink_survives_a_new_title_and_column(client):
    article = ArticleFactory(title="旧标题")
    url = article.get_absolute_url()

    article.title = "新标题"
    article.column = ColumnFactory(name="通知公告", slug="tzgg")
    article.save()

    assert article.get_absolute_url() == url
    response = client.get(url)
    assert response.status_code == 200
    assert "新标题" in response.content.decode()


# -- Reading counts --------------------------------------------------------------------


def test_two_readers_at_once_are_both_counted():
    """Each reader holds a copy loaded before the other counted; neither overwrites."""
    article = ArticleFactory()
    first_reader = Article.objects.get(pk=article.pk)
    second_reader = Article.objects.get(pk=article.pk)

    first_reader.register_view()
    second_reader.register_view()

    article.refresh_from_db()
    assert article.view_count == 2
    assert second_reader.view_count == 1  # the page shows its own copy's count


def test_reading_the_page_counts_one_view(client):
    """A reading is the page and the counting image it loads (news.views.article_reading)."""
    article = ArticleFactory()

    for _ in range(2):
        client.get(article.get_absolute_url())
        client.get(f"/articles/{article.pk}/view/")

    article.refresh_from_db()
    assert article.view_count == 2


# -- Previous and next -----------------------------------------------------------------


def test_previous_and_next_stay_in_the_column_and_skip_what_is_not_public():
    column, other_column = ColumnFactory(), ColumnFactory()
    older = ArticleFactory(column=column, published_at=ago(4 * DAY))
    ArticleFactory(column=column, status=Article.Status.DRAFT, published_at=ago(3 * DAY))
    ArticleFactory(column=column, status=Article.Status.WITHDRAWN, published_at=ago(3 * DAY))
    ArticleFactory(column=other_column, published_at=ago(3 * DAY))
    current = ArticleFactory(column=column, published_at=ago(2 * DAY))
    ArticleFactory(column=other_column, published_at=ago(1.5 * DAY))
    newer = ArticleFactory(column=column, published_at=ago(1 * DAY))
    ArticleFactory(column=column, published_at=timezone.now() + DAY)  # scheduled

    previous, following = current.neighbours()

    assert (previous.pk, following.pk) == (older.pk, newer.pk)
    assert older.neighbours()[0] is None
    assert newer.neighbours()[1] is None  # the scheduled one is not shown yet


def test_articles_published_at_the_same_moment_still_link_to_each_other():
    """An import stamps a batch with one time; none of them may be skipped."""
    column = ColumnFactory()
    moment = ago(DAY)
    first, second, third = (ArticleFactory(column=column, published_at=moment) for _ in range(3))

    assert first.neighbours()[1].pk == second.pk
    assert second.neighbours()[0].pk == first.pk
    assert second.neighbours()[1].pk == third.pk
    assert third.neighbours()[0].pk == second.pk


# -- Pinned articles -------------------------------------------------------------------


def test_pinned_articles_come_first_then_newest_first():
    column = ColumnFactory()
    old_pinned = ArticleFactory(column=column, is_pinned=True, published_at=ago(30 * DAY))
    new_pinned = ArticleFactory(column=column, is_pinned=True, published_at=ago(20 * DAY))
    older = ArticleFactory(column=column, published_at=ago(2 * DAY))
    newest = ArticleFactory(column=column, published_at=ago(1 * DAY))

    ordered = Article.objects.live().in_column(column).pinned_first()

    assert list(ordered) == [new_pinned, old_pinned, newest, older]


# -- Control characters never reach stored text (issue 9, item 9) ---------------------


def test_control_characters_are_cleaned_from_every_text_field_on_save():
    column = ColumnFactory(name="部门\x07动态")
    article = ArticleFactory(
        column=column,
        title="巾帼大宣讲\x0b第二场",  # Word's manual line break
        body="<p>全市\x1b[31m妇联\x00系统\x7f开展\x85活动\r\n。</p>",
        source="市妇联\x07",
        summary="摘要\x08\u2028第二行\ufffe",
        status=Article.Status.PUBLISHED,
        published_at=ago(DAY),
    )

    article.refresh_from_db()
    column.refresh_from_db()
    assert column.name == "部门动态"
    assert article.title == "巾帼大宣讲\n第二场"
    assert article.source == "市妇联"
    assert article.summary == "摘要\n第二行"
    assert article.body == "<p>全市[31m妇联系统开展\n活动\n。</p>"
    assert "\x1b" not in article.body_text and "\x1b" not in article.excerpt


def test_control_characters_are_cleaned_in_the_statistics_tables_too():
    from stats.models import IndicatorGroup

    group = IndicatorGroup.objects.create(name="妇女\x07就业")

    group.refresh_from_db()
    assert group.name == "妇女就业"


def test_every_feed_answers_and_parses_even_with_control_characters_stored(client):
    import feedparser

    column = ColumnFactory(slug="bmdt")
    article = ArticleFactory(
        column=column,
        status=Article.Status.PUBLISHED,
        published_at=ago(DAY),
        title="标题",
        body="<p>正文</p>",
        source="市妇联",
    )
    # A row written before the cleaning existed (or by raw SQL): the feed must still answer.
    Article.objects.filter(pk=article.pk).update(
        title="巾帼\x0b宣讲", body="<p>正\x1b文</p>", source="市妇联\x07", excerpt="摘\x08要"
    )
    Column.objects.filter(pk=column.pk).update(name="部门\x07动态")

    for url in ("/feed/", "/feed/atom/", "/news/bmdt/feed/", "/news/bmdt/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200, url
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, (url, parsed.bozo_exception)
        assert parsed.entries[0].title in {"巾帼宣讲", "巾帼\n宣讲"}


# -- Derived columns follow their sources, and only them (issue 10, item 3) -------------

# A body as older code stored it: today's cleaner drops the style.
OLD_BODY = '<p style="color:red">旧规则下保存的正文</p>'


def make_stale(*articles):
    """Store derived columns that no save would compute from the articles' sources,
    as rows written by older code: a save that recomputes one shows."""
    old_index = backend_for("default").index_value("陈旧索引")
    Article.objects.filter(pk__in=[article.pk for article in articles]).update(
        body=OLD_BODY,
        body_text="陈旧的纯文本",
        excerpt="陈旧的摘要",
        search_index=old_index,
        title_index=old_index,
    )


def matches(pk, words, field="search_index"):
    return Article.objects.filter(pk=pk, **{f"{field}__matches": parse_query(words)}).exists()


def assert_still_stale(pk):
    row = Article.objects.get(pk=pk)
    assert (row.body, row.body_text, row.excerpt) == (OLD_BODY, "陈旧的纯文本", "陈旧的摘要")
    assert matches(pk, "陈旧索引") and matches(pk, "陈旧索引", "title_index")


def test_a_save_that_changes_no_source_reads_no_deferred_column(django_assert_num_queries):
    """Pinning articles loaded as a list loads (bodies deferred) writes the pin and
    nothing else: no body is read, cleaned or tokenized again."""
    articles = ArticleFactory.create_batch(3)
    make_stale(*articles)
    listed = list(Article.objects.for_listing())

    # An UPDATE each, nothing of the body read; and for the lists' positions (the pin
    # moves the article in its column's order, news.positions): the lock, the row as
    # stored, the new place.
    with django_assert_num_queries(3 * 4):
        for article in listed:
            article.skip_history_when_saving = True  # the history version: see the next test
            article.is_pinned = True
            article.save(update_fields=["is_pinned", "version", "updated_at"])

    for article in listed:
        assert {"body", "body_text", "search_index"} <= article.get_deferred_fields()
        assert_still_stale(article.pk)


def test_pinning_three_articles_from_the_change_list_costs_a_fixed_few_queries(
    django_assert_num_queries,
):
    """The change list defers the bodies (ArticleAdmin.get_queryset); its actions read
    what a history version records in the one query that lists the articles
    (for_saving), so no article costs a query of its own, and no body is cleaned."""
    articles = ArticleFactory.create_batch(3)
    make_stale(*articles)
    change_list = Article.objects.defer("body", "body_text")

    # The articles, then per article its UPDATE and its history version, and the
    # positions' lock, stored row and new place (news.positions).
    with django_assert_num_queries(1 + 3 * 5):
        for article in change_list.for_saving():
            article.is_pinned = True
            article.save(update_fields=["is_pinned", "version", "updated_at"])

    assert Article.objects.filter(is_pinned=True).count() == 3
    for article in articles:
        assert_still_stale(article.pk)
        assert Article.history.filter(id=article.pk).latest().body == OLD_BODY


def test_saving_only_the_pin_leaves_every_derived_column_as_stored(django_assert_num_queries):
    article = ArticleFactory()
    make_stale(article)
    article = Article.objects.get(pk=article.pk)
    article.is_pinned = True

    # The UPDATE and the history version; the positions' lock, row and new place.
    with django_assert_num_queries(5):
        article.save(update_fields=["is_pinned"])

    assert_still_stale(article.pk)


def test_a_full_save_that_changes_no_source_recomputes_nothing():
    """The admin's form saves every field: an unchanged body is not cleaned and
    tokenized again."""
    article = ArticleFactory()
    make_stale(article)
    article = Article.objects.get(pk=article.pk)

    article.editor = "李编辑"
    article.save()

    assert Article.objects.get(pk=article.pk).editor == "李编辑"
    assert_still_stale(article.pk)


def test_a_full_save_with_a_new_body_recomputes_everything_derived_from_it():
    article = ArticleFactory(title="春季简报", summary="")
    make_stale(article)
    article = Article.objects.get(pk=article.pk)

    article.body = '<p style="color:red">本周举办家政培训。</p>'
    article.save()

    row = Article.objects.get(pk=article.pk)
    assert row.body == "<p>本周举办家政培训。</p>"
    assert row.body_text == row.excerpt == "本周举办家政培训。"
    assert matches(row.pk, "家政培训") and not matches(row.pk, "陈旧索引")
    assert matches(row.pk, "春季简报", "title_index")


def test_publishing_from_the_list_cleans_the_body_by_todays_rules_reading_it_once(
    django_assert_num_queries,
):
    """Publishing cleans the body as the rules are now (issue 9, item 18), also from
    a list that left the body in the database: it is read on purpose, in one query,
    however many columns derive from it."""
    article = ArticleFactory(status=Article.Status.REVIEW, published_at=None, summary="")
    make_stale(article)
    listed = Article.objects.for_listing().get(pk=article.pk)
    listed.status = Article.Status.PUBLISHED

    # The body, the UPDATE, the history version; and entering the lists (news.positions):
    # the lock, the row, per order the predecessor and the shift of those above, the
    # article's own positions.
    with django_assert_num_queries(10):
        listed.save(update_fields=["status"])

    row = Article.objects.get(pk=article.pk)
    assert row.body == "<p>旧规则下保存的正文</p>"
    assert (row.body_text, row.excerpt) == ("旧规则下保存的正文", "旧规则下保存的正文。")
    assert matches(row.pk, "正文") and not matches(row.pk, "陈旧索引")
    assert row.is_live()


@pytest.mark.parametrize("loaded", ["whole", "as-listed"])
@pytest.mark.parametrize("save", ["full", "update_fields"])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("title", "新标题讲到家政培训", id="title"),
        pytest.param("summary", "新摘要讲到家政培训", id="summary"),
        pytest.param("body", "<p>新正文讲到家政培训。</p>", id="body"),
    ],
)
def test_derived_columns_follow_their_sources_after_every_kind_of_save(field, value, save, loaded):
    article = ArticleFactory(title="旧标题", summary="", body="<p>旧正文。</p>")
    articles = Article.objects.for_listing() if loaded == "as-listed" else Article.objects
    article = articles.get(pk=article.pk)

    setattr(article, field, value)
    article.save(**({"update_fields": [field]} if save == "update_fields" else {}))

    row = Article.objects.get(pk=article.pk)
    body_text = "新正文讲到家政培训。" if field == "body" else "旧正文。"
    assert row.body_text == body_text
    assert row.excerpt == (row.summary or body_text)
    assert matches(row.pk, "家政培训")
    assert matches(row.pk, "家政培训", "title_index") is (field == "title")
    assert matches(row.pk, "旧标题") is (field != "title")
    assert matches(row.pk, "旧正文") is (field != "body")
