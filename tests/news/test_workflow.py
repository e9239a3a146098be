"""The review rule (编辑撰稿，审核发布): every state change of an article, first through
the functions in news.workflow, then through the buttons of the admin form, judged
by the article's state, what the public sees and the audit trail (ReviewEvent)."""

import datetime
import zoneinfo

import pytest
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news.models import Article, Attachment, ReviewEvent
from news.workflow import (
    TRANSITIONS,
    Kind,
    actions_for,
    article_approve,
    article_save_edit,
    article_send_back,
    article_submit,
    article_withdraw,
    check_pressed,
    take_action,
    take_in_bulk,
)
from tests.factories import ArticleFactory
from tests.helpers import (
    change_form,
    draft_by,
    image_bytes,
    messages_of,
    page,
    press,
    run_action,
)

pytestmark = pytest.mark.django_db

Status = Article.Status
Action = ReviewEvent.Action
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


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
    before = timezone.now().replace(microsecond=0)  # publish times are whole seconds

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
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).replace(microsecond=0)
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


# -- The workflow's answers, asked directly as any entry point would ------------------
# A management command or an API gets the same rules as the admin by calling these:
# no request, no form, no test client.

ROLES = ["editor", "reviewer", "superuser"]
STATES = [Status.DRAFT, Status.REVIEW, Status.PUBLISHED, Status.WITHDRAWN]


def chinese(text):
    return any("\u4e00" <= character <= "\u9fff" for character in text)


@pytest.mark.parametrize(
    ("role", "status", "offered"),
    [
        ("editor", Status.DRAFT, [Action.SUBMIT]),
        ("editor", Status.REVIEW, []),
        ("editor", Status.PUBLISHED, []),
        ("editor", Status.WITHDRAWN, [Action.SUBMIT]),
        ("reviewer", Status.DRAFT, [Action.SUBMIT, Action.APPROVE]),
        ("reviewer", Status.REVIEW, [Action.APPROVE, Action.SEND_BACK]),
        ("reviewer", Status.PUBLISHED, [Action.WITHDRAW]),
        ("reviewer", Status.WITHDRAWN, [Action.SUBMIT, Action.APPROVE]),
        ("superuser", Status.DRAFT, [Action.SUBMIT, Action.APPROVE]),
        ("superuser", Status.REVIEW, [Action.APPROVE, Action.SEND_BACK]),
        ("superuser", Status.PUBLISHED, [Action.WITHDRAW]),
        ("superuser", Status.WITHDRAWN, [Action.SUBMIT, Action.APPROVE]),
    ],
)
def test_each_role_is_offered_the_transitions_the_articles_state_allows(
    request, column, role, status, offered
):
    article = ArticleFactory(column=column, status=status)

    assert [t.action for t in actions_for(article, request.getfixturevalue(role))] == offered


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_an_offered_transition_is_taken_and_any_other_is_refused_in_chinese(
    request, column, role, status
):
    user = request.getfixturevalue(role)
    for transition in TRANSITIONS:
        article = ArticleFactory(column=column, status=status)
        offered = transition in actions_for(article, user)

        outcome = take_action(transition.action, article=article, by=user, comment="请核实。")

        article.refresh_from_db()
        if offered:
            assert outcome.kind == Kind.TAKEN
            assert article.review_events.get().action == transition.action
        else:
            assert outcome.kind == Kind.REFUSED
            [(level, reason)] = outcome.messages
            assert level == messages.ERROR and chinese(reason)
            assert article.status == status
            assert not article.review_events.exists()


def test_send_back_is_offered_before_the_comment_is_written_and_refused_without_it(
    reviewer, editor, column
):
    article = draft_by(editor, column)
    article_submit(article=article, by=editor)
    assert Action.SEND_BACK in [t.action for t in actions_for(article, reviewer)]

    outcome = take_action(Action.SEND_BACK, article=article, by=reviewer, comment=" ")

    assert outcome.messages == ((messages.ERROR, "退回时请填写审核意见，告诉编辑要改什么。"),)
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_a_change_overtaken_by_its_article_is_offered_for_approval_and_refused_with_why(
    editor, reviewer, column
):
    """The reviewer sees the button; pressing it explains what changed meanwhile."""
    published = ArticleFactory(column=column, title="旧标题")
    change = propose(published, by=editor, title="新标题")
    corrected = Article.objects.get(pk=published.pk)
    corrected.title = "旧标题（更正）"
    article_save_edit(edited=corrected, by=reviewer)

    assert Action.APPROVE in [t.action for t in actions_for(change, reviewer)]
    outcome = take_action(Action.APPROVE, article=change, by=reviewer)

    assert outcome.kind == Kind.REFUSED
    assert outcome.messages[0][1].startswith("原文的标题在这份修改稿之后又被修改过")


