"""The fast read path (FastReadMixin) must give exactly what DRF's generic path gives."""

import datetime as dt

import pytest
from rest_framework import serializers

from api.cases.serializers import (
    ALL,
    AppealSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    CourtSerializer,
    FastReadMixin,
    HearingSerializer,
    PartySerializer,
    RulingSerializer,
)
from tests.factories import AppealFactory, CaseFactory, CourtFactory, HearingFactory, PartyFactory, RulingFactory

pytestmark = pytest.mark.django_db


def drf_generic(serializer, instance):
    return serializers.Serializer.to_representation(serializer, instance)


@pytest.mark.parametrize("members", [ALL, frozenset()])
def test_fast_read_equals_drf(members):
    case = CaseFactory(notes="n", summary="s", filed_on=dt.date(2019, 10, 2))
    case.tags.create(name="CCTV", slug="cctv")
    upper = CourtFactory(level="appeal")
    court = CourtFactory(appeals_to=upper, website="https://court.example.org")
    party = PartyFactory(case=case, contact_email="a@example.org", alias="A.", consent_to_publish=False)
    representative = PartyFactory(case=case, role="representative", represents=party)
    hearing = HearingFactory(case=case, court=court, notes="x")
    ruling = RulingFactory(case=case, court=court, final_form_on=dt.date(2019, 11, 20))
    appeal = AppealFactory(case=case, ruling=ruling, court=upper, appellant=party)
    context = {"member_organizations": members}
    for serializer_class, instance in [
        (CourtSerializer, court),
        (CourtSerializer, upper),
        (CaseSerializer, case),
        (CaseDetailSerializer, case),
        (PartySerializer, party),
        (PartySerializer, representative),
        (HearingSerializer, hearing),
        (RulingSerializer, ruling),
        (AppealSerializer, appeal),
    ]:
        serializer = serializer_class(context=context)
        # the private-field rules sit on top of either path: compare the paths themselves
        fast = FastReadMixin.to_representation(serializer, instance)
        assert fast == drf_generic(serializer, instance), serializer_class.__name__
        assert list(fast) == list(serializer.fields)
        # and the short path is really taken for most fields
        kinds = [kind for _, kind, _ in serializer._read_plan()]
        assert kinds.count("drf") < len(kinds) / 2, (serializer_class.__name__, kinds)
