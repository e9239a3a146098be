"""The production stack on this machine (issue 12; README, "Deploying").

`make stack` (`python -m scripts.stack start`) runs what a server runs, from the
files in deploy/: Debian's nginx on 127.0.0.1:PORT, an instance of its own (pid file,
logs, temporary files and micro-cache under the run directory, .stack/), in front of
two gunicorn app servers on 127.0.0.1:PORT+1 and PORT+2 (STACK_APP_PORTS chooses
others), both serving fedsite with the environment's DATABASE_URL and REDIS_URL. It
first migrates, fills in any missing search index, collects the static files if they
are not (`make stack` collects them when they change) and, on a database without
articles, loads the demo content (no accounts). `make stack-stop` (`stop`) stops what
the pid files name, and only a process whose command line still names this run
directory: nothing else, whatever its name.

`render --out DIR` fills in deploy/nginx's two included files for a server.
"""

import argparse
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
HOST = "127.0.0.1"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BROTLI_MODULES = [
    Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so"),
    Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"),
]
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
START_TIMEOUT = 60  # seconds for an app server to answer /healthz


class StackError(Exception):
    """What went wrong, in words for the person who typed `make stack`."""


def fill(template, values):
    """A deploy/ template with its @NAME@ placeholders filled in; every one must be."""
    text = Path(template).read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", str(value))
    if "@" in "".join(line.split("#")[0] for line in text.splitlines()):
        raise StackError(f"{template} 里还有没有填写的 @名称@")
    return text


def upstream_lines(addresses):
    return "\n".join(f"    server {address} max_fails=3 fail_timeout=10s;" for address in addresses)


