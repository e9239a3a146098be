from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("新闻")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fedsite.text import clean_text_fields_on_save

        from . import checks  # noqa: F401 (registers the deployment checks)
        from .models import Article, Attachment, Column, ExternalLink, SiteProfile
        from .signals import watch
        from .uploads import strip_images_on_save

        watch(Article, Column, Attachment, SiteProfile, ExternalLink)
        # No control characters in stored text; no metadata in stored images (issue 9).
        clean_text_fields_on_save(self)
        strip_images_on_save(self)
