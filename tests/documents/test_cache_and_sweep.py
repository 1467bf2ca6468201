"""Asking again for an unchanged case is answered from the data fingerprint in two queries;
any change the dossier could show makes a new fingerprint; renders whose worker died are
failed by the beat sweep."""

import datetime as dt
import io

import pytest
import time_machine
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from actions import appeals as appeal_actions
from actions import cases as case_actions
from actions import courts as court_actions
from actions import deadlines as deadline_actions
from actions import hearings as hearing_actions
from actions import rulings as ruling_actions
from cases import services as case_services
from cases.models import Appeal, CaseEvent, Court, Hearing, Party, Ruling
from deadlines.models import Deadline
from documents import services
from documents.dossier import layout
from documents.dossier.fingerprint import dossier_fingerprint
from documents.models import Document, Dossier
from documents.tasks import dossiers_fail_stale_task
from tests.factories import CourtFactory


def _fingerprint(case):
    return dossier_fingerprint(case=case, edition="internal", language="ru")


def test_an_unchanged_case_is_answered_in_two_queries_without_building_the_content(
    popova, django_assert_num_queries, monkeypatch
):
    # given a rendered dossier
    dossier, _ = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)
    dossier = services.dossier_render(dossier_id=dossier.pk)
    assert dossier.state == "ready" and len(dossier.data_fingerprint) == 64

    # when it is asked for again, the content is not built
    def not_built(**kwargs):
        raise AssertionError("the content was built for an unchanged case")

    monkeypatch.setattr(services, "dossier_content", not_built)
    with django_assert_num_queries(2):  # the fingerprint, the dossier with its document
        again, created = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)

    # then it is the same dossier, its PDF at hand
    assert (again.pk, created, again.document.sha256) == (dossier.pk, False, dossier.document.sha256)


def _first(model, case):
    return model.objects.filter(case=case).order_by("id").first()


CHANGES = {
    "case summary": lambda c: case_actions.case_update(case=c, summary="New summary."),
    "case tags": lambda c: case_actions.case_update(case=c, tags=["a new tag"]),
    "organization name": lambda c: case_services.organization_update(organization=c.organization, name="Renamed"),
    "party description": lambda c: case_services.party_update(party=_first(Party, c), description="Changed."),
    "party deleted": lambda c: case_services.party_delete(party=Party.objects.filter(case=c).latest("id")),
    "hearing moved": lambda c: hearing_actions.hearing_reschedule(
        hearing=_first(Hearing, c), starts_at=timezone.now() + dt.timedelta(days=30), reason="Judge ill"
    ),
    "ruling summary": lambda c: ruling_actions.ruling_update(ruling=_first(Ruling, c), summary="Changed."),
    "appeal reference": lambda c: appeal_actions.appeal_update(appeal=_first(Appeal, c), reference="33-1/2020"),
    "fact added": lambda c: case_services.case_event_add(case=c, occurred_on=dt.date(2020, 5, 5), title="New fact"),
    "fact deleted": lambda c: case_services.case_event_delete(event=_first(CaseEvent, c)),
    "exhibit added": lambda c: services.document_add(
        case=c, title="Exhibit", file=io.BytesIO(b"x"), filename="x.txt", date=dt.date(2020, 1, 1)
    ),
    "docket number": lambda c: case_services.docket_set(case=c, court=CourtFactory.create(), number="2-999/2020"),
    "court renamed": lambda c: court_actions.court_update(court=Court.objects.earliest("id"), name="Renamed"),
    "deadline overridden": lambda c: deadline_actions.deadline_override(
        deadline=_first(Deadline, c), due_on=dt.date(2030, 1, 10), reason="Served late"
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_the_dossier_could_show_changes_the_fingerprint(popova, change):
    before = _fingerprint(popova)
    assert _fingerprint(popova) == before  # stable while nothing changes

    CHANGES[change](popova)

    assert _fingerprint(popova) != before


def test_storing_a_generated_dossier_does_not_change_the_fingerprint(popova):
    before = _fingerprint(popova)
    services.document_add(
        case=popova, title="Dossier", file=io.BytesIO(b"%PDF"), filename="d.pdf", kind=Document.Kind.DOSSIER
    )
    assert _fingerprint(popova) == before
    assert dossier_fingerprint(case=popova, edition="public", language="ru") != before  # per edition


def test_a_change_the_edition_does_not_show_costs_one_content_build_then_is_fast_again(
    popova, django_assert_max_num_queries
):
    dossier, _ = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)
    dossier = services.dossier_render(dossier_id=dossier.pk)
    # when a private note changes, the public edition is the same dossier, found by content
    case_actions.case_update(case=popova, notes="Only for us.")
    same, created = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)
    assert (same.pk, created) == (dossier.pk, False)
    # and it carries the new fingerprint, so the next request is answered from it
    with django_assert_max_num_queries(2):
        again, created = services.dossier_request(case=popova, edition="public", language="en", enqueue=False)
    assert (again.pk, created) == (dossier.pk, False)


