"""Applying and dismissing proposals (courtwatch/services.py): through the hearing actions, with
the version read from the card, so the moved-hearing notice, the history and the change feed
follow as for a lawyer's edit; and the watch's own writes."""

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions import hearings as hearing_actions
from cases.models import Case, Hearing, HearingReschedule
from cases.services import VersionConflict
from changes.models import Change
from courtwatch.models import CourtUpdate, CourtWatch
from courtwatch.proposals import updates_propose
from courtwatch.services import (
    UpdateConflict,
    update_apply,
    update_dismiss,
    watch_check_now,
    watch_create,
    watch_delete,
    watch_pause,
    watch_resume,
    watch_update,
)
from reminders.models import Notice
from tests.courtwatch.readings import (
    MOS_GORSUD,
    MOS_GORSUD_POSTPONED,
    MOS_GORSUD_URL,
    MOSCOW,
    SUDRF_URL,
    D,
    T,
    court_in,
    hearing_row,
    watch_on,
)
from tests.factories import CaseFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOVEMBER = dt.datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
TENTH = dt.datetime(2026, 12, 10, 10, 30, tzinfo=MOSCOW)
TWENTY_FIRST = dt.datetime(2027, 1, 21, 15, 0, tzinfo=MOSCOW)
REASON = "From the court's card: Отложено (Неявка административного ответчика)"


@pytest.fixture
def november():
    with time_machine.travel(NOVEMBER, tick=False):
        yield NOVEMBER


@pytest.fixture
def watch():
    case = CaseFactory(title="Belova v. IT Department")
    return watch_on(case, court_in(MOSCOW, "Savyolovsky District Court"))


@pytest.fixture
def lawyer(db):
    """Whoever accepts (the services leave who may to the pages and the API)."""
    return UserFactory(username="lawyer")


@pytest.fixture
def accepted(watch, lawyer, november):
    """The first reading accepted: the docket has the held preparation and the hearing of 10 December."""
    for update in updates_propose(watch=watch, reading=MOS_GORSUD):
        update_apply(update=update, actor=lawyer)
    return Hearing.objects.get(starts_at=TENTH)


def feed_versions(hearing):
    return Change.objects.filter(object_type="hearing", object_id=hearing.pk, op="upsert").count()


def test_accepting_the_first_reading_logs_the_courts_hearings(watch, lawyer, november):
    updates = updates_propose(watch=watch, reading=MOS_GORSUD)
    # when the lawyer accepts both
    applied = [update_apply(update=update, actor=lawyer) for update in updates]
    # then the docket has them as the card gives them, the held one with the court's word
    hearings = Hearing.objects.filter(case=watch.docket.case).order_by("starts_at")
    assert [
        (h.starts_at, h.time_to_be_confirmed, h.courtroom, h.status, h.kind, h.judge, h.outcome_notes_ru)
        for h in hearings
    ] == [
        (
            dt.datetime(2026, 10, 13, 8, 0, tzinfo=UTC),
            False,
            "410",
            "held",
            "preliminary",
            "Лебедев К. А.",
            "Проведена",
        ),
        (dt.datetime(2026, 12, 10, 7, 30, tzinfo=UTC), False, "410", "scheduled", "merits", "Лебедев К. А.", None),
    ]
    assert hearings[0].original_language == "ru"
    # and each proposal says what it made, who accepted it and when
    assert [(u.state, u.hearing, u.decided_by, u.decided_at, u.automatic) for u in applied] == [
        ("applied", hearings[0], lawyer, NOVEMBER, False),
        ("applied", hearings[1], lawyer, NOVEMBER, False),
    ]
    # and the history says where the hearing came from
    assert [(h.history.get().history_user, h.history.get().history_change_reason) for h in hearings] == [
        (lawyer, "From the court's card"),
        (lawyer, "From the court's card"),
    ]


