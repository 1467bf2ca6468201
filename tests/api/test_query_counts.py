"""Exact query counts for every list and detail endpoint, the same for 2 records as for 12
(no query per row). Counts with a token: 1 query for the token with its user and the user's
memberships (on a token's first request: the process then remembers it, tests/apitokens/test_cache.py),
then the data.
Outsiders (here anonymous) read a page of records whose cases have a party without consent
with one more query: those parties' names and aliases, for the whole page
(cases/redaction.py replaces the names in the records' public texts); members read none.
A case's tags come in the case query itself (an ARRAY subquery), not a second query. Members
also get the deadlines of a case or ruling detail (one query); outsiders get none, and no query."""

import datetime as dt

import pytest

from actions.deadlines import deadlines_recompute
from tests.api.conftest import client_with_token
from tests.factories import AppealFactory, CaseFactory, CourtFactory, HearingFactory, PartyFactory, RulingFactory

pytestmark = pytest.mark.django_db


def _populate(organization, n):
    for _ in range(n):
        case = CaseFactory(organization=organization)
        case.tags.create(name=f"tag {case.pk}", slug=f"tag-{case.pk}")
        court, upper = CourtFactory(), CourtFactory(level="appeal")
        PartyFactory(case=case)
        PartyFactory(case=case, consent_to_publish=False, alias="Witness A")  # hidden from outsiders
        HearingFactory(case=case, court=court)
        ruling = RulingFactory(case=case, court=court, final_form_on=dt.date(2019, 11, 11))
        deadlines_recompute(ruling=ruling)  # the ruling's appeal deadline
        AppealFactory(case=case, ruling=ruling, court=upper)
    return case


LISTS = {
    # endpoint: (anonymous, with token)
    "/api/v1/cases/": (2, 2),
    "/api/v1/courts/": (1, 2),
    "/api/v1/parties/": (2, 2),
    "/api/v1/hearings/": (2, 2),
    "/api/v1/rulings/": (2, 2),
    "/api/v1/appeals/": (2, 2),
}


@pytest.mark.parametrize("endpoint", sorted(LISTS))
@pytest.mark.parametrize("rows", [2, 12])
def test_list_query_count_is_constant(endpoint, rows, lawyer, case, django_assert_num_queries, api):
    _populate(case.organization, rows)
    anonymous, with_token = LISTS[endpoint]
    token_client = client_with_token(lawyer)
    with django_assert_num_queries(anonymous):
        response = api.get(f"{endpoint}?page_size=50")
    assert response.status_code == 200
    assert len(response.json()["results"]) >= rows
    with django_assert_num_queries(with_token):
        assert token_client.get(f"{endpoint}?page_size=50").status_code == 200


DETAILS = {
    # record kind: (anonymous, with token)
    "cases": (5, 7),
    "courts": (1, 2),
    "parties": (2, 2),
    "hearings": (2, 2),
    "rulings": (2, 3),
    "appeals": (2, 2),
}


@pytest.mark.parametrize("kind", sorted(DETAILS))
@pytest.mark.parametrize("rows", [1, 5])
def test_detail_query_count_is_constant(kind, rows, lawyer, case, django_assert_num_queries, api):
    last = _populate(case.organization, 1)
    for _ in range(rows):  # more records on the same case: the case page must not grow in queries
        PartyFactory(case=last)
        ruling = RulingFactory(case=last, court=CourtFactory(), final_form_on=dt.date(2019, 11, 11))
        deadlines_recompute(ruling=ruling)
        AppealFactory(case=last, ruling=ruling, court=CourtFactory(level="appeal"))
        HearingFactory(case=last, court=ruling.court)
    record = {
        "cases": last,
        "courts": last.hearings.first().court,
        "parties": last.parties.first(),
        "hearings": last.hearings.first(),
        "rulings": last.rulings.first(),
        "appeals": last.appeals.first(),
    }[kind]
    anonymous, with_token = DETAILS[kind]
    with django_assert_num_queries(anonymous):
        assert api.get(f"/api/v1/{kind}/{record.pk}/").status_code == 200
    token_client = client_with_token(lawyer)
    with django_assert_num_queries(with_token):
        body = token_client.get(f"/api/v1/{kind}/{record.pk}/").json()
    if kind in ("cases", "rulings"):  # the member's detail does carry the deadlines
        assert len(body["deadlines"]) == (rows + 1 if kind == "cases" else 1)
