"""The services' refusals reach API clients in English by default and in Russian when the
client asks for it (Accept-Language), through the same error shape."""

import pytest

from cases.models import Case, Hearing
from tests.factories import HearingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ({}, "A case cannot go from filed to preparing."),
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, "A case cannot go from filed to preparing."),
        (
            {"HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9"},
            "Дело не может перейти из состояния «подан» в состояние «подготовка».",
        ),
    ],
)
def test_a_service_refusal_is_in_the_clients_language(lawyer_api, case, language, message):
    response = lawyer_api.patch(f"/api/v1/cases/{case.pk}/", {"status": "preparing"}, format="json", **language)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"status": [message]}
    assert Case.objects.values_list("status", "version").get(pk=case.pk) == ("filed", 1)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ({}, "A party who has not consented to publication needs an alias."),
        ({"HTTP_ACCEPT_LANGUAGE": "ru"}, "Стороне, не давшей согласия на публикацию, нужен псевдоним."),
    ],
)
def test_a_model_rule_is_in_the_clients_language(lawyer_api, case, language, message):
    response = lawyer_api.post(
        "/api/v1/parties/",
        {"case": case.pk, "role": "plaintiff", "name": "Anonymous", "consent_to_publish": False},
        format="json",
        **language,
    )
    assert response.status_code == 400
    assert message in [msg for msgs in response.json()["error"]["fields"].values() for msg in msgs]
    assert not case.parties.exists()


def test_a_hearing_held_in_the_future_is_refused_in_russian(lawyer_api, case, court):
    hearing = HearingFactory(case=case, court=court, starts_at="2099-01-01T10:00:00+03:00")
    response = lawyer_api.patch(
        f"/api/v1/hearings/{hearing.pk}/", {"status": "held"}, format="json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "status": ["Заседание нельзя отметить как состоявшееся до его начала."]
    }
    assert Hearing.objects.values_list("status", "version").get(pk=hearing.pk) == ("scheduled", 1)
