"""Settings for the test suite: the real settings, with a throwaway key and media root.

DATABASE_URL still decides the database, so `make test` runs on SQLite and
`.ci/run` runs the same suite again on PostgreSQL.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")

from fedsite.settings import *  # noqa: E402,F403

MEDIA_ROOT = tempfile.mkdtemp(prefix="fedsite-test-media-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