def test_an_editor_saving_a_published_article_may_submit_what_the_save_makes(editor, column):
    """The button acts on the 修改稿, a draft; approving stays the reviewers'."""
    published = ArticleFactory(column=column)

    check_pressed(Action.SUBMIT, article=published, by=editor)
    with pytest.raises(PermissionDenied):
        check_pressed(Action.APPROVE, article=published, by=editor)


def edited_copy(article, **typed):
    """The article read again and changed, not yet saved: what a form or a command holds."""
    edited = Article.objects.get(pk=article.pk)
    for name, value in typed.items():
        setattr(edited, name, value)
    return edited


def propose(published, *, by, **typed):
    outcome = article_save_edit(edited=edited_copy(published, **typed), by=by)
    assert outcome.kind == Kind.PROPOSED
    return outcome.article


@pytest.mark.parametrize(
    ("role", "status", "kind"),
    [
        ("editor", Status.DRAFT, Kind.SAVED),
        ("editor", Status.REVIEW, Kind.RECALLED),
        ("editor", Status.PUBLISHED, Kind.PROPOSED),
        ("editor", Status.WITHDRAWN, Kind.SAVED),
        ("reviewer", Status.DRAFT, Kind.SAVED),
        ("reviewer", Status.REVIEW, Kind.SAVED),
        ("reviewer", Status.PUBLISHED, Kind.SAVED),
        ("reviewer", Status.WITHDRAWN, Kind.SAVED),
        ("superuser", Status.DRAFT, Kind.SAVED),
        ("superuser", Status.REVIEW, Kind.SAVED),
        ("superuser", Status.PUBLISHED, Kind.SAVED),
        ("superuser", Status.WITHDRAWN, Kind.SAVED),
    ],
)
def test_saving_an_edit_means_what_the_articles_state_and_the_role_say(
    request, column, role, status, kind
):
    user = request.getfixturevalue(role)
    article = ArticleFactory(column=column, status=status, title="旧标题")
    version = article.version

    outcome = article_save_edit(edited=edited_copy(article, title="新标题"), by=user)

    assert outcome.kind == kind
    article.refresh_from_db()
    if kind == Kind.PROPOSED:
        # What the public sees stays; the edit waits for review in a 修改稿.
        assert (article.title, article.version) == ("旧标题", version)
        change = outcome.article
        assert (change.revision_of, change.title, change.status) == (
            article,
            "新标题",
            Status.DRAFT,
        )
        assert outcome.messages == (
            (
                messages.WARNING,
                "这篇文章已经发布，您的修改已另存为修改稿，审核通过后才会替换网站上的版本。",
            ),
        )
    elif kind == Kind.RECALLED:
        assert (article.title, article.status) == ("新标题", Status.DRAFT)
        assert article.review_events.get().action == Action.RECALL
        assert outcome.messages == ((messages.WARNING, RECALLED),)
    else:
        assert outcome.article == article
        assert (article.title, article.status, article.version) == ("新标题", status, version + 1)
        assert outcome.messages == ()
        assert not article.review_events.exists()


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_an_edit_that_changes_nothing_saves_nothing(request, column, role, status):
    user = request.getfixturevalue(role)
    article = ArticleFactory(column=column, status=status)
    versions = article.history.count()

    outcome = article_save_edit(edited=edited_copy(article), by=user)

    assert outcome.kind == Kind.UNCHANGED
    article.refresh_from_db()
    assert (article.status, article.version, article.history.count()) == (status, 1, versions)
    assert not article.pending_changes.exists()
    assert not article.review_events.exists()
    if role == "editor" and status == Status.PUBLISHED:
        assert outcome.messages == ((messages.INFO, "没有改动，网站上的版本保持不变。"),)


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_an_edit_made_on_an_overtaken_version_is_refused_and_the_first_one_kept(
    request, column, role, status
):
    """Two people read the same article and both save: the second is told, in
    Chinese, who saved first; what they saved stays."""
    user = request.getfixturevalue(role)
    article = ArticleFactory(column=column, status=status, title="原标题")
    first, second = edited_copy(article, title="甲改的标题"), edited_copy(article, title="乙改的")
    kept = article_save_edit(edited=first, by=user).article

    outcome = article_save_edit(edited=second, by=user)

    assert outcome.kind == Kind.REFUSED
    [(level, reason)] = outcome.messages
    assert (level, reason[:6]) == (messages.ERROR, "保存被拒绝：")
    kept.refresh_from_db()
    assert kept.title == "甲改的标题"
    assert not Article.objects.filter(title="乙改的").exists()


