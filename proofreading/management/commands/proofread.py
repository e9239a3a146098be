"""Proofread articles from the command line (issue 15): inspections look at old
content too, so published articles are audited on demand or from cron. Prints the
findings article by article, stores each article's check (the review queue's
counts), can write a CSV report, and exits with status 1 when a serious finding is
open, so cron can raise the alarm."""

import csv
import datetime
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from news.models import Article
from proofreading.checker import Checker
from proofreading.findings import KINDS
from proofreading.models import ArticleCheck, IgnoredFinding
from stats.columns import spreadsheet_cell
from stats.models import YearlyValue

BATCH = 500
CSV_COLUMNS = ["文章编号", "标题", "状态", "类别", "程度", "原文", "建议", "问题", "所在句子"]


def _since(value):
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式不对：{value}（应为 2022-03-08 这样的写法）") from None
    return datetime.datetime.combine(day, datetime.time(), ZoneInfo(settings.TIME_ZONE))


class Command(BaseCommand):
    help = (
        "发布前校对：检查文章的易错词、规范表述、敏感词、文字规范、数据和链接，"
        "按文章列出问题；发现严重问题时退出状态为 1。默认检查公开可见的文章。"
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="只检查这些编号的文章（任何状态）")
        parser.add_argument(
            "--all", action="store_true", help="检查所有文章（含草稿、待审核、已撤回）"
        )
        parser.add_argument(
            "--since", type=_since, help="只检查这一天（北京时间）以来发布或修改的文章"
        )
        parser.add_argument("--csv", metavar="FILE", help="同时把全部问题写成 CSV 文件")

    def handle(self, *args, ids, all, since, csv, **options):
        if ids and all:
            raise CommandError("文章编号和 --all 只能选一个。")
        articles = self._articles(ids, all, since)
        checker = Checker()
        counts = Counter()
        rows = []
        serious = 0
        for batch in self._batches(articles):
            values = defaultdict(list)
            sources = [a.pk for a in batch] + [a.revision_of_id for a in batch if a.revision_of_id]
            for value in YearlyValue.objects.filter(source_article_id__in=sources).select_related(
                "indicator"
            ):
                values[value.source_article_id].append(value)
            ignored = defaultdict(set)
            for article_id, spot in IgnoredFinding.objects.filter(article__in=batch).values_list(
                "article_id", "spot"
            ):
                ignored[article_id].add(spot)
            checks = []
            for article in batch:
                cited = values[article.pk] + values.get(article.revision_of_id, [])
                findings = checker.check(article, values=cited, ignored=ignored[article.pk])
                checks.append(_stored(article, findings))
                counts["articles"] += 1
                open_findings = [finding for finding in findings if not finding.ignored]
                if open_findings:
                    self._report(article, open_findings)
                    counts["with"] += 1
                for finding in open_findings:
                    counts[finding.kind] += 1
                    serious += finding.is_serious
                    rows.append((article, finding))
            ArticleCheck.objects.bulk_create(
                checks,
                update_conflicts=True,
                unique_fields=["article"],
                update_fields=["findings", "open_count", "serious_count", "checked_at"],
            )
        if csv:
            self._write_csv(csv, rows)
        self._summary(counts, serious, all or bool(ids))
        if serious:
            raise CommandError(f"发现严重问题 {serious} 处。", returncode=1)

    def _articles(self, ids, every_status, since):
        if ids:
            articles = Article.objects.filter(pk__in=ids)
            missing = set(ids) - set(articles.values_list("pk", flat=True))
            if missing:
                listed = "、".join(str(pk) for pk in sorted(missing))
                raise CommandError(f"没有这些编号的文章：{listed}")
        elif every_status:
            articles = Article.objects.all()
        else:
            articles = Article.objects.live()
        if since:
            articles = articles.filter(
                Q(published_at__gte=since) | Q(published_at__isnull=True, updated_at__gte=since)
            )
        return articles.defer("body_text", "search_index", "title_index")

    def _batches(self, articles):
        batch = []
        for article in articles.order_by("pk").iterator(chunk_size=BATCH):
            batch.append(article)
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def _report(self, article, findings):
        write = self.stdout.write
        write(f"文章 #{article.pk}「{article.title}」（{article.get_status_display()}）")
        write(f"  后台：{reverse('admin:news_article_change', args=[article.pk])}")
        for finding in findings:
            where = f"：…{finding.sentence}…" if finding.sentence else ""
            line = f"  [{finding.severity_label}] {finding.kind_label}{where}"
            write(line)
            fix = ""
            if finding.suggestion:
                fix = f"（建议：{finding.suggestion}）"
            elif finding.suggestion == "" and finding.sentence:
                fix = "（建议删去）"
            write(f"      {finding.why}{fix}")
        write("")

    def _write_csv(self, path, rows):
        # UTF-8 with a byte-order mark and guarded cells, as the stats export writes
        # them: Excel and WPS on Chinese Windows open it right and run no formula.
        with open(path, "w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file, lineterminator="\r\n")
            writer.writerow(CSV_COLUMNS)
            for article, finding in rows:
                writer.writerow(
                    spreadsheet_cell(cell)
                    for cell in (
                        article.pk,
                        article.title,
                        article.get_status_display(),
                        finding.kind_label,
                        finding.severity_label,
                        finding.wrong,
                        "" if finding.suggestion is None else finding.suggestion,
                        finding.why,
                        finding.sentence,
                    )
                )
        self.stdout.write(f"CSV 报告：{path}（{len(rows)} 行）")

    def _summary(self, counts, serious, every_status):
        scope = "文章" if every_status else "公开可见的文章"
        kinds = "，".join(
            f"{label} {counts[kind]}" for kind, label in KINDS.items() if counts[kind]
        )
        total = sum(counts[kind] for kind in KINDS)
        self.stdout.write(
            f"检查了{scope} {counts['articles']} 篇：{counts['with']} 篇有问题，"
            f"共 {total} 处（其中严重 {serious} 处）" + (f"：{kinds}。" if kinds else "。")
        )
        if not total:
            self.stdout.write(self.style.SUCCESS("未发现问题。"))


def _stored(article, findings):
    open_findings = [finding for finding in findings if not finding.ignored]
    return ArticleCheck(
        article=article,
        findings=[finding.as_json() for finding in findings],
        open_count=len(open_findings),
        serious_count=sum(finding.is_serious for finding in open_findings),
        checked_at=timezone.now(),
    )
