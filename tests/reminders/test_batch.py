"""Sending a batch of claimed reminders (`reminders_deliver`, what one send task runs), over a
real SMTP connection to an aiosmtpd server on loopback, on the real PostgreSQL database."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions import hearings as hearing_actions
from actions import organizations as organization_actions
from reminders import services
from reminders.models import Notice, Reminder
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, SubscriptionFactory
from tests.reminders.pipeline import SITE, smtp_server

YEKT = ZoneInfo("Asia/Yekaterinburg")
UTC = ZoneInfo("UTC")


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SITE_BASE_URL = SITE
    settings.REMINDERS_RETRY_BACKOFF_SECONDS = 60
    settings.REMINDERS_MAX_ATTEMPTS = 6
    with smtp_server() as (mailbox, port):
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        yield mailbox


def hearing_in(case, *, hours):
    starts_at = timezone.now() + dt.timedelta(hours=hours)
    return hearing_actions.hearing_schedule(case=case, court=CourtFactory(), starts_at=starts_at, courtroom="412")


def claim(*hearings):
    """What the beat's claim does to the rows: `sending`, leased now. Returns their ids in due order."""
    rows = Reminder.objects.filter(hearing__in=hearings)
    rows.update(state="sending", claimed_at=timezone.now())
    return list(rows.order_by("due_at", "pk").values_list("pk", flat=True))


def send(ids, *, backend=None):
    smtp = backend or get_connection(fail_silently=False)
    try:
        return services.reminders_deliver(reminder_ids=ids, connection=smtp)
    finally:
        smtp.close()


def body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def unsubscribe_url(subscription):
    return f"{SITE}/reminders/unsubscribe/{subscription.unsubscribe_token}/"


@pytest.mark.django_db
def test_a_batch_is_read_once_and_each_message_costs_four_statements_and_has_its_own_links(mailbox):
    # given two hearings; three subscribers of the first (two share a language and zone), one of the second
    popova = CaseFactory(title="Popova v. Moscow", slug="popova-v-moscow")
    glukhin = CaseFactory(title="Glukhin v. Russia", slug="glukhin-v-russia")
    ann, bob, cat = (
        SubscriptionFactory(case=popova, email=f"{name}@example.net", offsets_minutes=[60], language=language,
                            time_zone=zone)
        for name, language, zone in (("ann", "ru", YEKT), ("bob", "ru", YEKT), ("cat", "en", UTC))
    )  # fmt: skip
    dan = SubscriptionFactory(case=glukhin, email="dan@example.net", offsets_minutes=[60], language="en", time_zone=UTC)
    first, second = hearing_in(popova, hours=2), hearing_in(glukhin, hours=3)
    ids = claim(first, second)
    # when the batch is sent
    with CaptureQueriesContext(connection) as queries:
        done = send(ids)
    # then the rows, their cases' parties and their receivers are read once, and each message
    # locks its row, records the result and commits on its own (a savepoint inside the test's transaction)
    assert [query["sql"].split()[0] for query in queries] == ["SELECT", "SELECT", "SELECT"] + [
        "SAVEPOINT",
        "SELECT",
        "UPDATE",
        "RELEASE",
    ] * 4
    assert "FOR UPDATE SKIP LOCKED" in queries[4]["sql"]
    assert [reminder.pk for reminder in done] == ids
    assert (
        list(Reminder.objects.order_by("due_at", "pk").values_list("state", "attempts", "last_error"))
        == [("sent", 1, "")] * 4
    )
    # and each subscriber got one message, in their language, with their own links
    messages = {str(m["To"]): m for m in mailbox.snapshot()}
    assert sorted(messages) == ["ann@example.net", "bob@example.net", "cat@example.net", "dan@example.net"]
    for subscription in (ann, bob, cat, dan):
        message = messages[subscription.email]
        reminder = Reminder.objects.get(subscription=subscription)
        assert message["Message-ID"].strip() == f"<reminder-{reminder.pk}.1@tracker.example.org>"
        assert message["List-Unsubscribe"].strip() == f"<{unsubscribe_url(subscription)}>"
        text = body(message)
        lines = text.splitlines()
        assert any(line.endswith(f": {unsubscribe_url(subscription)}") for line in lines)
        assert any(line.endswith(f": {SITE}/reminders/feed/{subscription.feed_token}.ics") for line in lines)
        assert any(line.endswith(f": {SITE}/reminders/settings/{subscription.unsubscribe_token}/") for line in lines)
        others = {ann, bob, cat, dan} - {subscription}
        assert not any(other.unsubscribe_token in text or other.feed_token in text for other in others)
        (attachment,) = message.iter_attachments()
        assert f"UID:hearing-{reminder.hearing_id}@tracker.example.org" in attachment.get_content()
    assert body(messages["ann@example.net"]).splitlines()[0] == "До заседания, за которым вы следите, осталось 1 час."
    assert body(messages["cat@example.net"]).splitlines()[0] == "A hearing you follow is in 1 hour."
    local = first.starts_at.astimezone(YEKT)
    assert f"{local:%H:%M} (Asia/Yekaterinburg)" in body(messages["bob@example.net"])
    assert "Case: Glukhin v. Russia" in body(messages["dan@example.net"])


