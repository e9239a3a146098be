"""A realistic corpus for the search benchmark: many published articles of Chinese
federation news, varied in column, date, length and wording.

Sentences are built from the March 8 report's own sentences and from templates
filled with county names, activities and figures, so that common words (妇联,
巾帼) are everywhere and specific ones (婚姻家庭纠纷, 家政培训) are rarer, as in a real
archive. Rows are written with bulk_create (no per-row save), with the same
derived columns save() would compute.
"""

import datetime
import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from news import positions, search
from news.models import SUMMARY_LENGTH, Article, Column
from news.sanitize import summarize

DEMO_REPORT = Path(__file__).resolve().parents[2] / "demo" / "march8_report.txt"

COUNTIES = [
    "城关区",
    "开发区",
    "东城县",
    "西河县",
    "南山县",
    "北塘县",
    "清河县",
    "平安县",
    "永宁县",
    "兴隆县",
    "高新区",
    "滨海新区",
]
GROUPS = [
    "县妇联",
    "乡镇妇联",
    "社区妇联",
    "村妇联",
    "妇女之家",
    "巾帼志愿服务队",
    "妇女儿童活动中心",
    "巾帼家政服务站",
]
ACTIVITIES = [
    "巾帼大宣讲",
    "家庭教育讲座",
    "美丽庭院创建",
    "最美家庭评选",
    "家政培训",
    "母婴护理技能培训",
    "反家暴宣传",
    "婚姻家庭纠纷调解",
    "妇女维权法律咨询",
    "两癌筛查",
    "春蕾计划助学",
    "巾帼创业培训",
    "家风家教故事分享会",
    "妇女议事会",
    "关爱留守儿童",
    "巾帼志愿服务",
    "普法宣传进社区",
    "领头雁培训",
    "三八红旗手表彰",
    "网络直播带货培训",
]
OPENINGS = [
    "近日",
    "日前",
    "为深入贯彻落实上级部署",
    "为进一步提升服务水平",
    "为营造良好社会氛围",
    "连日来",
    "本月以来",
]
OUTCOMES = [
    "受到群众广泛好评",
    "取得了良好的社会效果",
    "进一步增强了妇女群众的获得感和幸福感",
    "为推动基层妇联工作高质量发展奠定了基础",
    "参与群众纷纷表示受益匪浅",
    "拨打12338妇女维权公益服务热线可获得帮助",
]
# Rare sentences (issue 13): each in a handful of articles (one in 10,000, at least
# one), so the benchmark can show that a rare word costs no more than a common one.
# A name with an Ext B ideograph, a percentage, a hyphenated term, a rare phrase.
RARE_SENTENCES = [
    "𠮷祥云同志获评全国三八红旗手。",
    "全市适龄妇女两癌筛查覆盖率达到98.5%。",
    "COVID-19疫情期间，巾帼志愿者开展线上心理疏导。",
    "巾帼护绿队走进珍稀植物保护区开展宣传。",
    "邀请非遗传承人讲授苗绣技艺，学员作品在二〇二一年展出。",
]
TITLE_TEMPLATES = [
    "{county}{group}开展{activity}活动",
    "{county}举办{activity}",
    "{activity}走进{county}",
    "市妇联召开{activity}工作推进会",
    "{county}{group}：{activity}惠及{number}名妇女",
    "{year}年{county}{activity}工作综述",
]


def _report_sentences():
    text = DEMO_REPORT.read_text(encoding="utf-8")
    sentences = []
    for line in text.splitlines()[2:]:
        sentences.extend(part + "。" for part in line.split("。") if len(part) > 8)
    return sentences


