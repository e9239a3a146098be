"""The review rule (编辑撰稿，审核发布): state changes of an article.

    draft --submit--> review --approve--> published --withdraw--> withdrawn
      ^                 |
      +---send back-----+   (with the reviewer's comment)

An editor may write and submit; only a user with news.publish_article approves,
sends back or withdraws. An editor's change to a published article is saved as a
separate draft (修改稿, `revision_of`) and goes through the same review; approving
it copies it onto the published article, whose address never changes. So no
editor alone can ever change what the public sees.

Each transition checks the permission, changes the state inside a transaction and
records a ReviewEvent, the audit trail.

This module decides; whoever asks only shows the answer. The admin's article form,
a management command or an API ask the same three questions:
- actions_for(article, user): which transitions (and so which buttons) the user may
  take now. check() refuses any other with the reason, in Chinese.
- article_save_edit(edited=..., by=...): what saving an edit means in the article's
  state (saved, kept as a 修改稿, recalled from review, nothing to save, refused as
  stale), returned as an Outcome.
- take_action(action, ...): a transition taken, or refused, as an Outcome.
"""

import enum
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Article, Attachment, ReviewEvent
from .sanitize import editorial_form

Status = Article.Status
Action = ReviewEvent.Action

# The fields a 修改稿 carries over to the published article when approved. Pinning
# is not among them: it belongs to the published article and to reviewers.
CONTENT_FIELDS = ["title", "column", "summary", "body", "cover", "author", "source", "editor"]


def snapshot(article):
    """The content fields as plain values, to tell later whether they changed. The
    body is kept in its editorial form: what the editor wrote, without what the
    server adds to pictures or how CKEditor happens to write the HTML."""
    values = {
        name: str(getattr(article, f"{name}_id" if name == "column" else name) or "")
        for name in CONTENT_FIELDS
    }
    values["body"] = editorial_form(values["body"])
    return values


def changed_fields(before, after):
    """The content fields whose meaning differs between two snapshots, in form
    order. Bodies are compared in editorial form on both sides, so a snapshot
    stored before that form existed compares fairly too (issue 9: a 修改稿 of an
    article with a picture was refused at random, for serialization noise)."""

    def meaning(values, name):
        value = values.get(name, "")
        return editorial_form(value) if name == "body" else value

    return [name for name in CONTENT_FIELDS if meaning(before, name) != meaning(after, name)]


def edited_fields(original, edited):
    """What saving `edited` over the stored `original` would change, as its editor
    means it: the content fields, the publish time and the pin. Empty: the save
    changes nothing, so it is no save at all (no version, no recall)."""
    changed = changed_fields(snapshot(original), snapshot(edited))
    changed += [
        name
        for name in ("published_at", "is_pinned")
        if getattr(original, name) != getattr(edited, name)
    ]
    return changed


def field_labels(names):
    """The fields' names as staff know them: 标题、正文."""
    return "、".join(str(Article._meta.get_field(name).verbose_name) for name in names)


def becomes_change(article, by):
    """Whether `by` saving the stored `article` makes a 修改稿 rather than changing it:
    an editor's edit of a published article waits for review."""
    return article.status == Status.PUBLISHED and not can_publish(by)


def edit_target(article, by):
    """Where an edit of the stored `article` by `by` is kept, and so what a button
    pressed with that save acts on: the article itself, or for an editor's edit of a
    published article its open 修改稿 (None while there is none)."""
    if not becomes_change(article, by):
        return article
    return article.pending_changes.order_by("-id").first()


def recalls(article, by, changed):
    """Whether `by` changing the stored `article` takes it out of the review queue:
    what the reviewer approves must be what they reviewed, but a reviewer's own
    correction is reviewed text, and a save that changes nothing changes nothing."""
    return bool(changed) and article.status == Status.REVIEW and not can_publish(by)


def can_publish(user):
    return user.has_perm("news.publish_article")


def can_preview(user):
    """Who may see an article (and its attachments) before the public does. As in
    the admin, the right to change articles includes the right to see them."""
    return user.is_staff and (
        user.has_perm("news.view_article") or user.has_perm("news.change_article")
    )


