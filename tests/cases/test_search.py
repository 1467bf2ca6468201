"""Search finds a case in either language, with each language's word forms (PostgreSQL full-text
search with the english and russian Snowball configurations): on the members' case list, the
public API's `q`, and over the GIN indexes of cases/migrations/0005."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from cases.models import Case
from cases.selectors import cases_matching
from tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases():
    popova = CaseFactory(
        slug="popova-v-moscow",
        is_public=True,
        title="Popova v. Moscow",
        title_ru="Попова против Москвы",
        summary="Challenge to the use of facial recognition on CCTV.",
        summary_ru="Оспаривание распознавания лиц на камерах видеонаблюдения.",
    )
    PartyFactory(case=popova, name="Alena Popova", name_ru="Алёна Попова", consent_to_publish=True)
    bridges = CaseFactory(
        slug="bridges",
        is_public=True,
        title="R (Bridges) v Chief Constable of South Wales Police",
        summary="Judicial review of the police's cameras.",
    )
    clearview = CaseFactory(slug="clearview", is_public=True, title="ACLU v. Clearview AI", summary="")
    return {"popova": popova, "bridges": bridges, "clearview": clearview}


def slugs(queryset):
    return sorted(case.slug for case in queryset)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Попову", ["popova-v-moscow"]),  # dative finds the nominative in the Russian title
        ("видеонаблюдению камерам", ["popova-v-moscow"]),  # every word, each in its own form
        ("recognised", ["popova-v-moscow"]),  # finds "recognition" in the English summary
        ("recognize", ["popova-v-moscow"]),
        ("cameras", ["bridges"]),  # an English plural; the Russian "камерах" is not English
        ("Алёны", ["popova-v-moscow"]),  # a party's Russian name, in the genitive
        ("Popovoy", []),
        ("Clearview", ["clearview"]),
        ("Popova Clearview", []),  # all words must match
    ],
)
def test_search_reads_both_languages_with_their_word_forms(cases, text, expected):
    assert connection.vendor == "postgresql"
    assert slugs(cases_matching(Case.objects.all(), text, public_names_only=False)) == expected


def test_the_api_q_finds_a_case_in_either_language_and_never_by_a_private_name(cases):
    PartyFactory(
        case=cases["bridges"],
        name="Secret Witness",
        name_ru="Тайный свидетель",
        alias="Witness A",
        consent_to_publish=False,
    )
    api = APIClient()

    def found(text):
        response = api.get("/api/v1/cases/", {"q": text})
        assert response.status_code == 200, response.json()
        return sorted(item["slug"] for item in response.json()["results"])

    assert found("Попову") == ["popova-v-moscow"]
    assert found("recognised") == ["popova-v-moscow"]
    assert found("Witness") == ["bridges"]  # the alias is public
    assert found("свидетеля") == []  # the name without consent is not, in any language


def test_the_search_reads_the_gin_indexes(cases):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = cases_matching(Case.objects.all(), "Попову", public_names_only=False).explain()
    assert "case_search_ru" in plan
    assert "case_search_en" in plan
    assert "party_name_search_ru" in plan
