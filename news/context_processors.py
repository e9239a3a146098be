from django.conf import settings

from .models import Column


def site(request):
    """The site's name and the column navigation, on every page."""
    return {
        "site_name": settings.SITE_NAME,
        "site_full_name": settings.SITE_FULL_NAME,
        # Lazy: evaluated once, only by templates that draw the navigation.
        "nav_columns": Column.objects.all(),
    }
