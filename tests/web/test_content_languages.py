"""Case content in the reader's language on the pages, a missing translation marked with its real
`lang`, and the lawyer's forms that take both languages side by side."""

import pytest
from django.urls import reverse

from actions import hearings as hearing_actions
from cases.models import Appeal, Case, Hearing, Party
from tests.factories import PartyFactory
from tests.web.test_case_edit import case_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual(popova):
    case = popova["public"]
    Case.objects.filter(pk=case.pk).update(
        title_en="Popova v. Moscow",
        title_ru="Попова против Москвы",
        summary_en="Facial recognition at protests.",
        summary_ru="Распознавание лиц на акциях протеста.",
    )
    # written in Russian, never translated: English readers get it marked
    PartyFactory(case=case, name=None, name_ru="Саркис Дарбинян", original_language="ru", role="representative")
    court = popova["court"]
    type(court).objects.filter(pk=court.pk).update(name_ru="Савёловский районный суд г. Москвы")
    return popova


def page(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_page_is_in_the_readers_language_and_marks_what_is_not(client, bilingual):
    url = reverse("web:public_case", args=["popova-v-moscow"])
    russian = page(client, url, "ru")
    assert "<h1>Попова против Москвы</h1>" in russian
    assert "Распознавание лиц на акциях протеста." in russian
    assert "Popova v. Moscow" not in russian
    assert "Савёловский районный суд г. Москвы" in russian  # the court's Russian name
    # a party only in English: its real language on the element, and said in words
    assert '<span lang="en">Alena Popova</span> <span class="content-fallback">(на английском)</span>' in russian

    english = page(client, url, "en")
    assert "<h1>Popova v. Moscow</h1>" in english
    assert "Facial recognition at protests." in english
    assert "Попова против Москвы" not in english
    assert '<span lang="ru">Саркис Дарбинян</span> <span class="content-fallback">(in Russian)</span>' in english


def test_the_members_page_reads_the_same_way(client, bilingual):
    client.force_login(bilingual["lawyer"])
    russian = page(client, reverse("web:case_detail", args=["popova-v-moscow"]), "ru")
    assert "<h1>Попова против Москвы</h1>" in russian
    assert '<span lang="en">Alena Popova</span>' in russian


def test_a_lawyer_writes_the_case_in_both_languages_side_by_side(client, desk):
    case = desk["private"]
    client.force_login(desk["lawyer"])
    url = reverse("web:case_edit", args=[case.slug])
    form_page = client.get(url).content.decode()
    assert '<fieldset class="languages" id="languages-title">' in form_page
    assert 'name="title_ru"' in form_page and 'lang="ru"' in form_page
    data = case_post(
        case,
        original_language="ru",
        title="Secret v. Ministry",
        title_ru="Тайна против министерства",
        summary="",
        summary_ru="Иск о биометрии.",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert (case.original_language, case.title_en, case.title_ru, case.summary_en, case.summary_ru, case.version) == (
        "ru",
        "Secret v. Ministry",
        "Тайна против министерства",
        "",
        "Иск о биометрии.",
        2,
    )


def test_an_unknown_language_is_a_form_error_and_nothing_is_saved(client, desk):
    case = desk["private"]
    client.force_login(desk["lawyer"])
    response = client.post(reverse("web:case_edit", args=[case.slug]), case_post(case, original_language="xx"))
    assert response.status_code == 400
    assert response.context["form"].errors["original_language"] == [
        "Select a valid choice. xx is not one of the available choices."
    ]
    case.refresh_from_db()
    assert (case.original_language, case.version) == ("en", 1)


def test_a_title_in_no_language_is_refused_in_russian_too(client, desk):
    case = desk["private"]
    client.force_login(desk["lawyer"])
    client.cookies["django_language"] = "ru"
    response = client.post(reverse("web:case_edit", args=[case.slug]), case_post(case, title="", title_ru=""))
    assert response.status_code == 400
    assert response.context["form"].errors["title_en"] == ["Заполните хотя бы на одном языке."]


def test_both_languages_but_not_the_original_is_refused_next_to_the_original_language(client, desk):
    party = PartyFactory(case=desk["private"], name="Ivan")
    client.force_login(desk["lawyer"])
    url = reverse("web:party_edit", args=[desk["private"].slug, party.pk])
    data = {
        "version": "1",
        "role": "plaintiff",
        "kind": "person",
        "original_language": "ru",
        "name_en": "",
        "name_ru": "",
        "consent_to_publish": "on",
    }
    data["name_en"], data["description_ru"] = "Ivan", "истец"
    response = client.post(url, data)
    # the name is only in English: that is its original language, whatever the select said
    assert response.status_code == 302
    party.refresh_from_db()
    assert (party.original_language, party.name_en, party.description_ru) == ("en", "Ivan", "истец")


def test_a_hearing_outcome_in_russian_and_an_unknown_language_refused(client, popova):
    held = popova["held"]
    client.force_login(popova["lawyer"])
    url = reverse("web:hearing_outcome", args=["popova-v-moscow", held.pk])
    response = client.post(url, {"version": 1, "original_language": "xx", "outcome_notes_ru": "Отложено"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Select a valid choice. xx is not one of the available choices."
    ]
    held.refresh_from_db()
    assert (held.outcome_notes_ru, held.version) == (None, 1)

    response = client.post(url, {"version": 1, "original_language": "ru", "outcome_notes_ru": "Отложено"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.original_language, held.outcome_notes_ru, held.status) == ("ru", "Отложено", Hearing.Status.HELD)


def test_cancelling_a_hearing_clears_its_outcome_in_every_language(popova):

    hearing = hearing_actions.hearing_record_outcome(
        hearing=popova["held"], outcome_notes_en="Adjourned", outcome_notes_ru="Отложено"
    )
    hearing = hearing_actions.hearing_cancel(hearing=hearing)
    assert (hearing.status, hearing.outcome_notes_en, hearing.outcome_notes_ru) == ("cancelled", "", "")


def test_an_appeal_has_public_grounds_in_both_languages(client, popova):
    client.force_login(popova["lawyer"])
    url = reverse("web:appeal_create", args=["popova-v-moscow", popova["ruling"].pk])
    response = client.post(
        url,
        {
            "court": popova["upper"].pk,
            "kind": "appeal",
            "status": "filed",
            "filed_on": "2019-12-01",
            "original_language": "ru",
            "grounds_ru": "Суд не применил ст. 8 Конвенции.",
            "grounds_en": "The court did not apply Article 8.",
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.original_language, appeal.grounds_ru) == ("ru", "Суд не применил ст. 8 Конвенции.")
    russian = page(client, reverse("web:case_detail", args=["popova-v-moscow"]), "ru")
    assert "Суд не применил ст. 8 Конвенции." in russian
    assert "The court did not apply Article 8." not in russian


def test_a_party_without_consent_and_without_an_alias_in_any_language_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    party = PartyFactory(consent_to_publish=False, alias="Witness A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Party.objects.filter(pk=party.pk).update(alias_en=None, alias_ru="")
    Party.objects.filter(pk=party.pk).update(alias_en=None, alias_ru="Свидетель А")  # one language is enough
