from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("新闻")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
        from .models import Article, Attachment, Column, ExternalLink, SiteProfile
        from .signals import watch

        watch(Article, Column, Attachment, SiteProfile, ExternalLink)
