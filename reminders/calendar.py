"""iCalendar (RFC 5545) for hearings, built with the `icalendar` library: one event per hearing,
the same in every calendar file the tracker serves or sends (feeds, "Add to calendar", email
attachments), so a calendar that gets it twice holds it once.
Deadlines (all-day events) go only into the members' private feeds and the lawyers' reminders:
never into a public case's feed.

SUMMARY, DESCRIPTION and LOCATION are in the reader's language (the subscriber's, the member's,
or the public feed's `?lang=` / Accept-Language): the fixed words through gettext, the case's
own words through cases.content.localized, a fallback followed by "(in Russian)"."""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.content import active_content_language, language_note, localized
from cases.models import Case, Hearing
from cases.redaction import Redactor, mark, read_as_outsider
from deadlines.models import Deadline

# RFC 5545 section 3.8.1.11: what a calendar client shows for each of our states.
_STATUS = {
    Hearing.Status.SCHEDULED: "CONFIRMED",
    Hearing.Status.HELD: "CONFIRMED",
    Hearing.Status.POSTPONED: "TENTATIVE",
    Hearing.Status.CANCELLED: "CANCELLED",
}


# RFC 5545 TEXT holds no control character but the escaped line break (and HTAB): a CR or LF
# left in a title ended the content line (X-WR-CALNAME), and the others make strict readers
# drop the whole calendar.
_ICAL_CONTROL = dict.fromkeys(c for c in range(0x20) if chr(c) not in "\n\t") | dict.fromkeys(range(0x7F, 0xA0))
_ICAL_CONTROL.update({0x2028: 0x0A, 0x2029: 0x0A})


def ical_text(value: object) -> icalendar.vText:
    """A text property's value, escaped by icalendar (\\n, \\;, \\,) once line breaks are
    normalised and other control characters are dropped."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return icalendar.vText(text.translate(_ICAL_CONTROL))


def site_domain() -> str:
    return urlsplit(settings.SITE_BASE_URL).hostname or "localhost"


# An argument reverse() puts into a path as is: nothing to quote, and accepted by the `str` and
# `slug` converters (tokens from secrets.token_urlsafe, slugs).
_PLAIN_ARGUMENT = re.compile(r"[A-Za-z0-9_-]+")
_PATH_TEMPLATES: dict[tuple[str, str, str | None, str | None], tuple[str, str] | None] = {}


def url_path(name: str, argument: str) -> str:
    """`reverse(name, args=[argument])` for a URL with one `str` or `slug` argument. reverse()
    cost about as much as the rest of a reminder's own work (each message has five links), and
    all but the argument is the same for every message: the path is reversed once per name (and
    script prefix, URLconf and language, should paths ever be translated) with a probe argument,
    and each argument is put where the probe was. An argument reverse() would quote, or that a
    converter might refuse, goes to reverse()."""
    if not _PLAIN_ARGUMENT.fullmatch(argument):
        return reverse(name, args=[argument])
    key = (name, get_script_prefix(), get_urlconf(), translation.get_language())
    if key not in _PATH_TEMPLATES:
        probe = f"probe{secrets.token_hex(8)}"
        try:
            parts = reverse(name, args=[probe]).split(probe)
        except NoReverseMatch:
            parts = []
        _PATH_TEMPLATES[key] = (parts[0], parts[1]) if len(parts) == 2 else None
    template = _PATH_TEMPLATES[key]
    if template is None:
        return reverse(name, args=[argument])
    return f"{template[0]}{argument}{template[1]}"


def case_url(case: Case) -> str:
    """The case's page for a subscriber: the public page of a public case; for a private case
    (only members subscribe to those) the members' page, which asks them to log in."""
    name = "web:public_case" if case.is_public else "web:case_detail"
    return f"{settings.SITE_BASE_URL}{url_path(name, case.slug)}"


def hearing_uid(hearing: Hearing) -> str:
    # Stable for the hearing's whole life: a moved hearing updates the same calendar entry.
    return f"hearing-{hearing.pk}@{site_domain()}"


