"""Settings for the test suite: the real settings, with a throwaway key and media root.

DATABASE_URL still decides the database, so `make test` runs on SQLite and
`.ci/run` runs the same suite again on PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
# Not the developer's .env: the suite runs the same on every machine.
os.environ.setdefault("DJANGO_ENV_FILE", "")

from fedsite.settings import *  # noqa: E402,F403

MEDIA_ROOT = tempfile.mkdtemp(prefix="fedsite-test-media-")
# The hashed names need the manifest collectstatic writes; tests render with the plain
# names (tests/fedsite/test_static.py runs collectstatic with the real storage once).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = tempfile.mkdtemp(prefix="fedsite-test-static-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
