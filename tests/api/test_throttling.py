import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from tests.api.conftest import client_with_token

pytestmark = pytest.mark.django_db

LOW_RATES = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/min", "anon": "2/min"}}


@pytest.fixture(autouse=True)
def empty_counters():
    cache.clear()  # this run's own Redis database (REDIS_URL)
    yield
    cache.clear()


@override_settings(REST_FRAMEWORK=LOW_RATES)
def test_anonymous_address_gets_429_with_retry_after(api, case):
    assert [api.get("/api/v1/cases/").status_code for _ in range(2)] == [200, 200]
    response = api.get("/api/v1/cases/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "throttled"
    # counted in Redis, under the address
    assert cache.get("throttle_anon_127.0.0.1") is not None


@override_settings(REST_FRAMEWORK=LOW_RATES)
def test_each_token_has_its_own_budget(lawyer, outsider, case):
    first, second = client_with_token(lawyer), client_with_token(outsider)
    assert [first.get("/api/v1/cases/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get("/api/v1/cases/").status_code == 200
