"""The access log (accesslog/): reads of private data are recorded, through the pages and the
API; owners read their organization's records, nobody else reads them and nobody edits them."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accesslog.models import AccessRecord
from accesslog.services import client_address
from accesslog.tasks import access_log_prune_task
from apitokens.services import api_token_create
from cases.models import Membership
from documents import services as document_services
from tests.factories import CaseFactory, MembershipFactory, OrganizationFactory, PartyFactory, UserFactory


def api_as(user):
    _, raw = api_token_create(user=user, name="test")
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def web_as(user):
    client = Client(REMOTE_ADDR="198.51.100.4")
    client.force_login(user)
    return client


@pytest.fixture
def org_a(db):
    """Organization A: a private case with a party with contacts and one without, a public case,
    an owner, a lawyer, and an outsider."""
    private = CaseFactory(slug="secret-a", is_public=False, notes="strategy")
    public = CaseFactory(slug="public-a", organization=private.organization, is_public=True)
    with_contacts = PartyFactory(case=private, contact_email="witness@example.org", notes="protect")
    without = PartyFactory(case=private)
    public_party = PartyFactory(case=public, contact_phone="+7 900")
    org = private.organization
    owner = MembershipFactory(organization=org, role="owner", user=UserFactory(username="owner-a")).user
    lawyer = MembershipFactory(organization=org, role="lawyer", user=UserFactory(username="lawyer-a")).user
    return {
        "org": org,
        "private": private,
        "public": public,
        "with_contacts": with_contacts,
        "without": without,
        "public_party": public_party,
        "owner": owner,
        "lawyer": lawyer,
        "outsider": UserFactory(username="outsider"),
    }


def queries_of(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return [q["sql"] for q in captured.captured_queries]


def records():
    return list(
        AccessRecord.objects.order_by("id").values_list(
            "username", "address", "organization_id", "case_id", "kind", "channel", "object_id"
        )
    )


@pytest.mark.django_db
def test_a_members_view_of_a_private_case_page_is_recorded_with_the_contacts_shown(org_a):
    # when the lawyer opens the private case's page
    response = web_as(org_a["lawyer"]).get(reverse("web:case_detail", args=["secret-a"]))

    # then the page showed the contacts, and the case and that party's contacts are on record
    assert response.status_code == 200 and b"witness@example.org" in response.content
    org, case = org_a["org"].pk, org_a["private"].pk
    assert records() == [
        ("lawyer-a", "198.51.100.4", org, case, "case", "web", case),
        ("lawyer-a", "198.51.100.4", org, case, "party_contacts", "web", org_a["with_contacts"].pk),
    ]


@pytest.mark.django_db
def test_a_public_case_page_records_only_the_contacts_a_member_saw(org_a):
    web_as(org_a["lawyer"]).get(reverse("web:case_detail", args=["public-a"]))
    assert [r[4:] for r in records()] == [("party_contacts", "web", org_a["public_party"].pk)]


@pytest.mark.django_db
def test_an_outsider_is_turned_away_and_nothing_is_recorded(org_a):
    response = web_as(org_a["outsider"]).get(reverse("web:case_detail", args=["secret-a"]))
    assert response.status_code == 404
    assert api_as(org_a["outsider"]).get(f"/api/v1/cases/{org_a['private'].pk}/").status_code == 404
    assert api_as(org_a["outsider"]).get(f"/api/v1/parties/{org_a['public_party'].pk}/").status_code == 200
    assert records() == []


@pytest.mark.django_db
def test_the_api_case_detail_and_party_detail_are_recorded(org_a):
    client = api_as(org_a["lawyer"])
    org, case = org_a["org"].pk, org_a["private"].pk

    detail = client.get(f"/api/v1/cases/{case}/")
    party = client.get(f"/api/v1/parties/{org_a['with_contacts'].pk}/")
    client.get(f"/api/v1/parties/{org_a['without'].pk}/")  # no contacts: nothing read

    assert detail.status_code == 200 and detail.json()["notes"] == "strategy"
    assert party.json()["contact_email"] == "witness@example.org"
    assert records() == [
        ("lawyer-a", "203.0.113.7", org, case, "case", "api", case),
        ("lawyer-a", "203.0.113.7", org, case, "party_contacts", "api", org_a["with_contacts"].pk),
        ("lawyer-a", "203.0.113.7", org, case, "party_contacts", "api", org_a["with_contacts"].pk),
    ]


@pytest.mark.django_db
def test_recording_a_read_is_one_insert(org_a):
    client = api_as(org_a["lawyer"])
    party = org_a["with_contacts"].pk
    client.get(f"/api/v1/parties/{party}/")
    AccessRecord.objects.all().delete()

    with_log = queries_of(lambda: client.get(f"/api/v1/parties/{party}/"))
    without_log = queries_of(lambda: client.get(f"/api/v1/parties/{org_a['without'].pk}/"))
    # one INSERT (asking for its commit not to wait for the disk itself: no SET LOCAL, no savepoint)
    assert len(with_log) == len(without_log) + 1
    assert [q for q in with_log if "accesslog_accessrecord" in q] == [
        next(q for q in with_log if q.startswith('INSERT INTO "accesslog_accessrecord"'))
    ]


@pytest.mark.django_db
def test_private_document_and_internal_dossier_downloads_are_recorded_public_ones_not(org_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    private_doc = document_services.document_add(
        case=org_a["private"], title="Statement", file=io.BytesIO(b"secret"), filename="s.txt"
    )
    public_doc = document_services.document_add(
        case=org_a["public"], title="Press", file=io.BytesIO(b"press"), filename="p.txt", is_public=True
    )
    dossier_doc = document_services.document_add(
        case=org_a["private"], title="Dossier", file=io.BytesIO(b"%PDF"), filename="d.pdf", kind="dossier"
    )
    api, web = api_as(org_a["lawyer"]), web_as(org_a["lawyer"])

    assert api.get(f"/api/v1/documents/{private_doc.pk}/file/").status_code == 200
    assert web.get(f"/api/v1/documents/{dossier_doc.pk}/file/").status_code == 200
    assert api.get(f"/api/v1/documents/{public_doc.pk}/file/").status_code == 200

    case = org_a["private"].pk
    assert [r[3:] for r in records()] == [
        (case, "document", "api", private_doc.pk),
        (case, "dossier", "web", dossier_doc.pk),
    ]


def test_the_client_address_is_remote_addr_and_nothing_else():
    class Request:
        def __init__(self, meta):
            self.META = meta

    assert client_address(Request({"REMOTE_ADDR": "2001:db8::1"})) == "2001:db8::1"
    assert client_address(Request({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"})) == "10.0.0.1"
    assert client_address(Request({"REMOTE_ADDR": "not an address"})) is None
    assert client_address(Request({})) is None


# --- reading the log ------------------------------------------------------------------------


@pytest.fixture
def two_orgs(org_a):
    """Organization B with its own owner and a read of its own."""
    case_b = CaseFactory(slug="secret-b", is_public=False, organization=OrganizationFactory(slug="org-b"))
    owner_b = MembershipFactory(organization=case_b.organization, role="owner", user=UserFactory(username="owner-b"))
    web_as(org_a["lawyer"]).get(reverse("web:case_detail", args=["secret-a"]))
    web_as(owner_b.user).get(reverse("web:case_detail", args=["secret-b"]))
    return {**org_a, "owner_b": owner_b.user, "case_b": case_b}


@pytest.mark.django_db
def test_an_owner_reads_their_organizations_log_on_the_page_and_over_the_api(two_orgs):
    page = web_as(two_orgs["owner"]).get(reverse("web:access_log"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "lawyer-a" in text and "198.51.100.4" in text and "owner-b" not in text

    body = api_as(two_orgs["owner"]).get("/api/v1/access-log/").json()
    assert [(r["user"], r["kind"], r["organization"], r["channel"]) for r in body["results"]] == [
        ("lawyer-a", "party_contacts", two_orgs["org"].slug, "web"),
        ("lawyer-a", "case", two_orgs["org"].slug, "web"),
    ]
    assert body["results"][0]["address"] == "198.51.100.4"


@pytest.mark.django_db
def test_another_organizations_owner_sees_nothing_of_a(two_orgs):
    body = api_as(two_orgs["owner_b"]).get("/api/v1/access-log/").json()
    assert {r["organization"] for r in body["results"]} == {"org-b"}
    assert (
        api_as(two_orgs["owner_b"]).get(f"/api/v1/access-log/?organization={two_orgs['org'].slug}").status_code == 400
    )
    page = web_as(two_orgs["owner_b"]).get(reverse("web:access_log"), {"organization": two_orgs["org"].slug})
    assert page.status_code == 400 and "lawyer-a" not in page.content.decode()


@pytest.mark.django_db
def test_members_who_are_not_owners_and_anonymous_visitors_cannot_read_the_log(two_orgs):
    for user in (two_orgs["lawyer"], two_orgs["outsider"]):
        response = api_as(user).get("/api/v1/access-log/")
        assert response.status_code == 403
        assert "owners" in response.json()["error"]["message"]
        assert web_as(user).get(reverse("web:access_log")).status_code == 403
    assert APIClient().get("/api/v1/access-log/").status_code in (401, 403)
    assert Client().get(reverse("web:access_log")).status_code == 302  # to the login page


@pytest.mark.django_db
def test_the_api_log_is_read_only_and_refuses_unknown_parameters(two_orgs):
    client = api_as(two_orgs["owner"])
    count = AccessRecord.objects.count()
    assert client.post("/api/v1/access-log/", {"kind": "case"}).status_code == 405
    assert client.delete("/api/v1/access-log/").status_code == 405
    assert AccessRecord.objects.count() == count
    bad = client.get("/api/v1/access-log/?user=lawyer-a")
    assert bad.status_code == 400 and "user" in bad.json()["error"]["fields"]


@pytest.mark.django_db
def test_the_api_log_filters_by_organization_and_pages(two_orgs):
    client = api_as(two_orgs["owner"])
    MembershipFactory(organization=two_orgs["case_b"].organization, user=two_orgs["owner"], role="owner")
    both = client.get("/api/v1/access-log/").json()["results"]
    only_b = client.get("/api/v1/access-log/?organization=org-b").json()["results"]
    assert {r["organization"] for r in both} == {two_orgs["org"].slug, "org-b"}
    assert {r["organization"] for r in only_b} == {"org-b"}
    first = client.get("/api/v1/access-log/?page_size=1").json()
    assert len(first["results"]) == 1 and first["next"]


@pytest.mark.django_db
def test_the_dashboard_links_owners_to_the_log(two_orgs):
    link = reverse("web:access_log")
    assert link in web_as(two_orgs["owner"]).get(reverse("web:dashboard")).content.decode()
    assert link not in web_as(two_orgs["lawyer"]).get(reverse("web:dashboard")).content.decode()


# --- nobody edits it ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_record_cannot_be_changed_by_the_model_or_by_sql(two_orgs):
    record = AccessRecord.objects.filter(username="lawyer-a").first()
    record.username = "someone else"
    with pytest.raises(ValueError, match="append-only"):
        record.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE accesslog_accessrecord SET username = 'x' WHERE id = %s", [record.pk])
    assert AccessRecord.objects.get(pk=record.pk).username == "lawyer-a"


@pytest.mark.django_db
def test_deleting_a_user_or_a_case_keeps_the_record_unlinked(two_orgs):
    two_orgs["lawyer"].delete()
    two_orgs["private"].delete()
    kept = AccessRecord.objects.filter(username="lawyer-a")
    assert kept.count() == 2
    assert set(kept.values_list("user_id", "case_id")) == {(None, None)}


@pytest.mark.django_db
def test_deleting_an_organization_deletes_its_records_and_no_others(two_orgs):
    # No constraint in the database does it (accesslog/models.py): Django's deletion does.
    organization_b = two_orgs["case_b"].organization
    two_orgs["case_b"].delete()  # (an organization with cases is protected)
    organization_b.delete()
    assert not AccessRecord.objects.filter(organization_id=organization_b.pk).exists()
    assert AccessRecord.objects.filter(username="lawyer-a").count() == 2


def row_xmax(table: str, pk: int) -> str:
    """The row's xmax: a row lock (SELECT ... FOR KEY SHARE, as a foreign-key check takes) sets it
    to the locking transaction."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmax::text FROM {table} WHERE id = %s", [pk])  # noqa: S608 (names from the test)
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_logged_read_leaves_the_case_user_and_organization_rows_untouched(org_a):
    # A foreign-key check locks the row it points at: each logged read of a private case used to
    # lock and dirty that case's row (a full page in the WAL after every checkpoint: 7.7 KB a read).
    case = org_a["private"]
    rows = [("cases_case", case.pk), ("auth_user", org_a["lawyer"].pk), ("cases_organization", org_a["org"].pk)]
    client = api_as(org_a["lawyer"])  # (its token's row points at the user: made before)
    before = [row_xmax(table, pk) for table, pk in rows]
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert client.get(f"/api/v1/parties/{org_a['with_contacts'].pk}/").status_code == 200
    assert AccessRecord.objects.filter(case_id=case.pk).count() == 3
    assert [row_xmax(table, pk) for table, pk in rows] == before


