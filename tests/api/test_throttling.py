import socket
import threading

import pytest
import redis
from django.conf import settings
from django.test import override_settings
from limits.errors import StorageError
from limits.storage import RedisStorage
from rest_framework.test import APIClient

from api import throttling
from tests.api.conftest import client_with_token
from tracker import rate_limits

pytestmark = pytest.mark.django_db

LOW_RATES = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/min", "anon": "2/min"}}


@pytest.fixture(autouse=True)
def empty_counters():
    rate_limits.throttle_counts_reset()
    yield
    rate_limits.throttle_counts_reset()


def throttle_keys() -> list[str]:
    client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
    return sorted(str(key) for key in client.keys(f"{rate_limits.KEY_PREFIX}:*"))


@override_settings(REST_FRAMEWORK=LOW_RATES)
def test_anonymous_address_gets_429_with_retry_after(api, case):
    assert [api.get("/api/v1/cases/").status_code for _ in range(2)] == [200, 200]
    response = api.get("/api/v1/cases/")
    assert response.status_code == 429
    assert 59 <= int(response["Retry-After"]) <= 60  # the first request leaves the window in a minute
    assert response.json()["error"]["code"] == "throttled"
    # counted in Redis (shared by every web process), under the scope and the address
    assert [key for key in throttle_keys() if "anon" in key and "127.0.0.1" in key]


@override_settings(REST_FRAMEWORK=LOW_RATES)
def test_each_token_has_its_own_budget(lawyer, outsider, case):
    first, second = client_with_token(lawyer), client_with_token(outsider)
    assert [first.get("/api/v1/cases/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get("/api/v1/cases/").status_code == 200
    assert APIClient().get("/api/v1/cases/").status_code == 200  # anonymous: the address's budget


@override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "5/min"}})
def test_concurrent_requests_never_exceed_the_rate(lawyer, case):
    """The count is one atomic step in Redis: 20 requests at once get exactly 5 answers.
    (DRF's cache throttle read and wrote the history in two steps: a burst could pass.)"""
    request = type("SessionRequest", (), {"auth": None, "user": lawyer})()  # counted per user
    barrier, allowed = threading.Barrier(20), []

    def hit() -> None:
        barrier.wait()
        allowed.append(throttling.TokenRateThrottle().allow_request(request, None))  # type: ignore[arg-type]

    threads = [threading.Thread(target=hit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 5 and len(allowed) == 20
    assert throttling.TokenRateThrottle().allow_request(request, None) is False  # type: ignore[arg-type]


@override_settings(REST_FRAMEWORK=LOW_RATES)
def test_unreachable_redis_lets_requests_through_and_logs(api, case, monkeypatch, caplog):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = RedisStorage(f"redis://127.0.0.1:{port}/0", wrap_exceptions=True, socket_connect_timeout=0.2)
    monkeypatch.setattr(rate_limits, "_limiter", lambda: rate_limits.MovingWindowRateLimiter(dead))
    with pytest.raises(StorageError):
        dead.incr("probe", 1)

    assert [api.get("/api/v1/cases/").status_code for _ in range(4)] == [200] * 4
    assert "Rate limit storage unreachable" in caplog.text


@pytest.mark.parametrize(
    ("rate", "amount", "seconds"), [("1200/min", 1200, 60), ("20/hour", 20, 3600), ("5/s", 5, 1), ("3/day", 3, 86400)]
)
def test_rates_are_read_in_drf_notation(rate, amount, seconds):
    item = rate_limits.rate_item(rate)
    assert (item.amount, item.get_expiry()) == (amount, seconds)


@pytest.mark.parametrize("rate", ["many/min", "5/fortnight", "5", ""])
def test_a_malformed_rate_is_refused_with_a_sentence(rate):
    with pytest.raises(ValueError, match="is not of the form"):
        rate_limits.rate_item(rate)
