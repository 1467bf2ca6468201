"""Each process remembers the tokens it authenticated (apitokens/cache.py): a request then asks
the database for its data only, and every change that bears on a token still counts from the
next request."""

import logging
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apitokens import cache as token_cache
from apitokens.authentication import active_token
from apitokens.services import api_token_create, api_token_revoke
from tests.factories import MembershipFactory, UserFactory


def _client(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _queries(client, url="/api/v1/cases/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return [query["sql"] for query in queries.captured_queries]


@pytest.fixture
def desk(case):
    membership = MembershipFactory(organization=case.organization, user=UserFactory(username="desk"))
    return membership


@pytest.mark.django_db
def test_a_known_token_costs_no_query_after_its_first_request(desk):
    # given a token that has made one request (its lookup: the token, user and memberships)
    _, raw = api_token_create(user=desk.user, name="sync")
    client = _client(raw)
    first = _queries(client)
    assert len(first) == 2 and "apitokens_apitoken" in first[0]
    # when it makes more requests, then only the data is read
    assert [len(_queries(client)) for _ in range(3)] == [1, 1, 1]
    # and the answer is the member's own (notes and private cases included)
    assert "notes" in client.get("/api/v1/cases/").json()["results"][0]


@pytest.mark.django_db
def test_a_revoked_token_is_refused_on_its_next_request(desk):
    token, raw = api_token_create(user=desk.user, name="sync")
    client = _client(raw)
    assert [client.get("/api/v1/cases/").status_code for _ in range(2)] == [200, 200]  # remembered
    api_token_revoke(token=token)
    assert client.get("/api/v1/cases/").status_code == 401


@pytest.mark.django_db
def test_a_role_change_counts_from_the_next_request(case, desk):
    case.is_public = False
    case.save()
    _, raw = api_token_create(user=desk.user, name="sync")
    client = _client(raw)
    payload = {"title": "Renamed", "organization": case.organization.slug}
    assert client.patch(f"/api/v1/cases/{case.pk}/", payload, format="json").status_code == 200
    desk.role = "viewer"
    desk.save()
    response = client.patch(f"/api/v1/cases/{case.pk}/", payload, format="json")
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_login_does_not_forget_the_tokens_but_other_changes_to_the_user_do(desk):
    _, raw = api_token_create(user=desk.user, name="sync")
    client = _client(raw)
    _queries(client)
    epoch = token_cache.current_epoch()
    APIClient().force_login(desk.user)  # a login saves last_login
    assert token_cache.current_epoch() == epoch and len(_queries(client)) == 1
    desk.user.first_name = "Anna"
    desk.user.save()
    assert token_cache.current_epoch() != epoch and len(_queries(client)) == 2


@pytest.mark.django_db(transaction=True)
def test_a_lookup_racing_a_revocation_is_not_remembered_past_its_commit(case):
    """The epoch is replaced when the change is made and again when it commits: a request that
    reads the token between the two (it still sees the old, committed row) leaves an entry
    that the commit makes stale."""
    user = UserFactory(username="desk")
    MembershipFactory(organization=case.organization, user=user)
    token, raw = api_token_create(user=user, name="sync")
    assert active_token(raw) is not None
    seen = []

    def another_request():
        seen.append(active_token(raw))  # its own connection: the revocation is not committed yet
        connection.close()

    with transaction.atomic():
        api_token_revoke(token=token)
        thread = threading.Thread(target=another_request)
        thread.start()
        thread.join()
    assert seen[0] is not None and seen[0].pk == token.pk  # it read the row as it was
    assert active_token(raw) is None  # and after the commit its entry is not used


@pytest.mark.django_db
def test_entries_expire_and_the_cache_can_be_turned_off(desk, settings, monkeypatch):
    _, raw = api_token_create(user=desk.user, name="sync")
    client = _client(raw)
    _queries(client)
    assert len(_queries(client)) == 1
    now = token_cache.time.monotonic()
    monkeypatch.setattr(token_cache.time, "monotonic", lambda: now + settings.API_TOKEN_CACHE_SECONDS + 1)
    assert len(_queries(client)) == 2  # too old: read again
    monkeypatch.undo()
    settings.API_TOKEN_CACHE_SECONDS = 0
    token_cache.token_rows.clear()
    assert [len(_queries(client)) for _ in range(2)] == [2, 2]


@pytest.mark.django_db
def test_only_the_most_recently_used_tokens_are_kept(desk, settings):
    settings.API_TOKEN_CACHE_SIZE = 2
    token_cache.token_rows.clear()
    clients = [_client(api_token_create(user=desk.user, name=f"t{n}")[1]) for n in range(3)]
    for client in clients:
        _queries(client)
    assert len(token_cache.token_rows) == 2
    assert len(_queries(clients[2])) == 1 and len(_queries(clients[0])) == 2


@pytest.mark.django_db
def test_unknown_tokens_are_not_remembered():
    token_cache.token_rows.clear()
    for n in range(5):
        assert _client(f"lt_guess{n}").get("/api/v1/cases/").status_code == 401
    assert len(token_cache.token_rows) == 0


@pytest.mark.django_db
def test_without_the_cache_requests_read_the_database(desk, settings, caplog):
    _, raw = api_token_create(user=desk.user, name="sync")
    client = _client(raw)
    _queries(client)
    # Redis goes away (nothing listens on port 1)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with caplog.at_level(logging.WARNING, logger="apitokens.cache"):
        assert [len(_queries(client)) for _ in range(2)] == [2, 2]  # no epoch to check: the database
    assert "API tokens are read from the database" in caplog.text