def test_a_save_never_changes_the_state_only_transitions_do(reviewer, column):
    """A restored old version carries its old status; saving it keeps the current one."""
    article = ArticleFactory(column=column)
    restored = edited_copy(article, title="还原的标题", status=Status.DRAFT, review_comment="旧")

    outcome = article_save_edit(edited=restored, by=reviewer)

    assert outcome.kind == Kind.SAVED
    article.refresh_from_db()
    assert (article.title, article.status, article.review_comment) == (
        "还原的标题",
        Status.PUBLISHED,
        "",
    )


def test_an_editors_second_save_goes_on_in_the_same_change(editor, column):
    """The 修改稿 is an editor's own draft: saving it again saves it directly."""
    published = ArticleFactory(column=column, title="旧标题")
    change = propose(published, by=editor, title="新标题")

    outcome = article_save_edit(edited=edited_copy(change, summary="补充摘要"), by=editor)

    assert (outcome.kind, outcome.article) == (Kind.SAVED, change)
    assert published.pending_changes.get().summary == "补充摘要"
    assert article_save_edit(edited=edited_copy(published, title="再改"), by=editor).kind == (
        Kind.REFUSED
    )


def test_approving_in_bulk_takes_only_what_was_submitted(editor, reviewer, column):
    submitted, draft = draft_by(editor, column), draft_by(editor, column)
    article_submit(article=submitted, by=editor)

    selected = Article.objects.filter(pk__in=[submitted.pk, draft.pk])

    outcome = take_in_bulk(Action.APPROVE, articles=selected, by=reviewer)

    assert [text for _level, text in outcome.messages] == [
        "已发布 1 篇文章。",
        "1 篇不是“待审核”状态，未发布：批量发布只发布已提交审核的文章。",
    ]
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert (submitted.status, draft.status) == (Status.PUBLISHED, Status.DRAFT)


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
    before = timezone.now().replace(microsecond=0)  # publish times are whole seconds

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
    # The reviewer is told when it will appear, in Beijing time.
    assert f"「{draft.title}」：已发布，将于北京时间 2999年3月8日 09:30 自动出现在网站上。" in (
        messages_of(response)
    )
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


# -- An editor's change to a submitted article ------------------------------------------

RECALLED = "文章已修改，退出审核队列，成为草稿；改好后请重新提交审核。"


@pytest.fixture
def submitted(editor, column):
    """An article the editor has handed to the reviewers, with the text they will read."""
    article = draft_by(
        editor, column, title="巾帼志愿服务进社区", body="<p>志愿者为社区老人义诊120人次。</p>"
    )
    article_submit(article=article, by=editor)
    return article


def test_editor_changing_a_submitted_article_takes_it_out_of_review(as_editor, editor, submitted):
    response = press(as_editor, submitted, "_continue", body="<p>志愿者为社区老人义诊200人次。</p>")

    assert RECALLED in messages_of(response)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.body) == (
        Status.DRAFT,
        "<p>志愿者为社区老人义诊200人次。</p>",
    )
    event = submitted.review_events.get(action=Action.RECALL)
    assert (event.actor, event.from_status, event.to_status) == (
        editor,
        Status.REVIEW,
        Status.DRAFT,
    )


def test_editor_saving_a_submitted_article_without_changes_leaves_it_in_review(
    as_editor, submitted
):
    response = press(as_editor, submitted, "_continue")

    assert RECALLED not in messages_of(response)
    submitted.refresh_from_db()
    assert submitted.status == Status.REVIEW
    assert not submitted.review_events.filter(action=Action.RECALL).exists()