class CancelAfterFirstMessage(EmailBackend):
    """A real SMTP connection; once the first message is accepted, a lawyer (another database
    connection, committed) cancels a hearing whose reminders are later in the same batch."""

    def __init__(self, hearing, **kwargs):
        super().__init__(fail_silently=False, **kwargs)
        self.hearing = hearing
        self.cancelled = False

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        if not self.cancelled:
            self.cancelled = True

            def cancel():
                hearing_actions.hearing_cancel(hearing=self.hearing, reason="Claim withdrawn")
                connection.close()

            lawyer = threading.Thread(target=cancel)
            lawyer.start()
            lawyer.join(10)
        return sent


@pytest.mark.django_db(transaction=True)
def test_a_hearing_cancelled_while_its_batch_is_being_sent_gets_no_reminders_and_the_rest_are_sent(mailbox):
    case = CaseFactory(title="Bridges v. South Wales Police")
    for n in range(2):
        SubscriptionFactory(case=case, email=f"s{n}@example.net", offsets_minutes=[60, 120])
    earlier, later = hearing_in(case, hours=3), hearing_in(case, hours=4)
    # given one batch holding both hearings' reminders, the earlier hearing's first
    ids = claim(earlier, later)
    assert len(ids) == 8
    # when the later hearing is cancelled after the batch was read and its first message sent
    done = send(ids, backend=CancelAfterFirstMessage(later))
    # then the earlier hearing's four reminders were sent, and none of the cancelled one's
    sent = [(r.hearing_id, r.state) for r in done]
    assert sent == [(earlier.pk, "sent")] * 4
    rows = Reminder.objects.filter(hearing=later)
    assert set(rows.values_list("state", "last_error", "attempts")) == {("cancelled", "The hearing is cancelled.", 0)}
    assert Reminder.objects.filter(hearing=earlier, state="sent").count() == 4
    assert [m["Subject"].strip() for m in mailbox.snapshot()].count(
        "Hearing cancelled: Bridges v. South Wales Police"
    ) == 0
    expected = {
        f"<reminder-{pk}.1@tracker.example.org>"
        for pk in Reminder.objects.filter(hearing=earlier).values_list("pk", flat=True)
    }
    assert set(mailbox.header("Message-ID")) == expected
    assert len(mailbox.snapshot()) == 4
    # and the cancellation notices wait for the next tick
    assert Notice.objects.filter(hearing=later, kind="cancelled", state="pending").count() == 2