def test_accepting_a_postponement_moves_the_hearing_and_tells_the_subscribers(watch, lawyer, accepted, november):
    # given two people following the case, one not yet confirmed
    case = watch.docket.case
    SubscriptionFactory(case=case, email="confirmed@example.net")
    SubscriptionFactory(case=case, email="pending@example.net", confirmed_at=None)
    versions = feed_versions(accepted)
    # when the card says the hearing is postponed to 21 January, and the lawyer accepts
    (moved,) = updates_propose(watch=watch, reading=MOS_GORSUD_POSTPONED)
    update_apply(update=moved, actor=lawyer)
    # then the hearing is there, in room 412, a new version in the feed
    hearing = Hearing.objects.get(pk=accepted.pk)
    assert (hearing.starts_at, hearing.courtroom, hearing.status, hearing.version) == (
        TWENTY_FIRST,
        "412",
        "scheduled",
        2,
    )
    assert feed_versions(hearing) == versions + 1
    # and the earlier date is kept with the court's reason, in the history too
    reschedule = HearingReschedule.objects.get(hearing=hearing)
    assert (reschedule.previous_starts_at, reschedule.new_starts_at, reschedule.reason, reschedule.changed_by) == (
        TENTH,
        TWENTY_FIRST,
        REASON,
        lawyer,
    )
    latest = hearing.history.order_by("history_id").last()
    assert (latest.history_user, latest.history_change_reason) == (lawyer, REASON)
    # and the confirmed subscriber alone gets the moved-hearing notice
    notice = Notice.objects.get()
    assert (notice.subscription.email, notice.kind, notice.previous_starts_at, notice.new_starts_at, notice.state) == (
        "confirmed@example.net",
        "moved",
        TENTH,
        TWENTY_FIRST,
        "pending",
    )
    assert CourtUpdate.objects.get(pk=moved.pk).state == "applied"


def test_a_hearing_changed_since_the_card_was_read_is_a_conflict_and_nothing_changes(watch, lawyer, accepted, november):
    (moved,) = updates_propose(watch=watch, reading=MOS_GORSUD_POSTPONED)
    # given someone edits the hearing after the card was read
    hearing_actions.hearing_update(hearing=accepted, notes="Bring the originals", actor=lawyer)
    # when the lawyer accepts the proposal made from version 1
    with pytest.raises(UpdateConflict) as refused:
        update_apply(update=moved, actor=lawyer)
    # then nothing is written, and the proposal is still open
    assert "version 1 then, 2 now" in str(refused.value)
    hearing = Hearing.objects.get(pk=accepted.pk)
    assert (hearing.starts_at, hearing.version, HearingReschedule.objects.count()) == (TENTH, 2, 0)
    assert CourtUpdate.objects.get(pk=moved.pk).state == "proposed"
    # and the next reading brings the proposal up to the hearing as it is, which then applies
    assert updates_propose(watch=watch, reading=MOS_GORSUD_POSTPONED) == []
    moved.refresh_from_db()
    assert moved.previous["version"] == 2
    update_apply(update=moved, actor=lawyer)
    assert Hearing.objects.get(pk=accepted.pk).starts_at == TWENTY_FIRST


def test_a_postponement_without_a_new_date_postpones_the_hearing(watch, lawyer, accepted):
    SubscriptionFactory(case=watch.docket.case, email="confirmed@example.net")
    # the card read the day before the hearing: the court postponed it, no new date yet
    reading_after = dataclasses.replace(MOS_GORSUD_POSTPONED, events=MOS_GORSUD_POSTPONED.events[:2])
    with time_machine.travel(dt.datetime(2026, 12, 9, 9, 0, tzinfo=UTC), tick=False):
        (result,) = updates_propose(watch=watch, reading=reading_after)
        update_apply(update=result, actor=lawyer)
    hearing = Hearing.objects.get(pk=accepted.pk)
    assert (hearing.status, hearing.starts_at) == ("postponed", TENTH)
    reschedule = HearingReschedule.objects.get(hearing=hearing)
    assert (reschedule.new_starts_at, reschedule.reason) == (None, REASON)
    assert Notice.objects.get().kind == "postponed"


def test_a_hearing_no_longer_listed_is_cancelled_only_when_accepted(watch, lawyer, accepted, november):
    later = hearing_actions.hearing_schedule(
        case=watch.docket.case, court=watch.docket.court, starts_at=dt.datetime(2027, 2, 3, 12, 0, tzinfo=MOSCOW)
    )
    (gone,) = updates_propose(watch=watch, reading=MOS_GORSUD)
    assert (gone.kind, gone.hearing, Hearing.objects.get(pk=later.pk).status) == ("gone", later, "scheduled")
    update_apply(update=gone, actor=lawyer)
    later.refresh_from_db()
    assert later.status == "cancelled"
    assert later.history.order_by("history_id").last().history_change_reason == (
        "From the court's card: no longer listed"
    )


