"""Renditions for pictures stored before issue 11, and srcset for the bodies that
show them. New pictures get theirs on upload (fedsite.uploads); until this runs,
pages show the older ones as they always did, from the original file."""

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models

from fedsite.cache import bump_site_generation
from fedsite.uploads import (
    RENDITIONS_FOLDER,
    local_image_size,
    make_renditions,
    responsive_image,
)
from news.models import Article
from news.sanitize import clean_html, editorial_form

# Where the editor's uploads and pasted pictures are stored (fedsite.uploads).
BODY_PICTURES_FOLDER = "uploads"


def _files_below(storage, folder):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}"
    for name in sorted(folders):
        yield from _files_below(storage, f"{folder}/{name}")


class Command(BaseCommand):
    help = (
        "为已上传的图片（封面、正文图片、网站标志）生成缺少的缩略版本（多种宽度，WebP 及原格式），"
        "并为显示它们的正文加上 srcset。新上传的图片在上传时已生成。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace", action="store_true", help="已有的缩略版本也重新生成（改了尺寸或质量后）"
        )

    def handle(self, *args, replace=False, **options):
        pictures = made = 0
        for storage, name in self._pictures():
            pictures += 1
            made += bool(make_renditions(name, storage, replace=replace))
        self.stdout.write(
            f"图片 {pictures} 张，其中 {made} 张有缩略版本（小于 360 像素宽的不需要）"
        )
        updated = self._update_bodies()
        if updated:
            bump_site_generation()  # the cached pages show the bodies without srcset
        self.stdout.write(f"正文更新 {updated} 篇")

    def _pictures(self):
        """Every stored picture: image fields of every model, and the body pictures."""
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.ImageField):
                    continue
                names = (
                    model._default_manager.exclude(**{field.attname: ""})
                    .values_list(field.attname, flat=True)
                    .distinct()
                    .order_by()
                )
                for name in names.iterator():
                    yield field.storage, name
        for name in _files_below(default_storage, BODY_PICTURES_FOLDER):
            if not name.startswith(f"{RENDITIONS_FOLDER}/"):
                yield default_storage, name

    def _update_bodies(self):
        """Bodies showing stored pictures, cleaned again so that their <img> name the
        renditions. Written only where nothing but server-added attributes changes
        (the editorial form stays the same), and without a save: no history version
        and no derived column depends on srcset."""
        updated = 0
        with_pictures = Article.objects.filter(body__contains=f'src="{settings.MEDIA_URL}')
        for article in with_pictures.only("id", "body").order_by("id").iterator():
            body = clean_html(article.body, size_of=local_image_size, responsive=responsive_image)
            if body != article.body and editorial_form(body) == editorial_form(article.body):
                Article.objects.filter(pk=article.pk).update(body=body)
                updated += 1
        return updated
