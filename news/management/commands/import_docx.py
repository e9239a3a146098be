import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from news.models import Column
from news.word import importing
from news.word.package import WordRefused


class Command(BaseCommand):
    help = (
        "把 Word 文档（.docx；装有 LibreOffice 时也可以是 .doc、.wps、.odt）导入为草稿，"
        "与后台“从 Word 导入”相同：图片、标题、表格、脚注，并列出未能保留的内容。"
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="Word 文档，可以多个")
        parser.add_argument("--column", required=True, help="栏目网址名，如 bmdt")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不创建文章")
        parser.add_argument("--attach-original", action="store_true", help="把原文件作为文章的附件")

    def handle(self, *args, files, column, dry_run, attach_original, **options):
        try:
            target = Column.objects.get(slug=column)
        except Column.DoesNotExist as error:
            raise CommandError(f"没有网址名为 {column} 的栏目。") from error
        created, refused, pictures = [], [], 0
        for number, name in enumerate(files, start=1):
            self._progress(number, len(files), name)
            path = Path(name)
            try:
                if not path.is_file():
                    raise WordRefused(f"找不到文件：{name}")
                data = path.read_bytes()
                document = importing.read_word(data, path.name)
                self._report(document)
                if not dry_run:
                    article = importing.word_import_create(
                        document=document,
                        column=target,
                        by=None,
                        title=document.title,
                        source=document.source,
                        author=document.author,
                        published_at=document.suggested_publish_time,
                        original=(data, path.name) if attach_original else None,
                        name=path.name,
                    )
                    self.stdout.write(f"  已创建草稿，编号 {article.pk}")
            except WordRefused as refusal:
                refused.append((name, str(refusal)))
                self.stdout.write(self.style.ERROR(f"  未导入：{refusal}"))
                continue
            created.append(name)
            pictures += sum(picture.kept for picture in document.pictures)
        self._progress(len(files), len(files), "", done=True)
        verb = "可以导入" if dry_run else "已导入为草稿"
        summary = f"共 {len(files)} 个文件：{verb} {len(created)} 个（图片 {pictures} 张）"
        summary += f"，未导入 {len(refused)} 个。" if refused else "。"
        self.stdout.write(
            self.style.SUCCESS(summary) if not refused else self.style.WARNING(summary)
        )
        for name, reason in refused:
            self.stdout.write(f"  {name}：{reason}")
        if created and not dry_run:
            self.stdout.write("草稿不会自动发布：请在后台核对后提交审核。")
        if refused:
            sys.exit(1)

    def _progress(self, number, total, name, done=False):
        width = 20
        filled = width * (number if done else number - 1) // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        line = f"[{bar}] {number}/{total}"
        self.stdout.write(line + ("" if done else f" {name}"))

    def _report(self, document):
        self.stdout.write(
            f"  标题：{document.title}"
            + ("" if document.title_found else "（未找到标题，暂用文件名）")
        )
        if document.source or document.author:
            self.stdout.write(f"  来源：{document.source or '—'}　作者：{document.author or '—'}")
        if document.date:
            self.stdout.write(f"  日期：{document.date:%Y年%-m月%-d日}（作为发布时间）")
        kept = [picture for picture in document.pictures if picture.kept]
        self.stdout.write(
            f"  图片：{len(kept)} 张，其中 {len(document.pictures_without_alt)} 张没有图片说明"
        )
        for note in document.notes:
            self.stdout.write(f"  【{note.what}】{note.outcome}")
            for item in note.items:
                self.stdout.write(f"    {item}")
