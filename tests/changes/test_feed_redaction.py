"""A feed page as an outsider reads it (what GET /api/v1/changes/ answers and what a webhook
endpoint of another organization receives: api/changes/rendering.py builds both): a party
without consent is the alias in every public text; members of the case's organization read the
real text. Built from change rows directly, on both paths (SQL-made JSON and serializers)."""

import json
from collections import namedtuple

import pytest
from django.contrib.auth.models import AnonymousUser

from api.changes.rendering import FeedReader, feed_items, feed_page_json
from tests.factories import HIDDEN_NAME_STEMS, MembershipFactory, UserFactory, case_naming_hidden_party

pytestmark = pytest.mark.django_db

Row = namedtuple("Row", "txid id object_type object_id")


def _rows(case):
    records = [("case", case.pk)]
    for type_name, related in (
        ("party", case.parties.all()),
        ("hearing", case.hearings.all()),
        ("ruling", case.rulings.all()),
        ("appeal", case.appeals.all()),
    ):
        records += [(type_name, record.pk) for record in related]
    return [Row(1, index, type_name, pk) for index, (type_name, pk) in enumerate(records, start=1)]


def _pages(reader, rows):
    sql_made = feed_page_json(reader, rows, next_cursor="1-99-0", has_more=False)
    serialized = json.dumps({"results": feed_items(reader, rows)}, ensure_ascii=False, default=str)
    return {"sql": json.dumps(json.loads(sql_made), ensure_ascii=False), "serializers": serialized}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_an_outsiders_page_names_the_hidden_party_by_the_alias(language):
    case, _party = case_naming_hidden_party()
    reader = FeedReader(user=AnonymousUser(), member_organizations=frozenset(), language=language)

    for path, text in _pages(reader, _rows(case)).items():
        for stem in HIDDEN_NAME_STEMS:
            assert stem not in text.lower(), (path, stem)
        assert "Witness A" in text and "Свидетель А" in text, path


def test_an_outsiders_case_item_is_the_redacted_record():
    case, _party = case_naming_hidden_party()
    reader = FeedReader(user=AnonymousUser(), member_organizations=frozenset(), language="ru")
    items = json.loads(feed_page_json(reader, _rows(case), next_cursor="1-99-0", has_more=False))["results"]
    data = next(item["data"] for item in items if item["type"] == "case")
    assert (data["title"], data["translations"]["summary"]["en"]) == (
        "Свидетель А против России",
        "Witness A was filmed at a rally; Witness A's face was matched.",
    )
    hearing = next(item["data"] for item in items if item["type"] == "hearing" and item["data"]["outcome_notes"])
    assert hearing["outcome_notes"] == "Свидетель А дал показания."


def test_members_page_keeps_the_real_text():
    case, _party = case_naming_hidden_party()
    user = UserFactory(username="member")
    MembershipFactory(organization=case.organization, role="lawyer", user=user)
    reader = FeedReader(user=user, member_organizations=frozenset({case.organization_id}), language="en")

    for path, text in _pages(reader, _rows(case)).items():
        assert "Petrov v. Russia" in text and "Петров против России" in text, path


def test_an_outsiders_page_without_hidden_parties_costs_no_extra_query(django_assert_num_queries):
    case, party = case_naming_hidden_party()
    party.consent_to_publish = True
    party.save()
    reader, rows = FeedReader(user=AnonymousUser(), member_organizations=frozenset(), language="en"), _rows(case)
    with django_assert_num_queries(5):  # one per type: case, party, hearing, ruling, appeal
        feed_page_json(reader, rows, next_cursor="1-99-0", has_more=False)
    # and with a hidden party, one more: the hidden parties of the page's cases, for all types
    party.consent_to_publish = False
    party.save()
    reader = FeedReader(user=AnonymousUser(), member_organizations=frozenset(), language="en")
    with django_assert_num_queries(6):
        feed_page_json(reader, rows, next_cursor="1-99-0", has_more=False)
