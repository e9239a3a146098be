"""A reader on a phone: home page, the March 8 report, 繁體, 大字版 and the RSS feed."""

import re

import pytest

from .conftest import MARCH8_TITLE

pytestmark = pytest.mark.browser

MARCH8_TITLE_HANT = "市婦聯：巾幗勇擔當 展現新作為"


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def body_font_size(page):
    """The computed font size, in CSS pixels, of the article's first body paragraph."""
    return page.locator(".article__body p").first.evaluate(
        "p => parseFloat(getComputedStyle(p).fontSize)"
    )


def test_reader_on_a_phone_reads_the_report_in_traditional_large_text_and_subscribes(
    demo_site, phone, expect, screenshot
):
    page = phone

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert horizontal_overflow(page) <= 0, "the home page scrolls sideways on a 360px phone"
    report_link = page.get_by_role("link", name=MARCH8_TITLE).first
    expect(report_link).to_be_visible()
    screenshot(page, "reader-1-home-phone")

    report_link.tap()
    page.wait_for_url(f"**{demo_site.get_absolute_url()}")
    expect(page.locator("h1")).to_have_text(MARCH8_TITLE)
    meta = page.locator(".article__meta")
    expect(meta).to_contain_text("发布时间：2022-03-08 10:00")
    expect(meta).to_contain_text("来源：市妇联")
    assert horizontal_overflow(page) <= 0, "the article scrolls sideways on a 360px phone"
    normal_size = body_font_size(page)
    screenshot(page, "reader-2-article-phone")

    page.get_by_role("link", name="繁體", exact=True).tap()
    page.wait_for_url(f"**{demo_site.get_absolute_url()}")
    expect(page.locator("h1")).to_have_text(MARCH8_TITLE_HANT)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator(".article__meta")).to_contain_text("發佈時間")
    screenshot(page, "reader-3-article-traditional-phone")

    # The choice is remembered: the next page is in traditional script as well.
    page.locator(".site-nav").get_by_role("link", name="首頁").tap()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_role("link", name=MARCH8_TITLE_HANT).first).to_be_visible()
    page.get_by_role("link", name=MARCH8_TITLE_HANT).first.tap()
    page.wait_for_url(f"**{demo_site.get_absolute_url()}")

    # 大字版 reads the same in both scripts; the header link is the one asking size=large.
    page.locator('.reader-tools a[href*="size=large"]').tap()
    page.wait_for_url(f"**{demo_site.get_absolute_url()}")
    expect(page.locator("html")).to_have_class(re.compile(r"\bsize-large\b"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    large_size = body_font_size(page)
    assert large_size > normal_size, (normal_size, large_size)
    assert horizontal_overflow(page) <= 0, "大字版 scrolls sideways on a 360px phone"
    screenshot(page, "reader-4-article-traditional-large-phone")

    # The footer's RSS 訂閱 link; a browser would download the feed, so fetch it with
    # the page's own cookies (the reader's 繁體 choice goes along).
    feed_link = page.locator('a[href="/feed/"]')
    expect(feed_link).to_have_text("RSS 訂閱")
    response = page.request.get(feed_link.get_attribute("href"))
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("application/rss+xml")
    feed = response.text()
    assert feed.startswith("<?xml"), feed[:200]
    assert "<rss" in feed
    assert f"<title>{MARCH8_TITLE_HANT}</title>" in feed
    assert f"{demo_site.get_absolute_url()}</link>" in feed
