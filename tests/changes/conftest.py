import pytest

from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def org():
    return OrganizationFactory()


@pytest.fixture
def member(org):
    """A viewer of `org`: sees its private records, writes nothing."""
    return MembershipFactory(organization=org, role="viewer", user=UserFactory(username="member")).user
