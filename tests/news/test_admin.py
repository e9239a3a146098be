"""The editors' side: the article admin, used through the test client as a logged-in
superuser (the superuser_client fixture), in Chinese."""

import datetime
import re
import zoneinfo

import pytest
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news.models import Article, Attachment
from tests.factories import ArticleFactory, ColumnFactory
from tests.helpers import article_form, image_bytes, messages_of, page, press, run_action

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
CHANGELIST = "admin:news_article_changelist"


def column_headers(response):
    thead = re.search(r"<thead>(.*?)</thead>", page(response), re.DOTALL).group(1)
    return [re.sub(r"<[^>]+>|\s+", "", th) for th in re.findall(r"<th\b.*?</th>", thead, re.DOTALL)]


def reload(*articles):
    for article in articles:
        article.refresh_from_db()


# -- The list --------------------------------------------------------------------------


def test_article_list_shows_title_column_and_status_in_chinese(superuser_client, column):
    ArticleFactory(title="巾帼建功标兵评选结果公示", column=column)
    ArticleFactory(title="尚未发布的稿件", column=column, status=Article.Status.DRAFT)

    response = superuser_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    headers = column_headers(response)
    for header in ("标题", "栏目", "状态", "发布时间", "置顶", "公开可见"):
        assert header in headers
    content = page(response)
    assert "巾帼建功标兵评选结果公示" in content
    assert "尚未发布的稿件" in content
    assert "部门动态" in content
    assert "已发布" in content
    assert "草稿" in content


def test_search_finds_an_article_by_a_word_in_its_body(superuser_client, column):
    ArticleFactory(
        title="工作动态",
        column=column,
        body="<p>开展<strong>家庭教育</strong>指导服务进社区活动。</p>",
    )
    ArticleFactory(title="其他消息", column=column, body="<p>召开座谈会。</p>")

    response = superuser_client.get(reverse(CHANGELIST), {"q": "家庭教育"})

    assert response.status_code == 200
    assert [article.title for article in response.context["cl"].result_list] == ["工作动态"]
    assert "其他消息" not in page(response)


# -- Adding and editing ----------------------------------------------------------------


def test_adding_an_article_stores_a_draft_with_a_sanitized_body(superuser_client, column):
    body = (
        '<p onclick="steal()">大会表彰了一批先进集体。</p><script>alert(document.cookie)</script>'
    )

    response = superuser_client.post(
        reverse("admin:news_article_add"),
        article_form(
            column, body=body, published_at_0="2025-03-08", published_at_1="09:30", author="张敏"
        ),
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "市妇联召开三八国际妇女节表彰大会"
    assert article.column == column
    assert article.body == "<p>大会表彰了一批先进集体。</p>"
    assert article.published_at == datetime.datetime(2025, 3, 8, 9, 30, tzinfo=BEIJING)
    assert article.author == "张敏"
    assert article.status == Article.Status.DRAFT
    assert not article.is_live()
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_adding_an_article_makes_a_draft_even_if_a_status_is_posted(superuser_client, column):
    """Publishing is a button of its own; the form has no status field to post."""
    superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, status=Article.Status.PUBLISHED)
    )

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.live().exists()


def test_approving_an_article_without_a_time_publishes_it_now(superuser_client, column):
    before = timezone.now().replace(microsecond=0)  # publish times are whole seconds

    superuser_client.post(reverse("admin:news_article_add"), article_form(column, _approve="1"))

    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert before <= article.published_at <= timezone.now()
    assert article.is_live()


def test_approving_an_article_with_a_future_time_schedules_it(superuser_client, column):
    superuser_client.post(
        reverse("admin:news_article_add"),
        article_form(column, published_at_0="2999-01-01", published_at_1="08:00", _approve="1"),
    )

    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == datetime.datetime(2999, 1, 1, 8, 0, tzinfo=BEIJING)
    assert article.is_scheduled
    assert not Article.objects.live().exists()
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_article_without_a_title_is_not_saved(superuser_client, column):
    response = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, title="")
    )

    assert response.status_code == 200
    assert "title" in response.context["adminform"].form.errors
    assert "这个字段是必填项" in page(response)
    assert not Article.objects.exists()


