"""The management commands staff run: import_report (a damaged report becomes a
draft, with every problem listed by line) and load_demo_content (columns, the
restored March 8 report, sample articles in every column, sample footer
particulars and demo accounts, safe to run again).
"""

import datetime
import html
import re
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from fedsite.models import ExternalLink, SiteProfile
from news.health import State, column_health
from news.models import Article, Column
from news.repair import HAN
from tests.factories import ColumnFactory

REPO_ROOT = Path(__file__).resolve().parents[2]
# A byte-for-byte copy of ../shared/seed/000_f538281883684f40.txt, kept with the
# tests so they run anywhere (tests/news/test_repair.py checks it has not drifted).
SEED_FILE = REPO_ROOT / "tests" / "data" / "march8_damaged.txt"
DAMAGED_LINES = {2, 11, 12}

DEMO_PASSWORD = "demo-password-for-tests"
MARCH8 = datetime.datetime(2022, 3, 8, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

TRADITIONAL = "婦聯幗動態現節劃導圍參與構"
PINYIN_ANNOTATION = re.compile(r"\([a-zü\u00e0-\u00fc\u0101-\u01dc]+\)")
ASCII_BETWEEN_CHINESE = re.compile(rf"[{HAN}][,:][{HAN}]")


@pytest.fixture
def seed_file():
    return SEED_FILE


@pytest.fixture
def columns(db):
    return {
        "部门动态": ColumnFactory(name="部门动态", slug="bmdt"),
        "通知公告": ColumnFactory(name="通知公告", slug="tzgg"),
    }


def run(*args, **options):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def reported_lines(output):
    """The lines named in the list of problems (the conversions to check follow it)."""
    problems = output.split("处繁简转换请核对")[0]
    return {int(n) for n in re.findall(r"第 (\d+) 行", problems)}


def checked_lines(output):
    return {int(n) for n in re.findall(r"第 (\d+) 行", output.split("处繁简转换请核对")[1])}


def assert_shows_no_damage(text, where):
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    assert not PINYIN_ANNOTATION.search(text), where
    assert not ASCII_BETWEEN_CHINESE.search(text), where
    assert "?" not in text, where
    assert not set(text) & set(TRADITIONAL), where


# --- import_report ---------------------------------------------------------------


def test_import_creates_one_unpublished_draft_in_the_column_named_in_the_file(
    client, columns, seed_file
):
    output = run("import_report", str(seed_file))

    draft = Article.objects.get()
    assert draft.column == columns["部门动态"]
    assert draft.status == Article.Status.DRAFT
    assert draft.published_at is None and not draft.is_live()
    assert draft.title.startswith("市妇联：巾帼勇")
    assert "幸福婚姻" not in draft.body  # still garbled: an editor must restore it
    assert f"已创建草稿，编号 {draft.pk}" in output
    # A draft is nowhere to be seen by the public.
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get("/news/bmdt/").content.decode()


def test_import_lists_every_problem_with_its_line(columns, seed_file):
    output = run("import_report", str(seed_file))

    assert "无法自动修复" in output
    assert reported_lines(output) == DAMAGED_LINES
    problem_lines = [line for line in output.splitlines() if re.match(r"\s+第 \d+ 行", line)]
    assert any("勇?lián)" in line for line in problem_lines if "第 2 行" in line)
    assert any("幸?" in line for line in problem_lines if "第 11 行" in line)
    assert any("勇?lián)" in line for line in problem_lines if "第 12 行" in line)


def test_import_lists_the_conversions_to_check_apart_from_the_problems(columns, seed_file):
    """The seed's 著力 became 着力 on lines 3 and 13: right, but a choice (著 is a
    simplified character too), so the editor is shown where."""
    output = run("import_report", str(seed_file))

    assert "有 2 处繁简转换请核对" in output
    assert checked_lines(output) == {3, 13}
    assert output.count("“著”转为“着”") == 2


def test_a_word_web_page_with_a_table_imports_as_a_draft_with_that_table(columns):
    output = run(
        "import_report",
        str(REPO_ROOT / "tests" / "data" / "figures2021_word.htm"),
        "--column",
        "bmdt",
    )

    draft = Article.objects.get()
    assert draft.title == "2021年全市妇联系统重点工作完成情况"
    assert "<td>巾帼大宣讲</td><td>场次</td><td>498</td><td>535</td>" in draft.body
    assert draft.body.count("<tr>") == 8
    assert "巾帼大宣讲\t场次\t498\t535" in draft.body_text
    # The two lost characters, at the lines of the file where the "?" stands.
    assert reported_lines(output) == {447, 452}
    assert "繁简转换" not in output


def test_dry_run_reports_the_problems_but_creates_nothing(columns, seed_file):
    output = run("import_report", str(seed_file), "--dry-run")

    assert Article.objects.count() == 0
    assert reported_lines(output) == DAMAGED_LINES
    assert "已创建草稿" not in output


def test_column_option_puts_the_draft_in_that_column(columns, seed_file):
    run("import_report", str(seed_file), "--column", "tzgg")

    assert Article.objects.get().column == columns["通知公告"]


def test_import_reads_a_gb18030_file(columns, seed_file, tmp_path):
    gb_file = tmp_path / "report.txt"
    gb_file.write_bytes(seed_file.read_text(encoding="utf-8").encode("gb18030"))

    output = run("import_report", str(gb_file))

    assert reported_lines(output) == DAMAGED_LINES
    assert Article.objects.get().title.startswith("市妇联：巾帼勇")


def test_import_of_a_missing_file_is_an_error(columns, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run("import_report", str(tmp_path / "no-such-report.txt"))
    assert Article.objects.count() == 0


def test_import_into_an_unknown_column_is_an_error(columns, seed_file):
    with pytest.raises(CommandError, match="no-such-column"):
        run("import_report", str(seed_file), "--column", "no-such-column")
    assert Article.objects.count() == 0


# --- load_demo_content -----------------------------------------------------------


@pytest.fixture
def demo_loaded(db, monkeypatch):
    monkeypatch.setenv("FEDSITE_DEMO_PASSWORD", DEMO_PASSWORD)
    run("load_demo_content", "--demo-users")  # as `make run` does
    return Article.objects.get(column__slug="bmdt", published_at=MARCH8)


def test_demo_content_has_the_three_columns(demo_loaded):
    assert list(Column.objects.values_list("name", "slug")) == [
        ("部门动态", "bmdt"),
        ("通知公告", "tzgg"),
        ("工作动态", "gzdt"),
    ]


def test_demo_content_publishes_the_march_8_report_first_in_its_column(client, demo_loaded):
    report = demo_loaded

    assert report.title == "市妇联：巾帼勇担当 展现新作为"
    assert report.column.name == "部门动态"
    assert report.status == Article.Status.PUBLISHED and report.is_live()
    assert report.published_at == MARCH8
    column_page = client.get("/news/bmdt/").content.decode()
    first = re.search(r'class="article-item__title" href="([^"]+)"', column_page)
    assert first and first.group(1) == report.get_absolute_url()
    assert "2022-03-08 10:00" in client.get(report.get_absolute_url()).content.decode()


def test_a_newcomers_first_look_shows_no_empty_or_overdue_column(client, demo_loaded):
    """Every column the demo creates has recent articles: the home page shows no
    暂无文章 and the admin's 栏目更新提醒 no 【空栏目】 or 【逾期】 (issue 9)."""
    home = client.get("/").content.decode()

    assert "暂无文章" not in home
    for column in Column.objects.all():
        assert "暂无文章" not in client.get(column.get_absolute_url()).content.decode()
    assert {health.state for health in column_health()} == {State.OK}


def test_sample_articles_say_they_are_samples(demo_loaded):
    samples = Article.objects.exclude(pk=demo_loaded.pk)

    assert {article.column.slug for article in samples} == {"bmdt", "tzgg", "gzdt"}
    for article in samples:
        assert article.title.endswith("（示例）")
        assert article.source == "示例内容"
        assert "示例内容" in article.body_text
        assert article.is_live()


def test_the_real_report_leads_its_column_and_the_home_page(client, demo_loaded):
    """The samples are newer, but the March 8 report is pinned: it heads 要闻."""
    home = client.get("/").content.decode()
    pinned = re.search(r'aria-labelledby="pinned-heading">(.*?)</section>', home, re.S)

    assert pinned and demo_loaded.title in pinned.group(1)
    assert demo_loaded.is_pinned


def test_the_footer_gets_sample_particulars_marked_as_samples(client, demo_loaded):
    profile = SiteProfile.objects.get()
    footer = re.search(
        r'<footer class="site-footer">.*?</footer>', client.get("/").content.decode(), re.S
    )[0]

    for field in ["address", "phone", "site_code", "icp_number", "police_number"]:
        value = getattr(profile, field)
        assert value.startswith("示例："), field
        assert value in footer, field
    assert profile.email.endswith("@example.com")  # a domain reserved for examples
    assert ExternalLink.objects.exists()


def test_the_demo_never_overwrites_what_staff_filled_in(db):
    profile = SiteProfile.current()
    profile.icp_number = "浙ICP备12345678号"
    profile.save()
    ExternalLink.objects.create(name="省妇联", url="https://www.zjwomen.org.cn/")

    run("load_demo_content")

    profile.refresh_from_db()
    assert profile.icp_number == "浙ICP备12345678号"
    assert profile.site_code.startswith("示例：")  # an empty field still gets its sample
    assert list(ExternalLink.objects.values_list("name", flat=True)) == ["省妇联"]


def test_demo_content_creates_the_administrator(demo_loaded):
    admin = get_user_model().objects.get(username="admin")

    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(DEMO_PASSWORD)


def test_demo_accounts_are_only_made_when_asked_for(db):
    """Pointed at a real database, the loader must not create accounts whose
    password is printed in the README."""
    run("load_demo_content")

    assert not get_user_model().objects.exists()
    assert Article.objects.filter(column__slug="bmdt").exists()


def test_loading_demo_content_twice_without_accounts_adds_nothing_the_second_time(db):
    first_output = run("load_demo_content")
    loaded = {
        "columns": list(Column.objects.values_list("pk", "name", "slug")),
        "articles": list(Article.objects.values_list("pk", "title", "body", "updated_at")),
    }

    second_output = run("load_demo_content")

    assert "已载入：市妇联：巾帼勇担当 展现新作为" in first_output
    assert "已存在，未改动：市妇联：巾帼勇担当 展现新作为" in second_output
    assert "已载入示例文章" in first_output and "已载入示例文章" not in second_output
    assert "示例页脚" in first_output and "示例页脚" not in second_output
    assert list(Column.objects.values_list("pk", "name", "slug")) == loaded["columns"]
    assert (
        list(Article.objects.values_list("pk", "title", "body", "updated_at")) == loaded["articles"]
    )
    assert not get_user_model().objects.exists()
    assert "账号" not in first_output + second_output


def test_loading_demo_content_again_changes_nothing_even_after_editing(demo_loaded):
    report = demo_loaded
    report.title = "市妇联：巾帼勇担当 展现新作为（编辑修改）"
    report.save()
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("changed-by-the-administrator")
    admin.save()
    before = (Column.objects.count(), Article.objects.count(), get_user_model().objects.count())
    report.refresh_from_db()

    run("load_demo_content", "--demo-users")

    after = (Column.objects.count(), Article.objects.count(), get_user_model().objects.count())
    assert after == before
    again = Article.objects.get(pk=report.pk)
    assert again.title == report.title
    assert again.updated_at == report.updated_at
    admin.refresh_from_db()
    assert admin.check_password("changed-by-the-administrator")


def test_demo_report_page_shows_no_damage(client, demo_loaded):
    page = client.get(demo_loaded.get_absolute_url()).content.decode()
    article = re.search(r'<article class="article">.*?</article>', page, re.DOTALL).group(0)

    assert "幸福婚姻大讲堂" in article
    assert_shows_no_damage(article, "article page")
    assert_shows_no_damage(re.search(r"<title>(.*?)</title>", page).group(1), "page title")


def test_demo_report_in_the_feed_shows_no_damage(client, demo_loaded):
    feed = feedparser.parse(client.get("/feed/").content)

    [entry] = [entry for entry in feed.entries if entry.title == demo_loaded.title]
    assert "幸福婚姻大讲堂" in entry.content[0].value
    parts = {"title": entry.title, "summary": entry.summary, "content": entry.content[0].value}
    for part, text in parts.items():
        assert_shows_no_damage(text, part)