def render_fedsite_parts(out, *, app_addresses, static_root, media_root, cache_dir):
    """The two files a server's nginx includes, filled in, written into `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    http = fill(
        DEPLOY / "nginx" / "fedsite-http.conf",
        {"APP_SERVERS": upstream_lines(app_addresses), "CACHE_DIR": cache_dir},
    )
    locations = fill(
        DEPLOY / "nginx" / "fedsite-locations.conf",
        {"STATIC_ROOT": str(static_root).rstrip("/"), "MEDIA_ROOT": str(media_root).rstrip("/")},
    )
    (out / "fedsite-http.conf").write_text(http, encoding="utf-8")
    (out / "fedsite-locations.conf").write_text(locations, encoding="utf-8")
    shutil.copyfile(DEPLOY / "nginx" / "fedsite-brotli.conf", out / "fedsite-brotli.conf")


def port_is_free(port):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def http_get(url, timeout=5, headers=None):
    """(status, headers, body) of a GET; an HTTP error status is an answer too."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def alive_and_ours(pid, marker):
    """Whether `pid` runs and its command line names `marker` (the run directory with
    its final slash): a pid file left behind by a crash may name a process that is
    no longer ours."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, UnicodeDecodeError):
        return False
    return marker in cmdline


def read_pid(path):
    try:
        return int(Path(path).read_text().strip())
    except (OSError, ValueError):
        return None


def wait_until(condition, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def app_environment(base, **overrides):
    """The environment of an app server on this machine: `base` with production's
    settings (DEBUG off, nginx serving /media/) and what plain HTTP on 127.0.0.1
    needs (cookies not marked Secure), unless `base` says otherwise."""
    environment = {**base, **overrides}
    environment["DJANGO_SETTINGS_MODULE"] = "fedsite.settings"
    environment["DJANGO_DEBUG"] = "false"
    environment["DJANGO_SERVE_MEDIA"] = "false"
    environment["PYTHONPATH"] = str(ROOT)
    for name, value in {
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_COOKIES": "false",
    }.items():
        if not environment.get(name, "").strip():
            environment[name] = value
    return environment


def stop_process(pid_file, stop_signal, marker, timeout=15):
    """Stop the process a pid file names, if it is still ours (its command line names
    `marker`); one that does not stop within `timeout` seconds is killed with its
    process group (its workers). Returns the pid stopped, or None."""
    pid_file = Path(pid_file)
    pid = read_pid(pid_file)
    if not (pid and alive_and_ours(pid, marker)):
        pid_file.unlink(missing_ok=True)
        return None
    os.kill(pid, stop_signal)
    if not wait_until(lambda: not alive_and_ours(pid, marker), timeout):
        os.killpg(pid, signal.SIGKILL)
        wait_until(lambda: not alive_and_ours(pid, marker), 5)
    pid_file.unlink(missing_ok=True)
    return pid


class AppServer:
    """One gunicorn app server on 127.0.0.1:`port` with deploy/gunicorn.conf.py, its
    pid file and log under `run_dir`."""

    def __init__(self, port, run_dir, environment, workers=2):
        self.port = port
        self.run_dir = Path(run_dir).resolve()
        self.environment = environment
        self.workers = workers
        self.pid_file = self.run_dir / f"gunicorn-{port}.pid"
        self.log = self.run_dir / "logs" / f"gunicorn-{port}.log"
        self.process = None

    def url(self, path="/"):
        return f"http://{HOST}:{self.port}{path}"

    def start(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(DEPLOY / "gunicorn.conf.py"),
            f"--bind={HOST}:{self.port}",
            f"--workers={self.workers}",
            f"--pid={self.pid_file}",
        ]
        # Its own session: a Ctrl-C in the terminal does not reach it; stop() does.
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait(self, ready=lambda status: True, timeout=START_TIMEOUT):
        """Until /healthz gives a status `ready` accepts (any answer, by default)."""

        def answered():
            try:
                return ready(http_get(self.url("/healthz"), timeout=5)[0])
            except OSError:
                return False

        if not wait_until(answered, timeout, interval=0.2):
            tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])
            raise StackError(f"应用服务器 {HOST}:{self.port} 没有就绪，日志 {self.log}：\n{tail}")
        return self

    def pid(self):
        return read_pid(self.pid_file)

    def stop(self):
        stopped = stop_process(self.pid_file, signal.SIGTERM, marker=f"{self.run_dir}/")
        if self.process is not None and self.process.poll() is None:
            # Stopped before it wrote its pid file (it failed to boot, or was interrupted).
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        return stopped

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Stack:
    """nginx in front of the app servers, run from `run_dir`, stopped by its pid files.

    `environment` is what the app servers (and the preparation) see; the stack adds
    the production settings of this machine (DEBUG off, nginx serving /media/, plain
    HTTP on 127.0.0.1)."""

    def __init__(self, run_dir, port, app_ports, environment=None, workers=2):
        self.run_dir = Path(run_dir).resolve()
        self.port = port
        self.app_ports = list(app_ports)
        self.workers = workers
        self.environment = app_environment(environment or os.environ)
        self.environment.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
        if not self.environment["REDIS_URL"].strip():
            self.environment["REDIS_URL"] = DEFAULT_REDIS_URL

    # -- addresses ---------------------------------------------------------------------

    def url(self, path="/"):
        return f"http://{HOST}:{self.port}{path}"

    def app_url(self, index, path="/"):
        return f"http://{HOST}:{self.app_ports[index]}{path}"

    @property
    def logs(self):
        return self.run_dir / "logs"

    def _pid_file(self, name):
        return self.run_dir / f"{name}.pid"

    def _app_pid_files(self):
        return sorted(self.run_dir.glob("gunicorn-*.pid"))

    def app_server(self, port):
        return AppServer(port, self.run_dir, self.environment, workers=self.workers)

    # -- settings ----------------------------------------------------------------------

    # -- starting ----------------------------------------------------------------------

    def start(self, prepare=True, demo=True):
        if self.running():
            raise StackError(f"{self.run_dir} 的服务已在运行；先运行 make stack-stop")
        self._check_prerequisites()
        for folder in ("logs", "tmp", "cache"):
            (self.run_dir / folder).mkdir(parents=True, exist_ok=True)
        static_root, media_root = self.prepare(demo) if prepare else self.paths()
        media_root.mkdir(parents=True, exist_ok=True)
        self._write_nginx_config(static_root, media_root)
        servers = [self.app_server(port) for port in self.app_ports]
        try:
            for server in servers:
                server.start()
            for server in servers:
                server.wait(lambda status: status == 200)
            self._start_nginx()
        except BaseException:
            self.stop(quiet=True)
            for server in servers:
                server.stop()
            raise
        return self

    def _check_prerequisites(self):
        if not Path(NGINX).exists():
            raise StackError("找不到 nginx。Debian/Ubuntu 上安装：apt-get install -y nginx")
        for port in [self.port, *self.app_ports]:
            if not port_is_free(port):
                raise StackError(f"127.0.0.1:{port} 已被占用；用 PORT 或 STACK_APP_PORTS 换一个")
        import redis

        url = self.environment["REDIS_URL"]
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        except redis.RedisError as error:
            raise StackError(
                f"连不上 Redis（{url}）：{error}。两台应用服务器要共用一个缓存："
                "安装并启动 redis-server（apt-get install -y redis-server），或设置 REDIS_URL"
            ) from error

    def prepare(self, demo=True):
        """Prepare the site (`prepare_site`) in one process with the app servers'
        environment; returns their STATIC_ROOT and MEDIA_ROOT."""
        return self._in_django("prepare-demo" if demo else "prepare")

    def paths(self):
        """STATIC_ROOT and MEDIA_ROOT as the app servers see them."""
        return self._in_django("paths")

    def _in_django(self, step):
        command = [sys.executable, "-m", "scripts.stack", "_django", step]
        result = subprocess.run(command, cwd=ROOT, env=self.environment, stdout=subprocess.PIPE)
        if result.returncode != 0:
            raise StackError(f"准备网站时出错（{step}），见上面的输出")
        static_root, media_root = json.loads(result.stdout.decode().strip().splitlines()[-1])
        return Path(static_root), Path(media_root)

    def manage(self, arguments):
        """`manage.py <arguments>` with the app servers' environment."""
        command = [sys.executable, str(ROOT / "manage.py"), *arguments]
        if subprocess.run(command, cwd=ROOT, env=self.environment).returncode != 0:
            raise StackError(f"命令失败：manage.py {' '.join(arguments)}")

    def _write_nginx_config(self, static_root, media_root):
        render_fedsite_parts(
            self.run_dir,
            app_addresses=[f"{HOST}:{port}" for port in self.app_ports],
            static_root=static_root,
            media_root=media_root,
            cache_dir=self.run_dir / "cache",
        )
        brotli = all(module.exists() for module in BROTLI_MODULES)
        modules = "".join(f"load_module {module};\n" for module in BROTLI_MODULES if brotli)
        config = fill(
            DEPLOY / "nginx" / "stack.conf",
            {
                "MODULES": modules,
                "USER": self._nginx_user(),
                "RUN_DIR": self.run_dir,
                "LISTEN": f"{HOST}:{self.port}",
                "BROTLI": f"        include {self.run_dir}/fedsite-brotli.conf;" if brotli else "",
            },
        )
        (self.run_dir / "nginx.conf").write_text(config, encoding="utf-8")

    @staticmethod
    def _nginx_user():
        """Started by root, nginx's workers would run as nobody; as Debian's own nginx
        does, they run as www-data (which must be able to read the static and media
        folders). Started by anyone else, they run as that user."""
        if os.geteuid() != 0:
            return ""
        try:
            pwd.getpwnam("www-data")
        except KeyError:
            return "user nobody;"
        return "user www-data;"

    def _nginx_command(self, *extra):
        return [
            NGINX,
            "-p",
            f"{self.run_dir}/",
            "-c",
            str(self.run_dir / "nginx.conf"),
            "-e",
            str(self.logs / "nginx-error.log"),
            *extra,
        ]

    def _start_nginx(self):
        test = subprocess.run(self._nginx_command("-t", "-q"), capture_output=True, text=True)
        if test.returncode != 0:
            raise StackError(f"nginx 配置有误：\n{test.stderr.strip()}")
        subprocess.run(self._nginx_command(), check=True, stdin=subprocess.DEVNULL)

        def answering():
            try:
                return http_get(self.url("/healthz"), timeout=5)[0] == 200
            except OSError:
                return False

        if not wait_until(answering, 15):
            raise StackError(f"nginx 没有在 127.0.0.1:{self.port} 应答，见 {self.logs}")

    # -- stopping ----------------------------------------------------------------------

    def running(self):
        files = [self._pid_file("nginx"), *self._app_pid_files()]
        return [
            path
            for path in files
            if (pid := read_pid(path)) and alive_and_ours(pid, f"{self.run_dir}/")
        ]

    def stop(self, quiet=False):
        """Stop nginx, then the app servers, each by the pid in its file."""
        stopped = []
        targets = [(self._pid_file("nginx"), signal.SIGQUIT)]
        targets += [(path, signal.SIGTERM) for path in self._app_pid_files()]
        for path, stop_signal in targets:
            pid = stop_process(path, stop_signal, marker=f"{self.run_dir}/")
            if pid:
                stopped.append(f"{path.stem}（{pid}）")
        if not quiet:
            print("已停止：" + "、".join(stopped) if stopped else "没有在运行的服务")
        return stopped

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop(quiet=True)


