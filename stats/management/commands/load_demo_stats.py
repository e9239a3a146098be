import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from news.models import Article
from stats import importing
from stats.models import Indicator, IndicatorGroup

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
# Every figure in the March 8 report cites it.
REPORT_TITLE = "市妇联：巾帼勇担当 展现新作为"


class Command(BaseCommand):
    help = (
        "载入演示数据：三八妇女节报道中的全部工作数据，并关联到该报道；重复运行不会改动已有数据。"
    )

    @transaction.atomic
    def handle(self, *args, **options):
        self._ensure_indicators()
        report = Article.objects.filter(title=REPORT_TITLE).order_by("id").first()
        if report is None:
            raise CommandError("找不到三八妇女节报道，请先运行 load_demo_content。")
        rows = importing.read_rows(
            "march8_figures.csv", (DEMO_DIR / "march8_figures.csv").read_bytes()
        )
        plan = importing.plan_import(rows, default_source=report)
        if plan.bad_rows:
            raise CommandError(
                "\n".join(f"第 {row.line} 行：{row.errors}" for row in plan.bad_rows)
            )
        # Only what is missing: a figure an editor has since corrected stays as it is.
        plan.rows = [row for row in plan.rows if row.action == "create"]
        created = importing.apply_import(plan)[0] if plan.rows else 0
        self.stdout.write(f"工作数据：新增 {created} 条，共 {len(rows)} 条演示数据。")

    def _ensure_indicators(self):
        with (DEMO_DIR / "indicators.csv").open(encoding="utf-8") as file:
            records = list(csv.DictReader(file))
        groups = {}
        for order, record in enumerate(records):
            name = record["group"]
            if name not in groups:
                groups[name], _ = IndicatorGroup.objects.get_or_create(
                    name=name, defaults={"order": len(groups)}
                )
            Indicator.objects.get_or_create(
                slug=record["slug"],
                defaults={
                    "group": groups[name],
                    "name": record["name"],
                    "unit": record["unit"],
                    "description": record["description"],
                    "order": order,
                },
            )
