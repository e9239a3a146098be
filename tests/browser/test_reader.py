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

    # The footer's RSS 訂閱 link explains feeds (a feed opened in a browser is raw
    # XML) and gives their addresses; the feed itself is fetched with the page's own
    # cookies (the reader's 繁體 choice goes along).
    page.locator(".site-footer").get_by_role("link", name="RSS 訂閱").tap()
    page.wait_for_url("**/feeds/")
    expect(page.locator("h1")).to_have_text("RSS 訂閱")
    expect(page.locator("main")).to_contain_text("RSS 閱讀器")
    assert horizontal_overflow(page) <= 0, "the feeds page scrolls sideways on a 360px phone"
    screenshot(page, "reader-5-feeds-traditional-large-phone")
    feed_link = page.locator("#feed-all + dd a")
    expect(feed_link).to_contain_text("/feed/")
    response = page.request.get(feed_link.get_attribute("href"))
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("application/rss+xml")
    feed = response.text()
    assert feed.startswith("<?xml"), feed[:200]
    assert "<rss" in feed
    assert f"<title>{MARCH8_TITLE_HANT}</title>" in feed
    assert f"{demo_site.get_absolute_url()}</link>" in feed


# -- Charts, tables and the footer at every text size ----------------------------------

SIZES = {"standard": "normal", "large": "large", "xlarge": "xlarge"}

# The size in CSS pixels at which each visible chart label is drawn: SVG units
# scaled with the drawing.
CHART_LABEL_SIZES_JS = """
() => [...document.querySelectorAll(".chart__svg svg")]
  .filter((svg) => svg.getBoundingClientRect().width > 0)
  .flatMap((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll("text")]
      .filter((text) => text.textContent.trim())
      .map((text) => [
        text.textContent.trim(), parseFloat(getComputedStyle(text).fontSize) * scale,
      ]);
  })
"""

# How many lines an element's text takes (one client rect per line box).
LINES_JS = """
(element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
}
"""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("width", [360, 768, 1280])
def test_charts_tables_and_the_footer_read_at_every_width_and_text_size(
    demo_site, new_context, expect, screenshot, size, width
):
    """A chart's labels are 12 pixels or more (a 720-unit chart on a phone gave 6),
    a year such as 2021年 never breaks in two, the page never scrolls sideways, and
    the footer's hotline heading keeps whole lines (大字版 squeezed it into a column
    one character wide)."""
    context = new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"/reader/?size={SIZES[size]}&next=/stats/meili-tingyuan/")
    page.wait_for_url("**/stats/meili-tingyuan/")

    labels = page.evaluate(CHART_LABEL_SIZES_JS)
    assert labels, "no chart is shown"
    too_small = [(text, round(px, 1)) for text, px in labels if px < 12]
    assert not too_small, f"chart labels under 12px at {width}px ({size}): {too_small}"
    for cell in page.locator(".data-table tbody th, .data-table td.nowrap").all():
        assert cell.evaluate(LINES_JS) == 1, f"{cell.inner_text()!r} wraps at {width}px ({size})"
    assert horizontal_overflow(page) <= 0, f"the page scrolls sideways at {width}px ({size})"

    heading = page.locator("#hotline-heading")
    expect(heading).to_have_text("妇女维权公益服务热线")
    assert heading.evaluate(LINES_JS) == 1, f"the hotline heading wraps at {width}px ({size})"
    screenshot(page, f"reader-chart-{size}-{width}")


def test_no_page_asks_for_a_missing_file_or_logs_an_error(demo_site, phone):
    """No favicon 404 and no console error, on any page type."""
    page = phone
    failures = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            # The 404 page's own status is the one expected.
            and not message.location["url"].endswith("/no-such-page/")
            and failures.append(f"{message.text} ({message.location['url']})")
        ),
    )
    page.on("requestfailed", lambda request: failures.append(f"failed {request.url}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/no-such-page/")
            and failures.append(f"{response.status} {response.url}")
        ),
    )
    for address in [
        "/",
        "/news/",
        demo_site.column.get_absolute_url(),
        demo_site.get_absolute_url(),
        "/search/?q=美丽庭院",
        "/stats/",
        "/stats/meili-tingyuan/",
        "/feeds/",
        "/jiucuo/",
        "/no-such-page/",
    ]:
        page.goto(address)
        page.wait_for_load_state("networkidle")
    # Asked the way a browser asks for an icon no page names; a fetch() from the page
    # would be refused by its policy (connect-src), as any script's would.
    assert page.request.get("/favicon.ico").status == 200
    assert failures == [], failures


def test_search_landmarks_and_form_help_are_announced_with_their_names(demo_site, desktop, expect):
    """A screen reader lists the search page's two search landmarks by distinct
    names, and reads each 我要纠错 field with its help text and its error."""
    page = desktop
    page.goto("/search/?q=美丽庭院")
    landmarks = page.get_by_role("search")
    expect(landmarks).to_have_count(2)
    names = [landmark.get_attribute("aria-label") for landmark in landmarks.all()]
    assert all(names) and len(set(names)) == 2, names

    page.goto("/jiucuo/")
    contact = page.get_by_label("联系方式")
    expect(contact).to_have_accessible_description("电话或邮箱，方便我们回复，可不填。")
    page.locator("main form button[type=submit]").click()
    description = page.get_by_label("问题描述")
    expect(description).to_have_accessible_description("这个字段是必填项。")
    expect(description).to_have_attribute("aria-invalid", "true")
