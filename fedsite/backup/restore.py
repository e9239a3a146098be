"""`manage.py restore ARCHIVE`: the site as it was when the archive was made.

Nothing is changed until the whole archive has been unpacked into a private folder
and checked (fedsite.backup.archive) and found to fit this site: the same kind of
database, no migration this code does not have. Then the database is replaced in one
transaction (fedsite.backup.database), migrations made since the archive are run,
the media storage is made to hold exactly the archive's files, what apps declared
derived is rebuilt, and every cached page is made stale.
"""

import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from ..cache import bump_site_generation
from ..models import SiteProfile
from . import (
    ArchiveRefused,
    NotEmpty,
    Progress,
    Stopwatch,
    database,
    media,
    rebuilds,
    size_text,
)
from .archive import MEDIA, signed_here, unpack

# What `migrate` puts into an empty database: a database holding only these is empty.
# Sessions are never restored (fedsite.backup.database), so they count for nothing.
_MADE_BY_MIGRATE = {ContentType, Permission, Group, Group.permissions.through, SiteProfile}


def backup_restore(
    *,
    archive,
    force=False,
    trust=False,
    confirm=None,
    report=print,
    stdout=None,
):
    """Restore `archive`. Over a database or media storage with content only with
    `force`, or when `confirm(what is there)` says yes."""
    clock = Stopwatch()
    connection = connections[DEFAULT_DB_ALIAS]
    dump = database.for_connection(connection)
    database.outside_transactions(connection)
    name = connection.settings_dict["NAME"]
    report(f"数据库：{connection.display_name} {name}（{dump.tools()}）")
    present = content_of(connection)
    if present and not force and not (confirm and confirm(present)):
        raise NotEmpty(
            f"数据库或媒体存储中已有内容（{present}）。恢复会用备份替换全部数据和媒体文件；"
            "确认要替换，请加 --force。"
        )
    with tempfile.TemporaryDirectory(prefix="fedsite-restore-") as scratch:
        scratch = Path(scratch)
        manifest = unpack(archive, scratch, trust=trust, progress=_Unpacking(report))
        total = sum(item["size"] for item in manifest["files"])
        report(
            f"备份已核对：制作于 {manifest.get('created_at')}，{len(manifest['files'])} 个文件，"
            f"{size_text(total)}（{clock.lap()}）"
        )
        if not signed_here(manifest):
            report("注意：这份备份不是用本网站的密钥签名的，按 --trust 恢复。")
        _check_fits(manifest, connection, dump)
        staged = dump.prepare(scratch / dump.member)
        dump.load(staged)
        staged.unlink()  # its space is needed no more
        report(f"数据库已恢复（{clock.lap()}）")
        try:
            ContentType.objects.clear_cache()  # ids may differ from the old database's
            _migrate(connection, report, stdout)
            wanted = {
                item["name"].removeprefix(MEDIA): (item["size"], item["sha256"])
                for item in manifest["files"]
                if item["name"].startswith(MEDIA)
            }
            written, deleted = media.make_match(wanted, scratch / "media", Progress(report))
            report(
                f"媒体文件 {len(wanted)} 个：写入 {written} 个，删除备份中没有的 {deleted} 个"
                f"（{clock.lap()}）"
            )
            for command, arguments in rebuilds():
                call_command(command, *arguments, stdout=stdout)
        finally:
            bump_site_generation()  # pages cached from the old data are stale everywhere
    report(f"恢复完成，共用 {clock.total()}。所有人需要重新登录。")
    return manifest


class _Unpacking:
    def __init__(self, report):
        self.progress = Progress(report)
        self.files = self.size = 0

    def __call__(self, name, size):
        self.files += 1
        self.size += size
        self.progress(f"已解开 {self.files} 个文件（{size_text(self.size)}）")


def content_of(connection):
    """What the database and the media storage hold besides what `migrate` makes, in
    words ("文章 12，用户 3，媒体文件"), or "" when there is nothing."""
    tables = set(connection.introspection.table_names())
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model in _MADE_BY_MIGRATE or model is Session or model._meta.db_table not in tables:
            continue
        if not model._meta.managed or model._meta.proxy:
            continue
        count = model._base_manager.using(connection.alias).count()
        if count:
            found.append((-count, str(model._meta.verbose_name)))
    words = [f"{name} {-count}" for count, name in sorted(found)[:5]]
    if len(found) > 5:
        words.append("……")
    if media.has_files():
        words.append("媒体文件")
    return "，".join(words)


def _check_fits(manifest, connection, dump):
    described = manifest.get("database")
    vendor = described.get("vendor") if isinstance(described, dict) else None
    if vendor != connection.vendor or described.get("file") != dump.member:
        names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
        raise ArchiveRefused(
            f"这份备份来自 {names.get(vendor, vendor)} 数据库，本网站现在用 "
            f"{connection.display_name}：不能直接恢复（README“备份”一节说明怎样在两种数据库之间迁移）。"
        )
    recorded = manifest.get("migrations")
    if not isinstance(recorded, dict):
        raise ArchiveRefused("备份的清单中没有迁移记录。")
    executor = MigrationExecutor(connection)
    known = set(executor.loader.disk_migrations)
    ours = executor.loader.migrated_apps
    unknown = sorted(
        f"{app}.{name}"
        for app, names in recorded.items()
        if app in ours
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise ArchiveRefused(
            f"这份备份来自更新版本的网站程序（本程序没有迁移 {'、'.join(unknown[:3])}）。"
            "请先把程序升级到不低于制作备份时的版本，再恢复。"
        )


def _migrate(connection, report, stdout):
    """Bring an archive made by an older version up to this one's schema."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return
    names = "、".join(f"{m.app_label}.{m.name}" for m, _backwards in plan)
    report(f"备份早于当前程序，运行迁移：{names}")
    call_command("migrate", interactive=False, verbosity=0, stdout=stdout)
