import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from apitokens.models import ApiToken
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _create(*args):
    out, err = StringIO(), StringIO()
    call_command("api_token", "create", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_create_prints_the_token_once_and_stores_only_its_digest():
    # given a user
    user = UserFactory(username="website")
    # when a token is created from the command line
    raw, message = _create("website", "--read-only", "--name", "NGO website")
    # then the secret is printed, and only its SHA-256 is stored
    token = ApiToken.objects.get()
    assert raw.startswith("lt_") and len(raw) == 46
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(list(ApiToken.objects.values_list()))
    assert (token.user, token.name, token.read_only, token.prefix) == (user, "NGO website", True, raw[:10])
    assert "read-only token" in message and "shown only once" in message


def test_token_authenticates_until_revoked(case):
    UserFactory(username="website")
    raw, _ = _create("website")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/cases/").status_code == 200
    token = ApiToken.objects.get()
    out = StringIO()
    call_command("api_token", "revoke", str(token.pk), stdout=out)
    assert out.getvalue() == f"Revoked token {token.pk} (API token) of website.\n"
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Unknown or revoked API token."


def test_list_shows_tokens_without_secrets():
    UserFactory(username="website")
    raw, _ = _create("website", "--name", "sync")
    out = StringIO()
    call_command("api_token", "list", "website", stdout=out)
    token = ApiToken.objects.get()
    assert out.getvalue() == f"{token.pk}\t{raw[:10]}...\tread-write\tactive\tsync\n"


def test_unknown_user_is_a_sentence_not_a_traceback():
    with pytest.raises(CommandError, match="There is no user named 'nobody'."):
        _create("nobody")
    assert ApiToken.objects.count() == 0


def test_a_garbage_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = api.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.fixture
def api():
    return APIClient()


def test_a_removed_membership_or_a_deactivated_user_counts_from_the_next_request(case):
    """The token's user and memberships count from the next request, although each process
    remembers them between requests (apitokens/cache.py)."""
    case.is_public = False
    case.save()
    membership = MembershipFactory(organization=case.organization, role="lawyer", user=UserFactory(username="desk"))
    raw, _ = _create("desk")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    detail = f"/api/v1/cases/{case.pk}/"
    assert [record["id"] for record in client.get("/api/v1/cases/").json()["results"]] == [case.pk]
    assert "notes" in client.get(detail).json()

    membership.delete()
    assert client.get("/api/v1/cases/").json()["results"] == []
    assert client.get(detail).status_code == 404

    membership.user.is_active = False
    membership.user.save()
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Unknown or revoked API token."
