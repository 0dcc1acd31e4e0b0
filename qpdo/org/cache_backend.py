"""Django's Redis cache with one client per connection pool (issue #15).

`django.core.cache.backends.redis` builds a new `redis.Redis` for every cache operation, and
redis-py's constructor fills a table of some 170 response callbacks each time: a page that
reads the cache five times spent about a millisecond of Python on it. A `redis.Redis` is safe to
share between threads (its pool hands each command a connection of its own and reconnects
after a fork), so one per pool is enough. `CACHE_URL=redis://…` selects this backend
(qpdo.config.cache).
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
