"""Courts are shared by every organization (a court's time zone places everyone's hearings):
written through the API and the admin by superusers and the "Reference editors" group only,
never by a viewer's token because demo viewers are staff, nor by a lawyer as such (issue 20, hole 8)."""

import pytest
from django.contrib.auth.models import Group

from cases.models import Court
from demo.data import demo_seed
from tests.api.conftest import client_with_token
from tests.factories import CourtFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_COURT = {"name": "High Court", "jurisdiction": "gb-ew", "level": "appeal", "time_zone": "Europe/London"}
REFUSAL = "Only superusers and reference editors can change the list of courts."


def reference_editors():
    """The group cases/migrations/0006 makes (a transactional test elsewhere in the run may have
    emptied the tables since the migration ran: made again by the migration's own function)."""
    import importlib

    from django.apps import apps

    importlib.import_module("cases.migrations.0007_reference_editors").forwards(apps, None)
    return Group.objects.get(name="Reference editors")


def court_state(court):
    return Court.objects.values("name", "time_zone", "level", "version").get(pk=court.pk)


def writes(client, court):
    url = f"/api/v1/courts/{court.pk}/"
    return [
        client.post("/api/v1/courts/", NEW_COURT, format="json"),
        client.patch(url, {"time_zone": "Asia/Vladivostok"}, format="json"),
        client.delete(url),
    ]


def test_a_staff_viewers_token_may_not_create_edit_or_delete_a_court(case, court):
    # given a viewer who is staff, as the demo's viewer is
    viewer = MembershipFactory(
        organization=case.organization, role="viewer", user=UserFactory(username="viewer", is_staff=True)
    ).user
    before = court_state(court)

    responses = writes(client_with_token(viewer), court)

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert {r.json()["error"]["message"] for r in responses} == {REFUSAL}
    assert court_state(court) == before
    assert not Court.objects.filter(name="High Court").exists()


def test_a_staff_lawyer_may_not_either(case, court, lawyer):
    lawyer.is_staff = True
    lawyer.save()
    before = court_state(court)

    assert [r.status_code for r in writes(client_with_token(lawyer), court)] == [403, 403, 403]
    assert court_state(court) == before and Court.objects.count() == 1


def test_a_reference_editor_and_a_superuser_maintain_courts(court):
    editor = UserFactory(username="editor")
    editor.groups.add(reference_editors())
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    second = CourtFactory(name="Second court")

    for client, target in ((client_with_token(editor), court), (client_with_token(superuser), second)):
        created, edited, deleted = writes(client, target)
        assert (created.status_code, edited.status_code, deleted.status_code) == (201, 200, 204)
        assert edited.json()["time_zone"] == "Asia/Vladivostok"
        Court.objects.filter(name="High Court").delete()
    assert not Court.objects.filter(pk__in=[court.pk, second.pk]).exists()


def test_anyone_still_reads_courts(api, court):
    assert api.get(f"/api/v1/courts/{court.pk}/").status_code == 200


def test_in_the_admin_the_demo_viewer_and_lawyer_may_not_change_a_court(client, settings):
    # given the demo's accounts (staff, in the demo's Lawyers and Viewers groups)
    settings.DEBUG = True
    demo_seed()
    court = Court.objects.get(name_en="Tverskoy District Court of Moscow")
    before = court_state(court)
    form = {"name_en": court.name_en, "jurisdiction": "ru", "level": court.level, "time_zone": "Asia/Vladivostok"}

    for username in ("viewer", "lawyer"):
        client.force_login(UserFactory._meta.model.objects.get(username=username))
        assert client.post("/admin/cases/court/add/", {**form, "name_en": "New"}).status_code == 403
        assert client.post(f"/admin/cases/court/{court.pk}/change/", form).status_code == 403
        assert client.post(f"/admin/cases/court/{court.pk}/delete/", {"post": "yes"}).status_code == 403
        client.logout()

    assert court_state(court) == before and not Court.objects.filter(name_en="New").exists()


def test_the_migration_takes_court_writes_from_an_existing_demo_lawyers_group():
    # given a database seeded before: its Lawyers group has every permission of the cases app
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Permission

    lawyers = Group.objects.create(name="Lawyers")
    lawyers.permissions.set(Permission.objects.filter(content_type__app_label="cases"))
    Group.objects.filter(name="Reference editors").delete()

    importlib.import_module("cases.migrations.0007_reference_editors").forwards(apps, None)

    court_codenames = ["add_court", "change_court", "delete_court", "view_court"]
    kept = set(lawyers.permissions.filter(codename__in=court_codenames).values_list("codename", flat=True))
    assert kept == {"view_court"}
    assert lawyers.permissions.filter(codename="add_case").exists()
    assert lawyers.permissions.filter(codename__in=["add_tag", "view_tag"]).count() == 2
    editors = Group.objects.get(name="Reference editors")
    assert sorted(editors.permissions.values_list("codename", flat=True)) == sorted(
        f"{action}_{model}" for model in ("court", "tag") for action in ("add", "change", "delete", "view")
    )
