"""tracker.cache.RedisCache is Django's Redis cache with one client per connection pool."""

from django.core.cache import cache, caches

from tracker.cache import RedisCache


def test_the_cache_is_redis_and_reuses_its_client(settings):
    assert isinstance(caches["default"], RedisCache)
    client = cache._cache.get_client(None)
    assert cache._cache.get_client(None) is client
    assert cache._cache.get_client(None, write=True) is client  # one server: one pool, one client
    cache.set("k", {"a": 1}, 30)
    assert cache.get("k") == {"a": 1}
    assert cache.add("n", 5) and cache.incr("n") == 6
    assert cache.get_many(["k", "n"]) == {"k": {"a": 1}, "n": 6}
    cache.delete("k")
    assert cache.get("k") is None


def test_several_servers_each_have_their_client():
    backend = RedisCache("redis://127.0.0.1:6379/15,redis://127.0.0.1:6379/15", {})
    writer = backend._cache.get_client(None, write=True)
    reader = backend._cache.get_client(None)
    assert writer is not reader
    assert backend._cache.get_client(None) is reader
    backend.set("shared", "yes", 30)  # written through the first server, read through the second
    assert backend.get("shared") == "yes"


def test_redis_replies_are_parsed_by_hiredis():
    """requirements.txt pins hiredis: redis-py then parses replies (and packs commands) in C."""
    import redis.utils

    assert redis.utils.HIREDIS_AVAILABLE
