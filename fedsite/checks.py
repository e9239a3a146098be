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


@checks.register(checks.Tags.staticfiles, deploy=True)
def collected_static_files(app_configs, **kwargs):
    """Without collectstatic's manifest, pages use plain static names that WhiteNoise
    does not serve from STATIC_ROOT: the site works, unstyled."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    if getattr(staticfiles_storage, "has_manifest", True):
        return []
    return [
        checks.Warning(
            "Static files have not been collected: pages render without styles, "
            "and browsers cannot cache the files for long.",
            hint="Run `manage.py collectstatic --noinput` on every deploy.",
            id="fedsite.W002",
        )
    ]
