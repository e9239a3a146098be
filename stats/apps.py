from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    # Empty for now: the yearly work indicators arrive with issue 3.
    name = "stats"
    verbose_name = _("工作数据")
