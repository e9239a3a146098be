"""The site's answer to an uncaught error: a database that cannot be reached is a
503 with the Chinese "please try again" page, any other error the 500 page.

When PostgreSQL restarts or is down, every page that needs it raises Django's
OperationalError (connection refused, "the database system is shutting down",
a connection cut mid-query) or InterfaceError (a kept connection found closed).
That is an outage, not a bug: the reader gets a fast 503 with Retry-After, which
nginx may answer from its micro-cache instead (deploy/nginx), and the log gets one
line per process every LOG_EVERY seconds rather than a traceback per request. The
next request after the database returns reconnects by itself (CONN_HEALTH_CHECKS).

Rendered without a request context, like the 500 page: the database is gone.
"""

import logging
import sys
import threading
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER = 30  # seconds, for the Retry-After header
LOG_EVERY = 10  # seconds between two log lines about the same outage

_log_lock = threading.Lock()
_last_logged = {"at": 0.0, "suppressed": 0}


def server_error(request):
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    response = HttpResponse(
        loader.get_template("503.html").render(), status=503, content_type="text/html"
    )
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    response._has_been_logged = True  # by _log_outage, without the traceback
    _log_outage(request, error)
    return response


def _log_outage(request, error):
    now = time.monotonic()
    with _log_lock:
        if now - _last_logged["at"] < LOG_EVERY:
            _last_logged["suppressed"] += 1
            return
        suppressed = _last_logged["suppressed"]
        _last_logged.update(at=now, suppressed=0)
    logger.warning(
        "数据库无法访问，答以 503：%s %s（%s: %s）；上次记录以来另有 %d 次",
        request.method,
        request.path,
        type(error).__name__,
        (str(error).strip().splitlines() or [""])[0],
        suppressed,
    )
