"""From a card's events to proposed updates of the docket's hearings (court-sites.md, "What a
card's event means").

A card tells a hearing's story in rows: a hearing postponed ("Отложено") is followed by the row
of its new date. Rows linked so are one hearing in the tracker, called a *sitting* here, which
stands where its last row says. The docket's hearings (the case's hearings at the docket's court)
are matched to sittings by the court-local date and time of any of their rows, then by the date
alone, then by their order between matched ones; what differs is proposed:

- NEW: a sitting no hearing matches;
- MOVED: a hearing whose sitting ends at another date, time or room (one proposal for a
  postponement and its new date, with the court's reason);
- RESULT: a hearing whose row gives a result its status does not have (held, postponed with no
  new date yet, adjourned, withdrawn from the list);
- GONE: a future scheduled hearing that the card, read whole, does not list.

Each proposal's `event_key` hashes its kind, the event it is about and the values it proposes:
the same reading twice proposes nothing twice, and a dismissed proposal stays dismissed while
the card says the same. Open proposals the new reading no longer makes are superseded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from cases.models import Court, Hearing
from courtwatch.models import CourtUpdate, CourtWatch
from courtwatch.reading import CardEvent, CardReading

# What a row's result says happened to the hearing (court-sites.md, "Results seen").
POSTPONED = "postponed"  # "Отложено": the next row carries the new date, if there is one yet
ADJOURNED = "adjourned"  # "Перерыв в судебном заседании": the hearing sat, and goes on another day
HELD = "held"  # "Проведено", "Вынесено решение по делу", "Рассмотрено", "Производство ... прекращено"
CANCELLED = "cancelled"  # "Снято с рассмотрения": the hearing is off the list

COURTROOM_MAX_LENGTH = Hearing._meta.get_field("courtroom").max_length or 50
JUDGE_MAX_LENGTH = Hearing._meta.get_field("judge").max_length or 200


def result_meaning(result: str) -> str | None:
    """What a row's "Результат" means, or None when the row gives none (a hearing to come)."""
    words = " ".join(result.casefold().split())
    if not words:
        return None
    # "Снято с рассмотрения" holds "рассмотр" as "Рассмотрено" does: the withdrawals first.
    if "снят" in words or "отмен" in words:
        return CANCELLED
    if "отложен" in words or "не состоял" in words:
        return POSTPONED
    if "перерыв" in words:
        return ADJOURNED
    return HELD


def court_zone(court: Court) -> ZoneInfo:
    zone = court.time_zone
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))


def row_starts_at(row: CardEvent, zone: ZoneInfo) -> dt.datetime:
    """The row's date and time at the court, as an aware datetime; a row without a time starts
    at the day's start in the court's zone (the Hearing model's "time to be confirmed")."""
    return dt.datetime.combine(row.date, row.time or dt.time(0, 0), tzinfo=zone)


_ROOM_NOISE = re.compile(
    r"\b(зал[а-я]*|судебн[а-я]*|заседани[а-я]*|кабинет[а-я]*|каб|комнат[а-я]*|room|courtroom|no)\b|[№#]"
)
_ROOM_PREFIX = re.compile(r"^\s*(зал|кабинет|каб\.?)\s*(№\s*)?", re.IGNORECASE)


def room_key(room: str) -> str:
    """A room as compared: "Зал № 305", "зал 305" and "305" are one room."""
    return re.sub(r"[\W_]+", "", _ROOM_NOISE.sub(" ", room.casefold()))


def courtroom_of(room: str) -> str:
    """The card's room as a hearing's courtroom: "Зал № 305" -> "305" (the page says "courtroom")."""
    room = " ".join(room.split())
    short = _ROOM_PREFIX.sub("", room).strip()
    return (short or room)[:COURTROOM_MAX_LENGTH]


def hearing_kind_of(row: CardEvent, court: Court) -> str:
    if court.level == Court.Level.APPEAL:
        return Hearing.Kind.APPEAL
    if court.level == Court.Level.CASSATION:
        return Hearing.Kind.CASSATION
    name = row.name.casefold()
    if "подготов" in name or "беседа" in name or "собеседован" in name:
        return Hearing.Kind.PRELIMINARY
    return Hearing.Kind.MERITS


def _row_words(row: CardEvent) -> str:
    """A row's result with its reason, as the card prints them: "Отложено (Неявка ответчика)"."""
    result, reason = " ".join(row.result.split()), " ".join(row.reason.split())
    if result and reason:
        return f"{result} ({reason})"
    return result or reason