def may_change_attachments(article, user):
    """Attachments of a published article are public, and those of a submitted one
    are what the reviewer is reviewing: editors change them through a 修改稿, or after
    the article is sent back."""
    locked = article is not None and article.status in {Status.PUBLISHED, Status.REVIEW}
    return not locked or can_publish(user)


def _require(condition, message, code=None):
    if not condition:
        raise ValidationError(message, code=code)


# -- What each transition requires ------------------------------------------------
# The one place that says who may do what in which state. Asked by actions_for()
# (which buttons to show), by the article form before anything is saved (a refusal
# then leaves the page as it was typed, nothing lost) and by the transition itself,
# under the row lock, in case something changed in between.


def check_submit(*, article, by):
    _require(
        article.status in {Status.DRAFT, Status.WITHDRAWN},
        _("只有草稿或已撤回的文章可以提交审核。"),
    )


def check_approve(*, article, by, lock=False):
    if not can_publish(by):
        raise PermissionDenied(_("只有审核人员可以发布文章。"))
    _require(
        article.status in {Status.DRAFT, Status.REVIEW, Status.WITHDRAWN},
        _("这篇文章已经发布。"),
    )
    if article.revision_of_id:
        target = Article.objects.filter(pk=article.revision_of_id)
        _check_base(article, (target.select_for_update() if lock else target).get())


def _check_base(change, target):
    """Refuse to copy a 修改稿 over its article if the article was changed after the
    修改稿 was started: that would silently undo the later change."""
    if change.base_snapshot is None:
        return
    changed = changed_fields(change.base_snapshot, snapshot(target))
    _require(
        not changed,
        _(
            "原文的%(fields)s在这份修改稿之后又被修改过，直接通过会把那些修改覆盖掉。"
            "请把原文的新内容合并进修改稿（或退回修改稿）后再审核。"
        )
        % {"fields": field_labels(changed)},
        code="base_changed",
    )


def check_send_back(*, article, by, comment=""):
    if not can_publish(by):
        raise PermissionDenied(_("只有审核人员可以退回文章。"))
    _require(article.status == Status.REVIEW, _("只有待审核的文章可以退回。"))
    _require(
        comment.strip(), _("退回时请填写审核意见，告诉编辑要改什么。"), code="comment_required"
    )


def check_withdraw(*, article, by):
    if not can_publish(by):
        raise PermissionDenied(_("只有审核人员可以撤回文章。"))
    _require(article.status == Status.PUBLISHED, _("只有已发布的文章可以撤回。"))


def _record(article, action, by, from_status, comment=""):
    ReviewEvent.objects.create(
        article=article,
        article_title=article.title,
        action=action,
        actor=by,
        from_status=from_status,
        to_status=article.status,
        comment=comment,
    )


def _save(article, by, fields):
    article._history_user = by  # simple_history: who made this version
    article.version += 1
    article.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def article_submit(*, article, by):
    """An editor hands a draft to the reviewers."""
    check_submit(article=article, by=by)
    previous = article.status
    article.status = Status.REVIEW
    _save(article, by, ["status"])
    _record(article, Action.SUBMIT, by, previous)


@transaction.atomic
def article_recall(*, article, by):
    """An editor changes a submitted article: it leaves the review queue."""
    _require(article.status == Status.REVIEW, _("只有待审核的文章可以撤回审核。"))
    previous = article.status
    article.status = Status.DRAFT
    _save(article, by, ["status"])
    _record(article, Action.RECALL, by, previous)


# -- What an approval asks the reviewer to confirm ----------------------------------
# An app may ask reviewers to approve knowingly: proofreading (issue 15) asks them
# to confirm an approval while the article has open findings. It registers a
# function in its AppConfig.ready(); given the article about to be approved, the
# function returns one short line per thing the reviewer overrides (none: nothing to
# confirm). news knows nothing of who registers.
_approval_checks = []


def add_approval_check(check):
    if check not in _approval_checks:
        _approval_checks.append(check)


def approval_issues(article):
    """What approving `article` as it is stored now asks the reviewer to confirm."""
    return [line for check in _approval_checks for line in check(article)]


