"""Tags for the court watch on the lawyers' case page (templates/web/_case_court_watch.html)."""

from __future__ import annotations

import datetime as dt

from django import template

from cases.models import Docket, Hearing
from courtwatch.models import CourtWatch
from courtwatch.selectors import watch_problem_words, watch_state_words
from web.forms import CourtWatchForm

register = template.Library()


@register.filter
def iso_moment(value: str | None) -> dt.datetime | None:
    """A proposal's stored moment (an ISO string, UTC) as the datetime the `when` tag shows."""
    return dt.datetime.fromisoformat(value) if value else None


@register.filter
def hearing_status(value: str) -> str:
    """A hearing status in the page's language (the model's labels are translated)."""
    try:
        return str(Hearing.Status(value).label)
    except ValueError:
        return value


@register.filter
def watch_state(watch: CourtWatch) -> str:
    return watch_state_words(watch)


@register.filter
def watch_problem(watch: CourtWatch) -> str:
    return watch_problem_words(watch)


@register.filter
def court_watch_form(docket: Docket) -> CourtWatchForm:
    """The empty "watch this docket's card" form, with ids of its own (one per docket on the page)."""
    return CourtWatchForm(auto_id=f"watch-{docket.pk}-%s")
