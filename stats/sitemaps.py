from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Indicator


class StatsSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return [None, *Indicator.objects.order_by("id").only("slug")]

    def location(self, item):
        return reverse("stats:overview") if item is None else item.get_absolute_url()
