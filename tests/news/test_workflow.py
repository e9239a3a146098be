"""The review rule (编辑撰稿，审核发布): every state change of an article, first through
the functions in news.workflow, then through the buttons of the admin form, judged
by the article's state, what the public sees and the audit trail (ReviewEvent)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news.models import Article, Attachment, ReviewEvent
from news.workflow import (
    article_approve,
    article_send_back,
    article_submit,
    article_withdraw,
)
from tests.factories import ArticleFactory
from tests.helpers import change_form, draft_by, messages_of, page, press

pytestmark = pytest.mark.django_db

Status = Article.Status
Action = ReviewEvent.Action


def public_status(article):
    return Client().get(article.get_absolute_url()).status_code


def the_only_event(article):
    [event] = ReviewEvent.objects.filter(article=article)
    return event


# -- Through the workflow functions ----------------------------------------------------


def test_submitting_a_draft_puts_it_in_review_and_records_who_and_when(editor, column):
    draft = draft_by(editor, column)
    before = timezone.now()

    article_submit(article=draft, by=editor)

    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    event = the_only_event(draft)
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        Action.SUBMIT,
        editor,
        Status.DRAFT,
        Status.REVIEW,
    )
    assert before <= event.at <= timezone.now()
    assert event.article_title == draft.title
    assert public_status(draft) == 404


def test_approving_without_a_publish_time_publishes_it_now(editor, reviewer, column):
    draft = draft_by(editor, column)
    article_submit(article=draft, by=editor)
    before = timezone.now()

    article_approve(article=draft, by=reviewer, comment="内容准确，同意发布。")

    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert before <= draft.published_at <= timezone.now()
    assert draft.is_live()
    assert public_status(draft) == 200
    event = ReviewEvent.objects.get(article=draft, action=Action.APPROVE)
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        reviewer,
        Status.REVIEW,
        Status.PUBLISHED,
        "内容准确，同意发布。",
    )
    assert before <= event.at <= timezone.now()


def test_approving_keeps_a_publish_time_already_set_in_the_past(editor, reviewer, column):
    march_8 = datetime.datetime(2026, 3, 8, 1, 30, tzinfo=datetime.UTC)
    draft = draft_by(editor, column)
    Article.objects.filter(pk=draft.pk).update(published_at=march_8)
    draft.refresh_from_db()

    article_approve(article=draft, by=reviewer)

    draft.refresh_from_db()
    assert draft.published_at == march_8
    assert draft.is_live()


def test_approved_article_with_a_future_time_stays_hidden_until_that_time(editor, reviewer, column):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    draft = draft_by(editor, column)
    Article.objects.filter(pk=draft.pk).update(published_at=tomorrow)
    draft.refresh_from_db()
    article_submit(article=draft, by=editor)

    article_approve(article=draft, by=reviewer)

    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at == tomorrow
    assert draft.is_scheduled
    assert public_status(draft) == 404
    assert draft not in Article.objects.live()

    # The clock cannot be moved here, so the time comes to the article instead:
    # nothing but the publish time decides that it appears.
    Article.objects.filter(pk=draft.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert public_status(draft) == 200


def test_sending_back_returns_the_article_to_its_editor_with_the_comment(editor, reviewer, column):
    draft = draft_by(editor, column)
    article_submit(article=draft, by=editor)
    before = timezone.now()

    article_send_back(article=draft, by=reviewer, comment="  第二段数字请核实。 ")

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.review_comment == "第二段数字请核实。"
    event = ReviewEvent.objects.get(article=draft, action=Action.SEND_BACK)
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        reviewer,
        Status.REVIEW,
        Status.DRAFT,
        "第二段数字请核实。",
    )
    assert before <= event.at <= timezone.now()


def test_sending_back_without_a_comment_is_refused(editor, reviewer, column):
    draft = draft_by(editor, column)
    article_submit(article=draft, by=editor)

    with pytest.raises(ValidationError) as refusal:
        article_send_back(article=draft, by=reviewer, comment="   ")

    assert refusal.value.messages == ["退回时请填写审核意见，告诉编辑要改什么。"]
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    assert not ReviewEvent.objects.filter(action=Action.SEND_BACK).exists()


def test_withdrawing_takes_a_published_article_off_the_site(reviewer, column):
    published = ArticleFactory(column=column)
    assert public_status(published) == 200
    before = timezone.now()

    article_withdraw(article=published, by=reviewer, comment="活动延期。")

    published.refresh_from_db()
    assert published.status == Status.WITHDRAWN
    assert public_status(published) == 404
    event = the_only_event(published)
    assert (event.action, event.actor, event.from_status, event.to_status, event.comment) == (
        Action.WITHDRAW,
        reviewer,
        Status.PUBLISHED,
        Status.WITHDRAWN,
        "活动延期。",
    )
    assert before <= event.at <= timezone.now()


def test_withdrawn_article_can_be_resubmitted_and_published_again(editor, reviewer, column):
    published = ArticleFactory(column=column)
    first_published_at = published.published_at
    article_withdraw(article=published, by=reviewer)

    article_submit(article=published, by=editor)
    published.refresh_from_db()
    assert published.status == Status.REVIEW
    assert public_status(published) == 404

    article_approve(article=published, by=reviewer)
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert published.published_at == first_published_at
    assert public_status(published) == 200
    assert list(
        published.review_events.order_by("at", "id").values_list(
            "action", "from_status", "to_status"
        )
    ) == [
        (Action.WITHDRAW, Status.PUBLISHED, Status.WITHDRAWN),
        (Action.SUBMIT, Status.WITHDRAWN, Status.REVIEW),
        (Action.APPROVE, Status.REVIEW, Status.PUBLISHED),
    ]


@pytest.mark.parametrize(
    ("status", "transition", "message"),
    [
        pytest.param(
            Status.PUBLISHED, article_approve, "这篇文章已经发布。", id="approve-published"
        ),
        pytest.param(
            Status.DRAFT, article_send_back, "只有待审核的文章可以退回。", id="send-back-draft"
        ),
        pytest.param(
            Status.DRAFT, article_withdraw, "只有已发布的文章可以撤回。", id="withdraw-draft"
        ),
        pytest.param(
            Status.REVIEW, article_withdraw, "只有已发布的文章可以撤回。", id="withdraw-review"
        ),
        pytest.param(
            Status.PUBLISHED,
            article_submit,
            "只有草稿或已撤回的文章可以提交审核。",
            id="submit-published",
        ),
    ],
)
def test_transition_from_the_wrong_state_is_refused_and_changes_nothing(
    reviewer, column, status, transition, message
):
    article = ArticleFactory(column=column, status=status)
    version = article.version
    comment = {"comment": "意见"} if transition is not article_submit else {}

    with pytest.raises(ValidationError) as refusal:
        transition(article=article, by=reviewer, **comment)

    assert refusal.value.messages == [message]
    article.refresh_from_db()
    assert (article.status, article.version) == (status, version)
    assert not ReviewEvent.objects.exists()


@pytest.mark.parametrize(
    ("status", "transition"),
    [
        pytest.param(Status.REVIEW, article_approve, id="approve"),
        pytest.param(Status.REVIEW, article_send_back, id="send-back"),
        pytest.param(Status.PUBLISHED, article_withdraw, id="withdraw"),
    ],
)
def test_an_editor_cannot_approve_send_back_or_withdraw(editor, column, status, transition):
    article = ArticleFactory(column=column, status=status)

    with pytest.raises(PermissionDenied):
        transition(article=article, by=editor, comment="意见")

    article.refresh_from_db()
    assert article.status == status
    assert not ReviewEvent.objects.exists()


# -- Through the buttons of the admin form ---------------------------------------------


def test_editor_adds_an_article_and_submits_it_with_one_button(as_editor, editor, column):
    response = as_editor.post(
        reverse("admin:news_article_add"),
        change_form(
            Article(column=column, title="市妇联召开执委会议", body="<p>会议审议了工作报告。</p>"),
            edit_version="",
            _submit="1",
        ),
        follow=True,
    )

    article = Article.objects.get()
    assert article.status == Status.REVIEW
    assert article.created_by == editor
    assert "「市妇联召开执委会议」：待审核" in messages_of(response)
    event = the_only_event(article)
    assert (event.actor, event.from_status, event.to_status) == (
        editor,
        Status.DRAFT,
        Status.REVIEW,
    )


def test_reviewer_approves_with_the_button_and_the_public_sees_it(
    as_reviewer, reviewer, editor, column
):
    draft = draft_by(editor, column, title="巾帼志愿服务进社区")
    article_submit(article=draft, by=editor)
    assert public_status(draft) == 404
    before = timezone.now()

    response = press(as_reviewer, draft, "_approve", review_note="同意。")

    assert "「巾帼志愿服务进社区」：已发布" in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert before <= draft.published_at <= timezone.now()
    public = Client().get(draft.get_absolute_url())
    assert public.status_code == 200
    assert "巾帼志愿服务进社区" in page(public)
    event = ReviewEvent.objects.get(article=draft, action=Action.APPROVE)
    assert (event.actor, event.from_status, event.comment) == (reviewer, Status.REVIEW, "同意。")


def test_reviewer_approves_with_a_future_time_and_the_article_waits_for_it(
    as_reviewer, editor, column
):
    draft = draft_by(editor, column)
    article_submit(article=draft, by=editor)

    response = press(
        as_reviewer, draft, "_approve", published_at_0="2999-03-08", published_at_1="09:30"
    )

    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert timezone.localtime(draft.published_at).strftime("%Y-%m-%d %H:%M") == "2999-03-08 09:30"
    assert draft.is_scheduled
    assert public_status(draft) == 404
    assert f"「{draft.title}」：已发布" in messages_of(response)
    assert "北京时间 2999-03-08 09:30 自动发布" in page(
        as_reviewer.get(reverse("admin:news_article_change", args=[draft.pk]))
    )


def test_sent_back_comment_is_shown_to_the_editor_on_the_change_page(
    as_reviewer, as_editor, reviewer, editor, column
):
    draft = draft_by(editor, column)
    article_submit(article=draft, by=editor)

    response = press(as_reviewer, draft, "_send_back", review_note="请补充活动时间和地点。")

    assert f"「{draft.title}」：草稿" in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    editor_view = page(as_editor.get(reverse("admin:news_article_change", args=[draft.pk])))
    assert "审核意见：请补充活动时间和地点。" in editor_view
    event = ReviewEvent.objects.get(article=draft, action=Action.SEND_BACK)
    assert (event.actor, event.comment) == (reviewer, "请补充活动时间和地点。")


def test_send_back_button_without_a_comment_explains_what_is_missing(as_reviewer, editor, column):
    draft = draft_by(editor, column)
    article_submit(article=draft, by=editor)

    response = press(as_reviewer, draft, "_send_back", review_note="")

    assert "退回时请填写审核意见，告诉编辑要改什么。" in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    assert not draft.review_events.filter(action=Action.SEND_BACK).exists()


def test_withdraw_button_takes_the_article_off_the_site(as_reviewer, reviewer, column):
    published = ArticleFactory(column=column)

    response = press(as_reviewer, published, "_withdraw", review_note="信息有误，先撤下。")

    assert f"「{published.title}」：已撤回" in messages_of(response)
    published.refresh_from_db()
    assert published.status == Status.WITHDRAWN
    assert public_status(published) == 404
    event = the_only_event(published)
    assert (event.action, event.actor, event.comment) == (
        Action.WITHDRAW,
        reviewer,
        "信息有误，先撤下。",
    )


def test_withdrawn_article_goes_back_through_review_with_the_buttons(
    as_editor, as_reviewer, column
):
    published = ArticleFactory(column=column)
    press(as_reviewer, published, "_withdraw")

    press(as_editor, published, "_submit", title="更正后的标题")
    published.refresh_from_db()
    assert (published.status, published.title) == (Status.REVIEW, "更正后的标题")
    assert public_status(published) == 404

    press(as_reviewer, published, "_approve")
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert "更正后的标题" in page(Client().get(published.get_absolute_url()))


@pytest.mark.parametrize(
    ("status", "button", "message"),
    [
        pytest.param(Status.PUBLISHED, "_approve", "这篇文章已经发布。", id="approve-published"),
        pytest.param(
            Status.DRAFT, "_send_back", "只有待审核的文章可以退回。", id="send-back-draft"
        ),
        pytest.param(Status.DRAFT, "_withdraw", "只有已发布的文章可以撤回。", id="withdraw-draft"),
    ],
)
def test_button_for_a_transition_that_does_not_apply_is_refused_with_a_message(
    as_reviewer, column, status, button, message
):
    article = ArticleFactory(column=column, status=status)

    response = press(as_reviewer, article, button, review_note="意见")

    assert message in messages_of(response)
    article.refresh_from_db()
    assert article.status == status
    assert not ReviewEvent.objects.exists()


# -- A change to a published article (修改稿) -------------------------------------------


def test_approving_a_change_replaces_the_published_text_at_the_same_address(
    as_editor, as_reviewer, reviewer, column
):
    published = ArticleFactory(column=column, title="旧标题")
    address = published.get_absolute_url()

    response = press(as_editor, published, "_continue", title="新标题")
    change = published.pending_changes.get()
    assert response.redirect_chain[-1][0] == reverse("admin:news_article_change", args=[change.pk])
    press(as_editor, change, "_submit")

    response = press(as_reviewer, change, "_approve")

    assert response.redirect_chain[-1][0] == reverse(
        "admin:news_article_change", args=[published.pk]
    )
    published.refresh_from_db()
    assert published.title == "新标题"
    assert published.get_absolute_url() == address
    assert "新标题" in page(Client().get(address))
    assert not Article.objects.filter(pk=change.pk).exists()
    event = published.review_events.get(action=Action.APPLY_CHANGE)
    assert (event.actor, event.from_status, event.to_status) == (
        reviewer,
        Status.PUBLISHED,
        Status.PUBLISHED,
    )


def test_approving_a_change_keeps_the_attachment_links_readers_already_have(
    as_editor, as_reviewer, column, media_root
):
    """A shared download link must survive a typo fix in the article's title."""
    published = ArticleFactory(column=column)
    attachment = Attachment.objects.create(
        article=published,
        file=ContentFile(b"%PDF-1.4 minimal", name="notice.pdf"),
        original_name="表彰名单.pdf",
        file_type="pdf",
        size=16,
    )
    download = attachment.get_absolute_url()
    assert Client().get(download).status_code == 200

    press(as_editor, published, "_submit", title="更正：表彰名单")
    press(as_reviewer, published.pending_changes.get(), "_approve")

    published.refresh_from_db()
    assert published.title == "更正：表彰名单"
    assert [a.original_name for a in published.attachments.all()] == ["表彰名单.pdf"]
    assert Client().get(download).status_code == 200
