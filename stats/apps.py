from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("工作数据")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from fedsite import cache
        from fedsite.text import clean_text_fields_on_save

        from .models import Indicator, IndicatorGroup, YearlyValue

        cache.invalidate_on_save(IndicatorGroup, Indicator, YearlyValue)
        clean_text_fields_on_save(self)  # no control characters in stored text (issue 9)
