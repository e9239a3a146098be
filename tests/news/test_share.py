"""What an article page tells the world beyond its readers: share previews (Open
Graph), the metadata that government-site monitoring tools read, schema.org
JSON-LD for search engines, the QR code for opening it on a phone, related
articles, robots.txt and the sitemap; and body images that carry their size.
"""

import datetime
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fedsite.models import SiteProfile
from news.models import Article
from tests.factories import ArticleFactory, ColumnFactory
from tests.helpers import image_bytes, set_profile, sitemap_urls
from tests.stats.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOSTILE_TITLE = "</script><script>alert(1)</script>巾帼<!--"


def html_of(response):
    return response.content.decode()


def permalink(article):
    return f"http://testserver/articles/{article.pk}/"


class _Head(HTMLParser):
    """The <meta> tags by name or property, and the JSON-LD blocks' raw text."""

    def __init__(self):
        super().__init__()
        self.meta = {}
        self.json_ld = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("name") or attrs["property"]] = attrs.get("content")
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False


def head_of(response):
    parser = _Head()
    parser.feed(html_of(response))
    return parser


@pytest.fixture
def march8(column):
    column.description = "市妇联机关各部门的工作动态"
    column.save()
    return ArticleFactory(
        column=column,
        title="市妇联召开三八国际妇女节表彰大会",
        summary="大会表彰了一批三八红旗手和巾帼建功先进集体。",
        source="市妇联宣传部",
        author="李红",
        published_at=datetime.datetime(2024, 3, 8, 9, 30, tzinfo=BEIJING),
    )


# -- Share previews and monitoring metadata ----------------------------------------------


def test_article_page_has_open_graph_tags_for_share_previews(client, march8):
    meta = head_of(client.get(march8.get_absolute_url())).meta

    assert meta["og:type"] == "article"
    assert meta["og:title"] == "市妇联召开三八国际妇女节表彰大会"
    assert meta["og:description"] == "大会表彰了一批三八红旗手和巾帼建功先进集体。"
    assert meta["og:url"] == permalink(march8)
    assert meta["og:site_name"] == "市妇女联合会"


def test_article_with_a_cover_names_it_as_the_share_image(client, column, media_root):
    article = ArticleFactory(
        column=column, cover=SimpleUploadedFile("cover.png", image_bytes("PNG", (640, 360)))
    )

    meta = head_of(client.get(article.get_absolute_url())).meta

    assert meta["og:image"] == f"http://testserver{article.cover.url}"
    assert (media_root / article.cover.name).is_file()


def fetch(client, url):
    """The bytes at a site address the test client can reach: a static file (through
    the finders, as `runserver` serves them) or a media file."""
    path = urlsplit(url).path
    if path.startswith(settings.STATIC_URL):
        return Path(finders.find(path.removeprefix(settings.STATIC_URL))).read_bytes()
    assert path.startswith(settings.MEDIA_URL), url
    return (Path(settings.MEDIA_ROOT) / path.removeprefix(settings.MEDIA_URL)).read_bytes()


def test_article_without_a_cover_shares_the_site_logo(client, march8):
    """Without og:image WeChat and other apps show a blank square; the site's emblem
    (shipped with the site) stands in: a PNG or JPEG of at least 200×200 pixels,
    with an absolute address."""
    meta = head_of(client.get(march8.get_absolute_url())).meta

    image = meta["og:image"]
    assert image.startswith("http://testserver/")
    assert meta["Image"] == image
    with Image.open(io.BytesIO(fetch(client, image))) as picture:
        assert picture.format in {"PNG", "JPEG"}
        assert min(picture.size) >= 200


def test_an_uploaded_logo_replaces_the_shipped_one(client, march8, media_root):
    set_profile(logo=SimpleUploadedFile("logo.png", image_bytes("PNG", (300, 300))))
    logo = SiteProfile.current().logo

    meta = head_of(client.get(march8.get_absolute_url())).meta
    _, data = json_ld_of(client.get(march8.get_absolute_url()))

    assert meta["og:image"] == f"http://testserver{logo.url}"
    assert data["image"] == [f"http://testserver{logo.url}"]
    assert data["publisher"]["logo"]["url"] == f"http://testserver{logo.url}"


def test_article_page_carries_the_monitoring_metadata(client, march8):
    set_profile(site_code="3301000001")

    meta = head_of(client.get(march8.get_absolute_url())).meta

    assert meta["SiteName"] == "市妇女联合会"
    assert meta["SiteDomain"] == "testserver"
    assert meta["SiteIDCode"] == "3301000001"
    assert meta["ColumnName"] == "部门动态"
    assert meta["ColumnDescription"] == "市妇联机关各部门的工作动态"
    assert meta["ArticleTitle"] == "市妇联召开三八国际妇女节表彰大会"
    assert meta["PubDate"] == "2024-03-08 09:30"  # Beijing time, as published
    assert meta["ContentSource"] == "市妇联宣传部"
    assert meta["Author"] == "李红"
    assert meta["Url"] == permalink(march8)


