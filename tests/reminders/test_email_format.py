"""Every kind of message the app sends, in English and Russian, as a strict parser reads it
(`email.policy.strict`, folded headers included): multipart/alternative with the text first and
an HTML part with the same content (its `lang`, no remote resources, nothing that tracks), and
RFC 8058 one-click unsubscribe on every message to a subscriber, the confirmation included
(where it withdraws the pending subscription). One goes through a real SMTP server."""

import datetime as dt
import email
import email.policy
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from actions import hearings as hearing_actions
from actions import rulings as ruling_actions
from deadlines.models import Deadline
from reminders import deadline_reminders, emails
from reminders.models import DeadlineReminder, Notice, Reminder, Subscription
from tests.factories import CaseFactory, CourtFactory, MembershipFactory, SubscriptionFactory, UserFactory
from tests.reminders.pipeline import smtp_server
from tests.reminders.test_member_feed import SITE, site  # noqa: F401 (autouse: the site's address, 30 Jan 2020)

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
LANGUAGES = ["en", "ru"]


@pytest.fixture
def world():
    """A case with a long bilingual title (long subjects fold), a hearing and a ruling."""
    case = CaseFactory(
        title_en="Popova v. Moscow Department of Internal Affairs (facial recognition at protests & <pickets>)",
        title_ru="Попова против ГУ МВД по г. Москве (распознавание лиц на акциях протеста и <пикетах>)",
        slug="popova-v-moscow",
        is_public=True,
    )
    court = CourtFactory(name_en="Savyolovsky District Court", name_ru="Савёловский районный суд")
    hearing = hearing_actions.hearing_schedule(
        case=case, court=court, starts_at=dt.datetime(2020, 2, 20, 10, 0, tzinfo=MSK)
    )
    ruling = ruling_actions.ruling_record(
        case=case, court=court, decided_on=dt.date(2020, 1, 24), final_form_on=dt.date(2020, 1, 29), outcome="dismissed"
    )
    return case, hearing, ruling


def subscriber_messages(world, language, **subscription_fields):
    case, hearing, ruling = world
    subscription = SubscriptionFactory(
        case=case, email=f"ann-{language}@example.net", language=language, **subscription_fields
    )
    due = dt.datetime(2020, 2, 1, tzinfo=dt.UTC)
    reminder = Reminder.objects.create(
        subscription=subscription, hearing=hearing, offset_minutes=1440, hearing_starts_at=hearing.starts_at, due_at=due
    )
    notices = [
        Notice.objects.create(
            subscription=subscription,
            kind=kind,
            hearing=hearing,
            previous_starts_at=hearing.starts_at - dt.timedelta(days=3) if kind == Notice.Kind.MOVED else None,
            due_at=due,
        )
        for kind in (Notice.Kind.MOVED, Notice.Kind.POSTPONED, Notice.Kind.CANCELLED)
    ]
    notices.append(Notice.objects.create(subscription=subscription, kind=Notice.Kind.RULING, ruling=ruling, due_at=due))
    return subscription, {
        "confirmation": emails.confirmation_message(subscription),
        "reminder": emails.reminder_message(reminder),
        **{f"notice_{notice.kind}": emails.notice_message(notice) for notice in notices},
    }


def deadline_message(world, language):
    case, _, ruling = world
    lawyer = MembershipFactory(
        organization=case.organization, role="lawyer", user=UserFactory(username=f"anna-{language}")
    ).user
    deadline_reminders.member_settings_update(user=lawyer, language=language)
    deadline = Deadline.objects.get(ruling=ruling, step="appeal")
    deadline_reminders.deadline_reminders_sync(deadline=deadline)
    row = DeadlineReminder.objects.filter(user=lawyer).order_by("offset_days").first()
    return deadline_reminders.deadline_reminder_message(row)


def strict(message):
    """The bytes a mail server gets, read back by Python's strict parser (it raises on any defect)."""
    raw = message.message().as_bytes()
    assert [line[:80] for line in raw.splitlines() if len(line) > 998] == [], "RFC 5322 line limit"
    return email.message_from_bytes(raw, policy=email.policy.strict)


class Resources(HTMLParser):
    """What an HTML part would load or run."""

    def __init__(self):
        super().__init__()
        self.loads, self.links, self.html_lang = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag in {"img", "script", "iframe", "link", "object", "embed", "video", "audio", "source"}:
            self.loads.append((tag, attrs))
        if tag == "a":
            self.links.append(attrs.get("href"))
        if any(name.startswith("on") for name in attrs) or "url(" in (attrs.get("style") or ""):
            self.loads.append((tag, attrs))


def text_and_html(parsed):
    alternative = parsed if parsed.get_content_type() == "multipart/alternative" else parsed.get_payload(0)
    assert alternative.get_content_type() == "multipart/alternative"
    text, html = alternative.get_payload()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    return text.get_content(), html.get_content()


