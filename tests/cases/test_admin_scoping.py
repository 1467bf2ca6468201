"""The admin as staff of one organization sees it: nothing of another organization's records on
any page (history included, deleted records included), and viewers write nothing."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from actions import organizations as organization_actions
from cases.models import Appeal, Case, CaseEvent, Hearing, Organization, Party, Ruling
from deadlines.models import Deadline
from documents.models import Document
from tests.scoping import build_world

pytestmark = pytest.mark.django_db

HISTORY_MODELS = [Case, Party, Hearing, Ruling, Appeal, CaseEvent, Document, Deadline]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world():
    return build_world()


def _url(model, suffix, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{suffix}", args=args)


def _history_urls(side, model):
    obj = side.objects[model]
    version = obj.history.order_by("history_id").first()
    return [_url(model, "history", obj.pk), _url(model, "simple_history", obj.pk, version.history_id)]


@pytest.mark.parametrize("role", ["viewer", "lawyer", "owner"])
def test_another_organizations_history_is_a_404(client, world, role):
    a, b = world
    client.force_login(a.users[role])
    for model in HISTORY_MODELS:
        for url in _history_urls(b, model):
            response = client.get(url)
            assert response.status_code == 404, url
            assert b.marker not in response.content.decode()
        for url in _history_urls(a, model):  # its own: the pages still work
            assert client.get(url).status_code == 200, url


def test_a_deleted_record_of_another_organization_keeps_its_history_hidden(client, world):
    a, b = world
    urls = _history_urls(b, Party)
    b.party.delete()  # history remains: simple-history falls back to it when the object is gone
    client.force_login(a.users["owner"])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b.marker not in response.content.decode()
    client.force_login(b.users["viewer"])  # its own organization still reads it
    assert client.get(urls[0]).status_code == 200


def test_every_page_of_another_organizations_case_is_a_404(client, world):
    a, b = world
    client.force_login(a.users["owner"])
    for suffix in ("change", "delete"):
        response = client.get(_url(Case, suffix, b.case.pk))
        assert response.status_code == 404, suffix


def test_a_viewer_cannot_revert_through_the_history_form(client, world):
    a, _b = world
    version = a.case.history.order_by("history_id").first()
    title = a.case.title
    client.force_login(a.users["viewer"])
    response = client.post(
        _url(Case, "simple_history", a.case.pk, version.history_id), {"title_en": "reverted by a viewer"}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=a.case.pk).title == title


def test_the_hearing_lists_case_filter_offers_only_the_organizations_cases(client, world):
    a, b = world
    client.force_login(a.users["lawyer"])
    page = client.get(_url(Hearing, "changelist") + "?when=all").content.decode()
    assert a.case.title in page
    assert b.marker not in page


def test_the_case_lists_organization_filter_names_only_the_users_organizations(client, world):
    a, b = world
    client.force_login(a.users["lawyer"])
    page = client.get(_url(Case, "changelist")).content.decode()
    assert a.organization.name in page
    assert b.organization.name not in page


def test_another_organizations_page_and_members_are_hidden(client, world):
    a, b = world
    client.force_login(a.users["viewer"])
    assert client.get(_url(Organization, "change", b.organization.pk)).status_code == 404
    page = client.get(_url(Organization, "changelist")).content.decode()
    assert b.organization.name not in page
    assert b.marker.lower() not in page.lower()
    own = client.get(_url(Organization, "change", a.organization.pk))
    assert own.status_code == 200
    assert a.users["lawyer"].username in own.content.decode()


def test_a_partys_represents_choices_are_the_organizations_parties_only(client, world):
    a, b = world
    client.force_login(a.users["lawyer"])
    page = client.get(_url(Case, "change", a.case.pk)).content.decode()
    assert a.party.name in page
    assert b.marker not in page


def test_the_case_autocomplete_offers_only_the_organizations_cases(client, world):
    a, b = world
    client.force_login(a.users["lawyer"])
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "hearing", "field_name": "case", "term": "QZX"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [a.case.title]


def test_staff_cannot_pick_another_organizations_case_in_a_form(client, world):
    a, b = world
    client.force_login(a.users["lawyer"])
    before = Hearing.objects.count()
    response = client.post(
        _url(Hearing, "add"),
        {
            "case": b.case.pk,
            "court": b.hearing.court_id,
            "starts_at_0": "2031-03-02",
            "starts_at_1": "10:30",
            "duration_minutes": 90,
            "kind": "appeal",
            "status": "scheduled",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.content.decode()
    assert Hearing.objects.count() == before


def test_a_lawyer_cannot_delete_a_case_where_they_are_only_a_viewer(client, world):
    a, b = world
    # given A's lawyer is also a viewer of B
    from cases import services

    organization_actions.membership_set(organization=b.organization, user=a.users["lawyer"], role="viewer")
    bare = services.case_create(
        organization=b.organization, title=f"{b.marker} bare case", slug="bare-case-b", is_public=False
    )
    client.force_login(a.users["lawyer"])
    response = client.post(
        _url(Case, "changelist"), {"action": "delete_selected", "_selected_action": [bare.pk], "post": "yes"}
    )
    assert response.status_code == 403
    assert Case.objects.filter(pk=bare.pk).exists()


def test_users_are_listed_only_within_the_users_organizations(client, world):
    a, b = world
    client.force_login(a.users["owner"])
    page = client.get(_url(User, "changelist")).content.decode()
    assert a.users["lawyer"].username in page
    assert b.marker.lower() not in page.lower()
    assert client.get(_url(User, "change", b.users["owner"].pk)).status_code == 404


def test_the_superuser_sees_both_organizations_history(client, world):
    a, b = world
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    for side in (a, b):
        for url in _history_urls(side, Party):
            assert client.get(url).status_code == 200


def test_a_viewer_writes_nothing_even_with_every_model_permission(client, world):
    a, _b = world
    # given A's viewer holds the lawyers' model permissions: the role in the organization decides
    from django.contrib.auth.models import Group

    viewer = a.users["viewer"]
    viewer.groups.set([Group.objects.get(name="scoping lawyers")])
    client.force_login(viewer)
    title = a.case.title
    assert client.get(_url(Case, "add")).status_code == 403
    response = client.post(_url(Case, "change", a.case.pk), {"title_en": "changed by a viewer"})
    assert response.status_code == 403
    assert client.post(_url(Case, "delete", a.case.pk), {"post": "yes"}).status_code == 403
    assert client.post(_url(Party, "delete", a.party.pk), {"post": "yes"}).status_code == 403
    assert Case.objects.get(pk=a.case.pk).title == title
    assert Party.objects.filter(pk=a.party.pk).exists()
