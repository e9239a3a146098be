"""The page benchmark (issue 11; README, "Page benchmark"): `make bench`.

On the PostgreSQL database named by DATABASE_URL it migrates, loads the demo content
(columns, the March 8 report, indicators and figures: idempotent) and generates
articles up to --articles (100,000) if they are not there. Then it serves the site
with gunicorn (2 sync workers, DEBUG off, a fresh secret key, the shared Redis cache
as production runs) on a free port of 127.0.0.1, and runs wrk against every public
page, uncached and cached, and against a bare one-query view (bench/views.py) as the
in-run baseline, in interleaved passes. It prints one markdown table, then the
EXPLAIN summaries of `manage.py explain_pages` when that command exists.

"Uncached" is a request the page cache does not serve: the address carries a
parameter no page reads (?uncached=1), which fedsite.cache answers from the view and
never looks up or stores (fedsite.parameters.canonical). Every such request runs the
view's queries and renders the page, as after an edit bumps the site generation; a
real miss costs the one or two Redis round trips more that this skips.

Everything it starts (gunicorn, wrk) it stops by PID on any exit. Run from the
repository root: `python -m bench.run` (`make bench` does).
"""

import argparse
import json
import logging
import math
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("report.lua")
HOST = "127.0.0.1"
UNCACHED = "uncached=1"
SEARCH_WORDS = "妇联"
MAX_PAGE = 9999  # fedsite.parameters.page_number accepts up to four digits


@dataclass
class Row:
    label: str
    path: str
    runs: list = field(default_factory=list)  # one wrk summary (dict) a pass
    rss_kb: int = 0  # the largest worker's VmRSS after this row's runs
    queries: object = None  # queries one request runs, counted in-process
    status: int = 0  # the HTTP status gunicorn gave before the runs

    def mean_rate(self):
        rates = [run["rate"] for run in self.runs]
        return statistics.mean(rates) if rates else 0.0


def main():
    args = parse_arguments()
    stop_on_signals()
    check_prerequisites(args)
    configure_environment(args)

    import django

    django.setup()
    prepare_database(args.articles)
    collect_static_if_needed()
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()  # the benchmark's own db number only

    rows = choose_rows() + compared_rows(args.compare)
    if args.only:
        # The baseline always runs: every ratio is to it.
        rows = rows[:1] + [row for row in rows[1:] if row.label.startswith(tuple(args.only))]
    count_queries(rows)
    started = time.monotonic()
    logs = Path(tempfile.mkdtemp(prefix="fedsite-bench-"))
    with Gunicorn(logs / "gunicorn.log", rows[0].path) as server:
        for row in rows:
            row.status = http_status(server.url(row.path))
        passes_done = run_passes(args, server, rows, started)
    print_table(args, rows, passes_done)
    explain_pages()
    print(f"\ngunicorn 的日志：{logs / 'gunicorn.log'}")


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="文章总数（不足时生成）")
    parser.add_argument("--duration", type=int, default=8, help="wrk 每次运行的秒数")
    parser.add_argument("--passes", type=int, default=2, help="交替进行的轮数")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--budget", type=int, default=540, help="压测部分的时间上限（秒），超出则提前结束"
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        help="基准测试专用的 Redis 库（开始时会被清空）",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="LABEL",
        help="只测标签以此开头的行（可重复；基准行总会测），用于对比某几页",
    )
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="LABEL=URL",
        help="另一个站点的地址（如同机运行的 Wagtail），与本站交替压测，列在同一张表里",
    )
    args = parser.parse_args()
    for item in args.compare:
        label, _, url = item.partition("=")
        if not label or not url.startswith("http://127.0.0.1:"):
            parser.error(f"--compare 需要 标签=http://127.0.0.1:端口/路径，而不是 {item!r}")
    args.duration = max(1, min(args.duration, 60))
    args.passes = max(1, min(args.passes, 5))
    return args


