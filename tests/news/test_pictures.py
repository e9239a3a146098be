"""Responsive pictures (issue 11): covers and body pictures are shown with srcset and
sizes naming their renditions, in pages and feeds; bodies stay deterministic and
their editorial form does not see srcset; pictures without renditions still show.

The renditions themselves (widths, formats, metadata) are tested with the uploads,
in tests/fedsite/test_uploads.py."""

import re
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fedsite import uploads
from news.models import Article
from news.sanitize import clean_html, editorial_form, parse
from tests.factories import ArticleFactory
from tests.helpers import image_bytes, page

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture(autouse=True)
def _forget_renditions_seen():
    # What a process remembers of the renditions in storage; each test has its own.
    uploads._seen.clear()
    yield
    uploads._seen.clear()


def stored_picture(size=(1200, 800), image_format="JPEG", renditions=True):
    """An editor upload already in storage (with its renditions, as uploads have them
    since issue 11, or without, as older ones); its address."""
    extension = uploads.IMAGE_FORMATS[image_format]
    name = default_storage.save(
        uploads.generated_name("uploads", extension), ContentFile(image_bytes(image_format, size))
    )
    if renditions:
        uploads.make_renditions(name)
    return default_storage.url(name)


def rendition(src, width, extension):
    return (
        "/media/renditions/"
        + src.removeprefix("/media/").rpartition(".")[0]
        + (f".w{width}.{extension}")
    )


def body_img(html):
    [img] = [element for element in parse(html).elements() if element.tag == "img"]
    return img.attrs


def with_cover(column, size=(1200, 800), **fields):
    cover = SimpleUploadedFile("封面.jpg", image_bytes("JPEG", size), "image/jpeg")
    return ArticleFactory(column=column, cover=cover, **fields)


# -- Covers -------------------------------------------------------------------------------


def test_the_article_page_shows_its_cover_as_a_picture_with_webp_and_a_fallback(column):
    article = with_cover(column)
    cover = article.cover.url

    html = page(Client().get(article.get_absolute_url()))

    source = (
        f'<source type="image/webp" srcset="{rendition(cover, 360, "webp")} 360w, '
        f'{rendition(cover, 720, "webp")} 720w, {rendition(cover, 1080, "webp")} 1080w" '
        'sizes="(max-width: 736px) 100vw, 736px">'
    )
    img = (
        f'<img class="article__cover" src="{cover}" srcset="{rendition(cover, 360, "jpg")} 360w, '
        f"{rendition(cover, 720, 'jpg')} 720w, {rendition(cover, 1080, 'jpg')} 1080w, "
        f'{cover} 1200w" sizes="(max-width: 736px) 100vw, 736px" alt="" width="1200" '
        'height="800">'
    )
    assert f"<picture>{source}{img}</picture>" in html
    # Share previews take the picture itself.
    assert f'<meta property="og:image" content="http://testserver{cover}">' in html


def test_a_narrow_cover_is_offered_no_wider_than_it_is(column):
    article = with_cover(column, size=(500, 300))
    cover = article.cover.url

    html = page(Client().get(article.get_absolute_url()))

    assert f'srcset="{rendition(cover, 360, "jpg")} 360w, {cover} 500w"' in html
    assert 'sizes="(max-width: 500px) 100vw, 500px"' in html
    assert ".w720." not in html


def test_a_cover_without_renditions_is_shown_as_before(column, monkeypatch):
    monkeypatch.setattr(uploads, "make_renditions", lambda *args, **kwargs: [])
    article = with_cover(column)

    html = page(Client().get(article.get_absolute_url()))

    assert (
        f'<img class="article__cover" src="{article.cover.url}" alt="" width="1200" '
        'height="800">' in html
    )
    assert "<picture>" not in html


def test_a_cover_whose_renditions_are_gone_falls_back_to_the_original(column):
    article = with_cover(column)
    for width in (360, 720, 1080):
        for extension in ("webp", "jpg"):
            default_storage.delete(uploads.rendition_name(article.cover.name, width, extension))

    html = page(Client().get(article.get_absolute_url()))

    assert "srcset" not in html.split('class="article__body"')[0].split("<article")[1]
    assert f'<img class="article__cover" src="{article.cover.url}"' in html


# -- Body pictures ------------------------------------------------------------------------


def test_a_body_picture_gets_srcset_and_sizes_in_its_own_format_on_save(column):
    src = stored_picture()

    article = ArticleFactory(column=column, body=f'<p><img src="{src}" alt="会场"></p>')

    assert body_img(article.body) == {
        "src": src,
        "alt": "会场",
        "width": "1200",
        "height": "800",
        # An <img> cannot offer WebP with a fallback: the original's format, which
        # every browser shows.
        "srcset": f"{rendition(src, 360, 'jpg')} 360w, {rendition(src, 720, 'jpg')} 720w, "
        f"{rendition(src, 1080, 'jpg')} 1080w, {src} 1200w",
        "sizes": "(max-width: 736px) 100vw, 736px",
        "loading": "lazy",
        "decoding": "async",
    }


