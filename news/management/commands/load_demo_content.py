import datetime
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html_join

from fedsite.models import ExternalLink, SiteProfile
from news.demo import samples
from news.models import Article, Column
from news.repair import repair_report

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"

COLUMNS = [
    ("部门动态", "bmdt", "市妇联各部门的工作动态。", Column.Kind.NEWS),
    ("通知公告", "tzgg", "市妇联发布的通知和公告。", Column.Kind.NOTICE),
    ("工作动态", "gzdt", "全市各级妇联组织的工作动态。", Column.Kind.NEWS),
]

# The March 8 report, restored by hand from the damaged seed copy: simplified
# script, no pinyin annotations, full-width punctuation, the two garbled spots
# (勇担当, 幸福婚姻大讲堂) put back. news/demo/march8_report.txt is that text.
MARCH8 = {
    "file": "march8_report.txt",
    "published_at": datetime.datetime(2022, 3, 8, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
}

DEMO_USERS = [("admin", None), ("bianji", "编辑"), ("shenhe", "审核")]

# The footer's particulars as a sample: each says so in its value, which staff see
# in 网站信息 and replace. Filled in only where the field is empty.
SAMPLE_PROFILE = {
    "address": "示例：某某市某某区人民路 100 号",
    "phone": "示例：0000-00000000",
    "email": "sample@example.com",
    "site_code": "示例：0000000000",
    "icp_number": "示例：某ICP备00000000号",
    "police_number": "示例：某公网安备00000000000000号",
}
FOOTER_LINKS = [
    ("全国妇联", "https://www.women.org.cn/"),
    ("中国妇女网", "https://www.cnwomen.com.cn/"),
]


class Command(BaseCommand):
    help = (
        "载入演示内容（栏目、三八妇女节报道、各栏目的示例文章、示例页脚信息），"
        "可选创建演示账号；重复运行不会改动已有内容。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="同时创建演示账号（admin、bianji、shenhe，密码公开，只用于本机演示）",
        )

    @transaction.atomic
    def handle(self, *args, demo_users=False, **options):
        columns = {}
        for order, (name, slug, description, kind) in enumerate(COLUMNS):
            column, _ = Column.objects.get_or_create(
                slug=slug,
                defaults={"name": name, "description": description, "order": order, "kind": kind},
            )
            columns[column.name] = column

        report = repair_report(
            (DEMO_DIR / MARCH8["file"]).read_text(encoding="utf-8"), column_names=columns
        )
        if report.problems:
            # The restored text is data we ship: it must be clean.
            raise CommandError("\n".join(str(problem) for problem in report.problems))
        column = columns[report.column_name]
        # Matched by title or by its publish time, so that an editor's later change
        # to either never makes a second run load the report again.
        existing = column.articles.filter(
            Q(title=report.title) | Q(published_at=MARCH8["published_at"])
        ).first()
        if existing:
            self.stdout.write(f"已存在，未改动：{existing.title}")
        else:
            # Pinned, so the real report leads the home page (要闻) and its column
            # above the newer samples.
            article = Article.objects.create(
                title=report.title,
                column=column,
                body=report.body_html(),
                status=Article.Status.PUBLISHED,
                published_at=MARCH8["published_at"],
                source=settings.SITE_NAME,
                is_pinned=True,
            )
            self.stdout.write(f"已载入：{article.title}")

        self._load_samples({column.slug: column for column in columns.values()})
        self._fill_footer()

        # Accounts with a published password only when asked for (make run does):
        # pointed at a real database, this command must not open a door.
        if demo_users:
            self._ensure_user()

    def _load_samples(self, columns):
        """Every column gets recent sample articles, marked as samples, so none is
        empty or overdue on a first look. Matched by title: never loaded twice."""
        today = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
        for sample in samples.ARTICLES:
            column = columns[sample["column"]]
            if column.articles.filter(title=sample["title"]).exists():
                continue
            paragraphs = [samples.NOTE, *sample["paragraphs"]]
            Article.objects.create(
                title=sample["title"],
                column=column,
                body=format_html_join("", "<p>{}</p>", ((text,) for text in paragraphs)),
                status=Article.Status.PUBLISHED,
                published_at=today - datetime.timedelta(days=sample["days_ago"]),
                source=samples.SOURCE,
            )
            self.stdout.write(f"已载入示例文章：{sample['title']}")

    def _fill_footer(self):
        """Sample footer particulars where the profile has none, and the national
        federation's links when there are no links at all."""
        profile = SiteProfile.current()
        empty = {
            name: value for name, value in SAMPLE_PROFILE.items() if not getattr(profile, name)
        }
        if empty:
            for name, value in empty.items():
                setattr(profile, name, value)
            profile.save()
            self.stdout.write("已填入示例页脚信息（网站信息中以“示例”标明，请替换为真实信息）。")
        if not ExternalLink.objects.exists():
            for order, (name, url) in enumerate(FOOTER_LINKS):
                ExternalLink.objects.create(name=name, url=url, order=order)

    def _ensure_user(self):
        """The demo accounts: a superuser, and one editor and one reviewer to try
        the review rule with (编辑撰稿，审核发布)."""
        User = get_user_model()
        password = os.environ.get("FEDSITE_DEMO_PASSWORD", "fedsite-demo-2026")
        for username, role in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"账号 {username} 已存在，未改动。")
                continue
            if role is None:
                User.objects.create_superuser(username, email="", password=password)
            else:
                user = User.objects.create_user(username, password=password, is_staff=True)
                user.groups.add(Group.objects.get(name=role))
            self.stdout.write(f"已创建账号：{username} / {password}（{role or '超级管理员'}）")
