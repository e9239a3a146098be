"""The database part of a backup (fedsite.backup), one class per database vendor.

PostgreSQL: pg_dump's custom format, a consistent snapshot taken while the site runs,
restored with pg_restore into one psql transaction, so a restore that fails changes
nothing. The client must be at least the server's major version (pg_dump refuses an
older one); it is looked for on the PATH and where Debian and Red Hat install each
version, or in FEDSITE_PG_BINDIR.

SQLite: the online backup API (the same one as the sqlite3 shell's `.backup`): a
consistent copy while other connections read and write, written back the same way,
in one transaction of SQLite's own.

Sessions are left out of both: they are secrets (a stolen archive would carry live
logins) and expire anyway. After a restore, everyone signs in again.
"""

import contextlib
import glob
import gzip
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.migrations.recorder import MigrationRecorder

from . import ArchiveRefused, BackupFailed
from .archive import gunzip


def for_connection(connection):
    """The dump of `connection`'s vendor."""
    kinds = {"postgresql": PostgresDump, "sqlite": SqliteDump}
    if connection.vendor not in kinds:
        raise BackupFailed(f"不支持备份 {connection.vendor} 数据库，只支持 PostgreSQL 和 SQLite。")
    return kinds[connection.vendor](connection)


def outside_transactions(connection):
    """pg_dump and psql see only what is committed, and SQLite's backup waits for ever
    on a database with a transaction open: run from a command, never inside one."""
    if connection.in_atomic_block:
        raise BackupFailed("备份和恢复不能在数据库事务中运行。")


