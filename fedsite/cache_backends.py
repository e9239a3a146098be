"""The shared Redis cache, kept a cache: when Redis cannot be reached every page is
still served, uncached, instead of answering 500 (issue 12).

Django's RedisCache raises on a refused or timed-out connection, so a stopped Redis
took every public page down with it. This backend turns a failed read into a miss
and a failed write into a write not made, logs one warning per outage in each
process, and then leaves Redis alone for RETRY_AFTER seconds: a dead Redis costs a
request nothing (a refused connection is not even tried) or, for a host that does
not answer, one short connect timeout a second per process. The first operation
after that tries again, and when Redis answers caching resumes by itself.

A write lost in an outage may leave the old value behind (Redis kept its data, or
only this server lost its way to it): a page cached before an edit made during the
outage, the generation number the edit could not bump (fedsite.cache). So the first
thing done on recovery is to delete every key whose write was lost, and the next
reads miss and rebuild them. Past LOST_KEYS_KEPT such keys (a crawl during a long
outage) the whole cache is cleared instead, as Django's clear() does it: the
cache's Redis database is the site's own.
"""

import logging
import threading
import time
from functools import partial

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Redis answers in well under a millisecond on the same network; a connect or a reply
# slower than this is an outage, not a slow request (issue 12: no seconds per request).
CONNECT_TIMEOUT = 0.25
READ_TIMEOUT = 0.5
RETRY_AFTER = 1.0  # seconds a process leaves an unreachable Redis alone
LOST_KEYS_KEPT = 10_000


class _Outage:
    """What one process knows about one Redis server, shared by the backend instances
    Django makes for each thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.since = None  # time.monotonic() of the first failure, None while Redis answers
        self.retry_at = 0.0
        self.lost = set()  # keys (as stored) whose writes were lost
        self.too_many_lost = False


_OUTAGES = {}


class _RedisCacheClient(RedisCacheClient):
    """Django's client, with one redis-py client per connection pool. Django makes a
    new one for every command, which cost more than the command's round trip (about
    0.1 ms each, a cached page's request making one); the pool, which is what holds
    the connections, is the same either way, and a client is safe to share."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache that survives Redis going away (see the module docstring).

    OPTIONS may set RETRY_AFTER (seconds) besides redis-py's connection options; the
    socket timeouts default to CONNECT_TIMEOUT and READ_TIMEOUT."""

    def __init__(self, server, params):
        options = {
            "socket_connect_timeout": CONNECT_TIMEOUT,
            "socket_timeout": READ_TIMEOUT,
            **params.get("OPTIONS", {}),
        }
        self.retry_after = float(options.pop("RETRY_AFTER", RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _RedisCacheClient
        self._outage = _OUTAGES.setdefault(repr(server), _Outage())

    # -- reads: a miss when Redis does not answer ----------------------------------------

    def get(self, key, default=None, version=None):
        return self._try(partial(super().get, key, default, version), default)

    def get_many(self, keys, version=None):
        return self._try(partial(super().get_many, keys, version), {})

    def has_key(self, key, version=None):
        return self._try(partial(super().has_key, key, version), False)

    # -- writes: not made, and remembered, when Redis does not answer --------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(super().add, key, value, timeout, version)
        return self._try(call, False, writes=[self._stored(key, version)])

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(super().set, key, value, timeout, version)
        return self._try(call, None, writes=[self._stored(key, version)])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(super().touch, key, timeout, version)
        return self._try(call, False, writes=[self._stored(key, version)])

    def delete(self, key, version=None):
        call = partial(super().delete, key, version)
        return self._try(call, False, writes=[self._stored(key, version)])

    def incr(self, key, delta=1, version=None):
        # A missing key still raises ValueError (Redis answered); None means unknown.
        call = partial(super().incr, key, delta, version)
        return self._try(call, None, writes=[self._stored(key, version)])

    def incr_together(self, keys, start):
        """Add 1 to each of `keys` in one MULTI/EXEC, so that all change or none (a
        missing key starts from start()): the generations of fedsite.cache."""
        stored = [self._stored(key, None) for key in keys]

        def increment():
            client = self._cache.get_client(stored[0], write=True)
            with client.pipeline(transaction=True) as pipeline:
                for key in stored:
                    # Django's serializer keeps an int as its digits: INCR can add to it.
                    pipeline.set(key, start(), nx=True)
                    pipeline.incr(key)
                pipeline.execute()

        return self._try(increment, None, writes=stored)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        call = partial(super().set_many, data, timeout, version)
        return self._try(call, list(data), writes=[self._stored(key, version) for key in data])

    def delete_many(self, keys, version=None):
        keys = list(keys)
        stored = [self._stored(key, version) for key in keys]
        return self._try(partial(super().delete_many, keys, version), None, writes=stored)

    def clear(self):
        outcome = self._try(super().clear, False)
        if outcome is False:
            with self._outage.lock:
                self._outage.too_many_lost = True  # cleared on recovery instead
        return outcome

    # -- the mechanism -------------------------------------------------------------------

    def _stored(self, key, version):
        return self.make_and_validate_key(key, version=version)

    def _try(self, operation, fallback, writes=()):
        outage = self._outage
        if outage.since is not None and not self._recovered():
            self._lose(writes)
            return fallback
        try:
            return operation()
        except RedisError as error:
            self._failed(error)
            self._lose(writes)
            return fallback

    def _failed(self, error):
        outage = self._outage
        with outage.lock:
            outage.retry_at = time.monotonic() + self.retry_after
            if outage.since is not None:
                return
            outage.since = time.monotonic()
        logger.warning(
            "缓存服务器 Redis 无法访问（%s: %s）：页面不经缓存直接生成，"
            "Redis 恢复后自动重新使用缓存",
            type(error).__name__,
            error,
        )

    def _lose(self, keys):
        if not keys:
            return
        outage = self._outage
        with outage.lock:
            if outage.too_many_lost:
                return
            outage.lost.update(keys)
            if len(outage.lost) > LOST_KEYS_KEPT:
                outage.too_many_lost = True
                outage.lost = set()

    def _recovered(self):
        """Whether Redis answers again, trying at most once every RETRY_AFTER seconds;
        on its return, first forget what was written before and lost since."""
        outage = self._outage
        with outage.lock:
            if outage.since is None:
                return True
            if time.monotonic() < outage.retry_at:
                return False
            try:
                if outage.too_many_lost:
                    self._cache.clear()
                elif outage.lost:
                    self._cache.delete_many(list(outage.lost))
                else:
                    self._cache.get_client().ping()
            except RedisError:
                outage.retry_at = time.monotonic() + self.retry_after
                return False
            lasted, forgotten = time.monotonic() - outage.since, len(outage.lost)
            cleared = outage.too_many_lost
            outage.since, outage.lost, outage.too_many_lost = None, set(), False
        if cleared:
            done = "中断期间未能写入的键太多，已清空缓存"
        else:
            done = f"已删除中断期间未能写入的 {forgotten} 个键"
        logger.warning("缓存服务器 Redis 已恢复（中断约 %.1f 秒），重新使用缓存；%s", lasted, done)
        return True
