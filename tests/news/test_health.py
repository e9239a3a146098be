"""Column health: inspections fail a site whose news-type columns go more than two
weeks without an update, whose notice-type columns go more than six months, or
whose columns sit empty. The admin index warns staff before that happens.

States are measured against a fixed moment, in Beijing calendar days.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from news.health import State, column_health
from news.models import Article, Column
from tests.factories import ArticleFactory, ColumnFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2025, 6, 15, 12, 0, tzinfo=BEIJING)
ADMIN_INDEX = "admin:index"


def days_ago(days, moment=NOW):
    return moment - datetime.timedelta(days=days)


def health_of(column, now=NOW):
    return next(health for health in column_health(now) if health.column == column)


def state_after(days, **column_fields):
    column = ColumnFactory(**column_fields)
    ArticleFactory(column=column, published_at=days_ago(days))
    return health_of(column).state


# -- States at their boundaries ---------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "state"),
    [
        (0, State.OK),
        (10, State.OK),  # 4 days left: more than the 3-day warning
        (11, State.DUE_SOON),  # 3 days left (20% of 14 is only 2.8: the 3-day floor wins)
        (14, State.DUE_SOON),  # the last day of the interval
        (15, State.OVERDUE),
    ],
)
def test_news_column_is_overdue_after_fourteen_days_and_warns_three_days_before(days, state):
    assert state_after(days, kind=Column.Kind.NEWS) == state


@pytest.mark.parametrize(
    ("days", "state"),
    [
        (143, State.OK),
        (144, State.DUE_SOON),  # 36 days left: the last 20% of 180 days
        (180, State.DUE_SOON),
        (181, State.OVERDUE),
    ],
)
def test_notice_column_is_overdue_after_180_days_and_warns_in_the_last_fifth(days, state):
    assert state_after(days, kind=Column.Kind.NOTICE) == state


@pytest.mark.parametrize(
    ("days", "state"),
    [(23, State.OK), (24, State.DUE_SOON), (30, State.DUE_SOON), (31, State.OVERDUE)],
)
def test_a_columns_own_interval_replaces_the_default(days, state):
    assert state_after(days, kind=Column.Kind.NEWS, update_interval_days=30) == state


def test_column_without_a_live_article_is_empty():
    column = ColumnFactory()

    health = health_of(column)

    assert health.state == State.EMPTY
    assert health.last_published is None
    assert health.days_since is None
    assert health.interval_days == 14


def test_days_are_counted_in_beijing_calendar_days():
    # 1 June 00:05 is 14 calendar days before 15 June, though 14.5 days have passed;
    # 31 May 23:55 is 15 calendar days before, though only 14.5 days have passed.
    on_time = ColumnFactory()
    ArticleFactory(column=on_time, published_at=datetime.datetime(2025, 6, 1, 0, 5, tzinfo=BEIJING))
    late = ColumnFactory()
    ArticleFactory(column=late, published_at=datetime.datetime(2025, 5, 31, 23, 55, tzinfo=BEIJING))

    assert (health_of(on_time).days_since, health_of(on_time).state) == (14, State.DUE_SOON)
    assert (health_of(late).days_since, health_of(late).state) == (15, State.OVERDUE)


def test_report_gives_the_newest_live_publication_and_the_days_since():
    column = ColumnFactory()
    ArticleFactory(column=column, published_at=days_ago(20))
    newest = ArticleFactory(column=column, published_at=days_ago(5))

    health = health_of(column)

    assert health.last_published == newest.published_at
    assert health.last_update_date == datetime.date(2025, 6, 10)
    assert (health.days_since, health.interval_days, health.days_left) == (5, 14, 9)


@pytest.mark.parametrize(
    "unpublished",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"status": Article.Status.DRAFT, "published_at": days_ago(1)},
        {"status": Article.Status.REVIEW, "published_at": days_ago(1)},
        {"status": Article.Status.WITHDRAWN, "published_at": days_ago(1)},
        {"status": Article.Status.PUBLISHED, "published_at": NOW + datetime.timedelta(hours=1)},
    ],
    ids=["draft", "dated-draft", "in-review", "withdrawn", "scheduled"],
)
def test_an_article_the_public_cannot_see_is_not_an_update(unpublished):
    column = ColumnFactory()
    old = ArticleFactory(column=column, published_at=days_ago(20))
    ArticleFactory(column=column, **unpublished)
    only_unpublished = ColumnFactory()
    ArticleFactory(column=only_unpublished, **unpublished)

    assert health_of(column).state == State.OVERDUE
    assert health_of(column).last_published == old.published_at
    assert health_of(only_unpublished).state == State.EMPTY


def test_a_scheduled_article_counts_once_its_time_has_come():
    column = ColumnFactory()
    ArticleFactory(column=column, published_at=days_ago(20))
    ArticleFactory(column=column, published_at=NOW + datetime.timedelta(hours=1))

    assert health_of(column, now=NOW).state == State.OVERDUE
    assert health_of(column, now=NOW + datetime.timedelta(hours=2)).state == State.OK


def test_columns_are_listed_worst_first():
    ok = ColumnFactory(order=1)
    ArticleFactory(column=ok, published_at=days_ago(1))
    due_soon = ColumnFactory(order=2)
    ArticleFactory(column=due_soon, published_at=days_ago(12))
    slightly_overdue = ColumnFactory(order=3)
    ArticleFactory(column=slightly_overdue, published_at=days_ago(16))
    long_overdue = ColumnFactory(order=4)
    ArticleFactory(column=long_overdue, published_at=days_ago(40))
    empty = ColumnFactory(order=5)

    assert [health.column for health in column_health(NOW)] == [
        empty,
        long_overdue,
        slightly_overdue,
        due_soon,
        ok,
    ]


@pytest.mark.parametrize("columns", [2, 10])
def test_the_report_costs_one_query_however_many_columns(columns, django_assert_num_queries):
    for index in range(columns):
        column = ColumnFactory()
        if index % 2:
            ArticleFactory.create_batch(3, column=column, published_at=days_ago(index))

    with django_assert_num_queries(1):
        report = column_health(NOW)

    assert len(report) == columns


# -- On the admin index -------------------------------------------------------------------


def real_days_ago(days):
    """The admin measures against the clock."""
    return days_ago(days, moment=timezone.now())


def reminders(response):
    html = response.content.decode()
    start = html.index('id="admin-reminders"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def columns_in_every_state(db):
    overdue = ColumnFactory(name="部门动态", slug="bmdt")
    ArticleFactory(column=overdue, published_at=real_days_ago(20))
    due_soon = ColumnFactory(name="通知公告", slug="tzgg", kind=Column.Kind.NOTICE)
    ArticleFactory(column=due_soon, published_at=real_days_ago(170))
    empty = ColumnFactory(name="政策法规", slug="zcfg")
    ok = ColumnFactory(name="基层风采", slug="jcfc")
    ArticleFactory(column=ok, published_at=real_days_ago(1))
    return {"overdue": overdue, "due_soon": due_soon, "empty": empty, "ok": ok}


def test_admin_index_names_overdue_empty_and_due_soon_columns_in_words(
    superuser_client, columns_in_every_state
):
    response = superuser_client.get(reverse(ADMIN_INDEX))

    assert response.status_code == 200
    panel = reminders(response)
    assert "栏目更新提醒" in panel
    assert "【逾期】</span><strong>部门动态" in panel
    assert "【空栏目】</span><strong>政策法规" in panel
    assert "【即将到期】</span><strong>通知公告" in panel
    assert "基层风采" not in panel
    assert "已 20 天；更新周期 14 天，已超期 6 天" in panel
    assert "已 170 天；更新周期 180 天，还剩 10 天" in panel
    assert "还没有公开的文章" in panel
    # Worst first: never updated, then overdue, then merely due soon.
    assert panel.index("政策法规") < panel.index("部门动态") < panel.index("通知公告")


def test_each_reminder_links_to_writing_an_article_there_and_to_the_column_page(
    superuser_client, columns_in_every_state
):
    overdue = columns_in_every_state["overdue"]

    panel = reminders(superuser_client.get(reverse(ADMIN_INDEX)))

    add_url = f"{reverse('admin:news_article_add')}?column={overdue.pk}"
    assert f'href="{add_url}"' in panel
    assert f'href="{overdue.get_absolute_url()}"' in panel


def test_the_add_link_preselects_the_column(superuser_client, column):
    response = superuser_client.get(reverse("admin:news_article_add"), {"column": column.pk})

    assert response.context["adminform"].form.initial["column"] == str(column.pk)


def test_admin_index_says_so_in_one_line_when_every_column_is_up_to_date(superuser_client, column):
    ArticleFactory(column=column, published_at=real_days_ago(2))

    panel = reminders(superuser_client.get(reverse(ADMIN_INDEX)))

    assert "所有栏目都在更新周期内。" in panel
    assert "逾期" not in panel
    assert "即将到期" not in panel


def staff_in(group_name, django_user_model, username):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_reviewer_sees_how_many_articles_wait_for_review(client, column, django_user_model):
    ArticleFactory.create_batch(2, column=column, status=Article.Status.REVIEW)
    ArticleFactory(column=column, status=Article.Status.DRAFT)
    client.force_login(staff_in("审核", django_user_model, "reviewer"))

    panel = reminders(client.get(reverse(ADMIN_INDEX)))

    changelist = reverse("admin:news_article_changelist")
    assert f'<a href="{changelist}?queue=review">待审核的文章：2 篇</a>' in panel


def test_editor_sees_their_own_returned_drafts_but_not_the_review_queue(
    client, column, django_user_model
):
    editor = staff_in("编辑", django_user_model, "editor-wang")
    colleague = staff_in("编辑", django_user_model, "editor-li")
    ArticleFactory(column=column, status=Article.Status.REVIEW, created_by=editor)
    ArticleFactory(
        column=column,
        status=Article.Status.DRAFT,
        created_by=editor,
        review_comment="请补充活动照片。",
    )
    ArticleFactory(column=column, status=Article.Status.DRAFT, created_by=editor)
    ArticleFactory(
        column=column,
        status=Article.Status.DRAFT,
        created_by=colleague,
        review_comment="标题过长。",
    )
    client.force_login(editor)

    panel = reminders(client.get(reverse(ADMIN_INDEX)))

    changelist = reverse("admin:news_article_changelist")
    assert f'<a href="{changelist}?queue=returned">退回给我修改的稿件：1 篇</a>' in panel
    assert "待审核的文章" not in panel


def test_staff_who_cannot_see_articles_get_no_panel(client, db, django_user_model):
    ColumnFactory()  # empty: there would be something to say
    user = django_user_model.objects.create_user("statistician", password="pw", is_staff=True)
    client.force_login(user)

    response = client.get(reverse(ADMIN_INDEX))

    assert response.status_code == 200
    assert "栏目更新提醒" not in response.content.decode()
