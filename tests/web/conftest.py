import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.models import CaseEvent, Hearing
from tests.factories import (
    CaseFactory,
    CourtFactory,
    HearingFactory,
    MembershipFactory,
    PartyFactory,
    RulingFactory,
    UserFactory,
)

MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
def desk(db):
    """An organization's private case with a public one beside it, and its three kinds of member."""
    upper = CourtFactory(name="Moscow City Court", level="appeal")
    court = CourtFactory(name="Savyolovsky District Court", appeals_to=upper)
    private = CaseFactory(title="Secret v. Ministry", slug="secret-v-ministry", is_public=False)
    public = CaseFactory(
        title="Popova v. Moscow", slug="popova-v-moscow", organization=private.organization, is_public=True
    )
    org = private.organization
    lawyer = MembershipFactory(organization=org, role="lawyer", user=UserFactory(username="lawyer")).user
    viewer = MembershipFactory(organization=org, role="viewer", user=UserFactory(username="viewer")).user
    outsider = UserFactory(username="outsider")
    return {
        "court": court,
        "upper": upper,
        "private": private,
        "public": public,
        "lawyer": lawyer,
        "viewer": viewer,
        "outsider": outsider,
    }


@pytest.fixture
def popova(desk):
    """The public case filled in: parties (one anonymised, with private contacts), facts public
    and private, hearings (one moved), a ruling."""
    case, court = desk["public"], desk["court"]
    PartyFactory(case=case, name="Alena Popova", description="campaigner")
    PartyFactory(
        case=case,
        name="Ivan Hiddenname",
        alias="Witness A",
        consent_to_publish=False,
        contact_email="ivan.hidden@example.org",
        contact_phone="+7 900 000 00 00",
        notes="Lives at the secret address",
        description="neighbour of the plaintiff",
    )
    CaseEvent.objects.create(case=case, occurred_on=dt.date(2018, 4, 1), precision="month", title="Picket at the Duma")
    CaseEvent.objects.create(
        case=case, occurred_on=dt.date(2019, 1, 5), title="Internal strategy meeting", is_public=False
    )
    held = HearingFactory(case=case, court=court, status=Hearing.Status.HELD, notes="Judge seemed hostile (private)")
    upcoming = HearingFactory(
        case=case,
        court=court,
        starts_at=dt.datetime(2031, 3, 14, 10, 30, tzinfo=MOSCOW),
        courtroom="412",
        notes="Bring the expert (private)",
    )
    ruling = RulingFactory(case=case, court=court, notes="Appeal strategy (private)")
    return {"held": held, "upcoming": upcoming, "ruling": ruling, **desk}