def test_reviewer_correcting_a_submitted_article_keeps_it_in_review(as_reviewer, submitted):
    """The reviewer's own fix is reviewed text: no need to send it round again."""
    response = press(as_reviewer, submitted, "_continue", title="巾帼志愿服务走进社区")

    assert RECALLED not in messages_of(response)
    submitted.refresh_from_db()
    assert (submitted.title, submitted.status) == ("巾帼志愿服务走进社区", Status.REVIEW)


def test_text_changed_after_submission_is_not_published_from_the_review_queue(
    as_editor, as_reviewer, submitted
):
    """The reviewer reads the queue, the editor changes an article in it, the reviewer
    ticks it and runs 审核通过并发布 from the queue page they had open."""
    queue_url = reverse("admin:news_article_changelist") + "?queue=review"
    assert [a.pk for a in as_reviewer.get(queue_url).context["cl"].result_list] == [submitted.pk]
    press(as_editor, submitted, "_continue", body="<p>未经审核的正文。</p>")

    as_reviewer.post(
        queue_url,
        {"action": "publish", ACTION_CHECKBOX_NAME: [submitted.pk], "index": 0},
        follow=True,
    )

    submitted.refresh_from_db()
    assert submitted.status == Status.DRAFT
    assert public_status(submitted) == 404


def test_text_changed_after_submission_is_not_published_by_a_bulk_approval(
    as_editor, as_reviewer, submitted
):
    """The same, from the plain article list: the reviewer selected the article while
    it was 待审核; what they approve must still be what they reviewed."""
    press(as_editor, submitted, "_continue", body="<p>未经审核的正文。</p>")

    run_action(as_reviewer, "publish", [submitted])

    submitted.refresh_from_db()
    assert submitted.status != Status.PUBLISHED
    assert public_status(submitted) == 404


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


def test_approving_a_change_keeps_the_live_articles_pin(as_editor, as_reviewer, column):
    """Pinning belongs to reviewers and to the published article: the 修改稿 an editor
    wrote (who cannot see or set the pin) must not unpin it."""
    published = ArticleFactory(column=column, title="旧标题", is_pinned=True)
    data = change_form(published, title="新标题", _submit="1")
    data.pop("is_pinned")  # read-only for editors: the browser posts no checkbox
    as_editor.post(reverse("admin:news_article_change", args=[published.pk]), data)

    press(as_reviewer, published.pending_changes.get(), "_approve")

    published.refresh_from_db()
    assert (published.title, published.is_pinned) == ("新标题", True)


# -- A 修改稿 overtaken by a later change of the article --------------------------------


def test_approving_a_change_is_refused_when_the_article_was_edited_since(
    as_editor, as_reviewer, column
):
    """Copying the 修改稿 over would silently undo the later correction."""
    published = ArticleFactory(
        column=column, title="三八节表彰大会召开", body="<p>表彰先进集体535个。</p>"
    )
    press(as_editor, published, "_submit", title="三八节表彰大会隆重召开")
    change = published.pending_changes.get()
    press(
        as_reviewer,
        published,
        "_continue",
        title="三八节表彰大会召开（更正）",
        body="<p>表彰先进集体600个。</p>",
    )

    response = press(as_reviewer, change, "_approve")

    [refusal] = [m for m in messages_of(response) if "修改稿之后又被修改过" in m]
    assert refusal.startswith("原文的标题、正文在这份修改稿之后又被修改过")
    published.refresh_from_db()
    assert (published.title, published.body) == (
        "三八节表彰大会召开（更正）",
        "<p>表彰先进集体600个。</p>",
    )
    assert "表彰先进集体600个" in page(Client().get(published.get_absolute_url()))
    change.refresh_from_db()
    assert change.status == Status.REVIEW
    assert not published.review_events.filter(action=Action.APPLY_CHANGE).exists()


def test_pinning_the_article_meanwhile_does_not_block_its_change(as_editor, as_reviewer, column):
    published = ArticleFactory(column=column, title="旧标题")
    press(as_editor, published, "_submit", title="新标题")
    run_action(as_reviewer, "pin", [published])

    response = press(as_reviewer, published.pending_changes.get(), "_approve")

    assert f"「新标题」：{Status.PUBLISHED.label}" in messages_of(response)
    published.refresh_from_db()
    assert (published.title, published.is_pinned) == ("新标题", True)
    assert not published.pending_changes.exists()


