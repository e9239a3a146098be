"""Links and pictures (链接与图片): pictures without alt text, pictures shown from other
sites, and links to pages or files of this site that do not exist.

The judgements are news's own: a hot-linked picture is what news.pictures warns about
at every save (body_image_problems), and a dead link is what `manage.py check_links`
reports (its LinkChecker looks every link into the site up locally: the database,
the media storage, the URL configuration; no network)."""

from news.management.commands.check_links import LinkChecker, link_targets
from news.pictures import body_image_problems

from .findings import SERIOUS
from .mechanics import Spot


def picture_spots(text, body):
    """Pictures without 替换文本 and pictures shown from other sites."""
    for position, image in enumerate(text.images, start=1):
        if not image.attrs.get("alt", "").strip():
            yield Spot(
                None,
                None,
                None,
                f"第 {position} 张图片没有填写“替换文本”（图片说明），视障读者听不到它是什么",
            )
    if any("//" in image.attrs.get("src", "") for image in text.images):
        for message in body_image_problems(body):
            yield Spot(None, None, None, message)


def link_spots(text, body, checker, base="/"):
    """Links into the site that lead nowhere; the finding covers the link's text when
    it has one."""
    anchors = {}
    for anchor in text.anchors:
        anchors.setdefault(anchor.href, anchor)
    for target in dict.fromkeys(link_targets(body)):
        if target.startswith("#"):
            continue
        path = checker.internal_path(target, base)
        if path is None:
            continue
        problem = checker.problem(path)
        if not problem:
            continue
        anchor = anchors.get(target)
        why = f"站内链接 {target} 失效：{problem}"
        if anchor is not None and anchor.end > anchor.start:
            yield Spot(anchor.start, anchor.end, None, why, SERIOUS)
        else:
            yield Spot(None, None, None, why, SERIOUS)


def new_link_checker():
    return LinkChecker()
