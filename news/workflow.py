"""The review rule (编辑撰稿，审核发布): state changes of an article.

    draft --submit--> review --approve--> published --withdraw--> withdrawn
      ^                 |
      +---send back-----+   (with the reviewer's comment)

An editor may write and submit; only a user with news.publish_article approves,
sends back or withdraws. An editor's change to a published article is saved as a
separate draft (修改稿, `revision_of`) and goes through the same review; approving
it copies it onto the published article, whose address never changes. So no
editor alone can ever change what the public sees.

Each function checks the permission, changes the state inside a transaction and
records a ReviewEvent, the audit trail.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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


def is_public_or_scheduled(article):
    """Published, whether already visible or waiting for its time."""
    return article.status == Status.PUBLISHED


def _require(condition, message, code=None):
    if not condition:
        raise ValidationError(message, code=code)


# -- What each transition requires ------------------------------------------------
# Asked twice: by the article form before anything is saved (a refusal then leaves
# the page as it was typed, nothing lost) and by the transition itself, under the
# row lock, in case something changed in between.


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


@transaction.atomic
def article_approve(*, article, by, comment=""):
    """A reviewer publishes. A future publish time makes it scheduled: it appears
    at that time by itself. A 修改稿 is copied onto the article it changes."""
    check_approve(article=article, by=by, lock=True)
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
            revision_of=article, created_by=by, column=article.column,
            base_snapshot=snapshot(article),
        )  # fmt: skip
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
                article=change, title=old.title, file=old.file.name,
                original_name=old.original_name, file_type=old.file_type, size=old.size,
                order=old.order,
            )
            for old in article.attachments.all()
        )  # fmt: skip
    return change


# -- One entry point per question, for the article form's buttons -----------------


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


def transition(action, *, article, by, comment=""):
    """Take `action`; returns the article as it now is (for an approved 修改稿, the
    article it was copied onto)."""
    if action == Action.SUBMIT:
        article_submit(article=article, by=by)
    elif action == Action.APPROVE:
        return article_approve(article=article, by=by, comment=comment)
    elif action == Action.SEND_BACK:
        article_send_back(article=article, by=by, comment=comment)
    elif action == Action.WITHDRAW:
        article_withdraw(article=article, by=by, comment=comment)
    else:
        raise ValueError(action)
    return article
