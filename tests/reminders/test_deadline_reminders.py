"""Lawyers' deadline reminders: rows written with the deadline change that causes them (computed,
recomputed, overridden: they move; met, closed, void: pending ones are cancelled), only offsets
still ahead, 09:00 at the court; and the send path (one message per row, the lawyer's language)."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

from actions import appeals as appeal_actions
from actions import cases as case_actions
from actions import courts as court_actions
from actions import deadlines as deadline_actions
from actions import organizations as organization_actions
from actions import rulings as ruling_actions
from deadlines.models import Deadline
from reminders import deadline_reminders, services
from reminders.models import DeadlineReminder, MemberReminderSettings
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
D = dt.date


def at(day, hour=9, zone=MSK):
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=zone)


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_BASE_URL = "https://tracker.example.org"
    with time_machine.travel(dt.datetime(2020, 1, 30, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def team():
    """A case with a lawyer and an owner (who get reminders), a viewer, a lawyer without an email
    address, and a lawyer of another organization (who get none)."""
    case = CaseFactory(title_en="Popova v. Moscow", title_ru="Попова против ГУ МВД", slug="popova-v-moscow")
    org = case.organization
    lawyer = MembershipFactory(organization=org, role="lawyer", user=UserFactory(username="anna")).user
    owner = MembershipFactory(organization=org, role="owner", user=UserFactory(username="olga")).user
    MembershipFactory(organization=org, role="viewer", user=UserFactory(username="victor"))
    MembershipFactory(organization=org, role="lawyer", user=UserFactory(username="noemail", email=""))
    MembershipFactory(role="lawyer", user=UserFactory(username="stranger"))
    return case, lawyer, owner


FINAL_FORM_ON = D(2020, 1, 29)


def record_ruling(case, final_form_on=FINAL_FORM_ON):
    court = CourtFactory(name_en="Savyolovsky District Court", name_ru="Савёловский районный суд")
    return ruling_actions.ruling_record(
        case=case, court=court, decided_on=D(2020, 1, 24), final_form_on=final_form_on, outcome="dismissed"
    )


def appeal_deadline(ruling):
    return Deadline.objects.get(ruling=ruling, step="appeal")


def rows(deadline):
    return sorted(
        (r.user.username, r.offset_days, r.due_on, r.due_at, r.state, r.generation)
        for r in DeadlineReminder.objects.filter(deadline=deadline).select_related("user")
    )


def test_recording_a_ruling_schedules_three_reminders_per_lawyer_and_owner_at_nine_at_the_court(team):
    case, _, _ = team
    # when the ruling is recorded (its appeal deadline: 2 March 2020, off the leap-year weekend)
    deadline = appeal_deadline(record_ruling(case))
    assert deadline.due_on == D(2020, 3, 2)
    # then the lawyer and the owner (not the viewer, not one without an address, not an outsider)
    # each get 7 days, 2 days and on the day, at 09:00 Moscow time
    expected = []
    for user in ("anna", "olga"):
        expected += [
            (user, 0, D(2020, 3, 2), at(D(2020, 3, 2)), "pending", 1),
            (user, 2, D(2020, 3, 2), at(D(2020, 2, 29)), "pending", 1),
            (user, 7, D(2020, 3, 2), at(D(2020, 2, 24)), "pending", 1),
        ]
    assert rows(deadline) == sorted(expected)
    assert DeadlineReminder.objects.get(user__username="anna", offset_days=7).due_at == dt.datetime(
        2020, 2, 24, 6, 0, tzinfo=dt.UTC
    )


def test_the_rows_commit_or_roll_back_with_the_deadline(team):
    case, _, _ = team
    with pytest.raises(RuntimeError), transaction.atomic():
        record_ruling(case)
        assert DeadlineReminder.objects.count() == 6
        raise RuntimeError("the request failed after the ruling was saved")
    assert (Deadline.objects.count(), DeadlineReminder.objects.count()) == (0, 0)


def test_one_row_per_deadline_user_and_offset(team):
    case, lawyer, _ = team
    deadline = appeal_deadline(record_ruling(case))
    # a second sync changes nothing
    deadline_reminders.deadline_reminders_sync(deadline=deadline)
    assert DeadlineReminder.objects.count() == 6
    # and the database refuses a duplicate
    with pytest.raises(IntegrityError), transaction.atomic():
        DeadlineReminder.objects.create(
            deadline=deadline, user=lawyer, offset_days=7, due_on=deadline.due_on, due_at=at(D(2020, 2, 24))
        )


def test_an_override_moves_pending_rows_and_a_sent_one_becomes_a_new_message(team):
    case, lawyer, _ = team
    deadline = appeal_deadline(record_ruling(case))
    DeadlineReminder.objects.filter(user=lawyer, offset_days=7).update(state="sent")
    # when a lawyer moves the date (the copy was served later)
    deadline_actions.deadline_override(deadline=deadline, due_on=D(2020, 3, 16), reason="Copy served on 14 Feb")
    # then every row points at the new date; the sent one is pending again as generation 2
    assert [r for r in rows(deadline) if r[0] == "anna"] == [
        ("anna", 0, D(2020, 3, 16), at(D(2020, 3, 16)), "pending", 1),
        ("anna", 2, D(2020, 3, 16), at(D(2020, 3, 14)), "pending", 1),
        ("anna", 7, D(2020, 3, 16), at(D(2020, 3, 9)), "pending", 2),
    ]
    assert DeadlineReminder.objects.count() == 6


def test_a_recomputed_date_moves_the_rows(team):
    case, _, _ = team
    ruling = record_ruling(case)
    # when the final-form date is corrected to 3 February, the deadline is recomputed: 3 March
    ruling_actions.ruling_update(ruling=ruling, final_form_on=D(2020, 2, 3))
    deadline = appeal_deadline(ruling)
    assert deadline.due_on == D(2020, 3, 3)
    assert sorted((r[1], r[2], r[3]) for r in rows(deadline) if r[0] == "olga") == [
        (0, D(2020, 3, 3), at(D(2020, 3, 3))),
        (2, D(2020, 3, 3), at(D(2020, 3, 1))),
        (7, D(2020, 3, 3), at(D(2020, 2, 25))),
    ]


def test_a_deadline_moved_close_to_today_schedules_only_what_is_still_ahead(team, site):
    case, _, _ = team
    deadline = appeal_deadline(record_ruling(case))
    # given it is 1 March, 10:00 UTC (13:00 in Moscow)
    site.move_to(dt.datetime(2020, 3, 1, 10, 0, tzinfo=dt.UTC))
    # when the date is moved to 3 March
    deadline_actions.deadline_override(deadline=deadline, due_on=D(2020, 3, 3), reason="Holiday moved by decree")
    # then the 7- and 2-day reminders (24 Feb, 1 March 09:00) are skipped, not sent late; the day's is pending
    assert [r[1:] for r in rows(deadline) if r[0] == "anna"] == [
        (0, D(2020, 3, 3), at(D(2020, 3, 3)), "pending", 1),
        (2, D(2020, 3, 3), at(D(2020, 2, 29)), "skipped", 1),
        (7, D(2020, 3, 3), at(D(2020, 2, 24)), "skipped", 1),
    ]


def test_a_deadline_first_computed_late_gets_no_burst(team, site):
    case, _, _ = team
    site.move_to(dt.datetime(2020, 2, 29, 10, 0, tzinfo=dt.UTC))
    deadline = appeal_deadline(record_ruling(case))
    assert sorted((r[0], r[1], r[4]) for r in rows(deadline)) == [("anna", 0, "pending"), ("olga", 0, "pending")]


def test_closing_or_meeting_the_deadline_cancels_pending_rows_and_reopening_brings_them_back(team):
    case, lawyer, _ = team
    ruling = record_ruling(case)
    deadline = appeal_deadline(ruling)
    DeadlineReminder.objects.filter(user=lawyer, offset_days=7).update(state="sent")
    # when the appeal is filed: the deadline is met
    appeal = appeal_actions.appeal_file(
        case=case, ruling=ruling, court=CourtFactory(level="appeal"), filed_on=D(2020, 1, 30)
    )
    assert appeal_deadline(ruling).state == "met"
    states = {(r.user.username, r.offset_days): (r.state, r.last_error) for r in DeadlineReminder.objects.all()}
    assert states[("anna", 7)] == ("sent", "")
    assert states[("anna", 2)] == ("cancelled", "The deadline is met (filed in time).")
    assert sorted(s for s, _ in states.values()) == ["cancelled"] * 5 + ["sent"]
    # when the appeal is deleted, the deadline reopens and its rows are pending again (the sent one stays sent)
    appeal_actions.appeal_delete(appeal=appeal)
    assert sorted(r.state for r in DeadlineReminder.objects.all()) == ["pending"] * 5 + ["sent"]
    # when it is closed without filing
    deadline_actions.deadline_close(deadline=deadline, reason="The client decided not to appeal")
    assert sorted(r.state for r in DeadlineReminder.objects.all()) == ["cancelled"] * 5 + ["sent"]
    assert set(DeadlineReminder.objects.filter(state="cancelled").values_list("last_error", flat=True)) == {
        "The deadline is closed without filing."
    }


def test_a_void_deadline_cancels_its_rows(team):
    case, _, _ = team
    ruling = record_ruling(case)
    deadline = appeal_deadline(ruling)
    # when the ruling turns out to be the appeal court's (no appeal runs from it)
    ruling_actions.ruling_update(ruling=ruling, court=CourtFactory(level="appeal"))
    deadline.refresh_from_db()
    assert deadline.state == "void"
    assert set(DeadlineReminder.objects.filter(deadline=deadline).values_list("state", flat=True)) == {"cancelled"}


def test_a_lawyer_who_joins_gets_the_open_deadlines_and_one_who_leaves_loses_them(team):
    case, lawyer, _ = team
    deadline = appeal_deadline(record_ruling(case))
    newcomer = UserFactory(username="nina")
    organization_actions.membership_set(organization=case.organization, user=newcomer, role="lawyer")
    assert [r[1:5] for r in rows(deadline) if r[0] == "nina"] == [
        (0, D(2020, 3, 2), at(D(2020, 3, 2)), "pending"),
        (2, D(2020, 3, 2), at(D(2020, 2, 29)), "pending"),
        (7, D(2020, 3, 2), at(D(2020, 2, 24)), "pending"),
    ]
    organization_actions.membership_remove(membership=lawyer.memberships.get())
    assert set(DeadlineReminder.objects.filter(user=lawyer).values_list("state", "last_error")) == {
        ("cancelled", "The recipient is no longer a lawyer or owner of the organization.")
    }


# --- Claim and send (one function each; the real worker is in test_deadline_pipeline.py) ---


def claim_and_deliver(now):
    ids = services.deliveries_claim_due(now=now).deadline_reminder_ids
    return [deadline_reminders.deadline_reminder_deliver(deadline_reminder_id=pk, now=now) for pk in ids]


def test_only_due_rows_are_claimed(team, site):
    case, _, _ = team
    record_ruling(case)
    assert services.deliveries_claim_due(now=at(D(2020, 2, 24), 8)).deadline_reminder_ids == []
    claimed = services.deliveries_claim_due(now=at(D(2020, 2, 24), 9)).deadline_reminder_ids
    assert sorted(DeadlineReminder.objects.filter(pk__in=claimed).values_list("user__username", "offset_days")) == [
        ("anna", 7),
        ("olga", 7),
    ]
    assert set(DeadlineReminder.objects.filter(pk__in=claimed).values_list("state", flat=True)) == {"sending"}


def test_the_message_in_the_lawyers_language_with_the_rule_date_explanation_link_and_ics(team, site):
    case, lawyer, owner = team
    MemberReminderSettings.objects.create(user=lawyer, language="ru")
    deadline = appeal_deadline(record_ruling(case))
    DeadlineReminder.objects.filter(offset_days=7).update(state="sent")
    site.move_to(at(D(2020, 2, 29)) + dt.timedelta(seconds=5))
    delivered = claim_and_deliver(now=at(D(2020, 2, 29)) + dt.timedelta(seconds=5))
    assert sorted((r.user.username, r.offset_days, r.state, r.attempts) for r in delivered) == [
        ("anna", 2, "sent", 1),
        ("olga", 2, "sent", 1),
    ]
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"anna@example.org", "olga@example.org"}
    ru, en = by_to["anna@example.org"], by_to["olga@example.org"]
    rule = deadline.rule_title
    assert en.subject == f"Deadline in 2 days: {rule} in Popova v. Moscow, due 2 March 2020"
    assert rule == "Appeal against a first-instance civil decision (Russia, GPK)"
    ru_rule = "Апелляционная жалоба на решение суда первой инстанции по гражданскому делу (ГПК РФ)"
    assert ru.subject == f"Срок истекает через 2 дня: {ru_rule} по делу «Попова против ГУ МВД» (2 марта 2020)"
    row = DeadlineReminder.objects.get(user=owner, offset_days=2)
    assert en.extra_headers["Message-ID"] == f"<deadline-reminder-{row.pk}.1@tracker.example.org>"
    assert (ru.extra_headers["Content-Language"], en.extra_headers["Content-Language"]) == ("ru", "en")
    lines = en.body.splitlines()
    assert lines[0] == "A procedural deadline is due in 2 days."
    assert "Case: Popova v. Moscow" in lines
    assert f"Deadline: {rule} ({deadline.rule_source})" in lines
    assert "Due on: 2 March 2020" in lines
    assert "Ruling: Savyolovsky District Court, 24 January 2020" in lines
    assert "- 2020-02-29 is a Saturday; 2020-03-01 is a Sunday -> 2020-03-02, the next working day." in lines
    assert "Case page: https://tracker.example.org/cases/popova-v-moscow/#deadlines" in lines
    assert "You receive this as a lawyer or owner of " + case.organization.name + "." in lines
    ru_lines = ru.body.splitlines()
    assert ru_lines[0] == "Процессуальный срок истекает через 2 дня."
    assert "Решение: Савёловский районный суд, 24 января 2020" in ru_lines
    assert "Дело: Попова против ГУ МВД" in ru_lines
    assert "Истекает: 2 марта 2020" in ru_lines
    assert f"Срок: {ru_rule} ({deadline.rule_source})" in ru_lines
    assert ru_lines[6] == "Исчисляется от: изготовление решения в окончательной форме, 29 января 2020"
    # how it was computed, in Russian too (deadlines/explanation.py)
    assert "- Начало отсчёта взято из даты изготовления решения в окончательной форме." in ru_lines
    assert "- 2020-02-29 — суббота; 2020-03-01 — воскресенье -> 2020-03-02, следующий рабочий день." in ru_lines
    assert not any("is a Saturday" in line for line in ru_lines)
    ((name, ics, mimetype),) = en.attachments
    assert (name, mimetype) == ("deadline.ics", "text/calendar; charset=utf-8; method=PUBLISH")
    assert "DTSTART;VALUE=DATE:20200302\r\nDTEND;VALUE=DATE:20200303\r\n" in ics
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (D(2020, 3, 2), D(2020, 3, 3))


def test_language_falls_back_to_the_members_subscription_then_english(team):
    case, lawyer, owner = team
    assert deadline_reminders.member_language(owner) == "en"
    SubscriptionFactory(case=case, email=lawyer.email, user=lawyer, language="ru")
    assert deadline_reminders.member_language(lawyer) == "ru"
    MemberReminderSettings.objects.create(user=lawyer, language="en")
    assert deadline_reminders.member_language(lawyer) == "en"


def test_a_row_claimed_after_the_deadline_passed_is_skipped_and_one_for_a_leaver_cancelled(team, site):
    case, lawyer, _ = team
    deadline = appeal_deadline(record_ruling(case))
    DeadlineReminder.objects.filter(offset_days=7).update(state="sending", claimed_at=at(D(2020, 3, 3)))
    assert deadline.due_on == D(2020, 3, 2)  # and an outage lasted until 3 March
    lawyer.memberships.update(role="viewer")  # demoted without the service: the send re-checks
    now = at(D(2020, 3, 3), 10)
    results = {
        r.user.username: (r.state, r.last_error)
        for r in (
            deadline_reminders.deadline_reminder_deliver(deadline_reminder_id=pk, now=now)
            for pk in DeadlineReminder.objects.filter(offset_days=7).values_list("pk", flat=True)
        )
    }
    assert results == {
        "anna": ("cancelled", "The recipient is no longer a lawyer or owner of the organization."),
        "olga": ("skipped", "The deadline had passed when the reminder could be sent."),
    }
    assert mail.outbox == []
    # and a second delivery of the same rows does nothing
    assert (
        deadline_reminders.deadline_reminder_deliver(
            deadline_reminder_id=DeadlineReminder.objects.filter(offset_days=7).first().pk, now=now
        )
        is None
    )


def test_a_case_moved_to_another_organization_reminds_its_lawyers_instead(team):
    case, _, _ = team
    deadline = appeal_deadline(record_ruling(case))
    newcomer = MembershipFactory(role="lawyer", user=UserFactory(username="nina"))
    case_actions.case_update(case=case, organization=newcomer.organization)
    assert sorted((r[0], r[1], r[4]) for r in rows(deadline) if r[4] == "pending") == [
        ("nina", 0, "pending"),
        ("nina", 2, "pending"),
        ("nina", 7, "pending"),
    ]
    assert set(DeadlineReminder.objects.exclude(user__username="nina").values_list("state", flat=True)) == {"cancelled"}


def test_a_court_zone_corrected_moves_untried_rows_to_nine_in_the_new_zone(team):
    case, lawyer, _ = team
    ruling = record_ruling(case)
    deadline = appeal_deadline(ruling)
    # a row being retried keeps its backoff time
    retrying = DeadlineReminder.objects.get(user=lawyer, offset_days=2)
    DeadlineReminder.objects.filter(pk=retrying.pk).update(
        attempts=1, due_at=at(D(2020, 2, 29), 9) + dt.timedelta(minutes=2)
    )
    # when the court turns out to sit in Yekaterinburg
    court_actions.court_update(court=ruling.court, time_zone=ZoneInfo("Asia/Yekaterinburg"))
    yekt = ZoneInfo("Asia/Yekaterinburg")
    assert sorted((r[1], r[3], r[4], r[5]) for r in rows(deadline) if r[0] == "olga") == [
        (0, at(D(2020, 3, 2), zone=yekt), "pending", 1),
        (2, at(D(2020, 2, 29), zone=yekt), "pending", 1),
        (7, at(D(2020, 2, 24), zone=yekt), "pending", 1),
    ]
    assert DeadlineReminder.objects.get(pk=retrying.pk).due_at == at(D(2020, 2, 29), 9) + dt.timedelta(minutes=2)