def prepare_site(step):
    """Run inside Django with the app servers' environment (`Stack.prepare`): migrate,
    fill in any missing search index, collect the static files if they are not, and
    (prepare-demo) load the demo content, without accounts, into a database that
    has no article. Prints STATIC_ROOT and MEDIA_ROOT as JSON on the last line."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if step != "paths":
        from news.models import Article

        call_command("migrate", interactive=False, verbosity=0)
        call_command("rebuild_search_index", missing=True)
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            print("collectstatic ……", flush=True)
            call_command("collectstatic", interactive=False, verbosity=0)
        if step == "prepare-demo" and not Article.objects.exists():
            call_command("load_demo_content")
            call_command("load_demo_stats")
    print(json.dumps([str(settings.STATIC_ROOT), str(settings.MEDIA_ROOT)]), flush=True)


def stack_from_environment(run_dir=None):
    port = int(os.environ.get("PORT") or 8000)
    ports = [int(p) for p in os.environ.get("STACK_APP_PORTS", "").replace(",", " ").split()]
    return Stack(
        run_dir or os.environ.get("STACK_DIR") or ROOT / ".stack",
        port,
        ports or [port + 1, port + 2],
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description="在本机运行生产环境：nginx 和两台 gunicorn")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("start", help="启动（make stack）")
    commands.add_parser("stop", help="停止（make stack-stop）")
    commands.add_parser("status", help="列出正在运行的进程")
    django_step = commands.add_parser("_django")  # Stack.prepare's child process
    django_step.add_argument("step", choices=["prepare", "prepare-demo", "paths"])
    render = commands.add_parser("render", help="为服务器生成 nginx 的两个 fedsite 配置文件")
    render.add_argument("--out", required=True, help="写入的目录，例如 /etc/nginx/fedsite")
    render.add_argument("--app", action="append", help="应用服务器地址，默认 :8001 和 :8002")
    render.add_argument("--static-root", default="/srv/fedsite/staticfiles")
    render.add_argument("--media-root", default="/srv/fedsite/media")
    render.add_argument("--cache-dir", default="/var/lib/nginx/fedsite-cache")
    args = parser.parse_args(argv)

    if args.command == "_django":
        prepare_site(args.step)
        return
    try:
        if args.command == "render":
            render_fedsite_parts(
                args.out,
                app_addresses=args.app or ["127.0.0.1:8001", "127.0.0.1:8002"],
                static_root=args.static_root,
                media_root=args.media_root,
                cache_dir=args.cache_dir,
            )
            print(f"已写入 {args.out}/ 下的 fedsite-http.conf、fedsite-locations.conf 等")
            return
        stack = stack_from_environment()
        if args.command == "stop":
            stack.stop()
        elif args.command == "status":
            running = stack.running()
            print("\n".join(f"{path.stem}：{read_pid(path)}" for path in running) or "没有在运行")
        else:
            stack.start()
            admin = stack.environment.get("DJANGO_ADMIN_PATH", "").strip("/") or "admin"
            print(f"网站：{stack.url()}   后台：{stack.url(f'/{admin}/')}")
            servers = "、".join(f"{HOST}:{port}" for port in stack.app_ports)
            print(f"应用服务器：{servers}；日志：{stack.logs}")
            print("停止：make stack-stop")
    except StackError as error:
        print(error, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
