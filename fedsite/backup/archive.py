"""The backup archive: one tar file holding

    database.pgdump or database.sqlite3.gz   the database, compressed by its own
                                             tool (fedsite.backup.database)
    media/<name>                             each media file, under its storage name
    manifest.json                            last: what the archive is, every file's
                                             size and SHA-256, signed with the site's key

The tar itself is not compressed: the pictures and attachments that make up most of
it are compressed formats already (deflate saved 0.9 % of the JPEGs measured, at
30 MB/s of CPU; README, "Backups"), and the database part is compressed where it
pays, when it is written. A .tar.gz made of it (for transport, say) restores too.

The manifest comes last so that every file is read once, hashed as it is written.
Reading (`unpack`) trusts nothing in the file until the end: each entry is checked
as it comes (its name and kind, by our rules and by tarfile's 'data' filter), a
compressed stream is watched for bombs, files are unpacked into a private folder
only, and then the manifest must be ours, signed with this site's secret key and
agree with every file. Only then does a restore change anything.

The signature (an HMAC of the manifest with DJANGO_SECRET_KEY) matters because a
restore runs the archive's SQL as the site's database user: an archive made
elsewhere must not be restored by accident. `--trust` restores one made with
another key (a lost server's), after checking everything else.
"""

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import time
import zlib
from pathlib import Path

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from . import ArchiveRefused, size_text

FORMAT = "fedsite-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
_DATABASE = re.compile(r"database\.[a-z0-9]+(?:\.gz)?")
_SIGNATURE_SALT = "fedsite.backup.manifest"

SUFFIX = ".tar"
CHUNK = 1 << 20

# Limits for reading an archive nobody vouches for yet. Real compressed data is far
# below the ratio (pictures hardly compress; text 5 to 10 times); a bomb is far above.
MAX_RATIO = 200  # decompressed bytes per compressed byte, once past RATIO_FLOOR
RATIO_FLOOR = 64 << 20
MAX_ENTRIES = 5_000_000
MAX_NAME = 1024  # characters
MAX_HEADER_BYTES = 1 << 20  # between two entries: tar headers, long names, padding
MAX_MANIFEST_BYTES = 256 << 20
SPARE_DISK = 256 << 20  # left free in the unpacking folder
_ODD = re.compile(r"[\\\x00-\x1f\x7f]")


# -- Writing ------------------------------------------------------------------------


class ArchiveWriter:
    """Writes `path` through a hidden partial file renamed into place at `finish()`,
    so an interrupted backup never looks like an archive (or is rotated as one).
    Readable by its owner only: it holds password hashes and unpublished drafts."""

    def __init__(self, path):
        self.path = Path(path)
        self.partial = self.path.with_name(f".{self.path.name}.partial")
        self.files = []
        self.mtime = int(time.time())
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._raw = os.fdopen(descriptor, "wb")
        self._tar = tarfile.open(fileobj=self._raw, mode="w", format=tarfile.PAX_FORMAT)

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is not None:
            self.abort()

    def add(self, name, file, size):
        """Add `size` bytes read from `file` as the entry `name`, hashed on the way."""
        info = self._info(name, size)
        digest = hashlib.sha256()
        self._tar.addfile(info, _Hashing(file, digest))
        self.files.append({"name": name, "size": size, "sha256": digest.hexdigest()})

    def finish(self, fields):
        """Write the manifest (`fields`, the file list and the signature) and put the
        archive in place; returns the manifest."""
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, **fields}
        manifest["files"] = self.files
        manifest["signature"] = _signature(manifest, settings.SECRET_KEY).hexdigest()
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        self._tar.addfile(self._info(MANIFEST, len(data)), io.BytesIO(data))
        self._tar.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self.partial, self.path)
        _sync_folder(self.path.parent)
        return manifest

    def abort(self):
        for closing in (self._tar.close, self._raw.close):
            try:
                closing()
            except (OSError, ValueError, tarfile.TarError):
                pass
        self.partial.unlink(missing_ok=True)

    def _info(self, name, size):
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = self.mtime
        info.mode = 0o600
        return info  # owner 0/0 with no names: the server's accounts are nobody's business


