"""The admin, as a lawyer uses it: pages load, and writes go through the services' rules."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.models import Appeal, Case, Hearing, HearingReschedule, Party, Ruling
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def lawyer_client(client, demo):
    # force_login: django-axes needs the request in authenticate(), which client.login() does not pass.
    client.force_login(User.objects.get(username="lawyer"))
    return client


def test_every_admin_page_loads_for_the_superuser(client, demo):
    client.force_login(User.objects.get(username="admin"))
    popova = Case.objects.get(slug="popova-v-moscow")
    urls = [reverse("admin:index")]
    for model in ("case", "hearing", "ruling", "appeal", "party", "court", "caseevent", "organization", "tag"):
        urls.append(reverse(f"admin:cases_{model}_changelist"))
        urls.append(reverse(f"admin:cases_{model}_add"))
    urls += [
        reverse("admin:cases_case_change", args=[popova.pk]),
        reverse("admin:cases_case_history", args=[popova.pk]),
        reverse("admin:cases_hearing_changelist") + "?when=past",
        reverse("admin:cases_hearing_change", args=[popova.hearings.get().pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_popova_case_page_shows_its_hearing_ruling_and_appeal_path(lawyer_client):
    popova = Case.objects.get(slug="popova-v-moscow")
    page = lawyer_client.get(reverse("admin:cases_case_change", args=[popova.pk])).content.decode()
    for text in (
        "Savyolovsky District Court of Moscow",
        "Marina Ivanova",
        "2019-11-06",
        "Moscow City Court",
        "Planned",
    ):
        assert text in page


def test_a_lawyer_logs_a_hearing_through_the_admin(lawyer_client):
    popova = Case.objects.get(slug="popova-v-moscow")
    court = popova.rulings.get().court
    response = lawyer_client.post(
        reverse("admin:cases_hearing_add"),
        {
            "case": popova.pk,
            "court": court.pk,
            "starts_at_0": "2030-03-02",
            "starts_at_1": "10:30",
            "duration_minutes": 90,
            "kind": "appeal",
            "status": "scheduled",
            "courtroom": "412",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hearing = Hearing.objects.get(courtroom="412")
    assert hearing.history.first().history_user.username == "lawyer"


def test_admin_refuses_a_hearing_in_the_last_minutes_of_9999_next_to_the_field(lawyer_client):
    popova = Case.objects.get(slug="popova-v-moscow")
    court = popova.rulings.get().court
    court.time_zone = "America/New_York"
    court.save()
    response = lawyer_client.post(
        reverse("admin:cases_hearing_add"),
        {
            "case": popova.pk,
            "court": court.pk,
            "starts_at_0": "9999-12-31",
            "starts_at_1": "23:30",
            "duration_minutes": 90,
            "kind": "appeal",
            "status": "scheduled",
            "courtroom": "413",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["starts_at"] == ["Enter a date between the years 1900 and 2200."]
    assert not Hearing.objects.filter(courtroom="413").exists()


def test_admin_shows_a_service_rule_next_to_the_field_and_saves_nothing(lawyer_client):
    popova = Case.objects.get(slug="popova-v-moscow")
    ruling = popova.rulings.get()
    response = lawyer_client.post(
        reverse("admin:cases_appeal_add"),
        {
            "case": popova.pk,
            "ruling": ruling.pk,
            "court": ruling.court.pk,  # the same court: refused
            "kind": "appeal",
            "status": "filed",
            "filed_on": "2019-12-01",
        },
    )
    assert response.status_code == 200
    assert "An appeal goes to a different court from the one that gave the ruling." in response.content.decode()
    assert Appeal.objects.filter(case=popova).count() == 1


def test_admin_refuses_a_stale_edit(lawyer_client):
    hearing = Hearing.objects.get(case__slug="popova-v-moscow")
    url = reverse("admin:cases_hearing_change", args=[hearing.pk])
    form = {
        "case": hearing.case_id,
        "court": hearing.court_id,
        "starts_at_0": "2019-10-21",
        "starts_at_1": "11:00",
        "duration_minutes": 60,
        "kind": "merits",
        "status": "held",
        "outcome_notes": "Second lawyer's notes",
        "expected_version": 1,
        "reschedules-TOTAL_FORMS": 0,
        "reschedules-INITIAL_FORMS": 0,
    }
    Hearing.objects.filter(pk=hearing.pk).update(version=2, outcome_notes="First lawyer's notes")
    response = lawyer_client.post(url, form)
    assert response.status_code == 200
    assert "was changed by someone else" in response.content.decode()
    hearing.refresh_from_db()
    assert hearing.outcome_notes == "First lawyer's notes"
    assert not HearingReschedule.objects.exists()


def test_admin_reschedule_keeps_the_old_date(lawyer_client):
    hearing = Hearing.objects.get(case__slug="popova-v-moscow")
    response = lawyer_client.post(
        reverse("admin:cases_hearing_change", args=[hearing.pk]),
        {
            "case": hearing.case_id,
            "court": hearing.court_id,
            "starts_at_0": "2019-10-22",
            "starts_at_1": "09:00",
            "time_to_be_confirmed": "",
            "duration_minutes": 60,
            "kind": "merits",
            "status": "held",
            "expected_version": 1,
            "reschedules-TOTAL_FORMS": 0,
            "reschedules-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    moved = HearingReschedule.objects.get(hearing=hearing)
    assert moved.previous_starts_at.isoformat() == "2019-10-20T21:00:00+00:00"
    assert moved.new_starts_at.isoformat() == "2019-10-22T06:00:00+00:00"  # 09:00 Moscow


def test_staff_of_another_organization_cannot_see_or_change_a_case(client, demo):
    stranger = UserFactory(username="stranger", is_staff=True)
    stranger.groups.add(Group.objects.get(name="Lawyers"))
    client.force_login(stranger)
    popova = Case.objects.get(slug="popova-v-moscow")
    assert client.get(reverse("admin:cases_case_change", args=[popova.pk])).status_code == 404  # as if none
    response = client.post(reverse("admin:cases_case_delete", args=[popova.pk]), {"post": "yes"})
    assert response.status_code == 404
    assert Case.objects.filter(pk=popova.pk).exists()
    assert Ruling.objects.filter(case=popova).count() == 1


def test_a_viewer_cannot_change_a_case(client, demo):
    client.force_login(User.objects.get(username="viewer"))
    popova = Case.objects.get(slug="popova-v-moscow")
    url = reverse("admin:cases_case_change", args=[popova.pk])
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(url, {"title": "Vandalised", "organization": popova.organization_id})
    assert response.status_code == 403
    popova.refresh_from_db()
    assert popova.title == "Popova v. Moscow (facial recognition at protests)"


def form_data(response) -> dict[str, Any]:
    """The POST body a browser would send back for an admin change page, unchanged."""
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {management.add_prefix(name): value for name, value in management.initial.items()}
        forms += list(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif isinstance(value, dt.datetime):
                local = timezone.localtime(value) if timezone.is_aware(value) else value
                data[form.add_prefix(name) + "_0"] = local.strftime("%Y-%m-%d")
                data[form.add_prefix(name) + "_1"] = local.strftime("%H:%M:%S")
            elif value is True:
                data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = str(value)
    return data


def test_a_hearing_added_inline_on_the_case_page_goes_through_the_service(lawyer_client):
    popova = Case.objects.get(slug="popova-v-moscow")
    url = reverse("admin:cases_case_change", args=[popova.pk])
    data = form_data(lawyer_client.get(url))
    court = popova.rulings.get().court
    index = int(data["hearings-TOTAL_FORMS"])
    data["hearings-TOTAL_FORMS"] = index + 1
    data |= {
        f"hearings-{index}-court": court.pk,
        f"hearings-{index}-kind": "appeal",
        f"hearings-{index}-status": "scheduled",
        f"hearings-{index}-starts_at_0": "2031-02-03",
        f"hearings-{index}-starts_at_1": "11:00",
        f"hearings-{index}-duration_minutes": 30,
        f"hearings-{index}-courtroom": "7",
    }
    response = lawyer_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    hearing = Hearing.objects.get(case=popova, courtroom="7")
    assert hearing.starts_at_local.strftime("%Y-%m-%d %H:%M %Z") == "2031-02-03 11:00 MSK"
    assert hearing.history.get().history_user.username == "lawyer"
    assert Case.objects.get(pk=popova.pk).version == popova.version  # the unchanged case was not rewritten


def test_membership_changes_in_the_admin_go_through_the_services(client, demo):
    from cases.models import Membership, Organization

    client.force_login(User.objects.get(username="admin"))
    organization = Organization.objects.get(slug="demo-desk")
    owner = Membership.objects.get(organization=organization, role="owner")
    others = list(Membership.objects.filter(organization=organization).exclude(pk=owner.pk).order_by("pk"))
    data = {
        "name_en": organization.name_en,  # the admin shows the name per language
        "slug": organization.slug,
        "website": "",
        "expected_version": organization.version,
        "memberships-TOTAL_FORMS": 3,
        "memberships-INITIAL_FORMS": 3,
    }
    for i, membership in enumerate([owner, *others]):
        data |= {
            f"memberships-{i}-id": membership.pk,
            f"memberships-{i}-organization": organization.pk,
            f"memberships-{i}-user": membership.user_id,
            f"memberships-{i}-role": membership.role,
        }
    data["memberships-0-DELETE"] = "on"  # removing the only owner: refused
    response = client.post(reverse("admin:cases_organization_change", args=[organization.pk]), data)
    assert response.status_code == 302
    assert Membership.objects.filter(pk=owner.pk).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Nothing was saved: An organization keeps at least one owner; name another owner first."]


def test_the_admin_shows_the_languages_side_by_side_and_saves_both_through_the_service(lawyer_client):
    party = Party.objects.get(case__slug="popova-v-moscow", name_en="Alena Popova")
    url = reverse("admin:cases_party_change", args=[party.pk])
    page = lawyer_client.get(url).content.decode()
    assert '<div class="form-row field-name_en field-name_ru">' in page  # one row, both languages
    assert 'name="original_language"' in page
    response = lawyer_client.post(
        url,
        {
            "original_language": "ru",
            "case": party.case_id,
            "role": party.role,
            "kind": party.kind,
            "name_en": "Alena Popova",
            "name_ru": "Алёна Попова",
            "description_ru": "Активистка",
            "consent_to_publish": "on",
            "expected_version": party.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Party.objects.get(pk=party.pk)
    assert (saved.original_language, saved.name_ru, saved.description_ru, saved.version) == (
        "ru",
        "Алёна Попова",
        "Активистка",
        party.version + 1,
    )
    assert saved.history.first().history_user.username == "lawyer"


def test_an_organization_is_added_in_the_admin_with_its_name_in_both_languages(client, demo):
    from cases.models import Organization

    client.force_login(User.objects.get(username="admin"))
    response = client.post(
        reverse("admin:cases_organization_add"),
        {
            "original_language": "ru",
            "name_en": "",
            "name_ru": "Правозащитная группа",
            "slug": "rights-group",
            "website": "",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organization = Organization.objects.get(slug="rights-group")
    assert (organization.original_language, organization.name_ru, organization.name_en) == (
        "ru",
        "Правозащитная группа",
        None,
    )


def test_an_organization_without_a_name_in_any_language_is_refused_next_to_the_name(client, demo):
    from cases.models import Organization

    client.force_login(User.objects.get(username="admin"))
    response = client.post(
        reverse("admin:cases_organization_add"),
        {"original_language": "ru", "name_en": "", "name_ru": "", "slug": "nameless", "website": ""}
        | {"memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"name_ru": ["Give the name in at least one language."]}
    assert not Organization.objects.filter(slug="nameless").exists()


def test_an_admin_save_of_a_hearing_writes_one_change_log_entry_and_one_history_row(lawyer_client):
    from changes.models import Change

    hearing = Hearing.objects.get(case__slug="popova-v-moscow")
    changes_before = Change.objects.filter(object_type="hearing", object_id=hearing.pk).count()
    history_before = hearing.history.count()
    local = hearing.starts_at.astimezone(hearing.court.time_zone)
    response = lawyer_client.post(
        reverse("admin:cases_hearing_change", args=[hearing.pk]),
        {
            "case": hearing.case_id,
            "court": hearing.court_id,
            "starts_at_0": f"{local:%Y-%m-%d}",
            "starts_at_1": f"{local:%H:%M}",
            "duration_minutes": hearing.duration_minutes,
            "kind": hearing.kind,
            "status": hearing.status,
            "courtroom": "Room 7",
            "expected_version": hearing.version,
            "reschedules-TOTAL_FORMS": 0,
            "reschedules-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hearing.refresh_from_db()
    assert hearing.courtroom == "Room 7"
    assert Change.objects.filter(object_type="hearing", object_id=hearing.pk).count() == changes_before + 1
    assert hearing.history.count() == history_before + 1


def test_a_stale_delete_from_the_admin_page_is_refused_like_a_stale_edit(lawyer_client):
    hearing = Hearing.objects.get(case__slug="popova-v-moscow")
    url = reverse("admin:cases_hearing_delete", args=[hearing.pk])
    page = lawyer_client.get(url).content.decode()
    assert f'name="expected_version" value="{hearing.version}"' in page
    Hearing.objects.filter(pk=hearing.pk).update(version=hearing.version + 1)  # another lawyer saved it meanwhile
    response = lawyer_client.post(url, {"post": "yes", "expected_version": hearing.version}, follow=True)
    assert "Nothing was deleted" in response.content.decode()
    assert "was changed by someone else" in response.content.decode()
    assert Hearing.objects.filter(pk=hearing.pk).exists()

    response = lawyer_client.post(url, {"post": "yes", "expected_version": hearing.version + 1})
    assert response.status_code == 302
    assert not Hearing.objects.filter(pk=hearing.pk).exists()
