"""A Redis server and a PostgreSQL cluster of the fault and soak runs' own, on ports
of their own (6390 and 5440 by default), that the runs may stop, kill and start as an
outage would. The shared servers on 6379 and 5432 are never touched: a port already
in use is refused rather than taken over. Everything lives in a temporary folder
that is removed at the end."""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from scripts.stack import (
    HOST,
    Stack,
    StackError,
    app_environment,
    free_port,
    port_is_free,
    wait_until,
)

POSTGRES_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _answers(port):
    try:
        with socket.create_connection((HOST, port), timeout=0.5):
            return True
    except OSError:
        return False


class OwnedRedis:
    """redis-server on HOST:port, without persistence (a restart empties it, as a
    crashed cache server does)."""

    def __init__(self, port, folder):
        self.port = port
        self.folder = Path(folder)
        self.process = None

    @property
    def url(self):
        return f"redis://{HOST}:{self.port}/0"

    def start(self):
        if shutil.which("redis-server") is None:
            raise StackError("找不到 redis-server。安装：apt-get install -y redis-server")
        if not port_is_free(self.port):
            raise StackError(f"{HOST}:{self.port} 已被占用：故障演练要用一个自己的 Redis 端口")
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            "redis-server",
            "--port", str(self.port),
            "--bind", HOST,
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.folder),
        ]  # fmt: skip
        with open(self.folder / "redis.log", "ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        if not wait_until(lambda: _answers(self.port), 10):
            raise StackError(f"redis-server 没有在 {self.port} 端口启动，见 {self.folder}")
        return self

    def kill(self):
        """SIGKILL, as a crash: the data it held is gone."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class OwnedPostgres:
    """A PostgreSQL cluster made with initdb in `folder`, on HOST:port, trusting local
    connections, run as the postgres system user when started by root (initdb and the
    server refuse to run as root)."""

    def __init__(self, port, folder):
        if not POSTGRES_BIN_DIRS:
            raise StackError("找不到 PostgreSQL 的程序；安装：apt-get install -y postgresql")
        self.bin = POSTGRES_BIN_DIRS[0]
        self.port = port
        self.folder = Path(folder)
        self.data = self.folder / "data"

    def url(self, database):
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def _run(self, *command, check=True):
        """One of PostgreSQL's programs; its output goes to the cluster's log folder,
        never to a pipe the server it starts would keep open."""
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        with open(self.folder / "commands.log", "a") as log:
            result = subprocess.run(
                [*prefix, str(self.bin / command[0]), *command[1:]],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd="/",
            )
        if check and result.returncode != 0:
            raise StackError(f"{command[0]} 失败，见 {self.folder / 'commands.log'}")
        return result

    def create(self):
        if not port_is_free(self.port):
            raise StackError(f"{HOST}:{self.port} 已被占用：故障演练要用一个自己的 PostgreSQL 端口")
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        return self.start()

    def _pg_ctl(self, action, *extra, check=True):
        options = (
            f"-p {self.port} -c listen_addresses={HOST} -k {self.folder} "
            "-c fsync=off -c max_connections=100"
        )
        return self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "postgres.log"),
            "-o", options, "-w", "-t", "30", *extra, action, check=check,
        )  # fmt: skip

    def start(self):
        self._pg_ctl("start")
        return self

    def stop(self, mode="fast"):
        self._pg_ctl("stop", "-m", mode, check=False)

    def restart(self):
        self._pg_ctl("restart", "-m", "fast")

    def create_database(self, name):
        self._run("createdb", "-h", HOST, "-p", str(self.port), "-U", "postgres", name)


class OwnedServers:
    """Both, in one temporary folder, stopped and removed on exit."""

    def __init__(self, redis_port=6390, postgres_port=5440):
        self.folder = Path(tempfile.mkdtemp(prefix="fedsite-owned-"))
        self.folder.chmod(0o755)
        self.redis = OwnedRedis(redis_port, self.folder / "redis")
        self.postgres = OwnedPostgres(postgres_port, self.folder / "postgres")

    def __enter__(self):
        try:
            self.redis.start()
            started = time.monotonic()
            self.postgres.create()
            took = time.monotonic() - started
            print(f"自己的 PostgreSQL（{self.postgres.port}）用了 {took:.1f} 秒建好", flush=True)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        self.redis.stop()
        if self.postgres.data.exists():
            self.postgres.stop(mode="immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def running_stack(owned, articles):
    """The production stack (scripts.stack) on the servers `owned` started, with the
    demo content and `articles` generated articles more: what the fault and soak
    runs read from."""
    environment = app_environment(
        {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        DATABASE_URL=owned.postgres.url("fedsite"),
        REDIS_URL=owned.redis.url,
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_LOG_LEVEL="WARNING",
    )
    stack = Stack(owned.folder / "stack", free_port(), [free_port(), free_port()], environment)
    print("准备数据库……", flush=True)
    stack.prepare(demo=True)
    if articles:
        stack.manage(["generate_corpus", "--count", str(articles)])
    stack.start(prepare=False)
    print(f"服务已启动：{stack.url()}（日志 {stack.logs}）", flush=True)
    return stack