# -- Saves and approvals judged by what the editor changed (issue 9) --------------------

PHOTO_BODY = '<p>志愿者为社区老人义诊120人次。</p><p><img src="{src}" alt="义诊现场"></p>'
# The same body as CKEditor 4 posts it back: attributes sorted, self-closed, a blank
# line after each block, and without the width and height the server added.
AS_CKEDITOR_WRITES_IT = (
    '<p>志愿者为社区老人义诊120人次。</p>\n\n<p><img alt="义诊现场" src="{src}" /></p>\n'
)


@pytest.fixture
def photo(media_root):
    """A real 320×200 PNG stored under MEDIA_ROOT, as the editor's upload left it."""
    (media_root / "uploads").mkdir()
    (media_root / "uploads" / "photo.png").write_bytes(image_bytes(size=(320, 200)))
    return "/media/uploads/photo.png"


def test_saving_a_submitted_article_with_a_picture_unchanged_keeps_it_in_review(
    as_editor, editor, column, photo
):
    article = draft_by(editor, column, body=PHOTO_BODY.format(src=photo))
    assert 'width="320" height="200"' in article.body  # the server adds the size
    article_submit(article=article, by=editor)
    versions = article.history.count()

    response = press(as_editor, article, "_continue", body=AS_CKEDITOR_WRITES_IT.format(src=photo))

    assert RECALLED not in messages_of(response)
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert 'width="320" height="200"' in article.body
    assert article.history.count() == versions  # nothing changed, no version


def test_editor_changing_the_text_beside_a_picture_still_recalls_it(
    as_editor, editor, column, photo
):
    article = draft_by(editor, column, body=PHOTO_BODY.format(src=photo))
    article_submit(article=article, by=editor)

    edited = AS_CKEDITOR_WRITES_IT.format(src=photo).replace("120", "200")
    response = press(as_editor, article, "_continue", body=edited)

    assert RECALLED in messages_of(response)
    article.refresh_from_db()
    assert (article.status, "200人次" in article.body) == (Status.DRAFT, True)


def test_a_change_to_an_article_with_a_picture_is_approved_at_the_first_click(
    as_editor, as_reviewer, column, photo
):
    """The 修改稿's record of the original was written by another process, whose
    attribute order differed: the same article, so approval must go through."""
    published = ArticleFactory(column=column, title="旧标题", body=PHOTO_BODY.format(src=photo))
    press(
        as_editor,
        published,
        "_submit",
        title="新标题",
        body=AS_CKEDITOR_WRITES_IT.format(src=photo),
    )
    change = published.pending_changes.get()
    # As the sanitizer of an earlier release wrote it: attributes in another order.
    written_elsewhere = (
        f'<p>志愿者为社区老人义诊120人次。</p><p><img alt="义诊现场" decoding="async" '
        f'height="200" loading="lazy" src="{photo}" width="320"></p>'
    )
    Article.objects.filter(pk=change.pk).update(
        base_snapshot={**change.base_snapshot, "body": written_elsewhere}
    )

    response = press(as_reviewer, change, "_approve", body=AS_CKEDITOR_WRITES_IT.format(src=photo))

    assert messages_of(response) == ["「新标题」：已发布"]
    published.refresh_from_db()
    assert published.title == "新标题"
    assert 'width="320" height="200"' in published.body
    assert not published.pending_changes.exists()


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        ({"title": "三八节表彰大会召开（更正）"}, "原文的标题在这份修改稿之后又被修改过"),
        ({"source": "市妇联办公室"}, "原文的来源在这份修改稿之后又被修改过"),
        ({"author": "张三", "summary": "更正摘要"}, "原文的摘要、作者在这份修改稿之后又被修改过"),
    ],
)
def test_a_refused_change_always_names_what_was_changed_since_in_chinese(
    as_editor, as_reviewer, column, changed, named
):
    published = ArticleFactory(column=column, title="三八节表彰大会召开")
    press(as_editor, published, "_submit", title="三八节表彰大会隆重召开")
    change = published.pending_changes.get()
    press(as_reviewer, published, "_continue", **changed)

    response = press(as_reviewer, change, "_approve")

    [refusal] = messages_of(response)
    assert refusal.startswith(named)


