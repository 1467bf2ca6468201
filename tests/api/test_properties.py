"""Property tests (hypothesis): whatever a client sends to a serializer, a form or a filter
(extreme dates, huge lengths, control characters, lone surrogates, right-to-left marks, NUL),
the answer is a 2xx or a 4xx that says what is wrong, never a 5xx.

Derandomized with modest example counts: the same inputs on every run (CI reproduces a failure
as it is), all of it in well under a minute. Each example runs in a savepoint rolled back after
it, so examples do not see each other's rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import client_with_token
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, PartyFactory, RulingFactory, UserFactory
from tracker.rate_limits import throttle_counts_reset

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=15,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD_CHARACTERS = [
    "\x00",
    "\r",
    "\n",
    "\t",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\u200f",
    "\ufeff",
    "\uffff",
    "𝔘",
    "Ω",
    "ё",
]
# Lone surrogates exist in JSON (\ud800) but not in UTF-8: only the API can receive them.
SURROGATES = ["\ud800", "\udfff"]


def odd_text(*, surrogates: bool) -> st.SearchStrategy[str]:
    alphabet = st.sampled_from(ODD_CHARACTERS + (SURROGATES if surrogates else []) + ["a", " ", ",", ";", "\\"])
    return st.one_of(
        st.text(alphabet=alphabet, max_size=40),
        st.text(max_size=40),  # any Unicode hypothesis draws (no surrogates)
        st.integers(min_value=200, max_value=120_000).map(lambda length: "x" * length),  # past every limit
    )


OFFSETS = ["", "Z", "+00:00", "-05:00", "+14:00", "+23:59", "-23:59"]
EXTREME_DAYS = ["0001-01-01", "0001-01-02", "1899-12-31", "1900-01-01", "2200-12-31", "2201-01-01", "9999-12-31"]


def day_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(EXTREME_DAYS),
        st.dates().map(lambda day: day.isoformat()),
        st.text(max_size=12),
    )


def moment_text() -> st.SearchStrategy[str]:
    clock = st.sampled_from(["00:00", "00:30", "23:30", "23:59:59", "25:99", "12:00:00.999999"])
    return st.one_of(
        st.builds(lambda day, time, offset: f"{day}T{time}{offset}", day_text(), clock, st.sampled_from(OFFSETS)),
        st.datetimes().map(lambda moment: moment.isoformat()),
        st.text(max_size=30),
    )


def assert_answered(response) -> None:  # type: ignore[no-untyped-def]
    """No 5xx; a 4xx says what is wrong (the API's error shape, or a page with a form message)."""
    assert response.status_code < 500, response.content[:500]
    if 400 <= response.status_code < 500:
        if response["Content-Type"].startswith("application/json"):
            error = json.loads(response.content)["error"]
            assert error["message"]
            assert error["status"] == response.status_code
            if response.status_code == 400:
                assert error.get("fields") or error["message"]
        else:
            assert response.content.strip()


def as_json(body: dict) -> dict:
    """Request keyword arguments for a JSON body as a client sends it: ASCII with \\u escapes,
    so a lone surrogate travels as it would on the wire."""
    return {"data": json.dumps(body), "content_type": "application/json"}


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def world():
    throttle_counts_reset()
    court = CourtFactory(name="Southern District of New York", time_zone="America/New_York")
    other_court = CourtFactory(name="Court of Appeals")
    case = CaseFactory(slug="doe-v-nypd", is_public=True)
    lawyer = MembershipFactory(organization=case.organization, role="lawyer", user=UserFactory(username="lawyer")).user
    ruling = RulingFactory(case=case, court=court)
    party = PartyFactory(case=case, name="Jane Doe")
    yield {"court": court, "other_court": other_court, "case": case, "lawyer": lawyer, "ruling": ruling, "party": party}
    throttle_counts_reset()


# --- API serializers -----------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(title=odd_text(surrogates=True), summary=odd_text(surrogates=True), filed_on=day_text())
def test_cases(world, title, summary, filed_on):
    api = client_with_token(world["lawyer"])
    body = {"organization": world["case"].organization.slug, "title": title, "summary": summary, "filed_on": filed_on}
    with rolled_back():
        assert_answered(api.post("/api/v1/cases/", **as_json(body)))
        assert_answered(api.patch(f"/api/v1/cases/{world['case'].pk}/", **as_json(body), HTTP_IF_MATCH="*"))


def create_answered(world, resource: str, **fields) -> None:  # type: ignore[no-untyped-def]
    """POST a new record of the world's case to /api/v1/<resource>/ as its lawyer; rolled back."""
    api = client_with_token(world["lawyer"])
    with rolled_back():
        assert_answered(api.post(f"/api/v1/{resource}/", **as_json({"case": world["case"].pk, **fields})))


@PROPERTY_SETTINGS
@given(starts_at=moment_text(), courtroom=odd_text(surrogates=True), judge=odd_text(surrogates=True))
def test_hearings(world, starts_at, courtroom, judge):
    create_answered(
        world, "hearings", court=world["court"].pk, kind="merits", starts_at=starts_at, courtroom=courtroom, judge=judge
    )


@PROPERTY_SETTINGS
@given(
    decided_on=day_text(),
    final_form_on=day_text(),
    summary=odd_text(surrogates=True),
    citation=odd_text(surrogates=True),
)
def test_rulings(world, decided_on, final_form_on, summary, citation):
    create_answered(
        world,
        "rulings",
        court=world["other_court"].pk,
        outcome="dismissed",
        decided_on=decided_on,
        final_form_on=final_form_on,
        summary=summary,
        citation=citation,
    )


@PROPERTY_SETTINGS
@given(filed_on=day_text(), reference=odd_text(surrogates=True), grounds=odd_text(surrogates=True))
def test_appeals(world, filed_on, reference, grounds):
    create_answered(
        world,
        "appeals",
        ruling=world["ruling"].pk,
        court=world["other_court"].pk,
        kind="appeal",
        status="filed",
        filed_on=filed_on,
        reference=reference,
        grounds=grounds,
    )


@PROPERTY_SETTINGS
@given(name=odd_text(surrogates=True), alias=odd_text(surrogates=True), email=odd_text(surrogates=True))
def test_parties(world, name, alias, email):
    api = client_with_token(world["lawyer"])
    body = {"case": world["case"].pk, "role": "plaintiff", "kind": "person", "name": name, "alias": alias}
    with rolled_back():
        assert_answered(api.post("/api/v1/parties/", **as_json({**body, "contact_email": email})))
        assert_answered(
            api.patch(
                f"/api/v1/parties/{world['party'].pk}/",
                **as_json({"translations": {"name": {"ru": name}}, "description": alias}),
                HTTP_IF_MATCH="*",
            )
        )


@override_settings(REMINDERS_SUBSCRIBE_RATE="100000/hour")
@PROPERTY_SETTINGS
@given(email=odd_text(surrogates=True), time_zone=odd_text(surrogates=True), language=odd_text(surrogates=True))
def test_subscriptions(world, email, time_zone, language):
    body = {"case": "doe-v-nypd", "email": email, "time_zone": time_zone, "language": language}
    with rolled_back():
        assert_answered(Client().post("/api/v1/subscriptions/", **as_json(body)))


# --- Filters and query strings ---------------------------------------------------------------


@settings(PROPERTY_SETTINGS, max_examples=8)  # seven requests an example
@given(moment=moment_text(), day=day_text(), words=odd_text(surrogates=False))
def test_filters(world, moment, day, words):
    api = client_with_token(world["lawyer"])
    for path, parameters in [
        ("/api/v1/hearings/", {"starts_after": moment, "starts_before": moment, "updated_after": moment}),
        ("/api/v1/cases/", {"hearing_after": moment, "hearing_before": moment, "q": words[:2000]}),
        ("/api/v1/rulings/", {"decided_after": day, "decided_before": day}),
        ("/api/v1/changes/", {"since": words[:2000]}),
    ]:
        assert_answered(api.get(path, parameters))
    member = Client()
    member.force_login(world["lawyer"])
    assert_answered(member.get(reverse("web:dashboard"), {"date_from": day, "date_to": day}))
    assert_answered(member.get(reverse("web:case_list"), {"q": words[:2000]}))
    assert_answered(Client().get(reverse("reminders:case-feed", args=["doe-v-nypd"]), {"lang": words[:100]}))


# --- Web forms -------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(day=day_text(), time=st.sampled_from(["", "00:30", "23:30", "99:99"]), courtroom=odd_text(surrogates=False))
def test_the_hearing_form(world, day, time, courtroom):
    member = Client()
    member.force_login(world["lawyer"])
    data = {
        "court": world["court"].pk,
        "date": day,
        "time": time,
        "kind": "merits",
        "duration_minutes": "60",
        "courtroom": courtroom,
    }
    with rolled_back():
        assert_answered(member.post(reverse("web:hearing_create", args=["doe-v-nypd"]), data))


@PROPERTY_SETTINGS
@given(title=odd_text(surrogates=False), description=odd_text(surrogates=False), day=day_text())
def test_the_fact_form(world, title, description, day):
    member = Client()
    member.force_login(world["lawyer"])
    data = {
        "occurred_on": day,
        "precision": "day",
        "title_en": title,
        "description_en": description,
        "original_language": "en",
        "is_public": "on",
    }
    with rolled_back():
        assert_answered(member.post(reverse("web:event_add", args=["doe-v-nypd"]), data))


@override_settings(REMINDERS_SUBSCRIBE_RATE="100000/hour")
@PROPERTY_SETTINGS
@given(email=odd_text(surrogates=False), time_zone=odd_text(surrogates=False))
def test_the_subscribe_form(world, email, time_zone):
    data = {"email": email, "language": "en", "time_zone": time_zone, "offsets_minutes": ["60"]}
    with rolled_back():
        assert_answered(Client().post(reverse("reminders:subscribe", args=["doe-v-nypd"]), data))


def test_a_lone_surrogate_in_json_is_a_400_that_names_it():
    CaseFactory(slug="doe-v-nypd", is_public=True)
    body = '{"case": "doe-v-nypd", "email": "ann@example.net", "language": "\\ud800"}'
    response = Client().post("/api/v1/subscriptions/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "The JSON holds an unpaired UTF-16 surrogate (\\ud800-\\udfff): it is not text."
    )
