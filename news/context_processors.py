from .models import Column


def navigation(request):
    """The columns in every page's header; a queryset, so asked only when shown."""
    return {"nav_columns": Column.objects.all()}