def words(text):
    return [word for word in re.split(r"\W+", text) if len(word) > 3 and not word.startswith("http")]


def assert_same_content_in_accessible_html(text, html, language):
    resources = Resources()
    resources.feed(html)
    assert resources.html_lang == language
    assert resources.loads == []  # no images, scripts, frames or styles from anywhere: nothing to track
    assert "<title>" in html
    for word in words(text):  # the same content: every word of the text is in the HTML
        assert word in html or word.replace("&", "&amp;") in html, word
    for link in re.findall(r"https?://\S+", text):
        assert link in resources.links, link  # every link of the text is a link in the HTML
    assert all(link.startswith(SITE) for link in resources.links)  # no redirector, no tracking host
    assert "<pickets>" not in html and "<пикетах>" not in html  # the case's own text is escaped


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_subscriber_message_parses_strictly_with_text_html_and_one_click_unsubscribe(world, language):
    subscription, messages = subscriber_messages(world, language)
    unsubscribe = f"{SITE}/reminders/unsubscribe/{subscription.unsubscribe_token}/"
    for kind, message in messages.items():
        parsed = strict(message)
        assert parsed["List-Unsubscribe"].strip() == f"<{unsubscribe}>", kind  # folded onto its own line
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", kind
        assert parsed["Content-Language"] == language
        assert parsed["Subject"].strip() == " ".join(message.subject.split())  # a long subject folds, unfolds intact
        text, html = text_and_html(parsed)
        assert text == message.body.replace("\n", "\r\n") or text.replace("\r\n", "\n") == message.body
        assert_same_content_in_accessible_html(text, html, language)
    # the confirmation's button is the confirm link; the text keeps it too
    _, html = text_and_html(strict(messages["confirmation"]))
    assert f'href="{SITE}/reminders/confirm/{subscription.confirm_token}/"' in html
    # a reminder and a notice keep their hearing.ics after the two parts
    parsed = strict(messages["reminder"])
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["multipart/alternative", "text/calendar"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_deadline_reminder_parses_strictly_with_text_and_html(world, language):
    message = deadline_message(world, language)
    parsed = strict(message)
    assert parsed["Content-Language"] == language
    text, html = text_and_html(parsed)
    assert_same_content_in_accessible_html(text, html, language)
    assert [part.get_content_type() for part in parsed.iter_parts()] == ["multipart/alternative", "text/calendar"]


def test_the_confirmations_one_click_withdraws_the_pending_subscription(client, world):
    subscription, messages = subscriber_messages(world, "en", confirmed_at=None)  # pending
    url = strict(messages["confirmation"])["List-Unsubscribe"].strip().strip("<>")
    # a mail client's one-click POST (RFC 8058), with no cookie
    response = client.post(url.removeprefix(SITE), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None and subscription.confirmed_at is None
    # the confirm link no longer works: nothing will ever be sent
    assert client.post(f"/reminders/confirm/{subscription.confirm_token}/").status_code == 404
    assert not Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=False).exists()


def test_a_confirmation_through_a_real_smtp_server_arrives_whole(world, settings):
    subscription, messages = subscriber_messages(world, "ru")
    with smtp_server() as (mailbox, port):
        connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port)
        assert connection.send_messages([messages["confirmation"]]) == 1
        (arrived,) = mailbox.snapshot()
    parsed = email.message_from_bytes(arrived.as_bytes(), policy=email.policy.strict)
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = text_and_html(parsed)
    assert f"{SITE}/reminders/confirm/{subscription.confirm_token}/" in text
    assert_same_content_in_accessible_html(text, html, "ru")


def _subscriber_reminder(hearing, address, language):
    """A subscriber of the hearing's case and their reminder a day before, due in the batch."""
    subscription = SubscriptionFactory(case=hearing.case, email=address, language=language)
    reminder = Reminder.objects.create(
        subscription=subscription,
        hearing=hearing,
        offset_minutes=1440,
        hearing_starts_at=hearing.starts_at,
        due_at=dt.datetime(2020, 2, 1, tzinfo=dt.UTC),
    )
    return subscription, reminder


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reminders_html_rendered_once_per_batch_equals_the_html_of_its_own_text(world, language):
    """The batch renders a reminder's HTML once, with stand-ins for each subscriber's links, and
    puts the links in per message: the result is exactly what rendering the message's own text
    (links found by `urlize`) gives, for two subscribers sharing the batch's parts."""
    _, hearing, _ = world
    parts = emails.MessageParts()
    for name in ("ann", "bob"):
        subscription, reminder = _subscriber_reminder(hearing, f"{name}@example.net", language)
        message = emails.reminder_message(reminder, parts=parts)
        html, mimetype = message.alternatives[0]
        with translation.override(language):
            expected = emails.html_alternative(
                subject=message.subject,
                body=message.body,
                language=language,
                action_url=emails.case_url(hearing.case),
                action_label=gettext("Open the case"),
            )
        assert mimetype == "text/html"
        assert html == expected
        unsubscribe_url = emails.absolute(reverse("reminders:unsubscribe", args=[subscription.unsubscribe_token]))
        assert f'<a href="{unsubscribe_url}" rel="nofollow">{unsubscribe_url}</a>' in html
        assert "\x00" not in html
        boundaries = [part.get_boundary() for part in message.message().walk() if part.is_multipart()]
        assert len(boundaries) == 2  # mixed (the .ics) around alternative (text, HTML)
        assert all(re.fullmatch(r"=_[0-9a-f]{32}", boundary) for boundary in boundaries)
        assert len(set(boundaries)) == 2
        # no line past RFC 5322's 998 octets, so the HTML travels as 8bit, not quoted-printable
        encodings = {part.get_content_type(): part["Content-Transfer-Encoding"] for part in message.message().walk()}
        assert encodings["text/html"] in {"7bit", "8bit"}


