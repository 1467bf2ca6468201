"""The records PostgreSQL renders for the case list and the sync feed (api/cases/sql_json.py)
are exactly what the serializers give the same caller: same keys, same values, private fields
only for members, in UTC and in a viewer's zone."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.db.models.expressions import RawSQL
from django.utils import timezone

from api.cases import sql_json
from api.cases.serializers import (
    ALL,
    AppealSerializer,
    CaseSerializer,
    CourtSerializer,
    DeadlineSerializer,
    HearingSerializer,
    PartySerializer,
    RulingSerializer,
)
from cases.models import Case, Hearing
from tests.factories import (
    AppealFactory,
    CaseFactory,
    CourtFactory,
    HearingFactory,
    OrganizationFactory,
    PartyFactory,
    RulingFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    case = CaseFactory(
        notes="private strategy",
        summary='Ünïcode "quoted" \\ text',
        filed_on=dt.date(2019, 10, 2),
        title_ru="Попова против ГУ МВД",  # the summary has no Russian: a fallback
        claims_ru="",  # an empty translation is no translation
        original_language="ru",
    )
    case.tags.create(name="metro", slug="metro")
    case.tags.create(name="CCTV", slug="cctv")
    bare = CaseFactory(organization=case.organization, filed_on=None, status="preparing", is_public=False)
    upper = CourtFactory(level="appeal", time_zone="Europe/Moscow")
    court = CourtFactory(appeals_to=upper, website="https://court.example.org", name_ru="Савёловский районный суд")
    party = PartyFactory(
        case=case, contact_email="a@example.org", alias="A.", consent_to_publish=False, name="Real", alias_ru="А."
    )
    consenting = PartyFactory(case=case, role="representative", represents=party, consent_to_publish=True)
    hearing = HearingFactory(case=case, court=court, notes="x", starts_at=dt.datetime(2019, 10, 21, 7, tzinfo=dt.UTC))
    # microseconds that end in zeros: PostgreSQL's own JSON would drop them, isoformat does not
    Hearing.objects.filter(pk=hearing.pk).update(updated_at=dt.datetime(2020, 1, 1, 0, 0, 0, 120000, tzinfo=dt.UTC))
    ruling = RulingFactory(case=case, court=court, final_form_on=dt.date(2019, 11, 20))
    appeal = AppealFactory(case=case, ruling=ruling, court=upper, appellant=party)
    return {
        CaseSerializer: [case, bare],
        CourtSerializer: [court, upper],
        PartySerializer: [party, consenting],
        HearingSerializer: [hearing],
        RulingSerializer: [ruling],
        AppealSerializer: [appeal],
    }


def _readers():
    from api.changes.views import FEED_READERS

    return {serializer_class: queryset_for for queryset_for, serializer_class in FEED_READERS.values()}


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("zone", [None, "Europe/Moscow", "America/St_Johns", "Asia/Kathmandu"])
@pytest.mark.parametrize("audience", ["all", "member", "outsider", "other organization"])
def test_sql_rendering_equals_the_serializers(records, zone, audience, language):
    organization = records[CaseSerializer][0].organization_id
    members = {
        "all": ALL,
        "member": frozenset({organization}),
        "outsider": frozenset(),
        "other organization": frozenset({OrganizationFactory().pk}),
    }[audience]
    context = {"member_organizations": members, "content_language": language}
    if zone:
        timezone.activate(zoneinfo.ZoneInfo(zone))
    try:
        for serializer_class, instances in records.items():
            sql, params = sql_json.row_json(serializer_class, member_organizations=members, language=language)
            model = serializer_class.Meta.model
            texts = dict(
                model._default_manager.filter(pk__in=[i.pk for i in instances])
                .annotate(row=RawSQL(sql, params))  # noqa: S611
                .values_list("pk", "row")
            )
            queryset = model._default_manager.filter(pk__in=[i.pk for i in instances])
            if model is Case:
                queryset = _readers()[CaseSerializer](None).model.objects.filter(pk__in=texts)
            for instance in queryset:
                expected = json.loads(json.dumps(serializer_class(instance, context=context).data))
                got = json.loads(sql_json.json_array([texts[instance.pk]]))[0]  # sealed fields opened
                assert got == expected, (serializer_class.__name__, instance.pk)
                assert list(got) == list(expected)  # the same key order too
    finally:
        timezone.deactivate()


def test_a_serializer_with_a_field_only_python_gives_takes_the_serializers_path(records):
    # a deadline's explanation is read in the reader's language (deadlines/explanation.py)
    assert not sql_json.renders(DeadlineSerializer)
    with pytest.raises(sql_json.UnsupportedField):
        sql_json.row_json(DeadlineSerializer, member_organizations=ALL)
    assert all(sql_json.renders(serializer_class) for serializer_class in records)


def test_outsiders_get_no_private_field_from_sql(records):
    sql, params = sql_json.row_json(PartySerializer, member_organizations=frozenset())
    party = records[PartySerializer][0]
    rows = type(party).objects.filter(pk=party.pk).annotate(row=RawSQL(sql, params))  # noqa: S611
    text = rows.values_list("row", flat=True)[0]
    assert "a@example.org" not in text and "Real" not in text
    assert json.loads(text)["name"] == "A."
    assert json.loads(text)["translations"]["name"] == {"en": "A.", "ru": "А."}


@pytest.mark.parametrize("who", ["member", "anonymous"])
def test_the_case_list_made_in_sql_equals_the_serializers_page_by_page(who, api, lawyer, case):
    # given public and private cases with tags and private notes
    for n in range(5):
        extra = CaseFactory(organization=case.organization, is_public=n % 2 == 0, notes=f"strategy {n}")
        extra.tags.create(name=f"tag {n}", slug=f"tag-{n}")
    client = api if who == "anonymous" else _client(lawyer)
    members = frozenset() if who == "anonymous" else frozenset({case.organization_id})
    # when the list is walked two cases a page
    seen, url = [], "/api/v1/cases/?page_size=2"
    while url:
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        body = response.json()
        assert set(body) == {"next", "previous", "results"}
        seen.extend(body["results"])
        url = body["next"]
    # then every visible case came once, newest first, exactly as the serializer shows it
    from cases.selectors import cases_with_tag_names

    expected = [
        json.loads(json.dumps(CaseSerializer(c, context={"member_organizations": members}).data))
        for c in cases_with_tag_names(Case.objects.filter(is_public=True) if who == "anonymous" else Case.objects.all())
        .select_related("organization")
        .order_by("-id")
    ]
    assert seen == expected
    assert ("strategy 1" in json.dumps(seen)) is (who == "member")
    # and a filter still applies (and a bad one is still a 400)
    filtered = client.get("/api/v1/cases/?tag=tag-2").json()["results"]
    assert [item["tags"] for item in filtered] == [["tag 2"]]
    assert client.get("/api/v1/cases/?status=nonsense").status_code == 400


def _client(user):
    from tests.api.conftest import client_with_token

    return client_with_token(user)