def _language(language: str) -> dict[str, str]:
    """RFC 5545 3.2.10: the LANGUAGE parameter of a text property."""
    return {"LANGUAGE": language}


def content_text(obj: object, field: str, language: str) -> str:
    """`obj.field` in `language` for a plain-text reader; a fallback says which language it is in."""
    text = localized(obj, field, language)
    if text.is_fallback:
        return f"{text.text} ({language_note(text.language, language)})"
    return text.text


def hearing_location(hearing: Hearing, language: str | None = None) -> str:
    language = language or active_content_language()
    with translation.override(language):
        parts = [content_text(hearing.court, "name", language), content_text(hearing.court, "address", language)]
        if hearing.courtroom:
            parts.append(_("courtroom %(courtroom)s") % {"courtroom": hearing.courtroom})
    return ", ".join(part for part in parts if part)


def hearing_event(
    hearing: Hearing, *, stamp: dt.datetime | None = None, language: str | None = None
) -> icalendar.Event:
    language = language or active_content_language()
    event = icalendar.Event()
    event.add("uid", hearing_uid(hearing))
    event.add("dtstamp", stamp or timezone.now())
    # Every service write raises `version`, so SEQUENCE only ever grows (RFC 5545 3.8.7.4).
    event.add("sequence", max(hearing.version - 1, 0))
    local_start = hearing.starts_at.astimezone(hearing.court.time_zone)
    if hearing.time_to_be_confirmed:
        event.add("dtstart", local_start.date())
        event.add("dtend", local_start.date() + dt.timedelta(days=1))
    else:
        event.add("dtstart", local_start)
        event.add("dtend", local_start + dt.timedelta(minutes=hearing.duration_minutes))
    title = content_text(hearing.case, "title", language)
    location = hearing_location(hearing, language)
    with translation.override(language):
        summary = _("%(kind)s hearing: %(title)s") % {"kind": hearing.get_kind_display(), "title": title}
        event.add("summary", ical_text(summary), parameters=_language(language))
        event.add("location", ical_text(location), parameters=_language(language))
        event.add("status", _STATUS.get(hearing.status, "CONFIRMED"))  # type: ignore[call-overload]
        event.add("url", case_url(hearing.case))
        description = [title, location]
        if hearing.judge:
            description.append(_("Judge: %(judge)s") % {"judge": hearing.judge})
        if hearing.time_to_be_confirmed:
            description.append(_("The time is to be confirmed."))
        description.append(case_url(hearing.case))
        event.add("description", ical_text("\n".join(description)), parameters=_language(language))
    return event


def deadline_uid(deadline: Deadline) -> str:
    return f"deadline-{deadline.pk}@{site_domain()}"


# An ended deadline stays in the calendar (history); one that no longer runs is struck through.
_DEADLINE_STATUS = {Deadline.State.CLOSED: "CANCELLED", Deadline.State.VOID: "CANCELLED"}
_DEADLINE_MARK = {
    Deadline.State.MET: translation.gettext_lazy(" (met)"),
    Deadline.State.LATE: translation.gettext_lazy(" (filed late)"),
    Deadline.State.CLOSED: translation.gettext_lazy(" (closed)"),
    Deadline.State.VOID: translation.gettext_lazy(" (no longer applies)"),
}


