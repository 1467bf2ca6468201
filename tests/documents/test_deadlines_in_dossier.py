"""Issue 7: a case's deadlines appear in the internal dossier (rule, due date, an override
marked as such with its reason, state) and nowhere in the public one. Checked on the text
extracted from the real PDF."""

import datetime as dt

import pytest

from actions import appeals as appeal_actions
from actions import deadlines as deadline_actions
from actions import rulings as ruling_actions
from cases.models import Appeal, Court
from deadlines.models import Deadline
from documents import services
from documents.dossier.content import dossier_content
from documents.dossier.render import dossier_pdf
from tests.documents.conftest import pdf_text
from tests.factories import CaseFactory, CourtFactory

D = dt.date
OVERRIDE_REASON = "Copy of the decision served only on 20 November"
CLOSE_REASON = "The client chose not to appeal the second decision"


@pytest.fixture
def case_with_deadlines(db):
    """A Russian civil case: three first-instance decisions whose appeal deadlines are
    overridden (open), met by a filed appeal, and closed without filing."""
    case = CaseFactory(title="Kotova v. Moscow Metro")
    district = CourtFactory(name="Meshchansky District Court")
    appeal_court = CourtFactory(name="Moscow City Court", level=Court.Level.APPEAL)
    overridden = ruling_actions.ruling_record(
        case=case, court=district, decided_on=D(2019, 11, 6), final_form_on=D(2019, 11, 11), outcome="dismissed"
    )
    met = ruling_actions.ruling_record(
        case=case, court=CourtFactory(), decided_on=D(2019, 10, 15), final_form_on=D(2019, 10, 18), outcome="dismissed"
    )
    closed = ruling_actions.ruling_record(
        case=case, court=CourtFactory(), decided_on=D(2019, 12, 2), final_form_on=D(2019, 12, 7), outcome="dismissed"
    )
    deadline_actions.deadline_override(
        deadline=Deadline.objects.get(ruling=overridden), due_on=D(2019, 12, 20), reason=OVERRIDE_REASON
    )
    appeal_actions.appeal_file(
        case=case, ruling=met, court=appeal_court, kind=Appeal.Kind.APPEAL, filed_on=D(2019, 11, 1), status="filed"
    )
    deadline_actions.deadline_close(deadline=Deadline.objects.get(ruling=closed), reason=CLOSE_REASON)
    return case


def test_the_internal_edition_shows_each_deadline_with_its_rule_date_override_and_state(case_with_deadlines):
    assert sorted(Deadline.objects.filter(case=case_with_deadlines).values_list("state", flat=True)) == [
        "closed",
        "met",
        "open",
    ]

    text = pdf_text(dossier_pdf(dossier_content(case=case_with_deadlines, edition="internal", language="en")))

    title = "Appeal against a first-instance civil decision (Russia, GPK)"
    # the met deadline (due 18 November 2019), on the timeline by its due date
    assert (
        f"18 November 2019 Deadline {title} MET Runs from: decision in final form, 18 October 2019. "
        "GPK RF art. 321(2)." in text
    )
    # the overridden one: the date set by hand, marked as such, with the computed date and the reason
    assert (
        f"20 December 2019 Deadline {title} OPEN SET BY HAND Runs from: decision in final form, "
        f"11 November 2019. GPK RF art. 321(2). Due date set by hand (computed: 11 December 2019). "
        f"Reason: {OVERRIDE_REASON}" in text
    )
    # the closed one, with the reason it was closed
    assert f"9 January 2020 Deadline {title} CLOSED WITHOUT FILING" in text
    assert f"Closed: {CLOSE_REASON}" in text
    # in date order among the other entries
    assert text.index("18 November 2019 Deadline") < text.index("20 December 2019 Deadline")
    assert text.index("20 December 2019 Deadline") < text.index("9 January 2020 Deadline")


def test_the_russian_internal_edition_words_the_deadlines_in_russian(case_with_deadlines):
    text = pdf_text(dossier_pdf(dossier_content(case=case_with_deadlines, edition="internal", language="ru")))

    title = "Апелляционная жалоба на решение суда первой инстанции по гражданскому делу (ГПК РФ)"
    assert f"20 декабря 2019 г. Срок {title} ОТКРЫТ УСТАНОВЛЕН ВРУЧНУЮ" in text
    assert "Исчисляется с: изготовление решения в окончательной форме, 11 ноября 2019 г." in text
    assert f"Дата установлена вручную (расчётная: 11 декабря 2019 г.). Причина: {OVERRIDE_REASON}" in text
    assert f"18 ноября 2019 г. Срок {title} СОБЛЮДЁН" in text
    assert f"9 января 2020 г. Срок {title} ЗАКРЫТ БЕЗ ПОДАЧИ" in text


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_public_edition_shows_no_deadline(case_with_deadlines, language):
    text = pdf_text(dossier_pdf(dossier_content(case=case_with_deadlines, edition="public", language=language)))

    for absent in (
        OVERRIDE_REASON,
        CLOSE_REASON,
        "Appeal against a first-instance civil decision",
        "Апелляционная жалоба на решение суда первой инстанции",
        "GPK RF art. 321(2)",
        "set by hand",
        "SET BY HAND",
        "УСТАНОВЛЕН ВРУЧНУЮ",
        "Runs from",
        "Исчисляется с",
        "20 December 2019",
        "20 декабря 2019",
    ):
        assert absent not in text, absent
    # the public facts are still there: the filed appeal and the rulings
    assert ("Moscow City Court" if language == "en" else "Moscow City Court") in text


def test_a_deadline_without_a_due_date_goes_with_the_undated_entries(db):
    case = CaseFactory(title="Undated v. City")
    ruling_actions.ruling_record(case=case, court=CourtFactory(), decided_on=D(2019, 11, 6), outcome="dismissed")

    content = dossier_content(case=case, edition="internal", language="en")

    [entry] = [e for e in content.undated if e["kind"] == "deadline"]
    assert entry["date"] == "date not known"
    assert entry["detail"].startswith("Runs from: decision in final form (date not recorded yet).")
    assert not [e for e in content.timeline if e["kind"] == "deadline"]


def test_a_deadline_change_changes_the_internal_dossier_and_only_that(case_with_deadlines):
    # given both editions asked for and rendered
    internal, _ = services.dossier_request(case=case_with_deadlines, edition="internal", language="en", enqueue=False)
    public, _ = services.dossier_request(case=case_with_deadlines, edition="public", language="en", enqueue=False)
    for dossier in (internal, public):
        assert services.dossier_render(dossier_id=dossier.pk).state == "ready"

    # when a lawyer moves a due date by hand
    deadline = Deadline.objects.get(case=case_with_deadlines, state="open")
    deadline_actions.deadline_override(deadline=deadline, due_on=D(2019, 12, 23), reason="Served on 23 November")

    # then the internal dossier is made again (its cached PDF shows the old date)
    again, created = services.dossier_request(
        case=case_with_deadlines, edition="internal", language="en", enqueue=False
    )
    assert created and again.pk != internal.pk and again.content_hash != internal.content_hash
    # and the public one, which shows no deadline, is still the same PDF
    same, created = services.dossier_request(case=case_with_deadlines, edition="public", language="en", enqueue=False)
    assert (same.pk, created, same.state) == (public.pk, False, "ready")
