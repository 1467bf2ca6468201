import datetime as dt

import pytest

from cases.models import CaseEvent
from tests.factories import CaseFactory, HearingFactory, RulingFactory
from web.selectors import case_for_page
from web.timeline import case_timeline

pytestmark = pytest.mark.django_db


def test_the_timeline_is_in_date_order_with_imprecise_facts_at_their_periods_end():
    # given the Popova story: a fine known only to the year, a picket known to the month
    case = CaseFactory(slug="popova", filed_on=dt.date(2019, 10, 2))
    CaseEvent.objects.create(case=case, occurred_on=dt.date(2018, 1, 1), precision="year", title="Fined")
    CaseEvent.objects.create(case=case, occurred_on=dt.date(2018, 4, 1), precision="month", title="Picket")
    hearing = HearingFactory(case=case)
    ruling = RulingFactory(case=case)
    # when the timeline is built
    entries = case_timeline(case_for_page(slug="popova"))
    # then
    assert [(e.kind, e.obj if e.kind != "event" else e.obj.title) for e in entries] == [
        ("event", "Picket"),
        ("event", "Fined"),
        ("filing", case),
        ("hearing", hearing),
        ("ruling", ruling),
    ]