def _confirmed(article, confirmed):
    """The issues the approval overrides; refused when there are some and the reviewer
    has not confirmed them. Asked by the transition itself, after the form's save, so
    that what is judged is the text being approved."""
    issues = approval_issues(article)
    shown = "；".join(issues[:3]) + ("……" if len(issues) > 3 else "")
    _require(
        confirmed or not issues,
        _(
            "这篇文章还有 %(count)d 个问题需要确认：%(issues)s。"
            "请先处理，或勾选“确认发布”后再按“审核通过并发布”。"
        )
        % {"count": len(issues), "issues": shown},
        code="confirm_required",
    )
    return issues


def _with_issues(comment, issues):
    """The audit trail's comment of an approval that overrode `issues`."""
    if not issues:
        return comment
    note = _("审核人确认发布，未处理的问题 %(count)d 个：%(issues)s") % {
        "count": len(issues),
        "issues": "；".join(issues),
    }
    return f"{comment.strip()}\n{note}" if comment.strip() else note


@transaction.atomic
def article_approve(*, article, by, comment="", confirmed=False):
    """A reviewer publishes. A future publish time makes it scheduled: it appears
    at that time by itself. A 修改稿 is copied onto the article it changes. What an
    approval check asks to confirm needs `confirmed`, and is recorded with it."""
    check_approve(article=article, by=by, lock=True)
    comment = _with_issues(comment, _confirmed(article, confirmed))
    if article.revision_of_id:
        return _apply_change(change=article, by=by, comment=comment)
    previous = article.status
    article.status = Status.PUBLISHED
    article.published_at = article.published_at or timezone.now()
    article.review_comment = ""
    _save(article, by, ["status", "published_at", "review_comment"])
    _record(article, Action.APPROVE, by, previous, comment)
    return article


def _apply_change(*, change, by, comment):
    target = Article.objects.get(pk=change.revision_of_id)  # locked by check_approve
    # Only what the 修改稿 really changes is copied: the rest (a body that differs
    # only in how CKEditor wrote it) stays as stored, and the version shows it.
    changed = changed_fields(snapshot(target), snapshot(change))
    if change.published_at and change.published_at != target.published_at:
        changed.append("published_at")
    for name in changed:
        setattr(target, name, getattr(change, name))
    if changed:
        target._change_reason = _("修改稿 #%(id)s 审核通过") % {"id": change.pk}
        _save(target, by, changed)
    _carry_attachments(change, target)
    _record(target, Action.APPLY_CHANGE, by, target.status, comment)
    change.delete()
    return target


def _carry_attachments(change, target):
    """Make the article's attachments those of the 修改稿. An attachment the 修改稿
    kept (same stored file) keeps its row, so download links readers already have
    stay valid; removed ones go; new ones move over."""
    kept = {attachment.file.name: attachment for attachment in target.attachments.all()}
    for attachment in change.attachments.all():
        original = kept.pop(attachment.file.name, None)
        if original is None:
            attachment.article = target
            attachment.save(update_fields=["article"])
            continue
        original.title, original.order = attachment.title, attachment.order
        original.save(update_fields=["title", "order"])
        attachment.delete()
    for removed in kept.values():
        removed.delete()


@transaction.atomic
def article_send_back(*, article, by, comment):
    """A reviewer returns a submitted article to its editor with a comment."""
    check_send_back(article=article, by=by, comment=comment)
    previous = article.status
    article.status = Status.DRAFT
    article.review_comment = comment.strip()
    _save(article, by, ["status", "review_comment"])
    _record(article, Action.SEND_BACK, by, previous, comment.strip())


@transaction.atomic
def article_withdraw(*, article, by, comment=""):
    """A reviewer takes a published article off the site."""
    check_withdraw(article=article, by=by)
    previous = article.status
    article.status = Status.WITHDRAWN
    _save(article, by, ["status"])
    _record(article, Action.WITHDRAW, by, previous, comment)


