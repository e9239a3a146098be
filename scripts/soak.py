"""The soak run (issue 12; README, "Soak"): `make soak`.

The production stack (scripts/stack.py) on a Redis server and a PostgreSQL cluster
of its own (scripts/instances.py; ports 6391 and 5441 by default, so that it can run
beside `make faults`), with the demo content and --articles generated articles. For
--minutes, readers request a mix of public pages through nginx (home, lists,
articles, feeds, search, stats; scripts/load.py) while editors work through the
real admin over HTTP (scripts/web.py: login, CSRF token, the forms as the page has
them): each writes an article (保存并继续编辑), publishes it (审核通过并发布) and
keeps editing its articles, and readers are sent to the new articles too.

At the end it checks that nothing was lost: every article an editor saved is in the
database with the title, body and version of its last save, its history holds a
version per save ending with that one, and its public page shows that title. It
prints the figures and exits 1 on any 5xx, any failed editor action or anything lost.
"""

import argparse
import random
import re
import secrets
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import psycopg2
import redis

from scripts.faults import stop_on_signals
from scripts.instances import OwnedServers, running_stack
from scripts.load import Readers, discover, milliseconds, percentile, summary
from scripts.stack import HOST, StackError, http_get
from scripts.web import Browser

ROLE = "审核"  # the reviewers' group (news/migrations/0003_roles.py): write and publish


@dataclass
class Written:
    """What an editor last saved of one article."""

    pk: int
    title: str
    marker: str  # a word only this save's body holds
    version: int  # the article's version after that save
    saves: int = 1


@dataclass
class Editor:
    name: str
    browser: Browser
    rng: random.Random
    articles: dict = field(default_factory=dict)  # pk -> Written
    actions: list = field(default_factory=list)  # (kind, ok, seconds)
    failures: list = field(default_factory=list)


def main():
    args = parse_arguments()
    stop_on_signals()
    try:
        with OwnedServers(args.redis_port, args.postgres_port) as owned:
            owned.postgres.create_database("fedsite")
            with running_stack(owned, args.articles) as stack:
                ok = run(args, owned, stack)
    except StackError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    sys.exit(0 if ok else 1)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--postgres-port", type=int, default=5441)
    parser.add_argument("--articles", type=int, default=2000, help="生成的文章数")
    parser.add_argument("--minutes", type=float, default=3, help="运行分钟数（最多 15）")
    parser.add_argument("--readers", type=int, default=6, help="并发读者线程数")
    parser.add_argument("--editors", type=int, default=2, help="同时在后台工作的编辑数")
    args = parser.parse_args()
    args.minutes = max(0.5, min(args.minutes, 15))
    return args


def create_editors(stack, count):
    password = secrets.token_urlsafe(16)
    names = [f"soak-editor-{number}" for number in range(1, count + 1)]
    code = (
        "from django.contrib.auth.models import Group, User\n"
        f"for name in {names!r}:\n"
        f"    user = User.objects.create_user(name, password={password!r}, is_staff=True)\n"
        f"    user.groups.add(Group.objects.get(name={ROLE!r}))\n"
    )
    stack.manage(["shell", "--verbosity", "0", "-c", code])
    editors = []
    for number, name in enumerate(names):
        browser = Browser(stack.url())
        browser.log_in(name, password)
        editors.append(Editor(name, browser, random.Random(number)))
    return editors


def run(args, owned, stack):
    pages = discover(lambda path: http_get(stack.url(path))[2].decode())
    editors = create_editors(stack, args.editors)
    readers = Readers(HOST, stack.port, pages, count=args.readers).start()
    started = time.monotonic()
    deadline = started + args.minutes * 60
    threads = [
        threading.Thread(target=work, args=(editor, readers, deadline), daemon=True)
        for editor in editors
    ]
    sampler = Sampler(owned)
    for thread in [*threads, sampler]:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.minutes * 60 + 120)
    readers.stop()
    sampler.stop()
    seconds = time.monotonic() - started
    time.sleep(2)  # nginx's micro-cache keeps a page one second
    lost = check_nothing_lost(owned, stack, editors)
    ok = report(readers, editors, seconds, lost)
    print(sampler.report(len(readers.answers)))
    return ok


