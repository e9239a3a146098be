from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class LoginProtectionConfig(AxesAppConfig):
    """django-axes under a name staff understand: superusers see its records in the
    admin's sidebar, which would otherwise read "Axes" (issue 9, item 7). Its models'
    names are translated in locale/zh_Hans."""

    verbose_name = _("登录保护")