@transaction.atomic
def article_propose_change(*, article, edited, by):
    """Keep an editor's edit of a published article as a 修改稿 for review.

    `edited` holds the submitted values (unsaved); `article` is the published row,
    which stays as it is. An open 修改稿 of the same article is updated rather than
    a second one started. Returns the 修改稿, or None when the edit changes nothing
    (then there is nothing to review)."""
    change = article.pending_changes.order_by("-id").first()
    is_new = change is None
    if is_new and not edited_fields(article, edited):
        return None
    if is_new:
        change = Article(
            revision_of=article,
            created_by=by,
            column=article.column,
            base_snapshot=snapshot(article),
        )
    for name in [*CONTENT_FIELDS, "published_at"]:
        setattr(change, name, getattr(edited, name))
    change.status = Status.DRAFT
    change._history_user = by
    if not is_new:
        change.version += 1
    change.save()
    if is_new:
        # The 修改稿 starts with the article's attachments (the same stored files),
        # so that approving it keeps them unless the editor removed them.
        Attachment.objects.bulk_create(
            Attachment(
                article=change,
                title=old.title,
                file=old.file.name,
                original_name=old.original_name,
                file_type=old.file_type,
                size=old.size,
                order=old.order,
            )
            for old in article.attachments.all()
        )
    return change


@transaction.atomic
def article_create(*, article, by):
    """A new article is a draft, whatever made it (the article form, an import) and
    whatever status it was given; `by` is its writer, None for an import."""
    article.created_by = by
    article.status = Status.DRAFT
    article._history_user = by
    article.save()
    return article


def articles_pin(*, articles, by, pinned):
    """Pin (or unpin) `articles`; returns how many changed. A 修改稿 is never pinned:
    the pin belongs to the published article. Each pin goes through save(), not
    update(): it is a version in the history and bumps the edit version, so a form
    opened before cannot silently undo it."""
    count = 0
    for article in articles.filter(revision_of__isnull=True).exclude(is_pinned=pinned):
        article.is_pinned = pinned
        _save(article, by, ["is_pinned"])
        count += 1
    return count


# -- Outcomes: what came of a save or a transition, for the caller to show ----------


class Kind(enum.StrEnum):
    SAVED = "saved"  # the article itself was saved
    RECALLED = "recalled"  # saved, and so taken out of the review queue
    PROPOSED = "proposed"  # kept as a 修改稿; what the public sees is unchanged
    UNCHANGED = "unchanged"  # nothing to save: no version, no recall
    TAKEN = "taken"  # a transition was taken
    REFUSED = "refused"  # nothing changed; the messages say why


@dataclass(frozen=True)
class Outcome:
    """`article` is what it left: the article, the 修改稿 an edit was kept in, the
    article a 修改稿 was copied onto (None for many articles at once). `messages`:
    (level, text) pairs, with the levels of django.contrib.messages."""

    kind: Kind
    article: Article | None
    messages: tuple = ()


def _said(level, *texts):
    return tuple((level, str(text)) for text in texts)


def _refused(article, error):
    reasons = getattr(error, "messages", [str(error)])  # PermissionDenied has one
    return Outcome(Kind.REFUSED, article, _said(messages.ERROR, *reasons))


NOTHING_CHANGED = gettext_lazy("没有改动，网站上的版本保持不变。")
KEPT_AS_CHANGE = gettext_lazy(
    "这篇文章已经发布，您的修改已另存为修改稿，审核通过后才会替换网站上的版本。"
)
RECALLED = gettext_lazy("文章已修改，退出审核队列，成为草稿；改好后请重新提交审核。")


# -- Saving an edit -------------------------------------------------------------------


@transaction.atomic
def check_edit(*, article, by, opened_version=None):
    """Refuse a save of `article` that would overwrite a colleague's work: one made
    from a version that is no longer current (the optimistic lock), or an editor's
    edit of a published article that already has an open 修改稿 (they are sent to it).
    Locks the row until the caller's transaction commits, so two saves cannot both
    pass."""
    if article.pk is None:
        return
    current = Article.objects.select_for_update().get(pk=article.pk)
    if opened_version is not None and current.version != opened_version:
        last = current.history.select_related("history_user").order_by("-history_date").first()
        who = str(last.history_user) if last and last.history_user else _("另一位同事")
        when = date_format(timezone.localtime(current.updated_at), "Y-m-d H:i:s")
        message = _(
            "保存被拒绝：%(who)s 在 %(when)s 修改了这篇文章（您打开的是之前的版本）。"
            "您的修改没有丢失，仍在下方表单中：请复制出来，或在新窗口打开文章查看对方的版本，"
            "合并后再保存。"
        )
        raise ValidationError(message % {"who": who, "when": when}, code="stale")
    if not becomes_change(current, by):
        return
    pending = current.pending_changes.select_related("created_by").order_by("-id").first()
    if pending is None:
        return
    message = _(
        "保存被拒绝：%(who)s 在 %(when)s 已为这篇文章保存了一份修改稿。"
        "为免互相覆盖，请在那份修改稿里继续修改：%(url)s 。"
        "您的修改没有丢失，仍在下方表单中，可以复制过去。"
    )
    who = str(pending.created_by) if pending.created_by else _("另一位同事")
    when = date_format(timezone.localtime(pending.updated_at), "Y-m-d H:i")
    url = reverse("admin:news_article_change", args=[pending.pk])
    raise ValidationError(message % {"who": who, "when": when, "url": url}, code="change_open")


