"""Every saved version of an article (django-simple-history): who saved it and when,
a readable diff of title and body on the history page, and restoring an old version
as a new one without rewriting the record."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news.models import Article
from news.workflow import article_approve, article_submit
from tests.factories import ArticleFactory
from tests.helpers import change_form, logged_in, page, staff

pytestmark = pytest.mark.django_db

Status = Article.Status


def save_in_admin(client, article, **typed):
    article.refresh_from_db()
    return client.post(
        reverse("admin:news_article_change", args=[article.pk]),
        change_form(article, _continue="1", **typed),
    )


def history_page(client, article):
    return client.get(reverse("admin:news_article_history", args=[article.pk]))


def revert_url(record):
    return reverse("admin:news_article_simple_history", args=[record.id, record.history_id])


def restore(client, record):
    """Open an old version's page and press 还原, as the browser submits that form."""
    form = client.get(revert_url(record)).context["adminform"].form
    return client.post(
        revert_url(record),
        change_form(record.instance, edit_version=form["edit_version"].value(), _save="还原"),
    )


def snapshot(article):
    """Every stored version, as it stands: to show that none is rewritten."""
    return list(
        article.history.order_by("history_id").values_list(
            "history_id", "history_date", "history_user", "title", "body", "status"
        )
    )


# -- Every save keeps a version --------------------------------------------------------


def test_every_save_keeps_a_version_with_who_and_when(as_editor, editor, reviewer, column):
    before = timezone.now()
    as_editor.post(
        reverse("admin:news_article_add"),
        change_form(Article(column=column, title="初稿", body="<p>初稿。</p>"), _submit="1"),
    )
    article = Article.objects.get()
    # Changing it in review takes it out of the queue (a version of its own).
    save_in_admin(as_editor, article, title="二稿")
    article.refresh_from_db()
    article_approve(article=article, by=reviewer)

    versions = list(article.history.order_by("history_date", "history_id"))

    assert [(v.title, v.status, v.history_user) for v in versions] == [
        ("初稿", Status.DRAFT, editor),
        ("初稿", Status.REVIEW, editor),
        ("初稿", Status.DRAFT, editor),
        ("二稿", Status.DRAFT, editor),
        ("二稿", Status.PUBLISHED, reviewer),
    ]
    assert all(before <= v.history_date <= timezone.now() for v in versions)


def test_history_page_shows_the_changed_characters_and_who_changed_them(
    as_editor, as_reviewer, editor, column
):
    article = ArticleFactory(
        column=column,
        status=Status.DRAFT,
        published_at=None,
        title="巾帼大宣讲活动",
        body="<p>全市妇联系统开展巾帼大宣讲535场次，参与8万余人次。</p>",
    )

    save_in_admin(
        as_editor,
        article,
        title="巾帼大宣讲活动圆满结束",
        body="<p>全市妇联系统开展巾帼大宣讲600场次，参与8万余人次。</p>",
    )
    response = history_page(as_reviewer, article)

    content = page(response)
    assert "<del>535</del><ins>600</ins>" in content
    assert "巾帼大宣讲活动<ins>圆满结束</ins>" in content
    assert "修改人" in content
    assert f"<td>{editor.username}</td>" in content
    # The diff is of the text the reader sees, not of the markup around it.
    assert "&lt;p&gt;" not in content


def test_history_diff_escapes_what_the_title_contains(as_reviewer, column):
    article = ArticleFactory(column=column, title="关于<b>评选</b>的通知")
    article.title = "关于<b>评选结果</b>的通知"
    article.save()

    content = page(history_page(as_reviewer, article))

    assert "<ins>结果</ins>" in content
    assert "&lt;b&gt;评选" in content
    assert "<b>评选" not in content


# -- Restoring an old version ----------------------------------------------------------


def test_restoring_an_old_version_saves_it_as_a_new_one(as_reviewer, reviewer, column):
    article = ArticleFactory(column=column, title="表彰大会召开", body="<p>表彰先进集体535个。</p>")
    save_in_admin(as_reviewer, article, title="表彰大会隆重召开", body="<p>表彰先进集体600个。</p>")
    first = article.history.earliest("history_date")
    before = snapshot(article)

    response = restore(as_reviewer, first)

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("表彰大会召开", "<p>表彰先进集体535个。</p>")
    assert "表彰先进集体535个" in page(Client().get(article.get_absolute_url()))
    after = snapshot(article)
    assert after[: len(before)] == before
    assert len(after) == len(before) + 1
    newest = article.history.latest("history_date")
    assert (newest.title, newest.history_user) == ("表彰大会召开", reviewer)


