"""Outsiders of the API (anonymous callers, members of other organizations) and of the sync feed
(and so of webhooks, which push the feed's pages) read a party without consent by the alias
in every public text of the case, in every language; members read the real text."""

import json

import pytest

from tests.api.conftest import client_with_token
from tests.factories import (
    HIDDEN_NAME_STEMS,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    case_naming_hidden_party,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/v1/cases/",
    "/api/v1/cases/?status=filed",  # a filtered list: the ORM path with SQL-made JSON
    "/api/v1/cases/?format=api",  # the browsable API: the serializers' path
    "/api/v1/parties/",
    "/api/v1/hearings/",
    "/api/v1/rulings/",
    "/api/v1/appeals/",
]


def _text(response):
    assert response.status_code == 200, response.content[:500]
    if response["Content-Type"].startswith("application/json"):
        # One spelling of the non-ASCII letters, whatever the renderer wrote.
        return json.dumps(json.loads(response.content), ensure_ascii=False).lower()
    return response.content.decode().lower()


@pytest.fixture
def named():
    case, party = case_naming_hidden_party()
    return case


@pytest.fixture
def member_api(named):
    user = UserFactory(username="member")
    MembershipFactory(organization=named.organization, role="lawyer", user=user)
    return client_with_token(user)


@pytest.fixture
def other_org_api(named):
    user = UserFactory(username="other-lawyer")
    MembershipFactory(organization=OrganizationFactory(), role="lawyer", user=user)
    return client_with_token(user)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_anonymous_callers_read_the_alias_in_every_language(api, named, endpoint, lang):
    joiner = "&" if "?" in endpoint else "?"
    text = _text(api.get(f"{endpoint}{joiner}lang={lang}"))
    for stem in HIDDEN_NAME_STEMS:
        assert stem not in text, (endpoint, stem)
    assert "witness a" in text and "свидетель а" in text  # the translations carry both languages


def test_the_case_detail_shows_the_alias_in_its_parties_hearings_and_appeal_chain(api, named):
    body = api.get(f"/api/v1/cases/{named.pk}/?lang=ru").json()
    text = json.dumps(body, ensure_ascii=False).lower()
    for stem in HIDDEN_NAME_STEMS:
        assert stem not in text
    assert body["title"] == "Свидетель А против России"
    assert body["translations"]["title"] == {"en": "Witness A v. Russia", "ru": "Свидетель А против России"}
    assert body["summary"] == "Свидетель А сняли на митинге; лицо Свидетель А распознали."
    assert body["claims"] == "Свидетель А просит удалить данные."
    assert body["appeal_chain"][0]["ruling"]["summary"] == "Суд отказал Свидетель А."
    assert body["appeal_chain"][0]["appeals"][0]["grounds"] == "Свидетель А обжалует решение."


def test_members_of_another_organization_read_the_alias_too(other_org_api, named):
    text = _text(other_org_api.get(f"/api/v1/cases/{named.pk}/"))
    assert "petrov" not in text and "петров" not in text


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_members_read_the_real_text(member_api, named, endpoint):
    text = _text(member_api.get(endpoint))
    assert "petrov" in text and "петров" in text


@pytest.mark.parametrize("q", ["Петрову", "Петров", "Petrov", "Ивана Петрова"])
def test_anonymous_search_never_matches_the_hidden_name(api, named, q):
    assert api.get("/api/v1/cases/", {"q": q}).json()["results"] == []
    assert [c["id"] for c in api.get("/api/v1/cases/", {"q": "Witness"}).json()["results"]] == [named.pk]


def test_members_search_their_case_by_the_name(member_api, named):
    assert [c["id"] for c in member_api.get("/api/v1/cases/", {"q": "Петрову"}).json()["results"]] == [named.pk]
