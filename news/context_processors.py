from django.utils.functional import SimpleLazyObject

from . import positions


def navigation(request):
    """The columns in every page's header, from the lists' Ranking (cached per site
    generation, news.positions); asked only when shown."""
    return {"nav_columns": SimpleLazyObject(lambda: positions.ranking().columns)}
