"""Backups of the whole site: `manage.py backup` and `manage.py restore` (README,
"Backups").

One archive holds the database (database.py: pg_dump or SQLite's online backup) and
every media file (media.py: through Django's storage API, so any storage backend),
with a signed manifest (archive.py). A restore checks the whole archive before it
changes anything, replaces the database in one transaction, brings the schema up to
this version's migrations, makes the media match, rebuilds what apps declared
derived, and makes every cached page stale. create.py and restore.py hold the two
operations; this module the errors they raise and what apps declare.
"""

import time

# The exit codes of `manage.py backup` and `manage.py restore` (README, "Backups").
EXIT_FAILED = 1  # could not be done: a tool missing, the database or the disk failing
EXIT_REFUSED = 3  # the archive: not ours, damaged, tampered, too big, other database
EXIT_NOT_EMPTY = 4  # restore: the database has content and --force was not given


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for staff, in Chinese."""

    exit_code = EXIT_FAILED


class BackupFailed(BackupError):
    pass


class ArchiveRefused(BackupError):
    """The archive is refused; nothing was changed."""

    exit_code = EXIT_REFUSED


class NotEmpty(BackupError):
    exit_code = EXIT_NOT_EMPTY


# Management commands (name, arguments) that rebuild data derived from what a backup
# holds, run after each restore once the schema is current. Apps declare theirs in
# AppConfig.ready(), as they declare what invalidates the page cache.
_REBUILDS = []


def rebuild_after_restore(command, *arguments):
    entry = (command, arguments)
    if entry not in _REBUILDS:
        _REBUILDS.append(entry)


def rebuilds():
    return list(_REBUILDS)


class Progress:
    """Passes a progress line on to `report` at most every `every` seconds (and
    always the final one), so a long run shows it is alive without flooding a log."""

    def __init__(self, report, every=5.0):
        self.report = report
        self.every = every
        self.last = time.monotonic()

    def __call__(self, line, *, final=False):
        now = time.monotonic()
        if final or now - self.last >= self.every:
            self.last = now
            self.report(line)


class Stopwatch:
    """Seconds since the last lap and since the start, as the commands report them."""

    def __init__(self):
        self.start = self.last = time.monotonic()

    def lap(self):
        now = time.monotonic()
        seconds, self.last = now - self.last, now
        return f"{seconds:.1f} 秒"

    def total(self):
        return f"{time.monotonic() - self.start:.1f} 秒"


def size_text(size):
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size} 字节"
