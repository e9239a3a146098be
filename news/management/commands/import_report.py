from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fedsite.text import decode_text
from news.models import Article, Column
from news.repair import repair_report
from news.workflow import article_create


class Command(BaseCommand):
    help = (
        "把一份文字或 HTML 稿件导入为草稿：自动去除拼音注音、把繁体转换为简体、修正标点，"
        "保留表格，并按原文件的行号列出无法自动修复和需要核对的地方。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="稿件文件（.txt 或 .html，UTF-8 或 GB18030）")
        parser.add_argument("--column", help="栏目网址名；不填时按文件第一行的栏目名识别")
        parser.add_argument("--author", default="")
        parser.add_argument("--source", default="")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不创建文章")

    def handle(self, *args, path, column, author, source, dry_run, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件：{path}")
        columns = {c.name: c for c in Column.objects.all()}
        try:
            report = repair_report(decode_text(file.read_bytes()), column_names=columns)
        except ValueError as error:
            raise CommandError(str(error)) from error

        target = self._column(column, report.column_name, columns)
        fixed = "，".join(f"{kind} {count} 处" for kind, count in report.fixes.items() if count)
        self.stdout.write(f"标题：{report.title}")
        self.stdout.write(f"栏目：{target.name}")
        self.stdout.write(f"自动修复：{fixed or '无'}")

        if report.problems:
            self.stdout.write(
                self.style.WARNING(f"有 {len(report.problems)} 处无法自动修复，发布前请人工核对：")
            )
            for problem in report.problems:
                self.stdout.write(f"  {problem}")
        else:
            self.stdout.write(self.style.SUCCESS("没有发现无法修复的问题。"))
        if report.checks:
            # Conversions that chose a meaning (著 as 着), and traditional characters
            # left in simplified text: repaired or kept, but worth an editor's look.
            self.stdout.write(self.style.WARNING(f"有 {len(report.checks)} 处繁简转换请核对："))
            for check in report.checks:
                self.stdout.write(f"  {check}")

        if dry_run:
            return
        with transaction.atomic():
            article = Article(
                title=report.title, column=target, body=report.body_html(), author=author
            )
            if source:
                article.source = source
            article_create(article=article, by=None)
        self.stdout.write(
            self.style.SUCCESS(f"已创建草稿，编号 {article.pk}，请在后台核对后发布。")
        )

    def _column(self, slug, name_in_file, columns):
        if slug:
            try:
                return Column.objects.get(slug=slug)
            except Column.DoesNotExist as error:
                raise CommandError(f"没有网址名为 {slug} 的栏目。") from error
        if name_in_file:
            return columns[name_in_file]
        raise CommandError("文件第一行不是已有的栏目名，请用 --column 指定栏目。")
