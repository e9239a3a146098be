"""Hostile archives (fedsite.backup.archive): whatever a file handed to `restore`
holds, unpacking writes nothing outside its own folder, never fills the disk or the
memory, and refuses with a Chinese message that says why. The archives here are
built with tarfile by hand, as an attacker would; the commands' own refusals of
damaged, foreign and tampered archives are in test_backup.py."""

import gzip
import io
import json
import tarfile
import tempfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fedsite.backup import ArchiveRefused
from fedsite.backup.archive import MAX_HEADER_BYTES, gunzip, unpack

DATABASE = b"SQLite format 3\x00" + b"\x00" * 1000


def archive_of(path, entries, compresslevel=6):
    """A tar.gz at `path` of `entries`: (name, bytes) for a file, or a ready TarInfo
    with its bytes (None for none)."""
    with tarfile.open(path, "w:gz", compresslevel=compresslevel) as tar:
        for entry in entries:
            info, data = entry if isinstance(entry[0], tarfile.TarInfo) else _file(*entry)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def link(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None


@pytest.fixture
def folder(tmp_path):
    """The unpacking folder, inside tmp_path so that anything escaping it shows."""
    inside = tmp_path / "unpack" / "here"
    inside.mkdir(parents=True)
    return inside


def written_outside(tmp_path, folder):
    return sorted(
        str(path.relative_to(tmp_path))
        for path in tmp_path.rglob("*")
        if path.is_file() and folder not in path.parents and path.suffix != ".gz"
    )


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "media/../../evil.txt",
        "media/../../../evil.txt",
        "/tmp/evil.txt",
        "media//evil.txt",
        "media/./evil.txt",
        "media/uploads/..\\..\\evil.txt",
        "media/evil\x1b[31m.txt",
        "media/",
        "photos/evil.txt",
    ],
)
def test_a_name_that_leaves_the_folder_or_is_not_ours_is_refused(tmp_path, folder, name):
    archive = archive_of(tmp_path / "a.tar.gz", [("database.sqlite3", DATABASE), (name, b"x")])

    with pytest.raises(ArchiveRefused, match="拒绝恢复"):
        unpack(archive, folder)

    assert written_outside(tmp_path, folder) == []


@pytest.mark.parametrize(
    "entry",
    [
        link("media/passwd", "/etc/passwd"),
        link("media/up", "../../../evil.txt"),
        link("media/hard", "/etc/passwd", tarfile.LNKTYPE),
        link("media/fifo", "", tarfile.FIFOTYPE),
        link("media/device", "", tarfile.CHRTYPE),
        link("media/uploads", "", tarfile.DIRTYPE),
    ],
    ids=["symlink-out", "symlink-up", "hard-link", "fifo", "device", "directory"],
)
def test_links_devices_and_folders_are_refused(tmp_path, folder, entry):
    archive = archive_of(tmp_path / "a.tar.gz", [("database.sqlite3", DATABASE), entry])

    with pytest.raises(ArchiveRefused, match="不属于 fedsite 备份的条目"):
        unpack(archive, folder)

    assert written_outside(tmp_path, folder) == []
    assert not any(path.is_symlink() for path in folder.rglob("*"))


class _Zeros:
    def __init__(self, size):
        self.left = size

    def read(self, size=-1):
        size = self.left if size is None or size < 0 else min(size, self.left)
        self.left -= size
        return bytes(size)


def test_a_compression_bomb_is_refused_before_it_fills_the_disk(tmp_path, folder):
    """128 MiB of zeros that compress a thousand times: refused once 64 MiB are out."""
    size = 128 << 20
    info = tarfile.TarInfo("media/uploads/zeros.png")
    info.size = size
    archive = tmp_path / "bomb.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=9) as tar:
        tar.addfile(info, _Zeros(size))
    assert archive.stat().st_size < size / 500

    with pytest.raises(ArchiveRefused, match="压缩炸弹"):
        unpack(archive, folder)

    assert sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) < size


def test_a_compressed_database_that_is_a_bomb_is_refused(tmp_path):
    """The database part of a SQLite archive is gzip-compressed; restored with --trust
    from an archive nobody vouches for, its decompression is watched the same way."""
    bomb = tmp_path / "database.sqlite3.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        for _ in range(128):
            out.write(bytes(1 << 20))

    with pytest.raises(ArchiveRefused, match="压缩炸弹"):
        gunzip(bomb, tmp_path / "database.sqlite3")

    assert (tmp_path / "database.sqlite3").stat().st_size < 128 << 20


def test_an_entry_larger_than_the_free_disk_is_refused_before_anything_is_written(tmp_path, folder):
    """The tar header says a petabyte; the data never comes."""
    info = tarfile.TarInfo("media/uploads/huge.png")
    info.size = 10**15
    archive = tmp_path / "huge.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.fileobj.write(info.tobuf(tarfile.PAX_FORMAT))
        tar.fileobj.write(bytes(1024))

    with pytest.raises(ArchiveRefused, match="剩余空间不够"):
        unpack(archive, folder)

    assert list(folder.rglob("*")) == []


def test_a_giant_header_is_refused_before_it_fills_the_memory(tmp_path, folder):
    info = tarfile.TarInfo("media/uploads/a.png")
    info.pax_headers = {"comment": "妇" * MAX_HEADER_BYTES}
    archive = archive_of(tmp_path / "a.tar.gz", [(info, b"")])

    with pytest.raises(ArchiveRefused, match="头部大得不正常"):
        unpack(archive, folder)


def test_an_entry_twice_or_after_the_manifest_is_refused(tmp_path, folder):
    twice = archive_of(
        tmp_path / "twice.tar.gz", [("media/a.png", b"first"), ("media/a.png", b"second")]
    )
    after = archive_of(
        tmp_path / "after.tar.gz", [("manifest.json", b"{}"), ("media/a.png", b"late")]
    )

    with pytest.raises(ArchiveRefused, match="重复出现"):
        unpack(twice, folder)
    (folder / "again").mkdir()
    with pytest.raises(ArchiveRefused, match="在清单之后"):
        unpack(after, folder / "again")


@pytest.mark.parametrize(
    ("manifest", "said"),
    [
        (b"\xff\xfe not json", "清单无法读取"),
        (json.dumps({"format": "someone-elses-backup"}).encode(), "不是 fedsite 备份"),
        (json.dumps(["fedsite-backup"]).encode(), "不是 fedsite 备份"),
        (json.dumps({"format": "fedsite-backup", "format_version": 1}).encode(), "签名"),
    ],
    ids=["not-json", "other-format", "not-an-object", "unsigned"],
)
def test_a_manifest_that_is_not_ours_is_refused(tmp_path, folder, manifest, said):
    archive = archive_of(
        tmp_path / "a.tar.gz", [("database.sqlite3", DATABASE), ("manifest.json", manifest)]
    )

    with pytest.raises(ArchiveRefused, match=said):
        unpack(archive, folder)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_refuses_a_hostile_archive_with_its_exit_code_and_writes_nothing(
    tmp_path, media_root, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # restore unpacks there
    (tmp_path / "tmp").mkdir()
    archive = archive_of(
        tmp_path / "fedsite-backup-20260308-080000.tar.gz",
        [("database.sqlite3", DATABASE), ("media/../../evil.txt", b"x")],
    )

    with pytest.raises(CommandError) as raised:
        call_command("restore", str(archive), "--force", stdout=io.StringIO())

    assert raised.value.returncode == 3
    assert "media/../../evil.txt" in str(raised.value) and "拒绝恢复" in str(raised.value)
    # Nothing escaped, and the unpacking folder is gone.
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == [archive]
