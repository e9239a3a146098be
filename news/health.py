"""How recently each column was updated, measured against its update interval.

Inspections of government and public-organisation websites fail a site outright
when a news-type column goes more than two weeks without a new article, a
notice-type column more than six months, or a column sits empty. `column_health`
tells staff which columns are there already and which are close, on the admin
index, before an inspector does.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Article, Column


class State:
    EMPTY = "empty"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OK = "ok"

    LABELS = {EMPTY: _("空栏目"), OVERDUE: _("逾期"), DUE_SOON: _("即将到期"), OK: _("正常")}
    # Worst first. An empty column fails an inspection like an overdue one and has
    # never been updated at all, so it leads.
    RANK = {EMPTY: 0, OVERDUE: 1, DUE_SOON: 2, OK: 3}


def warning_days(interval_days):
    """How many days before the deadline a column counts as due soon: the last 20%
    of its interval or the last 3 days, whichever is larger.

    20% gives a notice column (180 days) five weeks' warning; the 3-day floor keeps
    a news column (14 days, 20% = 2.8) from warning only on its last two days.
    Days are whole, so the floor of 20% is exactly "within the last 20%"."""
    return max(interval_days // 5, 3)


@dataclass(frozen=True)
class ColumnHealth:
    column: Column
    last_published: datetime.datetime | None  # the newest live article's publish time
    days_since: int | None  # None for an empty column
    interval_days: int
    warning_days: int
    state: str

    @property
    def last_update_date(self):
        return timezone.localdate(self.last_published) if self.last_published else None

    @property
    def days_left(self):
        """Days until the interval is used up; negative once overdue."""
        return None if self.days_since is None else self.interval_days - self.days_since

    @property
    def days_overdue(self):
        return max(0, -self.days_left) if self.days_left is not None else 0

    @property
    def state_label(self):
        return State.LABELS[self.state]

    @property
    def needs_update(self):
        return self.state in {State.EMPTY, State.OVERDUE}


def column_health(now=None):
    """Every column with its last live publication and its state, worst first.

    One query however many columns there are."""
    now = now or timezone.now()
    # The public rule measured at `now`: a draft, a withdrawn article or one
    # scheduled for later is not an update.
    live = Article.live_condition(now, prefix="articles__")
    columns = Column.objects.annotate(last_published=Max("articles__published_at", filter=live))
    today = timezone.localdate(now)
    report = [_assess(column, today) for column in columns]
    report.sort(key=lambda health: (State.RANK[health.state], _urgency(health)))
    return report


def _assess(column, today):
    interval = column.interval_days
    warning = warning_days(interval)
    if column.last_published is None:
        days_since, state = None, State.EMPTY
    else:
        # Counted in Beijing calendar days, as an inspector reads the dates shown
        # on the pages: an article of 1 June is 14 days old on 15 June at any hour.
        days_since = (today - timezone.localdate(column.last_published)).days
        if days_since > interval:
            state = State.OVERDUE
        elif interval - days_since <= warning:
            state = State.DUE_SOON
        else:
            state = State.OK
    return ColumnHealth(
        column=column,
        last_published=column.last_published,
        days_since=days_since,
        interval_days=interval,
        warning_days=warning,
        state=state,
    )


def _urgency(health):
    # Within a state, the column with the fewest days left comes first; then the
    # columns' own order.
    days_left = health.days_left if health.days_left is not None else 0
    return (days_left, health.column.order, health.column.pk)
