"""Readable differences between two versions of an article, for the history page.

Chinese has no spaces, so the diff works on characters; the body is compared as
its plain text, one paragraph a line, so that markup changes do not drown the
words that changed.
"""

import dataclasses
import datetime
import difflib

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from .sanitize import html_to_text

CONTEXT = 12  # unchanged characters shown either side of a change


def text_diff(old, new):
    """HTML with <del> and <ins> around what changed, long unchanged runs elided."""
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    last = len(opcodes) - 1
    parts = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            same = old[i1:i2]
            if len(same) > 2 * CONTEXT:
                head = same[:CONTEXT] if index > 0 else ""
                tail = same[-CONTEXT:] if index < last else ""
                same = f"{head}…{tail}"
            parts.append(conditional_escape(same))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", old[i1:i2]))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", new[j1:j2]))
    return mark_safe("".join(str(part) for part in parts))  # every part is escaped


def readable_value(field, value):
    """A stored value as staff know it: 已发布 not published, Beijing time in Chinese,
    是/否, the column's name, and （空） rather than None (issue 9, item 6)."""
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, DeletedObject):
        return _("（已删除）")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), _("Y年n月j日 H:i:s"))
    return value


class ArticleHistoryContext(HistoricalRecordContextHelper):
    """Title and body changes as a marked-up diff; other fields in words staff read."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if change.field in {"title", "body"}:
            return value  # diffed below
        return readable_value(self.model._meta.get_field(change.field), value)

    def format_delta_change(self, change):
        formatted = super().format_delta_change(change)
        if change.field == "title":
            return self._as_diff(formatted, change.old or "", change.new or "")
        if change.field == "body":
            return self._as_diff(
                formatted, html_to_text(change.old or ""), html_to_text(change.new or "")
            )
        return formatted

    @staticmethod
    def _as_diff(formatted, old, new):
        return dataclasses.replace(formatted, old="", new=text_diff(old, new))