@transaction.atomic
def article_save_edit(*, edited, by, opened_version=None):
    """Save `edited`, a stored article with changed values not yet saved, by the rule
    of the article's stored state:
    - an editor's edit of a published article is kept as a 修改稿 (PROPOSED);
    - an editor's change to a submitted article takes it out of review (RECALLED);
    - otherwise the article is saved (SAVED), or nothing is when nothing changed;
    - a save from an outdated version, or beside an open 修改稿, is REFUSED.
    A save never changes the workflow state (a restored old version carries its old
    status): only the transitions do. `opened_version` is the version the edit
    started from; by default the one `edited` was read at."""
    opened_version = edited.version if opened_version is None else opened_version
    try:
        check_edit(article=edited, by=by, opened_version=opened_version)
    except ValidationError as error:
        return _refused(edited, error)
    article = Article.objects.get(pk=edited.pk)  # locked by check_edit
    if becomes_change(article, by):
        change = article_propose_change(article=article, edited=edited, by=by)
        if change is None:
            return Outcome(Kind.UNCHANGED, article, _said(messages.INFO, NOTHING_CHANGED))
        return Outcome(Kind.PROPOSED, change, _said(messages.WARNING, KEPT_AS_CHANGE))
    if article.status == Status.PUBLISHED and edited.published_at is None:
        edited.published_at = article.published_at
    changed = edited_fields(article, edited)
    if "body" not in changed:
        # The same text as CKEditor wrote it back: keep the stored body (it has the
        # pictures' sizes, which CKEditor drops).
        edited.body = article.body
    outcome = Outcome(Kind.SAVED, edited)
    if recalls(article, by, changed):
        article_recall(article=article, by=by)
        outcome = Outcome(Kind.RECALLED, edited, _said(messages.WARNING, RECALLED))
    for name in ("status", "review_comment", "revision_of_id", "created_by_id"):
        setattr(edited, name, getattr(article, name))
    if not changed:
        return Outcome(Kind.UNCHANGED, edited)
    edited._history_user = by
    edited.version = article.version + 1
    edited.save()
    return outcome


# -- The buttons: which transitions a user may take, and taking them ------------------


@dataclass(frozen=True)
class Transition:
    """A transition as the article form offers it: the ReviewEvent action it records,
    its button's label, the name the button posts, and what taking it on many
    articles from the list reports."""

    action: str
    label: str
    field_name: str
    done_in_bulk: str = ""
    is_default: bool = False


TRANSITIONS = [
    Transition(
        Action.SUBMIT,
        label=gettext_lazy("保存并提交审核"),
        field_name="_submit",
        done_in_bulk=gettext_lazy("已提交审核 %d 篇。"),
    ),
    Transition(
        Action.APPROVE,
        label=gettext_lazy("审核通过并发布"),
        field_name="_approve",
        done_in_bulk=gettext_lazy("已发布 %d 篇文章。"),
        is_default=True,
    ),
    Transition(Action.SEND_BACK, label=gettext_lazy("退回修改"), field_name="_send_back"),
    Transition(
        Action.WITHDRAW,
        label=gettext_lazy("撤回"),
        field_name="_withdraw",
        done_in_bulk=gettext_lazy("已撤回 %d 篇文章。"),
    ),
]

# Refusals that depend on the request, not on the user or the article's state: the
# button is offered, and pressing it says what is missing or what changed meanwhile.
DECIDED_WHEN_PRESSED = {"comment_required", "base_changed"}


def actions_for(article, user):
    """The transitions `user` may take on the stored `article` now, in button order.
    check() refuses any other, with the reason."""
    return [t for t in TRANSITIONS if _may(t.action, article, user)]


