"""Two colleagues editing the same article (the optimistic lock in news.admin): the
second save, based on a version that is no longer current, is refused with a
message naming who changed it and when, and the refused text stays in the form."""

import re

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

Status = Article.Status


def staff(django_user_model, username, role):
    user = django_user_model.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def zhang(django_user_model):
    return logged_in(staff(django_user_model, "zhangmin", "编辑"))


@pytest.fixture
def li(django_user_model):
    return logged_in(staff(django_user_model, "lihua", "编辑"))


@pytest.fixture
def as_reviewer(django_user_model):
    return logged_in(staff(django_user_model, "shenhe", "审核"))


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def open_form(client, article):
    """Open the change page and read the version it was opened at, as the browser keeps it."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    match = re.search(r'<input type="hidden" name="edit_version" value="(\d+)"', page(response))
    return int(match.group(1))


def change_form(article, opened_at, **typed):
    """What the browser posts from the article's change form, with `typed` entered."""
    published_at = timezone.localtime(article.published_at) if article.published_at else None
    data = {
        "title": article.title,
        "column": article.column_id,
        "body": article.body,
        "published_at_0": f"{published_at:%Y-%m-%d}" if published_at else "",
        "published_at_1": f"{published_at:%H:%M:%S}" if published_at else "",
        "source": article.source,
        "author": article.author,
        "editor": article.editor,
        "summary": article.summary,
        "edit_version": opened_at,
        "attachments-TOTAL_FORMS": 0,
        "attachments-INITIAL_FORMS": 0,
        "attachments-MIN_NUM_FORMS": 0,
        "attachments-MAX_NUM_FORMS": 1000,
        "_continue": "1",
    }
    if article.is_pinned:
        data["is_pinned"] = "on"
    data.update(typed)
    return data


def page(response):
    return response.content.decode()


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
        change_form(draft, zhang_opened, body="<p>活动覆盖全市15个区县。</p>"),
    )
    assert first.status_code == 302
    draft.refresh_from_db()
    saved_at = timezone.localtime(draft.updated_at).strftime("%Y-%m-%d %H:%M:%S")

    second = li.post(
        change_url(draft),
        change_form(
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

    response = zhang.post(change_url(draft), change_form(draft, opened, title="新标题"))

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
        change_form(draft, reviewer_opened, _send_back="1", review_note="请核实区县数量。"),
    )

    response = zhang.post(change_url(draft), change_form(draft, zhang_opened, title="改过的标题"))

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

    zhang.post(change_url(published), change_form(published, zhang_opened, title="张敏改的标题"))
    second = li.post(change_url(published), change_form(published, li_opened, title="李华改的标题"))

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

    colleague.post(change_url(article), change_form(article, opened, title="改过的标题"))

    article.refresh_from_db()
    assert article.is_pinned
