from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProofreadingConfig(AppConfig):
    """发布前校对 (issue 15): checks articles for wrong words, wrong figures and broken
    formatting. It builds on news and stats and neither of them imports it: it
    follows their saves with signals and puts its condition on approval through
    news.workflow's approval checks."""

    name = "proofreading"
    verbose_name = _("发布前校对")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        signals.connect()
