"""`manage.py proofread`: findings by article, stored for the review queue, a CSV
report, and exit status 1 when a serious finding is open (for cron)."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from news.models import Article
from proofreading.management.commands.proofread import CSV_COLUMNS
from proofreading.models import ArticleCheck
from tests.factories import ArticleFactory


def proofread(*args):
    out = io.StringIO()
    call_command("proofread", *args, stdout=out)
    return out.getvalue()


def test_clean_published_articles_exit_zero(demo):
    output = proofread()
    assert "未发现问题" in output and "检查了公开可见的文章 6 篇" in output
    assert ArticleCheck.objects.filter(open_count=0).count() == 6


def test_a_serious_finding_prints_by_article_and_exits_one(db, column):
    article = ArticleFactory(column=column, title="巾帼大宣讲", body="<p>干部将再接再励。</p>")
    ArticleFactory(column=column, title="干净的稿件", body="<p>干部将再接再厉。</p>")
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("proofread", stdout=out)
    assert raised.value.returncode == 1 and "严重问题 1 处" in str(raised.value)
    output = out.getvalue()
    assert f"文章 #{article.pk}「巾帼大宣讲」（已发布）" in output
    assert "[严重] 易错词：…干部将再接再励。…" in output
    assert "（建议：再接再厉）" in output
    assert "2 篇：1 篇有问题，共 1 处（其中严重 1 处）：易错词 1。" in output
    assert ArticleCheck.objects.get(article=article).serious_count == 1


def test_minor_findings_only_exit_zero(db, column):
    ArticleFactory(column=column, body="<p>全市妇联系统开展巾帼大宣讲535场次,成效明显。</p>")
    output = proofread()
    assert "[一般] 文字规范" in output and "严重 0 处" in output


def test_drafts_are_checked_with_all_and_by_id(db, column):
    draft = ArticleFactory(
        column=column,
        status=Article.Status.DRAFT,
        published_at=None,
        body="<p>干部将再接再励。</p>",
    )
    assert "检查了公开可见的文章 0 篇" in proofread()
    with pytest.raises(CommandError):
        proofread("--all")
    with pytest.raises(CommandError, match="严重问题"):
        proofread(str(draft.pk))
    with pytest.raises(CommandError, match="没有这些编号的文章：999999"):
        proofread("999999")


def test_since_limits_to_recent_articles(db, column):
    old = ArticleFactory(
        column=column,
        body="<p>干部将再接再励。</p>",
        published_at=timezone.now() - datetime.timedelta(days=400),
    )
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert "检查了公开可见的文章 0 篇" in proofread("--since", since)
    with pytest.raises(CommandError):
        proofread("--since", (timezone.localdate() - datetime.timedelta(days=500)).isoformat())
    assert old.pk


def test_a_bad_date_is_refused_in_chinese(db):
    with pytest.raises(CommandError, match="日期格式不对"):
        proofread("--since", "2022年3月8日")


def test_the_csv_report_opens_in_a_spreadsheet(db, column, tmp_path):
    assert CSV_COLUMNS[:3] == ["文章编号", "标题", "状态"]
    ArticleFactory(column=column, title="=HYPERLINK(1)", body="<p>干部将再接再励。</p>")
    path = tmp_path / "校对.csv"
    with pytest.raises(CommandError):
        proofread("--csv", str(path))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == CSV_COLUMNS
    assert rows[1][1:7] == ["'=HYPERLINK(1)", "已发布", "易错词", "严重", "再接再励", "再接再厉"]