def test_a_refused_send_back_stays_on_the_article_with_everything_typed(
    as_reviewer, editor, column
):
    draft = draft_by(editor, column, title="巾帼志愿服务进社区")
    article_submit(article=draft, by=editor)
    url = reverse("admin:news_article_change", args=[draft.pk])

    response = as_reviewer.post(
        url, change_form(draft, title="巾帼志愿服务走进社区", _send_back="1"), follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain == []  # still the article's own page
    assert messages_of(response) == ["退回时请填写审核意见，告诉编辑要改什么。"]
    levels = [message.level_tag for message in response.context["messages"]]
    assert levels == ["error"]
    assert "成功修改" not in page(response)
    assert response.context["adminform"].form["title"].value() == "巾帼志愿服务走进社区"
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("巾帼志愿服务进社区", Status.REVIEW)


def test_a_refused_approval_stays_on_the_change_with_the_reviewers_note(
    as_editor, as_reviewer, column
):
    published = ArticleFactory(column=column, title="旧标题")
    press(as_editor, published, "_submit", title="新标题")
    change = published.pending_changes.get()
    press(as_reviewer, published, "_continue", title="旧标题（更正）")
    url = reverse("admin:news_article_change", args=[change.pk])

    response = as_reviewer.post(
        url, change_form(change, review_note="同意发布。", _approve="1"), follow=True
    )

    assert response.redirect_chain == []
    [refusal] = messages_of(response)
    assert refusal.startswith("原文的标题在这份修改稿之后又被修改过")
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    assert response.context["adminform"].form["review_note"].value() == "同意发布。"
    assert "成功修改" not in page(response)
    assert Article.objects.filter(pk=change.pk).exists()


def test_approving_a_change_keeps_the_seconds_of_the_publish_time(as_editor, as_reviewer, column):
    """The form's time box shows hours and minutes; posting it back must not cut the rest."""
    when = datetime.datetime(2026, 3, 8, 8, 21, 57, tzinfo=BEIJING)
    published = ArticleFactory(column=column, title="旧标题", published_at=when)
    press(as_editor, published, "_submit", title="新标题", published_at_1="08:21")

    press(as_reviewer, published.pending_changes.get(), "_approve", published_at_1="08:21")

    published.refresh_from_db()
    assert (published.title, published.published_at) == ("新标题", when)


def test_a_reviewers_save_keeps_the_seconds_and_a_new_time_is_taken_as_typed(as_reviewer, column):
    when = datetime.datetime(2026, 3, 8, 8, 21, 57, tzinfo=BEIJING)
    published = ArticleFactory(column=column, published_at=when)

    press(as_reviewer, published, "_continue", title="新标题", published_at_1="08:21")
    published.refresh_from_db()
    assert published.published_at == when

    press(as_reviewer, published, "_continue", published_at_1="09:05")
    published.refresh_from_db()
    assert published.published_at == datetime.datetime(2026, 3, 8, 9, 5, tzinfo=BEIJING)


def test_approving_from_an_unchanged_form_records_one_version(as_reviewer, editor, column):
    draft = draft_by(editor, column)
    article_submit(article=draft, by=editor)
    versions = draft.history.count()

    press(as_reviewer, draft, "_approve")

    assert draft.history.count() == versions + 1
    assert draft.history.first().status == Status.PUBLISHED


def test_an_editor_saving_a_published_article_unchanged_starts_no_change(as_editor, column):
    published = ArticleFactory(column=column)

    response = press(as_editor, published, "_continue")

    assert not published.pending_changes.exists()
    assert "没有改动，网站上的版本保持不变。" in messages_of(response)


def test_approving_a_scheduled_article_says_when_it_appears_in_beijing_time(
    as_reviewer, editor, column
):
    draft = draft_by(editor, column, title="三八节活动预告")
    article_submit(article=draft, by=editor)

    response = press(
        as_reviewer, draft, "_approve", published_at_0="2999-03-08", published_at_1="09:30"
    )

    assert messages_of(response) == [
        "「三八节活动预告」：已发布，将于北京时间 2999年3月8日 09:30 自动出现在网站上。"
    ]