class _Hashing:
    def __init__(self, file, digest):
        self.file = file
        self.digest = digest

    def read(self, size=-1):
        data = self.file.read(size)
        self.digest.update(data)
        return data


def _sync_folder(folder):
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _canonical(manifest):
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _signature(manifest, key):
    return salted_hmac(_SIGNATURE_SALT, _canonical(manifest), secret=key, algorithm="sha256")


def signed_here(manifest):
    given = manifest.get("signature")
    if not isinstance(given, str):
        return False
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(given, _signature(manifest, key).hexdigest()) for key in keys)


# -- Reading ------------------------------------------------------------------------


def unpack(path, folder, *, trust=False, progress=None):
    """Unpack the archive at `path` into the empty `folder` and return its manifest,
    or raise ArchiveRefused, having written nothing outside `folder`."""
    path = Path(path)
    try:
        raw = path.open("rb")
    except OSError as error:
        raise ArchiveRefused(f"无法打开备份文件 {path}：{error.strerror}") from error
    with raw:
        head = raw.read(512)
        raw.seek(0)
        if head[:2] == b"\x1f\x8b":
            stream = gzip.GzipFile(fileobj=raw, mode="rb")
        elif head[257:262] == b"ustar":
            stream = raw
        else:
            raise ArchiveRefused(f"{path.name} 不是 fedsite 备份文件（不是 tar 归档）。")
        guard = _Guard(stream, raw)
        try:
            files, manifest_bytes = _unpack_entries(guard, Path(folder), progress)
            guard.drain()  # to the end: gzip checks its CRC there
        except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
            raise ArchiveRefused(f"备份文件已损坏或不完整（{error}）。") from error
    if manifest_bytes is None:
        raise ArchiveRefused(
            "备份中没有清单（manifest.json）：文件已损坏或不完整，或不是 fedsite 备份。"
        )
    return _verified(manifest_bytes, files, trust=trust)


def _unpack_entries(guard, folder, progress):
    files = {}
    manifest = None
    archive = tarfile.open(fileobj=guard, mode="r|")
    for count, entry in enumerate(archive, start=1):
        if count > MAX_ENTRIES:
            raise ArchiveRefused(f"备份中的条目超过 {MAX_ENTRIES} 个，拒绝恢复。")
        if manifest is not None:
            raise ArchiveRefused(f"备份在清单之后还有条目 {entry.name!r}：不是 fedsite 备份。")
        _check_entry(entry, folder)
        if entry.size > shutil.disk_usage(folder).free - SPARE_DISK:
            raise ArchiveRefused(
                f"解开 {entry.name} 需要 {size_text(entry.size)}，暂存目录 {folder.parent} "
                "的剩余空间不够。如果备份没有问题，请把 TMPDIR 设到空间更大的磁盘上。"
            )
        guard.begin_entry()
        source = archive.extractfile(entry)
        if entry.name == MANIFEST:
            if entry.size > MAX_MANIFEST_BYTES:
                raise ArchiveRefused("备份的清单大得不正常，拒绝恢复。")
            manifest = source.read()
        else:
            files[entry.name] = _write(source, folder / entry.name, entry.name)
            if progress:
                progress(entry.name, entry.size)
        guard.end_entry()
    return files, manifest


def _check_entry(entry, folder):
    name = entry.name
    if not (entry.isreg() and entry.size >= 0 and _known_name(name)):
        raise ArchiveRefused(f"备份中有不属于 fedsite 备份的条目 {name!r}，拒绝恢复。")
    try:
        tarfile.data_filter(entry, str(folder))
    except tarfile.FilterError as error:
        raise ArchiveRefused(f"备份中的条目 {name!r} 不安全（{error}），拒绝恢复。") from error


def _known_name(name):
    if name == MANIFEST or _DATABASE.fullmatch(name):
        return True
    return name.startswith(MEDIA) and is_storage_name(name.removeprefix(MEDIA))