def test_editing_an_article_keeps_its_address(superuser_client, column):
    article = ArticleFactory(title="旧标题", column=column)
    url = article.get_absolute_url()
    other_column = ColumnFactory(name="通知公告", slug="tzgg")
    published_at = timezone.localtime(article.published_at)

    response = superuser_client.post(
        reverse("admin:news_article_change", args=[article.pk]),
        article_form(
            other_column,
            title="新标题",
            published_at_0=f"{published_at:%Y-%m-%d}",
            published_at_1=f"{published_at:%H:%M:%S}",
            edit_version=article.version,
        ),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "新标题"
    assert article.get_absolute_url() == url
    public = Client().get(url)
    assert public.status_code == 200
    assert "新标题" in page(public)


def test_saving_images_without_alt_text_warns_and_with_alt_text_does_not(superuser_client, column):
    """Screen readers say nothing for an image without 替换文本, so each save says so."""
    without_alt = (
        '<p><img src="/media/uploads/2025/03/a.jpg">'
        '<img src="/media/uploads/2025/03/b.jpg" alt=""></p>'
    )
    with_alt = '<p><img src="/media/uploads/2025/03/a.jpg" alt="巾帼大宣讲现场"></p>'

    warned = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, body=without_alt), follow=True
    )
    described = superuser_client.post(
        reverse("admin:news_article_add"), article_form(column, body=with_alt), follow=True
    )

    assert Article.objects.count() == 2
    [warning] = [m for m in warned.context["messages"] if "替换文本" in str(m)]
    assert warning.level == messages.WARNING
    assert "正文中有 2 张图片没有填写“替换文本”" in str(warning)
    assert "替换文本" in page(warned)
    assert [str(m) for m in described.context["messages"] if "替换文本" in str(m)] == []
    assert "替换文本" not in page(described)


# -- Actions on selected rows ----------------------------------------------------------


def test_publish_action_publishes_now_or_keeps_the_scheduled_time(superuser_client, column):
    """The bulk action publishes what was submitted for review; a draft stays a draft."""
    future = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
    undated = ArticleFactory(column=column, status=Article.Status.REVIEW, published_at=None)
    scheduled = ArticleFactory(column=column, status=Article.Status.REVIEW, published_at=future)
    draft = ArticleFactory(column=column, status=Article.Status.DRAFT, published_at=None)
    not_selected = ArticleFactory(column=column, status=Article.Status.REVIEW, published_at=None)
    before = timezone.now().replace(microsecond=0)  # publish times are whole seconds

    response = run_action(superuser_client, "publish", [undated, scheduled, draft])

    assert "已发布 2 篇文章。" in page(response)
    assert "1 篇不是“待审核”状态，未发布" in page(response)
    reload(undated, scheduled, draft, not_selected)
    assert undated.status == Article.Status.PUBLISHED
    assert before <= undated.published_at <= timezone.now()
    assert undated.is_live()
    assert scheduled.status == Article.Status.PUBLISHED
    assert scheduled.published_at == future
    assert scheduled.is_scheduled
    assert not scheduled.is_live()
    assert draft.status == Article.Status.DRAFT
    assert not_selected.status == Article.Status.REVIEW


def test_withdraw_action_takes_selected_articles_off_the_site(superuser_client, column):
    withdrawn = ArticleFactory(column=column)
    kept = ArticleFactory(column=column)

    response = run_action(superuser_client, "withdraw", [withdrawn])

    assert "已撤回 1 篇文章。" in page(response)
    reload(withdrawn, kept)
    assert withdrawn.status == Article.Status.WITHDRAWN
    assert not withdrawn.is_live()
    assert list(Article.objects.live()) == [kept]
    assert Client().get(withdrawn.get_absolute_url()).status_code == 404


def test_pin_and_unpin_actions(superuser_client, column):
    first, second, other = ArticleFactory.create_batch(3, column=column)

    run_action(superuser_client, "pin", [first, second])
    reload(first, second, other)
    assert (first.is_pinned, second.is_pinned, other.is_pinned) == (True, True, False)

    run_action(superuser_client, "unpin", [first])
    reload(first, second, other)
    assert (first.is_pinned, second.is_pinned, other.is_pinned) == (False, True, False)


# -- Previewing a draft ----------------------------------------------------------------


def test_view_on_site_shows_a_draft_to_staff_and_is_never_cached(superuser_client, column):
    draft = ArticleFactory(
        title="待审核的稿件", column=column, status=Article.Status.DRAFT, published_at=None
    )
    change_page = superuser_client.get(reverse("admin:news_article_change", args=[draft.pk]))
    view_on_site = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(Article).pk, draft.pk]
    )
    assert view_on_site in page(change_page)

    response = superuser_client.get(view_on_site, follow=True)

    assert response.redirect_chain[-1][0].endswith(draft.get_absolute_url())
    assert response.status_code == 200
    assert "待审核的稿件" in page(response)
    cache_control = response["Cache-Control"]
    for directive in ("no-cache", "no-store", "max-age=0"):
        assert directive in cache_control