@pytest.mark.django_db
def test_a_refused_recipient_fails_or_retries_its_own_row_and_the_rest_of_the_batch_is_sent(mailbox):
    mailbox.refuse_recipients = {
        "gone@example.net": "550 5.1.1 No such user",
        "full@example.net": "452 4.2.2 Mailbox full, try later",
    }
    case = CaseFactory()
    for name in ("first", "gone", "full", "last"):
        SubscriptionFactory(case=case, email=f"{name}@example.net", offsets_minutes=[60])
    ids = claim(hearing_in(case, hours=2))
    before = timezone.now()
    done = send(ids)
    after = timezone.now()
    rows = {r.subscription.email: r for r in Reminder.objects.select_related("subscription")}
    assert [(r.subscription.email, r.state) for r in done] == [
        ("first@example.net", "sent"),
        ("gone@example.net", "failed"),
        ("full@example.net", "pending"),
        ("last@example.net", "sent"),
    ]
    assert (rows["gone@example.net"].state, rows["gone@example.net"].attempts) == ("failed", 1)
    assert rows["gone@example.net"].last_error == (
        "SMTPRecipientsRefused: {'gone@example.net': (550, b'5.1.1 No such user')}"
    )
    full = rows["full@example.net"]
    assert (full.state, full.attempts, full.claimed_at) == ("pending", 1, None)
    assert before + dt.timedelta(seconds=60) <= full.due_at <= after + dt.timedelta(seconds=60)
    assert full.last_error == "SMTPRecipientsRefused: {'full@example.net': (452, b'4.2.2 Mailbox full, try later')}"
    assert (rows["last@example.net"].state, rows["last@example.net"].attempts) == ("sent", 1)
    # the connection was dropped after the refusal and opened again for the last message
    assert sorted(mailbox.header("To")) == ["first@example.net", "last@example.net"]


def three_claimed():
    """Three subscribers' reminders of one hearing, claimed: their ids."""
    case = CaseFactory()
    for n in range(3):
        SubscriptionFactory(case=case, email=f"s{n}@example.net", offsets_minutes=[60])
    return claim(hearing_in(case, hours=2))


@pytest.mark.django_db(transaction=True)
def test_a_row_being_sent_by_another_worker_is_left_to_it(mailbox):
    ids = three_claimed()
    locked, release = threading.Event(), threading.Event()

    def other_worker():  # in the middle of sending the first row: it holds the row's lock
        with transaction.atomic():
            list(Reminder.objects.select_for_update().filter(pk=ids[0]))
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=other_worker)
    holder.start()
    assert locked.wait(10)
    try:
        done = send(ids)
    finally:
        release.set()
        holder.join()
    assert [r.pk for r in done] == ids[1:]
    assert list(Reminder.objects.order_by("pk").values_list("state", "attempts")) == [
        ("sending", 0),
        ("sent", 1),
        ("sent", 1),
    ]
    assert sorted(mailbox.header("To")) == ["s1@example.net", "s2@example.net"]


@pytest.mark.django_db
def test_a_subscriber_who_left_the_organization_of_a_private_case_is_not_sent_and_the_row_says_why(mailbox):
    case = CaseFactory(is_public=False)
    staying = MembershipFactory(organization=case.organization, role="viewer")
    leaving = MembershipFactory(organization=case.organization, role="lawyer")
    SubscriptionFactory(case=case, email="staying@example.org", user=staying.user, offsets_minutes=[60])
    SubscriptionFactory(case=case, email="leaving@example.org", user=leaving.user, offsets_minutes=[60])
    ids = claim(hearing_in(case, hours=2))
    # when one of them leaves the organization after the rows were claimed
    organization_actions.membership_remove(membership=leaving)
    done = send(ids)
    assert sorted((r.subscription.email, r.state, r.last_error) for r in done) == [
        ("leaving@example.org", "cancelled", "The subscription no longer receives messages for this case."),
        ("staying@example.org", "sent", ""),
    ]
    assert sorted(Reminder.objects.values_list("state", flat=True)) == ["cancelled", "sent"]
    assert mailbox.header("To") == ["staying@example.org"]


class RecordingCommitMode(EmailBackend):
    """A real SMTP connection that notes, at each message, how the send's transaction will commit."""

    def __init__(self, **kwargs):
        super().__init__(fail_silently=False, **kwargs)
        self.modes = []

    def send_messages(self, email_messages):
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            self.modes.append(cursor.fetchone()[0])
        return super().send_messages(email_messages)


@pytest.mark.django_db(transaction=True)
def test_each_send_commits_without_waiting_for_the_disk_and_nothing_else_does(mailbox):
    # given three claimed reminders
    ids = three_claimed()
    backend = RecordingCommitMode()
    # when the batch is sent
    done = send(ids, backend=backend)
    # then each message's own transaction commits asynchronously (a worker's death cannot undo a
    # commit; only a database crash can, and its rows are sent again, never lost)
    assert [r.state for r in done] == ["sent"] * 3
    assert backend.modes == ["off"] * 3
    # and the connection's other transactions, the claim's among them, still wait for the disk
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert sorted(mailbox.header("To")) == ["s0@example.net", "s1@example.net", "s2@example.net"]