@pytest.mark.django_db
def test_the_admin_shows_the_log_but_cannot_change_or_delete_it(two_orgs, admin_client):
    record = AccessRecord.objects.filter(username="lawyer-a").first()
    assert admin_client.get(reverse("admin:accesslog_accessrecord_changelist")).status_code == 200
    assert (
        admin_client.post(reverse("admin:accesslog_accessrecord_delete", args=[record.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert admin_client.get(reverse("admin:accesslog_accessrecord_add")).status_code == 403
    response = admin_client.post(reverse("admin:accesslog_accessrecord_change", args=[record.pk]), {"username": "x"})
    assert response.status_code == 403
    assert AccessRecord.objects.get(pk=record.pk).username == "lawyer-a"


# --- kept ACCESS_LOG_DAYS -------------------------------------------------------------------


@pytest.mark.django_db
def test_records_past_the_retention_are_pruned_by_the_task_and_the_command(two_orgs, settings):
    settings.ACCESS_LOG_DAYS = 30
    old = AccessRecord.objects.create(
        at=timezone.now() - dt.timedelta(days=31),
        username="long-ago",
        organization=two_orgs["org"],
        kind="case",
        channel="web",
    )
    recent = AccessRecord.objects.count() - 1
    assert access_log_prune_task() == 1
    assert not AccessRecord.objects.filter(pk=old.pk).exists()
    assert AccessRecord.objects.count() == recent

    out = io.StringIO()
    call_command("prune_access_log", "--days", "1", stdout=out)
    assert out.getvalue() == "Deleted 0 access record(s) older than 1 day(s).\n"
    with pytest.raises(CommandError, match="--days must be at least 1"):
        call_command("prune_access_log", "--days", "0")


def test_the_beat_prunes_daily(settings):
    assert settings.CELERY_BEAT_SCHEDULE["access-log-prune"] == {"task": "accesslog.prune", "schedule": 24 * 3600}
    assert settings.ACCESS_LOG_DAYS == 365


@pytest.mark.django_db
def test_a_viewer_member_is_recorded_too(org_a):
    viewer = MembershipFactory(organization=org_a["org"], role=Membership.Role.VIEWER).user
    web_as(viewer).get(reverse("web:case_detail", args=["secret-a"]))
    assert {r[0] for r in records()} == {viewer.username}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_logged_read_is_one_insert_committed_without_waiting_for_the_disk(org_a):
    # (the other tests run inside a transaction, where a BEGIN/COMMIT would not show)
    client = api_as(org_a["lawyer"])
    case = org_a["private"].pk
    client.get(f"/api/v1/cases/{case}/")
    logged = queries_of(lambda: client.get(f"/api/v1/cases/{case}/"))
    tail = logged[next(n for n, q in enumerate(logged) if "accesslog_accessrecord" in q) :]
    # The INSERT is the request's last statement and its own transaction (no BEGIN, COMMIT or SET
    # LOCAL around it); set_config(..., true) in it is SET LOCAL for that transaction's commit.
    assert len(tail) == 1 and tail[0].startswith('INSERT INTO "accesslog_accessrecord"')
    assert tail[0].endswith("RETURNING set_config('synchronous_commit', 'off', true)")
    assert "BEGIN" not in logged and "COMMIT" not in logged
    assert AccessRecord.objects.filter(case_id=case).count() == 4  # the case and one party's contacts, twice


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_logged_reads_transaction_commits_without_waiting_for_the_disk(org_a):
    # Inside a transaction (here the test's), the INSERT turns synchronous_commit off for that
    # transaction's commit, as SET LOCAL did; PostgreSQL reads it when committing.
    assert synchronous_commit() == "on"
    party = org_a["with_contacts"].pk
    assert api_as(org_a["lawyer"]).get(f"/api/v1/parties/{party}/").status_code == 200
    assert AccessRecord.objects.filter(object_id=party).count() == 1
    assert synchronous_commit() == "off"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_setting_ends_with_the_logged_reads_own_commit(org_a):
    # Autocommit: the INSERT was its own transaction; the next statements commit as usual.
    party = org_a["with_contacts"].pk
    assert api_as(org_a["lawyer"]).get(f"/api/v1/parties/{party}/").status_code == 200
    assert AccessRecord.objects.filter(object_id=party).count() == 1
    assert synchronous_commit() == "on"
