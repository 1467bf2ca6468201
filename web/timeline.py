"""A case's story in date order, built from rows already fetched by `case_for_page`:
timeline facts, the filing, hearings (with every move), rulings and appeals, and (on the members'
page only) the deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cases.models import Case, CaseEvent
from cases.timeline import timeline_date


@dataclass
class Entry:
    on: dt.date | None
    kind: str  # "event", "filing", "hearing", "ruling", "appeal", "deadline": the template picks its block by it
    obj: Any = None
    precision: str = CaseEvent.Precision.DAY
    children: list[Any] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple[dt.date, int]:
        order = ["event", "filing", "hearing", "ruling", "appeal", "deadline"].index(self.kind)
        return (dt.date.max if self.on is None else timeline_date(self.on, self.precision), order)


def case_timeline(case: Case, deadlines: Iterable[Any] = ()) -> list[Entry]:
    """`deadlines` only on the members' page: the public timeline never has them."""
    entries: list[Entry] = [
        Entry(on=e.occurred_on, kind="event", obj=e, precision=e.precision) for e in case.events.all()
    ]
    if case.filed_on:
        entries.append(Entry(on=case.filed_on, kind="filing", obj=case))
    for hearing in case.hearings.all():
        entries.append(
            Entry(
                on=hearing.starts_at.astimezone(hearing.court.time_zone).date(),
                kind="hearing",
                obj=hearing,
                children=list(hearing.reschedules.all()),
            )
        )
    rulings = {r.pk: r for r in case.rulings.all()}
    for ruling in rulings.values():
        entries.append(Entry(on=ruling.decided_on, kind="ruling", obj=ruling))
    for appeal in case.appeals.all():
        # An appeal not yet filed (or of unknown date) sits right after the ruling it challenges.
        on = appeal.filed_on or rulings[appeal.ruling_id].decided_on
        entries.append(Entry(on=on, kind="appeal", obj=appeal))
    for deadline in deadlines:
        # On its due date; one whose trigger date is unknown goes last, with "date unknown".
        entries.append(Entry(on=deadline.due_on, kind="deadline", obj=deadline))
    return sorted(entries, key=lambda e: e.sort_key)
