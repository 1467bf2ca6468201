"""Lawyers edit a case, its parties and its timeline facts on the pages (Django's test client):
what is saved (through cases/services/, version raised), errors next to the field in English
and Russian, a stale save refused with the current values, permissions (refusal and nothing
changed), CSRF."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseEvent, Party
from tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


# The forms take each translated field per language; these tests write English.
IN_ENGLISH = {
    name: f"{name}_en" for name in ("title", "summary", "claims", "legal_basis", "name", "alias", "description")
}


def in_english(overrides):
    return {IN_ENGLISH.get(key, key): value for key, value in overrides.items()}


def case_post(case, **overrides):
    data = {
        "version": str(case.version),
        "original_language": case.original_language,
        "title_en": case.title_en,
        "summary_en": case.summary_en,
        "claims_en": case.claims_en,
        "legal_basis_en": case.legal_basis_en,
        "proceeding": case.proceeding,
        "status": case.status,
        "outcome": case.outcome,
        "filed_on": case.filed_on.isoformat() if case.filed_on else "",
        "tags": "",
        "sources": "",
        "notes": "",
    }
    if case.is_public:
        data["is_public"] = "on"
    data.update(in_english(overrides))
    return {k: v for k, v in data.items() if v is not None}


def party_post(**overrides):
    data = {
        "role": "plaintiff",
        "kind": "person",
        "name_en": "Kirill Shulika",
        "consent_to_publish": "on",
        "alias_en": "",
        "represents": "",
        "description_en": "activist",
        "contact_email": "kirill@example.org",
        "contact_phone": "+7 900 111 22 33",
        "contact_address": "Moscow, secret street 1",
        "notes": "Prefers Signal",
    }
    data.update(in_english(overrides))
    return {k: v for k, v in data.items() if v is not None}


def fact_post(**overrides):
    data = {
        "occurred_on": "2019-09-01",
        "precision": "month",
        "title_en": "Cameras installed at the picket site",
        "description_en": "",
        "source": "https://example.org/report",
        "is_confirmed": "on",
        "is_public": "on",
    }
    data.update(in_english(overrides))
    return {k: v for k, v in data.items() if v is not None}


def field_errors(response, name):
    return list(response.context["form"].errors.get(name, []))


# --- The case's details ---------------------------------------------------------------------


def test_a_lawyer_edits_the_cases_details(client, desk):
    # given a lawyer on the edit form of a filed private case
    case = desk["private"]
    client.force_login(desk["lawyer"])
    url = reverse("web:case_edit", args=[case.slug])
    assert client.get(url).status_code == 200
    # when they change its text, status, tags and make it public
    response = client.post(
        url,
        case_post(
            case,
            title="Secret v. Ministry of Digital Development",
            summary="Facial recognition at protests.",
            claims="Delete the biometric data.",
            legal_basis="152-FZ art. 11",
            status="pending",
            tags="facial recognition, 152-FZ",
            is_public="on",
        ),
    )
    # then it is saved through the service (version raised) and they are back on the case page
    assert response.status_code == 302
    assert response["Location"] == "/cases/secret-v-ministry/"
    case.refresh_from_db()
    assert (case.title, case.summary, case.claims, case.legal_basis, case.status, case.is_public, case.version) == (
        "Secret v. Ministry of Digital Development",
        "Facial recognition at protests.",
        "Delete the biometric data.",
        "152-FZ art. 11",
        "pending",
        True,
        2,
    )
    assert sorted(case.tags.values_list("name", flat=True)) == ["152-FZ", "facial recognition"]
    page = client.get(response["Location"]).content.decode()
    assert "Case saved." in page and "Delete the biometric data." in page and "152-FZ art. 11" in page


def test_a_status_the_case_cannot_move_to_is_refused_next_to_the_field(client, desk):
    case = desk["private"]
    client.force_login(desk["lawyer"])
    response = client.post(reverse("web:case_edit", args=[case.slug]), case_post(case, status="preparing"))
    assert response.status_code == 400
    assert field_errors(response, "status") == ["A case cannot go from filed to preparing."]
    assert '<div class="field has-error">' in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.version) == ("filed", 1)


def test_in_russian_the_services_message_is_russian_and_next_to_the_field(client, desk):
    # given the Russian interface (the language cookie the footer's switch sets)
    case = desk["private"]
    client.cookies["django_language"] = "ru"
    client.force_login(desk["lawyer"])
    # when a lawyer moves a filed case back to preparing
    response = client.post(reverse("web:case_edit", args=[case.slug]), case_post(case, status="preparing"))
    # then the service's refusal is in Russian, under the status field
    assert response.status_code == 400
    message = "Дело не может перейти из состояния «подан» в состояние «подготовка»."
    assert field_errors(response, "status") == [message]
    html = response.content.decode()
    status_field = html[html.index('<label for="id_status"') :]
    assert status_field.index(message) < status_field.index('<label for="id_outcome"')
    case.refresh_from_db()
    assert case.version == 1


def test_in_russian_a_model_rule_on_a_party_is_russian_and_next_to_the_alias(client, desk):
    client.cookies["django_language"] = "ru"
    client.force_login(desk["lawyer"])
    response = client.post(
        reverse("web:party_add", args=["secret-v-ministry"]), party_post(consent_to_publish=None, alias="")
    )
    assert response.status_code == 400
    assert field_errors(response, "alias_en") == ["Стороне, не давшей согласия на публикацию, нужен псевдоним."]
    assert Party.objects.count() == 0


def test_a_closed_case_without_an_outcome_is_refused_with_a_message(client, desk):
    case = desk["private"]
    client.force_login(desk["lawyer"])
    response = client.post(reverse("web:case_edit", args=[case.slug]), case_post(case, status="closed"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "A closed case needs an outcome, and only a closed case has one."
    ]
    case.refresh_from_db()
    assert (case.status, case.version) == ("filed", 1)


def test_a_stale_case_edit_is_refused_with_the_current_values(client, desk):
    # given two lawyers who opened the form at version 1; the first saved a new title
    case = desk["private"]
    client.force_login(desk["lawyer"])
    url = reverse("web:case_edit", args=[case.slug])
    assert client.post(url, case_post(case, title="First lawyer's title")).status_code == 302
    # when the second saves from the old copy
    response = client.post(url, case_post(case, title="Second lawyer's title", version="1"))
    # then nothing is written and the page shows what it is now, with their entry kept
    assert response.status_code == 409
    html = response.content.decode()
    assert "Not saved: someone else changed this record after you opened it." in html
    assert "First lawyer&#x27;s title" in html
    assert "<dt>Title (English)</dt><dd>First lawyer&#x27;s title</dd>" in html  # each language shown
    form = response.context["form"]
    assert (form["title_en"].value(), form["version"].value()) == ("Second lawyer's title", "2")
    case.refresh_from_db()
    assert (case.title, case.version) == ("First lawyer's title", 2)


# --- Parties --------------------------------------------------------------------------------


def test_a_lawyer_adds_a_party_whose_contacts_only_members_see(client, desk):
    case = desk["public"]
    client.force_login(desk["lawyer"])
    response = client.post(reverse("web:party_add", args=[case.slug]), party_post())
    party = Party.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.slug}/#party-{party.pk}"
    assert (party.name, party.contact_email, party.contact_address, party.notes, party.version) == (
        "Kirill Shulika",
        "kirill@example.org",
        "Moscow, secret street 1",
        "Prefers Signal",
        1,
    )
    members_page = client.get(f"/cases/{case.slug}/").content.decode()
    assert "kirill@example.org" in members_page and "Moscow, secret street 1" in members_page
    # the public page of this public case shows the name (consent given) and nothing private
    public_page = Client().get(f"/public/{case.slug}/").content.decode()
    assert "Kirill Shulika" in public_page
    for private in ("kirill@example.org", "+7 900 111 22 33", "secret street", "Prefers Signal"):
        assert private not in public_page


def test_a_lawyer_edits_a_party_and_withdraws_the_consent(client, desk):
    party = PartyFactory(case=desk["public"], name="Alena Popova")
    client.force_login(desk["lawyer"])
    url = reverse("web:party_edit", args=["popova-v-moscow", party.pk])
    assert client.get(url).context["form"]["name_en"].value() == "Alena Popova"
    data = party_post(name="Alena Popova", consent_to_publish=None, alias="Plaintiff P.", version="1")
    assert client.post(url, data).status_code == 302
    party.refresh_from_db()
    assert (party.consent_to_publish, party.alias, party.version) == (False, "Plaintiff P.", 2)
    # the case's URL named her: it is made again from the title as outsiders read it, with no redirect
    assert Client().get("/public/popova-v-moscow/").status_code == 404
    public_page = Client().get("/public/plaintiff-p-v-moscow/").content.decode()
    assert "Plaintiff P. v. Moscow" in public_page and "Popova" not in public_page


def test_only_a_representative_represents_a_party(client, desk):
    plaintiff = PartyFactory(case=desk["private"])
    client.force_login(desk["lawyer"])
    response = client.post(
        reverse("web:party_add", args=["secret-v-ministry"]), party_post(role="third_party", represents=plaintiff.pk)
    )
    assert response.status_code == 400
    assert field_errors(response, "represents") == ["Only a representative represents another party."]
    assert Party.objects.count() == 1


def test_a_party_of_another_case_is_not_offered_to_represent(client, desk):
    stranger = PartyFactory(case=desk["public"])
    client.force_login(desk["lawyer"])
    response = client.post(
        reverse("web:party_add", args=["secret-v-ministry"]), party_post(role="representative", represents=stranger.pk)
    )
    assert response.status_code == 400
    assert field_errors(response, "represents") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


def test_a_stale_party_edit_is_refused_with_the_current_values(client, desk):
    party = PartyFactory(case=desk["private"], name="Original Name", contact_phone="+7 1")
    client.force_login(desk["lawyer"])
    url = reverse("web:party_edit", args=["secret-v-ministry", party.pk])
    assert client.post(url, party_post(name="First Edit", contact_phone="+7 2", version="1")).status_code == 302
    response = client.post(url, party_post(name="Second Edit", version="1"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Not saved: someone else changed this record after you opened it." in html
    assert "First Edit" in html and "+7 2" in html
    party.refresh_from_db()
    assert (party.name, party.version) == ("First Edit", 2)


def test_an_invalid_email_is_refused_next_to_the_field(client, desk):
    client.force_login(desk["lawyer"])
    response = client.post(reverse("web:party_add", args=["secret-v-ministry"]), party_post(contact_email="nope"))
    assert response.status_code == 400
    assert field_errors(response, "contact_email") == ["Enter a valid email address."]
    assert Party.objects.count() == 0


# --- Timeline facts -------------------------------------------------------------------------


def test_a_lawyer_adds_a_fact_known_to_the_month_and_sees_it_on_the_timeline(client, desk):
    client.force_login(desk["lawyer"])
    response = client.post(reverse("web:event_add", args=["secret-v-ministry"]), fact_post())
    fact = CaseEvent.objects.get()
    assert response["Location"] == f"/cases/secret-v-ministry/#fact-{fact.pk}"
    assert (fact.occurred_on, fact.precision, fact.title, fact.is_public, fact.version) == (
        dt.date(2019, 9, 1),
        "month",
        "Cameras installed at the picket site",
        True,
        1,
    )
    page = client.get("/cases/secret-v-ministry/").content.decode()
    assert f'id="fact-{fact.pk}"' in page and "September 2019" in page


def test_a_lawyer_makes_a_fact_private_and_the_public_page_drops_it(client, desk):
    fact = CaseEvent.objects.create(case=desk["public"], occurred_on=dt.date(2019, 1, 5), title="Strategy meeting")
    client.force_login(desk["lawyer"])
    url = reverse("web:event_edit", args=["popova-v-moscow", fact.pk])
    data = fact_post(occurred_on="2019-01-05", precision="day", title="Strategy meeting", is_public=None, version="1")
    assert client.post(url, data).status_code == 302
    fact.refresh_from_db()
    assert (fact.is_public, fact.version) == (False, 2)
    assert "Strategy meeting" not in Client().get("/public/popova-v-moscow/").content.decode()


def test_a_fact_without_a_date_or_title_is_refused_next_to_the_fields(client, desk):
    client.force_login(desk["lawyer"])
    response = client.post(
        reverse("web:event_add", args=["secret-v-ministry"]), fact_post(occurred_on="2019-02-30", title="")
    )
    assert response.status_code == 400
    assert field_errors(response, "occurred_on") == ["Enter a valid date."]
    assert field_errors(response, "title_en") == ["Give this in at least one language."]
    assert CaseEvent.objects.count() == 0


def test_a_stale_fact_edit_is_refused_with_the_current_values(client, desk):
    fact = CaseEvent.objects.create(case=desk["private"], occurred_on=dt.date(2019, 1, 5), title="Meeting")
    client.force_login(desk["lawyer"])
    url = reverse("web:event_edit", args=["secret-v-ministry", fact.pk])
    assert client.post(url, fact_post(title="Meeting with the client", version="1")).status_code == 302
    response = client.post(url, fact_post(title="Another title", version="1"))
    assert response.status_code == 409
    assert "Meeting with the client" in response.content.decode()
    fact.refresh_from_db()
    assert (fact.title, fact.version) == ("Meeting with the client", 2)


# --- Who may ---------------------------------------------------------------------------------


def _targets(desk):
    party = PartyFactory(case=desk["private"], name="Unchanged Name")
    fact = CaseEvent.objects.create(case=desk["private"], occurred_on=dt.date(2019, 1, 5), title="Unchanged fact")
    case = desk["private"]
    return [
        (reverse("web:case_edit", args=[case.slug]), case_post(case, title="Hijacked")),
        (reverse("web:party_add", args=[case.slug]), party_post(name="Intruder")),
        (reverse("web:party_edit", args=[case.slug, party.pk]), party_post(name="Hijacked", version="1")),
        (reverse("web:event_add", args=[case.slug]), fact_post(title="Intruder")),
        (reverse("web:event_edit", args=[case.slug, fact.pk]), fact_post(title="Hijacked", version="1")),
    ]


def _unchanged(desk):
    case = Case.objects.get(pk=desk["private"].pk)
    parties = list(Party.objects.values_list("name", "version"))
    facts = list(CaseEvent.objects.values_list("title", "version"))
    return (case.title, case.version, parties, facts) == (
        "Secret v. Ministry",
        1,
        [("Unchanged Name", 1)],
        [("Unchanged fact", 1)],
    )


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("outsider", 404)])
def test_a_viewer_or_an_outsider_cannot_edit_and_nothing_changes(client, desk, who, status):
    client.force_login(desk[who])
    for url, data in _targets(desk):
        assert (url, client.get(url).status_code) == (url, status)
        assert (url, client.post(url, data).status_code) == (url, status)
    assert _unchanged(desk)


def test_an_anonymous_visitor_is_sent_to_log_in_and_nothing_changes(client, desk):
    for url, data in _targets(desk):
        response = client.post(url, data)
        assert (url, response.status_code, response["Location"].split("?")[0]) == (url, 302, "/accounts/login/")
    assert _unchanged(desk)


def test_a_post_without_the_csrf_token_is_refused_and_nothing_changes(desk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk["lawyer"])
    for url, data in _targets(desk):
        assert (url, client.post(url, data).status_code) == (url, 403)
    assert _unchanged(desk)


def test_the_edit_links_are_only_on_a_writers_case_page(client, desk):
    party = PartyFactory(case=desk["private"])
    fact = CaseEvent.objects.create(case=desk["private"], occurred_on=dt.date(2019, 1, 5), title="A fact")
    links = [
        reverse("web:case_edit", args=["secret-v-ministry"]),
        reverse("web:party_add", args=["secret-v-ministry"]),
        reverse("web:party_edit", args=["secret-v-ministry", party.pk]),
        reverse("web:event_add", args=["secret-v-ministry"]),
        reverse("web:event_edit", args=["secret-v-ministry", fact.pk]),
    ]
    client.force_login(desk["lawyer"])
    page = client.get("/cases/secret-v-ministry/").content.decode()
    assert [link in page for link in links] == [True] * 5
    client.force_login(desk["viewer"])
    page = client.get("/cases/secret-v-ministry/").content.decode()
    assert [link in page for link in links] == [False] * 5


# --- Queries ---------------------------------------------------------------------------------


# Each: session, user, the record (a party or fact with its case in one join), membership, write
# permission; then the case's tags (case form) or the parties it may represent (party forms).
@pytest.mark.parametrize(
    ("name", "queries"), [("case_edit", 6), ("party_add", 6), ("party_edit", 6), ("event_add", 5), ("event_edit", 5)]
)
def test_the_edit_forms_queries(client, desk, django_assert_num_queries, name, queries):
    case = desk["private"]
    party = PartyFactory(case=case)
    fact = CaseEvent.objects.create(case=case, occurred_on=dt.date(2019, 1, 5), title="A fact")
    args = {"party_edit": [case.slug, party.pk], "event_edit": [case.slug, fact.pk]}.get(name, [case.slug])
    client.force_login(desk["lawyer"])
    with django_assert_num_queries(queries):
        assert client.get(reverse(f"web:{name}", args=args)).status_code == 200
