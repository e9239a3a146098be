from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """The page cache's generation number must be shared by every worker process,
    or a save invalidates the cached pages of one process only."""
    backend = settings.CACHES["default"]["BACKEND"]
    if not settings.DEBUG and backend.endswith("LocMemCache"):
        return [
            checks.Warning(
                "The local-memory cache is private to each process: with several "
                "workers or servers an edit shows only where it was made until pages "
                "expire (up to 5 minutes).",
                hint="Set REDIS_URL so that every worker shares one cache.",
                id="fedsite.W001",
            )
        ]
    return []
