"""Benchmark of the public search (issues 6 and 13): a fixed set of Chinese queries,
common and rare, run as the search page runs them (page 1 of 20, or a deeper page),
printing each one's median and 95th-percentile time, the medians of the common and
the rare words side by side, a plain ILIKE scan for comparison, and the query plans
(EXPLAIN ANALYZE, BUFFERS on PostgreSQL) of what the page runs for a rare and for a
common word. Run it against a database filled by `generate_corpus` (see README,
"Search benchmark")."""

import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from news import positions
from news.models import Article
from news.search import parse_query, result_page
from news.views import SEARCH_MAX_RESULTS, SEARCH_PAGE_SIZE

QUERIES = [
    "美丽庭院",
    "家政培训",
    "婚姻家庭纠纷",
    "妇联",
    "家暴",
    "巾帼",
    "12338",
    "2021年",
    "最美家庭",
    "婦聯",
    "维权 热线",
    "领头雁培训",
    "两癌筛查",
    "春蕾计划",
    "妇女之家",
    "母婴护理技能培训",
    "清河县 家风",
]
# Words in a handful of articles (generate_corpus.RARE_SENTENCES), and one in none.
RARE_QUERIES = ["𠮷祥云", "98.5%", "COVID-19", "珍稀植物", "苗绣", "二〇二一年", "不存在的说法"]
# Besides page 1 of each query, the page where title matches run out and body
# matches begin, and deep pages.
EXTRA_PAGES = [("婚姻家庭纠纷", 5), ("母婴护理技能培训", 12), ("妇联", 50)]
# Whose plans are printed: a rare word and a common one.
PLANNED = ["珍稀植物", "妇联"]


def run_search(text, number=1):
    """What the search page does for page `number` of a query, with the number of
    articles searched from the lists' positions, as the view passes it."""
    query = parse_query(text)
    scope = positions.ranking().all_news.count
    return result_page(
        Article.objects.live(), query, number, SEARCH_PAGE_SIZE, SEARCH_MAX_RESULTS, scope=scope
    )


def ilike_scan(text):
    """The newest 21 articles containing `text`, by a plain scan of the text."""
    matches = Q(title__icontains=text) | Q(summary__icontains=text) | Q(body_text__icontains=text)
    return list(
        Article.objects.live()
        .filter(matches)
        .order_by("-published_at", "-id")
        .values_list("id", flat=True)[:21]
    )


class Command(BaseCommand):
    help = (
        "搜索基准测试：一组固定的常用词和稀有词，打印每个查询的中位数、95 分位耗时，"
        "常用词与稀有词的对比，以及稀有词和常用词的执行计划。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=15)

    def handle(self, *args, repeat, **options):
        total = Article.objects.live().count()
        self.stdout.write(
            f"数据库：{connection.vendor}，已发布文章 {total} 篇，每个查询 {repeat} 次\n"
        )
        cases = [(text, 1) for text in QUERIES + RARE_QUERIES] + EXTRA_PAGES
        timings = {}
        for text, number in cases:
            samples, page = self._measure(lambda t=text, n=number: run_search(t, n), repeat)
            label = text if number == 1 else f"{text} 第{number}页"
            timings[label] = samples
            if page.total is None:
                found = "20+"
            else:
                found = f"约{page.total}" if page.approximate else str(page.total)
            self.stdout.write(f"{label:<12} 结果 {found:>7}  {_figures(samples)}")

        everything = [sample for samples in timings.values() for sample in samples]
        common = [sample for text in QUERIES for sample in timings[text]]
        rare = [sample for text in RARE_QUERIES for sample in timings[text]]
        scan, _ = self._measure(lambda: ilike_scan("珍稀植物"), repeat)
        self.stdout.write(
            f"\n全部查询：中位 {statistics.median(everything):.1f} ms，"
            f"p95 {_p95(everything):.1f} ms，最慢 {max(everything):.1f} ms"
            f"\n常用词（第 1 页）：{_figures(common)}"
            f"\n稀有词（第 1 页）：{_figures(rare)}"
            f"\n对照：ILIKE 全表扫描“珍稀植物”：{_figures(scan)}"
        )
        for text in PLANNED:
            self._explain(text)

    def _measure(self, work, repeat):
        result = work()  # warm the caches, as a busy site would have them
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            result = work()
            samples.append((time.perf_counter() - started) * 1000)
        return samples, result

    def _explain(self, text):
        """The plans of the statements the page runs for `text` (the statistics are
        read once a process, and are not among them)."""
        with CaptureQueriesContext(connection) as queries:
            run_search(text)
        statements = [q["sql"] for q in queries.captured_queries]
        options = "(ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "QUERY PLAN "
        for number, sql in enumerate(statements, start=1):
            self.stdout.write(f"\n“{text}”的第 {number}/{len(statements)} 条查询的执行计划：")
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN {options}{sql}")
                self.stdout.write("\n".join(str(row[-1]) for row in cursor.fetchall()))


def _p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _figures(samples):
    return f"中位 {statistics.median(samples):7.1f} ms  p95 {_p95(samples):7.1f} ms"