class Sampler(threading.Thread):
    """What the run asks of PostgreSQL and Redis, sampled every 2 s: the database
    connections open, Redis's memory and the commands it has processed (README,
    "What to scale first")."""

    def __init__(self, owned):
        super().__init__(daemon=True)
        self.owned = owned
        self.connections = []
        self.memory = []
        self.commands = []  # (time, total commands processed)
        self._finished = threading.Event()

    def run(self):
        client = redis.Redis.from_url(self.owned.redis.url)
        database = psycopg2.connect(
            host=HOST, port=self.owned.postgres.port, user="postgres", dbname="fedsite"
        )
        database.autocommit = True
        try:
            while not self._finished.wait(2):
                with database.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = 'fedsite' AND pid <> pg_backend_pid()"
                    )
                    self.connections.append(cursor.fetchone()[0])
                info = client.info()
                self.memory.append(info["used_memory"])
                self.commands.append((time.monotonic(), info["total_commands_processed"]))
        finally:
            database.close()

    def stop(self):
        self._finished.set()
        self.join(timeout=10)

    def report(self, requests):
        if len(self.commands) < 2:
            return ""
        (start, first), (end, last) = self.commands[0], self.commands[-1]
        keys = redis.Redis.from_url(self.owned.redis.url).dbsize()
        return (
            f"PostgreSQL 连接数：最多 {max(self.connections)}；"
            f"Redis：最多占用 {max(self.memory) / 2**20:.1f} MiB，{keys} 个键，"
            f"每秒 {(last - first) / (end - start):.0f} 条命令（读者每个请求约 "
            f"{(last - first) / max(1, requests):.1f} 条）"
        )


# -- the editors ---------------------------------------------------------------------------


def work(editor, readers, deadline):
    """Write and publish an article, then edit one of one's articles, again and again."""
    number = 0
    while time.monotonic() < deadline:
        number += 1
        if not editor.articles or editor.rng.random() < 0.3:
            pk = act(editor, "write", write, number)
            if pk is not None and act(editor, "publish", publish, pk):
                readers.add_pages("article", [f"/articles/{pk}/"])
        else:
            act(editor, "edit", edit, editor.rng.choice(sorted(editor.articles)), number)
        time.sleep(editor.rng.uniform(1, 3))  # reading what the page says


def act(editor, kind, action, *arguments):
    started = time.monotonic()
    try:
        result = action(editor, *arguments)
        ok = result is not None and result is not False
    except Exception as error:  # any failure is counted and reported, the run goes on
        editor.failures.append(f"{kind}: {type(error).__name__}: {error}")
        result, ok = None, False
    editor.actions.append((kind, ok, time.monotonic() - started))
    return result


def body(editor, number, marker):
    return (
        f"<p>浸泡测试稿件，由{editor.name}第 {number} 次写入。标记 {marker}。</p>"
        "<p>市妇联持续推进家庭家教家风建设，组织巾帼志愿者开展关爱帮扶活动。</p>"
    )


def write(editor, number):
    add = "/admin/news/article/add/"
    form = editor.browser.get(add)
    columns = re.findall(r'<option value="(\d+)"', column_select(form.text))
    marker = secrets.token_hex(6)
    title = f"浸泡测试：{editor.name} 第 {number} 篇"
    page = editor.browser.submit(
        add,
        [
            ("title", title),
            ("column", editor.rng.choice(columns)),
            ("body", body(editor, number, marker)),
            ("_continue", "保存并继续编辑"),
        ],
        form_id="article_form",
    )
    found = re.search(r"/admin/news/article/(\d+)/change/", page.url)
    if page.status != 200 or not found:
        editor.failures.append(f"write: {page.status} {page.url}")
        return None
    pk = int(found.group(1))
    editor.articles[pk] = Written(pk, title, marker, version_on(page.text))
    return pk


def publish(editor, pk):
    change = f"/admin/news/article/{pk}/change/"
    page = editor.browser.submit(change, [("_approve", "审核通过并发布")], form_id="article_form")
    if page.status != 200 or urlsplit(page.url).path != "/admin/news/article/":
        editor.failures.append(f"publish {pk}: {page.status} {page.url}")
        return False
    return record_version(editor, pk)


def edit(editor, pk, number):
    change = f"/admin/news/article/{pk}/change/"
    written = editor.articles[pk]
    marker = secrets.token_hex(6)
    title = f"浸泡测试：{editor.name} 的稿件 {pk} 第 {written.saves + 1} 次修改"
    page = editor.browser.submit(
        change,
        [("title", title), ("body", body(editor, number, marker)), ("_save", "保存")],
        form_id="article_form",
    )
    if page.status != 200 or urlsplit(page.url).path != "/admin/news/article/":
        editor.failures.append(f"edit {pk}: {page.status} {page.url}")
        return False
    written.title, written.marker, written.saves = title, marker, written.saves + 1
    return record_version(editor, pk)


