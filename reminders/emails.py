"""The messages: built in the subscriber's language, with times in the subscriber's zone and
the court's, an `.ics` attachment, a stable Message-ID and RFC 8058 one-click unsubscribe.

The case's own words (its title, the court's name and address, the parties' public names, a
ruling's summary) are read in the subscriber's language too, through cases.content.localized:
a text that exists only in another language is followed by "(in English)"."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases.content import localized
from cases.models import Case, Hearing, Party, Ruling
from cases.redaction import mark, read_as_outsider
from reminders.calendar import case_url, content_text, hearings_calendar, site_domain, url_path
from reminders.models import Notice, Reminder, Subscription

HEARING_KINDS = {
    Hearing.Kind.PRELIMINARY: gettext_lazy("preliminary hearing"),
    Hearing.Kind.MERITS: gettext_lazy("hearing on the merits"),
    Hearing.Kind.APPEAL: gettext_lazy("appeal hearing"),
    Hearing.Kind.CASSATION: gettext_lazy("cassation hearing"),
    Hearing.Kind.ANNOUNCEMENT: gettext_lazy("announcement of the decision"),
    Hearing.Kind.CASE_MANAGEMENT: gettext_lazy("case management hearing"),
    Hearing.Kind.OTHER: gettext_lazy("hearing"),
}
RULING_OUTCOMES = {
    Ruling.Outcome.GRANTED: gettext_lazy("granted"),
    Ruling.Outcome.PARTLY_GRANTED: gettext_lazy("partly granted"),
    Ruling.Outcome.DISMISSED: gettext_lazy("dismissed"),
    Ruling.Outcome.TERMINATED: gettext_lazy("proceedings terminated"),
    Ruling.Outcome.LEFT_WITHOUT_CONSIDERATION: gettext_lazy("left without consideration"),
    Ruling.Outcome.RETURNED: gettext_lazy("returned / not admitted"),
    Ruling.Outcome.REMANDED: gettext_lazy("set aside and remanded"),
    Ruling.Outcome.VIOLATION: gettext_lazy("violation found"),
    Ruling.Outcome.NO_VIOLATION: gettext_lazy("no violation"),
    Ruling.Outcome.INADMISSIBLE: gettext_lazy("inadmissible"),
    Ruling.Outcome.OTHER: gettext_lazy("other (see the summary)"),
}
# "E" is the month in the form used inside a date (genitive in Russian: "21 октября").
DATETIME_FORMAT = "l, j E Y, H:i"
DATE_FORMAT = "j E Y"


# RFC 3676's signature delimiter: what follows it in a text part is the footer.
SIGNATURE_DELIMITER = "\n-- \n"


def html_alternative(*, subject: str, body: str, language: str, action_url: str = "", action_label: str = "") -> str:
    """The text part as HTML, for mail clients that show a button: the same paragraphs (escaped,
    links made links), `lang` for screen readers, the action as a large link first. No image,
    font or stylesheet loaded from anywhere, so nothing tells anyone the message was opened."""
    text, _, footer = body.partition(SIGNATURE_DELIMITER)
    paragraphs = [paragraph.strip("\n") for paragraph in re.split(r"\n[ \t]*\n", text) if paragraph.strip()]
    context = {
        "subject": subject,
        "language": language,
        "paragraphs": paragraphs,
        "footer": footer.strip("\n"),
        "action_url": action_url,
        "action_label": action_label,
    }
    # A line break after each <br>: the footer's lines (four links, each written twice) would
    # otherwise make one line past RFC 5322's 998 octets, and the part would be sent
    # quoted-printable, encoded per message in pure Python, instead of as 8bit text.
    return render_to_string("reminders/email/message.html", context).replace("<br>", "<br>\n")


class _MultipartMessage(EmailMultiAlternatives):
    """Each multipart's boundary chosen before the message is written: 128 random bits, which no
    part's text can contain by chance nor by design (RFC 2046 5.1.1 asks only that). Left to
    itself, the standard library picks one and then searches the whole text for it with a regular
    expression compiled for each multipart: a large part of the time a reminder takes to write
    (bench/RESULTS.md)."""

    def message(self, *args: Any, **kwargs: Any) -> Any:
        message = super().message(*args, **kwargs)
        for part in message.walk():
            if part.is_multipart() and part.get_boundary() is None:
                part.set_boundary(f"=_{secrets.token_hex(16)}")
        return message


class _Written:
    """A message's bytes as SMTP sends them, written from its batch's prototype (see
    `MessageParts.reminder_written`). Anything else asked of it (another line separator, a
    header) is answered by the message built the standard library's way."""

    def __init__(self, message: _MultipartMessage, written: bytes) -> None:
        self._message, self._written = message, written

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        if linesep == "\r\n" and not unixfrom:
            return self._written
        return self._standard().as_bytes(unixfrom=unixfrom, linesep=linesep)

    def _standard(self) -> Any:
        return _MultipartMessage.message(self._message)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._standard(), name)