# --- Sittings -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Sitting:
    """One hearing as the card tells it: its rows in order, the last where it now stands."""

    rows: tuple[CardEvent, ...]

    @property
    def last(self) -> CardEvent:
        return self.rows[-1]


def sittings_of(events: Iterable[CardEvent]) -> list[Sitting]:
    """The card's hearing rows in date order, a postponed one joined with the row after it."""
    rows = sorted((e for e in events if e.is_hearing), key=lambda e: (e.date, e.time or dt.time(0, 0)))
    sittings: list[Sitting] = []
    current: list[CardEvent] = []
    for row in rows:
        current.append(row)
        if result_meaning(row.result) != POSTPONED:
            sittings.append(Sitting(tuple(current)))
            current = []
    if current:  # postponed, and no new date on the card yet
        sittings.append(Sitting(tuple(current)))
    return sittings


# --- Matching hearings to sittings ----------------------------------------------------------

OPEN_STATUSES = (Hearing.Status.SCHEDULED, Hearing.Status.POSTPONED)


@dataclasses.dataclass
class _Match:
    sitting: int
    row: int | None  # the row the hearing stands at; None when paired by order


def _local(hearing: Hearing, zone: ZoneInfo) -> tuple[dt.date, dt.time | None]:
    local = hearing.starts_at.astimezone(zone)
    return local.date(), None if hearing.time_to_be_confirmed else local.time().replace(tzinfo=None)


def hearings_match(hearings: Sequence[Hearing], sittings: Sequence[Sitting], zone: ZoneInfo) -> dict[int, _Match]:
    """Hearing id -> the sitting it is: by date and court-local time of any row, then by the date
    alone, then by order between matched ones (only where a stretch between two matched hearings
    holds as many open hearings as unmatched sittings: guessing would move the wrong one)."""
    rows = [(s, r, row) for s, sitting in enumerate(sittings) for r, row in enumerate(sitting.rows)]
    matches: dict[int, _Match] = {}
    for hearing in hearings:
        day, time = _local(hearing, zone)
        for s, r, row in rows:
            if row.date == day and row.time == time:
                matches[hearing.pk] = _Match(s, r)
                break
    taken = {(m.sitting, m.row) for m in matches.values()}
    for hearing in hearings:
        if hearing.pk in matches:
            continue
        day, _time = _local(hearing, zone)
        for s, r, row in rows:
            if row.date == day and (s, r) not in taken:
                matches[hearing.pk] = _Match(s, r)
                taken.add((s, r))
                break
    _match_by_order(hearings, len(sittings), matches)
    return matches


def _match_by_order(hearings: Sequence[Hearing], sitting_count: int, matches: dict[int, _Match]) -> None:
    ordered = sorted(hearings, key=lambda h: (h.starts_at, h.pk))
    matched_sittings = sorted({m.sitting for m in matches.values()})

    def hearing_gap(position: int) -> tuple[int, int]:
        before = [matches[h.pk].sitting for h in ordered[:position] if h.pk in matches]
        after = [matches[h.pk].sitting for h in ordered[position + 1 :] if h.pk in matches]
        return (max(before, default=-1), min(after, default=sitting_count))

    def sitting_gap(index: int) -> tuple[int, int]:
        before = [s for s in matched_sittings if s < index]
        after = [s for s in matched_sittings if s > index]
        return (max(before, default=-1), min(after, default=sitting_count))

    open_hearings: dict[tuple[int, int], list[Hearing]] = {}
    for position, hearing in enumerate(ordered):
        if hearing.pk not in matches and hearing.status in OPEN_STATUSES:
            open_hearings.setdefault(hearing_gap(position), []).append(hearing)
    free_sittings: dict[tuple[int, int], list[int]] = {}
    for index in range(sitting_count):
        if index not in matched_sittings:
            free_sittings.setdefault(sitting_gap(index), []).append(index)
    for gap, waiting in open_hearings.items():
        candidates = free_sittings.get(gap, [])
        if len(candidates) == len(waiting):
            for hearing, index in zip(waiting, candidates, strict=True):
                matches[hearing.pk] = _Match(index, None)