def record_version(editor, pk):
    """The version the change form shows now: what the next save must start from."""
    page = editor.browser.get(f"/admin/news/article/{pk}/change/")
    version = version_on(page.text)
    if page.status != 200 or version is None:
        editor.failures.append(f"read {pk}: {page.status}")
        return False
    editor.articles[pk].version = version
    return True


def version_on(html):
    found = re.search(r'name="edit_version"[^>]*value="(\d+)"', html) or re.search(
        r'value="(\d+)"[^>]*name="edit_version"', html
    )
    return int(found.group(1)) if found else None


def column_select(html):
    found = re.search(r'<select name="column".*?</select>', html, flags=re.DOTALL)
    return found.group(0) if found else ""


# -- nothing lost --------------------------------------------------------------------------


def check_nothing_lost(owned, stack, editors):
    """Each article as its editor last saved it: in the database (title, body, version,
    published), in its history (a version per save, the last one that title), and on
    its public page (that title)."""
    written = {pk: w for editor in editors for pk, w in editor.articles.items()}
    problems = []
    if not written:
        return ["没有写入任何文章"]
    connection = psycopg2.connect(
        host=HOST, port=owned.postgres.port, user="postgres", dbname="fedsite"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, title, body, version, status FROM news_article WHERE id = ANY(%s)",
                (list(written),),
            )
            stored = {row[0]: row[1:] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT DISTINCT ON (id) id, title, count(*) OVER (PARTITION BY id) "
                "FROM news_historicalarticle WHERE id = ANY(%s) "
                "ORDER BY id, history_date DESC, history_id DESC",
                (list(written),),
            )
            history = {row[0]: row[1:] for row in cursor.fetchall()}
    finally:
        connection.close()
    for pk, last in sorted(written.items()):
        if pk not in stored:
            problems.append(f"{pk}：数据库里没有")
            continue
        title, text, version, status = stored[pk]
        if title != last.title or last.marker not in text:
            problems.append(f"{pk}：标题或正文不是最后一次保存的")
        if version != last.version:
            problems.append(f"{pk}：版本 {version}，应为 {last.version}")
        if status != "published":
            problems.append(f"{pk}：状态 {status}，应已发布")
        latest, versions = history.get(pk, (None, 0))
        if latest != last.title or versions < last.saves:
            problems.append(f"{pk}：历史记录有 {versions} 个版本，最新的不是最后一次保存的")
        page = http_get(stack.url(f"/articles/{pk}/"))
        if page[0] != 200 or last.title not in page[2].decode():
            problems.append(f"{pk}：公开页面（{page[0]}）没有显示最后的标题")
    return problems


# -- report --------------------------------------------------------------------------------


def report(readers, editors, seconds, lost):
    figures = summary(readers.answers, seconds)
    print(f"\n## 浸泡测试结果（{seconds / 60:.1f} 分钟）\n")
    print("| pages | requests | req/s | 200/304 | 5xx | refused/reset/timeout | p50 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    kinds = sorted({answer.kind for answer in readers.answers})
    for kind in [*kinds, None]:
        answers = [a for a in readers.answers if kind is None or a.kind == kind]
        row = summary(answers, seconds)
        print(
            f"| {kind or '**all**'} | {row['requests']:,} | {row['per_second']:.0f} | "
            f"{row['ok']:,} | {row['server_errors']:,} | {row['failures']:,} | "
            f"{milliseconds(row['p50'])} | {milliseconds(row['p99'])} |"
        )
    actions = [action for editor in editors for action in editor.actions]
    print("\n| editor action | done | failed | p50 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind in ("write", "publish", "edit"):
        mine = [a for a in actions if a[0] == kind]
        latencies = sorted(a[2] for a in mine)
        done = sum(1 for a in mine if a[1])
        p50, p99 = (milliseconds(percentile(latencies, p)) for p in (50, 99))
        print(f"| {kind} | {done:,} | {len(mine) - done:,} | {p50} | {p99} |")
    articles = sum(len(editor.articles) for editor in editors)
    saves = sum(w.saves for editor in editors for w in editor.articles.values())
    failures = [failure for editor in editors for failure in editor.failures]
    print(
        f"\n编辑保存的文章 {articles} 篇（保存 {saves} 次）；核对后丢失或不符 {len(lost)} 处；"
        f"读者 5xx {figures['server_errors']} 个，连接失败 {figures['failures']} 个；"
        f"编辑操作失败 {len(failures)} 次"
    )
    for problem in [*lost, *failures][:20]:
        print(f"  - {problem}")
    outcomes = Counter(answer.outcome for answer in readers.answers)
    print(f"读者的应答：{dict(sorted(outcomes.items()))}")
    return not lost and not failures and figures["server_errors"] == 0 and not figures["failures"]


if __name__ == "__main__":
    main()