class _WrittenMessage(_MultipartMessage):
    """A reminder whose bytes are written from its batch's prototype when it is sent: what
    Django's SMTP backend asks of `message()` is `as_bytes(linesep="\r\n")`."""

    write: Callable[[], bytes | None]

    def message(self, *args: Any, **kwargs: Any) -> Any:
        written = self.write()
        return super().message(*args, **kwargs) if written is None else _Written(self, written)


def email_with_html(
    *,
    subject: str,
    body: str,
    to: str,
    headers: dict[str, str],
    language: str,
    action_url: str,
    action_label: str,
    html: str | None = None,
    message_class: type[_MultipartMessage] = _MultipartMessage,
) -> EmailMultiAlternatives:
    """multipart/alternative: the text part first (read as is by text clients and filters), then
    the same content in HTML (`html` when the caller has it already: `html_alternative` of the same
    subject and body). Attachments, if any, come after both."""
    subject = " ".join(subject.split())
    message = message_class(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], headers=headers
    )
    if html is None:
        html = html_alternative(
            subject=subject, body=body, language=language, action_url=action_url, action_label=action_label
        )
    message.attach_alternative(html, "text/html")
    return message


def absolute(path: str) -> str:
    return f"{settings.SITE_BASE_URL}{path}"


def offset_text(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def _when(moment: dt.datetime, zone: Any, *, date_only: bool = False) -> str:
    local = moment.astimezone(zone)
    return formats.date_format(local, DATE_FORMAT if date_only else DATETIME_FORMAT)


def _times(subscription: Subscription, hearing: Hearing, moment: dt.datetime) -> dict[str, str]:
    date_only = hearing.time_to_be_confirmed
    return {
        "subscriber": _when(moment, subscription.time_zone, date_only=date_only),
        "subscriber_zone": str(subscription.time_zone),
        "court": _when(moment, hearing.court.time_zone, date_only=date_only),
        "court_zone": str(hearing.court.time_zone),
    }


def case_parties_text(case: Case, language: str) -> str:
    """The parties as the public knows them (the alias without consent), with their roles, in
    `language`: "Алёна Попова (истец); ГУ МВД России по г. Москве (ответчик)"."""
    roles = list(Party.Role)  # plaintiffs first, as a court lists them
    parties = sorted(
        (party for party in case.parties.all() if party.role != Party.Role.REPRESENTATIVE),
        key=lambda party: (roles.index(party.role), party.pk),  # type: ignore[arg-type]
    )
    with translation.override(language):
        return "; ".join(
            f"{content_text(party, 'name' if party.consent_to_publish else 'alias', language)}"
            f" ({party.get_role_display().lower()})"
            for party in parties
        )


def _case_context(case: Case, language: str) -> dict[str, Any]:
    """The case's own words for the message, in the subscriber's language."""
    return {
        "case": case,
        "case_title": content_text(case, "title", language),
        "case_parties": case_parties_text(case, language),
    }


def _base_context(subscription: Subscription) -> dict[str, Any]:
    return {
        "subscription": subscription,
        "case": subscription.case,
        "case_link": case_url(subscription.case),
        "unsubscribe_url": absolute(url_path("reminders:unsubscribe", subscription.unsubscribe_token)),
        "settings_url": absolute(url_path("reminders:settings", subscription.unsubscribe_token)),
        "delete_url": absolute(url_path("reminders:delete", subscription.unsubscribe_token)),
        "feed_url": absolute(url_path("reminders:subscriber-feed", subscription.feed_token)),
    }


def _hearing_context(subscription: Subscription, hearing: Hearing) -> dict[str, Any]:
    return {
        "hearing": hearing,
        "hearing_kind": HEARING_KINDS.get(hearing.kind, hearing.get_kind_display()),  # type: ignore[call-overload]
        "when": _times(subscription, hearing, hearing.starts_at),
        "time_tbc": hearing.time_to_be_confirmed,
        "court_name": content_text(hearing.court, "name", subscription.language),
        "court_address": content_text(hearing.court, "address", subscription.language),
    }


def _message(
    *,
    subscription: Subscription,
    subject: str,
    context: dict[str, Any],
    message_id: str,
    template: str | None = None,
    body: str | None = None,
    ics: bytes | None = None,
    action: tuple[str, Any] | None = None,
    html: str | None = None,
    message_class: type[_MultipartMessage] = _MultipartMessage,
    to: str | None = None,
) -> EmailMessage:
    """The message from a template and its context, or from a `body` already rendered (and its
    `html`, if that is rendered too). `action`: the HTML part's button (its URL and label); by
    default, the case. `to`: the subscriber's address unless said."""
    if body is None:
        assert template is not None  # noqa: S101
        body = render_to_string(template, context)
    headers = {
        # Stable per row (and generation): a copy re-sent after a crash is recognisably the same message.
        "Message-ID": f"<{message_id}@{site_domain()}>",
        "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation auto-replies
        "Content-Language": subscription.language,
    }
    # RFC 8058: mail clients show an unsubscribe button that POSTs to this URL. On a confirmation
    # it withdraws the pending subscription (and kills the confirm link).
    headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    headers["List-Id"] = f"Hearings of {subscription.case.slug} <{subscription.case.slug}.hearings.{site_domain()}>"
    with translation.override(subscription.language):
        action_url, action_label = action or (context["case_link"], _("Open the case"))
        message = email_with_html(
            subject=subject,
            body=body,
            to=subscription.email if to is None else to,
            headers=headers,
            language=subscription.language,
            action_url=action_url,
            action_label=str(action_label),
            html=html,
            message_class=message_class,
        )
    if ics is not None:
        message.attach("hearing.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
    return message


def _hearing_ics(hearing: Hearing, language: str) -> bytes:
    read_as_outsider(hearing.case)
    name = localized(hearing.case, "title", language).text
    return hearings_calendar([hearing], name=name, method="PUBLISH", language=language)


# Stand-ins for a subscriber's own links in a text rendered once for many subscribers; NUL
# never occurs in stored text (PostgreSQL refuses it), so nothing else can match them.
_SUBSCRIBER_LINKS = {name: f"\x00{name}\x00" for name in ("unsubscribe_url", "settings_url", "delete_url", "feed_url")}


def _link_html(url: str) -> str:
    """A link as the template's `urlize` writes it (tests/reminders hold the two equal), without
    `urlize`'s cost: an http(s) URL of this site, whose path is reverse()'d and so already quoted."""
    return format_html('<a href="{}" rel="nofollow">{}</a>', url, url)


def _subscriber_links_put_in(text: str, links: dict[str, Any], *, html: bool = False) -> str:
    """`text` with the stand-ins replaced by the subscriber's own links; in HTML, each link as the
    template's `urlize` makes it (the stand-in itself is plain text to `urlize`, so what surrounds
    it comes out the same as if the link had been there when the HTML was rendered)."""
    for name, stand_in in _SUBSCRIBER_LINKS.items():
        if stand_in in text:
            text = text.replace(stand_in, _link_html(links[name]) if html else links[name])
    return text


class MessageParts:
    """What the reminders of one send batch share, built once per batch: a hearing's `.ics`, and
    the subject, text and HTML for one hearing, language, time zone and offset (the subscriber's
    own links are put in per message). Only for rows read together: a part is as fresh as the
    batch's read of the hearing."""

    def __init__(self) -> None:
        self._ics: dict[tuple[int, str], bytes] = {}
        self._texts: dict[tuple[int, str, str, int], tuple[str, str]] = {}
        self._html: dict[tuple[int, str, str, int], str] = {}
        self._prototypes: dict[tuple[int, str, str, int], _Prototype | None] = {}

    def ics(self, hearing: Hearing, language: str) -> bytes:
        key = (hearing.pk, language)
        if key not in self._ics:
            self._ics[key] = _hearing_ics(hearing, language)
        return self._ics[key]

    def reminder_text(self, reminder: Reminder) -> tuple[str, str]:
        """The subject and the body (with the subscriber's links as stand-ins)."""
        subscription, hearing = reminder.subscription, reminder.hearing
        key = (hearing.pk, subscription.language, str(subscription.time_zone), reminder.offset_minutes)
        if key not in self._texts:
            self._texts[key] = _reminder_text(reminder)
        return self._texts[key]

    def reminder_html(self, reminder: Reminder) -> str:
        """The HTML alternative of `reminder_text` (the same stand-ins): rendering it, links
        found by `urlize`, is most of a message's own cost, so once per batch and text."""
        subscription, hearing = reminder.subscription, reminder.hearing
        key = (hearing.pk, subscription.language, str(subscription.time_zone), reminder.offset_minutes)
        if key not in self._html:
            subject, body = self.reminder_text(reminder)
            with translation.override(subscription.language):
                self._html[key] = html_alternative(
                    subject=" ".join(subject.split()),
                    body=body,
                    language=subscription.language,
                    action_url=case_url(hearing.case),
                    action_label=_("Open the case"),
                )
        return self._html[key]

    def reminder_written(self, reminder: Reminder, *, message_id: str, links: dict[str, str]) -> bytes | None:
        """The reminder's bytes as SMTP sends them, written from the prototype of its hearing,
        language, zone and offset (the standard library's writing of MIME, header folding and
        all, once per batch and text instead of once per message), with this message's address,
        Message-ID, links, Date and boundaries put in. None when this message cannot be written
        so (an address the standard library would encode or fold, a line grown past RFC 5322's
        998 octets): it is then written the standard way. tests/reminders hold the two equal."""
        subscription, hearing = reminder.subscription, reminder.hearing
        key = (hearing.pk, subscription.language, str(subscription.time_zone), reminder.offset_minutes)
        if key not in self._prototypes:
            self._prototypes[key] = _reminder_prototype(reminder, parts=self)
        prototype = self._prototypes[key]
        address = subscription.email
        if prototype is None or not _writable_address(address):
            return None
        return prototype.write({"to": address, "message_id": message_id, **links})


# An address goes into the written bytes as is when the standard library would write it so:
# ASCII, no display name or quoting to encode, nothing to fold a header at (RFC 5322 2.2.3).
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


def _writable_address(address: str) -> bool:
    return (
        len(address) <= 60 and bool(_PLAIN_ADDRESS.fullmatch(address)) and sanitize_address(address, "utf-8") == address
    )


class _Prototype:
    """One text's message written once, with stand-ins for what each subscriber's message has of
    its own; `write` puts those in. Stand-ins are ASCII words that no text contains (a random
    token) and that no header could be folded at (no space, comma or semicolon)."""

    def __init__(self, *, head: bytes, tail: bytes, stand_ins: dict[str, bytes], boundaries: list[bytes]) -> None:
        self.head, self.tail, self.stand_ins, self.boundaries = head, tail, stand_ins, boundaries

    def write(self, values: dict[str, str]) -> bytes | None:
        if any(len(values[name]) != len(self.stand_ins[name]) for name in _SUBSCRIBER_LINKS):
            return None  # a link of another length could fold its header elsewhere
        if len(f"Message-ID: <{values['message_id']}@{site_domain()}>") > 78:
            return None  # the standard library would fold it
        written = self.head + formatdate(localtime=settings.EMAIL_USE_LOCALTIME).encode() + self.tail
        for name, stand_in in self.stand_ins.items():
            written = written.replace(stand_in, values[name].encode("ascii"))
        for boundary in self.boundaries:
            written = written.replace(boundary, f"=_{secrets.token_hex(16)}".encode())
        if max(map(len, written.split(b"\r\n"))) > 998:
            return None
        return written


def _stand_in(url: str) -> str | None:
    """A URL of the same length as `url` that no text contains: header folding (RFC 5322 2.2.3)
    and line lengths come out as they would with `url` itself."""
    prefix = f"{settings.SITE_BASE_URL}/prototype-"
    fill = len(url) - len(prefix) - 1
    return None if fill < 16 else f"{prefix}{secrets.token_hex(fill)[:fill]}/"


def _reminder_prototype(reminder: Reminder, *, parts: MessageParts) -> _Prototype | None:
    subscription, hearing = reminder.subscription, reminder.hearing
    own_links = _base_context(subscription)
    links: dict[str, str] = {}
    for name in _SUBSCRIBER_LINKS:
        stand_in = _stand_in(own_links[name])
        if stand_in is None:
            return None
        links[name] = stand_in
    token = secrets.token_hex(6)
    values = {"to": f"to-{token}@prototype.invalid", "message_id": f"id-{token}", **links}
    subject, body = parts.reminder_text(reminder)
    message = _message(
        subscription=subscription,
        subject=subject,
        context={"case_link": case_url(hearing.case), **links},
        body=_subscriber_links_put_in(body, links),
        html=_subscriber_links_put_in(parts.reminder_html(reminder), links, html=True),
        message_id=values["message_id"],
        ics=parts.ics(hearing, subscription.language),
        to=values["to"],
    )
    mime = _MultipartMessage.message(message)  # type: ignore[arg-type]
    boundaries = [part.get_boundary().encode() for part in mime.walk() if part.is_multipart()]
    written = mime.as_bytes(linesep="\r\n")
    headers_end = written.find(b"\r\n\r\n")
    date = written.find(b"\r\nDate: ", 0, headers_end)
    encodings = re.findall(rb"(?im)^Content-Transfer-Encoding: *(\S+)", written)
    stand_ins = {name: value.encode() for name, value in values.items()}
    if date < 0 or any(e.lower() not in {b"7bit", b"8bit"} for e in encodings):
        return None  # a part the standard library encodes (quoted-printable, base64): not by hand
    if not all(stand_in in written for stand_in in stand_ins.values()):
        return None  # folded or encoded where the standard library chose to
    if len(f"Message-ID: <{values['message_id']}@{site_domain()}>") > 78:
        return None
    date += len(b"\r\nDate: ")
    return _Prototype(
        head=written[:date],
        tail=written[written.index(b"\r\n", date) :],
        stand_ins=stand_ins,
        boundaries=boundaries,
    )


def _reminder_text(reminder: Reminder) -> tuple[str, str]:
    subscription, hearing = reminder.subscription, reminder.hearing
    read_as_outsider(hearing.case)
    with translation.override(subscription.language):
        context: dict[str, Any] = {
            **_case_context(hearing.case, subscription.language),
            "case_link": case_url(hearing.case),
            **_SUBSCRIBER_LINKS,
        }
        context |= _hearing_context(subscription, hearing)
        context["offset"] = offset_text(reminder.offset_minutes)
        subject = _("Reminder: %(kind)s in %(title)s, %(when)s") % {
            "kind": context["hearing_kind"],
            "title": localized(hearing.case, "title", subscription.language).text,
            "when": context["when"]["subscriber"],
        }
        return subject, render_to_string("reminders/email/reminder.txt", context)


def reminder_message(reminder: Reminder, *, parts: MessageParts | None = None) -> EmailMessage:
    subscription = reminder.subscription
    parts = parts or MessageParts()
    subject, body = parts.reminder_text(reminder)
    context = _base_context(subscription)
    message_id = f"reminder-{reminder.pk}.{reminder.generation}"
    message = _message(
        subscription=subscription,
        subject=subject,
        context=context,
        body=_subscriber_links_put_in(body, context),
        html=_subscriber_links_put_in(parts.reminder_html(reminder), context, html=True),
        message_id=message_id,
        ics=parts.ics(reminder.hearing, subscription.language),
        message_class=_WrittenMessage,
    )
    links = {name: context[name] for name in _SUBSCRIBER_LINKS}
    assert isinstance(message, _WrittenMessage)  # noqa: S101
    message.write = lambda: parts.reminder_written(reminder, message_id=message_id, links=links)
    return message


def notice_message(notice: Notice) -> EmailMessage:
    subscription = notice.subscription
    # Forwardable, and the address is no member's login: the case is read as outsiders read it.
    redactor = read_as_outsider(subscription.case, notice.ruling)
    if notice.hearing is not None:
        mark(redactor, notice.hearing.case)
    title = localized(subscription.case, "title", subscription.language).text
    with translation.override(subscription.language):
        context = _base_context(subscription) | _case_context(subscription.case, subscription.language)
        hearing = notice.hearing
        if notice.kind == Notice.Kind.RULING:
            ruling = notice.ruling
            assert ruling is not None  # noqa: S101 (the notice_has_its_subject constraint)
            context |= {
                "ruling": ruling,
                "outcome": RULING_OUTCOMES.get(ruling.outcome, ruling.get_outcome_display()),  # type: ignore[call-overload]
                "decided_on": formats.date_format(ruling.decided_on, DATE_FORMAT),
                "ruling_court": content_text(ruling.court, "name", subscription.language),
                "ruling_summary": content_text(ruling, "summary", subscription.language),
            }
            subject = _("Ruling in %(title)s: %(outcome)s") % {"title": title, "outcome": context["outcome"]}
        else:
            assert hearing is not None  # noqa: S101
            context |= _hearing_context(subscription, hearing)
            if notice.previous_starts_at is not None:
                context["previous"] = _times(subscription, hearing, notice.previous_starts_at)
            subject = {
                Notice.Kind.MOVED: _("Hearing moved: %(title)s"),
                Notice.Kind.POSTPONED: _("Hearing postponed: %(title)s"),
                Notice.Kind.CANCELLED: _("Hearing cancelled: %(title)s"),
            }[notice.kind] % {"title": title}  # type: ignore[index]
        return _message(
            subscription=subscription,
            subject=subject,
            template=f"reminders/email/notice_{notice.kind}.txt",
            context=context,
            message_id=f"notice-{notice.pk}",
            ics=None if hearing is None else _hearing_ics(hearing, subscription.language),
        )


def confirmation_message(subscription: Subscription) -> EmailMessage:
    read_as_outsider(subscription.case)
    with translation.override(subscription.language):
        context = _base_context(subscription)
        context["case_title"] = content_text(subscription.case, "title", subscription.language)
        context["confirm_url"] = absolute(reverse("reminders:confirm", args=[subscription.confirm_token]))
        return _message(
            subscription=subscription,
            subject=_("Confirm your subscription to hearings in %(title)s")
            % {"title": localized(subscription.case, "title", subscription.language).text},
            template="reminders/email/confirm.txt",
            context=context,
            message_id=f"confirm-{subscription.pk}.{subscription.confirm_token[:12]}",
            action=(context["confirm_url"], _("Confirm the subscription")),
        )
