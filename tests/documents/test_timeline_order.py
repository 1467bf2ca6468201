"""The case page and the dossier tell a case's story in one order (cases/timeline.py)."""

import pytest
from django.core.management import call_command
from django.utils import translation

from documents.dossier.content import dossier_content
from web.selectors import case_for_page
from web.timeline import case_timeline

pytestmark = pytest.mark.django_db


def test_the_page_and_the_dossier_list_the_demos_facts_in_the_same_order():
    # given the demo's cases, among them Popova's fine known only to 2018 and her April 2018 picket
    call_command("seed_demo", "--no-accounts", verbosity=0)
    with translation.override("en"):
        case = case_for_page(slug="popova-v-moscow")
        assert case is not None
        # when the page's timeline and the internal dossier are built
        page = [entry.obj.title for entry in case_timeline(case) if entry.kind == "event"]
        dossier = dossier_content(case=case, edition="internal", language="en")
    # then both list the same facts in the same order, the fine after the picket
    facts = [entry["title"] for entry in dossier.timeline if entry["kind"] == "fact"]
    assert facts == page
    assert len(facts) == case.events.count()
    picket = facts.index("Picket outside the State Duma")
    assert facts[picket + 1] == "Fined 20,000 RUB by the Tverskoy District Court"