def test_restoring_a_version_from_before_publication_keeps_the_article_published(
    as_editor, as_reviewer, editor, reviewer, column
):
    """Restoring brings back the old text; taking the article off the site is a
    withdrawal, which goes through the review rule and its audit trail."""
    as_editor.post(
        reverse("admin:news_article_add"),
        change_form(Article(column=column, title="初稿标题", body="<p>初稿。</p>"), _submit="1"),
    )
    article = Article.objects.get()
    article_approve(article=article, by=reviewer)
    save_in_admin(as_reviewer, article, title="发布后改的标题")
    article.refresh_from_db()
    published_at = article.published_at
    first_draft = article.history.earliest("history_date")

    restore(as_reviewer, first_draft)

    article.refresh_from_db()
    assert article.title == "初稿标题"
    assert article.status == Status.PUBLISHED
    assert article.published_at == published_at
    assert "初稿标题" in page(Client().get(article.get_absolute_url()))


def test_editor_posting_a_restore_is_refused_and_a_reviewer_still_can_restore(
    as_editor, as_reviewer, column
):
    """Hiding the 还原 button from editors is not enough: the form itself refuses them."""
    article = ArticleFactory(column=column, title="第一版", body="<p>表彰先进集体535个。</p>")
    save_in_admin(as_reviewer, article, title="第二版", body="<p>表彰先进集体600个。</p>")
    first = article.history.earliest("history_date")
    article.refresh_from_db()
    version, before = article.version, snapshot(article)

    response = as_editor.post(
        revert_url(first),
        change_form(first.instance, edit_version=article.version, _save="还原"),
    )

    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.title, article.version) == ("第二版", version)
    assert snapshot(article) == before
    assert "表彰先进集体600个" in page(Client().get(article.get_absolute_url()))

    assert restore(as_reviewer, first).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("第一版", "<p>表彰先进集体535个。</p>")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restoring_works_when_requests_are_not_wrapped_in_the_tests_transaction(
    django_user_model, column
):
    """In production each request runs in autocommit mode. The other tests run inside
    a transaction, which would hide a restore that needs one (PostgreSQL refuses
    SELECT ... FOR UPDATE outside a transaction; SQLite has no such lock)."""
    client = logged_in(staff(django_user_model, "shenhe", "审核"))
    article = ArticleFactory(column=column, title="第一版")
    save_in_admin(client, article, title="第二版")
    first = article.history.earliest("history_date")

    response = restore(client, first)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "第一版"


def test_submit_and_approve_are_versions_too(editor, reviewer, column):
    article = ArticleFactory(column=column, status=Status.DRAFT, published_at=None)
    count = article.history.count()

    article_submit(article=article, by=editor)
    article_approve(article=article, by=reviewer)

    assert article.history.count() == count + 2
    assert article.history.latest("history_date").history_user == reviewer


# -- The history page speaks Chinese (issue 9) ------------------------------------------


def test_history_shows_states_times_and_empty_values_as_staff_read_them(
    as_reviewer, reviewer, editor, column
):
    draft = ArticleFactory(column=column, status=Status.DRAFT, published_at=None, created_by=editor)
    article_submit(article=draft, by=editor)
    draft.refresh_from_db()
    save_in_admin(as_reviewer, draft, published_at_0="2026-12-02", published_at_1="08:21:57")
    draft.refresh_from_db()
    article_approve(article=draft, by=reviewer)

    content = page(history_page(as_reviewer, draft))
    changes = content.split('id="change-history"')[1].split("</table>")[0]

    assert "状态</strong>：草稿 → 待审核" in content
    assert "状态</strong>：待审核 → 已发布" in content
    assert "发布时间</strong>：（空） → 2026年12月2日 08:21:57" in content
    for raw in ("review", "published", "None", "+00:00", "UTC"):
        assert raw not in changes


@pytest.mark.parametrize(
    "address",
    [
        "/admin/news/article/abc/history/",
        "/admin/news/article/1abc/history/",
        "/admin/news/article/abc/history/1/",
        "/admin/news/article/{pk}/history/abc/",
        "/admin/news/article/{pk}/history/1%20OR%201=1/",
    ],
)
def test_junk_ids_in_history_addresses_are_pages_that_do_not_exist(as_reviewer, column, address):
    article = ArticleFactory(column=column)

    response = as_reviewer.get(address.format(pk=article.pk))

    assert response.status_code == 404
