"""The site's particulars, footer links and error reports moved from news to fedsite
(news 0011, fedsite 0001) with every row, id and staff permission, on a database
that already holds them and articles with attachments."""

import datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from fedsite.models import ErrorReport, ExternalLink, SiteProfile
from news.models import Article, Attachment

BEFORE_THE_MOVE = [("news", "0010_site_logo"), ("fedsite", None)]
MOVED = ["siteprofile", "externallink", "errorreport"]


def migrate(targets):
    """Migrate the test database to `targets`; the historical models there."""
    return MigrationExecutor(connection).migrate(targets).apps


def migrate_to_the_end():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def reviewer_grants(models):
    Group = models.get_model("auth", "Group")
    return sorted(
        (permission.content_type.app_label, permission.codename)
        for permission in Group.objects.get(name="审核").permissions.select_related("content_type")
        if permission.content_type.model in MOVED
    )


@pytest.fixture
def before_the_move():
    """The database as it was before issue 10; migrated to the end again afterwards,
    whatever the test did, so the tests after it find the schema they expect."""
    try:
        yield migrate(BEFORE_THE_MOVE)
    finally:
        migrate_to_the_end()
        ContentType.objects.clear_cache()


# transaction=True: migrations cannot run inside the test's transaction on SQLite.
# serialized_rollback: the rows migrations made (roles, the profile) come back after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_moving_the_site_models_keeps_their_rows_ids_and_permissions(before_the_move):
    old = before_the_move
    profile = old.get_model("news", "SiteProfile").objects.get()  # made by news 0007
    profile.phone = "0571-12345678"
    profile.icp_number = "浙ICP备00000000号"
    profile.logo = "site/2026/11/logo.png"
    profile.save()
    link = old.get_model("news", "ExternalLink").objects.create(
        name="全国妇联", url="https://www.women.org.cn/", order=2
    )
    report = old.get_model("news", "ErrorReport").objects.create(
        page_url="/articles/1/", description="联系电话写错了", contact="13800000000"
    )
    column = old.get_model("news", "Column").objects.create(name="部门动态", slug="bmdt")
    article = old.get_model("news", "Article").objects.create(
        title="三八红旗手表彰", column=column, body="<p>正文</p>", source="市妇联"
    )
    # A published article: the upgrade numbers it for the lists (news 0012) on a
    # table with rows, which PostgreSQL refused once the new indexes were built in the
    # same transaction as the numbering ("pending trigger events").
    published = old.get_model("news", "Article").objects.create(
        title="巾帼大宣讲",
        column=column,
        body="<p>正文</p>",
        source="市妇联",
        status="published",
        published_at=datetime.datetime(2022, 3, 8, 2, 0, tzinfo=datetime.UTC),
    )
    attachment = old.get_model("news", "Attachment").objects.create(
        article=article,
        file="attachments/2026/11/list.pdf",
        original_name="名单.pdf",
        file_type="pdf",
        size=1234,
    )
    grants_before = reviewer_grants(old)
    content_type_ids = dict(
        old.get_model("contenttypes", "ContentType")
        .objects.filter(app_label="news", model__in=MOVED)
        .values_list("model", "id")
    )

    migrate_to_the_end()
    ContentType.objects.clear_cache()

    moved_profile = SiteProfile.objects.get()
    assert moved_profile.pk == profile.pk
    assert (moved_profile.phone, moved_profile.icp_number, moved_profile.logo.name) == (
        "0571-12345678",
        "浙ICP备00000000号",
        "site/2026/11/logo.png",
    )
    assert list(ExternalLink.objects.values_list("id", "name", "url", "order")) == [
        (link.pk, "全国妇联", "https://www.women.org.cn/", 2)
    ]
    assert list(ErrorReport.objects.values_list("id", "description", "contact")) == [
        (report.pk, "联系电话写错了", "13800000000")
    ]
    assert Article.objects.get(pk=article.pk).title == "三八红旗手表彰"
    assert Attachment.objects.get(pk=attachment.pk).article_id == article.pk
    assert Article.objects.filter(pk=published.pk).values_list(
        "list_position", "column_position"
    ).get() == (1, 1)
    # The same content types, relabelled, so the 审核 group keeps what news 0005 gave it.
    assert grants_before == [("news", codename) for _, codename in grants_before]
    assert "change_siteprofile" in {codename for _, codename in grants_before}
    assert reviewer_grants(apps) == [("fedsite", codename) for _, codename in grants_before]
    assert {
        model: ContentType.objects.get_by_natural_key("fedsite", model).id for model in MOVED
    } == content_type_ids
    assert not ContentType.objects.filter(app_label="news", model__in=MOVED).exists()
