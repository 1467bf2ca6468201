import pytest

from tests.factories import CaseFactory, CourtFactory, MembershipFactory, UserFactory


@pytest.fixture
def court(db):
    return CourtFactory()


@pytest.fixture
def appeal_court(db):
    return CourtFactory(name="Moscow City Court", level="appeal")


@pytest.fixture
def case(db):
    return CaseFactory()


@pytest.fixture
def lawyer(case):
    """A user who is a lawyer in the organization that owns `case`."""
    return MembershipFactory(organization=case.organization, role="lawyer", user=UserFactory(username="lawyer")).user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache (Redis): each test starts from none, whatever ran before."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """Each test starts in English: a request in Russian leaves Russian active in the thread, and
    case content written then (factories, services) would land in the Russian columns."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")
