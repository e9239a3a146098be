"""Plain functions the test modules share: role users, files made in memory, and the
article forms as the browser posts them. Fixtures live in the conftest.py files."""

import io
import os

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from fedsite.models import SiteProfile
from news.models import Article
from tests.factories import ArticleFactory

# -- Users and responses -----------------------------------------------------------------


def staff(django_user_model, username, role):
    """A staff user in the role's group (编辑 or 审核, news/migrations/0003_roles.py)."""
    user = django_user_model.objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(user):
    """A new client logged in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def page(response):
    """The response's body as text."""
    return response.content.decode()


def messages_of(response):
    """The texts of the messages shown on a rendered page (a response followed with follow=True)."""
    return [str(message) for message in response.context["messages"]]


# -- Files -------------------------------------------------------------------------------


def image_bytes(image_format="PNG", size=(24, 16), color=(200, 40, 90), noise=False):
    """A real image file made by Pillow: one flat colour, or random pixels that do not compress."""
    if noise:  # random pixels do not compress: a file of a predictable size
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def stored_files(root):
    """Every file below the media folder `root`, as sorted relative paths."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


# -- Content -----------------------------------------------------------------------------


def draft_by(user, column, **fields):
    """An unpublished draft in `column` written by `user`."""
    return ArticleFactory(
        column=column, status=Article.Status.DRAFT, published_at=None, created_by=user, **fields
    )


def set_profile(**fields):
    """Fill in the site's one profile (created by migration 0007), as staff would."""
    profile = SiteProfile.current()
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile


# -- The article admin -------------------------------------------------------------------


def article_form(column, files=(), button="_save", **fields):
    """The admin add form as posted: a new article in `column`, a row per file, `button` pressed."""
    data = {
        "title": "市妇联召开三八国际妇女节表彰大会",
        "column": column.pk,
        "body": "<p>大会表彰了一批先进集体和个人。</p>",
        "published_at_0": "",
        "published_at_1": "",
        "source": "市妇联",
        "author": "",
        "editor": "",
        "summary": "",
        "edit_version": "",
        "attachments-TOTAL_FORMS": len(files),
        "attachments-INITIAL_FORMS": 0,
        "attachments-MIN_NUM_FORMS": 0,
        "attachments-MAX_NUM_FORMS": 1000,
        button: "保存",
    }
    for index, file in enumerate(files):
        data[f"attachments-{index}-file"] = file
        data[f"attachments-{index}-title"] = ""
        data[f"attachments-{index}-order"] = str(index)
    data.update(fields)
    return data


def change_form(article, **typed):
    """What the browser posts from the article's change form, with `typed` entered."""
    published_at = timezone.localtime(article.published_at) if article.published_at else None
    attachments = list(article.attachments.all()) if article.pk else []
    data = {
        "title": article.title,
        "column": article.column_id,
        "body": article.body,
        "published_at_0": f"{published_at:%Y-%m-%d}" if published_at else "",
        "published_at_1": f"{published_at:%H:%M:%S}" if published_at else "",
        "source": article.source,
        "author": article.author,
        "editor": article.editor,
        "summary": article.summary,
        "edit_version": article.version if article.pk else "",
        "attachments-TOTAL_FORMS": len(attachments),
        "attachments-INITIAL_FORMS": len(attachments),
        "attachments-MIN_NUM_FORMS": 0,
        "attachments-MAX_NUM_FORMS": 1000,
    }
    if article.is_pinned:
        data["is_pinned"] = "on"
    for index, attachment in enumerate(attachments):
        data[f"attachments-{index}-id"] = attachment.pk
        data[f"attachments-{index}-article"] = article.pk
        data[f"attachments-{index}-title"] = attachment.title
        data[f"attachments-{index}-order"] = attachment.order
    data.update(typed)
    return data


def press(client, article, button, **typed):
    """Open the article's change form as it is now and press `button` (follows the redirect)."""
    article.refresh_from_db()
    return client.post(
        reverse("admin:news_article_change", args=[article.pk]),
        change_form(article, **{button: "1"}, **typed),
        follow=True,
    )


def run_action(client, action, articles):
    """Select `articles` on the article list and run `action` on them (follows the redirect)."""
    return client.post(
        reverse("admin:news_article_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in articles], "index": 0},
        follow=True,
    )


def ole_compound_file(storages=()):
    """A minimal but real OLE2 compound file (as .doc/.xls/.wps are), holding empty
    storages with the given names: header, one FAT sector, one directory sector."""
    import struct

    free, end, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    # directory sectors (0 in v3), FAT sectors, first directory sector, transaction,
    # mini stream cutoff, first mini FAT sector, mini FAT sectors, first DIFAT, DIFATs
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108  # DIFAT: FAT in sector 0
    fat = struct.pack("<II", fat_sector, end) + struct.pack("<I", free) * 126

    def entry(name, kind, child=no_stream, right=no_stream):
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", no_stream, right, child)
            + b"\0" * 16
            + b"\0" * 4
            + b"\0" * 16
            + struct.pack("<IQ", end, 0)
        )

    names = list(storages)
    entries = [entry("Root Entry", 5, child=1 if names else no_stream)]
    for index, name in enumerate(names, start=1):
        entries.append(entry(name, 1, right=index + 1 if index < len(names) else no_stream))
    directory = b"".join(entries).ljust(512, b"\0")
    return header + fat + directory


def sitemap_urls(client):
    """{address: lastmod} of every <url> the sitemap lists: its index, then each
    section's pages (news.sitemaps)."""
    from xml.etree import ElementTree

    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    urls = {}
    for loc in ElementTree.fromstring(index.content).iterfind("sm:sitemap/sm:loc", ns):
        response = client.get(loc.text.removeprefix("http://testserver"))
        assert response.status_code == 200, loc.text
        for url in ElementTree.fromstring(response.content).iterfind("sm:url", ns):
            urls[url.findtext("sm:loc", namespaces=ns)] = url.findtext("sm:lastmod", namespaces=ns)
    return urls