def test_a_body_picture_shown_narrower_is_sized_as_shown(column):
    src = stored_picture()

    article = ArticleFactory(
        column=column, body=f'<p><img src="{src}" alt="" width="300" height="200"></p>'
    )

    assert body_img(article.body)["sizes"] == "(max-width: 300px) 100vw, 300px"


def test_srcset_and_sizes_are_never_taken_from_what_the_editor_sent(column):
    src = stored_picture(renditions=False)
    sent = (
        f'<p><img src="{src}" alt="" srcset="https://elsewhere.example/x.jpg 2x, '
        'javascript:alert(1) 3x" sizes="1px"></p>'
    )

    article = ArticleFactory(column=column, body=sent)

    assert "srcset" not in article.body
    assert "sizes" not in article.body
    assert "elsewhere" not in article.body


def test_pictures_elsewhere_and_without_renditions_get_no_srcset(column):
    older = stored_picture(renditions=False)
    small = stored_picture(size=(300, 200))

    article = ArticleFactory(
        column=column,
        body=f'<p><img src="{older}" alt=""><img src="{small}" alt="">'
        '<img src="https://example.org/a.jpg" alt=""></p>',
    )

    assert "srcset" not in article.body
    assert 'src="https://example.org/a.jpg"' in article.body


def test_the_same_body_always_cleans_to_the_same_bytes(column):
    src = stored_picture()
    raw = f'<p>正文</p><p><img alt="现场" src="{src}" title="t"></p>'

    outputs = {
        clean_html(raw, size_of=uploads.local_image_size, responsive=uploads.responsive_image)
        for _ in range(20)
    }
    [stored] = outputs
    again = clean_html(
        stored, size_of=uploads.local_image_size, responsive=uploads.responsive_image
    )

    assert again == stored
    assert ArticleFactory(column=column, body=raw).body == stored


def test_srcset_is_not_part_of_what_the_editor_wrote(column):
    src = stored_picture()
    article = ArticleFactory(column=column, body=f'<p>正文<img alt="现场" src="{src}"></p>')
    # CKEditor sends the picture back without what the server added.
    from_ckeditor = f'<p>正文<img alt="现场" src="{src}" /></p>\n'

    assert "srcset" in article.body
    assert editorial_form(article.body) == editorial_form(from_ckeditor)
    assert editorial_form(from_ckeditor.replace("正文", "改过的正文")) != editorial_form(
        article.body
    )


def test_body_pictures_keep_srcset_and_sizes_in_the_article_page_and_both_feeds(column):
    src = stored_picture()
    article = ArticleFactory(column=column, body=f'<p><img src="{src}" alt="会场"></p>')
    absolute = f"http://testserver{rendition(src, 720, 'jpg')} 720w"

    html = page(Client().get(article.get_absolute_url()))
    # The body as a feed reader gets it, XML escaping undone.
    rss = unescape(page(Client().get(reverse("news:feed"))))
    atom = unescape(page(Client().get(reverse("news:feed_atom"))))

    assert f'srcset="{rendition(src, 360, "jpg")} 360w, {rendition(src, 720, "jpg")} 720w' in html
    assert 'sizes="(max-width: 736px) 100vw, 736px" loading="lazy"' in html
    for feed in (rss, atom):
        # Feed readers resolve no site-relative address: srcset is made absolute too.
        assert absolute in feed
        assert f"http://testserver{src} 1200w" in feed
        assert 'width="1200" height="800" srcset="http://testserver/media/' in feed
        assert 'sizes="(max-width: 736px) 100vw, 736px"' in feed


# -- Older pictures -----------------------------------------------------------------------


def test_make_renditions_fills_in_older_pictures_and_their_bodies(column, monkeypatch):
    with monkeypatch.context() as before_issue_11:
        before_issue_11.setattr(uploads, "make_renditions", lambda *args, **kwargs: [])
        covered = with_cover(column)
    src = stored_picture(renditions=False)
    article = ArticleFactory(column=column, body=f'<p><img src="{src}" alt="会场"></p>')
    history_versions = article.history.count()
    written = article.body
    assert "srcset" not in written

    call_command("make_renditions", stdout=None)

    article.refresh_from_db()
    assert 'srcset="' in article.body
    assert editorial_form(article.body) == editorial_form(written)
    assert article.history.count() == history_versions  # not an editorial change
    html = page(Client().get(covered.get_absolute_url()))
    assert re.search(r'<picture><source type="image/webp" srcset="[^"]+\.w1080\.webp', html)


def test_make_renditions_run_again_changes_nothing(column, capsys):
    src = stored_picture()
    article = ArticleFactory(column=column, body=f'<p><img src="{src}" alt=""></p>')
    name = uploads.rendition_name(src.removeprefix("/media/"), 720, "webp")
    made_at = default_storage.get_modified_time(name)

    call_command("make_renditions")

    assert default_storage.get_modified_time(name) == made_at
    assert "正文更新 0 篇" in capsys.readouterr().out
    assert Article.objects.get(pk=article.pk).body == article.body