# --- Proposals ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Proposal:
    kind: str
    hearing: Hearing | None
    identity: tuple[Any, ...]  # the event it is about: a hearing's id, or a new sitting's first row
    proposed: dict[str, Any]
    previous: dict[str, Any]

    @property
    def event_key(self) -> str:
        changes = {name: self.proposed[name] for name in KEYED_VALUES}
        text = json.dumps([self.kind, list(self.identity), changes], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


# The values a proposal would write: a new reason or event name alone is not a new proposal.
KEYED_VALUES = ("starts_at", "time_to_be_confirmed", "courtroom", "status", "outcome")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def hearing_values(hearing: Hearing) -> dict[str, Any]:
    """A hearing as a proposal's `previous`: what it was when proposed, and its version."""
    return {
        "starts_at": _utc(hearing.starts_at),
        "time_to_be_confirmed": hearing.time_to_be_confirmed,
        "courtroom": hearing.courtroom,
        "status": hearing.status,
        "version": hearing.version,
    }


def _status_of(row: CardEvent, zone: ZoneInfo, now: dt.datetime) -> tuple[str | None, str]:
    """(The hearing status the row gives, or None; the outcome words for a hearing that sat.)
    A result on a row still to come is not believed for "held": a hearing is not held before it starts."""
    meaning = result_meaning(row.result)
    if meaning is None:
        return None, ""
    if meaning == POSTPONED:
        return Hearing.Status.POSTPONED, ""
    if meaning == CANCELLED:
        return Hearing.Status.CANCELLED, ""
    if row_starts_at(row, zone) > now:
        return None, ""
    return Hearing.Status.HELD, _row_words(row)


def _proposed(
    sitting: Sitting, *, court: Court, zone: ZoneInfo, now: dt.datetime, reading: CardReading
) -> dict[str, Any]:
    """What the card says of a sitting, as the values of its hearing."""
    last = sitting.last
    status, outcome = _status_of(last, zone, now)
    postponement = sitting.rows[-2] if len(sitting.rows) > 1 else None
    if status == Hearing.Status.POSTPONED:
        reason = _row_words(last)
    elif postponement is not None:
        reason = _row_words(postponement)
    else:
        reason = ""
    return {
        "event": " ".join(last.name.split()),
        "starts_at": _utc(row_starts_at(last, zone)),
        "time_to_be_confirmed": last.time is None,
        "courtroom": courtroom_of(last.room) if last.room.strip() else "",
        "status": status or Hearing.Status.SCHEDULED,
        "outcome": outcome,
        "reason": reason,
        "kind": hearing_kind_of(sitting.rows[0], court),
        "judge": reading.judge[:JUDGE_MAX_LENGTH],
    }


def _compare(
    hearing: Hearing, sitting: Sitting, proposed: dict[str, Any], zone: ZoneInfo, now: dt.datetime
) -> str | None:
    """MOVED, RESULT or None: how the hearing differs from where the card puts it."""
    last = sitting.last
    day, time = _local(hearing, zone)
    # A card that gives no time does not take away a time the lawyer knows.
    moved = last.date != day or (last.time is not None and last.time != time)
    # A room matters to a hearing still to come; a past one's is no news worth a click.
    room_moved = (
        bool(proposed["courtroom"])
        and room_key(last.room) != room_key(hearing.courtroom)
        and row_starts_at(last, zone) > now
    )
    if moved or room_moved:
        return CourtUpdate.Kind.MOVED
    said = result_meaning(last.result) is not None and proposed["status"] != Hearing.Status.SCHEDULED
    if said and proposed["status"] != hearing.status:
        return CourtUpdate.Kind.RESULT
    return None


def proposals_for(
    *, hearings: Sequence[Hearing], reading: CardReading, court: Court, now: dt.datetime
) -> list[Proposal]:
    """What the card read whole says differs from the docket's hearings (no database writes)."""
    zone = court_zone(court)
    sittings = sittings_of(reading.events)
    matches = hearings_match(hearings, sittings, zone)
    proposals: list[Proposal] = []
    by_sitting: dict[int, list[tuple[Hearing, _Match]]] = {}
    for hearing in hearings:
        if hearing.pk in matches:
            by_sitting.setdefault(matches[hearing.pk].sitting, []).append((hearing, matches[hearing.pk]))
    for index, sitting in enumerate(sittings):
        proposed = _proposed(sitting, court=court, zone=zone, now=now, reading=reading)
        matched = by_sitting.get(index, [])
        if not matched:
            first = sitting.rows[0]
            identity = ("sitting", " ".join(first.name.split()), first.date.isoformat(), str(first.time))
            proposals.append(Proposal(CourtUpdate.Kind.NEW, None, identity, proposed, {}))
            continue
        last_row = len(sitting.rows) - 1
        for hearing, match in matched:
            if match.row is not None and match.row < last_row:
                # A hearing at a row the court postponed, while another of the docket's hearings
                # already stands at the sitting's new date: this one is the postponed one.
                if any(other.row is None or other.row > match.row for _h, other in matched if other is not match):
                    proposals.extend(_postponed(hearing, sitting.rows[match.row], proposed, zone))
                    continue
            kind = _compare(hearing, sitting, proposed, zone, now)
            if kind is not None:
                values = {**proposed, "kind": hearing.kind, "judge": ""}
                if sitting.last.time is None and sitting.last.date == _local(hearing, zone)[0]:
                    # The card gives the day without a time (and something else, e.g. the room): a
                    # time the lawyer knows is kept, as _compare reads it, not set to midnight.
                    values.update(starts_at=_utc(hearing.starts_at), time_to_be_confirmed=hearing.time_to_be_confirmed)
                proposals.append(Proposal(kind, hearing, ("hearing", hearing.pk), values, hearing_values(hearing)))
    for hearing in hearings:
        if hearing.pk in matches or hearing.status != Hearing.Status.SCHEDULED or hearing.starts_at <= now:
            continue
        gone = {
            "event": "",
            "starts_at": _utc(hearing.starts_at),
            "time_to_be_confirmed": hearing.time_to_be_confirmed,
            "courtroom": hearing.courtroom,
            "status": Hearing.Status.CANCELLED,
            "outcome": "",
            "reason": "",
            "kind": hearing.kind,
            "judge": "",
        }
        proposals.append(
            Proposal(CourtUpdate.Kind.GONE, hearing, ("hearing", hearing.pk), gone, hearing_values(hearing))
        )
    return proposals


def _postponed(hearing: Hearing, row: CardEvent, sitting_values: dict[str, Any], zone: ZoneInfo) -> list[Proposal]:
    if hearing.status == Hearing.Status.POSTPONED:
        return []
    values = {
        **sitting_values,
        "event": " ".join(row.name.split()),
        "starts_at": _utc(hearing.starts_at),
        "time_to_be_confirmed": hearing.time_to_be_confirmed,
        "courtroom": hearing.courtroom,
        "status": Hearing.Status.POSTPONED,
        "outcome": "",
        "reason": _row_words(row),
        "kind": hearing.kind,
        "judge": "",
    }
    return [Proposal(CourtUpdate.Kind.RESULT, hearing, ("hearing", hearing.pk), values, hearing_values(hearing))]


@transaction.atomic
def updates_propose(*, watch: CourtWatch, reading: CardReading) -> list[CourtUpdate]:
    """Compare a card read whole with the docket's hearings and save what changed as proposals
    (none twice for one event; none again for a dismissed one). Returns the new proposals.

    An open proposal this reading makes again is kept, its `previous` brought up to the hearing
    as it now is (so it applies over a later edit the lawyer made); one it no longer makes is
    superseded."""
    watch = CourtWatch.objects.select_for_update().select_related("docket__court").get(pk=watch.pk)
    docket = watch.docket
    hearings = list(
        Hearing.objects.filter(case_id=docket.case_id, court_id=docket.court_id).order_by("starts_at", "pk")
    )
    now = timezone.now()
    proposals = proposals_for(hearings=hearings, reading=reading, court=docket.court, now=now)
    keyed: dict[str, Proposal] = {}
    for proposal in proposals:
        # Two of the docket's hearings at one time: one proposal each is enough, once.
        keyed.setdefault(proposal.event_key, proposal)
    existing = {u.event_key: u for u in CourtUpdate.objects.filter(watch=watch, event_key__in=list(keyed))}
    created: list[CourtUpdate] = []
    for key, proposal in keyed.items():
        known = existing.get(key)
        if known is not None:
            if known.is_open and known.previous != proposal.previous:
                known.previous = proposal.previous
                known.save(update_fields=["previous"])
            continue
        update, made = CourtUpdate.objects.get_or_create(
            watch=watch,
            event_key=key,
            defaults={
                "case_id": docket.case_id,
                "hearing": proposal.hearing,
                "kind": proposal.kind,
                "proposed": proposal.proposed,
                "previous": proposal.previous,
            },
        )
        if made:
            created.append(update)
    CourtUpdate.objects.filter(watch=watch, state=CourtUpdate.State.PROPOSED).exclude(event_key__in=list(keyed)).update(
        state=CourtUpdate.State.SUPERSEDED, decided_at=now
    )
    return created
