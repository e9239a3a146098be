"""What each role may do in the admin (news/migrations/0003_roles.py): 编辑 writes and
submits, 审核 reviews and publishes, a superuser does everything. Every refusal is
checked by what it leaves unchanged, on the public site and in the database."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from news.models import Article, Attachment, ReviewEvent
from news.workflow import article_send_back, article_submit
from tests.factories import ArticleFactory
from tests.helpers import (
    change_form,
    draft_by,
    logged_in,
    messages_of,
    page,
    press,
    run_action,
    staff,
)

pytestmark = pytest.mark.django_db

Status = Article.Status
CHANGELIST = "admin:news_article_changelist"


@pytest.fixture(params=["reviewer", "superuser"])
def as_publisher(request):
    """Someone allowed to publish: a reviewer, and a superuser, who may do everything."""
    return logged_in(request.getfixturevalue(request.param))


def offered_actions(client):
    response = client.get(reverse(CHANGELIST))
    return {name for name, _label in response.context["action_form"].fields["action"].choices}


def buttons_on_change_page(client, article):
    response = client.get(reverse("admin:news_article_change", args=[article.pk]))
    return {
        name
        for name in ("_submit", "_approve", "_send_back", "_withdraw")
        if name in page(response)
    }


def pdf(name="名单.pdf"):
    return ContentFile(b"%PDF-1.4 minimal", name=name)


# -- An editor -------------------------------------------------------------------------


def test_editor_adds_edits_and_submits_a_draft(as_editor, editor, column):
    response = as_editor.post(
        reverse("admin:news_article_add"),
        change_form(Article(column=column, title="初稿标题", body="<p>初稿。</p>"), _continue="1"),
    )
    assert response.status_code == 302
    draft = Article.objects.get()
    assert (draft.status, draft.created_by) == (Status.DRAFT, editor)

    press(as_editor, draft, "_continue", title="修改后的标题")
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("修改后的标题", Status.DRAFT)

    press(as_editor, draft, "_submit")
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW


def test_editor_sees_no_publish_buttons(as_editor, editor, column):
    assert buttons_on_change_page(as_editor, draft_by(editor, column)) == {"_submit"}
    assert buttons_on_change_page(as_editor, ArticleFactory(column=column)) == set()


def test_editor_pressing_approve_is_refused_with_a_message(as_editor, editor, column):
    draft = draft_by(editor, column)
    article_submit(article=draft, by=editor)

    response = press(as_editor, draft, "_approve")

    assert "只有审核人员可以发布文章。" in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_editor_is_not_offered_publish_withdraw_pin_or_delete_on_the_list(as_editor):
    assert offered_actions(as_editor) == {"", "submit_selected"}


@pytest.mark.parametrize("action", ["publish", "pin", "withdraw", "delete_selected"])
def test_editor_posting_a_reviewers_action_anyway_changes_nothing(
    as_editor, editor, column, action
):
    draft = draft_by(editor, column)
    published = ArticleFactory(column=column)

    response = run_action(as_editor, action, [draft, published])

    assert "未选择操作。" in messages_of(response)
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, draft.is_pinned) == (Status.DRAFT, False)
    assert (published.status, published.is_pinned) == (Status.PUBLISHED, False)


def test_editor_cannot_delete_an_article(as_editor, editor, column):
    draft = draft_by(editor, column)
    delete_url = reverse("admin:news_article_delete", args=[draft.pk])

    assert as_editor.get(delete_url).status_code == 403
    assert as_editor.post(delete_url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=draft.pk).exists()


def test_editor_cannot_read_the_audit_trail(as_editor, editor, column):
    draft = draft_by(editor, column)
    article_submit(article=draft, by=editor)
    event = ReviewEvent.objects.get()

    assert as_editor.get(reverse("admin:news_reviewevent_changelist")).status_code == 403
    assert (
        as_editor.get(reverse("admin:news_reviewevent_change", args=[event.pk])).status_code == 403
    )


def test_editor_cannot_restore_an_old_version(as_editor, column):
    article = ArticleFactory(column=column, title="第一版")
    article.title = "第二版"
    article.save()
    first = article.history.earliest("history_date")

    history = as_editor.get(reverse("admin:news_article_history", args=[article.pk]))
    version = as_editor.get(
        reverse("admin:news_article_simple_history", args=[article.pk, first.history_id])
    )

    assert history.context["revert_disabled"]
    assert version.context["revert_disabled"]
    assert 'name="_save"' not in page(version)
    assert "还原" not in page(version)


def test_editor_posting_a_restore_anyway_leaves_the_public_page_as_it_is(as_editor, column):
    article = ArticleFactory(column=column, title="第一版")
    article.title = "第二版"
    article.save()
    first = article.history.earliest("history_date")

    as_editor.post(
        reverse("admin:news_article_simple_history", args=[article.pk, first.history_id]),
        change_form(first.instance, edit_version=article.version, _save="1"),
    )

    article.refresh_from_db()
    assert article.title == "第二版"
    assert "第二版" in page(Client().get(article.get_absolute_url()))


def test_editor_editing_a_published_article_leaves_the_public_page_until_approved(
    as_editor, as_reviewer, column
):
    published = ArticleFactory(
        column=column, title="三八节表彰大会召开", body="<p>表彰先进集体535个。</p>"
    )
    address = published.get_absolute_url()

    response = press(
        as_editor,
        published,
        "_submit",
        title="三八节表彰大会隆重召开",
        body="<p>表彰先进集体600个。</p>",
        is_pinned="on",
    )

    assert "这篇文章已经发布，您的修改已另存为修改稿，审核通过后才会替换网站上的版本。" in (
        messages_of(response)
    )
    public = page(Client().get(address))
    assert "三八节表彰大会召开" in public
    # The body's own words: a bare "600" can be in a time the page carries.
    assert "表彰先进集体535个" in public
    assert "隆重" not in public
    assert "表彰先进集体600个" not in public
    published.refresh_from_db()
    assert (published.title, published.is_pinned) == ("三八节表彰大会召开", False)
    change = published.pending_changes.get()
    assert (change.title, change.status) == ("三八节表彰大会隆重召开", Status.REVIEW)

    press(as_reviewer, change, "_approve")

    public = page(Client().get(address))
    assert "三八节表彰大会隆重召开" in public
    assert "表彰先进集体600个" in public
    assert "表彰先进集体535个" not in public


def test_editor_may_attach_files_to_a_draft(as_editor, editor, column):
    response = as_editor.get(
        reverse("admin:news_article_change", args=[draft_by(editor, column).pk])
    )

    attachments = response.context["inline_admin_formsets"][0]
    assert attachments.has_add_permission
    assert attachments.has_delete_permission


def test_editor_is_not_offered_to_change_a_published_articles_attachments(
    as_editor, column, media_root
):
    published = ArticleFactory(column=column)
    Attachment.objects.create(article=published, file=pdf(), original_name="名单.pdf")

    response = as_editor.get(reverse("admin:news_article_change", args=[published.pk]))

    attachments = response.context["inline_admin_formsets"][0]
    assert not attachments.has_add_permission
    assert not attachments.has_change_permission
    assert not attachments.has_delete_permission
    assert attachments.has_view_permission


def test_editor_posting_attachment_changes_anyway_leaves_them_as_they_are(
    as_editor, column, media_root
):
    published = ArticleFactory(column=column)
    kept = Attachment.objects.create(article=published, file=pdf(), original_name="名单.pdf")

    press(
        as_editor,
        published,
        "_continue",
        **{
            "attachments-0-DELETE": "on",
            "attachments-TOTAL_FORMS": 2,
            "attachments-1-file": SimpleUploadedFile(
                "新增.pdf", b"%PDF-1.4 another", "application/pdf"
            ),
            "attachments-1-title": "新增附件",
            "attachments-1-order": 1,
        },
    )

    assert list(published.attachments.all()) == [kept]
    assert Client().get(kept.get_absolute_url()).status_code == 200


def test_editor_is_not_offered_to_change_a_submitted_articles_attachments(
    as_editor, editor, column, media_root
):
    """The files are part of what the reviewer is reviewing."""
    submitted = draft_by(editor, column)
    Attachment.objects.create(article=submitted, file=pdf(), original_name="名单.pdf")
    article_submit(article=submitted, by=editor)

    response = as_editor.get(reverse("admin:news_article_change", args=[submitted.pk]))

    attachments = response.context["inline_admin_formsets"][0]
    assert not attachments.has_add_permission
    assert not attachments.has_change_permission
    assert not attachments.has_delete_permission
    assert attachments.has_view_permission


def test_editor_posting_attachment_changes_to_a_submitted_article_changes_nothing(
    as_editor, editor, column, media_root
):
    submitted = draft_by(editor, column)
    kept = Attachment.objects.create(article=submitted, file=pdf(), original_name="名单.pdf")
    article_submit(article=submitted, by=editor)

    press(
        as_editor,
        submitted,
        "_continue",
        **{
            "attachments-0-DELETE": "on",
            "attachments-TOTAL_FORMS": 2,
            "attachments-1-file": SimpleUploadedFile(
                "新增.pdf", b"%PDF-1.4 another", "application/pdf"
            ),
            "attachments-1-title": "新增附件",
            "attachments-1-order": 1,
        },
    )

    assert list(submitted.attachments.all()) == [kept]
    submitted.refresh_from_db()
    assert submitted.status == Status.REVIEW


def test_editor_is_not_offered_the_pin_on_the_article_form(as_editor, editor, column):
    response = as_editor.get(
        reverse("admin:news_article_change", args=[draft_by(editor, column).pk])
    )

    assert "is_pinned" not in response.context["adminform"].form.fields
    assert 'name="is_pinned"' not in page(response)


def test_editor_posting_the_pin_anyway_changes_nothing(as_editor, editor, column):
    draft = draft_by(editor, column)

    press(as_editor, draft, "_continue", title="改过的标题", is_pinned="on")

    draft.refresh_from_db()
    assert (draft.title, draft.is_pinned) == ("改过的标题", False)


def test_editor_saving_a_pinned_article_leaves_it_pinned(as_editor, editor, column):
    """The pin is read-only for editors, so their browser posts no checkbox; that
    must not read as "unpinned"."""
    draft = draft_by(editor, column, is_pinned=True)
    data = change_form(draft, title="改过的标题", _continue="1")
    data.pop("is_pinned")

    as_editor.post(reverse("admin:news_article_change", args=[draft.pk]), data)

    draft.refresh_from_db()
    assert (draft.title, draft.is_pinned) == ("改过的标题", True)


# -- A reviewer (and a superuser) ------------------------------------------------------


def test_publisher_is_offered_every_action_on_the_list(as_publisher):
    assert {"submit_selected", "publish", "withdraw", "pin", "unpin", "delete_selected"} <= (
        offered_actions(as_publisher)
    )


def test_publisher_sees_the_buttons_each_state_allows(as_publisher, editor, column):
    draft = draft_by(editor, column)
    submitted = draft_by(editor, column)
    article_submit(article=submitted, by=editor)
    published = ArticleFactory(column=column)

    assert buttons_on_change_page(as_publisher, draft) == {"_submit", "_approve"}
    assert buttons_on_change_page(as_publisher, submitted) == {"_approve", "_send_back"}
    assert buttons_on_change_page(as_publisher, published) == {"_withdraw"}


def test_publisher_publishes_with_the_button(as_publisher, editor, column):
    draft = draft_by(editor, column)
    article_submit(article=draft, by=editor)

    press(as_publisher, draft, "_approve")

    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert Client().get(draft.get_absolute_url()).status_code == 200


def test_publisher_publishes_and_withdraws_from_the_list(as_publisher, editor, column):
    submitted = draft_by(editor, column)
    article_submit(article=submitted, by=editor)
    live = ArticleFactory(column=column)

    published_message = messages_of(run_action(as_publisher, "publish", [submitted]))
    withdrawn_message = messages_of(run_action(as_publisher, "withdraw", [live]))

    assert "已发布 1 篇文章。" in published_message
    assert "已撤回 1 篇文章。" in withdrawn_message
    submitted.refresh_from_db()
    live.refresh_from_db()
    assert (submitted.status, live.status) == (Status.PUBLISHED, Status.WITHDRAWN)


def test_publisher_sends_back_and_withdraws_with_the_buttons(as_publisher, editor, column):
    submitted = draft_by(editor, column)
    article_submit(article=submitted, by=editor)
    live = ArticleFactory(column=column)

    press(as_publisher, submitted, "_send_back", review_note="请补充图片说明。")
    press(as_publisher, live, "_withdraw")

    submitted.refresh_from_db()
    live.refresh_from_db()
    assert (submitted.status, submitted.review_comment) == (Status.DRAFT, "请补充图片说明。")
    assert live.status == Status.WITHDRAWN
    assert Client().get(live.get_absolute_url()).status_code == 404


def test_publisher_pins_from_the_list(as_publisher, column):
    pinned, other = ArticleFactory.create_batch(2, column=column)

    run_action(as_publisher, "pin", [pinned])

    pinned.refresh_from_db()
    other.refresh_from_db()
    assert (pinned.is_pinned, other.is_pinned) == (True, False)


def test_publisher_pins_with_the_article_form(as_publisher, column):
    article = ArticleFactory(column=column)

    press(as_publisher, article, "_continue", is_pinned="on")

    article.refresh_from_db()
    assert article.is_pinned


def test_publisher_deletes_an_article(as_publisher, column):
    article = ArticleFactory(column=column)

    response = as_publisher.post(
        reverse("admin:news_article_delete", args=[article.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_publisher_reads_the_audit_trail(as_publisher, reviewer, editor, column):
    draft = draft_by(editor, column, title="待审稿件")
    article_submit(article=draft, by=editor)
    article_send_back(article=draft, by=reviewer, comment="标题太长。")

    response = as_publisher.get(reverse("admin:news_reviewevent_changelist"))

    assert response.status_code == 200
    content = page(response)
    for text in ("待审稿件", "bianji", "shenhe", "提交审核", "退回修改", "标题太长。"):
        assert text in content


def test_audit_trail_cannot_be_edited_even_by_a_publisher(as_publisher, editor, column):
    draft = draft_by(editor, column)
    article_submit(article=draft, by=editor)
    event = ReviewEvent.objects.get()

    delete = as_publisher.post(
        reverse("admin:news_reviewevent_delete", args=[event.pk]), {"post": "yes"}
    )
    add = as_publisher.get(reverse("admin:news_reviewevent_add"))

    assert delete.status_code == 403
    assert add.status_code == 403
    assert ReviewEvent.objects.filter(pk=event.pk).exists()


def test_publisher_restores_an_old_version(as_publisher, column):
    article = ArticleFactory(column=column, title="第一版")
    article.title = "第二版"
    article.save()
    first = article.history.earliest("history_date")
    version_url = reverse("admin:news_article_simple_history", args=[article.pk, first.history_id])

    version = as_publisher.get(version_url)
    assert not version.context["revert_disabled"]
    assert 'value="还原"' in page(version)
    opened_at = version.context["adminform"].form["edit_version"].value()

    as_publisher.post(version_url, change_form(first.instance, edit_version=opened_at, _save="1"))

    article.refresh_from_db()
    assert article.title == "第一版"
    assert "第一版" in page(Client().get(article.get_absolute_url()))


# -- The queue: what waits for me ------------------------------------------------------


def queue(client, name):
    response = client.get(reverse(CHANGELIST), {"queue": name})
    return {article.title for article in response.context["cl"].result_list}


def test_reviewers_queue_lists_the_submitted_articles(as_reviewer, editor, column):
    submitted = draft_by(editor, column, title="已提交的稿件")
    article_submit(article=submitted, by=editor)
    draft_by(editor, column, title="还在写的草稿")
    ArticleFactory(column=column, title="已发布的文章")

    assert queue(as_reviewer, "review") == {"已提交的稿件"}


def test_editors_queue_lists_their_own_drafts_sent_back(
    as_editor, editor, reviewer, django_user_model, column
):
    colleague = staff(django_user_model, "tongshi", "编辑")
    mine = draft_by(editor, column, title="退回给我的稿件")
    theirs = draft_by(colleague, column, title="退回给同事的稿件")
    for article in (mine, theirs):
        article_submit(article=article, by=article.created_by)
        article_send_back(article=article, by=reviewer, comment="请修改。")
    draft_by(editor, column, title="我还在写的草稿")
    waiting = draft_by(editor, column, title="我已提交的稿件")
    article_submit(article=waiting, by=editor)

    assert queue(as_editor, "returned") == {"退回给我的稿件"}


def test_a_returned_draft_leaves_the_queue_once_resubmitted(as_editor, editor, reviewer, column):
    returned = draft_by(editor, column, title="退回给我的稿件")
    article_submit(article=returned, by=editor)
    article_send_back(article=returned, by=reviewer, comment="请修改。")

    press(as_editor, returned, "_submit")

    assert queue(as_editor, "returned") == set()
