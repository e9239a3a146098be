"""Template tags for the admin's own pages."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from news import workflow
from news.health import State, column_health
from news.models import Article

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_reminders(context):
    """What the admin index reminds staff of: columns overdue or close to it, and
    the articles waiting for them. None for a user who cannot see articles."""
    user = context["request"].user
    # As in the admin, the right to change articles includes the right to see them.
    if not (user.has_perm("news.view_article") or user.has_perm("news.change_article")):
        return None
    columns = column_health()
    groups = [
        {
            "css_class": "needs-update",
            "title": _("逾期和空栏目"),
            "columns": [health for health in columns if health.needs_update],
        },
        {
            "css_class": "due-soon",
            "title": _("即将到期"),
            "columns": [health for health in columns if health.state == State.DUE_SOON],
        },
    ]
    # The same querysets as the article list's 待我处理 filter, which they link to.
    return {
        "groups": [group for group in groups if group["columns"]],
        "review_count": (
            Article.objects.awaiting_review().count() if workflow.can_publish(user) else None
        ),
        "returned_count": Article.objects.returned_to(user).count(),
        "changelist_url": reverse("admin:news_article_changelist"),
        "add_url": reverse("admin:news_article_add"),
    }