def test_site_id_code_is_left_out_until_the_profile_has_one(client, march8):
    assert "SiteIDCode" not in head_of(client.get(march8.get_absolute_url())).meta

    set_profile(icp_number="浙ICP备12345678号")

    assert "SiteIDCode" not in head_of(client.get(march8.get_absolute_url())).meta


# -- JSON-LD -----------------------------------------------------------------------------


def json_ld_of(response):
    blocks = head_of(response).json_ld
    assert len(blocks) == 1
    return blocks[0], json.loads(blocks[0])


def test_article_page_describes_itself_as_a_news_article(client, march8):
    _, data = json_ld_of(client.get(march8.get_absolute_url()))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "市妇联召开三八国际妇女节表彰大会"
    assert datetime.datetime.fromisoformat(data["datePublished"]) == march8.published_at
    assert data["url"] == permalink(march8)
    assert data["articleSection"] == "部门动态"
    assert data["author"] == {"@type": "Person", "name": "李红"}
    # No cover: the site's logo is the picture, as it is the publisher's logo.
    meta = head_of(client.get(march8.get_absolute_url())).meta
    assert data["image"] == [meta["og:image"]]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "市妇女联合会",
        "logo": {"@type": "ImageObject", "url": meta["og:image"]},
    }


def test_json_ld_names_the_cover_image(client, column, media_root):
    article = ArticleFactory(
        column=column, cover=SimpleUploadedFile("cover.png", image_bytes("PNG", (64, 48)))
    )

    _, data = json_ld_of(client.get(article.get_absolute_url()))

    assert data["image"] == [f"http://testserver{article.cover.url}"]
    assert data["publisher"]["logo"]["url"] != data["image"][0]


def test_a_hostile_title_cannot_break_out_of_the_json_ld(client, column):
    article = ArticleFactory(column=column, title=HOSTILE_TITLE, summary="</SCRIPT >& <b>")

    response = client.get(article.get_absolute_url())

    raw, data = json_ld_of(response)
    assert "</script" not in raw.lower() and "<!--" not in raw
    assert data["headline"] == HOSTILE_TITLE
    assert data["description"] == "</SCRIPT >& <b>"
    assert "<script>alert(1)" not in html_of(response)


def test_a_draft_preview_has_no_json_ld(superuser_client, column):
    draft = ArticleFactory(column=column, status=Article.Status.DRAFT, published_at=None)

    response = superuser_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert head_of(response).json_ld == []


# -- QR code -----------------------------------------------------------------------------

_PATH_STEP = re.compile(r"([MmHh])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?")


def dark_modules(svg_root):
    """The dark modules drawn by the SVG's line path, as (row, column) pairs relative
    to the top left dark module (the corner of a finder pattern)."""
    ns = "{http://www.w3.org/2000/svg}"
    paths = [path for path in svg_root.iter(f"{ns}path") if path.get("stroke")]
    assert len(paths) == 1
    x = y = 0.0
    dark = set()
    for command, first, second in _PATH_STEP.findall(paths[0].get("d")):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:  # h: a horizontal run of dark modules
            length = float(first)
            start, end = (x, x + length) if length > 0 else (x + length, x)
            dark |= {(int(y), column) for column in range(round(start), round(end))}
            x += length
    top = min(row for row, _ in dark)
    left = min(column for _, column in dark)
    return {(row - top, column - left) for row, column in dark}


def encoded_modules(text, error):
    matrix = segno.make(text, error=error).matrix
    return {(r, c) for r, row in enumerate(matrix) for c, bit in enumerate(row) if bit}


def test_qr_code_is_an_svg_of_the_articles_permalink(client, article):
    response = client.get(f"/articles/{article.pk}/qr.svg")

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "本文二维码"
    # The modules drawn are those of a QR code of the permalink (at some error level).
    drawn = dark_modules(root)
    assert any(drawn == encoded_modules(permalink(article), level) for level in "lmqh")
    assert not any(
        drawn == encoded_modules(f"http://testserver/articles/{article.pk + 1}/", level)
        for level in "lmqh"
    )


def test_article_page_shows_the_qr_code(client, article):
    html = html_of(client.get(article.get_absolute_url()))

    assert f'src="/articles/{article.pk}/qr.svg"' in html
    assert "扫一扫在手机打开当前页" in html


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT, "published_at": None},
        {"status": Article.Status.WITHDRAWN},
        {"published_at": datetime.datetime(2099, 1, 1, tzinfo=BEIJING)},
    ],
    ids=["draft", "withdrawn", "scheduled"],
)
def test_there_is_no_qr_code_for_an_article_the_public_cannot_see(client, column, state):
    hidden = ArticleFactory(column=column, **state)

    assert client.get(f"/articles/{hidden.pk}/qr.svg").status_code == 404


# -- 相关稿件 -------------------------------------------------------------------------------


