from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("新闻")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fedsite import cache
        from fedsite.text import clean_text_fields_on_save
        from fedsite.uploads import strip_images_on_save

        from .models import Article, Attachment, Column

        # What changes public pages: saving these, and a scheduled article's time coming.
        cache.invalidate_on_save(Article, Column, Attachment)
        cache.changes_at(Article.objects.next_publication)
        # No control characters in stored text; no metadata in stored images (issue 9).
        clean_text_fields_on_save(self)
        strip_images_on_save(self)