def test_draft_does_not_exist_for_the_public(column):
    draft = ArticleFactory(column=column, status=Article.Status.DRAFT, published_at=None)

    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_previewing_a_draft_does_not_count_as_a_reading(superuser_client, column):
    draft = ArticleFactory(column=column, status=Article.Status.DRAFT, published_at=None)

    superuser_client.get(draft.get_absolute_url())

    draft.refresh_from_db()
    assert draft.view_count == 0


# -- Logging in ------------------------------------------------------------------------


def test_admin_login_page_is_in_chinese(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 200
    content = page(response)
    assert '<html lang="zh-hans"' in content
    assert "市妇联网站管理" in content
    for label in ("用户名", "密码", "登录"):
        assert label in content


def test_admin_requires_logging_in(client):
    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# -- An article with a cover image (issue 9) ---------------------------------------------


def test_an_article_with_a_cover_is_approved_saved_pinned_and_withdrawn_like_any_other(
    as_superuser, column, media_root
):
    """The cover's validator read the stored file again on every save and failed on
    it (ValueError: seek of closed file): every later save answered 500."""
    photo = SimpleUploadedFile("现场.jpg", image_bytes("JPEG", size=(640, 480)), "image/jpeg")
    response = as_superuser.post(
        reverse("admin:news_article_add"), article_form(column, cover=photo, _continue="1")
    )
    assert response.status_code == 302
    article = Article.objects.get()
    stored = article.cover.name
    assert stored.startswith("covers/") and stored.endswith(".jpg")

    response = press(as_superuser, article, "_approve")
    assert response.status_code == 200
    assert f"「{article.title}」：已发布" in messages_of(response)

    response = press(as_superuser, article, "_continue", title="表彰大会圆满结束")
    assert response.status_code == 200
    assert run_action(as_superuser, "pin", [article]).status_code == 200
    response = press(as_superuser, article, "_withdraw")
    assert response.status_code == 200

    article.refresh_from_db()
    assert (article.title, article.is_pinned, article.status) == (
        "表彰大会圆满结束",
        True,
        Article.Status.WITHDRAWN,
    )
    assert article.cover.name == stored
    assert (media_root / stored).exists()


def test_replacing_a_cover_still_checks_the_new_file(as_superuser, column, media_root):
    article = ArticleFactory(column=column, cover=SimpleUploadedFile("a.png", image_bytes()))
    fake = SimpleUploadedFile("封面.jpg", b"<html>not an image</html>", "image/jpeg")

    response = press(as_superuser, article, "_continue", cover=fake)

    assert response.status_code == 200
    assert "cover" in response.context["adminform"].form.errors


# -- Staff read Chinese everywhere (issue 9) -------------------------------------------


def test_attachment_sizes_read_as_staff_say_them(as_superuser, column, media_root):
    article = ArticleFactory(column=column)
    Attachment.objects.create(
        article=article,
        file=ContentFile(b"%PDF-1.4", name="a.pdf"),
        original_name="名单.pdf",
        file_type="pdf",
        size=1_234_567,
    )

    content = page(as_superuser.get(reverse("admin:news_article_change", args=[article.pk])))

    assert "1.2\xa0MB" in content  # Django keeps number and unit on one line
    assert "1234567" not in content


def test_list_pages_are_titled_in_plain_chinese(as_superuser):
    content = page(as_superuser.get(reverse(CHANGELIST)))

    assert "<h1>选择要修改的文章</h1>" in content
    assert "选择 文章 来修改" not in content


def test_login_protection_is_named_in_chinese_in_the_superusers_sidebar(as_superuser):
    content = page(as_superuser.get(reverse("admin:index")))

    assert "登录保护" in content
    assert "登录失败记录" in content
    for english in ("Axes", "AXES", "Access attempts", "Access logs", "Access failures"):
        assert english not in content


def test_stock_messages_end_with_a_chinese_full_stop(as_superuser, column):
    response = as_superuser.post(
        reverse("admin:news_article_add"), article_form(column, _continue="1"), follow=True
    )

    [added] = messages_of(response)
    assert added.endswith("您可以在下面继续编辑。")
    assert not re.search(r"[\u4e00-\u9fff][.]", added)


def test_reviewers_see_one_review_comment_row(as_reviewer, as_editor, editor, column):
    draft = ArticleFactory(column=column, status=Article.Status.REVIEW, created_by=editor)
    url = reverse("admin:news_article_change", args=[draft.pk])

    for client, expected in [
        (as_reviewer, "field-review_note"),
        (as_editor, "field-review_comment"),
    ]:
        content = page(client.get(url))
        rows = re.findall(r'class="form-row field-review_(?:note|comment)', content)
        assert len(rows) == 1, rows
        assert expected in content
