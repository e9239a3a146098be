"""check_links: dead links inside the site, found without network access, reported
by article, never repaired; exit status 1 when there are any, for cron and CI."""

import datetime
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from news.models import Article, Attachment
from tests.factories import ArticleFactory, ColumnFactory

pytestmark = pytest.mark.django_db

SITE_HOST = "fulian.example.cn"
OLD_HOST = "www.old-fulian.cn"  # the site's former address, named with --host
DEAD_LINE = re.compile(r"^  ✗ (.+?)：(.+)$", re.MULTILINE)
ARTICLE_LINE = re.compile(r"^文章「(.+)」（.+）$")


def run_check(*args):
    """The report and the exit status the shell would see."""
    out = StringIO()
    try:
        call_command("check_links", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def dead_links(report):
    return dict(DEAD_LINE.findall(report))


def dead_links_by_article(report):
    """{article title: {target: reason}} as the report groups them."""
    grouped, title = {}, None
    for line in report.splitlines():
        if heading := ARTICLE_LINE.match(line):
            title = heading.group(1)
            grouped[title] = {}
        elif dead := DEAD_LINE.match(line):
            grouped[title][dead.group(1)] = dead.group(2)
    return grouped


def deleted_id(instance):
    pk = instance.pk
    instance.delete()
    return pk


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = tmp_path / "uploads" / "2025" / "06" / "photo.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    return tmp_path


@pytest.fixture
def site(settings, media):
    settings.ALLOWED_HOSTS = [SITE_HOST]
    column = ColumnFactory(name="部门动态", slug="bmdt")
    live = ArticleFactory(column=column, title="巾帼志愿服务进社区")
    withdrawn = ArticleFactory(column=column, status=Article.Status.WITHDRAWN)
    scheduled = ArticleFactory(
        column=column, published_at=timezone.now() + datetime.timedelta(days=1)
    )
    gone_article = deleted_id(ArticleFactory(column=column))
    kept = ArticleFactory(column=column, title="关于评选三八红旗手的通知")
    plan_pdf = media / "attachments" / "2025" / "06" / "plan.pdf"
    plan_pdf.parent.mkdir(parents=True)
    plan_pdf.write_bytes(b"%PDF-1.7")
    plan = Attachment.objects.create(
        article=kept,
        file="attachments/2025/06/plan.pdf",
        original_name="实施方案.pdf",
        file_type="pdf",
    )
    Attachment.objects.create(
        article=kept,
        file="attachments/2025/06/gone.pdf",
        original_name="报名表.pdf",
        file_type="pdf",
    )
    gone_attachment = deleted_id(
        Attachment.objects.create(article=kept, file="attachments/x.pdf", original_name="x.pdf")
    )
    links = {
        "alive": [
            f"/articles/{live.pk}/",
            "/media/uploads/2025/06/photo.jpg",
            "/news/bmdt/",
            "../../news/bmdt/",  # relative to /articles/<id>/
            "/news/",
            "/feed/",
            f"/attachments/{plan.pk}/",
            f"https://{SITE_HOST}/articles/{live.pk}/",
            "#section-2",
            "mailto:fulian@example.cn",
        ],
        "dead": {
            f"/articles/{withdrawn.pk}/": "文章未公开（已撤回）",
            f"/articles/{scheduled.pk}/": "文章尚未到发布时间",
            f"/articles/{gone_article}/": "文章不存在（可能已被删除）",
            "/media/uploads/2025/06/missing.jpg": "文件不存在",
            "/news/no-such-column/": "栏目不存在",
            "/no/such/page/": "网站上没有这个地址",
            "/news/?page=99": "页面返回 404",
            f"/attachments/{gone_attachment}/": "附件不存在（可能已被删除）",
            f"https://{SITE_HOST}/articles/{gone_article}/": "文章不存在（可能已被删除）",
            f"http://{OLD_HOST}/media/uploads/old.png": "文件不存在",
        },
        "external": ["https://www.gov.cn/zhengce/"],
    }
    body = "".join(
        f'<p><a href="{href}">链接</a></p>'
        for href in [*links["alive"], *links["dead"], *links["external"]]
        if not href.startswith("/media/")
    )
    body += '<p><img src="/media/uploads/2025/06/photo.jpg" alt="活动照片"></p>'
    body += '<p><img src="/media/uploads/2025/06/missing.jpg" alt="缺失的照片"></p>'
    linking = ArticleFactory(column=column, title="市妇联开展巾帼志愿服务月活动", body=body)
    kept.body = f'<p>详见<a href="/articles/{gone_article}/">上一期通知</a>。</p>'
    kept.save()
    return {"linking": linking, "kept": kept, "gone_article": gone_article, **links}


def test_report_lists_exactly_the_dead_links_with_their_reasons(site):
    report, status = run_check("--host", OLD_HOST)

    assert status == 1
    assert dead_links_by_article(report) == {
        site["kept"].title: {
            f"/articles/{site['gone_article']}/": "文章不存在（可能已被删除）",
            "附件「报名表.pdf」": "附件的文件缺失（attachments/2025/06/gone.pdf）",
        },
        site["linking"].title: site["dead"],
    }


def test_report_is_grouped_by_article_with_its_title_and_admin_address(site):
    report, _status = run_check("--host", OLD_HOST)

    linking, kept = site["linking"], site["kept"]
    assert f"文章「{linking.title}」（已发布）\n  后台：{admin_change(linking)}\n  ✗ " in report
    assert f"文章「{kept.title}」（已发布）\n  后台：{admin_change(kept)}\n  ✗ " in report
    assert "巾帼志愿服务进社区" not in report  # no dead links: not listed


def admin_change(article):
    return reverse("admin:news_article_change", args=[article.pk])


def test_external_links_are_skipped_and_counted(site):
    report, _status = run_check("--host", OLD_HOST)

    assert "站外链接 1 个，未检查" in report
    assert "www.gov.cn" not in dead_links(report)


def test_an_unnamed_old_address_counts_as_external(site):
    report, _status = run_check()

    assert f"http://{OLD_HOST}/media/uploads/old.png" not in dead_links(report)
    assert "站外链接 2 个，未检查" in report


def test_a_site_without_dead_links_exits_zero(settings, media):
    settings.ALLOWED_HOSTS = [SITE_HOST]
    column = ColumnFactory(slug="tzgg")
    target = ArticleFactory(column=column)
    ArticleFactory(
        column=column,
        body=(
            f'<p><a href="/articles/{target.pk}/">通知</a><a href="/news/tzgg/">栏目</a>'
            '<a href="https://www.gov.cn/">中国政府网</a></p>'
            '<p><img src="/media/uploads/2025/06/photo.jpg" alt="照片"></p>'
        ),
    )

    report, status = run_check()

    assert status == 0
    assert "未发现失效链接。" in report
    assert "✗" not in report


def test_only_live_articles_are_checked_unless_all_is_given(settings, media):
    settings.ALLOWED_HOSTS = [SITE_HOST]
    draft = ArticleFactory(
        title="未完成的草稿", status=Article.Status.DRAFT, body='<p><a href="/nowhere/">x</a></p>'
    )

    _report, status = run_check()
    assert status == 0

    report, status = run_check("--all")

    assert status == 1
    assert f"文章「{draft.title}」（草稿）" in report
    assert dead_links(report) == {"/nowhere/": "网站上没有这个地址"}


def database_contents():
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
    }


def test_checking_changes_nothing_in_the_database(site):
    before = database_contents()

    run_check("--all", "--host", OLD_HOST)

    # Rendering a page may write (the first page creates the site profile row, an
    # article page counts a reading); the command rolls all of it back.
    assert database_contents() == before
