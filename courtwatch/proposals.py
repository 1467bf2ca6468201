"""From a card's events to proposed updates of the docket's hearings. Issue 23, being written."""

from __future__ import annotations

from courtwatch.models import CourtUpdate, CourtWatch
from courtwatch.reading import CardReading


def updates_propose(*, watch: CourtWatch, reading: CardReading) -> list[CourtUpdate]:
    """Compare a card read whole with the docket's hearings and save what changed as proposals
    (none twice for one event; none again for a dismissed one). Returns the new proposals."""
    raise NotImplementedError
