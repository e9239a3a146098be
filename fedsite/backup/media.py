"""The media part of a backup: every file of the default storage (pictures and their
renditions, covers, attachments, the logo), read and written only through Django's
storage API, so it works the same on the local disk and on S3-compatible storage."""

import hashlib

from django.core.files import File
from django.core.files.storage import default_storage

from . import BackupFailed

CHUNK = 1 << 20


def stored_names(storage=default_storage, folder=""):
    """Every file name in `storage`, sorted, walking folders (storages list one level)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local media folder not created yet
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for name in sorted(folders):
        yield from stored_names(storage, prefix + name)


def has_files(storage=default_storage):
    return next(stored_names(storage), None) is not None


def _digest(storage, name):
    digest = hashlib.sha256()
    with storage.open(name, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def make_match(wanted, staged_folder, progress=None, storage=default_storage):
    """Make `storage` hold exactly the files of `wanted` ({name: (size, sha256)}),
    their content taken from `staged_folder`/name: files already the same are kept,
    others written, files not in `wanted` deleted. Returns (written, deleted)."""
    written = deleted = 0
    for name in stored_names(storage):
        if name not in wanted:
            storage.delete(name)
            deleted += 1
    for done, (name, (size, sha256)) in enumerate(sorted(wanted.items()), start=1):
        written += _put(storage, name, size, sha256, staged_folder / name)
        if progress:
            progress(f"媒体文件：{done}/{len(wanted)}")
    return written, deleted


def _put(storage, name, size, sha256, staged):
    """Store the staged file under `name` unless the same bytes are there; whether written."""
    if storage.exists(name):
        if storage.size(name) == size and _digest(storage, name) == sha256:
            return False
        storage.delete(name)
    with staged.open("rb") as file:
        saved = storage.save(name, File(file, name=name))
    if saved != name:
        raise BackupFailed(f"媒体存储把 {name} 存成了 {saved}，无法原样恢复。")
    return True
