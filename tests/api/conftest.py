import pytest
from rest_framework.test import APIClient

from apitokens.services import api_token_create
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def api():
    return APIClient()


def client_with_token(user, *, read_only=False):
    _, raw = api_token_create(user=user, name="test", read_only=read_only)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def lawyer_api(lawyer):
    return client_with_token(lawyer)


@pytest.fixture
def viewer(case):
    return MembershipFactory(organization=case.organization, role="viewer", user=UserFactory(username="viewer")).user


@pytest.fixture
def outsider_api(outsider):
    return client_with_token(outsider)
