"""Find dead links inside the site: in article bodies and in attachments.

Inspections count a link to a missing page or file against the site, and a link
goes dead quietly: an article is withdrawn or deleted, a file is removed, a
column is renamed. This command looks every link that points into the site up
locally (the database, the media storage, the URL configuration, and for other
pages a request through Django's test client), so it needs no network and puts
no load on the public server. It reports and never changes anything; it exits
with status 1 when it finds a dead link, so cron or CI can raise the alarm.
"""

import logging
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.http.request import validate_host
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from news.models import Article, Attachment, Column


@dataclass(frozen=True)
class DeadLink:
    target: str
    reason: str


class _LinkCollector(HTMLParser):
    """The href and src values of a body, in order. Bodies are sanitized on save
    (news.sanitize), so <a href> and <img src> are the only links they can hold."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.targets = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src"} and value and value.strip():
                self.targets.append(value.strip())


def link_targets(body):
    collector = _LinkCollector()
    collector.feed(body or "")
    collector.close()
    return collector.targets


class LinkChecker:
    """Decides whether a link points into the site and, if so, whether it is dead.

    Each distinct path is looked up once, however many articles link to it."""

    def __init__(self, extra_hosts=()):
        # "*" in ALLOWED_HOSTS means "accept any Host header", not "every site is
        # ours": it is left out, or every external link would count as internal.
        allowed = [host.lower() for host in settings.ALLOWED_HOSTS if host != "*"]
        self.hosts = [*(host.lower() for host in extra_hosts), *allowed]
        # Pages are requested under a name Django accepts; "localhost" is what it
        # accepts with ALLOWED_HOSTS empty (DEBUG) or "*".
        request_host = next((host.lstrip(".") for host in allowed), "localhost")
        self.client = Client(raise_request_exception=False, HTTP_HOST=request_host)
        self._verdicts = {}

    def internal_path(self, target, base):
        """The site path a link points to (with its query), or None for a link
        elsewhere. Relative links are read from the page they appear on."""
        parts = urlsplit(urljoin(base, target))
        if parts.scheme not in {"", "http", "https"}:
            return None  # mailto:, tel:
        if parts.netloc and not validate_host(parts.hostname or "", self.hosts):
            return None
        path = parts.path or "/"
        return f"{path}?{parts.query}" if parts.query else path

    def problem(self, path):
        """Why the link is dead, or None if it works."""
        if path not in self._verdicts:
            self._verdicts[path] = self._check(path)
        return self._verdicts[path]

    def _check(self, path_with_query):
        raw_path = path_with_query.split("?", 1)[0]
        path = unquote(raw_path)
        if path.startswith(settings.MEDIA_URL):
            return self._check_media(path.removeprefix(settings.MEDIA_URL))
        if path.startswith(settings.STATIC_URL):
            # Served by nginx from collected static files, not through a URL pattern.
            try:
                found = finders.find(path.removeprefix(settings.STATIC_URL))
            except SuspiciousFileOperation:
                return "文件路径不合法"
            return None if found else "静态文件不存在"
        try:
            match = resolve(path)
        except Resolver404:
            if path.endswith("/"):
                return "网站上没有这个地址"
            try:
                # CommonMiddleware (APPEND_SLASH) redirects /news to /news/.
                match = resolve(path + "/")
            except Resolver404:
                return "网站上没有这个地址"
            path_with_query = path_with_query.replace(raw_path, raw_path + "/", 1)
        if match.view_name == "news:article":
            return self._check_article(match.kwargs["pk"])
        if match.view_name == "news:attachment":
            return self._check_attachment(match.kwargs["pk"])
        if match.view_name == "news:column":
            if Column.objects.filter(slug=match.kwargs["slug"]).exists():
                return None
            return "栏目不存在"
        return self._fetch(path_with_query)

    def _check_media(self, name):
        try:
            if name and default_storage.exists(name):
                return None
        except SuspiciousFileOperation:
            return "文件路径不合法"
        return "文件不存在"

    def _check_article(self, pk):
        article = Article.objects.filter(pk=pk).only("status", "published_at").first()
        if article is None:
            return "文章不存在（可能已被删除）"
        if article.is_scheduled:
            return "文章尚未到发布时间"
        if not article.is_live():
            return f"文章未公开（{article.get_status_display()}）"
        return None

    def _check_attachment(self, pk):
        attachment = Attachment.objects.filter(pk=pk).select_related("article").first()
        if attachment is None:
            return "附件不存在（可能已被删除）"
        if not attachment.article.is_live():
            # The download view refuses it to the public (news.attachments.download).
            return "附件所属的文章未公开"
        return self.attachment_problem(attachment)

    def attachment_problem(self, attachment):
        problem = self._check_media(attachment.file.name)
        return f"附件的文件缺失（{attachment.file.name}）" if problem else None

    def _fetch(self, path):
        secure = {"secure": True}
        if settings.SECURE_PROXY_SSL_HEADER:
            # Behind the proxy, Django reads HTTPS from this header; without it every
            # page would answer with a redirect and look alive.
            header, value = settings.SECURE_PROXY_SSL_HEADER
            secure[header] = value
        # A page view may write (a reading counted, a row created on first use):
        # whatever it does is rolled back, so the check changes nothing. Django's
        # "Not Found" warning is left out: the report says so, in Chinese.
        with transaction.atomic(), _quiet_request_warnings():
            response = self.client.get(path, **secure)
            transaction.set_rollback(True)
        if response.status_code >= 400:
            return f"页面返回 {response.status_code}"
        return None


@contextmanager
def _quiet_request_warnings():
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)  # a server error still logs its traceback
    try:
        yield
    finally:
        request_log.setLevel(level)


class Command(BaseCommand):
    help = (
        "检查文章正文和附件中指向本站的链接是否失效（不联网，只报告，不修改）。"
        "发现失效链接时退出状态为 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="检查所有文章（含草稿、待审核、已撤回）；默认只查公开可见的文章。",
        )
        parser.add_argument(
            "--host",
            action="append",
            default=[],
            help="也算作本站的域名（可重复）；ALLOWED_HOSTS 中的域名总是算作本站。",
        )

    def handle(self, *args, **options):
        checker = LinkChecker(options["host"])
        articles = Article.objects.all() if options["all"] else Article.objects.live()
        articles = articles.only("id", "title", "status", "published_at", "body").order_by("id")
        counts = Counter()
        dead_by_article = []
        for article in articles.prefetch_related("attachments").iterator(chunk_size=200):
            counts["articles"] += 1
            dead = self._dead_links(article, checker, counts)
            if dead:
                dead_by_article.append((article, dead))

        self._report(dead_by_article, counts, options["all"])
        dead_total = sum(len(dead) for _article, dead in dead_by_article)
        if dead_total:
            raise CommandError(f"发现 {dead_total} 个失效链接。", returncode=1)

    def _dead_links(self, article, checker, counts):
        dead = []
        base = article.get_absolute_url()
        for target in link_targets(article.body):
            if target.startswith("#"):
                continue  # a place on the same page
            path = checker.internal_path(target, base)
            if path is None:
                if urlsplit(target).netloc:
                    counts["external"] += 1
                continue
            counts["internal"] += 1
            problem = checker.problem(path)
            if problem:
                dead.append(DeadLink(target, problem))
        for attachment in article.attachments.all():
            counts["attachments"] += 1
            problem = checker.attachment_problem(attachment)
            if problem:
                dead.append(DeadLink(f"附件「{attachment.display_name}」", problem))
        return dead

    def _report(self, dead_by_article, counts, every_status):
        write = self.stdout.write
        for article, dead in dead_by_article:
            write(f"文章「{article.title}」（{article.get_status_display()}）")
            write(f"  后台：{reverse('admin:news_article_change', args=[article.pk])}")
            for link in dead:
                write(f"  ✗ {link.target}：{link.reason}")
            write("")
        scope = "所有文章" if every_status else "公开可见的文章"
        dead_total = sum(len(dead) for _article, dead in dead_by_article)
        write(
            f"检查了{scope} {counts['articles']} 篇、附件 {counts['attachments']} 个、"
            f"站内链接 {counts['internal']} 个：失效 {dead_total} 个。"
            f"站外链接 {counts['external']} 个，未检查（本命令不联网）。"
        )
        if not dead_total:
            write(self.style.SUCCESS("未发现失效链接。"))
