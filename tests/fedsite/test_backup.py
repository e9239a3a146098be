"""Backups (fedsite.backup): `manage.py backup` and `manage.py restore`, on the
database the suite runs on: SQLite in the first run of .ci/run, PostgreSQL (real
pg_dump, pg_restore and psql) in the second.

The round trip builds a site the way staff do (pictures uploaded through the editor,
an article with a cover and an attachment submitted and approved, its history, work
figures, the footer's settings, users in groups with permissions), backs it up,
wipes the database and the media, restores, and finds every row of every table and
every media file again, and the pages showing them. Refused archives (not ours,
damaged, tampered, from another database or a newer version) and a database with
content change nothing. Hostile archives are in test_backup_archive.py.
"""

import hashlib
import io
import json
import os
import shutil
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from fedsite import cache
from fedsite.backup import BackupFailed
from fedsite.backup.archive import ArchiveWriter
from fedsite.backup.create import archives_in
from fedsite.backup.database import find_pg_tool
from fedsite.models import ErrorReport, ExternalLink
from news.models import Article, ReviewEvent
from stats.models import YearlyValue
from tests.factories import ArticleFactory
from tests.helpers import article_form, image_bytes, logged_in, page, press, set_profile
from tests.stats.factories import IndicatorFactory, YearlyValueFactory

# The commands run their own connections (pg_dump, psql) or need the database out of
# any transaction (SQLite's backup): every test commits, as the site does.
# serialized_rollback: the rows migrations made (the roles, the profile) are there.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
PASSWORD = "backup-test-password-9"  # noqa: S105 (test accounts only)
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _postgresql_client():
    """On PostgreSQL the commands need pg_dump, pg_restore and psql (postgresql-client,
    which .ci/run installs). Outside CI a machine without them skips; in CI it fails."""
    if not ON_POSTGRESQL:
        return
    try:
        for tool in ("pg_dump", "pg_restore", "psql"):
            find_pg_tool(tool, 0)
    except BackupFailed as missing:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(missing))


# -- Running the commands -----------------------------------------------------------


def backup(folder, *options):
    out = io.StringIO()
    call_command("backup", "--output", str(folder), *options, stdout=out)
    return out.getvalue()


def newest_archive(folder):
    return archives_in(folder)[-1]


def restore(archive, *options):
    out = io.StringIO()
    call_command("restore", str(archive), "--noinput", *options, stdout=out)
    return out.getvalue()


def refused(archive, *options):
    """(exit code, message) of a restore that is refused, having checked that it
    changed nothing in the database or the media."""
    before, files = everything(), media_files(Path(settings.MEDIA_ROOT))
    with pytest.raises(CommandError) as raised:
        restore(archive, *options)
    assert everything() == before and media_files(Path(settings.MEDIA_ROOT)) == files
    return raised.value.returncode, str(raised.value)


# -- What the site holds ------------------------------------------------------------


