"""The pages outsiders read (the public case list and page, its "Add to calendar" file) show a
party without consent by the alias wherever the case's text names them, in the reader's
language; members' pages keep the real text; the lawyer who saves such a text is warned.
And a hearing's reschedule reason is the organization's unless marked public."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from cases.models import HearingReschedule
from tests.factories import HIDDEN_NAME_STEMS, MembershipFactory, UserFactory, case_naming_hidden_party

pytestmark = pytest.mark.django_db


@pytest.fixture
def named():
    case, _party = case_naming_hidden_party()
    lawyer = MembershipFactory(organization=case.organization, role="lawyer", user=UserFactory(username="lw")).user
    return {"case": case, "lawyer": lawyer, "upcoming": case.hearings.get(starts_at__year=2031)}


def _leaks(text):
    return [stem for stem in HIDDEN_NAME_STEMS if stem in text.lower()]


@pytest.mark.parametrize(("language", "alias"), [("en", "Witness A"), ("ru", "Свидетель А")])
def test_the_public_page_shows_the_alias_wherever_the_text_names_the_party(client, named, language, alias):
    response = client.get(reverse("web:public_case", args=[named["case"].slug]), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200
    assert _leaks(page) == []
    # title, summary, the fact, the hearing's outcome, the ruling and the appeal's grounds
    assert page.count(alias) >= 7


@pytest.mark.parametrize(("language", "title"), [("en", "Witness A v. Russia"), ("ru", "Свидетель А против России")])
def test_the_public_list_shows_the_redacted_title(client, named, language, title):
    page = client.get(reverse("web:public_case_list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert _leaks(page) == []
    assert title in page


def test_the_add_to_calendar_file_has_the_redacted_title(client, named):
    url = reverse("web:public_hearing_ics", args=[named["case"].slug, named["upcoming"].pk])
    body = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert _leaks(body) == []
    assert "SUMMARY;LANGUAGE=ru:Заседание (По существу): Свидетель А против России" in body.replace("\r\n ", "")


def test_members_page_keeps_the_real_text(client, named):
    client.force_login(named["lawyer"])
    page = client.get(reverse("web:case_detail", args=[named["case"].slug])).content.decode()
    assert "Petrov v. Russia" in page and "Petrov testified." in page


def test_saving_a_public_text_that_names_a_hidden_party_warns_the_lawyer(client, named):
    case = named["case"]
    client.force_login(named["lawyer"])
    response = client.post(
        reverse("web:event_add", args=[case.slug]),
        {
            "original_language": "en",
            "occurred_on": "2019-09-02",
            "precision": "day",
            "title_en": "Petrov fined",
            "is_confirmed": "on",
            "is_public": "on",
            "version": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert (
        "This case's public text names Ivan Petrov, who has not consented to publication: "
        "outsiders read “Witness A” there instead. Check that this is what you meant."
    ) in texts


def test_the_reschedule_form_says_who_reads_the_reason(client, named):
    client.force_login(named["lawyer"])
    page = client.get(reverse("web:hearing_reschedule", args=[named["case"].slug, named["upcoming"].pk]))
    text = page.content.decode()
    assert "Seen by your organization only, unless you tick “Show the reason publicly”." in text
    assert "Show the reason publicly" in text


@pytest.mark.parametrize("public", [False, True])
def test_a_reschedule_reason_is_public_only_when_marked(client, named, public):
    case, hearing = named["case"], named["upcoming"]
    client.force_login(named["lawyer"])
    data = {"version": hearing.version, "date": "2031-04-02", "time": "14:00", "reason": "Petrov is in hospital"}
    if public:
        data["reason_is_public"] = "on"
    assert client.post(reverse("web:hearing_reschedule", args=[case.slug, hearing.pk]), data).status_code == 302
    assert HearingReschedule.objects.get(hearing=hearing).reason_is_public is public

    members = client.get(reverse("web:case_detail", args=[case.slug])).content.decode()
    assert "Petrov is in hospital" in members

    public_page = Client().get(reverse("web:public_case", args=[case.slug])).content.decode()
    assert ("Witness A is in hospital" in public_page) is public
    assert "in hospital" in public_page if public else "in hospital" not in public_page
    assert _leaks(public_page) == []