def _may(action, article, user):
    try:
        check(action, article=article, by=user)
    except PermissionDenied:
        return False
    except ValidationError as error:
        return error.code in DECIDED_WHEN_PRESSED
    return True


def save_label(article, user):
    """The label of the plain save button: it says when a save makes a 修改稿."""
    return _("保存为修改稿") if becomes_change(article, user) else _("保存")


def pressed(data):
    """The transition whose button was pressed in the posted form `data`, or None
    (the plain save)."""
    return next((t for t in TRANSITIONS if t.field_name in data), None)


def check(action, *, article, by, comment=""):
    """Raise the refusal (ValidationError or PermissionDenied) if `by` may not take
    `action` on the stored `article` now; change nothing."""
    if action == Action.SUBMIT:
        check_submit(article=article, by=by)
    elif action == Action.APPROVE:
        check_approve(article=article, by=by)
    elif action == Action.SEND_BACK:
        check_send_back(article=article, by=by, comment=comment)
    elif action == Action.WITHDRAW:
        check_withdraw(article=article, by=by)
    else:
        raise ValueError(action)


def check_pressed(action, *, article, by, comment=""):
    """check() for a button pressed together with a save of `article` (the form's
    copy, new when it has no pk), before anything is saved: judged on the stored
    state, and on what the save makes (a new article is a draft; an editor's edit of
    a published article, a 修改稿)."""
    stored = Article.objects.filter(pk=article.pk).first() or Article()
    target = edit_target(stored, by) or Article(revision_of=stored)
    check(action, article=target, by=by, comment=comment)


def take_action(action, *, article, by, comment="", confirmed=False):
    """Take `action` on `article` as `by`: TAKEN, with the article as it now is (for
    an approved 修改稿, the article it was copied onto) and a message saying its new
    state, or REFUSED with the reason. `confirmed`: the reviewer confirmed what the
    approval checks ask (approval_issues)."""
    try:
        if action == Action.SUBMIT:
            article_submit(article=article, by=by)
        elif action == Action.APPROVE:
            article = article_approve(article=article, by=by, comment=comment, confirmed=confirmed)
        elif action == Action.SEND_BACK:
            article_send_back(article=article, by=by, comment=comment)
        elif action == Action.WITHDRAW:
            article_withdraw(article=article, by=by, comment=comment)
        else:
            raise ValueError(action)
    except (ValidationError, PermissionDenied) as error:
        return _refused(article, error)
    status = article.get_status_display()
    message = _("「%(title)s」：%(status)s") % {"title": article.title, "status": status}
    if article.is_scheduled:
        when = date_format(timezone.localtime(article.published_at), "Y年n月j日 H:i")
        message += _("，将于北京时间 %(when)s 自动出现在网站上。") % {"when": when}
    return Outcome(Kind.TAKEN, article, _said(messages.SUCCESS, message))


def take_in_bulk(action, *, articles, by):
    """Take `action` on each of `articles`, as from the article list: one Outcome
    saying how many were taken and why the others were not. Approval in bulk takes
    only what was submitted for review: a draft (perhaps just recalled by its editor)
    is published from its own page, after reading it."""
    skipped = 0
    if action == Action.APPROVE:
        skipped = articles.exclude(status=Status.REVIEW).count()
        articles = articles.awaiting_review()
    # A list leaves the bodies out; a transition saves the whole article.
    outcomes = [take_action(action, article=article, by=by) for article in articles.defer(None)]
    taken = sum(outcome.kind == Kind.TAKEN for outcome in outcomes)
    notes = []
    if taken:
        done = next(t.done_in_bulk for t in TRANSITIONS if t.action == action)
        notes += _said(messages.SUCCESS, done % taken)
    for outcome in outcomes:
        if outcome.kind == Kind.REFUSED:
            reason = " ".join(text for _level, text in outcome.messages)
            notes += _said(messages.ERROR, f"「{outcome.article.title}」：{reason}")
    if skipped:
        warning = _("%(count)d 篇不是“待审核”状态，未发布：批量发布只发布已提交审核的文章。")
        notes += _said(messages.WARNING, warning % {"count": skipped})
    return Outcome(Kind.TAKEN if taken else Kind.REFUSED, None, tuple(notes))
