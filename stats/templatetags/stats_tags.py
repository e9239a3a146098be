from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def year_on_year(change):
    """同比增长12.3% / 同比下降5% / 同比持平, from a percentage (or None)."""
    if change is None:
        return ""
    rounded = round(float(change), 1)
    if rounded == 0:
        return _("同比持平")
    number = f"{abs(rounded):g}%"
    if rounded > 0:
        return _("同比增长%(number)s") % {"number": number}
    return _("同比下降%(number)s") % {"number": number}
