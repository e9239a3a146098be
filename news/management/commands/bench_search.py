"""Benchmark of the public search (issue 6): a fixed set of Chinese queries, run as
the search page runs them (capped count + first page of 20), printing the median
and 95th-percentile time and the query plan of the slowest. Run it against a
database filled by `generate_corpus` (see README, "Search")."""

import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection

from news.models import Article
from news.search import parse_query, ranked_parts, result_page
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
    "不存在的说法",
]


def run_search(text, number=1):
    """What the search page does for page `number` of a query."""
    query = parse_query(text)
    return result_page(Article.objects.live(), query, number, SEARCH_PAGE_SIZE, SEARCH_MAX_RESULTS)


# Besides page 1 of each query, the page where title matches run out and body
# matches begin (the slow case before news.search.PostgresSearch.newest_ids), and a deep page.
EXTRA_PAGES = [("婚姻家庭纠纷", 5), ("母婴护理技能培训", 12), ("妇联", 50)]


class Command(BaseCommand):
    help = "搜索基准测试：固定的一组中文查询，打印中位数、95 分位耗时和最慢查询的执行计划。"

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=15)

    def handle(self, *args, repeat, **options):
        total = Article.objects.live().count()
        self.stdout.write(
            f"数据库：{connection.vendor}，已发布文章 {total} 篇，每个查询 {repeat} 次\n"
        )
        timings = {}
        for text, number in [(text, 1) for text in QUERIES] + EXTRA_PAGES:
            run_search(text, number)  # warm the caches, as a busy site would have them
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                page = run_search(text, number)
                samples.append((time.perf_counter() - started) * 1000)
            label = text if number == 1 else f"{text} 第{number}页"
            timings[label] = samples
            found = page.total if page.total is not None else "20+"
            self.stdout.write(
                f"{label:<12} 结果 {found:>5}  "
                f"中位 {statistics.median(samples):7.1f} ms  "
                f"p95 {_p95(samples):7.1f} ms"
            )
        everything = [sample for samples in timings.values() for sample in samples]
        self.stdout.write(
            f"\n全部查询：中位 {statistics.median(everything):.1f} ms，"
            f"p95 {_p95(everything):.1f} ms，最慢 {max(everything):.1f} ms"
        )
        slowest = max(timings, key=lambda text: statistics.median(timings[text]))
        self.stdout.write(f"\n最慢的查询“{slowest}”的执行计划（标题命中，按时间）：")
        query = parse_query(slowest.split(" 第")[0])
        in_title, elsewhere = ranked_parts(Article.objects.live(), query)
        options = {"analyze": True, "buffers": True} if connection.vendor == "postgresql" else {}
        self.stdout.write(in_title.values_list("id", flat=True)[:21].explain(**options))
        self.stdout.write("\n（其余命中，按时间）：")
        self.stdout.write(elsewhere.values_list("id", flat=True)[:21].explain(**options))


def _p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