def is_storage_name(name):
    """A media file's name as Django's storages give it: relative, "/"-separated, no
    empty, "." or ".." segment, no backslash or control character, valid UTF-8."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    segments = name.split("/")
    return (
        0 < len(name) <= MAX_NAME
        and not _ODD.search(name)
        and all(segment not in {"", ".", ".."} for segment in segments)
    )


def _write(source, target, name):
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    try:
        out = target.open("xb")
    except FileExistsError as error:
        raise ArchiveRefused(f"备份中的条目 {name!r} 重复出现，拒绝恢复。") from error
    with out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


class _Guard:
    """The decompressed stream tarfile reads, counted: a bomb (far more out than in,
    or a giant header) is refused before it fills the disk or the memory."""

    def __init__(self, stream, raw):
        self.stream = stream
        self.raw = raw
        self.total = 0
        self.outside_entries = 0
        self.in_entry = False

    def read(self, size=-1):
        if size is None or size < 0:
            size = CHUNK
        data = self.stream.read(size)
        self.total += len(data)
        if not self.in_entry:
            self.outside_entries += len(data)
            if self.outside_entries > MAX_HEADER_BYTES:
                raise ArchiveRefused("备份中的条目头部大得不正常，拒绝恢复。")
        if self.total > RATIO_FLOOR and self.total > MAX_RATIO * max(1, self.raw.tell()):
            raise ArchiveRefused(
                f"备份解压后的大小超过压缩文件的 {MAX_RATIO} 倍（压缩炸弹？），拒绝恢复。"
            )
        return data

    def begin_entry(self):
        self.in_entry = True

    def end_entry(self):
        self.in_entry = False
        self.outside_entries = 0

    def drain(self):
        while self.read(CHUNK):
            pass


def gunzip(source, target):
    """Decompress the gzip file `source` into `target`, refusing a bomb as `unpack`
    does (a compressed database in an archive restored with --trust)."""
    try:
        with source.open("rb") as raw, gzip.GzipFile(fileobj=raw) as stream:
            guard = _Guard(stream, raw)
            guard.begin_entry()
            with target.open("xb") as out:
                while chunk := guard.read(CHUNK):
                    if len(chunk) > shutil.disk_usage(target.parent).free - SPARE_DISK:
                        raise ArchiveRefused(
                            f"解压 {source.name} 时暂存目录的剩余空间不够。如果备份没有问题，"
                            "请把 TMPDIR 设到空间更大的磁盘上。"
                        )
                    out.write(chunk)
    except (OSError, EOFError, zlib.error) as error:
        raise ArchiveRefused(f"备份中的 {source.name} 已损坏，无法解压（{error}）。") from error


def _verified(data, files, *, trust):
    try:
        manifest = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ArchiveRefused("备份的清单无法读取：文件已损坏，或不是 fedsite 备份。") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveRefused("这不是 fedsite 备份（清单的格式不对）。")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ArchiveRefused(
            f"这份备份的格式（第 {version} 版）比本程序认识的（第 {FORMAT_VERSION} 版）新，"
            "请先把网站程序升级到制作备份时的版本。"
        )
    if not signed_here(manifest) and not trust:
        raise ArchiveRefused(
            "这份备份的签名与本网站的密钥（DJANGO_SECRET_KEY）不符：它是在别的网站或用别的密钥制作的，"
            "或者制作后被改动过。确认它来自可靠的来源（例如换了密钥的本站旧服务器）后，"
            "可加 --trust 恢复。"
        )
    listed = manifest.get("files")
    if not isinstance(listed, list) or not all(
        isinstance(item, dict) and isinstance(item.get("name"), str) for item in listed
    ):
        raise ArchiveRefused("备份的清单不完整：没有文件列表。")
    expected = {item["name"]: (item.get("size"), item.get("sha256")) for item in listed}
    missing = sorted(expected.keys() - files.keys())
    if missing:
        raise ArchiveRefused(f"备份不完整：清单中的 {missing[0]} 不在备份里。")
    unlisted = sorted(files.keys() - expected.keys())
    if unlisted:
        raise ArchiveRefused(f"备份中的 {unlisted[0]} 不在清单里：备份被改动过。")
    damaged = sorted(name for name, actual in files.items() if expected[name] != actual)
    if damaged:
        raise ArchiveRefused(f"备份中的 {damaged[0]} 与清单记录的大小或校验和不符：备份已损坏。")
    return manifest