def everything():
    """Every row of every table, by model (sessions are never backed up)."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model is not Session
    }


def media_files(root):
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def wipe(media_root):
    """What a lost server leaves: a database without a single table, no media."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
            cursor.execute(f"DROP TABLE {quoted} CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
    shutil.rmtree(media_root)
    media_root.mkdir()


def build_site(django_user_model, column):
    """A site as staff make it, through the admin; returns the published article."""
    editor = django_user_model.objects.create_user("bianji", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="编辑"))
    reviewer = django_user_model.objects.create_user("shenhe", password=PASSWORD, is_staff=True)
    reviewer.groups.add(Group.objects.get(name="审核"))
    django_user_model.objects.create_superuser("admin", password=PASSWORD)
    readers = Group.objects.create(name="宣传部")
    readers.permissions.add(Permission.objects.get(codename="view_article"))
    intern = django_user_model.objects.create_user("shixi", password=PASSWORD, is_staff=True)
    intern.groups.add(readers)
    intern.user_permissions.add(Permission.objects.get(codename="view_reviewevent"))

    as_editor, as_reviewer = logged_in(editor), logged_in(reviewer)
    photo = SimpleUploadedFile("现场.jpg", image_bytes("JPEG", (1200, 800)), "image/jpeg")
    picture = as_editor.post(reverse("ckeditor_upload"), {"upload": photo}).json()["url"]
    cover = SimpleUploadedFile("封面.jpg", image_bytes("JPEG", (1200, 800), (30, 90, 160)))
    plan = SimpleUploadedFile("活动方案.pdf", PDF, "application/pdf")
    as_editor.post(
        reverse("admin:news_article_add"),
        article_form(
            column,
            [plan],
            "_submit",
            title="市妇联举办巾帼家政培训班",
            body=f'<p>全市巾帼家政培训班结业。</p><p><img src="{picture}" alt="结业式现场"></p>',
            cover=cover,
        ),
    )
    article = Article.objects.get(title="市妇联举办巾帼家政培训班")
    press(as_reviewer, article, "_approve", review_note="同意发布。")
    press(as_reviewer, article, "_continue", summary="培训班共培训家政服务员120人。")
    ArticleFactory(column=column, title="巾帼志愿者走进社区")

    indicator = IndicatorFactory(name="家政培训", unit="人次")
    YearlyValueFactory(indicator=indicator, year=2025, value=120, source_article=article)
    set_profile(
        address="示范市人民路 8 号",
        hotline="12338",
        logo=SimpleUploadedFile("标志.png", image_bytes("PNG", (600, 200))),
    )
    ExternalLink.objects.create(name="全国妇联", url="https://www.women.org.cn/", order=1)
    ErrorReport.objects.create(page_url="/news/", description="第二段有错别字。")
    article.refresh_from_db()
    return article


# -- The round trip -----------------------------------------------------------------


def test_a_wiped_site_comes_back_whole_from_its_backup(
    django_user_model, column, media_root, tmp_path
):
    article = build_site(django_user_model, column)
    signed_in = logged_in(django_user_model.objects.get(username="admin"))
    before, files = everything(), media_files(media_root)
    assert article.history.count() >= 3 and ReviewEvent.objects.count() == 2
    assert {name.split("/")[0] for name in files} >= {"uploads", "covers", "attachments"}
    assert any(name.startswith("renditions/") for name in files)
    said = backup(tmp_path / "backups")
    archive = newest_archive(tmp_path / "backups")
    assert f"备份完成：{archive}" in said

    wipe(media_root)
    generation = cache.site_generation()
    said = restore(archive)

    assert "恢复完成" in said
    assert everything() == before
    assert media_files(media_root) == files
    assert cache.site_generation() > generation  # no page cached from before is served
    # What readers and staff see again:
    reader = Client()
    html = page(reader.get(article.get_absolute_url()))
    assert "市妇联举办巾帼家政培训班" in html and article.cover.url in html
    assert 'alt="结业式现场"' in html
    assert "示范市人民路 8 号" in html and "全国妇联" in html
    download = reader.get(reverse("news:attachment", args=[article.attachments.get().pk]))
    assert b"".join(download.streaming_content) == PDF
    found = page(reader.get(reverse("news:search"), {"q": "家政培训"}))
    assert f'href="{article.get_absolute_url()}"' in found
    assert "120" in page(reader.get(reverse("stats:overview")))
    signing_in = reader.post(
        reverse("admin:login"),
        {"username": "bianji", "password": PASSWORD, "next": reverse("admin:index")},
    )
    assert signing_in.status_code == 302 and signing_in.url == reverse("admin:index")
    intern = django_user_model.objects.get(username="shixi")
    assert intern.has_perm("news.view_article") and intern.has_perm("news.view_reviewevent")
    # Sessions are not kept: whoever was signed in signs in again.
    assert signed_in.get(reverse("admin:index")).status_code == 302


def test_restore_over_a_changed_site_asks_for_force_then_brings_back_the_backed_up_state(
    django_user_model, column, media_root, tmp_path
):
    article = build_site(django_user_model, column)
    before, files = everything(), media_files(media_root)
    backup(tmp_path)
    archive = newest_archive(tmp_path)
    # Work after the backup: an article deleted, another written, a picture added.
    article.delete()
    ArticleFactory(column=column, title="备份之后写的稿件")
    set_profile(address="新地址")
    uploader = logged_in(django_user_model.objects.get(username="bianji"))
    picture = SimpleUploadedFile("新.png", image_bytes())
    uploader.post(reverse("ckeditor_upload"), {"upload": picture})

    code, message = refused(archive)

    assert code == 4 and "已有内容" in message and "--force" in message

    restore(archive, "--force")

    assert everything() == before
    assert media_files(media_root) == files  # the picture added since is gone too


