"""发布前校对 in a real Chromium (issue 15): a reviewer opens a submitted article, sees
the 校对 panel with its findings highlighted in their sentences, accepts a suggestion
(the body is saved through CKEditor and the normal save), and approves the article
with the remaining finding only after confirming it."""

import importlib

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from news.models import Article, ReviewEvent
from tests.factories import ArticleFactory, ColumnFactory

pytestmark = pytest.mark.browser

PASSWORD = "browser-tests-only-pw-2026"  # noqa: S105 (a throwaway test account)
ROLES = importlib.import_module("news.migrations.0003_roles")
BODY = (
    "<p>过去的一年，全市妇联干部再接再励，为全市发展奉献巾帼力量。</p>"
    "<p>要大力宏扬红色家风，深入开展家风家教主题活动。</p>"
)


@pytest.fixture
def reviewer(browser_db):
    user = get_user_model().objects.create_user("shenhe", password=PASSWORD, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in={app for app, _ in ROLES.REVIEWER_PERMISSIONS},
            codename__in=[codename for _, codename in ROLES.REVIEWER_PERMISSIONS],
        )
    )
    return user


def test_a_reviewer_accepts_a_suggestion_and_approves_with_confirmation(
    reviewer, new_context, expect, screenshot
):
    column = ColumnFactory(name="部门动态", slug="bmdt")
    article = ArticleFactory(
        column=column,
        title="市妇联推进家风建设",
        body=BODY,
        status=Article.Status.REVIEW,
        published_at=None,
    )
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"/{settings.ADMIN_PATH}/login/")
    page.locator("#id_username").fill("shenhe")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(f"**/{settings.ADMIN_PATH}/")

    page.goto(f"/{settings.ADMIN_PATH}/news/article/{article.pk}/change/")
    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body"
        " && CKEDITOR.instances.id_body.status === 'ready'"
    )
    panel = page.locator("#proofreading")
    expect(panel.locator("h2")).to_have_text("校对：2 处问题")
    typo = panel.locator("li.finding", has=page.locator("mark", has_text="再接再励"))
    expect(typo).to_contain_text("全市妇联干部再接再励，为全市发展奉献巾帼力量。")
    expect(typo).to_contain_text("建议改为“再接再厉”")
    screenshot(page, "proofreading-1-panel")

    typo.get_by_role("button", name="采纳建议").click()

    expect(page.locator(".messagelist li").first).to_have_text(
        "已采纳建议：“再接再励”改为“再接再厉”。"
    )
    expect(panel.locator("h2")).to_have_text("校对：1 处问题")
    expect(panel.locator("mark")).to_have_text(["宏扬"])
    article.refresh_from_db()
    assert "再接再厉" in article.body and article.version == 2
    assert article.status == Article.Status.REVIEW  # a reviewer's correction keeps it in review

    page.wait_for_function("() => CKEDITOR.instances.id_body.status === 'ready'")
    page.locator("input[name=_approve]").click()
    expect(page.locator(".messagelist li.error")).to_contain_text("还有 1 个问题需要确认")
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW

    page.wait_for_function("() => CKEDITOR.instances.id_body.status === 'ready'")
    page.get_by_label("确认发布").check()
    screenshot(page, "proofreading-2-confirm")
    page.locator("input[name=_approve]").click()

    expect(page.locator(".messagelist li.success")).to_have_text(["「市妇联推进家风建设」：已发布"])
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    event = ReviewEvent.objects.get(action=ReviewEvent.Action.APPROVE)
    assert event.actor == reviewer
    assert "审核人确认发布，未处理的问题 1 个：易错词“宏扬”→“弘扬”" in event.comment
    assert "[一般]" not in event.comment
