"""Documents in the sync feed: `document` items (what the document is, its size and SHA-256;
the file itself at /api/v1/documents/<id>/file/), for members always, for everyone else only
while the document and its case are public; making either private reaches outsiders as a
delete, and deleting the document or its case sends tombstones. Real committed transactions,
as in test_feed.py."""

import hashlib
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from actions import cases as case_actions
from cases import services
from documents import services as document_services
from tests.api.conftest import client_with_token
from tests.changes.test_feed import _new_case, summary, sync

pytestmark = pytest.mark.django_db(transaction=True)
CONTENT = b"%PDF-1.4 exhibit"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _add(case, *, public, title="Photo of the camera"):
    return document_services.document_add(
        case=case,
        title=title,
        file=io.BytesIO(CONTENT),
        filename="camera.pdf",
        is_public=public,
        description="Camera at Tverskaya",
        notes="from our own archive",
    )


def _documents(page):
    return [item for item in page["results"] if item["type"] == "document"]


def test_members_get_every_document_outsiders_the_public_ones(org, member):
    case = _new_case(org, public=True)
    public, private = _add(case, public=True), _add(case, public=False, title="Client letter")
    members, anyone = client_with_token(member), APIClient()

    items = {item["id"]: item for item in _documents(sync(members))}
    assert set(items) == {public.pk, private.pk}
    data = items[public.pk]["data"]
    assert data["sha256"] == hashlib.sha256(CONTENT).hexdigest() and data["size"] == len(CONTENT)
    assert (data["case"], data["title"], data["is_public"], data["notes"]) == (
        case.pk,
        "Photo of the camera",
        True,
        "from our own archive",
    )
    assert members.get(f"/api/v1/documents/{private.pk}/file/").status_code == 200

    outsiders = _documents(sync(anyone))
    assert [item["id"] for item in outsiders] == [public.pk]
    assert "notes" not in outsiders[0]["data"]  # private to the organization
    assert "Client letter" not in str(sync(anyone))


def test_a_document_made_private_is_a_delete_for_outsiders_an_upsert_for_members(org, member):
    case = _new_case(org, public=True)
    document = _add(case, public=True)
    members, anyone = client_with_token(member), APIClient()
    member_cursor, anyone_cursor = sync(members)["next"], sync(anyone)["next"]

    document_services.document_update(document=document, is_public=False)

    assert summary({"results": _documents(sync(anyone, anyone_cursor))}) == [("document", document.pk, "delete")]
    item = _documents(sync(members, member_cursor))[0]
    assert (item["op"], item["data"]["is_public"], item["version"]) == ("upsert", False, 2)


def test_a_case_turning_private_takes_its_documents_from_outsiders(org, member):
    case = _new_case(org, public=True)
    document = _add(case, public=True)
    anyone = APIClient()
    cursor = sync(anyone)["next"]
    case_actions.case_update(case=case, is_public=False)
    assert ("document", document.pk, "delete") in summary(sync(anyone, cursor))
    assert _documents(sync(client_with_token(member)))[0]["op"] == "upsert"


def test_deleting_the_document_or_its_case_sends_tombstones(org, member):
    case = _new_case(org, public=True)
    first, second = _add(case, public=True), _add(case, public=False, title="Second")
    members = client_with_token(member)
    cursor = sync(members)["next"]

    first_id = first.pk
    document_services.document_delete(document=first)
    page = sync(members, cursor)
    assert summary({"results": _documents(page)}) == [("document", first_id, "delete")]

    services.case_delete(case=case)
    assert ("document", second.pk, "delete") in summary(sync(members, page["next"]))


def test_feed_query_count_with_documents_is_constant(org, member):
    for n in range(4):
        case = _new_case(org, title=f"Case {n}")
        _add(case, public=True)
        _add(case, public=False)
    client = client_with_token(member)
    sync(client)  # every row below the horizon; the token is remembered from here on
    for limit in (4, 12):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/api/v1/changes/?limit={limit}").json()
        types = {item["type"] for item in body["results"]}
        assert "document" in types
        # the pruned point, the change rows, then one read per type in the page: never per row
        assert len(queries.captured_queries) == 2 + len(types), (limit, types)