class Command(BaseCommand):
    help = "生成用于搜索基准测试的大量已发布文章（默认 10 万篇）。"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=20220308)
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, count, seed, batch, **options):
        rng = random.Random(seed)
        self.backend = search.backend_for(DEFAULT_DB_ALIAS)
        columns = self._columns()
        bank = _report_sentences()
        now = timezone.now()
        started = time.monotonic()
        # Where the rare sentences go, from a generator of their own, so the rest of
        # the corpus is the same as without them.
        placer = random.Random(seed + 1)
        rare = {}
        for sentence in RARE_SENTENCES:
            for number in placer.sample(range(count), max(1, count // 10_000)):
                rare.setdefault(number, []).append(sentence)
        with transaction.atomic():
            gin = self._drop_gin_index()
            made = 0
            while made < count:
                size = min(batch, count - made)
                Article.objects.bulk_create(
                    [
                        self._article(rng, columns, bank, now, rare.get(made + n, []))
                        for n in range(size)
                    ],
                    batch_size=size,
                )
                made += size
                self.stdout.write(f"\r已生成 {made}/{count} 篇", ending="")
                self.stdout.flush()
            self.stdout.write("")
            # bulk_create skips save(): number the lists' positions in two statements.
            positions.renumber_all()
        if gin:  # after the commit: PostgreSQL refuses while FK checks are pending
            self._create_gin_index()
        if connection.vendor == "postgresql":
            # As autovacuum would shortly: the statistics the search and the planner
            # read, and the visibility map that lets index-only scans skip the rows
            # (numbering the positions rewrote every row once).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE news_article")
        self.stdout.write(f"完成：{count} 篇，用时 {time.monotonic() - started:.1f} 秒。")

    def _columns(self):
        wanted = [
            ("部门动态", "bmdt"),
            ("工作动态", "gzdt"),
            ("通知公告", "tzgg"),
            ("基层风采", "jcfc"),
        ]
        return [
            Column.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for name, slug in wanted
        ]

    def _sentence(self, rng):
        template = rng.choice(
            [
                "{opening}，{county}{group}组织开展{activity}活动，{outcome}。",
                "活动中，工作人员围绕{activity}进行了详细讲解，共有{number}名妇女群众参加。",
                "{county}共举办{activity}{small}场次，覆盖{number}人次，{outcome}。",
                "下一步，{group}将持续推进{activity}，{outcome}。",
                "截至目前，全县已建成{group}{small}个，{outcome}。",
            ]
        )
        return template.format(
            opening=rng.choice(OPENINGS),
            county=rng.choice(COUNTIES),
            group=rng.choice(GROUPS),
            activity=rng.choice(ACTIVITIES),
            outcome=rng.choice(OUTCOMES),
            number=rng.randint(20, 5000),
            small=rng.randint(2, 120),
        )

    def _article(self, rng, columns, bank, now, rare=()):
        title = rng.choice(TITLE_TEMPLATES).format(
            county=rng.choice(COUNTIES),
            group=rng.choice(GROUPS),
            activity=rng.choice(ACTIVITIES),
            number=rng.randint(50, 9000),
            year=rng.randint(2016, 2026),
        )
        paragraphs = []
        for _ in range(rng.randint(3, 8)):
            sentences = [self._sentence(rng) for _ in range(rng.randint(1, 3))]
            if rng.random() < 0.3:
                sentences.append(rng.choice(bank))
            paragraphs.append("".join(sentences))
        paragraphs += rare
        body_text = "\n".join(paragraphs)
        published = now - datetime.timedelta(seconds=rng.randint(3600, 10 * 365 * 86400))
        # Generated articles are short: their index is whole in its column, no parts.
        index, _parts = self.backend.article_index(title, "", body_text)
        return Article(
            title=title,
            column=rng.choice(columns),
            body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
            body_text=body_text,
            excerpt=summarize(body_text, SUMMARY_LENGTH),
            **index,
            status=Article.Status.PUBLISHED,
            published_at=published,
            source="市妇联",
        )

    def _drop_gin_index(self):
        # Building the GIN indexes once at the end is much faster than per row.
        with connection.cursor() as cursor:
            for name in self.backend.indexes:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        return bool(self.backend.indexes)

    def _create_gin_index(self):
        with connection.cursor() as cursor:
            for sql in self.backend.indexes.values():
                cursor.execute(sql)
