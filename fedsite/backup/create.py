"""`manage.py backup`: the database and every media file in one timestamped archive
(fedsite.backup.archive), and the oldest archives beyond --keep removed."""

import importlib.metadata
import platform
import re
import tempfile
from pathlib import Path

import django
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from . import BackupFailed, Progress, Stopwatch, database, media, size_text
from .archive import MEDIA, SUFFIX, ArchiveWriter, is_storage_name

# fedsite-backup-20261203-023000.tar, Beijing time; -2, -3 … for a second archive
# made in the same second.
ARCHIVE_NAME = re.compile(r"fedsite-backup-(\d{8}-\d{6})(?:-(\d+))?\.tar")


def backup_create(*, folder, keep=None, report=print):
    """Write a new archive into `folder`; returns (its path, its manifest)."""
    clock = Stopwatch()
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise BackupFailed(f"无法创建备份目录 {folder}：{error.strerror}") from error
    connection = connections[DEFAULT_DB_ALIAS]
    dump = database.for_connection(connection)
    database.outside_transactions(connection)
    name = connection.settings_dict["NAME"]
    report(f"数据库：{connection.display_name} {name}（{dump.tools()}）")
    created = timezone.localtime()
    migrations = database.applied_migrations(connection)
    with tempfile.TemporaryDirectory(prefix="fedsite-backup-") as scratch:
        dumped = Path(scratch, dump.member)
        dump.dump(dumped)
        size = dumped.stat().st_size
        report(f"数据库已导出：{size_text(size)}（{clock.lap()}）")
        path = _new_path(folder, created)
        with ArchiveWriter(path) as writer:
            with dumped.open("rb") as file:
                writer.add(dump.member, file, size)
            dumped.unlink()  # its space is needed no more
            stored = _add_media(writer, Progress(report))
            packed = size_text(stored["bytes"])
            report(f"媒体文件已打包：{stored['files']} 个，{packed}（{clock.lap()}）")
            manifest = writer.finish(
                {
                    "created_at": created.isoformat(),
                    "fedsite_version": _version("fedsite"),
                    "django_version": django.get_version(),
                    "python_version": platform.python_version(),
                    "database": {**dump.describe(), "file": dump.member},
                    "migrations": migrations,
                    "media": stored,
                }
            )
    report(f"备份完成：{path}（{size_text(path.stat().st_size)}，共用 {clock.total()}）")
    if keep:
        for old in rotate(folder, keep):
            report(f"已删除旧备份：{old.name}")
    return path, manifest


def _add_media(writer, progress):
    storage = default_storage
    names = list(media.stored_names(storage))
    count = total = 0
    skipped = []
    for done, name in enumerate(names, start=1):
        if not is_storage_name(name):
            # A restore would refuse the archive for it: leave it out and say so.
            skipped.append(name)
            progress(f"跳过文件名无法备份的媒体文件：{name!r}", final=True)
            continue
        try:
            size = storage.size(name)
            file = storage.open(name, "rb")
        except FileNotFoundError:
            continue  # deleted since it was listed
        with file:
            writer.add(MEDIA + name, file, size)
        count += 1
        total += size
        progress(f"媒体文件：{done}/{len(names)}（{size_text(total)}）")
    return {
        "storage": settings.STORAGES["default"]["BACKEND"],
        "files": count,
        "bytes": total,
        "skipped": skipped,
    }


def _version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _new_path(folder, created):
    stem = f"fedsite-backup-{created:%Y%m%d-%H%M%S}"
    path = folder / f"{stem}{SUFFIX}"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}{SUFFIX}"
    return path


def archives_in(folder):
    """The archives `backup` made in `folder`, oldest first."""
    found = []
    for path in Path(folder).iterdir():
        match = ARCHIVE_NAME.fullmatch(path.name)
        if match and path.is_file():
            found.append(((match[1], int(match[2] or 1)), path))
    return [path for _key, path in sorted(found)]


def rotate(folder, keep):
    """Delete all but the newest `keep` archives (only files named as `backup` names
    them); returns the deleted paths."""
    old = archives_in(folder)[:-keep]
    for path in old:
        path.unlink()
    return old
