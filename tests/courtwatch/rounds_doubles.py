"""Test doubles for the seams a round calls whose own tests are elsewhere (issue 23 part A:
`courtwatch.readers.card_read`; part C: `courtwatch.proposals.updates_propose` and
`courtwatch.services.update_apply`): they read the fixture cards as the README of court-pages/
says a reader should and propose one update per hearing, so that the rounds' tests are about
the round (what is fetched, recorded, refused, told), whatever the readers and proposals decide.
The real parts together: test_rounds_end_to_end.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from courtwatch.models import CourtUpdate
from courtwatch.reading import CardEvent, CardReading, CardUnreadable
from tests.courtwatch.court_server import card_bytes

MOS_GORSUD = CardReading(
    layout="mos-gorsud",
    case_number="02а-0911/2026",  # the number watch_on gives a docket by default
    events=(
        CardEvent("Подготовка", dt.date(2026, 10, 13), dt.time(11, 0), "410", "Проведено", is_hearing=True),
        CardEvent("Судебное заседание", dt.date(2026, 12, 10), dt.time(10, 30), "410", is_hearing=True),
    ),
)
MOS_GORSUD_POSTPONED = CardReading(
    layout="mos-gorsud",
    case_number="02а-0911/2026",  # the number watch_on gives a docket by default
    events=(
        *MOS_GORSUD.events[:1],
        CardEvent("Судебное заседание", dt.date(2026, 12, 10), dt.time(10, 30), "410", "Отложено",
                  "неявка ответчика", is_hearing=True),
        CardEvent("Судебное заседание", dt.date(2027, 1, 21), dt.time(15, 0), "412", is_hearing=True),
    ),
)  # fmt: skip
READINGS = {
    card_bytes("mos-gorsud.html"): MOS_GORSUD,
    card_bytes("mos-gorsud-postponed.html"): MOS_GORSUD_POSTPONED,
}


@dataclass
class Doubles:
    reads: list[bytes] = field(default_factory=list)
    proposals: list[int] = field(default_factory=list)  # watch ids
    applied: list[int] = field(default_factory=list)  # update ids
    refuse_apply: set[str] = field(default_factory=set)  # event keys whose apply a rule refuses
    read_error: Exception | None = None
    propose_error: Exception | None = None

    def card_read(self, body: bytes, *, content_type: str = "") -> CardReading:
        self.reads.append(body)
        if self.read_error is not None:
            raise self.read_error
        if b"captcha" in body:
            raise CardUnreadable("captcha", "the page asks for a captcha")
        if body in READINGS:
            return READINGS[body]
        raise CardUnreadable("layout", "no known layout")

    def updates_propose(self, *, watch, reading: CardReading) -> list[CourtUpdate]:
        self.proposals.append(watch.pk)
        if self.propose_error is not None:
            raise self.propose_error
        made = []
        for event in reading.events:
            if not event.is_hearing:
                continue
            key = f"{event.date.isoformat()}T{event.time}:{event.result or 'listed'}"
            kind = CourtUpdate.Kind.RESULT if event.result else CourtUpdate.Kind.NEW
            update, created = CourtUpdate.objects.get_or_create(
                watch=watch,
                event_key=key,
                defaults={"case_id": watch.docket.case_id, "kind": kind, "proposed": {"room": event.room}},
            )
            if created:
                made.append(update)
        return made

    def update_apply(self, *, update: CourtUpdate, actor=None, automatic: bool = False) -> CourtUpdate:
        if update.event_key in self.refuse_apply:  # as the real one does in a round: left for a lawyer
            return update
        update.state, update.automatic, update.decided_at = CourtUpdate.State.APPLIED, automatic, timezone.now()
        update.save()
        self.applied.append(update.pk)
        return update


def install(monkeypatch) -> Doubles:
    doubles = Doubles()
    monkeypatch.setattr("courtwatch.readers.card_read", doubles.card_read)
    monkeypatch.setattr("courtwatch.proposals.updates_propose", doubles.updates_propose)
    monkeypatch.setattr("courtwatch.services.update_apply", doubles.update_apply)
    return doubles