def _standard_bytes(message) -> bytes:
    """The message as the standard library writes it (what every message was before prototypes)."""
    return emails._MultipartMessage.message(message).as_bytes(linesep="\r\n")


def _normalized(written: bytes) -> bytes:
    """Date and boundaries are the only bytes that differ from one writing to the next."""
    written = re.sub(rb"\r\nDate: [^\r]*", b"\r\nDate: (date)", written)
    boundaries = dict.fromkeys(re.findall(rb"=_[0-9a-f]{32}", written))  # in the order they appear
    for number, boundary in enumerate(boundaries):
        written = written.replace(boundary, b"(boundary %d)" % number)
    return written


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reminder_written_from_its_batchs_prototype_is_byte_for_byte_the_standard_message(world, language):
    """Each message of a batch is written from one prototype per text with its own address,
    Message-ID, links, Date and boundaries put in: the bytes SMTP gets are exactly what the
    standard library writes for that message (after the Date and the random boundaries)."""
    _, hearing, _ = world
    parts = emails.MessageParts()
    sent = []
    for name in ("ann", "bob.o'neil+hearings"):
        subscription, reminder = _subscriber_reminder(hearing, f"{name}@example.net", language)
        message = emails.reminder_message(reminder, parts=parts)
        written = message.message().as_bytes(linesep="\r\n")
        assert isinstance(message.message(), emails._Written)  # written from the prototype, not the standard way
        assert _normalized(written) == _normalized(_standard_bytes(message))
        parsed = email.message_from_bytes(written, policy=email.policy.default)
        assert parsed["To"] == subscription.email
        assert parsed["Message-ID"] == f"<reminder-{reminder.pk}.{reminder.generation}@tracker.example.org>"
        unsubscribe = emails.absolute(reverse("reminders:unsubscribe", args=[subscription.unsubscribe_token]))
        assert parsed["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
        text, html = text_and_html(parsed)
        assert unsubscribe in text and f'<a href="{unsubscribe}" rel="nofollow">{unsubscribe}</a>' in html
        assert b"prototype" not in written
        sent.append(written)
    # each message its own boundaries, never the prototype's
    assert not set(re.findall(rb"=_[0-9a-f]{32}", sent[0])) & set(re.findall(rb"=_[0-9a-f]{32}", sent[1]))


def test_an_address_the_standard_library_would_encode_or_fold_is_written_the_standard_way(world):
    _, hearing, _ = world
    parts = emails.MessageParts()
    long_address = "a-very-long-local-part-of-an-address-for-hearings@subdomain.example.net"
    for address, header in (("anna@пример.рф", "anna@xn--e1afmkfd.xn--p1ai"), (long_address, long_address)):
        _, reminder = _subscriber_reminder(hearing, address, "ru")
        message = emails.reminder_message(reminder, parts=parts)
        assert not isinstance(message.message(), emails._Written), address
        parsed = email.message_from_bytes(message.message().as_bytes(linesep="\r\n"), policy=email.policy.default)
        assert parsed["To"] == header


@pytest.mark.parametrize(
    "name",
    ["reminders:unsubscribe", "reminders:settings", "reminders:delete", "reminders:subscriber-feed", "web:public_case"],
)
@pytest.mark.parametrize("argument", ["Ab_9-zZ0", "a" * 43, "popova-v-moscow", "a b", "%41", "д", "x/y"])
def test_a_links_path_is_what_reverse_gives_for_any_argument_and_script_prefix(name, argument):
    from django.urls import NoReverseMatch, set_script_prefix

    from reminders.calendar import url_path

    for prefix in ("/", "/tracker/"):
        set_script_prefix(prefix)
        try:
            try:
                expected = reverse(name, args=[argument])
            except NoReverseMatch:
                with pytest.raises(NoReverseMatch):
                    url_path(name, argument)
                continue
            assert url_path(name, argument) == expected
            assert url_path(name, argument).startswith(prefix)
        finally:
            set_script_prefix("/")
