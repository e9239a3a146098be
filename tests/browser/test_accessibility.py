"""WCAG 2.1 A/AA with axe-core in Chromium on every public page type, and the first
Tab stop: the skip link (跳到正文), visible when focused."""

import json
from urllib.parse import quote, unquote

import pytest

from .conftest import AXE_JS

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# 繁體 + 大字版 + 高对比度: the reader switch takes all three in one request.
READER_MODE = "script=hant&size=large&contrast=high"

# {article} and {column} stand for the March 8 report's address and its column's.
PAGES = [
    pytest.param("/", False, id="home"),
    pytest.param("/news/", False, id="news-list"),
    pytest.param("{column}", False, id="column-list"),
    pytest.param("{article}", False, id="article"),
    pytest.param("/stats/", False, id="stats-overview"),
    pytest.param("/stats/meili-tingyuan/", False, id="stats-indicator"),
    pytest.param("/no-such-page/", False, id="not-found"),
    pytest.param("/jiucuo/", False, id="report-error-form"),
    pytest.param("/search/?q=美丽庭院", False, id="search-results"),
    pytest.param("{article}", True, id="article-traditional-large-high-contrast"),
]


def run_axe(page, context="document"):
    """axe-core's WCAG 2.0/2.1 A and AA rules on the page (or on one element of it)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        f"""async () => {{
            const results = await axe.run({context}, {{
                runOnly: {{type: "tag", values: {json.dumps(WCAG_TAGS)}}},
            }});
            return results.violations;
        }}"""
    )


def blocking(violations):
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def describe(violations):
    """One line per failing element: the rule, its impact, where, and what is wrong."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            summary = [
                line.strip()
                for line in node.get("failureSummary", "").splitlines()
                if line.strip() and not line.startswith("Fix ")
            ]
            lines.append(
                f"{violation['id']} ({violation['impact']}) at {' '.join(map(str, node['target']))}"
                f": {'; '.join(summary)} [{violation['helpUrl']}]"
            )
    return "\n".join(lines)


@pytest.mark.parametrize(("address", "reader_mode"), PAGES)
def test_page_has_no_serious_axe_violations_and_starts_with_a_visible_skip_link(
    address, reader_mode, request, demo_site, desktop, expect, screenshot
):
    page = desktop
    url = address.format(
        article=demo_site.get_absolute_url(), column=demo_site.column.get_absolute_url()
    )
    if reader_mode:
        page.goto(f"/reader/?{READER_MODE}&next={quote(url)}")
        expect(page.locator("html")).to_have_class("size-large contrast-high")
    else:
        response = page.goto(url)
        assert response.status == (404 if url == "/no-such-page/" else 200)
    assert unquote(page.url).endswith(url)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant" if reader_mode else "zh-Hans")

    violations = blocking(run_axe(page))
    screenshot(page, f"a11y-{request.node.callspec.id}")
    assert not violations, f"axe on {page.url}:\n{describe(violations)}"

    # The first Tab stop is the skip link, hidden until focused, then on screen and
    # readable (axe again, on the focused link alone).
    skip_link = page.get_by_role("link", name="跳到正文")
    expect(skip_link).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    expect(skip_link).to_have_attribute("href", "#main")
    focused = blocking(run_axe(page, "document.activeElement"))
    assert not focused, f"the focused skip link on {page.url}:\n{describe(focused)}"