def related_titles(response):
    match = re.search(
        r'<section[^>]*aria-labelledby="related-heading".*?</section>', html_of(response), re.S
    )
    if match is None:
        return []
    return re.findall(r'class="article-item__title" href="/articles/\d+/">([^<]+)</a>', match[0])


def test_related_articles_are_other_live_articles_of_the_same_column(client, column):
    now = datetime.datetime.now(BEIJING)
    article = ArticleFactory(column=column, title="本篇", published_at=now - datetime.timedelta(3))
    ArticleFactory(column=column, title="较早的一篇", published_at=now - datetime.timedelta(9))
    ArticleFactory(column=column, title="较新的一篇", published_at=now - datetime.timedelta(1))
    ArticleFactory(column=column, title="草稿", status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(column=column, title="已撤回", status=Article.Status.WITHDRAWN)
    ArticleFactory(column=column, title="定时发布", published_at=now + datetime.timedelta(1))
    ArticleFactory(column=ColumnFactory(name="通知公告", slug="tzgg"), title="别的栏目")

    response = client.get(article.get_absolute_url())

    assert "相关稿件" in html_of(response)
    assert related_titles(response) == ["较新的一篇", "较早的一篇"]


def test_article_alone_in_its_column_has_no_related_section(client, article):
    ArticleFactory(column=ColumnFactory(name="通知公告", slug="tzgg"))

    response = client.get(article.get_absolute_url())

    assert related_titles(response) == []
    assert "相关稿件" not in html_of(response)


# -- robots.txt and the sitemap ---------------------------------------------------------


def test_robots_txt_names_the_sitemap_and_not_the_hidden_admin_address(client, settings):
    """DJANGO_ADMIN_PATH hides the admin; robots.txt is the first file a scanner reads."""
    settings.ADMIN_PATH = "houtai-7q2x"

    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "User-agent: *" in lines
    assert "houtai" not in response.content.decode()


def test_sitemap_lists_the_work_figures_and_each_indicator(client, article):
    indicators = [IndicatorFactory(slug="jgdxj"), IndicatorFactory(slug="zmjt")]

    locations = set(sitemap_urls(client))
    assert "http://testserver/stats/" in locations
    for indicator in indicators:
        assert f"http://testserver/stats/{indicator.slug}/" in locations
        assert client.get(f"/stats/{indicator.slug}/").status_code == 200
    assert permalink(article) in locations


# -- Body images carry their size ---------------------------------------------------------


def save_png(path, size):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(image_bytes("PNG", size))


def body_images(article):
    article.refresh_from_db()
    return re.findall(r"<img\b[^>]*>", article.body)


def test_body_image_gets_its_real_width_and_height_on_save(client, column, media_root):
    save_png(media_root / "uploads/2024/03/meeting.png", (640, 427))

    article = ArticleFactory(
        column=column, body='<p><img src="/media/uploads/2024/03/meeting.png" alt="会场"></p>'
    )

    [image] = body_images(article)
    assert 'width="640"' in image and 'height="427"' in image
    page = html_of(client.get(article.get_absolute_url()))
    assert 'width="640" height="427"' in page


def test_wrong_size_typed_in_the_editor_is_replaced_by_the_real_one(column, media_root):
    save_png(media_root / "uploads/2024/03/meeting.png", (640, 427))

    article = ArticleFactory(
        column=column, body='<p><img src="/media/uploads/2024/03/meeting.png" width="100"></p>'
    )

    [image] = body_images(article)
    assert 'width="640"' in image and 'height="427"' in image
    assert 'width="100"' not in image


def test_external_image_is_left_without_a_size(column, media_root):
    article = ArticleFactory(
        column=column, body='<p><img src="https://www.women.org.cn/images/logo.png"></p>'
    )

    [image] = body_images(article)
    assert "https://www.women.org.cn/images/logo.png" in image
    assert "width=" not in image and "height=" not in image


def test_missing_or_broken_local_image_is_left_without_a_size(column, media_root):
    (media_root / "uploads").mkdir()
    (media_root / "uploads/notes.png").write_bytes(b"not really a picture")

    article = ArticleFactory(
        column=column,
        body='<p><img src="/media/uploads/gone.png"><img src="/media/uploads/notes.png"></p>',
    )

    assert all("width=" not in image for image in body_images(article))


@pytest.mark.parametrize(
    "src",
    ["/media/../secret.png", "/media/uploads/../../secret.png", "/media/{outside}/secret.png"],
    ids=["parent", "deeper-parent", "absolute-path"],
)
def test_image_address_leading_outside_the_media_folder_is_ignored(
    column, media_root, tmp_path, src
):
    # A real image sits just outside MEDIA_ROOT: its size must not be read.
    save_png(tmp_path / "secret.png", (300, 200))
    src = src.format(outside=str(tmp_path))

    article = ArticleFactory(column=column, body=f'<p><img src="{src}" alt="图"></p>')

    [image] = body_images(article)
    assert "width=" not in image and "height=" not in image