def test_only_a_proposed_update_is_applied_or_dismissed(watch, lawyer, november):
    first, second = updates_propose(watch=watch, reading=MOS_GORSUD)
    update_apply(update=first, actor=lawyer)
    dismissed = update_dismiss(update=second, actor=lawyer)
    assert (dismissed.state, dismissed.decided_by, dismissed.decided_at, dismissed.hearing) == (
        "dismissed",
        lawyer,
        NOVEMBER,
        None,
    )
    for update, state in ((first, "applied"), (second, "dismissed")):
        for answer in (update_apply, update_dismiss):
            with pytest.raises(ValidationError) as refused:
                answer(update=update, actor=lawyer)
            assert refused.value.messages == [
                f"Only a proposed change can be accepted or dismissed; this one is {state}."
            ]
    assert Hearing.objects.filter(case=watch.docket.case).count() == 1


def test_a_proposal_the_hearings_rules_refuse_is_a_clear_error(watch, lawyer, november):
    # given a case not yet filed: it has no hearings held
    Case.objects.filter(pk=watch.docket.case_id).update(status="preparing", filed_on=None)
    held, _upcoming = updates_propose(watch=watch, reading=MOS_GORSUD)
    with pytest.raises(ValidationError) as refused:
        update_apply(update=held, actor=lawyer)
    assert refused.value.message_dict == {"status": ["A case that has not been filed has no hearings held."]}
    assert (CourtUpdate.objects.get(pk=held.pk).state, Hearing.objects.count()) == ("proposed", 0)


def test_auto_apply_applies_new_and_moved_hearings_and_leaves_the_rest_for_a_lawyer(watch, november):
    watch.auto_apply = True
    watch.save()
    # a case not filed: the held preparation cannot be applied, the upcoming hearing can
    Case.objects.filter(pk=watch.docket.case_id).update(status="preparing", filed_on=None)
    held, upcoming = updates_propose(watch=watch, reading=MOS_GORSUD)
    results = [update_apply(update=u, actor=None, automatic=True) for u in (held, upcoming)]
    assert [(u.state, u.automatic, u.decided_by) for u in results] == [
        ("proposed", False, None),
        ("applied", True, None),
    ]
    hearing = Hearing.objects.get()
    assert hearing.history.get().history_user is None
    # the postponement moves it without a click; a result waits for a lawyer
    (moved,) = updates_propose(watch=watch, reading=MOS_GORSUD_POSTPONED)
    assert update_apply(update=moved, actor=None, automatic=True).state == "applied"
    assert Hearing.objects.get().starts_at == TWENTY_FIRST
    postponed_again = dataclasses.replace(
        MOS_GORSUD_POSTPONED,
        events=(
            *MOS_GORSUD_POSTPONED.events[:2],
            hearing_row("Судебное заседание", D(2027, 1, 21), T(15, 0), "412", "Отложено"),
        ),
    )
    with time_machine.travel(dt.datetime(2027, 1, 22, 9, 0, tzinfo=UTC), tick=False):
        (result,) = updates_propose(watch=watch, reading=postponed_again)
        assert result.kind == "result"
        assert update_apply(update=result, actor=None, automatic=True).state == "proposed"
    assert Hearing.objects.get().status == "scheduled"


# --- Watches --------------------------------------------------------------------------------


@pytest.fixture
def docketed():
    case = CaseFactory(title="Docketed v. State")
    court = court_in(MOSCOW, "Tverskoy District Court")
    from cases import services as case_services

    case_services.docket_set(case=case, court=court, number="2-1/2026")
    return case, court


def test_a_watch_is_made_on_the_cases_docket_at_that_court_and_due_at_once(docketed, lawyer, november):
    case, court = docketed
    watch = watch_create(case=case, court=court, url=MOS_GORSUD_URL, auto_apply=True, actor=lawyer)
    assert (watch.docket.case, watch.docket.court, watch.url, watch.auto_apply, watch.paused) == (
        case,
        court,
        MOS_GORSUD_URL,
        True,
        False,
    )
    assert (watch.next_check_at, watch.created_by, watch.version) == (NOVEMBER, lawyer, 1)


def test_a_watch_needs_a_docket_an_allowed_url_and_is_one_per_docket(docketed, lawyer):
    case, court = docketed
    elsewhere = court_in(MOSCOW, "Meshchansky District Court")
    with pytest.raises(ValidationError) as refused:
        watch_create(case=case, court=elsewhere, url="https://example.org/card", actor=lawyer)
    # (the URL's words are courtwatch/fetch.py's)
    assert set(refused.value.message_dict) == {"url", "court"}
    assert refused.value.message_dict["court"] == [
        "The case has no docket number at this court: add the docket number first."
    ]
    with pytest.raises(ValidationError) as refused:
        watch_create(case=case, court=court, url="not a url", actor=lawyer)
    assert refused.value.message_dict == {"url": ["Enter a valid URL."]}
    watch_create(case=case, court=court, url=SUDRF_URL, actor=lawyer)
    with pytest.raises(ValidationError) as refused:
        watch_create(case=case, court=court, url=MOS_GORSUD_URL, actor=lawyer)
    assert refused.value.message_dict == {
        "court": ["This docket's card is watched already: change that watch instead."]
    }
    assert CourtWatch.objects.get().url == SUDRF_URL