def applied_migrations(connection):
    """{app: [migration names]} recorded as applied, sorted (the manifest's state)."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    applied = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


class SqliteDump:
    member = "database.sqlite3.gz"

    def __init__(self, connection):
        self.connection = connection

    def describe(self):
        return {"vendor": "sqlite", "server_version": sqlite3.sqlite_version}

    def tools(self):
        return "SQLite 在线备份"

    def dump(self, path):
        """The database copied to `path` (gzip-compressed: text compresses 5 to 10 times)."""
        self.connection.ensure_connection()
        copy = path.with_suffix("")
        target = sqlite3.connect(copy)
        try:
            # pages=-1: one step under one read lock, so the copy is one moment.
            self.connection.connection.backup(target, pages=-1)
            # secure_delete: the removed sessions are overwritten, not left in free pages.
            target.execute("PRAGMA secure_delete = ON")
            if Session._meta.db_table in _sqlite_tables(target):
                target.execute(f'DELETE FROM "{Session._meta.db_table}"')
            target.commit()
        finally:
            target.close()
        with copy.open("rb") as source, gzip.open(path, "wb", compresslevel=6) as out:
            shutil.copyfileobj(source, out, 1 << 20)
        copy.unlink()

    def prepare(self, path):
        """The unpacked dump ready to load: decompressed and checked."""
        copy = path.with_suffix("")
        gunzip(path, copy)
        path.unlink()
        try:
            source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
            try:
                source.execute("PRAGMA trusted_schema = OFF")
                result = source.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                source.close()
        except sqlite3.DatabaseError as error:
            raise ArchiveRefused(f"备份中的数据库文件已损坏，无法读取（{error}）。") from error
        if result != "ok":
            raise ArchiveRefused(f"备份中的数据库文件已损坏（{result}）。")
        return copy

    def load(self, path):
        """Replace the database's whole content with the file's, in one transaction:
        other connections wait, then see all of it."""
        self.connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(self.connection.connection, pages=-1)
        except sqlite3.Error as error:
            raise BackupFailed(f"写入数据库失败，数据库未改动：{error}") from error
        finally:
            source.close()


def _sqlite_tables(db):
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


# -- PostgreSQL ---------------------------------------------------------------------

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")
# Where Debian/Ubuntu (postgresql-client-N) and the PGDG RPMs put each version.
_INSTALL_GLOBS = ["/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin"]


def _tool_version(path):
    try:
        result = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _VERSION.search(result.stdout)
    return (int(match[1]), int(match[2] or 0)) if match else None


def find_pg_tool(name, server_major):
    """(path, version) of the newest `name` whose major version is at least the
    server's: pg_dump refuses to dump a newer server, and an older pg_restore cannot
    read a newer dump."""
    folders = [settings.BACKUP_PG_BINDIR] if settings.BACKUP_PG_BINDIR else None
    if folders is None:
        folders = [os.path.dirname(shutil.which(name) or "")] + sorted(
            folder for pattern in _INSTALL_GLOBS for folder in glob.glob(pattern)
        )
    found = []
    for folder in dict.fromkeys(filter(None, folders)):
        path = os.path.join(folder, name)
        version = _tool_version(path) if os.access(path, os.X_OK) else None
        if version:
            found.append((version, path))
    usable = sorted(entry for entry in found if entry[0][0] >= server_major)
    if not usable:
        seen = "，".join(f"{path}（{v[0]}.{v[1]}）" for v, path in found) or "没有"
        raise BackupFailed(
            f"需要 PostgreSQL {server_major} 或更新版本的 {name}，找到的：{seen}。"
            f"Debian/Ubuntu 上安装 postgresql-client-{server_major}（或 postgresql-client），"
            "或把 FEDSITE_PG_BINDIR 设为它所在的目录。"
        )
    version, path = usable[-1]
    return path, f"{version[0]}.{version[1]}"


class PostgresDump:
    member = "database.pgdump"

    def __init__(self, connection):
        self.connection = connection
        self.connection.ensure_connection()
        self.server_major = self.connection.pg_version // 10000
        self._clients = {}

    def describe(self):
        version = self.connection.pg_version
        major, minor = version // 10000, version % 10000
        return {"vendor": "postgresql", "server_version": f"{major}.{minor}"}

    def _client(self, name):
        if name not in self._clients:
            self._clients[name] = find_pg_tool(name, self.server_major)
        return self._clients[name]

    def tools(self):
        """The tools a restore here needs, found and named (fails early otherwise)."""
        names = []
        for name in ("pg_dump", "pg_restore", "psql"):
            path, version = self._client(name)
            names.append(f"{name} {version}")
        return "，".join(names)

    def _command(self, tool, *options):
        """`tool` run against our database, with the connection settings Django's own
        dbshell passes to psql (password and TLS files in the environment, not argv)."""
        args, env = self.connection.client.settings_to_cmd_args_env(
            self.connection.settings_dict, list(options)
        )
        return [tool, *args[1:]], {**os.environ, **(env or {})}

    def dump(self, path):
        pg_dump, _version = self._client("pg_dump")
        # The custom format compresses each table's data (zlib, pg_dump's default).
        command, env = self._command(
            pg_dump,
            "--format=custom",
            f"--file={path}",
            f"--exclude-table-data={Session._meta.db_table}",
        )
        _run(command, env, "pg_dump 导出数据库失败")

    def prepare(self, path):
        """The unpacked dump ready to load: pg_restore can read its table of contents."""
        pg_restore, _version = self._client("pg_restore")
        result = subprocess.run(
            [pg_restore, "--list", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise ArchiveRefused(f"备份中的数据库文件已损坏，无法读取（{result.stderr.strip()}）。")
        return path

    def load(self, path):
        """Drop every table of our schema and restore the dump, in ONE transaction: psql
        runs the drop and then pg_restore's script with --single-transaction and stops
        at the first error, so on any failure nothing has changed. The script is
        passed along here and psql is killed unless pg_restore finished cleanly: a
        truncated script must never reach psql's final COMMIT."""
        pg_restore, _version = self._client("pg_restore")
        psql, _version = self._client("psql")
        drop = self._drop_statements()
        self.connection.close()
        with tempfile.TemporaryDirectory(prefix="fedsite-pg-") as folder:
            drop_file = Path(folder, "drop.sql")
            drop_file.write_text(drop, encoding="utf-8")
            command, env = self._command(
                psql,
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--file={drop_file}",
                "--file=-",
            )
            with Path(folder, "errors.log").open("w+b") as errors:
                loaded = _pipe(
                    [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(path)],
                    (command, env),
                    errors,
                )
                if not loaded:
                    errors.seek(0)
                    said = errors.read().decode(errors="replace").strip()[-2000:]
        if not loaded:
            if "lock timeout" in said:
                said = "数据表被正在运行的应用服务器占用，请先停止它们"
                said += "（systemctl stop fedsite.target）。"
            raise BackupFailed(f"恢复数据库失败，数据库未改动：{said}")

    def _drop_statements(self):
        """Statements that empty our schema: its tables (their sequences, indexes,
        constraints and views go with them), then any view or sequence left. A lock
        held by a running app server stops the restore after a minute, changing nothing."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relkind, quote_ident(n.nspname) || '.' || quote_ident(c.relname) "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
                "ORDER BY 2"
            )
            found = cursor.fetchall()
        kinds = [
            ("TABLE", "rp"),
            ("VIEW", "v"),
            ("MATERIALIZED VIEW", "m"),
            ("SEQUENCE", "S"),
        ]
        statements = ["SET lock_timeout = '60s';"]
        for kind, codes in kinds:
            names = [name for code, name in found if code in codes]
            if names:
                statements.append(f"DROP {kind} IF EXISTS {', '.join(names)} CASCADE;")
        return "\n".join(statements) + "\n"


def _pipe(producer, consumer, errors):
    """Run `producer` into `consumer` ((command, environment)), both writing their
    errors to `errors`; whether both succeeded. The consumer's input is closed (letting
    it finish) only once the producer has exited cleanly; otherwise it is killed."""
    command, env = consumer
    loader = subprocess.Popen(
        command, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
    )
    script = subprocess.Popen(producer, stdout=subprocess.PIPE, stderr=errors)
    try:
        while chunk := script.stdout.read(1 << 20):
            loader.stdin.write(chunk)
        finished = script.wait() == 0
        if finished:
            loader.stdin.close()
    except BrokenPipeError:  # the consumer stopped at an error; its message says which
        finished = False
    if not finished:
        loader.kill()
        script.kill()
        with contextlib.suppress(BrokenPipeError):
            loader.stdin.close()
    script.wait()
    script.stdout.close()
    return loader.wait() == 0 and finished


def _run(command, env, failure):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupFailed(f"{failure}：{result.stderr.strip()[-2000:]}")