def stop_on_signals():
    # SIGTERM and SIGHUP unwind like Ctrl-C, so the `with` blocks stop what they started.
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def check_prerequisites(args):
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        fail(
            "设置 DATABASE_URL 为一个 PostgreSQL 数据库，例如\n"
            "  createdb -h 127.0.0.1 -U postgres fedsite_bench\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/fedsite_bench make bench"
        )
    if shutil.which("wrk") is None:
        fail("找不到 wrk。Debian/Ubuntu 上安装：sudo apt-get install -y wrk")
    import redis

    try:
        redis.Redis.from_url(args.redis_url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        fail(
            f"连不上 Redis（{args.redis_url}）：{error}\n"
            "Debian/Ubuntu 上安装并启动：sudo apt-get install -y redis-server；"
            "或用 BENCH_REDIS_URL 指定另一个库"
        )


def configure_environment(args):
    """Production-like settings, for this process (query counts) and gunicorn alike."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "REDIS_URL": args.redis_url,
            "CACHE_KEY_PREFIX": "fedsite-bench",
            "DJANGO_STATIC_ROOT": str(ROOT / ".cache" / "bench" / "static"),
            "DJANGO_SERVE_MEDIA": "false",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )


def prepare_database(articles):
    from django.core.management import call_command

    from news.models import Article

    call_command("migrate", interactive=False, verbosity=0)
    # Both loaders change nothing that is already there.
    call_command("load_demo_content")
    call_command("load_demo_stats")
    missing = articles - Article.objects.count()
    if missing > 0:
        print(f"生成 {missing} 篇文章（几分钟）……", flush=True)
        call_command("generate_corpus", count=missing)


def collect_static_if_needed():
    """Pages name static files through the storage; a manifest storage (hashed names)
    needs collectstatic before a page with DEBUG off can render at all."""
    from django.conf import settings
    from django.core.management import call_command

    if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]:
        print("collectstatic ……", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)


def choose_rows():
    from django.urls import NoReverseMatch, reverse

    from news.models import Article
    from stats.models import Indicator

    live = Article.objects.live()
    # An article from the middle of the archive: its previous/next neighbours and
    # related articles are found among many, as for most readings.
    middle = live.order_by("published_at", "pk").values_list("pk", "column__slug")
    article, column = middle[live.count() // 2]
    indicator = Indicator.objects.order_by("pk").first()
    news = reverse("news:list")
    last = deepest_page(news)
    pages = [
        ("home", reverse("news:home")),
        ("list page 1", news),
        (f"list page {last} (last)", f"{news}?page={last}"),
        ("article", reverse("news:article", args=[article])),
        ("column", reverse("news:column", args=[column])),
        ("feed", reverse("news:feed")),
        ("stats", reverse("stats:overview")),
        ("indicator", indicator.get_absolute_url() if indicator else None),
        ("search", f"{reverse('news:search')}?q={quote(SEARCH_WORDS)}"),
    ]
    rows = [Row("bare Django view, one query (baseline)", reverse("bench_bare", args=[article]))]
    try:  # the 阅读量 counter each reading of a cached article page loads, if there is one
        counter = reverse("news:article_reading", args=[article])
    except NoReverseMatch:
        counter = None
    for label, path in pages:
        if path is None:
            print(f"跳过 {label}：数据库里没有", file=sys.stderr)
            continue
        separator = "&" if "?" in path else "?"
        rows.append(Row(f"{label}, uncached", f"{path}{separator}{UNCACHED}"))
        if label != "search":  # the page cache never stores search results
            rows.append(Row(f"{label}, cached", path))
    if counter:
        rows.append(Row("article's 阅读量 counter (never cached)", counter))
    return rows


def compared_rows(compare):
    """Rows for another site served on this machine (--compare LABEL=URL), run in the
    same interleaved passes, so the ratios between the two are of one run."""
    rows = []
    for item in compare:
        label, _, url = item.partition("=")
        rows.append(Row(label, url, queries="–"))
    return rows


def deepest_page(path):
    """The last list page a reader can reach, found by asking the site: from the
    live count and the view's page size, then by bisection if that guess is off."""
    from django.test import Client

    from news import views
    from news.models import Article

    client = Client()

    def exists(number):
        return client.get(f"{path}?page={number}", HTTP_HOST=HOST).status_code == 200

    # The probes past the end are expected 404s, not warnings worth printing.
    logging.getLogger("django.request").setLevel(logging.ERROR)

    size = getattr(getattr(views, "ArticleListView", None), "paginate_by", None) or 20
    good = min(MAX_PAGE, max(1, math.ceil(Article.objects.live().count() / size)))
    bad = good + 1
    if not exists(good):
        good, bad = 1, good
    else:
        while bad <= MAX_PAGE and exists(bad):
            good, bad = bad, min(MAX_PAGE + 1, bad * 2)
    while bad - good > 1:
        middle = (good + bad) // 2
        good, bad = (middle, bad) if exists(middle) else (good, middle)
    logging.getLogger("django.request").setLevel(logging.NOTSET)
    return good


def count_queries(rows):
    """Queries one request runs, counted once in this process with the test client
    against the same database and cache (after one request that warms both)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for row in rows:
        if row.path.startswith("http"):  # another site (--compare)
            continue
        try:
            client.get(row.path, HTTP_HOST=HOST)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(row.path, HTTP_HOST=HOST)
        except Exception as error:  # shown in the table; the other pages still run
            row.queries = f"error: {type(error).__name__}"
            continue
        row.queries = len(queries) if response.status_code == 200 else response.status_code


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn with 2 sync workers on a free port of 127.0.0.1, stopped on exit."""

    def __init__(self, log_path, ready_path):
        self.log_path = log_path
        self.ready_path = ready_path
        self.port = free_port()
        self.process = None

    def url(self, path):
        if path.startswith("http"):  # another site's address (--compare)
            return path
        return f"http://{HOST}:{self.port}{path}"

    def __enter__(self):
        self.log = open(self.log_path, "w")  # closed in __exit__
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "fedsite.wsgi:application",
            "--workers=2",
            "--worker-class=sync",
            f"--bind={HOST}:{self.port}",
            f"--chdir={ROOT}",
            "--timeout=30",
            "--graceful-timeout=5",
            "--log-level=warning",
        ]
        # Its own session, so a Ctrl-C in the terminal reaches only us; we stop it.
        self.process = subprocess.Popen(
            command, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_ready(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"gunicorn 没有启动，见 {self.log_path}")
            try:
                if http_status(self.url(self.ready_path)) == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        fail(f"gunicorn 30 秒内没有应答，见 {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # the master stops its workers gracefully
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own group (its session)
                self.process.wait(timeout=5)
        self.log.close()

    def worker_rss_kb(self):
        """VmRSS of each worker (the master's children), from /proc/<pid>/status."""
        sizes = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() == str(self.process.pid) and "VmRSS" in fields:
                sizes.append(int(fields["VmRSS"].split()[0]))
        return sizes


def run_passes(args, server, rows, started):
    """Every row once a pass, passes interleaved, so drift on a shared machine spreads
    over all rows alike. Stops early, between runs, when the time budget is spent."""
    for number in range(1, args.passes + 1):
        for row in rows:
            if time.monotonic() - started > args.budget:
                print(f"时间上限 {args.budget} 秒已到，提前结束", file=sys.stderr)
                return number - 1
            if row.status != 200:
                continue
            urllib.request.urlopen(server.url(row.path), timeout=30).read()  # fill the cache
            row.runs.append(wrk(args, server.url(row.path)))
            if not row.path.startswith("http"):
                row.rss_kb = max([row.rss_kb, *server.worker_rss_kb()])
            # Requests wrk left in flight are still being served; let them finish so
            # that a slow page does not slow the next row (up to 8 queued on 2 workers).
            time.sleep(min(15, 4 * row.runs[-1]["p50_us"] / 1e6))
            print(
                f"第 {number} 轮 {row.label}: {row.runs[-1]['rate']:.0f} req/s",
                file=sys.stderr,
                flush=True,
            )
    return args.passes


def wrk(args, url):
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={args.duration}s",
        "--timeout=5s",
        f"--script={LUA}",
        url,
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=args.duration + 30, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH-JSON "))
    summary = json.loads(line.removeprefix("BENCH-JSON "))
    summary["rate"] = summary["requests"] / (summary["duration_us"] / 1e6)
    summary["errors"] = sum(
        summary[kind] for kind in ("connect", "read", "write", "status", "timeout")
    )
    return summary


def print_table(args, rows, passes_done):
    from django.db import connection

    from news.models import Article

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    baseline = rows[0].mean_rate()
    print()
    print(
        f"{datetime.now():%Y-%m-%d %H:%M}, {machine()}, PostgreSQL {postgres}, "
        f"{Article.objects.live().count():,} live articles; gunicorn 2 sync workers, "
        f"Redis cache; wrk {args.threads} threads, {args.connections} connections, "
        f"{args.duration} s a run, {passes_done} interleaved passes "
        "(req/s: lowest–highest pass; p50: mean; p99: highest)."
    )
    print()
    print("| page | req/s | p50 ms | p99 ms | errors | queries | × bare | worker RSS | KB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        if not row.runs:
            reason = f"HTTP {row.status}" if row.status != 200 else "not run"
            print(f"| {row.label} | {reason} | | | | {row.queries} | | | |")
            continue
        rates = [run["rate"] for run in row.runs]
        rate = f"{min(rates):,.0f}"
        if len(rates) > 1:
            rate += f"–{max(rates):,.0f}"
        p50 = statistics.mean(run["p50_us"] for run in row.runs) / 1000
        p99 = max(run["p99_us"] for run in row.runs) / 1000
        errors = sum(run["errors"] for run in row.runs)
        ratio = row.mean_rate() / baseline if baseline else 0
        size = sum(run["bytes"] for run in row.runs) / max(1, sum(r["requests"] for r in row.runs))
        print(
            f"| {row.label} | {rate} | {p50:.1f} | {p99:.1f} | {errors} | {row.queries} "
            f"| {ratio:.2f} | {f'{row.rss_kb / 1024:.0f} MB' if row.rss_kb else '–'} "
            f"| {size / 1024:.1f} |"
        )


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu})"


def explain_pages():
    """The query plans at this size, from Q's command when it exists (issue 11)."""
    from django.core.management import call_command, get_commands

    if "explain_pages" not in get_commands():
        print("\n（没有 explain_pages 命令，略过 EXPLAIN）")
        return
    print("\n## EXPLAIN (ANALYZE, BUFFERS)\n", flush=True)
    call_command("explain_pages")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