def test_an_archive_from_an_older_version_is_migrated_and_its_search_index_rebuilt(
    column, media_root, tmp_path
):
    """As if made before the stats app and the search index existed: the restore runs
    the missing migrations and indexes the articles."""
    article = ArticleFactory(column=column, title="妇女儿童之家建设现场会召开")
    Article.objects.update(search_index="", title_index="")
    call_command("migrate", "stats", "zero", verbosity=0)
    backup(tmp_path)
    call_command("migrate", verbosity=0)
    wipe(media_root)

    said = restore(newest_archive(tmp_path))

    assert "运行迁移：stats.0001_initial" in said
    YearlyValueFactory(value=7)  # the stats tables are back
    assert YearlyValue.objects.count() == 1
    results = page(Client().get(reverse("news:search"), {"q": "现场会"}))
    assert f'href="{article.get_absolute_url()}"' in results


# -- What a backup is ---------------------------------------------------------------


def test_the_archive_holds_the_database_the_media_and_a_manifest_of_both(
    column, media_root, tmp_path
):
    ArticleFactory(column=column, cover=SimpleUploadedFile("封面.png", image_bytes("PNG")))
    backup(tmp_path)
    archive = newest_archive(tmp_path)

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes and drafts inside
    assert names[-1] == "manifest.json"
    assert names[0] == ("database.pgdump" if ON_POSTGRESQL else "database.sqlite3.gz")
    assert manifest["database"]["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["stats"]
    assert manifest["django_version"].startswith("5.2")
    listed = {item["name"]: item["sha256"] for item in manifest["files"]}
    assert {f"media/{name}": sha for name, sha in media_files(media_root).items()} == {
        name: sha for name, sha in listed.items() if name.startswith("media/")
    }


def test_keep_removes_the_oldest_archives_and_nothing_else(tmp_path):
    (tmp_path / "说明.txt").write_text("备份目录")
    (tmp_path / "fedsite-backup-手工.tar").write_bytes(b"not ours to delete")
    for _ in range(3):
        said = backup(tmp_path, "--keep", "2")

    archives = archives_in(tmp_path)
    assert len(archives) == 2 == len(list(tmp_path.glob("fedsite-backup-2*.tar")))
    assert "已删除旧备份" in said
    assert (tmp_path / "说明.txt").exists() and (tmp_path / "fedsite-backup-手工.tar").exists()
    assert not list(tmp_path.glob(".*partial"))


def test_keep_must_be_a_positive_number(tmp_path):
    with pytest.raises(CommandError, match="应为正整数"):
        backup(tmp_path, "--keep", "0")


@pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL's client tools")
def test_without_the_postgresql_client_backup_says_what_to_install(settings, tmp_path):
    settings.BACKUP_PG_BINDIR = str(tmp_path / "bin")

    with pytest.raises(CommandError) as raised:
        backup(tmp_path / "backups")

    assert raised.value.returncode == 1
    assert "postgresql-client" in str(raised.value)
    assert not list((tmp_path / "backups").glob("*"))


# -- Archives a restore refuses, changing nothing ------------------------------------


def rewritten(archive, folder, change=lambda name, data: data, **fields):
    """`archive` written again by the backup's own writer (so signed with the key in
    force), its entries passed through `change` and its manifest given `fields`."""
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        entries = [
            (entry.name, tar.extractfile(entry).read())
            for entry in tar
            if entry.name != "manifest.json"
        ]
    copy = folder / "rewritten" / archive.name
    copy.parent.mkdir(exist_ok=True)
    with ArchiveWriter(copy) as writer:
        for name, data in entries:
            data = change(name, data)
            writer.add(name, io.BytesIO(data), len(data))
        kept = {key: value for key, value in manifest.items() if key not in {"files", "signature"}}
        writer.finish({**kept, **fields})
    return copy


@pytest.fixture
def site_and_archive(column, media_root, tmp_path):
    """An archive of a small site, which has changed since: restoring it would change
    the database and the media (the refusals below use --force, so only the archive
    itself can stop them)."""
    ArticleFactory(column=column, cover=SimpleUploadedFile("封面.png", image_bytes("PNG")))
    backup(tmp_path)
    ArticleFactory(column=column, cover=SimpleUploadedFile("新封面.png", image_bytes("PNG")))
    return newest_archive(tmp_path)


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda data: data[: len(data) // 2], "损坏或不完整"),
        (lambda data: flipped(data, len(data) // 2), "损坏"),
        (lambda data: b"", "不是 fedsite 备份"),
        (lambda data: "这是一份会议记录。".encode() * 100, "不是 fedsite 备份"),
    ],
    ids=["cut-short", "one-byte-flipped", "empty-file", "a-text-file"],
)
def test_a_damaged_or_foreign_file_is_refused(site_and_archive, damage, said):
    site_and_archive.write_bytes(damage(site_and_archive.read_bytes()))

    code, message = refused(site_and_archive, "--force")

    assert code == 3
    # A flipped bit may garble a compressed entry's name rather than its bytes.
    assert said in message or "不属于 fedsite 备份" in message


def flipped(data, at):
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


def test_an_archive_signed_with_another_key_is_refused_unless_trusted(site_and_archive, tmp_path):
    with override_settings(SECRET_KEY="another-sites-key"):
        foreign = rewritten(site_and_archive, tmp_path)

    code, message = refused(foreign, "--force")

    assert code == 3 and "DJANGO_SECRET_KEY" in message and "--trust" in message
    # A server whose key was changed (or lost) can still be restored, when told.
    said = restore(foreign, "--force", "--trust")
    assert "不是用本网站的密钥签名的" in said
    assert Article.objects.count() == 1


def test_a_file_changed_after_the_backup_is_refused(site_and_archive, tmp_path):
    with tarfile.open(site_and_archive) as tar:
        entries = [(entry, tar.extractfile(entry).read()) for entry in tar]
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as tar:
        for entry, data in entries:
            if entry.name.startswith("media/"):
                data = image_bytes("PNG", color=(0, 0, 0))
                entry.size = len(data)
            tar.addfile(entry, io.BytesIO(data))

    code, message = refused(tampered, "--force")

    assert code == 3 and "校验和不符" in message


def test_an_archive_from_the_other_kind_of_database_is_refused(site_and_archive, tmp_path):
    other = "sqlite" if ON_POSTGRESQL else "postgresql"
    archive = rewritten(site_and_archive, tmp_path, database={"vendor": other, "file": "x"})

    code, message = refused(archive, "--force")

    assert code == 3 and "不能直接恢复" in message


def test_an_archive_from_a_newer_version_is_refused(site_and_archive, tmp_path):
    with tarfile.open(site_and_archive) as tar:
        migrations = json.load(tar.extractfile("manifest.json"))["migrations"]
    migrations["news"].append("0099_from_the_future")
    newer = rewritten(site_and_archive, tmp_path, migrations=migrations)
    newer_format = rewritten(site_and_archive, tmp_path / "rewritten", format_version=2)

    code, message = refused(newer, "--force")
    assert code == 3 and "news.0099_from_the_future" in message and "升级" in message
    code, message = refused(newer_format, "--force")
    assert code == 3 and "第 2 版" in message


def test_a_dump_that_fails_to_load_changes_nothing(column, media_root, tmp_path):
    """Damaged before it was signed (say, a disk error while the backup ran): SQLite's
    check finds it; on PostgreSQL pg_restore fails halfway through the data and the
    one transaction it ran in is rolled back. Either way the database is as it was."""
    ArticleFactory.create_batch(30, column=column, body="<p>" + "妇联" * 2000 + "</p>")
    backup(tmp_path)

    def cut(name, data):
        return data[: len(data) * 2 // 3] if name.startswith("database.") else data

    damaged = rewritten(newest_archive(tmp_path), tmp_path, cut)
    Article.objects.first().delete()
    before = everything()

    with pytest.raises(CommandError) as raised:
        restore(damaged, "--force")

    # Refused before loading (the dump's damage found when it is read: exit 3) or,
    # on PostgreSQL, while loading (the one transaction rolled back: exit 1); where the
    # cut falls decides which.
    assert (raised.value.returncode, "已损坏" in str(raised.value)) == (3, True) or (
        ON_POSTGRESQL and raised.value.returncode == 1 and "数据库未改动" in str(raised.value)
    )
    assert everything() == before
