"""Two colleagues editing the same article (the optimistic lock of
news.workflow.check_edit): the second save, based on a version that is no longer
current, is refused with a message naming who changed it and when, and the refused
text stays in the form."""

import re

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory
from tests.helpers import change_form, logged_in, page, staff

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def zhang(django_user_model):
    return logged_in(staff(django_user_model, "zhangmin", "编辑"))


@pytest.fixture
def li(django_user_model):
    return logged_in(staff(django_user_model, "lihua", "编辑"))


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def open_form(client, article):
    """Open the change page and read the version it was opened at, as the browser keeps it."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    match = re.search(r'<input type="hidden" name="edit_version" value="(\d+)"', page(response))
    return int(match.group(1))


def form_opened_at(article, opened_at, **typed):
    """The change form as posted from a page opened at version `opened_at`, with 保存并继续编辑."""
    return change_form(article, edit_version=opened_at, _continue="1", **typed)


@pytest.fixture
def draft(column):
    return ArticleFactory(
        column=column,
        status=Status.DRAFT,
        published_at=None,
        title="市妇联开展家庭教育宣传周活动",
        body="<p>活动覆盖全市12个区县。</p>",
    )


def test_second_save_of_the_same_version_is_refused_and_keeps_the_typed_text(zhang, li, draft):
    zhang_opened = open_form(zhang, draft)
    li_opened = open_form(li, draft)

    first = zhang.post(
        change_url(draft),
        form_opened_at(draft, zhang_opened, body="<p>活动覆盖全市15个区县。</p>"),
    )
    assert first.status_code == 302
    draft.refresh_from_db()
    saved_at = timezone.localtime(draft.updated_at).strftime("%Y-%m-%d %H:%M:%S")

    second = li.post(
        change_url(draft),
        form_opened_at(
            draft, li_opened, title="家庭教育宣传周活动启动", body="<p>李华补充的第二段。</p>"
        ),
    )

    assert second.status_code == 200
    content = page(second)
    assert f"保存被拒绝：zhangmin 在 {saved_at} 修改了这篇文章" in content
    assert "您的修改没有丢失" in content
    form = second.context["adminform"].form
    assert form["title"].value() == "家庭教育宣传周活动启动"
    assert form["body"].value() == "<p>李华补充的第二段。</p>"
    assert 'value="家庭教育宣传周活动启动"' in content
    assert "李华补充的第二段。" in content
    draft.refresh_from_db()
    assert draft.title == "市妇联开展家庭教育宣传周活动"
    assert draft.body == "<p>活动覆盖全市15个区县。</p>"


def test_save_with_the_current_version_succeeds_and_moves_the_version_on(zhang, draft):
    opened = open_form(zhang, draft)

    response = zhang.post(change_url(draft), form_opened_at(draft, opened, title="新标题"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "新标题"
    assert draft.version == opened + 1
    assert open_form(zhang, draft) == opened + 1


def test_a_review_decision_made_meanwhile_also_refuses_the_older_form(zhang, as_reviewer, draft):
    draft.status = Status.REVIEW
    draft.save()
    zhang_opened = open_form(zhang, draft)
    reviewer_opened = open_form(as_reviewer, draft)
    as_reviewer.post(
        change_url(draft),
        form_opened_at(draft, reviewer_opened, _send_back="1", review_note="请核实区县数量。"),
    )

    response = zhang.post(
        change_url(draft), form_opened_at(draft, zhang_opened, title="改过的标题")
    )

    assert response.status_code == 200
    assert "保存被拒绝：shenhe 在 " in page(response)
    draft.refresh_from_db()
    assert (draft.status, draft.title) == (Status.DRAFT, "市妇联开展家庭教育宣传周活动")


def test_second_editor_of_a_published_article_does_not_overwrite_the_first_ones_change(
    zhang, li, column
):
    """An editor's edit of a published article is kept as a 修改稿; a colleague who
    opened the article before it was written must not silently replace it."""
    published = ArticleFactory(column=column, title="原标题")
    zhang_opened = open_form(zhang, published)
    li_opened = open_form(li, published)

    zhang.post(change_url(published), form_opened_at(published, zhang_opened, title="张敏改的标题"))
    second = li.post(
        change_url(published), form_opened_at(published, li_opened, title="李华改的标题")
    )

    change = published.pending_changes.get()
    assert change.title == "张敏改的标题"
    assert second.status_code == 200
    assert "保存被拒绝：zhangmin 在 " in page(second)


def test_pinning_from_the_list_is_not_undone_by_a_form_opened_before(
    as_reviewer, django_user_model, column
):
    """Pinning from the list is a colleague's change like any other."""
    article = ArticleFactory(column=column, title="置顶前打开的文章")
    colleague = logged_in(staff(django_user_model, "shenhe2", "审核"))
    opened = open_form(colleague, article)
    as_reviewer.post(
        reverse("admin:news_article_changelist"),
        {"action": "pin", helpers.ACTION_CHECKBOX_NAME: [article.pk], "index": 0},
    )

    colleague.post(change_url(article), form_opened_at(article, opened, title="改过的标题"))

    article.refresh_from_db()
    assert article.is_pinned
