"""/healthz: whether this app server can reach the database and the cache, for the
monitor, the load balancer and `make stack` (README, "Deploying").

200 when both answer, 503 naming what failed. Cheap: one `SELECT 1` and one cache
write and read, no session, no template, never cached anywhere (no-store), and no
detail of the error in the answer (it goes to the log).
"""

import logging
import os
import secrets

from django.core.cache import cache
from django.db import Error, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# One key per process, so app servers sharing the cache do not read each other's probe.
PROBE_KEY = f"fedsite:healthz:{os.getpid()}"


@never_cache
@require_safe
def healthz(request):
    checks = {"数据库": database_answers(), "缓存": cache_answers()}
    failed = [name for name, answered in checks.items() if not answered]
    lines = [f"{name}：{'正常' if answered else '无法访问'}" for name, answered in checks.items()]
    return HttpResponse(
        "\n".join(lines) + "\n",
        status=503 if failed else 200,
        content_type="text/plain; charset=utf-8",
    )


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Error as error:
        logger.warning("健康检查：数据库无法访问（%s: %s）", type(error).__name__, error)
        return False


def cache_answers():
    """A write then a read: fedsite.cache_backends turns an unreachable Redis into
    misses rather than errors, so only the round trip shows it."""
    token = secrets.token_hex(8)
    cache.set(PROBE_KEY, token, 30)
    return cache.get(PROBE_KEY) == token
