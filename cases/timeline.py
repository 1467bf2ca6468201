"""Where a fact sorts in a case's story: one rule for the case page and the dossier."""

from __future__ import annotations

import datetime as dt

from cases.models import CaseEvent


def timeline_date(on: dt.date, precision: str = CaseEvent.Precision.DAY) -> dt.date:
    """A fact known only to the month or year sorts at the end of that period: all we know is
    that it had happened by then (the 2018 fine comes after the April 2018 picket)."""
    if precision == CaseEvent.Precision.YEAR:
        return dt.date(on.year, 12, 31)
    if precision == CaseEvent.Precision.MONTH:
        next_month = (on.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return next_month - dt.timedelta(days=1)
    return on