def test_a_new_url_is_checked_and_starts_the_watch_afresh(watch, lawyer, november):
    # given a watch that read its card with a problem last time, and an open proposal
    CourtWatch.objects.filter(pk=watch.pk).update(
        last_problem="http", last_problem_detail="HTTP 503", failures_in_a_row=2, etag='"abc"'
    )
    updates_propose(watch=watch, reading=MOS_GORSUD)
    with pytest.raises(ValidationError) as refused:
        watch_update(watch=watch, url="https://127.0.0.1/card", actor=lawyer)
    assert list(refused.value.message_dict) == ["url"]
    # when the URL changes to another card
    with time_machine.travel(NOVEMBER + dt.timedelta(hours=1), tick=False):
        changed = watch_update(watch=watch, url=SUDRF_URL, expected_version=1, actor=lawyer)
    # then it is due at once, with nothing of the old card's state, and the old proposals superseded
    assert (changed.url, changed.version, changed.next_check_at) == (SUDRF_URL, 2, NOVEMBER + dt.timedelta(hours=1))
    assert (changed.last_problem, changed.failures_in_a_row, changed.etag) == ("", 0, "")
    assert set(CourtUpdate.objects.values_list("state", flat=True)) == {"superseded"}
    # and a write from an outdated copy is refused
    with pytest.raises(VersionConflict):
        watch_update(watch=watch, auto_apply=True, expected_version=1, actor=lawyer)
    with pytest.raises(ValidationError):
        watch_update(watch=watch, docket=None, actor=lawyer)


def test_check_now_asks_for_a_tick_once_committed(
    watch, lawyer, november, monkeypatch, django_capture_on_commit_callbacks
):
    import courtwatch.tasks  # noqa: F401 (registers the task the name must find)
    from tracker.celery import app

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, *args, **kwargs: sent.append(name))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        watch_check_now(watch=watch, actor=lawyer)
    assert sent == []  # nothing before the commit: the tick would not see the watch due
    for callback in callbacks:
        callback()
    assert sent == ["courtwatch.tick"] and "courtwatch.tick" in app.tasks


def test_pause_resume_check_now_and_delete(watch, lawyer, november):
    paused = watch_pause(watch=watch, actor=lawyer)
    assert (paused.paused, paused.version) == (True, 2)
    with pytest.raises(ValidationError) as refused:
        watch_check_now(watch=watch, actor=lawyer)
    assert refused.value.messages == ["The watch is paused: resume it to read the card."]
    resumed = watch_resume(watch=watch, actor=lawyer)
    assert (resumed.paused, resumed.version) == (False, 3)
    CourtWatch.objects.filter(pk=watch.pk).update(next_check_at=NOVEMBER + dt.timedelta(hours=6))
    checked = watch_check_now(watch=watch, actor=lawyer)
    assert (checked.next_check_at, checked.version) == (timezone.now(), 3)
    updates_propose(watch=watch, reading=MOS_GORSUD)
    watch_delete(watch=watch, actor=lawyer, expected_version=3)
    assert (CourtWatch.objects.count(), CourtUpdate.objects.count()) == (0, 0)


def test_a_held_hearing_moved_to_the_cards_time_keeps_the_lawyers_words(watch, lawyer, november):
    # given the preparation logged at 10:00 and held, with the lawyer's notes
    held = hearing_actions.hearing_schedule(
        case=watch.docket.case, court=watch.docket.court, starts_at=dt.datetime(2026, 10, 13, 10, 0, tzinfo=MOSCOW)
    )
    held = hearing_actions.hearing_record_outcome(hearing=held, outcome_notes_ru="Подготовка прошла")
    # when the card says 11:00 ("Проведена") and the lawyer accepts
    moved = next(u for u in updates_propose(watch=watch, reading=MOS_GORSUD) if u.hearing_id == held.pk)
    assert (moved.kind, moved.proposed["status"]) == ("moved", "held")
    update_apply(update=moved, actor=lawyer)
    # then the time is the card's, and what happened is still in the lawyer's words
    held.refresh_from_db()
    assert (held.starts_at, held.status, held.outcome_notes_ru) == (
        dt.datetime(2026, 10, 13, 11, 0, tzinfo=MOSCOW),
        "held",
        "Подготовка прошла",
    )