def deadline_event(
    deadline: Deadline, *, stamp: dt.datetime | None = None, language: str | None = None
) -> icalendar.Event:
    """An all-day event on the due date. A due date is a day in law, not a moment: with
    `DTSTART;VALUE=DATE` (and DTEND the next day, RFC 5545 3.6.1) no client shifts it into the
    day before for a reader west of the court. The caller passes only deadlines with a date."""
    assert deadline.due_on is not None  # noqa: S101
    language = language or active_content_language()
    case = deadline.case
    link = f"{settings.SITE_BASE_URL}{reverse('web:case_detail', args=[case.slug])}#deadlines"
    event = icalendar.Event()
    event.add("uid", deadline_uid(deadline))
    event.add("dtstamp", stamp or timezone.now())
    # Every write through deadlines.services raises `version`: SEQUENCE only ever grows.
    event.add("sequence", max(deadline.version - 1, 0))
    event.add("dtstart", deadline.due_on)
    event.add("dtend", deadline.due_on + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy that day
    title = content_text(case, "title", language)
    with translation.override(language):
        # The rule table (deadlines/rules.py) is in English; its wording in other languages is
        # in the dossier's catalogue (documents/dossier/labels.py), as in the reminder emails.
        rule_title = translation.pgettext("dossier: Deadline.rule_title", deadline.rule_title)
        mark = str(_DEADLINE_MARK.get(deadline.state, ""))  # type: ignore[call-overload]
        event.add(
            "summary",
            ical_text(_("Deadline%(mark)s: %(rule)s, %(title)s") % {"mark": mark, "rule": rule_title, "title": title}),
            parameters=_language(language),
        )
        event.add("status", _DEADLINE_STATUS.get(deadline.state, "CONFIRMED"))  # type: ignore[call-overload]
        event.add("categories", [_("Deadline")])
        event.add("url", link)
        description = [title, f"{rule_title} ({deadline.rule_source})"]
        if deadline.trigger_on:
            trigger = (
                translation.pgettext("dossier: Deadline.trigger_label", deadline.trigger_label)
                if deadline.trigger_label
                else ""
            )
            description.append(
                _("Runs from %(trigger)s: %(date)s") % {"trigger": trigger, "date": deadline.trigger_on.isoformat()}
            )
        if deadline.override_due_on:
            description.append(
                _("Changed by hand from %(computed)s: %(reason)s")
                % {
                    "computed": deadline.computed_due_on.isoformat() if deadline.computed_due_on else _("no date"),
                    "reason": deadline.override_reason,
                }
            )
        description.extend(deadline.explanation_sentences)  # the steps, in the reader's language
        description.append(link)
        event.add("description", ical_text("\n".join(description)), parameters=_language(language))
    return event


def hearings_calendar(
    hearings: Iterable[Hearing],
    *,
    name: str,
    method: str | None = None,
    deadlines: Iterable[Deadline] = (),
    language: str | None = None,
    for_outsiders: bool = True,
) -> bytes:
    """The calendar, its events' texts in `language` (default: the active one). A feed anyone
    may hold (a public case's, a subscriber's) reads each case as outsiders do: a hidden party's
    name in a title shows as the alias (cases/redaction.py); only the members' own feed passes
    `for_outsiders=False`."""
    language = language or active_content_language()
    if for_outsiders:
        hearings = list(hearings)
        redactors: dict[int, Redactor] = {}
        for hearing in hearings:
            if hearing.case_id in redactors:
                mark(redactors[hearing.case_id], hearing.case)
            else:
                redactors[hearing.case_id] = read_as_outsider(hearing.case)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Privacy litigation case tracker//Hearings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", ical_text(name))
    if method:
        calendar.add("method", method)
    stamp = timezone.now()
    events = [hearing_event(hearing, stamp=stamp, language=language) for hearing in hearings]
    for event in events:
        calendar.add_component(event)
    for deadline in deadlines:  # all-day events: no TZID to define
        calendar.add_component(deadline_event(deadline, stamp=stamp, language=language))
    body = calendar.to_ical()
    zones = sorted({str(e["DTSTART"].params["TZID"]) for e in events if "TZID" in e["DTSTART"].params})
    if zones:
        # RFC 5545 3.6.5: each TZID used is defined in the calendar (spliced in, pre-serialised).
        # A line of its own: "BEGIN:VEVENT" may also stand inside an escaped text (a title).
        head, begin, rest = body.partition(b"\r\nBEGIN:VEVENT\r\n")
        body = head + b"\r\n" + b"".join(_vtimezone_ical(zone) for zone in zones) + begin[2:] + rest
    return body


@functools.lru_cache(maxsize=128)
def _vtimezone_ical(tzid: str) -> bytes:
    # Building and serialising a VTIMEZONE from the zone database is slow, and every reminder
    # of a court's hearings needs the same one: build it once per process.
    return icalendar.Timezone.from_tzid(tzid).to_ical()