def test_a_new_layout_or_wording_renders_again_even_for_an_unchanged_case(popova, monkeypatch):
    """A deployment that changes the template, the stylesheet or a translation must not hand
    out the PDF the old one made: neither by the fingerprint nor by the content hash."""
    # given a rendered dossier
    first, _ = services.dossier_request(case=popova, edition="internal", language="ru", enqueue=False)
    first = services.dossier_render(dossier_id=first.pk)
    assert services.dossier_request(case=popova, edition="internal", language="ru", enqueue=False) == (first, False)

    # when the layout changes (a new translation compiled, say) and nothing in the case does
    monkeypatch.setattr(layout, "layout_digest", lambda: "another layout")
    again, created = services.dossier_request(case=popova, edition="internal", language="ru", enqueue=False)

    # then a new dossier is made, and it is the one found from then on
    assert created and again.pk != first.pk and again.content_hash != first.content_hash
    assert services.dossier_request(case=popova, edition="internal", language="ru", enqueue=False) == (again, False)


def test_the_sweep_fails_renders_past_the_time_limit_and_leaves_the_others(popova, settings):
    # given a render whose worker died long ago, one still within its limit, and a ready one
    now = timezone.now()
    limit = dt.timedelta(seconds=settings.DOSSIER_TIME_LIMIT)
    rows = {}
    for name, state, started in (
        ("dead", "rendering", now - limit - dt.timedelta(minutes=5)),
        ("running", "rendering", now - dt.timedelta(seconds=10)),
        ("ready", "ready", now - limit * 10),
    ):
        rows[name] = Dossier.objects.create(
            case=popova, edition="public", language="ru", content_hash="0" * 64, state=state, started_at=started
        )

    # when the beat's task runs
    assert dossiers_fail_stale_task() == 1

    # then only the dead one is failed, with a sentence the user can act on
    states = {name: Dossier.objects.get(pk=row.pk) for name, row in rows.items()}
    assert states["dead"].state == "failed"
    assert (
        states["dead"].error == "The render stopped without finishing (the worker was lost). Ask for the dossier again."
    )
    assert states["dead"].finished_at is not None
    assert (states["running"].state, states["ready"].state) == ("rendering", "ready")
    # and a second run changes nothing
    assert dossiers_fail_stale_task() == 0

    # and once the running one passes its limit too, the next sweep fails it
    with time_machine.travel(now + limit + dt.timedelta(minutes=1)):
        assert dossiers_fail_stale_task() == 1
    assert Dossier.objects.get(pk=rows["running"].pk).state == "failed"


def test_a_dead_render_is_not_returned_to_a_new_request(popova, settings):
    content_hash = services.dossier_content(case=popova, edition="public", language="ru").content_hash()
    dead = Dossier.objects.create(
        case=popova,
        edition="public",
        language="ru",
        content_hash=content_hash,
        data_fingerprint=dossier_fingerprint(case=popova, edition="public", language="ru"),
        state="rendering",
        started_at=timezone.now() - dt.timedelta(seconds=settings.DOSSIER_TIME_LIMIT + 60),
    )

    fresh, created = services.dossier_request(case=popova, edition="public", language="ru", enqueue=False)

    assert created and fresh.pk != dead.pk
    dead.refresh_from_db()
    assert dead.state == "failed"


def test_the_sweep_is_on_the_beat_schedule(db, settings):
    assert settings.CELERY_BEAT_SCHEDULE["dossiers-fail-stale"] == {
        "task": dossiers_fail_stale_task.name,
        "schedule": 5 * 60,
    }
    assert dossiers_fail_stale_task.name == "documents.dossiers_fail_stale"
    # the settings are the one schedule: no row of the migrations' older mechanism is left
    assert not PeriodicTask.objects.filter(task__startswith="documents.").exists()
