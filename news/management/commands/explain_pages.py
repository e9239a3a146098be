"""Print, for every public page, the queries it runs and how the database runs them.

Each page is rendered through the test Client on an empty cache (so that every query
a page can cost is seen, the per-generation pieces included), its reads captured,
and each one run again under EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL (EXPLAIN
QUERY PLAN on SQLite). One line per query: milliseconds, rows read by its scans,
shared buffers, the plan's scan nodes. `make bench` calls it; run it at 1,000 and
at 100,000 articles to see that the figures do not grow (issue 11).

Nothing is written: the whole run happens in a transaction that is rolled back.
"""

import json

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from news import positions
from news.models import Article

# Queries a page pays once per site generation, shared by every page: the lists'
# Ranking with the navigation (news.positions), the footer's profile and links.
SITE_PIECES = ("news_column", "fedsite_siteprofile", "fedsite_externallink")


def public_pages():
    """(name, address) of each public page, the deepest list pages included."""
    ranking = positions.ranking()
    pages = [("home", "/")]
    last = max(1, -(-ranking.all_news.count // 20))
    pages += [("all news p1", "/news/"), (f"all news p{last}", f"/news/?page={last}")]
    if ranking.columns:
        column = max(ranking.columns, key=lambda c: ranking.by_column[c.pk].count)
        deepest = max(1, -(-ranking.by_column[column.pk].count // 20))
        pages += [
            ("column p1", column.get_absolute_url()),
            (f"column p{deepest}", f"{column.get_absolute_url()}?page={deepest}"),
            ("column feed", f"{column.get_absolute_url()}feed/"),
        ]
    live = Article.objects.live().order_by("-published_at", "-id")
    newest = live.values_list("pk", flat=True).first()
    if newest:
        middle = live.values_list("pk", flat=True)[ranking.all_news.count // 2]
        pages += [
            ("article newest", f"/articles/{newest}/"),
            ("article middle", f"/articles/{middle}/"),
        ]
    pages += [("feed", "/feed/"), ("atom feed", "/feed/atom/"), ("stats", "/stats/")]
    from stats.models import Indicator

    indicator = Indicator.objects.order_by("pk").first()
    if indicator:
        pages.append(("indicator", indicator.get_absolute_url()))
    sitemap_last = max(1, -(-ranking.all_news.count // 5000))
    pages += [
        ("search", "/search/?q=妇联"),
        ("sitemap index", "/sitemap.xml"),
        (f"sitemap articles p{sitemap_last}", f"/sitemap-articles.xml?p={sitemap_last}"),
    ]
    return pages


# Statements that read, as EXPLAIN takes them (EXECUTE: a prepared statement).
READS = ("SELECT", "WITH", "EXECUTE")


class Command(BaseCommand):
    help = "EXPLAIN (ANALYZE, BUFFERS) every query of every public page."

    def add_arguments(self, parser):
        parser.add_argument("--plans", action="store_true", help="print each whole plan")
        parser.add_argument("--only", help="only pages whose name contains this")

    def handle(self, *args, plans, only, **options):
        with transaction.atomic(), override_settings(ALLOWED_HOSTS=["testserver"]):
            self.stdout.write(f"articles live: {Article.objects.live().count()}")
            for name, address in public_pages():
                if only and only not in name:
                    continue
                self.explain_page(name, address, plans)
            transaction.set_rollback(True)

    def explain_page(self, name, address, plans):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            status = Client().get(address).status_code
        queries = [q["sql"] for q in captured]
        selects = [_as_read(sql) for sql in queries if _as_read(sql).upper().startswith(READS)]
        pieces = sum(1 for sql in selects if _is_site_piece(sql))
        self.stdout.write(
            f"\n{name}  {address}  HTTP {status}: {len(queries)} queries "
            f"({pieces} per-generation pieces, {len(queries) - pieces} of its own)"
        )
        for sql in selects:
            tag = "piece" if _is_site_piece(sql) else "page "
            if connection.vendor == "postgresql":
                self.stdout.write(f"  {tag} {_explain_postgresql(sql, plans)}")
            else:
                self.stdout.write(f"  {tag} {_explain_sqlite(sql)}")


def _as_read(sql):
    """The statement EXPLAIN can take: a prepared statement's first use (news.models,
    _execute_prepared) prepares and executes in one query; its EXECUTE."""
    if "; EXECUTE " in sql:
        return sql[sql.rindex("EXECUTE ") :]
    return sql.lstrip()


def _is_site_piece(sql):
    return any(sql.startswith(f'SELECT "{table}"') for table in SITE_PIECES)


def _explain_postgresql(sql, plans):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        (result,) = cursor.fetchone()
        if isinstance(result, str):
            result = json.loads(result)
        root = result[0]
        scans, rows_read = [], 0
        for node in _nodes(root["Plan"]):
            if "Scan" in node["Node Type"]:
                read = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node[
                    "Actual Loops"
                ]
                rows_read += read
                scans.append(
                    f"{node['Node Type']} {node.get('Index Name') or node.get('Relation Name', '')}"
                    f" ({read:g} rows)"
                )
        plan = root["Plan"]
        buffers = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
        line = (
            f"{root['Execution Time']:8.3f} ms  rows read {rows_read:>7g}  buffers {buffers:>6}  "
            + "; ".join(scans)
        )
        if plans:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            text = "\n".join(f"        {row[0]}" for row in cursor.fetchall())
            line += f"\n        {sql[:400]}\n{text}"
        return line


def _explain_sqlite(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return " | ".join(row[-1] for row in cursor.fetchall())


def _nodes(plan):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)
