from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class LoginProtectionConfig(AxesAppConfig):
    """django-axes under a name staff understand: superusers see its records in the
    admin's sidebar, which would otherwise read "Axes" (issue 9, item 7). Its models'
    names are translated in locale/zh_Hans."""

    verbose_name = _("登录保护")


class FedsiteConfig(AppConfig):
    """The site layer: what every page shares (site profile and footer, reader
    preferences, page cache, uploads, 我要纠错). news and stats build on it."""

    name = "fedsite"
    verbose_name = _("网站")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import cache, checks, kept  # noqa: F401 (checks registers the deployment checks)
        from .models import ExternalLink, SiteProfile, TraditionalPhrase
        from .reader import forget_traditional_phrases
        from .text import clean_text_fields_on_save
        from .uploads import strip_images_on_save

        # The footer is on every page, and 繁体用词 on every 繁體 page and feed.
        # Error reports appear on none.
        cache.invalidate_on_save(SiteProfile, ExternalLink, TraditionalPhrase)
        for signal in (post_save, post_delete):
            signal.connect(
                forget_traditional_phrases, sender=TraditionalPhrase, dispatch_uid="reader-phrases"
            )
        # No control characters in stored text; no metadata in stored images (issue 9).
        clean_text_fields_on_save(self)
        strip_images_on_save(self)
        # What kept pages are rendered with, read now, before any template is loaded.
        kept.release()
