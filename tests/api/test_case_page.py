"""The unfiltered case list reads its page with its own statement (api/cases/case_page.py);
filtered lists take the ORM. Both must give every caller the same cases, in the same pages,
with interchangeable cursors, and the statement's visibility rule must be cases_visible_to's."""

import base64

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from cases.models import Case
from cases.selectors import case_visibility_sql, cases_visible_to
from tests.api.conftest import client_with_token
from tests.factories import CaseFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

MATCH_ALL = "updated_after=2000-01-01T00:00:00Z"  # a filter every case passes: forces the ORM path


@pytest.fixture
def world(db):
    """Two organizations with public and private cases interleaved by id, and callers who see
    different parts of them."""
    ours, theirs = OrganizationFactory(), OrganizationFactory()
    for index in range(14):
        CaseFactory(organization=(ours, theirs)[index % 2], is_public=index % 3 == 0)
    member = MembershipFactory(organization=ours, role="viewer", user=UserFactory()).user
    admin = UserFactory(is_superuser=True, is_staff=True)
    stranger = UserFactory()
    return {"ours": ours, "member": member, "admin": admin, "stranger": stranger}


def _walk(client, url):
    """Every page forwards, then backwards through the previous links: (pages, pages back)."""
    pages, response = [], client.get(url)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body["results"])
        if not body["next"]:
            break
        response = client.get(body["next"])
    back = []
    while body["previous"]:
        body = client.get(body["previous"]).json()
        back.append(body["results"])
    return pages, back


@pytest.mark.parametrize("caller", ["anonymous", "member", "admin", "stranger"])
def test_same_pages_as_the_orm_path_for_every_caller(world, caller, api):
    client = api if caller == "anonymous" else client_with_token(world[caller])
    fast, fast_back = _walk(client, "/api/v1/cases/?page_size=4")
    orm, orm_back = _walk(client, f"/api/v1/cases/?page_size=4&{MATCH_ALL}")

    assert fast == orm and fast_back == orm_back
    assert fast_back == list(reversed(fast[:-1]))
    ids = [record["id"] for page in fast for record in page]
    assert ids == sorted(ids, reverse=True)
    user = AnonymousUser() if caller == "anonymous" else world[caller]
    assert ids == list(cases_visible_to(user=user).order_by("-id").values_list("id", flat=True))
    shows_notes = caller in ("member", "admin")
    for record in (record for page in fast for record in page):
        member_case = caller == "admin" or (caller == "member" and record["organization"] == world["ours"].slug)
        assert ("notes" in record) == (member_case and shows_notes)


def test_cursors_are_interchangeable_between_the_paths(world):
    client = client_with_token(world["member"])
    orm_next = client.get(f"/api/v1/cases/?page_size=3&{MATCH_ALL}").json()["next"]
    fast_next = client.get("/api/v1/cases/?page_size=3").json()["next"]
    cursor = orm_next.split("cursor=")[1].split("&")[0]
    assert client.get(f"/api/v1/cases/?page_size=3&cursor={cursor}").json() == client.get(fast_next).json()


@pytest.mark.parametrize("position", ["abc", "1.5", "", "99999999999999999999999"])
@pytest.mark.parametrize("filtered", [False, True])
def test_a_forged_cursor_is_a_404_never_a_500(world, api, position, filtered):
    cursor = base64.b64encode(f"p={position}".encode()).decode()
    response = api.get(f"/api/v1/cases/?cursor={cursor}" + (f"&{MATCH_ALL}" if filtered else ""))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Invalid cursor"


@pytest.mark.parametrize("caller", ["anonymous", "member", "admin", "stranger"])
def test_visibility_sql_selects_what_cases_visible_to_does(world, caller):
    user = AnonymousUser() if caller == "anonymous" else world[caller]
    organizations = {
        "anonymous": frozenset(),
        "stranger": frozenset(),
        "member": frozenset({world["ours"].pk}),
        "admin": None,
    }[caller]
    where, params = case_visibility_sql(organizations=organizations)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "cases_case"."id" FROM "cases_case" WHERE {where} ORDER BY 1', params)  # noqa: S608
        selected = [row[0] for row in cursor.fetchall()]
    assert selected == list(cases_visible_to(user=user).order_by("id").values_list("id", flat=True))
    assert 0 < len(selected) <= Case.objects.count()


@pytest.mark.parametrize(
    "base_url",
    [
        "http://testserver/api/v1/cases/?page_size=50",
        "http://testserver/api/v1/cases/?cursor=cD01&status=open&status=decided&q=%D0%BF%D0%BE%D0%BF+ova&empty=",
        "https://example.org/api/v1/cases/",
        "http://testserver/api/v1/cases/?z=1&a=%2B#part",
    ],
)
def test_links_are_drfs_own(base_url):
    """StableCursorPagination builds its links from the page's URL taken apart once: the links
    are still exactly DRF's (parameters sorted, other parameters kept, the old cursor replaced)."""
    from rest_framework.pagination import Cursor, CursorPagination

    from api.pagination import StableCursorPagination

    ours, drfs = StableCursorPagination(), CursorPagination()
    ours.base_url = drfs.base_url = base_url
    for cursor in (Cursor(0, False, "5"), Cursor(3, True, None), Cursor(0, True, "a+/="), Cursor(0, False, None)):
        assert ours.encode_cursor(cursor) == drfs.encode_cursor(cursor)


def test_organization_arrays_are_integers_only():
    from cases.selectors import bigint_array

    assert bigint_array({7, 3, 12}) == "{3,7,12}"
    assert bigint_array([]) == "{}"
    with pytest.raises(ValueError):
        bigint_array(["1}; DROP TABLE cases_case; --"])
