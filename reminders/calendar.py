"""iCalendar (RFC 5545) for hearings, built with the `icalendar` library: one event per hearing,
used by the public case feeds, the subscribers' private feeds and the `.ics` email attachments.
Deadlines (all-day events) go only into the members' private feeds and the lawyers' reminders:
never into a public case's feed."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case, Hearing
from deadlines.models import Deadline

# RFC 5545 section 3.8.1.11: what a calendar client shows for each of our states.
_STATUS = {
    Hearing.Status.SCHEDULED: "CONFIRMED",
    Hearing.Status.HELD: "CONFIRMED",
    Hearing.Status.POSTPONED: "TENTATIVE",
    Hearing.Status.CANCELLED: "CANCELLED",
}


def site_domain() -> str:
    return urlsplit(settings.SITE_BASE_URL).hostname or "localhost"


def case_url(case: Case) -> str:
    """The case's page for a subscriber: the public page of a public case; for a private case
    (only members subscribe to those) the members' page, which asks them to log in."""
    name = "web:public_case" if case.is_public else "web:case_detail"
    return f"{settings.SITE_BASE_URL}{reverse(name, args=[case.slug])}"


def hearing_uid(hearing: Hearing) -> str:
    # Stable for the hearing's whole life: a moved hearing updates the same calendar entry.
    return f"hearing-{hearing.pk}@{site_domain()}"


def hearing_location(hearing: Hearing) -> str:
    parts = [hearing.court.name, hearing.court.address]
    if hearing.courtroom:
        parts.append(f"courtroom {hearing.courtroom}")
    return ", ".join(part for part in parts if part)


def hearing_event(hearing: Hearing, *, stamp: dt.datetime | None = None) -> icalendar.Event:
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
    event.add("summary", f"{hearing.get_kind_display()} hearing: {hearing.case.title}")
    event.add("location", hearing_location(hearing))
    event.add("status", _STATUS.get(hearing.status, "CONFIRMED"))  # type: ignore[call-overload]
    event.add("url", case_url(hearing.case))
    description = [hearing.case.title, hearing_location(hearing)]
    if hearing.judge:
        description.append(f"Judge: {hearing.judge}")
    if hearing.time_to_be_confirmed:
        description.append("The time is to be confirmed.")
    description.append(case_url(hearing.case))
    event.add("description", "\n".join(description))
    return event


def deadline_uid(deadline: Deadline) -> str:
    return f"deadline-{deadline.pk}@{site_domain()}"


# An ended deadline stays in the calendar (history); one that no longer runs is struck through.
_DEADLINE_STATUS = {Deadline.State.CLOSED: "CANCELLED", Deadline.State.VOID: "CANCELLED"}
_DEADLINE_MARK = {
    Deadline.State.MET: " (met)",
    Deadline.State.LATE: " (filed late)",
    Deadline.State.CLOSED: " (closed)",
    Deadline.State.VOID: " (no longer applies)",
}


def deadline_event(deadline: Deadline, *, stamp: dt.datetime | None = None) -> icalendar.Event:
    """An all-day event on the due date. A due date is a day in law, not a moment: with
    `DTSTART;VALUE=DATE` (and DTEND the next day, RFC 5545 3.6.1) no client shifts it into the
    day before for a reader west of the court. The caller passes only deadlines with a date."""
    assert deadline.due_on is not None  # noqa: S101
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
    mark = _DEADLINE_MARK.get(deadline.state, "")  # type: ignore[call-overload]
    event.add("summary", f"Deadline{mark}: {deadline.rule_title}, {case.title}")
    event.add("status", _DEADLINE_STATUS.get(deadline.state, "CONFIRMED"))  # type: ignore[call-overload]
    event.add("categories", ["Deadline"])
    event.add("url", link)
    description = [case.title, f"{deadline.rule_title} ({deadline.rule_source})"]
    if deadline.trigger_on:
        description.append(f"Runs from {deadline.trigger_label}: {deadline.trigger_on.isoformat()}")
    if deadline.override_due_on:
        description.append(
            f"Changed by hand from {deadline.computed_due_on.isoformat() if deadline.computed_due_on else 'no date'}: "
            f"{deadline.override_reason}"
        )
    # The event's other lines are in English: so are the steps, whatever the request's language.
    with translation.override("en"):
        description.extend(deadline.explanation_sentences)
    description.append(link)
    event.add("description", "\n".join(description))
    return event


def hearings_calendar(
    hearings: Iterable[Hearing], *, name: str, method: str | None = None, deadlines: Iterable[Deadline] = ()
) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Privacy litigation case tracker//Hearings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if method:
        calendar.add("method", method)
    stamp = timezone.now()
    events = [hearing_event(hearing, stamp=stamp) for hearing in hearings]
    for event in events:
        calendar.add_component(event)
    for deadline in deadlines:  # all-day events: no TZID to define
        calendar.add_component(deadline_event(deadline, stamp=stamp))
    body = calendar.to_ical()
    zones = sorted({str(e["DTSTART"].params["TZID"]) for e in events if "TZID" in e["DTSTART"].params})
    if zones:
        # RFC 5545 3.6.5: each TZID used is defined in the calendar (spliced in, pre-serialised).
        head, begin, rest = body.partition(b"BEGIN:VEVENT")
        body = head + b"".join(_vtimezone_ical(zone) for zone in zones) + begin + rest
    return body


@functools.lru_cache(maxsize=128)
def _vtimezone_ical(tzid: str) -> bytes:
    # Building and serialising a VTIMEZONE from the zone database costs ~50 ms, and every
    # reminder of a court's hearings needs the same one: build it once per process.
    return icalendar.Timezone.from_tzid(tzid).to_ical()
