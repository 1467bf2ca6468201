"""Django's Redis cache, with one Redis client per connection pool instead of one per operation.

Why: Django's RedisCacheClient.get_client() makes a new `redis.Redis` for every cache call, and
redis-py (8.x) builds its whole table of response callbacks in each one, which cost a `cache.get`
several times the Redis round trip itself (bench/RESULTS.md), on every API request (the token
epoch is read from the cache). redis-py's own
fix is an open pull request (redis/redis-py#3624, #4124). A `redis.Redis` client is safe to share
between threads: it takes a connection from its pool for each command.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # (Django's, not in its stubs)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
